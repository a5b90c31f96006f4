package mote.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import mote.Compiler;
import mote.board.Board;
import mote.e2e.RunProgramsTestAccess;
import mote.llvm.LlvmBackend;
import mote.testutil.Expectations;
import mote.testutil.ProgramRunner;
import mote.testutil.TestFiles;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The correctness matrix: every end-to-end program gives the same console output and exit
 * code under `--opt none`, under each optimization alone, and under `--opt all` (its own
 * `// expect:` lines, on the default board).
 */
class OptimizationMatrixTest {
    static Map<String, Set<Optimization>> variants() {
        Map<String, Set<Optimization>> v = new LinkedHashMap<>();
        v.put("none", EnumSet.noneOf(Optimization.class));
        for (Optimization o : Optimization.values()) v.put(o.cliName, EnumSet.of(o));
        v.put("all", EnumSet.allOf(Optimization.class));
        return v;
    }

    @TestFactory
    Stream<DynamicTest> sameBehaviourUnderEveryOptimization() {
        Map<String, UnaryOperator<Compiler.Options>> builds = new LinkedHashMap<>();
        for (var v : variants().entrySet()) builds.put("--opt " + v.getKey(), o -> o.withOpts(v.getValue()));
        return sameBehaviour((text, expect) -> true, builds);
    }

    /**
     * Debug builds carry line statements through every pass (inlining copies them): each
     * program also runs as a `--debug` build with every optimization. Programs whose
     * arithmetic wraps on purpose say so with `// debug: skip`.
     */
    @TestFactory
    Stream<DynamicTest> debugBuildsBehaveTheSameWithAllOptimizations() {
        return sameBehaviour((text, expect) -> !text.contains("// debug: skip"),
                Map.of("--debug --opt all", o -> o.withDebug(true)));
    }

    /**
     * LLVM's other levels (-O z, 2, 0) must not change what a program does either. A program
     * whose outcome depends on how much stack the code takes says `// levels: skip`.
     */
    @TestFactory
    Stream<DynamicTest> sameBehaviourAtEveryLlvmLevel() {
        Map<String, UnaryOperator<Compiler.Options>> builds = new LinkedHashMap<>();
        for (LlvmBackend.OptLevel level : List.of(LlvmBackend.OptLevel.Z, LlvmBackend.OptLevel.O2, LlvmBackend.OptLevel.O0))
            builds.put("-O " + level, o -> o.withOptLevel(level));
        return sameBehaviour((text, expect) -> !text.contains("// levels: skip"), builds);
    }

    /**
     * `--panic=task` changes only what a panic does: a program that does not panic behaves
     * the same under it (its optimizations differ: drop-panicked is off).
     */
    @TestFactory
    Stream<DynamicTest> programsThatDoNotPanicBehaveTheSameUnderPanicTask() {
        return sameBehaviour((text, expect) -> expect.exitCode() != 101, Map.of("--panic=task", o -> o.withPanicAbort(false)));
    }

    /**
     * Every end-to-end program without special flags (those are covered where they live) that
     * {@code include} accepts (its text, its expectations), built each way in {@code builds}:
     * its own `// expect:` output and exit code, on the default board when it runs there.
     */
    private static Stream<DynamicTest> sameBehaviour(BiPredicate<String, Expectations> include,
                                                     Map<String, UnaryOperator<Compiler.Options>> builds) {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path program : RunProgramsTestAccess.programs()) {
            String text = TestFiles.read(program);
            Expectations expect = Expectations.parse(text);
            if (!expect.flags().isEmpty() || !include.test(text, expect)) continue;
            String board = expect.boards().contains(Board.DEFAULT_NAME) ? Board.DEFAULT_NAME : expect.boards().get(0);
            for (var build : builds.entrySet()) {
                tests.add(DynamicTest.dynamicTest(program.getFileName() + " " + build.getKey(), () -> {
                    ProgramRunner.Run run = ProgramRunner.run(program, board, build.getValue(), expect.input());
                    assertEquals(expect.expectedOutput(program), run.output(), "output with " + build.getKey());
                    assertEquals(expect.exitCode(), run.exitCode(), "exit code with " + build.getKey());
                }));
            }
        }
        return tests.stream();
    }
}

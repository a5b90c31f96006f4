package mote.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The correctness matrix: every end-to-end program gives the same console output and exit
 * code under `--opt none`, under each optimization alone, with each optimization switched off
 * alone (`--opt all,-NAME`: what the others do without it), and under `--opt all` (its own
 * `// expect:` lines, on the default board). A program's own `// flags:` (`--debug`,
 * `--panic=task`) are kept in every build of it.
 *
 * Cost: 16 builds and runs per program for the optimization sets, up to 5 more for the other
 * dimensions, about 1400 in all; each is one in-process compile and one short QEMU run (under
 * a tenth of a second of CPU: the whole matrix took 2 minutes of CPU, 3.5 minutes on 2 busy
 * cores), so every program runs in every build rather than a sample of them.
 */
class OptimizationMatrixTest {
    static Map<String, Set<Optimization>> variants() {
        Map<String, Set<Optimization>> v = new LinkedHashMap<>();
        v.put("none", EnumSet.noneOf(Optimization.class));
        for (Optimization o : Optimization.values()) v.put(o.cliName, EnumSet.of(o));
        for (Optimization o : Optimization.values()) {
            Set<Optimization> allBut = EnumSet.allOf(Optimization.class);
            allBut.remove(o);
            v.put("all,-" + o.cliName, allBut);
        }
        v.put("all", EnumSet.allOf(Optimization.class));
        return v;
    }

    @Test
    void theSetsAreNoneEachAloneAllButEachAndAll() {
        Map<String, Set<Optimization>> v = variants();
        assertEquals(2 + 2 * Optimization.values().length, v.size());
        for (var e : v.entrySet()) assertEquals(Optimization.parse(e.getKey()), e.getValue(), "--opt " + e.getKey());
    }

    @TestFactory
    Stream<DynamicTest> sameBehaviourUnderEveryOptimization() {
        Map<String, UnaryOperator<Compiler.Options>> builds = new LinkedHashMap<>();
        for (var v : variants().entrySet()) builds.put("--opt " + v.getKey(), o -> o.withOpts(v.getValue()));
        return sameBehaviour((text, expect) -> true, builds);
    }

    /** Programs built with `// flags:` (`--debug`, `--panic=task`) were left out of the matrix. */
    @Test
    void programsWithFlagsRunThroughTheMatrixWithTheirFlags() {
        List<String> names = sameBehaviourUnderEveryOptimization().map(DynamicTest::getDisplayName).toList();
        for (String expected : List.of("overflow_add_debug.mote --debug --opt none", "panic_task.mote --panic=task --opt all"))
            assertTrue(names.contains(expected), expected + " in " + names);
        assertThrows(IllegalArgumentException.class,
                () -> Expectations.parse("// flags: --bogus\n").applyFlags(null));
    }

    /**
     * Debug builds carry line statements through every pass (inlining copies them): each
     * program also runs as a `--debug` build with every optimization. Programs whose
     * arithmetic wraps on purpose say so with `// debug: skip`.
     */
    @TestFactory
    Stream<DynamicTest> debugBuildsBehaveTheSameWithAllOptimizations() {
        return sameBehaviour((text, expect) -> !text.contains("// debug: skip") && !expect.flags().contains("--debug"),
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
     * Code generation cut into partitions (mote.llvm.SplitCodegen, which chooses one partition
     * for programs of this size by itself) must link into a program that does the same: local
     * functions and variables used across partitions, the vector table, the runtime, DWARF.
     */
    @TestFactory
    Stream<DynamicTest> sameBehaviourWithCodeGeneratedInPartitions() {
        Map<String, UnaryOperator<Compiler.Options>> builds = new LinkedHashMap<>();
        builds.put("--codegen-units 3", o -> o.withCodegenUnits(3));
        builds.put("--opt none --codegen-units 3", o -> o.withOpts(EnumSet.noneOf(Optimization.class)).withCodegenUnits(3));
        // Cut three ways, a small program keeps calls that one module inlines (and the other way
        // round): a fault report then says a frame was `called from` where it said `in` (an
        // inlined frame). The frames, their functions and lines must be the same.
        return sameBehaviour((text, expect) -> true, builds, output -> output.replace("\n  called from ", "\n  in "));
    }

    /**
     * `--panic=task` changes only what a panic does: a program that does not panic behaves
     * the same under it (its optimizations differ: drop-panicked is off).
     */
    @TestFactory
    Stream<DynamicTest> programsThatDoNotPanicBehaveTheSameUnderPanicTask() {
        return sameBehaviour((text, expect) -> expect.exitCode() != 101 && !expect.flags().contains("--panic=task"),
                Map.of("--panic=task", o -> o.withPanicAbort(false)));
    }

    /**
     * Every end-to-end program that {@code include} accepts (its text, its expectations), built
     * each way in {@code builds} on top of its own `// flags:`: its own `// expect:` output and
     * exit code, on the default board when it runs there. (The debug and panic=task builds
     * leave out programs that already carry that flag: RunProgramsTest builds them so.)
     */
    private static Stream<DynamicTest> sameBehaviour(BiPredicate<String, Expectations> include,
                                                     Map<String, UnaryOperator<Compiler.Options>> builds) {
        return sameBehaviour(include, builds, UnaryOperator.identity());
    }

    /** As above, comparing the outputs as {@code frames} rewrites them. */
    private static Stream<DynamicTest> sameBehaviour(BiPredicate<String, Expectations> include,
                                                     Map<String, UnaryOperator<Compiler.Options>> builds, UnaryOperator<String> frames) {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path program : RunProgramsTestAccess.programs()) {
            String text = TestFiles.read(program);
            Expectations expect = Expectations.parse(text);
            if (!include.test(text, expect)) continue;
            String board = expect.boards().contains(Board.DEFAULT_NAME) ? Board.DEFAULT_NAME : expect.boards().get(0);
            for (var build : builds.entrySet()) {
                String flags = expect.flags().isEmpty() ? "" : " " + String.join(" ", expect.flags());
                tests.add(DynamicTest.dynamicTest(program.getFileName() + flags + " " + build.getKey(), () -> {
                    ProgramRunner.Run run = ProgramRunner.run(program, board, o -> build.getValue().apply(expect.applyFlags(o)), expect.input());
                    assertEquals(frames.apply(expect.expectedOutput(program)), frames.apply(run.output()), "output with " + build.getKey());
                    assertEquals(expect.exitCode(), run.exitCode(), "exit code with " + build.getKey());
                }));
            }
        }
        return tests.stream();
    }
}

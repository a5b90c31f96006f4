package mote.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
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
        List<DynamicTest> tests = new ArrayList<>();
        for (Path program : RunProgramsTestAccess.programs()) {
            Expectations expect = Expectations.parse(TestFiles.read(program));
            if (!expect.flags().isEmpty()) continue;   // programs needing special flags are covered where they live
            String board = expect.boards().contains(Board.DEFAULT_NAME) ? Board.DEFAULT_NAME : expect.boards().get(0);
            for (var v : variants().entrySet()) {
                tests.add(DynamicTest.dynamicTest(program.getFileName() + " --opt " + v.getKey(), () -> {
                    ProgramRunner.Run run = ProgramRunner.run(program, board, o -> o.withOpts(v.getValue()), expect.input());
                    assertEquals(expect.expectedOutput(program), run.output(), "output with --opt " + v.getKey());
                    assertEquals(expect.exitCode(), run.exitCode(), "exit code with --opt " + v.getKey());
                }));
            }
        }
        return tests.stream();
    }

    /**
     * Debug builds carry line statements through every pass (inlining copies them): each
     * program also runs as a `--debug` build with every optimization. Programs whose
     * arithmetic wraps on purpose say so with `// debug: skip`.
     */
    @TestFactory
    Stream<DynamicTest> debugBuildsBehaveTheSameWithAllOptimizations() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path program : RunProgramsTestAccess.programs()) {
            String text = TestFiles.read(program);
            Expectations expect = Expectations.parse(text);
            if (!expect.flags().isEmpty() || text.contains("// debug: skip")) continue;
            String board = expect.boards().contains(Board.DEFAULT_NAME) ? Board.DEFAULT_NAME : expect.boards().get(0);
            tests.add(DynamicTest.dynamicTest(program.getFileName() + " --debug --opt all", () -> {
                ProgramRunner.Run run = ProgramRunner.run(program, board, o -> o.withDebug(true), expect.input());
                assertEquals(expect.expectedOutput(program), run.output(), "output of the --debug build");
                assertEquals(expect.exitCode(), run.exitCode(), "exit code of the --debug build");
            }));
        }
        return tests.stream();
    }

    /**
     * LLVM's other levels (-O z, 2, 0) must not change what a program does either. A program
     * whose outcome depends on how much stack the code takes says `// levels: skip`.
     */
    @TestFactory
    Stream<DynamicTest> sameBehaviourAtEveryLlvmLevel() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path program : RunProgramsTestAccess.programs()) {
            String text = TestFiles.read(program);
            Expectations expect = Expectations.parse(text);
            if (!expect.flags().isEmpty() || text.contains("// levels: skip")) continue;
            String board = expect.boards().contains(Board.DEFAULT_NAME) ? Board.DEFAULT_NAME : expect.boards().get(0);
            for (LlvmBackend.OptLevel level : List.of(LlvmBackend.OptLevel.Z, LlvmBackend.OptLevel.O2, LlvmBackend.OptLevel.O0)) {
                tests.add(DynamicTest.dynamicTest(program.getFileName() + " -O " + level, () -> {
                    ProgramRunner.Run run = ProgramRunner.run(program, board, o -> o.withOptLevel(level), expect.input());
                    assertEquals(expect.expectedOutput(program), run.output(), "output at " + level);
                    assertEquals(expect.exitCode(), run.exitCode(), "exit code at " + level);
                }));
            }
        }
        return tests.stream();
    }

    /**
     * `--panic=task` changes only what a panic does: a program that does not panic behaves
     * the same under it (its optimizations differ: drop-panicked is off).
     */
    @TestFactory
    Stream<DynamicTest> programsThatDoNotPanicBehaveTheSameUnderPanicTask() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path program : RunProgramsTestAccess.programs()) {
            Expectations expect = Expectations.parse(TestFiles.read(program));
            if (!expect.flags().isEmpty() || expect.exitCode() == 101) continue;
            String board = expect.boards().contains(Board.DEFAULT_NAME) ? Board.DEFAULT_NAME : expect.boards().get(0);
            tests.add(DynamicTest.dynamicTest(program.getFileName() + " --panic=task", () -> {
                ProgramRunner.Run run = ProgramRunner.run(program, board, o -> o.withPanicAbort(false), expect.input());
                assertEquals(expect.expectedOutput(program), run.output(), "output under --panic=task");
                assertEquals(expect.exitCode(), run.exitCode(), "exit code under --panic=task");
            }));
        }
        return tests.stream();
    }
}

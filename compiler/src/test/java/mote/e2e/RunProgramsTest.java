package mote.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import mote.home.MoteHome;
import mote.testutil.Expectations;
import mote.testutil.ProgramRunner;
import mote.testutil.TestFiles;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every program under {@code examples/} and {@code src/test/resources/run/} is compiled and run
 * under QEMU on each board it names; its console output and exit code must be exactly what its
 * {@code // expect:} and {@code // exit:} comments say. In an expected line, {@code {file}}
 * stands for the program's path as the compiler names it (panic messages carry it);
 * {@code // flags: --debug} builds the program as `mote build --debug` would (see
 * {@link Expectations#applyFlags}).
 */
class RunProgramsTest {
    static List<Path> programs() {
        List<Path> all = new ArrayList<>(TestFiles.list(MoteHome.get().resolve("examples"), ".mote"));
        all.addAll(TestFiles.list(TestFiles.resources("run"), ".mote"));
        return all.stream().filter(p -> !TestFiles.isModule(p)).toList();
    }

    @TestFactory
    Stream<DynamicTest> programsRunAsExpected() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path program : programs()) {
            Expectations expect = Expectations.parse(TestFiles.read(program));
            for (String board : expect.boards()) {
                tests.add(DynamicTest.dynamicTest(program.getFileName() + " on " + board, () -> check(program, board, expect)));
            }
        }
        assertFalse(tests.isEmpty());
        return tests.stream();
    }

    static void check(Path program, String board, Expectations expect) {
        assertTrue(!expect.lines().isEmpty() || expect.exitCode() != 0, program + " states no expectation");
        ProgramRunner.Run run = ProgramRunner.run(program, board, expect::applyFlags, expect.input());
        assertEquals(expect.expectedOutput(program), run.output(), "console output of " + program.getFileName() + " on " + board);
        assertEquals(expect.exitCode(), run.exitCode(), "exit code of " + program.getFileName() + " on " + board
                + "\n" + run.qemu().stderr());
    }
}

package mote.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import mote.testutil.Expectations;
import mote.testutil.ProgramRunner;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * `--log interned`: every program {@link RunProgramsTest} runs prints exactly the same under it
 * (its first board), once `mote run`'s decoder has turned the frames back into text: the
 * program's text is in the ELF's .mote_log section instead of flash. Also checks that the
 * interned image is no larger.
 */
class InternedLogTest {
    @TestFactory
    Stream<DynamicTest> everyRunProgramPrintsTheSameInterned() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path program : RunProgramsTest.programs()) {
            Expectations expect = Expectations.parse(mote.testutil.TestFiles.read(program));
            String board = expect.boards().get(0);
            tests.add(DynamicTest.dynamicTest(program.getFileName() + " on " + board, () -> {
                ProgramRunner.Run run = ProgramRunner.run(program, board, o -> expect.applyFlags(o).withInternedLog(true), expect.input());
                assertEquals(expect.expectedOutput(program), run.output(), "console output of " + program.getFileName() + " interned");
                assertEquals(expect.exitCode(), run.exitCode(), "exit code of " + program.getFileName() + " interned");
            }));
        }
        assertTrue(tests.size() > 50);
        return tests.stream();
    }
}

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

    /**
     * A handler that prints preempts main's prints: each frame still arrives whole, so every
     * line of both decodes, in order. (Frames written byte by byte with interrupts enabled
     * nested and the host lost lines and passed raw bytes through.) Not a run program: where
     * the ticks fall among main's lines depends on instruction counts, so the test checks
     * what must hold wherever they fall.
     */
    @org.junit.jupiter.api.Test
    void aHandlersFrameNeverLandsInsideAnother() {
        Path program = mote.testutil.TestFiles.resources("interned").resolve("handler_prints.mote");
        ProgramRunner.Run run = ProgramRunner.run(program, "lm3s6965evb", o -> o.withInternedLog(true), "");
        assertEquals(0, run.exitCode(), run.output());
        List<String> lines = run.output().lines().toList();
        List<String> mains = lines.stream().filter(l -> l.startsWith("line ")).toList();
        List<String> ticks = lines.stream().filter(l -> l.startsWith("tick ")).toList();
        List<String> expectedMains = new ArrayList<>();
        for (long i = 0; i < 200; i++) expectedMains.add("line " + i + " " + i * 1000 + " " + i * 100000 + " " + i * 7);
        assertEquals(expectedMains, mains);
        assertEquals(5, ticks.size(), "the timer stops itself after five ticks: " + run.output());
        for (int n = 1; n <= 5; n++) assertEquals("tick " + n + " " + n * 1000003L, ticks.get(n - 1));
        assertEquals("ticks 5", lines.get(lines.size() - 1));
        assertEquals(200 + 5 + 1, lines.size(), "no other text: " + run.output());
        assertTrue(lines.indexOf(ticks.get(4)) < lines.size() - 2, "the ticks preempt main's prints, not follow them");
    }
}

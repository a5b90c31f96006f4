package mote.size;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import mote.Compiler;
import mote.home.MoteHome;
import mote.board.Board;
import mote.testutil.ProgramRunner;
import mote.testutil.TestFiles;
import org.junit.jupiter.api.Test;

/** The per-task report: state bytes and the worst-case stack of one poll, from real frame sizes. */
class StackUsageTest {
    static final Board BOARD = Board.load(Board.DEFAULT_NAME);

    @Test
    void mainTaskHasABoundedPollStackMadeOfRealFrames() {
        Compiler.Result r = Compiler.compile(MoteHome.get().resolve("examples").resolve("forwarding.mote"),
                Compiler.Options.defaults(BOARD, ProgramRunner.tempDir()));
        List<TaskReport.Task> tasks = TaskReport.of(r, BOARD);
        assertEquals(1, tasks.size());
        TaskReport.Task main = tasks.get(0);
        assertEquals("main", main.name());
        assertEquals(r.machines().get("main").size(), main.stateBytes());
        assertTrue(main.pollStack() > 0, main.toString());
        // The chain lists each frame; their sum is the total.
        StackUsage.Worst w = StackUsage.measure(r, BOARD).worst("main.task");
        long sum = 0;
        for (String step : w.path()) sum += Long.parseLong(step.substring(step.lastIndexOf(' ') + 1));
        assertEquals(w.bytes(), sum, w.describe());
        assertTrue(w.path().get(0).startsWith("main.task "), w.describe());
        assertTrue(w.path().stream().anyMatch(s -> s.startsWith("mote_print_")), "runtime frames count too: " + w.describe());
    }

    @Test
    void recursionIsReportedAsUnbounded() {
        Compiler.Result r = Compiler.compile(TestFiles.resources("opt").resolve("recursive.mote"),
                Compiler.Options.defaults(BOARD, ProgramRunner.tempDir()));
        TaskReport.Task main = TaskReport.of(r, BOARD).get(0);
        assertEquals(-1, main.pollStack());
        assertTrue(main.stackPath().contains("unbounded: recursion through fib -> fib"), main.stackPath());
        assertFalse(TaskReport.text(List.of(main)).isEmpty());
    }
}

package mote.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import mote.board.Board;
import mote.board.BoardCatalog;
import mote.link.ImageSize;
import mote.link.TestFirmware;

/**
 * The executor of docs/runtime-abi.md (task table, spawn, wake-ups, timers, channels,
 * signals, --panic=task) driven by C stand-ins for compiled programs, in QEMU under
 * {@code -icount shift=0}: every run is deterministic, so outputs, including times, are exact.
 * Each program runs on both QEMU boards and on the test-only Cortex-M0 board (v6-M code paths).
 */
class ExecutorRunTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir Path dir;

    private static Board board(String name) {
        if (name.equals("microbit-m0")) {
            try {
                return new BoardCatalog(Path.of(ExecutorRunTest.class.getResource("/boards-m0").toURI()))
                        .load("microbit-m0");
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        return Board.load(name);
    }

    private QemuResult run(String boardName, String program) throws Exception {
        Board board = board(boardName);
        Path elf = TestFirmware.build(board, program, dir);
        QemuResult result = new QemuRunner().run(board, elf, QemuOptions.defaults().withTimeout(LIMIT));
        assertFalse(result.timedOut(), "timed out; output so far:\n" + result.output());
        return result;
    }

    private void expect(String boardName, String program, String output, int exitCode) throws Exception {
        QemuResult result = run(boardName, program);
        assertEquals(output, result.output(), "stderr: " + result.stderr());
        assertEquals(exitCode, result.exitCode());
    }

    /** `async fn main() -> i32 { 0 }`: startup + executor + console + panic path under 1 KiB. */
    @Test
    void emptyMainFitsInOneKilobyte() throws Exception {
        Board board = Board.load("lm3s6965evb");
        Path elf = TestFirmware.build(board, "empty", dir);
        QemuResult result = new QemuRunner().run(board, elf, QemuOptions.defaults().withTimeout(LIMIT));
        assertEquals("", result.output());
        assertEquals(0, result.exitCode());
        ImageSize size = ImageSize.of(elf, board);
        assertTrue(size.flash() < 1024, "flash " + size.flash());
    }

    @ParameterizedTest
    @ValueSource(strings = {"lm3s6965evb", "mps2-an385", "microbit-m0"})
    void thirtyTwoTasksAtOnceAndAFullPool(String board) throws Exception {
        expect(board, "tasks", """
                32nd spawn: false
                sum 496
                order 4 8 12 16 20 24 28 1 5 9 13 17 21 25 29 2 6 10 14 18 22 26 30 3 7 11 15 19 23 27 31
                again: truetrue
                sum 700
                """, 7);
    }

    @ParameterizedTest
    @ValueSource(strings = {"lm3s6965evb", "mps2-an385", "microbit-m0"})
    void unitMainExitsZeroOnceNoTaskIsLeft(String board) throws Exception {
        expect(board, "unit_main", """
                try_spawn: false
                main done
                blink 0 poll 1
                blink 1 poll 1
                blink 0 poll 2
                blink 1 poll 2
                blink 1 poll 3
                """, 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"lm3s6965evb", "mps2-an385"})
    void spawnIntoAFullPoolPanics(String board) throws Exception {
        expect(board, "spawn_panic", """
                first spawn ok
                panic: task pool exhausted at pool.mote:3:5
                """, 101);
    }

    /** Tasks sleeping 3, 1, 2 ms wake in order 1, 2, 3; each elapsed time includes printing the line. */
    @ParameterizedTest
    @ValueSource(strings = {"lm3s6965evb", "mps2-an385", "microbit-m0"})
    void timersWakeInDeadlineOrderAfterTheirTime(String board) throws Exception {
        // A 20 s sleep crosses 2^24-cycle SysTick periods; the few microseconds over are the
        // printing and the cycles lost in reprogramming SysTick (docs/runtime-abi.md).
        // What printing and the executor take between a wake-up and the next read of the clock
        // differs by a microsecond from board to board; none wakes before its deadline.
        String last = board.equals("microbit-m0") ? "20000004" : "20000003";
        String solo1 = board.equals("lm3s6965evb") ? "1" : "2";
        String solo0 = board.equals("microbit-m0") ? "0" : "1";   // a zero sleep takes under 1 us on the M0
        String slept3 = board.equals("lm3s6965evb") ? "3000" : "3001";
        expect(board, "sleep", """
                main done
                solo 1 us: %s us
                slept 1 ms: woke after 1001 us
                solo 1500 us: 1501 us
                solo 0 us: %s us
                slept 2 ms: woke after 2001 us
                slept 3 ms: woke after %s us
                solo 20000000 us: %s us
                """.formatted(solo1, solo0, slept3, last), 0);
    }

    /**
     * The cost of a task switch in instructions: under -icount shift=0 an instruction is
     * 1 ns, so (switch loop us - bare loop us) * 1000 / polls is what the executor adds
     * per poll (take the ready bit, check status, indirect call, return).
     */
    @ParameterizedTest
    @ValueSource(strings = {"lm3s6965evb", "mps2-an385", "microbit-m0"})
    void aTaskSwitchCostsUnderAHundredInstructions(String board) throws Exception {
        QemuResult result = run(board, "pingpong");
        assertEquals(0, result.exitCode(), result.output());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "bare loop us: (\\d+)\nswitch loop us: (\\d+) polls: (\\d+)\n").matcher(result.output());
        assertTrue(m.matches(), result.output());
        long bare = Long.parseLong(m.group(1)), switched = Long.parseLong(m.group(2));
        long polls = Long.parseLong(m.group(3));
        long perPoll = switched * 1000 / polls;              // instructions per poll, all in
        long taskWork = bare * 1000 / ((polls + 1) / 2);     // the same poll called in a plain loop
        System.out.println(board + ": " + perPoll + " instructions per poll, " + taskWork
                + " of them the task's own, " + (perPoll - taskWork) + " the executor's");
        assertTrue(perPoll - taskWork < 100, "executor instructions per switch: " + (perPoll - taskWork));
    }

    @ParameterizedTest
    @ValueSource(strings = {"lm3s6965evb", "mps2-an385", "microbit-m0"})
    void channelBackPressureBothWays(String board) throws Exception {
        expect(board, "channels", """
                fast producer, slow consumer
                0 ms sent 1
                0 ms sent 2
                0 ms producer blocked before 3
                0 ms received 1
                0 ms sent 3
                0 ms producer blocked before 4
                1 ms received 2
                1 ms sent 4
                1 ms producer blocked before 5
                2 ms received 3
                2 ms sent 5
                3 ms received 4
                4 ms received 5
                slow producer, fast consumer
                0 ms consumer blocked after 0
                1 ms sent 1
                1 ms received 1
                1 ms consumer blocked after 1
                2 ms sent 2
                2 ms received 2
                2 ms consumer blocked after 2
                3 ms sent 3
                3 ms received 3
                3 ms consumer blocked after 3
                4 ms sent 4
                4 ms received 4
                4 ms consumer blocked after 4
                5 ms sent 5
                5 ms received 5
                """, 0);
    }

    /** Cancelled receivers (linked, and already notified) take nothing; a signal raised in an IRQ handler. */
    @ParameterizedTest
    @ValueSource(strings = {"lm3s6965evb", "mps2-an385", "microbit-m0"})
    void cancelledReceiversStealNothingAndSignalsComeFromInterrupts(String board) throws Exception {
        expect(board, "cancel", """
                r1 timed out
                r2 got 42
                r3 abandoned its receive
                r4 got 7
                items left: 0
                signal 1234
                """, 3);
    }

    /**
     * --panic=task (mote_task_poller defined): the panicking worker is poisoned, the others
     * finish. When it stops, each live worker is polled once more (polls 3 of workers 1 and 3):
     * a wake-up the stopped task held would otherwise be lost.
     */
    @ParameterizedTest
    @ValueSource(strings = {"lm3s6965evb", "mps2-an385", "microbit-m0"})
    void aPanickingTaskIsPoisonedAndTheOthersGoOn(String board) throws Exception {
        expect(board, "panic_task", """
                worker 1 poll 1
                worker 2 poll 1
                worker 3 poll 1
                worker 1 poll 2
                worker 2 poll 2
                panic: worker 2 failed at w.mote:9:13
                worker 3 poll 2
                worker 1 poll 3
                worker 3 poll 3
                worker 1 poll 4
                send 10
                worker 1 poll 5
                worker 1 poll 6
                worker 1 got 10
                send 11
                worker 3 poll 4
                worker 3 poll 5
                worker 3 got 11
                send 12
                status 2 3 2
                panic: main failed at m.mote:1:1
                """, 101);
    }

    /** 100 000 messages through two channels under timer load, checked in order and summed. */
    @ParameterizedTest
    @ValueSource(strings = {"lm3s6965evb", "mps2-an385", "microbit-m0"})
    void soakHundredThousandMessagesUnderTimerLoad(String board) throws Exception {
        expect(board, "soak", "sum 15000150000 tickers ran: true\n", 0);
    }
}

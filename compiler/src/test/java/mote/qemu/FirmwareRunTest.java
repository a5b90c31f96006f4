package mote.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
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
 * End to end without the compiler: C programs implementing the program side of
 * docs/runtime-abi.md are linked with runtime-c and run in QEMU.
 */
class FirmwareRunTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    /** What runtime/hello.c prints on every board: each value checked by hand. */
    static final String HELLO_OUTPUT = """
            hello from mote
            poll 1
            poll 2
            poll 3
            data: 1234
            i64 min: -9223372036854775808
            i64 neg: -42
            i64 zero: 0
            u64 max: 18446744073709551615
            hex: deadbeefcafe 0 ffffffffffffffff
            bool: true false
            u64max / 10 = 1844674407370955161
            u64max % 10 = 5
            -100000000000 / 3 = -33333333333
            -100000000000 % 3 = -1
            7 / -2 = -3
            7 % -2 = 1
            1000000007 / 13 = 76923077
            1000000007 % 13 = 6
            -1000000007 / 13 = -76923077
            -1000000007 % 13 = -6
            u64 mul: 6148914691236517201
            mem: ababcdefghxxxxxxxxxabcdefghhxx -1 0
            """;

    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"lm3s6965evb", "mps2-an385"})
    void helloPrintsEverythingAndExitsWith42(String boardName) throws Exception {
        Board board = Board.load(boardName);
        Path elf = TestFirmware.build(board, "hello", dir);
        ByteArrayOutputStream streamed = new ByteArrayOutputStream();

        QemuResult result = new QemuRunner().run(board, elf,
                QemuOptions.defaults().withTimeout(LIMIT).withConsole(streamed));

        assertFalse(result.timedOut(), "timed out; output so far:\n" + result.output());
        assertEquals(HELLO_OUTPUT, result.output(), "stderr: " + result.stderr());
        assertEquals(HELLO_OUTPUT, streamed.toString(StandardCharsets.UTF_8), "console stream");
        assertEquals(42, result.exitCode());
        assertFalse(result.stderr().contains("Timer with period zero"), "harmless QEMU line is filtered");

        ImageSize size = ImageSize.of(elf, board);
        int vectorWords = 16 + roundUpTo8(board.irqCount());
        assertEquals(4L * vectorWords, size.vectors(), "vector table: SP, 15 exceptions, IRQs in blocks of 8");
        assertTrue(size.text() > 500 && size.text() < 8192, "text " + size.text());
        assertTrue(size.data() >= 4 && size.data() % 4 == 0, "hello.c has initialised globals: " + size.data());
        assertEquals(board.stackSize() + size.data() + size.bss(), size.ram());
    }

    /** Cortex-M0 has no divide instruction: the v6-M helpers in arith.c do all the work. */
    @Test
    void helloOnCortexM0UsesSoftwareDivision() throws Exception {
        Board board = new BoardCatalog(resourceDir("/boards-m0")).load("microbit-m0");
        Path elf = TestFirmware.build(board, "hello", dir);

        QemuResult result = new QemuRunner().run(board, elf, QemuOptions.defaults().withTimeout(LIMIT));

        assertEquals(HELLO_OUTPUT, result.output(), "stderr: " + result.stderr());
        assertEquals(42, result.exitCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"lm3s6965evb", "mps2-an385"})
    void panicPrintsMessageAndLocationAndExitsWith101(String boardName) throws Exception {
        Board board = Board.load(boardName);
        Path elf = TestFirmware.build(board, "panic", dir);

        QemuResult result = new QemuRunner().run(board, elf, QemuOptions.defaults().withTimeout(LIMIT));

        assertEquals("panic: boom at x.mote:1:2\n", result.output());
        assertEquals(101, result.exitCode());
    }

    @Test
    void aProgramThatNeverFinishesTimesOut() throws Exception {
        Board board = Board.load("lm3s6965evb");
        Path elf = TestFirmware.build(board, "forever", dir);
        long start = System.nanoTime();

        QemuResult result = new QemuRunner().run(board, elf,
                QemuOptions.defaults().withTimeout(Duration.ofSeconds(2)));

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(result.timedOut());
        assertEquals(QemuResult.TIMEOUT_EXIT_CODE, result.exitCode());
        assertEquals("waiting forever\n", result.output(), "output before the timeout is kept");
        assertTrue(took.compareTo(Duration.ofSeconds(15)) < 0, "killed promptly, took " + took);
    }

    private static int roundUpTo8(int n) { return (n + 7) / 8 * 8; }

    private static Path resourceDir(String name) throws URISyntaxException {
        return Path.of(FirmwareRunTest.class.getResource(name).toURI());
    }
}

package mote.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import mote.board.Board;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Fault reports in a console transcript, wherever a line has them. */
class ConsoleDecoderTest {
    private static final String OVERFLOW = "fault: 00000003 fffffff1 00000002 1fffffe0";

    private static ConsoleDecoder decoder;

    /** The decoder reads the image's symbols: hello's will do, the report names no code of it. */
    @BeforeAll
    static void image() {
        Board board = Board.load("lm3s6965evb");
        Path elf = mote.Compiler.compile(mote.home.MoteHome.get().resolve("examples").resolve("hello.mote"),
                mote.Compiler.Options.defaults(board, mote.testutil.ProgramRunner.tempDir())).elf();
        decoder = new ConsoleDecoder(new FaultDecoder(board, elf, Map.of()), Optional.empty());
    }

    @Test
    void aReportOnItsOwnLineIsDecoded() {
        String out = decoder.decode("before\n" + OVERFLOW + "\nafter\n");
        assertTrue(out.startsWith("before\nfault: stack overflow"), out);
        assertTrue(out.endsWith("\nafter\n"), out);
    }

    /**
     * A panic whose own printing ran off the stack: `panic: ` and the report on one line. The
     * report is decoded after the text, as when the console went out before the report came
     * (it once printed the device's raw words instead, depending on the console's timing).
     */
    @Test
    void aReportAfterAPanicsFirstWordsIsDecodedToo() {
        String alone = decoder.decode(OVERFLOW + "\n");
        assertEquals("panic: " + alone, decoder.decode("panic: " + OVERFLOW + "\n"));
        assertTrue(decoder.decode("panic: " + OVERFLOW + "\n").startsWith("panic: fault: stack overflow"));
        // Text that merely mentions a fault passes through.
        assertEquals("no fault: here\n", decoder.decode("no fault: here\n"));
        assertEquals("x fault: 0000\n", decoder.decode("x fault: 0000\n"));
    }
}

package mote.size;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import mote.Compiler;
import mote.board.Board;
import mote.home.MoteHome;
import mote.testutil.ProgramRunner;
import org.junit.jupiter.api.Test;

/**
 * `--log interned` on bench/firmware.mote (lm3s6965evb, all optimizations): the text of its
 * 13 print formats (320 bytes) leaves flash, and so do its panic messages and locations (the
 * site table and file names) and the number conversions the device no longer runs: 7270 ->
 * 6086 bytes, more than its print text (7274 -> 6090 since a stack overflow names its
 * interrupt handler: 4 bytes in both). Pinned like the other sizes: if it shrinks, lower it.
 */
class InternedLogSizeTest {
    static final long FIRMWARE_TEXT = 7274, FIRMWARE_INTERNED = 6090, FIRMWARE_PRINT_TEXT = 320;

    @Test
    void firmwaresPrintTextLeavesFlash() {
        Path firmware = MoteHome.get().resolve("bench").resolve("firmware.mote");
        LogSaving s = LogSaving.measure(firmware, Compiler.Options.defaults(Board.load(Board.DEFAULT_NAME), ProgramRunner.tempDir()));
        assertTrue(s.textFlash() <= FIRMWARE_TEXT, "text logging, WholeProgramSizeTest's pin: " + s.text());
        assertTrue(s.internedFlash() <= FIRMWARE_INTERNED, "pinned at " + FIRMWARE_INTERNED + ": " + s.text());
        assertTrue(s.saved() >= FIRMWARE_PRINT_TEXT, "at least all of the print text leaves flash: " + s.text());
        assertTrue(s.sectionBytes() >= FIRMWARE_PRINT_TEXT, "the formats are in .mote_log: " + s.text());
    }
}

package mote.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import mote.board.Board;
import mote.link.ImageSize;
import mote.qemu.QemuOptions;
import mote.qemu.QemuResult;
import mote.qemu.QemuRunner;
import mote.testutil.ProgramRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The expert C of bench/c-expert/ (what `make bench` measures Mote against): each program
 * prints what its Mote program prints and exits as it does, under QEMU, and stays within its
 * measured own flash (image minus the expert empty image; sizes are deterministic, so a
 * crossed bound is a change to look at: if it shrank, lower the number).
 */
class ExpertCTest {
    private static final Board BOARD = Board.load("lm3s6965evb");
    /** The whole expert empty image: the vector table, Reset_Handler, the exit. */
    private static final long EMPTY_FLASH = 388;

    private static QemuResult run(Path elf) {
        return new QemuRunner().run(BOARD, elf, QemuOptions.defaults().withTimeout(Duration.ofSeconds(30)));
    }

    @ParameterizedTest
    @CsvSource({
            "empty, 0",
            "foo_bar, 116",
            "forwarding, 260",
            "pre_post, 332",
            "process_command, 352",
            "firmware, 4500"})
    void behavesAsTheMoteProgramAndStaysWithinItsOwnFlash(String program, long ownFlashBound) throws IOException {
        Path elf = ExpertC.build(program, BOARD, ProgramRunner.tempDir());
        QemuResult expert = run(elf);
        ProgramRunner.Run mote = ProgramRunner.run(ExpertC.moteSource(program), BOARD.name());
        assertFalse(expert.timedOut(), program + " timed out: " + expert.output());
        assertEquals(mote.output(), expert.output().replace("\r\n", "\n"), program + ": console output");
        assertEquals(mote.exitCode(), expert.exitCode(), program + ": exit code");

        long own = ImageSize.of(elf, BOARD).flash() - emptyFlash();
        assertTrue(own <= ownFlashBound, program + ": " + own + " B of own flash, pinned at " + ownFlashBound);
    }

    @Test
    void theEmptyImageHasTheBoardsWholeVectorTableAndLittleElse() throws IOException {
        Path elf = ExpertC.build("empty", BOARD, ProgramRunner.tempDir());
        QemuResult r = run(elf);
        assertEquals(0, r.exitCode(), r.output());
        // 16 system vectors and the board's interrupts rounded up to a multiple of 8, as runtime-c's startup.c.
        assertEquals(4L * (16 + (BOARD.irqCount() + 7) / 8 * 8), ImageSize.of(elf, BOARD).vectors());
        assertTrue(emptyFlash() <= EMPTY_FLASH, "expert empty image: " + emptyFlash() + " B, pinned at " + EMPTY_FLASH);
    }

    private static long emptyFlash() throws IOException {
        return ImageSize.of(ExpertC.build("empty", BOARD, ProgramRunner.tempDir()), BOARD).flash();
    }
}

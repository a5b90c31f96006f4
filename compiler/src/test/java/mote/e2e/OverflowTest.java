package mote.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import mote.flash.Flasher;
import java.util.EnumSet;
import mote.Compiler;
import mote.home.MoteHome;
import mote.board.Board;
import mote.board.BoardCatalog;
import mote.diag.ToolError;
import mote.opt.Optimization;
import mote.testutil.ProgramRunner;
import mote.testutil.TestFiles;
import org.junit.jupiter.api.Test;

/** An image that does not fit its board is still measured in full, then fails saying by how much. */
class OverflowTest {
    static Board tiny() {
        return new BoardCatalog(TestFiles.resources("boards-tiny")).load("tiny-m3");
    }

    @Test
    void tooLargeImageIsMeasuredAndReportedByHowMuch() {
        Board board = tiny();
        Path src = MoteHome.get().resolve("examples").resolve("forwarding.mote");
        Path out = ProgramRunner.tempDir();
        Compiler.Result r = Compiler.compile(src, Compiler.Options.defaults(board, out)
                .withOpts(EnumSet.noneOf(Optimization.class)));
        assertFalse(r.fits());
        // Nothing in the output folder under the image's name: `mote build` prints no `wrote`,
        // and no image that cannot work is left there to be flashed.
        assertEquals(List.of(), r.emitted());
        assertFalse(Files.exists(out.resolve("forwarding.elf")));
        ToolError refused = assertThrows(ToolError.class, () -> Flasher.plan(board, r.elf(), Optional.of("gdb=localhost:1234")));
        assertTrue(refused.getMessage().contains("does not fit on board `tiny-m3`"), refused.getMessage());
        long over = r.size().flash() - 1024;
        assertTrue(over > 0);
        assertTrue(r.size().text() > 0, "measured in full");
        assertTrue(r.overflow().contains("flash overflowed by " + over + " bytes"), r.overflow());
        // RAM: data + bss + the 4K stack reservation exceed 4100 bytes.
        assertTrue(r.overflow().contains("RAM overflowed by " + (r.size().ram() - 4100) + " bytes"), r.overflow());
        ToolError e = assertThrows(ToolError.class, r::requireFits);
        assertTrue(e.getMessage().startsWith("the program does not fit on board `tiny-m3`:"), e.getMessage());
        assertEquals(1, e.exitCode());
    }

    @Test
    void fittingImageHasNoOverflow() {
        Compiler.Result r = Compiler.compile(MoteHome.get().resolve("examples").resolve("foo_bar.mote"),
                Compiler.Options.defaults(Board.load(Board.DEFAULT_NAME), ProgramRunner.tempDir()));
        assertTrue(r.fits());
    }
}

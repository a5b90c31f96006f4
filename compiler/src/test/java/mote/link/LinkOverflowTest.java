package mote.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import mote.board.Board;
import mote.board.BoardCatalog;
import mote.diag.ToolError;

/** An image that does not fit fails the link with the number of bytes each region overflows. */
class LinkOverflowTest {
    @TempDir Path dir;

    @Test
    void flashOverflowSaysByHowMuch() throws IOException {
        Board roomy = Board.load("lm3s6965evb");
        long needed = ImageSize.of(TestFirmware.build(roomy, "hello", Files.createDirectories(dir.resolve("roomy"))), roomy).flash();
        Board tiny = board("tiny-flash", "512", "64K", "4K");

        Path tinyDir = Files.createDirectories(dir.resolve("tiny"));
        ToolError error = assertThrows(ToolError.class, () -> TestFirmware.build(tiny, "hello", tinyDir));

        assertTrue(error.getMessage().startsWith("the program does not fit on board `tiny-flash`:\n  flash overflowed by "
                + (needed - 512) + " bytes (" + needed + " bytes used of 512)"), error.getMessage());
        assertTrue(!error.getMessage().contains("RAM overflowed"), error.getMessage());
        assertTrue(error.getMessage().contains("FLASH:"), "usage table:\n" + error.getMessage());
        assertTrue(Files.notExists(dir.resolve("tiny/.overflow-tiny-flash")), "scratch image removed");
    }

    @Test
    void stackThatDoesNotFitInRamSaysByHowMuch() throws IOException {
        Board board = board("tiny-ram", "64K", "4K", "4K");
        Board roomy = Board.load("lm3s6965evb");
        ImageSize fits = ImageSize.of(TestFirmware.build(roomy, "hello", Files.createDirectories(dir.resolve("roomy"))), roomy);
        long ram = fits.data() + fits.bss() + 4096;

        Path tinyDir = Files.createDirectories(dir.resolve("tiny"));
        ToolError error = assertThrows(ToolError.class, () -> TestFirmware.build(board, "hello", tinyDir));

        assertTrue(error.getMessage().startsWith("the program does not fit on board `tiny-ram`:\n  RAM overflowed by "
                + (ram - 4096) + " bytes (" + ram + " bytes used of 4096)\n"
                + "  = note: RAM holds .data, .bss and the 4096-byte stack (`stack-size` in tiny-ram.json)"),
                error.getMessage());
        assertEquals(1, error.exitCode());
    }

    private Board board(String name, String flash, String ram, String stack) throws IOException {
        Files.writeString(dir.resolve(name + ".json"), """
                {"inherits": "lm3s6965evb", "stack-size": "%s",
                 "memory": [{"name": "flash", "origin": 0, "length": "%s"},
                            {"name": "ram", "origin": "0x20000000", "length": "%s"}]}""".formatted(stack, flash, ram));
        Files.copy(Path.of(mote.home.MoteHome.boardsDir().resolve("lm3s6965evb.json").toString()), dir.resolve("lm3s6965evb.json"));
        Files.copy(mote.home.MoteHome.boardsDir().resolve("cortex-m3.json"), dir.resolve("cortex-m3.json"));
        return new BoardCatalog(dir).load(name);
    }
}

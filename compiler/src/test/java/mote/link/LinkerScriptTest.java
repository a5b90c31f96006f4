package mote.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import mote.board.Board;

class LinkerScriptTest {
    @TempDir Path dir;

    @Test
    void memoryRegionsComeFromTheBoard() {
        String lm3s = LinkerScript.generate(Board.load("lm3s6965evb"));
        assertTrue(lm3s.contains("FLASH (rx)  : ORIGIN = 0x00000000, LENGTH = 0x00040000"), lm3s);
        assertTrue(lm3s.contains("RAM   (rwx) : ORIGIN = 0x20000000, LENGTH = 0x00010000"), lm3s);
        assertTrue(lm3s.contains("_stack_size = 0x1000;"), lm3s);

        String mps2 = LinkerScript.generate(Board.load("mps2-an385"));
        assertTrue(mps2.contains("FLASH (rx)  : ORIGIN = 0x00000000, LENGTH = 0x00400000"), mps2);
        assertTrue(mps2.contains("RAM   (rwx) : ORIGIN = 0x20000000, LENGTH = 0x00400000"), mps2);
    }

    @Test
    void layoutTheRuntimeRelieson() {
        String script = LinkerScript.generate(Board.load("lm3s6965evb"));
        assertTrue(script.contains("ENTRY(Reset_Handler)"));
        assertTrue(script.contains(".vectors : { KEEP(*(.vectors)) } > FLASH"), "vector table kept, first");
        assertTrue(script.indexOf(".vectors :") < script.indexOf(".text :"), "vectors before code");
        assertTrue(script.contains("} > RAM AT> FLASH"), ".data runs in RAM, stored in flash");
        // The stack comes first in RAM, so overflowing it leaves RAM instead of overwriting .data/.bss.
        assertTrue(script.contains("_stack_bottom = .;") && script.contains("_stack_top = ."), script);
        assertTrue(script.indexOf(".stack (NOLOAD)") < script.indexOf(".data :"), "stack before .data");
        assertTrue(script.indexOf(".data :") < script.indexOf(".bss (NOLOAD)"), ".data before .bss");
        for (String symbol : new String[] {"_sdata = .;", "_edata = .;", "_sidata = LOADADDR(.data);", "_sbss = .;", "_ebss = .;"}) {
            assertTrue(script.contains(symbol), symbol);
        }
        assertTrue(script.contains("*(.text .text.*)"), "function sections collected for --gc-sections");
    }

    @Test
    void writesNextToTheImage() throws IOException {
        Board board = Board.load("mps2-an385");
        Path script = LinkerScript.write(board, dir.resolve("out"));
        assertEquals(dir.resolve("out/mps2-an385.ld"), script);
        assertEquals(LinkerScript.generate(board), Files.readString(script));
    }
}

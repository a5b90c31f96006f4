package mote.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import mote.home.Toolchain;
import mote.board.Board;

class ImageSizeTest {
    private static final int PROGBITS = 1, NOBITS = 8, ALLOC = 0x2, ALLOC_EXEC = 0x6, ALLOC_WRITE = 0x3;

    @TempDir Path dir;

    @Test
    void flashAndRamTotals() {
        Board board = Board.load("lm3s6965evb");
        List<ElfSections.Section> sections = List.of(
                new ElfSections.Section(".vectors", PROGBITS, ALLOC, 0, 256),
                new ElfSections.Section(".text", PROGBITS, ALLOC_EXEC, 256, 1000),
                new ElfSections.Section(".rodata", PROGBITS, ALLOC, 1256, 100),
                new ElfSections.Section(".data", PROGBITS, ALLOC_WRITE, 0x2000_0000L, 8),
                new ElfSections.Section(".bss", NOBITS, ALLOC_WRITE, 0x2000_0008L, 24),
                new ElfSections.Section(".comment", PROGBITS, 0x30, 0, 99),
                new ElfSections.Section(".debug_info", PROGBITS, 0, 0, 5000));

        ImageSize size = ImageSize.of(sections, board);

        assertEquals(new ImageSize(256, 1000, 100, 8, 24, 0, 0, 4096), size);
        assertEquals(256 + 1000 + 100 + 8, size.flash());
        assertEquals(8 + 24 + 4096, size.ram());
    }

    @Test
    void usageTableLooksLikeGnuLd() {
        Board board = Board.load("lm3s6965evb");
        ImageSize size = new ImageSize(256, 1000, 100, 8, 24, 0, 0, 4096);
        assertEquals("""
                Memory region         Used Size  Region Size  %age Used
                           FLASH:       1364 B       256 KB      0.52%
                             RAM:       4128 B        64 KB      6.30%
                """, size.usageTable(board));
    }

    @Test
    void humanSizes() {
        assertEquals("1364 B", ImageSize.humanSize(1364));
        assertEquals("64 KB", ImageSize.humanSize(64 * 1024));
        assertEquals("4 MB", ImageSize.humanSize(4L << 20));
        assertEquals("0 B", ImageSize.humanSize(0));
    }

    @Test
    void readsARealImage() throws Exception {
        Board board = Board.load("mps2-an385");
        Path elf = TestFirmware.build(board, "panic", dir);

        ImageSize size = ImageSize.of(elf, board);

        assertEquals(4 * (16 + 32), size.vectors());
        assertTrue(size.text() > 100, "text " + size.text());
        assertEquals(0, size.otherFlash(), "no sections outside the known ones");
        // Cross-check against llvm-size, which reads the same headers its own way.
        Toolchain toolchain = Toolchain.get();
        String sysv = toolchain.check(toolchain.llvmSize(), List.of("-A", elf.toString()));
        assertTrue(sysv.lines().anyMatch(l -> l.matches("\\.text\\s+" + size.text() + "\\s+.*")), sysv);
        assertTrue(sysv.lines().anyMatch(l -> l.matches("\\.vectors\\s+" + size.vectors() + "\\s+0\\s*")), sysv);
    }

    /**
     * The flash total is the flash the image takes, padding between sections included: the
     * end of its last byte in flash (a segment's load address, so .data's initial values
     * count), from the region's start. Code ends on a half-word, read-only data starts on a
     * word: a program whose code is not a whole number of words showed 2 bytes less.
     */
    @Test
    void flashIsTheExtentOfTheImageInFlash() throws Exception {
        Board board = Board.load("lm3s6965evb");
        for (String program : List.of("hello.mote", "firmware.mote", "forwarding.mote")) {
            Path out = java.nio.file.Files.createDirectories(dir.resolve(program));
            Path elf = mote.Compiler.compile(mote.home.MoteHome.get().resolve("examples").resolve(program),
                    mote.Compiler.Options.defaults(board, out)).elf();
            long end = ElfSegments.read(elf).segments().stream()
                    .filter(s -> board.flashRegion().contains(s.physicalAddress()))
                    .mapToLong(ElfSegments.Segment::end).max().orElseThrow();
            assertEquals(end - board.flashRegion().origin(), ImageSize.of(elf, board).flash(), program);
        }
    }
}

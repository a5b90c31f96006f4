package mote.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import mote.home.MoteHome;
import mote.board.Board;
import mote.cli.Main;
import mote.diag.ToolError;

/** .bin and .hex from llvm-objcopy, .uf2 from {@link Uf2}: all three must hold the same bytes. */
class ImagesTest {
    @TempDir Path dir;

    @Test
    void hexHoldsExactlyTheBytesOfTheBinary() throws IOException {
        // Flash at 0x08000000: the HEX file needs extended linear address records.
        Board board = Board.load("netduinoplus2");
        Path elf = TestFirmware.build(board, "hello", dir);
        Path bin = Images.standard().bin(elf);
        Path hex = Images.standard().hex(elf);

        byte[] binary = Files.readAllBytes(bin);
        TreeMap<Long, Byte> fromHex = parseIntelHex(Files.readAllLines(hex, StandardCharsets.US_ASCII));
        long base = fromHex.firstKey();

        assertEquals(board.flashRegion().origin(), base, "image starts with the vector table at the start of flash");
        assertEquals(binary.length, fromHex.lastKey() - base + 1, "same extent");
        for (var entry : fromHex.entrySet()) {
            assertEquals(binary[(int) (entry.getKey() - base)], entry.getValue(), "byte at 0x" + Long.toHexString(entry.getKey()));
        }
        assertArrayEquals(flatten(ElfSegments.read(elf), binary.length), binary, "bin = loadable segments at their LMAs");
    }

    @Test
    void uf2BlocksCarryTheBinaryInAlignedPages() throws IOException {
        Board board = Board.load("feather-nrf52840");
        Path elf = TestFirmware.build(board, "hello", dir);
        byte[] binary = Files.readAllBytes(Images.standard().bin(elf));
        byte[] uf2 = Files.readAllBytes(Images.uf2(elf, board));
        long base = board.flashRegion().origin();

        assertEquals(0, uf2.length % 512);
        int blocks = uf2.length / 512;
        assertEquals((binary.length + 255) / 256, blocks, "one block per 256-byte page (flash origin is page aligned)");
        byte[] rebuilt = new byte[blocks * 256];
        for (int i = 0; i < blocks; i++) {
            ByteBuffer block = ByteBuffer.wrap(uf2, i * 512, 512).slice().order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(0x0A324655, block.getInt(0), "magic start 0");
            assertEquals(0x9E5D5157, block.getInt(4), "magic start 1");
            assertEquals(0x2000, block.getInt(8), "flags: family id present");
            long address = Integer.toUnsignedLong(block.getInt(12));
            assertEquals(base + 256L * i, address, "target address of block " + i);
            assertEquals(256, block.getInt(16), "payload size");
            assertEquals(i, block.getInt(20), "block number");
            assertEquals(blocks, block.getInt(24), "number of blocks");
            assertEquals(0xADA52840, block.getInt(28), "family id");
            assertEquals(0x0AB16F30, block.getInt(508), "magic end");
            System.arraycopy(uf2, i * 512 + 32, rebuilt, i * 256, 256);
            for (int j = 32 + 256; j < 508; j++) assertEquals(0, uf2[i * 512 + j], "unused data bytes are zero");
        }
        assertArrayEquals(binary, Arrays.copyOf(rebuilt, binary.length));
        for (int j = binary.length; j < rebuilt.length; j++) assertEquals(0, rebuilt[j], "padding of the last page");
    }

    @Test
    void uf2SplitsUnalignedSegmentsAtPageBoundaries() {
        byte[] first = new byte[300];
        Arrays.fill(first, (byte) 1);
        byte[] second = {7, 8};
        byte[] uf2 = Uf2.write(List.of(new ElfSegments.Segment(0x1080, 0x1080, first),
                new ElfSegments.Segment(0x4000, 0x2000_0000L, second)), 0x12345678L);

        ByteBuffer buf = ByteBuffer.wrap(uf2).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(3 * 512, uf2.length);
        assertEquals(0x1000, buf.getInt(12));
        assertEquals(0, uf2[32 + 0x7f]);
        assertEquals(1, uf2[32 + 0x80]);
        assertEquals(0x1100, buf.getInt(512 + 12));
        assertEquals(1, uf2[512 + 32 + (0x1080 + 299 - 0x1100)]);
        assertEquals(0, uf2[512 + 32 + (0x1080 + 300 - 0x1100)]);
        assertEquals(0x4000, buf.getInt(1024 + 12), "placed at the physical address");
        assertEquals(7, uf2[1024 + 32]);
        assertEquals(3, buf.getInt(1024 + 24));
        assertEquals(0x12345678, buf.getInt(1024 + 28));
    }

    @Test
    void uf2NeedsAFamilyId() throws IOException {
        Board board = Board.load("lm3s6965evb");
        Path elf = TestFirmware.build(board, "hello", dir);
        ToolError error = assertThrows(ToolError.class, () -> Images.uf2(elf, board));
        assertEquals("board `lm3s6965evb` has no UF2 bootloader (no `flash.uf2-family-id` in lm3s6965evb.json); "
                + "use --emit bin or hex", error.getMessage());
        assertEquals(2, error.exitCode());
    }

    @Test
    void buildEmitsEveryRequestedImage() {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.execute(new String[] {"build", MoteHome.get().resolve("examples/hello.mote").toString(),
                "-b", "feather-nrf52840", "-o", dir.toString(), "--emit", "bin,hex,uf2,map"},
                new PrintWriter(out), new PrintWriter(err));

        assertEquals(0, code, err.toString());
        for (String file : List.of("hello.elf", "hello.bin", "hello.hex", "hello.uf2", "hello.map")) {
            assertTrue(Files.isRegularFile(dir.resolve(file)), file);
            assertTrue(out.toString().contains("wrote " + dir.resolve(file)), out.toString());
        }
    }

    /** Intel HEX back into address -> byte, checking every record's checksum. */
    static TreeMap<Long, Byte> parseIntelHex(List<String> lines) {
        TreeMap<Long, Byte> memory = new TreeMap<>();
        long upper = 0;
        boolean ended = false;
        for (String line : lines) {
            if (line.isBlank()) continue;
            assertTrue(line.startsWith(":") && !ended, line);
            byte[] record = java.util.HexFormat.of().parseHex(line.substring(1));
            int sum = 0;
            for (byte b : record) sum += b & 0xff;
            assertEquals(0, sum & 0xff, "checksum of " + line);
            int length = record[0] & 0xff;
            int offset = ((record[1] & 0xff) << 8) | (record[2] & 0xff);
            int type = record[3] & 0xff;
            assertEquals(length + 5, record.length, line);
            switch (type) {
                case 0 -> {
                    for (int i = 0; i < length; i++) memory.put(upper + offset + i, record[4 + i]);
                }
                case 1 -> ended = true;
                case 2 -> upper = (long) (((record[4] & 0xff) << 8) | (record[5] & 0xff)) << 4;
                case 4 -> upper = (long) (((record[4] & 0xff) << 8) | (record[5] & 0xff)) << 16;
                case 3, 5 -> { } // start address: not part of memory
                default -> throw new AssertionError("record type " + type + ": " + line);
            }
        }
        assertTrue(ended, "end-of-file record");
        return memory;
    }

    private static byte[] flatten(ElfSegments image, int length) {
        byte[] out = new byte[length];
        long base = image.segments().get(0).physicalAddress();
        for (ElfSegments.Segment s : image.segments()) {
            System.arraycopy(s.data(), 0, out, (int) (s.physicalAddress() - base), s.data().length);
        }
        return out;
    }
}

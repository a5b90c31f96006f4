package mote.link;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import mote.diag.ToolError;

/**
 * The section headers of a 32-bit little-endian ELF file (what ld.lld writes for Cortex-M),
 * read directly: enough for size reports without running llvm-size.
 */
public final class ElfSections {
    private static final int SHF_ALLOC = 0x2;
    private static final int SHT_NOBITS = 8;

    /** One section: {@code address} is where it runs (VMA). */
    public record Section(String name, int type, long flags, long address, long size) {
        /** Takes memory on the target. */
        public boolean allocated() { return (flags & SHF_ALLOC) != 0; }

        /** Has bytes in the image (unlike .bss): they are stored in flash. */
        public boolean hasContents() { return type != SHT_NOBITS; }
    }

    private ElfSections() {}

    /** The whole file, little-endian, after checking it is a 32-bit little-endian ELF. */
    static ByteBuffer open(Path elf) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(elf);
        } catch (IOException e) {
            throw new ToolError("cannot read " + elf + ": " + e.getMessage());
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 52 || buf.getInt(0) != 0x464c457f || bytes[4] != 1 || bytes[5] != 1) {
            throw new ToolError(elf + " is not a 32-bit little-endian ELF file");
        }
        return buf;
    }

    public static List<Section> read(Path elf) {
        ByteBuffer buf = ElfSections.open(elf);
        byte[] bytes = buf.array();
        int sectionTable = buf.getInt(0x20);
        int entrySize = Short.toUnsignedInt(buf.getShort(0x2e));
        int count = Short.toUnsignedInt(buf.getShort(0x30));
        int namesIndex = Short.toUnsignedInt(buf.getShort(0x32));
        int namesOffset = buf.getInt(sectionTable + namesIndex * entrySize + 0x10);
        List<Section> sections = new ArrayList<>();
        for (int i = 1; i < count; i++) { // section 0 is the null section
            int header = sectionTable + i * entrySize;
            sections.add(new Section(
                    cString(bytes, namesOffset + buf.getInt(header)),
                    buf.getInt(header + 0x04),
                    Integer.toUnsignedLong(buf.getInt(header + 0x08)),
                    Integer.toUnsignedLong(buf.getInt(header + 0x0c)),
                    Integer.toUnsignedLong(buf.getInt(header + 0x14))));
        }
        return sections;
    }

    private static String cString(byte[] bytes, int offset) {
        int end = offset;
        while (end < bytes.length && bytes[end] != 0) end++;
        return new String(bytes, offset, end - offset, StandardCharsets.US_ASCII);
    }
}

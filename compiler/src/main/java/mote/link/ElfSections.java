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
 * The section headers of a 32-bit little-endian ARM ELF file (what ld.lld writes for
 * Cortex-M), read directly: enough for size reports without running llvm-size.
 *
 * <p>The file may come from the user ({@code mote flash APP.elf}), so every offset and count
 * in it is checked against the file's length before it is followed: a truncated or damaged
 * file is a {@link ToolError} saying so, never an exception from reading past the end.
 */
public final class ElfSections {
    private static final int SHF_ALLOC = 0x2;
    private static final int SHT_NOBITS = 8;
    private static final int EM_ARM = 40;
    private static final int SECTION_HEADER_SIZE = 40;

    /** One section: {@code address} is where it runs (VMA). */
    public record Section(String name, int type, long flags, long address, long size) {
        /** Takes memory on the target. */
        public boolean allocated() { return (flags & SHF_ALLOC) != 0; }

        /** Has bytes in the image (unlike .bss): they are stored in flash. */
        public boolean hasContents() { return type != SHT_NOBITS; }
    }

    private ElfSections() {}

    /** The whole file, little-endian, after checking it is a 32-bit little-endian ARM ELF. */
    static ByteBuffer open(Path elf) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(elf);
        } catch (IOException e) {
            throw new ToolError("cannot read " + elf + ": " + e.getMessage());
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 4 || buf.getInt(0) != 0x464c457f) {
            throw new ToolError(elf + " is not an ELF file (a firmware image linked for an ARM board)");
        }
        if (bytes.length < 52 || bytes[4] != 1 || bytes[5] != 1 || Short.toUnsignedInt(buf.getShort(0x12)) != EM_ARM) {
            throw new ToolError(elf + " is not a 32-bit little-endian ARM ELF file"
                    + (bytes.length < 52 ? " (it is cut short)" : ""));
        }
        return buf;
    }

    /** Checks that {@code count} entries of {@code size} bytes from {@code offset} lie inside the file. */
    static void requireInside(Path elf, ByteBuffer buf, long offset, long count, long size, String what) {
        if (offset < 0 || count < 0 || size < 0 || offset + count * size > buf.capacity()) {
            throw new ToolError(elf + " is damaged or cut short: its " + what + " lies outside the file");
        }
    }

    public static List<Section> read(Path elf) {
        return read(elf, ElfSections.open(elf));
    }

    /** The section headers of {@code elf}, whose bytes {@code buf} holds (as {@link #open} returns them). */
    private static List<Section> read(Path elf, ByteBuffer buf) {
        byte[] bytes = buf.array();
        long sectionTable = Integer.toUnsignedLong(buf.getInt(0x20));
        int entrySize = Short.toUnsignedInt(buf.getShort(0x2e));
        int count = Short.toUnsignedInt(buf.getShort(0x30));
        int namesIndex = Short.toUnsignedInt(buf.getShort(0x32));
        if (count == 0) return List.of();
        if (entrySize < SECTION_HEADER_SIZE) throw new ToolError(elf + " is damaged: section headers of " + entrySize + " bytes");
        requireInside(elf, buf, sectionTable, count, entrySize, "section header table");
        if (namesIndex >= count) throw new ToolError(elf + " is damaged: its section names are in section " + namesIndex
                + " of " + count);
        int namesHeader = (int) (sectionTable + (long) namesIndex * entrySize);
        long namesOffset = Integer.toUnsignedLong(buf.getInt(namesHeader + 0x10));
        long namesSize = Integer.toUnsignedLong(buf.getInt(namesHeader + 0x14));
        requireInside(elf, buf, namesOffset, 1, namesSize, "section name table");
        List<Section> sections = new ArrayList<>();
        for (int i = 1; i < count; i++) { // section 0 is the null section
            int header = (int) (sectionTable + (long) i * entrySize);
            long name = Integer.toUnsignedLong(buf.getInt(header));
            if (name >= namesSize) throw new ToolError(elf + " is damaged: section " + i + " has its name outside the name table");
            sections.add(new Section(
                    cString(bytes, (int) (namesOffset + name), (int) (namesOffset + namesSize)),
                    buf.getInt(header + 0x04),
                    Integer.toUnsignedLong(buf.getInt(header + 0x08)),
                    Integer.toUnsignedLong(buf.getInt(header + 0x0c)),
                    Integer.toUnsignedLong(buf.getInt(header + 0x14))));
        }
        return sections;
    }

    /** The bytes of section {@code name} as the file holds them (a non-loaded one too), if there is one. */
    public static java.util.Optional<byte[]> contents(Path elf, String name) {
        return java.util.Optional.ofNullable(contents(elf, List.of(name)).get(name));
    }

    /** The bytes of each of {@code names} that the file has, by name, the file read once. */
    public static java.util.Map<String, byte[]> contents(Path elf, List<String> names) {
        ByteBuffer buf = ElfSections.open(elf);
        List<Section> sections = read(elf, buf);
        long sectionTable = Integer.toUnsignedLong(buf.getInt(0x20));
        int entrySize = Short.toUnsignedInt(buf.getShort(0x2e));
        java.util.Map<String, byte[]> found = new java.util.HashMap<>();
        for (int i = 0; i < sections.size(); i++) {
            Section s = sections.get(i);
            if (!names.contains(s.name()) || !s.hasContents() || found.containsKey(s.name())) continue;
            int header = (int) (sectionTable + (long) (i + 1) * entrySize);   // read() skips the null section
            long offset = Integer.toUnsignedLong(buf.getInt(header + 0x10));
            requireInside(elf, buf, offset, 1, s.size(), "section " + s.name());
            found.put(s.name(), java.util.Arrays.copyOfRange(buf.array(), (int) offset, (int) (offset + s.size())));
        }
        return found;
    }

    private static String cString(byte[] bytes, int offset, int limit) {
        int end = offset;
        while (end < limit && bytes[end] != 0) end++;
        return new String(bytes, offset, end - offset, StandardCharsets.US_ASCII);
    }
}

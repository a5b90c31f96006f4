package mote.link;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import mote.diag.ToolError;

/**
 * The loadable segments of a 32-bit little-endian ELF file: what must be written into the
 * target's memory, at which physical address (LMA: where .data's initial values sit in flash,
 * not where it runs), plus the entry point. {@code mote flash --probe gdb=...} and the UF2
 * writer use it.
 */
public record ElfSegments(long entry, List<Segment> segments) {
    private static final int PT_LOAD = 1;
    private static final int PROGRAM_HEADER_SIZE = 32;

    /** One PT_LOAD segment's file bytes (its {@code .bss} tail, memsz beyond filesz, is left out). */
    public record Segment(long physicalAddress, long virtualAddress, byte[] data) {
        public long end() { return physicalAddress + data.length; }
    }

    public ElfSegments {
        segments = List.copyOf(segments);
    }

    public static ElfSegments read(Path elf) {
        ByteBuffer buf = ElfSections.open(elf);
        byte[] bytes = buf.array();
        long entry = Integer.toUnsignedLong(buf.getInt(0x18));
        long table = Integer.toUnsignedLong(buf.getInt(0x1c));
        int entrySize = Short.toUnsignedInt(buf.getShort(0x2a));
        int count = Short.toUnsignedInt(buf.getShort(0x2c));
        if (count > 0 && entrySize < PROGRAM_HEADER_SIZE) {
            throw new ToolError(elf + " is damaged: program headers of " + entrySize + " bytes");
        }
        ElfSections.requireInside(elf, buf, table, count, entrySize, "program header table");
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int header = (int) (table + (long) i * entrySize);
            if (buf.getInt(header) != PT_LOAD) continue;
            long offset = Integer.toUnsignedLong(buf.getInt(header + 0x04));
            long vaddr = Integer.toUnsignedLong(buf.getInt(header + 0x08));
            long paddr = Integer.toUnsignedLong(buf.getInt(header + 0x0c));
            long fileSize = Integer.toUnsignedLong(buf.getInt(header + 0x10));
            if (fileSize == 0) continue;
            if (offset + fileSize > bytes.length) {
                throw new ToolError(elf + " is damaged or cut short: segment " + i + " lies outside the file");
            }
            if (paddr + fileSize > 0x1_0000_0000L) {
                throw new ToolError(elf + " is damaged: segment " + i + " runs past the 32-bit address space");
            }
            segments.add(new Segment(paddr, vaddr, Arrays.copyOfRange(bytes, (int) offset, (int) (offset + fileSize))));
        }
        segments.sort((a, b) -> Long.compare(a.physicalAddress(), b.physicalAddress()));
        return new ElfSegments(entry, segments);
    }

    /** The 32-bit little-endian word at physical address {@code address}, if a segment holds it. */
    public long word(long address) {
        for (Segment s : segments) {
            if (address >= s.physicalAddress() && address + 4 <= s.end()) {
                int at = (int) (address - s.physicalAddress());
                return Integer.toUnsignedLong(ByteBuffer.wrap(s.data(), at, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
            }
        }
        throw new ToolError("no loadable bytes at 0x" + Long.toHexString(address) + " in the image");
    }
}

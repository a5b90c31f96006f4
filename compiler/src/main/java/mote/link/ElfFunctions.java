package mote.link;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import mote.diag.ToolError;

/**
 * The function symbols of a linked image, read from its {@code .symtab}: name, start address
 * (Thumb bit clear) and size. What {@link mote.size.MachineCodeFrames} needs to find the code
 * of functions no compiler reported on, such as libgcc's.
 */
public final class ElfFunctions {
    private static final int SYMBOL_SIZE = 16;
    private static final int STT_FUNC = 2;

    public record Function(String name, long address, long size) {}

    private ElfFunctions() {}

    /** Every function symbol with a size; none when the image has no symbol table (stripped). */
    public static List<Function> read(Path elf) {
        java.util.Map<String, byte[]> tables = ElfSections.contents(elf, List.of(".symtab", ".strtab"));
        byte[] symtab = tables.getOrDefault(".symtab", new byte[0]);
        byte[] strtab = tables.getOrDefault(".strtab", new byte[0]);
        ByteBuffer buf = ByteBuffer.wrap(symtab).order(ByteOrder.LITTLE_ENDIAN);
        List<Function> out = new ArrayList<>();
        for (int at = 0; at + SYMBOL_SIZE <= symtab.length; at += SYMBOL_SIZE) {
            if ((symtab[at + 12] & 0xf) != STT_FUNC) continue;
            long name = Integer.toUnsignedLong(buf.getInt(at));
            long value = Integer.toUnsignedLong(buf.getInt(at + 4));
            long size = Integer.toUnsignedLong(buf.getInt(at + 8));
            if (size == 0) continue;
            if (name >= strtab.length) throw new ToolError(elf + " is damaged: a symbol's name lies outside its string table");
            int end = (int) name;
            while (end < strtab.length && strtab[end] != 0) end++;
            out.add(new Function(new String(strtab, (int) name, end - (int) name, StandardCharsets.UTF_8), value & ~1L, size));
        }
        return out;
    }
}

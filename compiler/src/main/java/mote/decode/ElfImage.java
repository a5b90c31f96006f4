package mote.decode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import mote.diag.ToolError;
import mote.home.ToolResult;
import mote.home.Toolchain;
import mote.link.ElfSegments;

/**
 * What a fault report needs from the image: its symbols (llvm-nm), the bytes of its loaded
 * segments (the task table), and source locations from its DWARF line table (llvm-symbolizer,
 * which also unfolds inlined calls: an async fn inlined into its task's poll shows as both).
 */
final class ElfImage {
    /** One frame of a location, innermost first: {@code function} at {@code file:line:column}. */
    record Location(String function, String file, int line, int column) {
        String describe() {
            return line > 0 ? function + " at " + file + ":" + line + (column > 0 ? ":" + column : "") : function;
        }
    }

    private final Path elf;
    private final Toolchain tools;
    private final Map<String, Long> symbols = new HashMap<>();
    /** Function symbols by start address (Thumb bit clear), for names where DWARF has none. */
    private final TreeMap<Long, String> functions = new TreeMap<>();
    /** Each function's end (exclusive) by start address, where its symbol has a size. */
    private final Map<Long, Long> functionEnds = new HashMap<>();
    private ElfSegments segments;

    ElfImage(Path elf, Toolchain tools) {
        this.elf = elf;
        this.tools = tools;
        ToolResult nm = tools.run(tools.llvmNm(), List.of("--defined-only", "--print-size", elf.toString()), null);
        if (!nm.ok()) throw new ToolError("cannot read the symbols of " + elf + ": " + nm.stderr().strip());
        for (String line : nm.stdout().split("\n")) {
            String[] parts = line.trim().split(" +");
            if (parts.length != 3 && parts.length != 4) continue;   // address [size] type name
            long address = Long.parseLong(parts[0], 16);
            String type = parts[parts.length - 2], name = parts[parts.length - 1];
            symbols.putIfAbsent(name, address);
            if (!type.equalsIgnoreCase("t")) continue;
            functions.put(address & ~1L, name);
            long size = parts.length == 4 ? Long.parseLong(parts[1], 16) : 0;
            if (size > 0) functionEnds.put(address & ~1L, (address & ~1L) + size);
        }
    }

    Optional<Long> symbol(String name) { return Optional.ofNullable(symbols.get(name)); }

    /** The loaded word at {@code address}, if the image holds one there. */
    Optional<Long> word(long address) {
        if (segments == null) segments = ElfSegments.read(elf);
        try {
            return Optional.of(segments.word(address));
        } catch (ToolError e) {
            return Optional.empty();
        }
    }

    /** The function symbol at or below {@code address}; none past its end when its size is known. */
    Optional<String> functionAt(long address) {
        Map.Entry<Long, String> e = functions.floorEntry(address & ~1L);
        if (e == null) return Optional.empty();
        Long end = functionEnds.get(e.getKey());
        return end != null && (address & ~1L) >= end ? Optional.empty() : Optional.of(e.getValue());
    }

    /** The function symbol that starts exactly at {@code address} (Thumb bit ignored). */
    Optional<String> functionStarting(long address) {
        return Optional.ofNullable(functions.get(address & ~1L));
    }

    /** Source locations of each address, innermost inlined frame first (empty when unknown). */
    List<List<Location>> locate(List<Long> addresses) {
        List<String> args = new ArrayList<>(List.of("--output-style=JSON", "--inlining", "--obj=" + elf));
        for (long a : addresses) args.add("0x" + Long.toHexString(a));
        ToolResult r = tools.run(tools.tool("llvm-symbolizer"), args, null);
        List<List<Location>> out = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : r.stdout().split("\n")) {
            if (line.isBlank()) continue;
            try {
                JsonNode root = json.readTree(line);
                for (JsonNode entry : root.isArray() ? root : List.of(root)) {
                    List<Location> frames = new ArrayList<>();
                    long address = out.size() < addresses.size() ? addresses.get(out.size()) : 0;
                    for (JsonNode s : entry.path("Symbol")) {
                        String fn = s.path("FunctionName").asText("");
                        if (fn.isEmpty() || fn.equals("??")) continue;
                        // No line: the symbol table's nearest name below, which may be a variable
                        // far off (a fetch from the System region named `_ebss`): only a function's.
                        if (s.path("Line").asInt(0) == 0 && functionAt(address).isEmpty()) continue;
                        String file = s.path("FileName").asText("");
                        frames.add(new Location(fn, file.equals("??") ? "" : file, s.path("Line").asInt(0), s.path("Column").asInt(0)));
                    }
                    out.add(frames);
                }
            } catch (IOException e) {
                throw new ToolError("llvm-symbolizer printed something unexpected for " + elf + ": " + line);
            }
        }
        while (out.size() < addresses.size()) out.add(List.of());
        return out;
    }
}

package mote.decode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mote.diag.ToolError;
import mote.home.ToolResult;
import mote.home.Toolchain;

/**
 * Walks the stack from a fault to the task's poll with the image's call frame information
 * ({@code .debug_frame}: DWARF, not loaded, no flash), as llvm-dwarfdump tabulates it: at each
 * code address, where the canonical frame address (CFA, the caller's SP) is relative to SP,
 * and where LR was saved. A frame that keeps its CFA in another register (a frame pointer:
 * Mote's code does not use one) ends the walk, as does a return address outside the code.
 */
final class Unwinder {
    /** From {@code address} on: CFA = SP + {@code cfaOffset} ({@code spBased} false: some other register); LR at CFA + {@code lrOffset}. */
    record Row(long address, boolean spBased, long cfaOffset, Optional<Long> lrOffset) {}

    private final TreeMap<Long, Row> rows = new TreeMap<>();
    /** Where each function's rows stop applying: its FDE's end. */
    private final TreeMap<Long, Long> ranges = new TreeMap<>();

    private static final Pattern FDE = Pattern.compile("FDE cie=\\w+ pc=([0-9a-f]+)\\.\\.\\.([0-9a-f]+)");
    private static final Pattern ROW = Pattern.compile("^\\s*0x([0-9a-f]+): CFA=(\\w+)(?:([+-])(\\d+))?(.*)$");
    private static final Pattern LR = Pattern.compile("LR=\\[CFA([+-])(\\d+)\\]");

    Unwinder(Path elf, Toolchain tools) {
        ToolResult r = tools.run(tools.tool("llvm-dwarfdump"), List.of("--debug-frame", elf.toString()), null);
        if (!r.ok()) throw new ToolError("cannot read the call frame information of " + elf + ": " + r.stderr().strip());
        parse(r.stdout());
    }

    Unwinder(String dwarfdump) {
        parse(dwarfdump);
    }

    private void parse(String text) {
        for (String line : text.split("\n")) {
            Matcher f = FDE.matcher(line);
            if (f.find()) {
                ranges.put(Long.parseLong(f.group(1), 16), Long.parseLong(f.group(2), 16));
                continue;
            }
            Matcher m = ROW.matcher(line);
            if (!m.matches()) continue;
            long address = Long.parseLong(m.group(1), 16);
            long offset = m.group(4) == null ? 0 : Long.parseLong(m.group(4)) * (m.group(3).equals("-") ? -1 : 1);
            Matcher lr = LR.matcher(m.group(5));
            Optional<Long> lrOffset = lr.find()
                    ? Optional.of(Long.parseLong(lr.group(2)) * (lr.group(1).equals("-") ? -1 : 1)) : Optional.empty();
            rows.put(address, new Row(address, m.group(2).equals("SP"), offset, lrOffset));
        }
    }

    /** The rule at {@code pc}, if some function's call frame information covers it. */
    Optional<Row> row(long pc) {
        Map.Entry<Long, Long> range = ranges.floorEntry(pc);
        if (range == null || pc >= range.getValue()) return Optional.empty();
        Map.Entry<Long, Row> row = rows.floorEntry(pc);
        return row == null || row.getKey() < range.getKey() ? Optional.empty() : Optional.of(row.getValue());
    }

    /**
     * The return addresses above the faulting function, innermost first: from {@code pc} with
     * {@code sp} its SP at the fault and {@code lr} its LR (used while LR is not yet saved; 0: not known),
     * reading saved LRs with {@code memory} (empty where the words are not known).
     */
    List<Long> returnAddresses(long pc, long sp, long lr, LongFunction<Optional<Long>> memory, int limit) {
        List<Long> out = new ArrayList<>();
        long at = pc;
        boolean first = true;
        while (out.size() < limit) {
            Optional<Row> row = row(at);
            if (row.isEmpty() || !row.get().spBased()) break;
            long cfa = sp + row.get().cfaOffset();
            Optional<Long> ra = row.get().lrOffset().isPresent() ? memory.apply(cfa + row.get().lrOffset().get())
                    : first && lr != 0 ? Optional.of(lr) : Optional.empty();
            if (ra.isEmpty() || (ra.get() & 1) == 0 || (ra.get() & 0xff000000L) == 0xff000000L) break;
            out.add(ra.get());
            sp = cfa;
            at = (ra.get() & ~1L) - 1;   // inside the call instruction: the caller's rule there
            first = false;
        }
        return out;
    }
}

package mote.size;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mote.link.ElfFunctions;
import mote.link.ElfSegments;
import mote.llvm.SymbolNames;

/**
 * Frames and calls of the image's functions that no compiler reported on, read from their
 * Thumb machine code: libgcc's helpers (f32 arithmetic without an FPU, 64-bit conversions),
 * precompiled, with no `.su` line and no bitcode. The program's LLVM IR has no call to them
 * either (an `fdiv float` becomes `bl __aeabi_fdiv` only in code generation), so their callers'
 * edges come from the machine code too. Without this, a Cortex-M0 program dividing floats was
 * reported 20-32 bytes short of its real stack.
 *
 * <p>A frame is the sum of every stack push and `sub sp` in the function's code (`push`,
 * `push.w`, `str rN, [sp, #-4]!`, `vpush`, `sub sp, #n`, `sub.w`/`subw sp, sp, #n`): an upper
 * bound, as each runs once per call in such helpers (a push on two exclusive paths counts
 * twice, which only over-states). Calls are `bl` and `b.w` to the start of another function.
 * A literal pool read as code can add a push or call that is not there, never hide one.
 */
public final class MachineCodeFrames {
    private MachineCodeFrames() {}

    /**
     * Adds to {@code frames} and {@code graph} (by readable name) each function of {@code elf}
     * that neither has, and to every function's edges its calls to those.
     */
    public static void addUnreported(Path elf, Map<String, Long> frames, Map<String, List<String>> graph) {
        List<ElfFunctions.Function> functions = ElfFunctions.read(elf);
        Map<Long, String> byAddress = new HashMap<>();
        Set<String> unreported = new LinkedHashSet<>();
        for (ElfFunctions.Function f : functions) {
            String name = SymbolNames.demangle(f.name());
            byAddress.putIfAbsent(f.address(), name);
            if (!frames.containsKey(name) && !graph.containsKey(name)) unreported.add(name);
        }
        if (unreported.isEmpty()) return;
        List<ElfSegments.Segment> segments = ElfSegments.read(elf).segments();
        Map<String, List<String>> found = new HashMap<>();
        for (ElfFunctions.Function f : functions) {
            String name = SymbolNames.demangle(f.name());
            byte[] code = code(segments, f.address(), f.size());
            if (code == null) continue;
            Scan scan = scan(code, f.address());
            List<String> callees = new ArrayList<>();
            for (long target : scan.targets()) {
                String callee = byAddress.get(target);
                if (callee != null && !callee.equals(name) && !callees.contains(callee)) callees.add(callee);
            }
            if (unreported.contains(name) && !found.containsKey(name)) {
                frames.put(name, scan.frame());
                found.put(name, callees);
            } else {
                List<String> toUnreported = callees.stream().filter(unreported::contains).toList();
                if (toUnreported.isEmpty()) continue;
                List<String> edges = new ArrayList<>(graph.getOrDefault(name, List.of()));
                for (String c : toUnreported) if (!edges.contains(c)) edges.add(c);
                graph.put(name, edges);
            }
        }
        found.forEach(graph::putIfAbsent);
    }

    /** What one function's code pushes and calls. */
    record Scan(long frame, List<Long> targets) {}

    /** Decodes {@code code}, loaded at {@code address}, as a stream of Thumb instructions. */
    static Scan scan(byte[] code, long address) {
        long frame = 0;
        List<Long> targets = new ArrayList<>();
        int i = 0;
        while (i + 2 <= code.length) {
            int first = half(code, i);
            boolean wide = (first & 0xf800) >= 0xe800;   // 0b11101, 0b11110, 0b11111: a 32-bit instruction
            if (!wide) {
                if ((first & 0xfe00) == 0xb400) frame += 4L * (Integer.bitCount(first & 0xff) + ((first >> 8) & 1));   // push {..., lr}
                else if ((first & 0xff80) == 0xb080) frame += 4L * (first & 0x7f);                                      // sub sp, #imm7*4
                i += 2;
                continue;
            }
            if (i + 4 > code.length) break;
            int second = half(code, i + 2);
            if (first == 0xe92d) frame += 4L * Integer.bitCount(second & 0x5fff);                                  // push.w {reglist}
            else if (first == 0xf84d && (second & 0x0fff) == 0x0d04) frame += 4;                                  // str rN, [sp, #-4]!
            else if ((first & 0xffbf) == 0xed2d && (second & 0x0e00) == 0x0a00) frame += 4L * (second & 0xff);              // vpush {s.. / d..}
            else if ((first & 0xfbff) == 0xf1ad && (second & 0x8f00) == 0x0d00) frame += expandImmediate(first, second); // sub.w sp, sp, #const
            else if ((first & 0xfbff) == 0xf2ad && (second & 0x8f00) == 0x0d00) frame += plainImmediate(first, second);  // subw sp, sp, #imm12
            else if ((first & 0xf800) == 0xf000 && (second & 0xd000) == 0xd000) targets.add(branchTarget(first, second, address + i)); // bl
            else if ((first & 0xf800) == 0xf000 && (second & 0xd000) == 0x9000) targets.add(branchTarget(first, second, address + i)); // b.w
            i += 4;
        }
        return new Scan(frame, targets);
    }

    private static int half(byte[] code, int at) {
        return (code[at] & 0xff) | (code[at + 1] & 0xff) << 8;
    }

    /** The target of a T4 `b.w` or T1 `bl` at {@code pc}. */
    static long branchTarget(int first, int second, long pc) {
        int s = (first >> 10) & 1;
        int j1 = (second >> 13) & 1, j2 = (second >> 11) & 1;
        int i1 = ~(j1 ^ s) & 1, i2 = ~(j2 ^ s) & 1;
        int offset = (s << 24) | (i1 << 23) | (i2 << 22) | ((first & 0x3ff) << 12) | ((second & 0x7ff) << 1);
        offset = (offset << 7) >> 7;   // sign-extend 25 bits
        return (pc + 4 + offset) & 0xffff_ffffL;
    }

    /** i:imm3:imm8 of a 32-bit data-processing instruction, as a plain 12-bit number. */
    private static long plainImmediate(int first, int second) {
        return ((first >> 10) & 1) << 11 | ((second >> 12) & 7) << 8 | (second & 0xff);
    }

    /** ThumbExpandImm of i:imm3:imm8 (a modified immediate). */
    static long expandImmediate(int first, int second) {
        int imm12 = (int) plainImmediate(first, second);
        int imm8 = imm12 & 0xff;
        if ((imm12 >> 10) == 0) {
            return switch ((imm12 >> 8) & 3) {
                case 0 -> imm8;
                case 1 -> (long) imm8 << 16 | imm8;
                case 2 -> (long) imm8 << 24 | (long) imm8 << 8;
                default -> ((long) imm8 << 24 | (long) imm8 << 16 | (long) imm8 << 8 | imm8) & 0xffff_ffffL;
            };
        }
        int unrotated = 0x80 | (imm12 & 0x7f);
        int rotation = imm12 >> 7;
        return Integer.toUnsignedLong(Integer.rotateRight(unrotated, rotation));
    }

    /** The bytes of [address, address + size) from the loaded segment that holds them, or null. */
    private static byte[] code(List<ElfSegments.Segment> segments, long address, long size) {
        for (ElfSegments.Segment s : segments) {
            long start = s.virtualAddress();
            if (address >= start && address + size <= start + s.data().length)
                return java.util.Arrays.copyOfRange(s.data(), (int) (address - start), (int) (address - start + size));
        }
        return null;
    }
}

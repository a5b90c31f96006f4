package mote.flash;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

import mote.board.Board;
import mote.link.ElfSections;

/**
 * Which M-profile architecture an image was compiled for, from its {@code .ARM.attributes}
 * (the build attributes of the ARM ABI: Tag_CPU_arch, Tag_ABI_VFP_args), and whether a board's
 * core runs it. An image for a larger core flashed onto a smaller one (ARMv7-M code on a
 * Cortex-M0, floats in FPU registers on a core without one) faults at its first such
 * instruction, far from the cause.
 */
public record ArmArchitecture(int cpuArch, boolean floatsInFpuRegisters) {
    private static final int TAG_FILE = 1, TAG_CPU_RAW_NAME = 4, TAG_CPU_NAME = 5, TAG_CPU_ARCH = 6,
            TAG_ABI_VFP_ARGS = 28, TAG_COMPATIBILITY = 32, TAG_CONFORMANCE = 67;
    static final int V7 = 10, V6_M = 11, V6S_M = 12, V7E_M = 13, V8_M_BASE = 16, V8_M_MAIN = 17, V8_1_M_MAIN = 21;

    /** The image's attributes, if it has them (a linker may drop them; then nothing is checked). */
    public static Optional<ArmArchitecture> of(Path elf) {
        return ElfSections.contents(elf, ".ARM.attributes").flatMap(ArmArchitecture::parse);
    }

    /** Parses the "aeabi" subsection's file-scope attributes; empty when they are absent or malformed. */
    static Optional<ArmArchitecture> parse(byte[] bytes) {
        Reader r = new Reader(bytes);
        if (!r.more() || r.u8() != 'A') return Optional.empty();
        while (r.more()) {
            int start = r.at;
            long length = r.u32();
            if (length < 5 || start + length > bytes.length) return Optional.empty();
            int end = (int) (start + length);
            String vendor = r.string();
            if (vendor.equals("aeabi")) {
                while (r.at < end) {
                    int tagStart = r.at;
                    long tag = r.uleb();
                    long size = r.u32();
                    if (size < 5 || tagStart + size > end) return Optional.empty();
                    if (tag == TAG_FILE) return fileAttributes(r, (int) (tagStart + size));
                    r.at = (int) (tagStart + size);
                }
            }
            r.at = end;
        }
        return Optional.empty();
    }

    private static Optional<ArmArchitecture> fileAttributes(Reader r, int end) {
        int arch = -1;
        boolean vfpArgs = false;
        while (r.at < end) {
            long tag = r.uleb();
            if (tag == TAG_CPU_RAW_NAME || tag == TAG_CPU_NAME || tag == TAG_CONFORMANCE) {
                r.string();
            } else if (tag == TAG_COMPATIBILITY) {
                r.uleb();
                r.string();
            } else if (tag > TAG_COMPATIBILITY && tag % 2 == 1) {
                r.string();   // the ABI's rule for tags it does not name: odd ones are strings
            } else {
                long value = r.uleb();
                if (tag == TAG_CPU_ARCH) arch = (int) value;
                if (tag == TAG_ABI_VFP_ARGS) vfpArgs = value == 1;
            }
        }
        return arch < 0 ? Optional.empty() : Optional.of(new ArmArchitecture(arch, vfpArgs));
    }

    /** The architecture a board's LLVM target compiles for (Tag_CPU_arch's numbering). */
    static int of(Board board) {
        String target = board.llvmTarget();
        if (target.startsWith("thumbv6m")) return V6S_M;
        if (target.startsWith("thumbv7m")) return V7;
        if (target.startsWith("thumbv7em")) return V7E_M;
        if (target.startsWith("thumbv8m.base")) return V8_M_BASE;
        if (target.startsWith("thumbv8m.main")) return V8_M_MAIN;
        if (target.startsWith("thumbv8.1m.main")) return V8_1_M_MAIN;
        return -1;
    }

    /** The architectures whose cores execute code built for this one (each M profile extends those listed before it). */
    private Set<Integer> runsOn() {
        return switch (cpuArch) {
            case V6_M, V6S_M -> Set.of(V6S_M, V7, V7E_M, V8_M_BASE, V8_M_MAIN, V8_1_M_MAIN);
            case V7 -> Set.of(V7, V7E_M, V8_M_MAIN, V8_1_M_MAIN);
            case V7E_M -> Set.of(V7E_M, V8_M_MAIN, V8_1_M_MAIN);
            case V8_M_BASE -> Set.of(V8_M_BASE, V8_M_MAIN, V8_1_M_MAIN);
            case V8_M_MAIN -> Set.of(V8_M_MAIN, V8_1_M_MAIN);
            case V8_1_M_MAIN -> Set.of(V8_1_M_MAIN);
            default -> Set.of();   // not an M-profile image
        };
    }

    /** Why {@code board}'s core cannot run this image, or empty when it can (or the board's target is unknown here). */
    public Optional<String> problemOn(Board board) {
        int boardArch = of(board);
        if (boardArch < 0) return Optional.empty();
        if (!runsOn().contains(boardArch))
            return Optional.of("it was compiled for " + name(cpuArch) + ", and board `" + board.name() + "` has a " + board.cpu()
                    + " (" + name(boardArch) + ")");
        if (floatsInFpuRegisters && !board.floatAbi().equals("hard"))
            return Optional.of("it passes floats in FPU registers (hard-float), and board `" + board.name() + "` builds soft-float code ("
                    + board.cpu() + ")");
        return Optional.empty();
    }

    static String name(int arch) {
        return switch (arch) {
            case V7 -> "ARMv7-M";
            case V6_M, V6S_M -> "ARMv6-M";
            case V7E_M -> "ARMv7E-M";
            case V8_M_BASE -> "ARMv8-M Baseline";
            case V8_M_MAIN -> "ARMv8-M Mainline";
            case V8_1_M_MAIN -> "ARMv8.1-M Mainline";
            default -> "architecture " + arch + " (not a Cortex-M)";
        };
    }

    /** Reads the attributes' little-endian words, ULEB128 numbers and NUL-terminated strings. */
    private static final class Reader {
        private final byte[] bytes;
        int at;

        Reader(byte[] bytes) { this.bytes = bytes; }

        boolean more() { return at < bytes.length; }

        int u8() { return more() ? bytes[at++] & 0xff : 0; }

        long u32() {
            long v = 0;
            for (int i = 0; i < 4; i++) v |= (long) u8() << (8 * i);
            return v;
        }

        long uleb() {
            long v = 0;
            for (int shift = 0; more() && shift < 63; shift += 7) {
                int b = u8();
                v |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) break;
            }
            return v;
        }

        String string() {
            int start = at;
            while (more() && bytes[at] != 0) at++;
            String s = new String(bytes, start, at - start, java.nio.charset.StandardCharsets.ISO_8859_1);
            if (more()) at++;
            return s;
        }
    }
}

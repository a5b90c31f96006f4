package mote.decode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The line runtime-c's {@code mote_fault} prints (runtime-c/startup.c): {@code fault:}, then
 * words of eight hex digits: the vector number, EXC_RETURN, the task being polled and SP; then,
 * unless SP ran off the start of RAM, the stacked R0-R3, R12, LR, PC and xPSR; then, on cores
 * that have them (v7-M, v8-M mainline), CFSR, HFSR, DFSR, MMFAR and BFAR; then, in debug
 * builds, {@code |} and the stack words above the frame (for a backtrace). When SP ran off, a
 * v6-M core reports SP 0 and no frame; v7-M and v8-M report SP {@link #NVIC_ACTIVE_BITS} and,
 * in the frame's place, those eight words: which interrupts were active.
 */
public record FaultReport(long vector, long excReturn, long task, long sp, Optional<Frame> frame, Optional<Status> status,
                          List<Long> stack, List<Integer> activeInterrupts) {
    /** The address of the NVIC's IABR0-7, the SP of a stack overflow's report on v7-M and v8-M. */
    public static final long NVIC_ACTIVE_BITS = 0xe000e300L;

    public FaultReport {
        stack = List.copyOf(stack);
        activeInterrupts = List.copyOf(activeInterrupts);
    }

    /** A report without stack words (release builds). */
    public FaultReport(long vector, long excReturn, long task, long sp, Optional<Frame> frame, Optional<Status> status) {
        this(vector, excReturn, task, sp, frame, status, List.of());
    }

    /** A report whose frame words are a frame (or, when SP says so, the NVIC's active bits). */
    public FaultReport(long vector, long excReturn, long task, long sp, Optional<Frame> frame, Optional<Status> status,
                       List<Long> stack) {
        this(vector, excReturn, task, sp, sp == NVIC_ACTIVE_BITS ? Optional.empty() : frame, status, stack,
                sp == NVIC_ACTIVE_BITS ? frame.map(FaultReport::activeBits).orElse(List.of()) : List.of());
    }

    /** SP ran off the start of RAM: the core could not push the frame. */
    public boolean frameLost() { return sp == 0 || sp == NVIC_ACTIVE_BITS; }

    /** The interrupt numbers whose bits are set in the eight IABR words (read as a frame). */
    private static List<Integer> activeBits(Frame words) {
        long[] w = {words.r0, words.r1, words.r2, words.r3, words.r12, words.lr, words.pc, words.xpsr};
        List<Integer> active = new ArrayList<>();
        for (int i = 0; i < w.length; i++) {
            for (int bit = 0; bit < 32; bit++) if ((w[i] & (1L << bit)) != 0) active.add(32 * i + bit);
        }
        return active;
    }

    /** The eight IABR words for these interrupt numbers, as a frame (what the device printed). */
    private static Frame activeWords(List<Integer> active) {
        long[] w = new long[8];
        for (int irq : active) w[irq / 32] |= 1L << (irq % 32);
        return new Frame(w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]);
    }

    /** Where the stack words start: above the exception frame the core pushed. */
    public long stackStart() { return sp + 32; }

    public static final String PREFIX = "fault:";

    /** What the core pushed on exception entry. */
    public record Frame(long r0, long r1, long r2, long r3, long r12, long lr, long pc, long xpsr) {}

    /** The System Control Block's fault status and address registers. */
    public record Status(long cfsr, long hfsr, long dfsr, long mmfar, long bfar) {}

    /** The fault interrupted an exception handler (an `interrupt` fn, SysTick), not a task's poll. */
    public boolean inHandler() { return (excReturn & 0x8) == 0; }

    /** The report in {@code line}, or empty when the line is not one (ordinary console output). */
    public static Optional<FaultReport> parse(String line) {
        String text = line.strip();
        if (!text.startsWith(PREFIX)) return Optional.empty();
        String body = text.substring(PREFIX.length());
        int bar = body.indexOf('|');
        List<Long> stack = new ArrayList<>();
        if (bar >= 0) {
            if (!words(body.substring(bar + 1), stack)) return Optional.empty();
            body = body.substring(0, bar);
        }
        List<Long> words = new ArrayList<>();
        if (!words(body, words)) return Optional.empty();
        int n = words.size();
        if (n != 4 && n != 12 && n != 17) return Optional.empty();
        Optional<Frame> frame = n < 12 ? Optional.empty() : Optional.of(new Frame(words.get(4), words.get(5), words.get(6),
                words.get(7), words.get(8), words.get(9), words.get(10), words.get(11)));
        Optional<Status> status = n < 17 ? Optional.empty() : Optional.of(new Status(words.get(12), words.get(13),
                words.get(14), words.get(15), words.get(16)));
        return Optional.of(new FaultReport(words.get(0), words.get(1), words.get(2), words.get(3), frame, status, stack));
    }

    /** Space-separated words of eight hex digits into {@code out}; false when the text is not that. */
    static boolean words(String text, List<Long> out) {
        if (text.isBlank()) return true;
        for (String word : text.trim().split(" +")) {
            if (word.length() != 8) return false;
            try {
                out.add(Long.parseLong(word, 16));
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return true;
    }

    /** The line runtime-c would print for this report (what a gdb-read fault is turned into). */
    public String line() {
        StringBuilder sb = new StringBuilder(PREFIX);
        List<Long> words = new ArrayList<>(List.of(vector, excReturn, task, sp));
        Optional<Frame> words8 = sp == NVIC_ACTIVE_BITS ? Optional.of(activeWords(activeInterrupts)) : frame;
        words8.ifPresent(f -> words.addAll(List.of(f.r0, f.r1, f.r2, f.r3, f.r12, f.lr, f.pc, f.xpsr)));
        status.ifPresent(s -> words.addAll(List.of(s.cfsr, s.hfsr, s.dfsr, s.mmfar, s.bfar)));
        for (long w : words) sb.append(' ').append(String.format("%08x", w));
        if (!stack.isEmpty()) {
            sb.append(" |");
            for (long w : stack) sb.append(' ').append(String.format("%08x", w));
        }
        return sb.toString();
    }
}

package mote.decode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The line runtime-c's {@code mote_panic_trace} prints after a panic's in {@code --debug}
 * builds (runtime-c/startup.c): {@code backtrace:}, then words of eight hex digits: IPSR (an
 * interrupt handler's exception number, or 0), the task being polled, and from the first
 * panic function entered an address in it, SP there and its LR, and the return address of the
 * fn that called it (stored by that fn: it may keep none on the stack); then {@code |} and the
 * stack words from that SP up.
 */
public record PanicTrace(long ipsr, long task, long pc, long sp, long lr, long caller, List<Long> stack) {
    public PanicTrace {
        stack = List.copyOf(stack);
    }

    public static final String PREFIX = "backtrace:";

    /** The trace in {@code line}, or empty when the line is not one. */
    public static Optional<PanicTrace> parse(String line) {
        String text = line.strip();
        if (!text.startsWith(PREFIX)) return Optional.empty();
        String body = text.substring(PREFIX.length());
        int bar = body.indexOf('|');
        if (bar < 0) return Optional.empty();
        List<Long> head = new ArrayList<>(), stack = new ArrayList<>();
        if (!FaultReport.words(body.substring(0, bar), head) || head.size() != 6
                || !FaultReport.words(body.substring(bar + 1), stack)) return Optional.empty();
        return Optional.of(new PanicTrace(head.get(0), head.get(1), head.get(2), head.get(3), head.get(4), head.get(5), stack));
    }

    /** The stack word at {@code address}, when the trace has it. */
    Optional<Long> word(long address) {
        long index = (address - sp) / 4;
        if (address < sp || (address & 3) != 0 || index >= stack.size()) return Optional.empty();
        return Optional.of(stack.get((int) index));
    }
}

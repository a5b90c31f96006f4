package mote.opt;

import mote.mir.ChannelWaiters;
import mote.mir.LocalDecl;
import mote.mir.MirFn;
import mote.mir.MirProgram;
import mote.types.Type;

/**
 * Compact channel headers: in a direct program ({@link DirectChannels}) a channel's header
 * keeps only its head, its count and the task waiting on each side, and when every one of
 * them fits a byte runtime-c reads them as four bytes (`mote_channels_compact`, channel.c)
 * instead of the 12-byte `struct mote_channel`: the items start at offset {@link #HEADER}.
 * A signal's count (0 or 1) and waiting task share one byte, its value at offset
 * {@link #SIGNAL_HEADER}. A static channel is then reserved 8 bytes less, a static signal
 * 1 + size_of(T) bytes (7 to 10 less) aligned to a byte (its value is copied bytewise), see
 * {@link #staticSize} and {@link #staticAlign}; one inside an array, a struct or a task's
 * state keeps its type's size, the rest unused, so every layout computed from types stays as
 * it is.
 *
 * <p>The bytes suffice when the program has at most {@link #MAX_TASK_SLOTS} task slots (a
 * waiting task is kept as its id + 1; {@link #MAX_SIGNAL_TASK_SLOTS} where it has signals,
 * whose byte keeps the count in its top bit) and every channel's capacity fits the count,
 * whose top bit is the closed flag in a program that closes channels. Events keep their lists
 * and their full header (event.c). Like DirectChannels, not a switchable async optimization: it follows
 * the runtime, under every `--opt`; debug builds keep the lists and the full headers.
 */
public final class CompactChannels {
    private CompactChannels() {}

    /** Where a compact channel's items start. */
    public static final int HEADER = 4;
    /** Where a compact signal's value starts. */
    public static final int SIGNAL_HEADER = 1;
    /** Task slots whose id + 1 fits a byte, with 0 for "none". */
    static final int MAX_TASK_SLOTS = 254;
    /** Task slots whose id + 1 fits a signal's low seven bits (id 126 is 0x7F, under the count's bit). */
    static final int MAX_SIGNAL_TASK_SLOTS = 127;

    public static boolean applies(MirProgram program, boolean debug) {
        if (!DirectChannels.applies(program, debug)) return false;
        long slots = ChannelWaiters.instances(program).values().stream().mapToLong(Integer::longValue).sum();
        if (slots > MAX_TASK_SLOTS) return false;
        long largest = program.closesChannels() ? 127 : 255;
        boolean signals = false;
        for (MirProgram.Global g : program.globals()) {
            if (!fits(g.type(), largest)) return false;
            signals |= holdsSignal(g.type());
        }
        for (MirFn f : program.functions())
            for (LocalDecl l : f.locals()) {
                if (!fits(l.type(), largest)) return false;
                signals |= holdsSignal(l.type());
            }
        return !signals || slots <= MAX_SIGNAL_TASK_SLOTS;
    }

    private static boolean holdsSignal(Type t) {
        return anyChannel(t, Type.Channel::signal);
    }

    /** Whether every channel a value of {@code t} holds counts its items in a byte. */
    private static boolean fits(Type t, long largest) {
        return !anyChannel(t, ch -> !ch.isEvent() && ch.capacity() > largest);
    }

    /**
     * Whether a value of {@code t} holds a channel (signal, event) for which {@code test} holds:
     * itself, or in an array, a struct or a tuple. A reference's target is some static's or
     * local's type, checked there.
     */
    private static boolean anyChannel(Type t, java.util.function.Predicate<Type.Channel> test) {
        if (t instanceof Type.Channel ch) return test.test(ch);
        if (t instanceof Type.Array a) return anyChannel(a.element(), test);
        if (t instanceof Type.Struct s) return s.fields().stream().anyMatch(f -> anyChannel(f.type(), test));
        if (t instanceof Type.Tuple tu) return tu.elements().stream().anyMatch(e -> anyChannel(e, test));
        return false;
    }

    /**
     * The bytes a static of type {@code t} takes: a lone channel or signal with a compact
     * header its header and items, rounded to its alignment; anything else its type's size.
     */
    public static int staticSize(Type t, boolean compact) {
        if (compact && t instanceof Type.Channel ch && !ch.isEvent()) {
            if (ch.signal()) return SIGNAL_HEADER + ch.element().size();
            long end = HEADER + ch.element().size() * ch.capacity();
            return (int) ((end + ch.align() - 1) / ch.align() * ch.align());
        }
        return t.size();
    }

    /** The alignment of a static of type {@code t}: a byte for a lone signal with a compact header, else its type's. */
    public static int staticAlign(Type t, boolean compact) {
        if (compact && t instanceof Type.Channel ch && ch.signal()) return 1;
        return Math.max(1, t.align());
    }
}

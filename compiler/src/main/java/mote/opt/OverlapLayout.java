package mote.opt;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import mote.types.Type;

/**
 * `overlap-layout`: the bytes of a state object are shared by every value that is never
 * saved in the same state. The discriminant sits at offset 0 and each state's values
 * (saved locals and the awaitee, or the arguments of Unresumed) are packed after it in
 * increasing alignment, so small values fill the bytes next to the discriminant; the object
 * is as large as its largest state.
 *
 * Legal because a value saved in a state is written when the machine enters that state and
 * read back (into the poll function's locals) when it leaves it, before anything else runs;
 * an awaitee is alive only while its state is. So two values of different states are never
 * needed at the same time. rustc overlaps variants too but keeps the arguments and every
 * value saved in two or more states in a prefix that no state may reuse.
 *
 * On a core that loads and stores words at any address (v7-M and up) a state object is packed
 * besides: each state's values go in decreasing alignment, so none leaves a gap, and the
 * discriminant goes last (while its offset fits a 16-bit LDRB), so a task saving one u32 takes
 * 5 bytes, not 8. The offsets inside the object stay natural, which keeps every access the
 * short instruction it was; what the object no longer needs is an aligned address: the saved
 * values do not ask for one. Legal because a saved value is only ever copied between the
 * state object and the poll function's locals, by code that knows its offset and the object's
 * alignment (the emitter gives each access the alignment they guarantee), and the core loads
 * and stores a misaligned word or halfword as an aligned one (Mote never sets
 * CCR.UNALIGN_TRP). What runtime-c or a reference reaches (awaitees, borrowed locals) keeps
 * its alignment, and so does an f32 (VLDR faults unaligned).
 *
 * A saved u16 or u32 whose every value at that await fits a byte (or a u32 two) is kept in
 * that many bytes: saved truncated, restored zero-extended (a loop counter under a constant
 * bound: `for id in 0..4`, `while i < text.len()`). Legal because the value restored is the
 * value saved, which mote.mir.ValueRanges proves fits; not in debug builds.
 */
public final class OverlapLayout implements LayoutPass, Placement {
    @Override public Optimization optimization() { return Optimization.OVERLAP_LAYOUT; }

    @Override public Placement placement() { return this; }

    @Override public boolean packs(BuildMode mode) { return mode.unalignedWords(); }

    /** Not in debug builds: a debugger then sees each saved value as its type. */
    @Override public boolean narrows(BuildMode mode) { return !mode.debug(); }

    @Override public int required(Type t, BuildMode mode) {
        return packs(mode) && packable(t) ? 1 : t.align();
    }

    /** Whether a packed state may keep a saved value of type {@code t} at any address: all but an f32 (VLDR faults unaligned). */
    public static boolean packable(Type t) {
        return !(t instanceof Type.Float32);
    }

    @Override public int placeDescending(List<List<Item>> states, int start) {
        return placeInOrder(states, start, Comparator.comparingInt((Item i) -> i.align).reversed());
    }

    /** Each state's items from {@code start}, in increasing alignment; every state starts at {@code start}. */
    @Override public int place(List<List<Item>> states, int start) {
        return placeInOrder(states, start, Comparator.comparingInt(i -> i.align));
    }

    /** Each state's items one after another from {@code start}, in {@code order}, each aligned; returns the largest end. */
    private static int placeInOrder(List<List<Item>> states, int start, Comparator<Item> order) {
        int end = start;
        for (List<Item> items : states) {
            List<Item> sorted = new ArrayList<>(items);
            sorted.sort(order);
            int at = start;
            for (Item it : sorted) {
                at = (at + it.align - 1) / it.align * it.align;
                it.offset = at;
                at += it.size;
            }
            end = Math.max(end, at);
        }
        return end;
    }
}

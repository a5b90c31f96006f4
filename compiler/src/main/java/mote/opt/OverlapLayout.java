package mote.opt;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

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
 */
public final class OverlapLayout implements LayoutPass, Placement {
    @Override public Optimization optimization() { return Optimization.OVERLAP_LAYOUT; }

    @Override public Placement placement() { return this; }

    /** Each state's items from {@code start}, in increasing alignment; every state starts at {@code start}. */
    @Override public int place(List<List<Item>> states, int start) {
        int end = start;
        for (List<Item> items : states) {
            List<Item> sorted = new ArrayList<>(items);
            sorted.sort(Comparator.comparingInt(i -> i.align));
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

package mote.opt;

import java.util.List;

/** Places the values of every state of a state object, when states may share bytes ({@link LayoutPass#placement}). */
public interface Placement {
    /** A value to place: its size and alignment; {@link #place} fills in the offset. */
    final class Item {
        public final int size, align;
        public int offset;

        public Item(int size, int align) {
            this.size = size;
            this.align = align;
        }
    }

    /**
     * Places each state's items from {@code start} on (after the discriminant and any storage
     * that lives for the whole call) and returns the end of the largest state.
     */
    int place(List<List<Item>> states, int start);
}

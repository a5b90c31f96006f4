package mote.opt;

import java.util.List;

/** Places the values of every state of a state object, when states may share bytes ({@link LayoutPass#placement}). */
public interface Placement {
    /**
     * A value to place: its size, the alignment to place it at, and the alignment the object
     * then needs for it (lower where the value is packed); {@link #place} fills in the offset.
     */
    final class Item {
        public final int size, align, required;
        public int offset;

        public Item(int size, int align) {
            this(size, align, align);
        }

        public Item(int size, int align, int required) {
            this.size = size;
            this.align = align;
            this.required = required;
        }
    }

    /**
     * Places each state's items from {@code start} on (after the discriminant and any storage
     * that lives for the whole call) and returns the end of the largest state.
     */
    int place(List<List<Item>> states, int start);

    /** Whether a saved unsigned integer whose values fit fewer bytes is kept in them (mote.mir.ValueRanges). */
    default boolean narrows(BuildMode mode) { return false; }

    /** Whether saved values and arguments may sit at any address ({@link #required}), and the discriminant last. */
    default boolean packs(BuildMode mode) { return false; }

    /** The alignment the object needs for a saved value or argument of type {@code t}. */
    default int required(mote.types.Type t, BuildMode mode) { return t.align(); }

    /** Where packing: each state's items from {@code start} in decreasing alignment, without gaps; returns the end. */
    default int placeDescending(List<List<Item>> states, int start) { throw new UnsupportedOperationException(); }
}

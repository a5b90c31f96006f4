package mote.async;

import java.util.List;
import java.util.Map;
import mote.mir.BlockId;
import mote.mir.Callee;
import mote.mir.Local;
import mote.types.Type;

/**
 * The state machine of one async fn or task: its states and the byte layout of its state
 * object: the discriminant ({@code tagSize} bytes at {@code tagOffset}) and {@link Slot}s.
 * Slots of different states may share bytes. {@code packed}: the object needs no alignment for
 * its saved values and arguments (mote.opt.OverlapLayout on cores that load words at any
 * address), so {@code align} may be less than {@code placedAlign}, the alignment its fields'
 * offsets were chosen for (a parent awaiting it places it at that, so they stay natural there
 * too; a `join`/`race` child slot is placed at {@code align} only, which is correct but may
 * leave its fields at odd addresses).
 */
public record StateMachine(String function, List<State> states, int tagOffset, int tagSize, int size, int align,
                           Map<BlockId, Integer> stateOfAwait, boolean eagerStart, boolean returnedPending, List<Slot> pinned,
                           boolean packed, int placedAlign) {
    public StateMachine {
        states = List.copyOf(states);
        stateOfAwait = Map.copyOf(stateOfAwait);
        pinned = List.copyOf(pinned);
    }

    public StateMachine(String function, List<State> states, int tagOffset, int tagSize, int size, int align,
                        Map<BlockId, Integer> stateOfAwait, boolean eagerStart, boolean returnedPending, List<Slot> pinned) {
        this(function, states, tagOffset, tagSize, size, align, stateOfAwait, eagerStart, returnedPending, pinned, false, align);
    }

    /**
     * The alignment an access to {@code slot} (a saved value or an argument) may assume: its
     * type's, unless packing placed it lower, and never more than its offset and the object's
     * alignment guarantee.
     */
    public int accessAlign(Slot slot) {
        int lowest = slot.offset() == 0 ? align : Integer.lowestOneBit(slot.offset());
        return Math.max(1, Math.min(slot.storage().align(), Math.min(align, lowest)));
    }

    /**
     * The slot of a local whose address is taken: it lives in the state object for the whole
     * call (never saved or restored), so references to it stay valid across awaits; null otherwise.
     */
    public Slot pinnedSlot(Local local) {
        for (Slot s : pinned) if (s.local().equals(local)) return s;
        return null;
    }

    public enum Kind { UNRESUMED, RETURNED, PANICKED, SUSPENDED }

    /**
     * One state. {@code saved} are the values kept while in it (for Unresumed: the arguments);
     * {@code awaitee} is the child future being polled in a Suspended state (null otherwise).
     */
    public record State(int index, Kind kind, String name, List<Slot> saved, Awaitee awaitee, BlockId awaitBlock,
                        List<Child> children) {
        public State { saved = List.copyOf(saved); children = List.copyOf(children); }

        public State(int index, Kind kind, String name, List<Slot> saved, Awaitee awaitee, BlockId awaitBlock) {
            this(index, kind, name, saved, awaitee, awaitBlock, List.of());
        }
    }

    /** The storage of child future {@code id} of a `join`/`race` (one per branch), while its fn waits on them all. */
    /**
     * The slot of a `join`/`race` child; {@code parent} and {@code group} as in
     * Terminator.ChildWait when children may share bytes (-1 and 0 when each has its own).
     */
    public record Child(int id, int offset, int size, int align, int parent, int group) {
        public Child(int id, int offset, int size, int align) { this(id, offset, size, align, -1, 0); }
    }

    /** The slot of `join`/`race` child {@code id}. */
    public Child child(int id) {
        for (State s : states) for (Child c : s.children()) if (c.id() == id) return c;
        throw new IllegalArgumentException(function + " has no child " + id);
    }

    /**
     * Storage for one local: {@code offset} from the start of the state object, as {@code
     * storage}: its type, or a narrower unsigned integer that holds every value it can have
     * there (mote.mir.ValueRanges): saved truncated, restored zero-extended.
     */
    public record Slot(Local local, String name, Type type, int offset, Type storage) {
        public Slot(Local local, String name, Type type, int offset) { this(local, name, type, offset, type); }
        public int size() { return storage.size(); }
        public boolean narrowed() { return !storage.equals(type); }
    }

    /** The child future's storage inside the parent's state. */
    public record Awaitee(Callee callee, int offset, int size, int align) {}

    /** The state whose discriminant is {@code index}. */
    public State state(int index) {
        for (State s : states) if (s.index() == index) return s;
        throw new IllegalArgumentException(function + " has no state " + index);
    }

    /** The state of a kind (Unresumed, Returned, Panicked), or null when the machine has none. */
    public State stateOf(Kind kind) {
        for (State s : states) if (s.kind() == kind) return s;
        return null;
    }

    /** The slot holding {@code local} in {@code state}, or null when that state does not save it. */
    public Slot slot(State state, Local local) {
        for (Slot s : state.saved()) if (s.local().equals(local)) return s;
        return null;
    }

    public List<State> suspendStates() {
        return states.stream().filter(s -> s.kind() == Kind.SUSPENDED).toList();
    }
}

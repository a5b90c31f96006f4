package mote.async;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mote.mir.BlockId;
import mote.mir.BorrowedLocals;
import mote.mir.Liveness;
import mote.mir.Local;
import mote.mir.MirFn;
import mote.mir.MirProgram;
import mote.mir.Terminator;

/**
 * Checks the state machines async lowering produced, as {@link mote.mir.MirVerifier} checks
 * MIR between passes (Cranelift's verify_if after lowering): a broken layout does not fail
 * to compile, it corrupts a live value on the device. For every machine:
 * <ul>
 * <li>every state's number fits the discriminant the machine declares ({@code tagSize} bytes);</li>
 * <li>no two fields live in the same state overlap: the discriminant, the pinned (borrowed)
 *     locals, the state's saved locals, its awaitee and its `join`/`race` children;</li>
 * <li>every borrowed local ({@link BorrowedLocals}) of a fn that suspends is
 *     pinned, and a pinned field overlaps no field of any state: a reference to it must stay
 *     valid whatever state the machine is in;</li>
 * <li>a suspended state saves exactly the locals live across its suspension ({@link Liveness}):
 *     none that is dead (wasted bytes), and every live one that is not pinned (or it is lost);</li>
 * <li>every field lies inside the object and is aligned for its type (a saved value of a packed
 *     machine for a byte, unless an f32), and the size is a multiple of the alignment.</li>
 * </ul>
 * Cheap (one liveness per async fn, a few comparisons per field pair), so {@code Compiler.analyze}
 * runs it on every build, as it runs the MIR verifier. A failure is a bug in the lowering,
 * reported as an internal compiler error naming the machine, the state and the fields.
 */
public final class LayoutVerifier {
    private LayoutVerifier() {}

    public static void verify(MirProgram program, Map<String, StateMachine> machines) {
        for (StateMachine m : machines.values()) verify(m, program.function(m.function()));
    }

    /** A field of the state object: what it holds, where. */
    private record Field(String name, int offset, int size, int align) {
        int end() { return offset + size; }
        @Override public String toString() { return name + " [" + offset + ", " + end() + ")"; }
    }

    public static void verify(StateMachine m, MirFn fn) {
        if (fn == null) fail(m, "has no MIR function");
        long states = 1L << (8 * m.tagSize());
        for (StateMachine.State s : m.states())
            if (s.index() < 0 || s.index() >= states)
                fail(m, "state " + s.name() + " is number " + s.index() + ", which does not fit its " + (8 * m.tagSize()) + "-bit discriminant");
        Field tag = new Field("discriminant", m.tagOffset(), m.tagSize(), m.tagSize());
        List<Field> pinned = new ArrayList<>();
        for (StateMachine.Slot p : m.pinned()) pinned.add(slot(p, fn, m));
        if (m.size() % m.align() != 0) fail(m, "has size " + m.size() + ", not a multiple of its alignment " + m.align());
        boolean suspends = !m.suspendStates().isEmpty();
        if (suspends)
            for (Local l : BorrowedLocals.of(fn))
                if (m.pinnedSlot(l) == null) fail(m, "borrowed local " + l + " is not pinned: a reference to it would go stale across a suspension");
        Liveness liveness = suspends ? Liveness.compute(fn) : null;
        for (StateMachine.State s : m.states()) {
            List<Field> fields = new ArrayList<>();
            fields.add(tag);
            fields.addAll(pinned);
            int pinnedEnd = fields.size();   // the discriminant, then the pinned fields
            for (StateMachine.Slot slot : s.saved()) {
                Field f = slot(slot, fn, m);
                // Packed: a saved value may sit at any byte, an f32 excepted.
                fields.add(m.packed() && mote.opt.OverlapLayout.packable(slot.type()) ? new Field(f.name(), f.offset(), f.size(), 1) : f);
            }
            if (s.awaitee() != null)
                fields.add(new Field("awaitee " + s.awaitee().callee(), s.awaitee().offset(), s.awaitee().size(), s.awaitee().align()));
            for (StateMachine.Child c : s.children()) fields.add(new Field("child" + c.id(), c.offset(), c.size(), c.align()));
            for (Field f : fields) {
                if (f.offset() < 0 || f.end() > m.size()) fail(m, s, f + " lies outside the " + m.size() + "-byte object");
                if (f.offset() % f.align() != 0) fail(m, s, f + " is not aligned to " + f.align());
                if (f.align() > m.align()) fail(m, s, f + " needs alignment " + f.align() + " but the object has " + m.align());
            }
            // Children that never wait at the same time may share bytes (ChildLayout).
            Map<Integer, int[]> nesting = new java.util.HashMap<>();
            for (StateMachine.Child c : s.children()) nesting.put(c.id(), new int[] {c.parent(), c.group()});
            java.util.Set<String> takingTurns = new java.util.HashSet<>();
            for (StateMachine.Child a : s.children())
                for (StateMachine.Child b : s.children())
                    if (a.id() != b.id() && !ChildLayout.mayWaitTogether(nesting, a.id(), b.id())) takingTurns.add("child" + a.id() + "/child" + b.id());
            for (int i = 0; i < fields.size(); i++)
                for (int j = i + 1; j < fields.size(); j++)
                    if (overlap(fields.get(i), fields.get(j)) && !takingTurns.contains(fields.get(i).name() + "/" + fields.get(j).name()))
                        fail(m, s, fields.get(i) + " and " + fields.get(j) + " overlap"
                                + (i > 0 && i < pinnedEnd ? " (pinned " + fields.get(i).name() + " must stay outside every state's fields)" : ""));
            if (s.kind() == StateMachine.Kind.SUSPENDED) checkSaved(m, s, fn, liveness);
        }
    }

    /** A suspended state saves exactly the unpinned, non-empty locals live across its suspension. */
    private static void checkSaved(StateMachine m, StateMachine.State s, MirFn fn, Liveness liveness) {
        BlockId at = s.awaitBlock();
        if (at == null || at.index() >= fn.blocks().size()) fail(m, s, "names no suspension block");
        Terminator t = fn.block(at).terminator();
        BitSet live;
        if (t instanceof Terminator.Await a) {
            live = liveness.acrossAwait(a);
        } else if (t instanceof Terminator.Suspend) {
            live = liveness.liveOut(at);
        } else {
            fail(m, s, at + " ends in `" + t + "`, not in a suspension");
            return;
        }
        Set<Local> saved = new java.util.HashSet<>();
        for (StateMachine.Slot slot : s.saved()) {
            saved.add(slot.local());
            if (!live.get(slot.local().index())) fail(m, s, "saves " + slot.local() + ", which is not live across " + at);
        }
        for (int l = live.nextSetBit(0); l >= 0; l = live.nextSetBit(l + 1)) {
            Local local = new Local(l);
            if (fn.typeOf(local).size() > 0 && m.pinnedSlot(local) == null && !saved.contains(local))
                fail(m, s, local + " is live across " + at + " but neither saved nor pinned");
        }
    }

    private static Field slot(StateMachine.Slot slot, MirFn fn, StateMachine m) {
        Local l = slot.local();
        if (l.index() < 0 || l.index() >= fn.locals().size()) fail(m, "has a field for missing local " + l);
        if (!slot.type().equals(fn.typeOf(l))) fail(m, "keeps " + l + " as " + slot.type() + " but it is " + fn.typeOf(l));
        if (slot.narrowed() && !(slot.storage() instanceof mote.types.Type.Int s && !s.signed() && slot.type() instanceof mote.types.Type.Int t
                && !t.signed() && s.bits() < t.bits()))
            fail(m, "keeps " + l + " (" + slot.type() + ") in " + slot.storage() + ", not a narrower unsigned integer");
        return new Field(l + (slot.name() != null ? " (" + slot.name() + ")" : ""), slot.offset(), slot.size(), slot.storage().align());
    }

    private static boolean overlap(Field a, Field b) {
        return a.size() > 0 && b.size() > 0 && a.offset() < b.end() && b.offset() < a.end();
    }

    private static void fail(StateMachine m, StateMachine.State s, String what) {
        fail(m, "state " + s.name() + " (" + s.index() + "): " + what);
    }

    private static void fail(StateMachine m, String what) {
        throw new IllegalStateException("layout verifier: state machine of " + m.function() + " " + what);
    }
}

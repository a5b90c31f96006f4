package mote.async;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mote.mir.BasicBlock;
import mote.mir.BlockId;
import mote.mir.Callee;
import mote.mir.Liveness;
import mote.mir.Local;
import mote.mir.MirFn;
import mote.mir.MirProgram;
import mote.mir.Terminator;
import mote.types.Type;

/**
 * Turns every async fn into a state machine, the way rustc lays out a coroutine today (the
 * baseline every Mote optimization is measured against):
 *
 * <ul>
 * <li>States 0 Unresumed, 1 Returned, 2 Panicked, then one Suspended state per `.await`, in
 *     source order. The discriminant is a u8 at offset 0.</li>
 * <li>The arguments are stored in a prefix that lives as long as the future (rustc's upvars);
 *     the body copies them into its own locals, so an argument used after an await is saved
 *     a second time (rustc issue #62958, kept here on purpose: it is what we compare against).</li>
 * <li>A Suspended state saves the locals live across its await (liveness on MIR), plus the
 *     awaited child's own state object ("awaitee"). A local saved in two or more states is
 *     promoted to the prefix; the others live in their state's variant, and variants overlap
 *     one another, as rustc's enum-like coroutine layout does. Fields keep declaration order.</li>
 * <li>Borrowed locals: a local whose address is taken anywhere in the fn (`&x`, `&mut x.f`,
 *     `&a[i]`: an AddressOf whose place lies inside the local's own storage) lives in the
 *     prefix for the whole call and is never saved or restored: the poll function works on it
 *     in place. Task state objects are static, so a reference to a task's local stays valid
 *     across `.await`, as the language promises. This is the simplest honest rule (one
 *     exception: an async fn without any `.await` keeps its locals on the stack, since one
 *     poll runs it to completion); a later pass may narrow it to borrows live across a
 *     suspension.</li>
 * </ul>
 * Callees are laid out before callers, since a parent embeds its child's state object.
 */
public final class AsyncLowering {
    public static final int UNRESUMED = 0, RETURNED = 1, PANICKED = 2, FIRST_SUSPEND = 3;

    private AsyncLowering() {}

    /** State machines for every async fn of an acyclic program, keyed by function name. */
    public static Map<String, StateMachine> lower(MirProgram program, AsyncCallGraph graph) {
        Map<String, StateMachine> machines = new LinkedHashMap<>();
        for (MirFn f : graph.bottomUp()) machines.put(f.name(), lowerOne(f, machines));
        return machines;
    }

    /** The locals whose storage is borrowed somewhere in {@code fn}, in index order. */
    public static java.util.SortedSet<Local> borrowedLocals(MirFn fn) {
        java.util.SortedSet<Local> out = new java.util.TreeSet<>(java.util.Comparator.comparingInt(Local::index));
        for (BasicBlock b : fn.blocks())
            for (mote.mir.Statement s : b.statements())
                if (s instanceof mote.mir.Statement.Assign a && a.value() instanceof mote.mir.Rvalue.AddressOf ref && ref.place().isInsideLocal(fn))
                    out.add(ref.place().local());
        return out;
    }

    static StateMachine lowerOne(MirFn fn, Map<String, StateMachine> callees) {
        Liveness liveness = Liveness.compute(fn);
        boolean suspends = fn.blocks().stream().anyMatch(b -> b.terminator() instanceof Terminator.Await);
        // Without a suspension point one poll runs the whole body: its stack frame suffices.
        java.util.Set<Local> borrowed = suspends ? borrowedLocals(fn) : java.util.Set.of();
        // 1. Suspension points in block order, and what each one saves.
        List<BlockId> awaits = new ArrayList<>();
        List<List<Local>> savedPerAwait = new ArrayList<>();
        for (int i = 0; i < fn.blocks().size(); i++) {
            BasicBlock b = fn.blocks().get(i);
            if (!(b.terminator() instanceof Terminator.Await a)) continue;
            awaits.add(new BlockId(i));
            BitSet live = liveness.liveIn(a.resume());
            live.clear(a.dest().index());
            List<Local> saved = new ArrayList<>();
            for (int l = live.nextSetBit(0); l >= 0; l = live.nextSetBit(l + 1)) {
                if (fn.typeOf(new Local(l)).size() > 0 && !borrowed.contains(new Local(l))) saved.add(new Local(l));
            }
            savedPerAwait.add(saved);
        }
        // 2. Promote locals saved in two or more states to the prefix.
        Map<Local, Integer> timesSaved = new HashMap<>();
        for (List<Local> saved : savedPerAwait) for (Local l : saved) timesSaved.merge(l, 1, Integer::sum);

        int tagSize = 1;
        int offset = tagSize;
        int align = 1;
        List<StateMachine.Slot> argSlots = new ArrayList<>();
        for (Local p : fn.params()) {
            Type t = fn.typeOf(p);
            if (t.size() == 0) continue;
            offset = alignUp(offset, t.align());
            argSlots.add(new StateMachine.Slot(p, fn.decl(p).name(), t, offset));
            offset += t.size();
            align = Math.max(align, t.align());
        }
        Map<Local, StateMachine.Slot> promoted = new LinkedHashMap<>();
        for (int l = 0; l < fn.locals().size(); l++) {
            Local local = new Local(l);
            if (timesSaved.getOrDefault(local, 0) < 2) continue;
            Type t = fn.typeOf(local);
            offset = alignUp(offset, t.align());
            promoted.put(local, new StateMachine.Slot(local, fn.decl(local).name(), t, offset));
            offset += t.size();
            align = Math.max(align, t.align());
        }
        List<StateMachine.Slot> pinned = new ArrayList<>();
        for (Local local : borrowed) {
            Type t = fn.typeOf(local);
            offset = alignUp(offset, t.align());
            pinned.add(new StateMachine.Slot(local, fn.decl(local).name(), t, offset));
            offset += t.size();
            align = Math.max(align, t.align());
        }
        int prefixEnd = offset;

        // 3. Variants: each Suspended state's own locals, then its awaitee, overlapping each other.
        int variantAlign = 1;
        for (int k = 0; k < awaits.size(); k++) {
            Terminator.Await a = (Terminator.Await) fn.block(awaits.get(k)).terminator();
            variantAlign = Math.max(variantAlign, awaiteeAlign(a.callee(), callees));
            for (Local l : savedPerAwait.get(k)) if (!promoted.containsKey(l)) variantAlign = Math.max(variantAlign, fn.typeOf(l).align());
        }
        int variantStart = alignUp(prefixEnd, variantAlign);
        int size = prefixEnd;
        List<StateMachine.State> states = new ArrayList<>();
        states.add(new StateMachine.State(UNRESUMED, StateMachine.Kind.UNRESUMED, "Unresumed", argSlots, null, null));
        states.add(new StateMachine.State(RETURNED, StateMachine.Kind.RETURNED, "Returned", List.of(), null, null));
        states.add(new StateMachine.State(PANICKED, StateMachine.Kind.PANICKED, "Panicked", List.of(), null, null));
        Map<BlockId, Integer> stateOfAwait = new HashMap<>();
        for (int k = 0; k < awaits.size(); k++) {
            Terminator.Await a = (Terminator.Await) fn.block(awaits.get(k)).terminator();
            int at = variantStart;
            List<StateMachine.Slot> slots = new ArrayList<>();
            for (Local l : savedPerAwait.get(k)) {
                StateMachine.Slot p = promoted.get(l);
                if (p != null) { slots.add(p); continue; }
                Type t = fn.typeOf(l);
                at = alignUp(at, t.align());
                slots.add(new StateMachine.Slot(l, fn.decl(l).name(), t, at));
                at += t.size();
            }
            int childSize = awaiteeSize(a.callee(), callees);
            int childAlign = awaiteeAlign(a.callee(), callees);
            at = alignUp(at, childAlign);
            StateMachine.Awaitee awaitee = new StateMachine.Awaitee(a.callee(), at, childSize, childAlign);
            at += childSize;
            size = Math.max(size, at);
            align = Math.max(align, variantAlign);
            int index = FIRST_SUSPEND + k;
            stateOfAwait.put(awaits.get(k), index);
            states.add(new StateMachine.State(index, StateMachine.Kind.SUSPENDED, "Suspend" + k, slots, awaitee, awaits.get(k)));
        }
        size = alignUp(size, align);
        return new StateMachine(fn.name(), states, tagSize, size, align, stateOfAwait, pinned);
    }

    static int awaiteeSize(Callee callee, Map<String, StateMachine> machines) {
        if (callee instanceof Callee.Builtin b) return b.stateSize;
        return machines.get(((Callee.Function) callee).name()).size();
    }

    static int awaiteeAlign(Callee callee, Map<String, StateMachine> machines) {
        if (callee instanceof Callee.Builtin) return 1;
        return machines.get(((Callee.Function) callee).name()).align();
    }

    static int alignUp(int value, int align) {
        return (value + align - 1) / align * align;
    }
}

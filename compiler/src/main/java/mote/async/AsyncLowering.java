package mote.async;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mote.mir.AsyncCallGraph;
import mote.mir.BasicBlock;
import mote.mir.BlockId;
import mote.mir.BorrowedLocals;
import mote.mir.Callee;
import mote.mir.Liveness;
import mote.mir.Local;
import mote.mir.MirFn;
import mote.mir.MirProgram;
import mote.mir.Terminator;
import mote.mir.ValueRanges;
import mote.opt.Placement;
import mote.types.Type;

/**
 * Turns every async fn into a state machine, the way rustc lays out a coroutine today (the
 * baseline every Mote optimization is measured against):
 *
 * <ul>
 * <li>States 0 Unresumed, 1 Returned, 2 Panicked, then one Suspended state per `.await`, in
 *     block order.</li>
 * <li>The arguments come first and live as long as the future (rustc's upvars); the body
 *     copies them into its own locals, so an argument used after an await is saved a second
 *     time (rustc issue #62958, kept here on purpose: it is what we compare against). The u8
 *     discriminant follows them.</li>
 * <li>A Suspended state saves the locals live across its await (liveness on MIR) and the
 *     pointers to the Mutexes held there (a cancel releases them), plus the awaited child's
 *     own state object ("awaitee"). A local saved in two or more states is
 *     promoted to the prefix, after the discriminant; the others live in their state's
 *     variant, and variants overlap one another, as rustc's enum-like coroutine layout does.
 *     Inside a variant, fields go in order of increasing alignment, so small ones fill the
 *     bytes after the discriminant (rustc does the same for enum variants).</li>
 * <li>Borrowed locals: a local whose address is taken anywhere in the fn (`&x`, `&mut x.f`,
 *     `&a[i]`: an AddressOf whose place lies inside the local's own storage) lives in the
 *     prefix for the whole call and is never saved or restored: the poll function works on it
 *     in place. Task state objects are static, so a reference to a task's local stays valid
 *     across `.await`, as the language promises. This is the simplest honest rule (one
 *     exception: an async fn without any `.await` keeps its locals on the stack, since one
 *     poll runs it to completion); a later pass may narrow it to borrows live across a
 *     suspension.</li>
 * </ul>
 * Checked against rustc 1.95's `-Zprint-type-sizes` in docs/baseline-layout.md.
 * Callees are laid out before callers, since a parent embeds its child's state object.
 */
public final class AsyncLowering {

    private AsyncLowering() {}

    /** State machines for every async fn of an acyclic program, keyed by function name (baseline layout). */
    public static Map<String, StateMachine> lower(MirProgram program, AsyncCallGraph graph) {
        return lower(program, graph, LayoutPolicy.BASELINE);
    }

    public static Map<String, StateMachine> lower(MirProgram program, AsyncCallGraph graph, LayoutPolicy policy) {
        Map<String, StateMachine> machines = new LinkedHashMap<>();
        for (MirFn f : graph.bottomUp()) {
            boolean eager = policy.startsInCallersPoll(f, program);
            StateMachine m = lowerOne(f, machines, policy, eager);
            // Narrowed saves only where they make the object smaller: otherwise they would
            // only move its values, which costs code for nothing.
            if (m.states().stream().anyMatch(s -> s.saved().stream().anyMatch(StateMachine.Slot::narrowed))) {
                StateMachine plain = lowerOne(f, machines, policy.withoutNarrowing(), eager);
                if (plain.size() <= m.size()) m = plain;
            }
            machines.put(f.name(), m);
        }
        return machines;
    }

    static StateMachine lowerOne(MirFn fn, Map<String, StateMachine> callees) {
        return lowerOne(fn, callees, LayoutPolicy.BASELINE, false);
    }

    static StateMachine lowerOne(MirFn fn, Map<String, StateMachine> callees, LayoutPolicy policy, boolean eager) {
        Liveness liveness = Liveness.compute(fn);
        boolean suspends = fn.blocks().stream().anyMatch(b -> b.terminator() instanceof Terminator.Await
                || b.terminator() instanceof Terminator.Suspend);
        Map<Integer, int[]> childSizes = childSizes(fn, callees);
        // Without a suspension point one poll runs the whole body: its stack frame suffices.
        java.util.Set<Local> borrowed = suspends ? BorrowedLocals.of(fn) : java.util.Set.of();
        // 1. Suspension points in block order, and what each one saves.
        List<BlockId> awaits = new ArrayList<>();
        List<List<Local>> savedPerAwait = new ArrayList<>();
        for (int i = 0; i < fn.blocks().size(); i++) {
            BasicBlock b = fn.blocks().get(i);
            BitSet live;
            if (b.terminator() instanceof Terminator.Await a) {
                live = liveness.acrossAwait(a);
            } else if (b.terminator() instanceof Terminator.Suspend) {
                // What the resumed dispatcher reads, and what a cancel reads while the fn waits here.
                live = liveness.liveOut(new BlockId(i));
            } else {
                continue;
            }
            awaits.add(new BlockId(i));
            List<Local> saved = new ArrayList<>();
            for (int l = live.nextSetBit(0); l >= 0; l = live.nextSetBit(l + 1)) {
                if (fn.typeOf(new Local(l)).size() > 0 && !borrowed.contains(new Local(l))) saved.add(new Local(l));
            }
            savedPerAwait.add(saved);
        }
        // 2. Which states exist, numbered in rustc's order.
        int next = 0;
        int unresumed = eager ? -1 : next++;
        int returned = next++;
        int panicked = policy.hasPanicked() ? next++ : -1;
        int firstSuspend = next;
        List<Local> args = new ArrayList<>();
        if (!eager) for (Local p : fn.params()) if (fn.typeOf(p).size() > 0) args.add(p);
        int tagSize = tagSize(firstSuspend + awaits.size());
        List<StateMachine.Slot> pinned = new ArrayList<>();

        List<StateMachine.State> states = new ArrayList<>();
        Map<BlockId, Integer> stateOfAwait = new HashMap<>();
        int size, align = 1, tagOffset, placedAlign = 1;
        boolean packed = false;
        Placement shared = policy.placement();
        if (shared != null) {
            // Every state's values packed from the discriminant on; states share the bytes.
            boolean packs = policy.packs();
            tagOffset = 0;
            List<List<Placement.Item>> perState = new ArrayList<>();
            List<Placement.Item> argItems = new ArrayList<>();
            for (Local p : args) argItems.add(new Placement.Item(fn.typeOf(p).size(), fn.typeOf(p).align(), policy.requiredAlign(fn.typeOf(p))));
            perState.add(argItems);
            List<List<Placement.Item>> localItems = new ArrayList<>();
            List<List<Type>> storage = new ArrayList<>();
            List<Placement.Item> awaiteeItems = new ArrayList<>();
            ValueRanges ranges = policy.narrows() ? ValueRanges.compute(fn) : null;
            for (int k = 0; k < awaits.size(); k++) {
                Terminator t = fn.block(awaits.get(k)).terminator();
                List<Placement.Item> items = new ArrayList<>();
                List<Type> kept = new ArrayList<>();
                for (Local l : savedPerAwait.get(k)) {
                    Type as = ranges == null ? fn.typeOf(l) : narrowest(fn.typeOf(l), ranges.atEnd(awaits.get(k), l));
                    kept.add(as);
                    items.add(new Placement.Item(as.size(), as.align(), policy.requiredAlign(as)));
                }
                storage.add(kept);
                // Placed as its own values are (naturally), though a packed child may need less.
                int childAlign = pointAlign(t, callees, childSizes);
                Placement.Item child = new Placement.Item(pointSize(t, callees, childSizes, true),
                        packs ? Math.max(childAlign, placedAlign(t, callees)) : childAlign, childAlign);
                localItems.add(items);
                awaiteeItems.add(child);
                List<Placement.Item> all = new ArrayList<>(items);
                all.add(child);
                perState.add(all);
            }
            // Packed: borrowed locals first, each state's values after them without gaps, and the
            // discriminant last while a 16-bit LDRB/STRB still reaches it (offset 31 at most).
            List<StateMachine.Slot> pinnedFirst = new ArrayList<>();
            int packedEnd = packs && tagSize == 1 ? shared.placeDescending(perState, placeInOrder(fn, borrowed, 0, pinnedFirst)) : -1;
            if (packedEnd >= 0 && packedEnd <= 31) {
                pinned.addAll(pinnedFirst);
                tagOffset = packedEnd;
                size = packedEnd + tagSize;
            } else {
                // Borrowed locals live for the whole call: right after the discriminant, never shared.
                int pinnedEnd = placeInOrder(fn, borrowed, tagSize, pinned);
                size = shared.place(perState, pinnedEnd);
            }
            for (StateMachine.Slot p : pinned) align = Math.max(align, p.type().align());
            for (List<Placement.Item> items : perState) for (Placement.Item it : items) {
                align = Math.max(align, it.required);
                placedAlign = Math.max(placedAlign, it.align);
            }
            packed = packs;
            if (unresumed >= 0) {
                List<StateMachine.Slot> slots = new ArrayList<>();
                for (int i = 0; i < args.size(); i++) slots.add(slot(fn, args.get(i), argItems.get(i).offset));
                states.add(new StateMachine.State(unresumed, StateMachine.Kind.UNRESUMED, "Unresumed", slots, null, null));
            }
            addFixedStates(states, returned, panicked);
            for (int k = 0; k < awaits.size(); k++) {
                Terminator t = fn.block(awaits.get(k)).terminator();
                List<StateMachine.Slot> slots = new ArrayList<>();
                List<Local> saved = savedPerAwait.get(k);
                for (int i = 0; i < saved.size(); i++) {
                    Local l = saved.get(i);
                    slots.add(new StateMachine.Slot(l, fn.decl(l).name(), fn.typeOf(l), localItems.get(k).get(i).offset, storage.get(k).get(i)));
                }
                Placement.Item child = awaiteeItems.get(k);
                int index = firstSuspend + k;
                stateOfAwait.put(awaits.get(k), index);
                states.add(suspendedState(t, index, k, slots, child.offset, child.size, child.required, awaits.get(k), childSizes, true));
            }
        } else {
            // rustc's layout: arguments, discriminant, promoted locals, then overlapping variants.
            Map<Local, Integer> timesSaved = new HashMap<>();
            for (List<Local> saved : savedPerAwait) for (Local l : saved) timesSaved.merge(l, 1, Integer::sum);
            List<StateMachine.Slot> argSlots = new ArrayList<>();
            int offset = placeInOrder(fn, args, 0, argSlots);
            tagOffset = alignUp(offset, tagSize);
            offset = tagOffset + tagSize;
            List<Local> promotedLocals = new ArrayList<>();
            for (int l = 0; l < fn.locals().size(); l++)
                if (timesSaved.getOrDefault(new Local(l), 0) >= 2) promotedLocals.add(new Local(l));
            List<StateMachine.Slot> promotedSlots = new ArrayList<>();
            offset = placeInOrder(fn, promotedLocals, offset, promotedSlots);
            Map<Local, StateMachine.Slot> promoted = new LinkedHashMap<>();
            for (StateMachine.Slot p : promotedSlots) promoted.put(p.local(), p);
            offset = placeInOrder(fn, borrowed, offset, pinned);
            for (List<StateMachine.Slot> placed : List.of(argSlots, promotedSlots, pinned))
                for (StateMachine.Slot p : placed) align = Math.max(align, p.type().align());
            int prefixEnd = offset;
            size = prefixEnd;
            if (unresumed >= 0) states.add(new StateMachine.State(unresumed, StateMachine.Kind.UNRESUMED, "Unresumed", argSlots, null, null));
            addFixedStates(states, returned, panicked);
            for (int k = 0; k < awaits.size(); k++) {
                Terminator t = fn.block(awaits.get(k)).terminator();
                int at = prefixEnd;
                List<StateMachine.Slot> slots = new ArrayList<>();
                List<Local> own = new ArrayList<>();
                for (Local l : savedPerAwait.get(k)) {
                    StateMachine.Slot p = promoted.get(l);
                    if (p != null) slots.add(p); else own.add(l);
                }
                int childSize = pointSize(t, callees, childSizes, false);
                int childAlign = pointAlign(t, callees, childSizes);
                // Increasing alignment; the awaitee goes before locals of larger alignment.
                own.sort(java.util.Comparator.comparingInt(l -> fn.typeOf(l).align()));
                int awaiteeAt = -1;
                for (Local l : own) {
                    Type lt = fn.typeOf(l);
                    if (awaiteeAt < 0 && childAlign < lt.align()) {
                        at = alignUp(at, childAlign);
                        awaiteeAt = at;
                        at += childSize;
                    }
                    at = alignUp(at, lt.align());
                    slots.add(slot(fn, l, at));
                    at += lt.size();
                    align = Math.max(align, lt.align());
                }
                if (awaiteeAt < 0) {
                    at = alignUp(at, childAlign);
                    awaiteeAt = at;
                    at += childSize;
                }
                align = Math.max(align, childAlign);
                size = Math.max(size, at);
                int index = firstSuspend + k;
                stateOfAwait.put(awaits.get(k), index);
                states.add(suspendedState(t, index, k, slots, awaiteeAt, childSize, childAlign, awaits.get(k), childSizes, false));
            }
        }
        align = Math.max(align, tagSize);
        size = alignUp(size, align);
        return new StateMachine(fn.name(), states, tagOffset, tagSize, size, align, stateOfAwait, eager, policy.returnedPollIsPending(), pinned,
                packed, Math.max(align, placedAlign));
    }

    /** The unsigned integer type that holds {@code range}, if narrower than {@code t}; else {@code t}. */
    static Type narrowest(Type t, ValueRanges.Range range) {
        if (range == null || !(t instanceof Type.Int i) || i.signed()) return t;
        if (i.bits() > 8 && range.hi() <= 0xFF) return Type.U8;
        if (i.bits() > 16 && range.hi() <= 0xFFFF) return Type.U16;
        return t;
    }

    /** Where a packed machine places an awaited fn's state: at the alignment its own fields were placed for. */
    private static int placedAlign(Terminator t, Map<String, StateMachine> callees) {
        if (t instanceof Terminator.Await a && a.callee() instanceof Callee.Function f) return callees.get(f.name()).placedAlign();
        return 1;
    }

    /** Size and alignment of each `join`/`race` child slot: the largest future its branch waits on. */
    private static Map<Integer, int[]> childSizes(MirFn fn, Map<String, StateMachine> callees) {
        Map<Integer, int[]> sizes = new java.util.TreeMap<>();
        for (BasicBlock b : fn.blocks()) {
            if (!(b.terminator() instanceof Terminator.PollChild pc)) continue;
            int[] sa = sizes.computeIfAbsent(pc.child(), id -> new int[] {0, 1});
            sa[0] = Math.max(sa[0], awaiteeSize(pc.callee(), callees));
            sa[1] = Math.max(sa[1], awaiteeAlign(pc.callee(), callees));
        }
        return sizes;
    }

    /** Bytes a suspension point keeps besides saved locals: the awaitee, or a join's children (ChildLayout). */
    private static int pointSize(Terminator t, Map<String, StateMachine> callees, Map<Integer, int[]> childSizes, boolean share) {
        if (t instanceof Terminator.Await a) return awaiteeSize(a.callee(), callees);
        return ChildLayout.of((Terminator.Suspend) t, childSizes, share).size;
    }

    private static int pointAlign(Terminator t, Map<String, StateMachine> callees, Map<Integer, int[]> childSizes) {
        if (t instanceof Terminator.Await a) return awaiteeAlign(a.callee(), callees);
        int align = 1;
        for (int id : ((Terminator.Suspend) t).children()) align = Math.max(align, childSizes.getOrDefault(id, new int[] {0, 1})[1]);
        return align;
    }

    private static StateMachine.State suspendedState(Terminator t, int index, int k, List<StateMachine.Slot> slots, int offset,
                                                     int size, int align, BlockId block, Map<Integer, int[]> childSizes, boolean share) {
        if (t instanceof Terminator.Await a)
            return new StateMachine.State(index, StateMachine.Kind.SUSPENDED, "Suspend" + k, slots,
                    new StateMachine.Awaitee(a.callee(), offset, size, align), block);
        Terminator.Suspend su = (Terminator.Suspend) t;
        ChildLayout layout = ChildLayout.of(su, childSizes, share);
        List<StateMachine.Child> children = new ArrayList<>();
        for (Terminator.ChildWait w : su.waits()) {
            int[] sa = childSizes.getOrDefault(w.child(), new int[] {0, 1});
            children.add(new StateMachine.Child(w.child(), offset + layout.offsets.get(w.child()), sa[0], sa[1],
                    share ? w.parent() : -1, share ? w.group() : 0));
        }
        return new StateMachine.State(index, StateMachine.Kind.SUSPENDED, "Suspend" + k, slots, null, block, children);
    }

    /** Lays {@code locals} out one after another from {@code offset}, each aligned; returns the end. */
    /**
     * The discriminant's width: u8 while the state numbers fit (today's sizes), u16 beyond 256
     * states (more than about 253 awaits in one fn, which inlining can reach), u32 past that.
     */
    static int tagSize(int states) {
        return states <= 1 << 8 ? 1 : states <= 1 << 16 ? 2 : 4;
    }

    private static int placeInOrder(MirFn fn, java.util.Collection<Local> locals, int offset, List<StateMachine.Slot> out) {
        for (Local local : locals) {
            Type t = fn.typeOf(local);
            offset = alignUp(offset, t.align());
            out.add(slot(fn, local, offset));
            offset += t.size();
        }
        return offset;
    }

    private static StateMachine.Slot slot(MirFn fn, Local l, int offset) {
        return new StateMachine.Slot(l, fn.decl(l).name(), fn.typeOf(l), offset);
    }

    private static void addFixedStates(List<StateMachine.State> states, int returned, int panicked) {
        states.add(new StateMachine.State(returned, StateMachine.Kind.RETURNED, "Returned", List.of(), null, null));
        if (panicked >= 0) states.add(new StateMachine.State(panicked, StateMachine.Kind.PANICKED, "Panicked", List.of(), null, null));
    }

    static int awaiteeSize(Callee callee, Map<String, StateMachine> machines) {
        if (callee instanceof Callee.Builtin b) return b.stateSize;
        if (callee instanceof Callee.Channel c) return c.stateSize();
        if (callee instanceof Callee.Lock) return Callee.Lock.STATE_SIZE;
        if (callee instanceof Callee.Function f) return machines.get(f.name()).size();
        throw new IllegalStateException("unhandled callee " + callee.getClass().getSimpleName());
    }

    static int awaiteeAlign(Callee callee, Map<String, StateMachine> machines) {
        if (callee instanceof Callee.Builtin b) return b.stateAlign;
        if (callee instanceof Callee.Channel c) return c.stateAlign();
        if (callee instanceof Callee.Lock) return Callee.Lock.STATE_ALIGN;
        if (callee instanceof Callee.Function f) return machines.get(f.name()).align();
        throw new IllegalStateException("unhandled callee " + callee.getClass().getSimpleName());
    }

    static int alignUp(int value, int align) {
        return (value + align - 1) / align * align;
    }
}

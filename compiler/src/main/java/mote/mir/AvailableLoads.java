package mote.mir;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mote.types.Type;

/**
 * Which loads read a value some local already holds: {@code _27 = copy (*_5).1} after
 * {@code _25 = copy _3.1} with {@code _5 = &mut _3} in between and nothing that may write
 * {@code _3.1} on any path. {@link ValueRanges} then gives the second load what the first's
 * local is known to be, so a bound tested on one read of a field (`if line.len < 24`) holds
 * for the next read (`line.buf[line.len] = b`).
 *
 * A forward must-analysis over places, normalized through the references a fn takes of its own
 * locals. Conservative by construction: any call, spawn, channel operation, static or register
 * write, unlock, critical-section exit or suspension forgets everything (other code runs
 * there); a store forgets every place it may overlap (the same local, unless the paths part at
 * two different fields or constant indexes; through a reference, any place whose type
 * overlaps the stored one); assigning a local forgets the places whose path uses it. A place an
 * interrupt handler may write between two reads (its type overlaps one a handler writes, or it
 * is reached through a reference, which may point to a static) is never taken as unchanged, in
 * programs with handlers.
 */
public final class AvailableLoads {
    private final MirFn fn;
    private final Set<Type> handlerWrites;
    private final boolean localsReachable;   // a static holds a reference: a handler may reach a task's locals
    private final Map<Long, Local> holders = new HashMap<>();   // (block << 32 | statement) -> local holding the loaded value
    private final java.util.SortedSet<Local> borrowed;   // written through references too: never a holder, an index or a known reference
    // A reference into a data enum's payload exists in the program: memory of one type may be
    // written as another (the next variant's), so types say nothing about what a store reaches.
    private final boolean payloadReferences;

    /**
     * For the analysis by cases ({@link ValueRanges#computeByCases}): what a local that is
     * never borrowed holds of its own storage survives calls and the rest (no other code can
     * reach such a local), and a local copied whole holds what its source held.
     */
    private final boolean byCases;
    /** By cases: the edges a first analysis of the fn found may be taken (null: all); loads along the others do not count. */
    private final java.util.function.BiPredicate<Integer, Integer> mayTake;

    private AvailableLoads(MirFn fn, Set<Type> handlerWrites, boolean localsReachable, boolean payloadReferences) {
        this(fn, handlerWrites, localsReachable, payloadReferences, false, null);
    }

    private AvailableLoads(MirFn fn, Set<Type> handlerWrites, boolean localsReachable, boolean payloadReferences, boolean byCases,
                           java.util.function.BiPredicate<Integer, Integer> mayTake) {
        this.fn = fn;
        this.byCases = byCases;
        this.mayTake = mayTake;
        this.payloadReferences = payloadReferences;
        this.borrowed = BorrowedLocals.of(fn);
        this.handlerWrites = handlerWrites;
        this.localsReachable = localsReachable;
    }

    /**
     * {@code handlerWrites}: the types of what interrupt handlers (and the fns they call) write;
     * {@code localsReachable}: whether some static holds a reference, through which a handler
     * could write a task's local; {@code payloadReferences}: whether the program takes a
     * reference into a data enum's payload.
     */
    public static AvailableLoads of(MirFn fn, Set<Type> handlerWrites, boolean localsReachable, boolean payloadReferences) {
        AvailableLoads a = new AvailableLoads(fn, handlerWrites, localsReachable, payloadReferences);
        a.solve();
        return a;
    }

    /**
     * As {@link #of}, for the analysis by cases (see {@link #byCases}); {@code mayTake}, when
     * not null, says which edges (from block, to block) executions may take: the others bring
     * nothing to the blocks they enter.
     */
    public static AvailableLoads byCases(MirFn fn, Set<Type> handlerWrites, boolean localsReachable, boolean payloadReferences,
                                         java.util.function.BiPredicate<Integer, Integer> mayTake) {
        AvailableLoads a = new AvailableLoads(fn, handlerWrites, localsReachable, payloadReferences, true, mayTake);
        a.solve();
        return a;
    }

    /** The local that already holds what statement {@code index} of block {@code b} loads, or null. */
    public Local holder(BlockId b, int index) {
        return holders.get((long) b.index() << 32 | index);
    }

    /**
     * A place, by where its storage is: inside a local's own ({@code root} a Local) or a
     * static's ({@code root} its name: every reference to it taken in the fn reads the same
     * memory), {@code direct}; or reached through a reference of unknown target ({@code root}
     * the reference's Local, or a path with a Deref after the root's storage).
     */
    private record Key(Object root, List<Place.Projection> path, boolean direct, Type type, Type rootType) {}

    /** What is known at a point: places whose value a local holds, and where reference locals point. */
    private record State(Map<Key, Local> loads, Map<Local, Key> targets) {
        State copy() { return new State(new HashMap<>(loads), new HashMap<>(targets)); }
        static State empty() { return new State(new HashMap<>(), new HashMap<>()); }
        State meet(State o) {
            Map<Key, Local> l = new HashMap<>();
            for (var e : loads.entrySet()) if (e.getValue().equals(o.loads.get(e.getKey()))) l.put(e.getKey(), e.getValue());
            Map<Local, Key> t = new HashMap<>();
            for (var e : targets.entrySet()) if (e.getValue().equals(o.targets.get(e.getKey()))) t.put(e.getKey(), e.getValue());
            return new State(l, t);
        }
    }

    private void solve() {
        int n = fn.blocks().size();
        State[] in = new State[n];
        in[0] = State.empty();
        Deque<Integer> work = new ArrayDeque<>(List.of(0));
        boolean[] queued = new boolean[n];
        queued[0] = true;
        while (!work.isEmpty()) {
            int i = work.poll();
            queued[i] = false;
            State s = transfer(i, in[i].copy(), false);
            Terminator t = fn.blocks().get(i).terminator();
            // Only branches keep what is known; anything else runs other code before its successors.
            boolean keeps = t instanceof Terminator.Goto || t instanceof Terminator.If
                    || t instanceof Terminator.Switch || t instanceof Terminator.Assert;
            for (BlockId succ : t.successors()) {
                int j = succ.index();
                if (mayTake != null && !mayTake.test(i, j)) continue;
                State edge = keeps ? s : State.empty();
                State merged = in[j] == null ? edge.copy() : in[j].meet(edge);
                if (in[j] == null || !merged.equals(in[j])) {
                    in[j] = merged;
                    if (!queued[j]) { queued[j] = true; work.add(j); }
                }
            }
        }
        for (int i = 0; i < n; i++) if (in[i] != null) transfer(i, in[i].copy(), true);
    }

    private State transfer(int block, State s, boolean record) {
        List<Statement> ss = fn.blocks().get(block).statements();
        for (int k = 0; k < ss.size(); k++) {
            Statement st = ss.get(k);
            if (st instanceof Statement.Assign a) {
                Key loaded = a.value() instanceof Rvalue.Load ld ? key(ld.place(), s) : null;
                if (loaded != null && record) {
                    Local h = s.loads.get(loaded);
                    if (h != null) holders.put((long) block << 32 | k, h);
                }
                if (!keepsMemory(a.value())) forgetMemory(s);
                forgetLocal(s, a.dest());
                if (borrowed.contains(a.dest())) {
                    // A borrowed local assigned whole: what references into it read changes too.
                    Type type = fn.typeOf(a.dest());
                    stored(s, new Key(a.dest(), List.of(), true, type, type));
                }
                if (loaded != null && usable(loaded, a.dest())) s.loads.putIfAbsent(loaded, a.dest());
                if (byCases && a.value() instanceof Rvalue.Use u && u.operand() instanceof Operand.Copy src) copiedWhole(s, src.local(), a.dest());
                Key target = a.value() instanceof Rvalue.AddressOf ref && ref.place().isInsideLocal(fn) ? key(ref.place(), s)
                        : a.value() instanceof Rvalue.StaticAddr sa ? new Key(sa.name(), List.of(), true, sa.type(), sa.type()) : null;
                if (target != null && !borrowed.contains(a.dest()) && target.path().stream().allMatch(p -> p instanceof Place.Projection.Field))
                    s.targets.put(a.dest(), target);
            } else if (st instanceof Statement.Store store) {
                Key p = key(store.place(), s);
                stored(s, p);
                // The value stored is what the next load of the place reads.
                if (store.value() instanceof Operand.Copy c && usable(p, c.local())) s.loads.put(p, c.local());
            } else if (st instanceof Statement.WriteStatic w) {
                Type type = fn.typeOf(w.value());
                stored(s, new Key(w.name(), List.of(), true, type, type));
            } else if (!(st instanceof Statement.Line || st instanceof Statement.Print)) {
                forgetMemory(s);   // a register write (which may set an interrupt pending), an unlock, a critical section's end, a channel set-up
                if (st instanceof Statement.InitChannel ic) s.loads.keySet().removeIf(known -> uses(known, ic.local()));   // set up in the local's own storage
            }
        }
        return s;
    }

    /**
     * Other code runs (a call, a register write...): forget what it may change, everything but,
     * by cases, what never-borrowed locals hold of their own storage.
     */
    private void forgetMemory(State s) {
        if (!byCases) { s.loads.clear(); return; }
        s.loads.entrySet().removeIf(e -> !ownStorage(e.getKey()) || borrowed.contains(e.getValue()));
    }

    /** A place inside a never-borrowed local's own storage, its indexes constants: only assignments of the fn change it. */
    private boolean ownStorage(Key k) {
        return k.direct() && k.root() instanceof Local r && !borrowed.contains(r)
                && k.path().stream().allMatch(p -> p instanceof Place.Projection.Field
                        || p instanceof Place.Projection.Index ix && ix.index() instanceof Operand.Const);
    }

    /** By cases: {@code dest = src}, both never borrowed: what held a place of {@code src} holds it of {@code dest}. */
    private void copiedWhole(State s, Local src, Local dest) {
        if (src.equals(dest) || borrowed.contains(src) || borrowed.contains(dest) || !fn.typeOf(src).equals(fn.typeOf(dest))) return;
        Map<Key, Local> copies = new HashMap<>();
        for (var e : s.loads.entrySet()) {
            Key k = e.getKey();
            if (!k.root().equals(src) || !ownStorage(k)) continue;
            Key copy = new Key(dest, k.path(), true, k.type(), fn.typeOf(dest));
            if (!e.getValue().equals(dest) && usable(copy, e.getValue())) copies.put(copy, e.getValue());
        }
        s.loads.putAll(copies);
    }

    /**
     * Whether {@code holder} can stand for the place from now on: a local only assignments
     * change (not borrowed), not used by the place's own path, whose index locals only
     * assignments change too, and which no interrupt handler changes between two reads.
     */
    private boolean usable(Key k, Local holder) {
        if (borrowed.contains(holder) || uses(k, holder) || !trusted(k)) return false;
        for (Place.Projection pr : k.path())
            if (pr instanceof Place.Projection.Index ix && ix.index() instanceof Operand.Copy c && borrowed.contains(c.local())) return false;
        return !(k.root() instanceof Local r && !k.direct() && borrowed.contains(r));
    }

    /**
     * A store to {@code place}: forget what it may overlap and, when what it stores holds a
     * reference, every place reached through one (a pointer a path goes through may have changed).
     */
    private void stored(State s, Key place) {
        s.loads.keySet().removeIf(known -> mayOverlap(known, place));
        if (holdsReference(place.type())) forgetThroughReferences(s);
    }

    /** A store of a reference: forget every place reached through one, and where references point. */
    private static void forgetThroughReferences(State s) {
        s.loads.keySet().removeIf(k -> !k.direct());
        s.targets.clear();
    }

    /** Whether a value of type {@code t} holds a reference (a store of it may change where one points). */
    private static boolean holdsReference(Type t) {
        return holdsReference(t, new HashSet<>());
    }

    private static boolean holdsReference(Type t, Set<Type> seen) {
        if (t instanceof Type.Ref || t instanceof Type.Slice) return true;
        if (!seen.add(t)) return false;
        for (Type p : Type.inside(t)) if (holdsReference(p, seen)) return true;
        return false;
    }

    /** {@code l} is assigned: forget the places whose path uses it, what it held, and where it pointed. */
    private void forgetLocal(State s, Local l) {
        s.loads.entrySet().removeIf(e -> e.getValue().equals(l) || uses(e.getKey(), l));
        s.targets.remove(l);
        s.targets.values().removeIf(k -> uses(k, l));
    }

    /** Rvalues that write no memory and run no other code. */
    private static boolean keepsMemory(Rvalue v) {
        return v instanceof Rvalue.Use || v instanceof Rvalue.Binary || v instanceof Rvalue.Unary || v instanceof Rvalue.Cast
                || v instanceof Rvalue.ReadStatic || v instanceof Rvalue.Load || v instanceof Rvalue.AddressOf
                || v instanceof Rvalue.StaticAddr || v instanceof Rvalue.Aggregate || v instanceof Rvalue.Variant
                || v instanceof Rvalue.Discriminant || v instanceof Rvalue.Repeat || v instanceof Rvalue.Str
                || v instanceof Rvalue.Overflows || v instanceof Rvalue.Ticks;
    }

    /** The place's key: through a reference to a known place, that place. */
    private Key key(Place p, State s) {
        Type type = p.type(fn);
        List<Place.Projection> ps = p.projections();
        if (!ps.isEmpty() && ps.get(0) instanceof Place.Projection.Deref) {
            Key target = s.targets.get(p.local());
            if (target != null) {
                List<Place.Projection> out = new ArrayList<>(target.path());
                out.addAll(ps.subList(1, ps.size()));
                Type pointee = ((Type.Ref) fn.typeOf(p.local())).target();
                return new Key(target.root(), out, target.direct() && Place.staysInside(pointee, ps.subList(1, ps.size())), type, target.rootType());
            }
        }
        return new Key(p.local(), ps, Place.staysInside(fn.typeOf(p.local()), ps), type, fn.typeOf(p.local()));
    }

    /** Whether the key's path reads local {@code l} (its root or an index). */
    private static boolean uses(Key k, Local l) {
        if (k.root().equals(l)) return true;
        for (Place.Projection pr : k.path())
            if (pr instanceof Place.Projection.Index ix && ix.index() instanceof Operand.Copy c && c.local().equals(l)) return true;
        return false;
    }

    /** Whether no interrupt handler can change the place between two reads in one poll. */
    private boolean trusted(Key k) {
        if (handlerWrites.isEmpty()) return true;
        if (k.direct() && k.root() instanceof Local && !localsReachable) return true;   // a local's own storage: no handler sees it
        if (payloadReferences) return false;   // a handler's store of any type may reach it
        for (Type w : handlerWrites) if (overlaps(w, k.type())) return false;
        return true;
    }

    /** Whether a store to {@code stored} may change what {@code known} holds. */
    private boolean mayOverlap(Key known, Key stored) {
        if (known.root().equals(stored.root()) && known.direct() == stored.direct()) {
            // The same storage up to where the paths part; apart after it when they part at two
            // fields or two constant indexes and neither goes on through a pointer (past one,
            // two paths may meet again: `t.a[0]` and `t.b[0]` with both slices of one array).
            List<Place.Projection> a = known.path(), b = stored.path();
            Type t = known.rootType();
            for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
                Place.Projection x = a.get(i), y = b.get(i);
                if (x.equals(y)) { t = Place.step(t, x); continue; }
                boolean parted = x instanceof Place.Projection.Field f && y instanceof Place.Projection.Field g && f.index() != g.index()
                        || x instanceof Place.Projection.Index ix && y instanceof Place.Projection.Index iy
                           && ix.index() instanceof Operand.Const cx && iy.index() instanceof Operand.Const cy && cx.bits() != cy.bits();
                return !(parted && Place.staysInside(Place.step(t, x), a.subList(i + 1, a.size())) && Place.staysInside(Place.step(t, y), b.subList(i + 1, b.size())));
            }
            return true;
        }
        if (known.direct() && stored.direct()) return false;   // two pieces of storage known apart: locals' own, statics
        return payloadReferences || overlaps(stored.type(), known.type());
    }

    /** Whether memory holding an {@code a} may hold a {@code b}, or the reverse. */
    public static boolean overlaps(Type a, Type b) {
        return a.equals(b) || contains(a, b, new HashSet<>()) || contains(b, a, new HashSet<>());
    }

    private static boolean contains(Type outer, Type inner, Set<Type> seen) {
        if (!seen.add(outer)) return false;
        for (Type p : Type.inside(outer)) if (p.equals(inner) || contains(p, inner, seen)) return true;
        return false;
    }
}

package mote.opt;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mote.mir.BasicBlock;
import mote.mir.BorrowedLocals;
import mote.mir.Liveness;
import mote.mir.Local;
import mote.mir.MirFn;
import mote.mir.MirProgram;
import mote.mir.Operand;
import mote.mir.Place;
import mote.mir.Rvalue;
import mote.mir.Statement;
import mote.mir.Terminator;
import mote.types.Type;

/**
 * A reference the async fn can compute again at any point, because nothing it does changes it,
 * is computed again where it is read instead of being saved across an await: the address of
 * one of the fn's own borrowed locals (or of a field or constant element of one: a borrowed
 * local stays in the state object for the whole call, so its address is fixed), or of a static,
 * or a string literal.
 * `read_line(&mut line).await`, inlined, no longer saves `&mut line` beside `line` itself; a
 * method inlined into a loop no longer saves its `self`. One add instead of a store and a load,
 * and the state loses the word where it was the largest.
 *
 * <p>A candidate has one definition, `l = &place`, `l = &STATIC` or `l = "..."` (or a reborrow or copy of
 * another candidate), and is not a parameter, the result, borrowed, or an await's or a join's
 * bookkeeping. Each block that reads it without defining it first gets the definition again,
 * just before the first read; a value defined in the same block is never live across an await
 * (an await ends its block), so nothing saves it.
 *
 * <p>Part of overlap-layout, not in debug builds (a debugger reads the variable where the
 * baseline keeps it); the baseline saves every reference, as rustc's generators do.
 */
public final class Rematerialize {
    private Rematerialize() {}

    public static boolean applies(Set<Optimization> opts, boolean debug) {
        return CopyPropagation.applies(opts, debug);
    }

    public static MirProgram run(MirProgram program, Set<Optimization> opts, boolean debug) {
        if (!applies(opts, debug)) return program;
        List<MirFn> out = new ArrayList<>();
        for (MirFn f : program.functions()) out.add(f.isAsync() ? rewrite(f) : f);
        return program.withFunctions(out);
    }

    static MirFn rewrite(MirFn fn) {
        Map<Local, Statement.Assign> candidates = candidates(fn);
        if (candidates.isEmpty()) return fn;
        // Only what a suspension saves, and what that reads: elsewhere the address is computed
        // once already, and a copy of it in each block would only give LLVM more to clean up.
        BitSet saved = savedAcrossSuspensions(fn);
        Set<Local> needed = new HashSet<>();
        for (Local l : candidates.keySet()) if (saved.get(l.index())) need(l, candidates, needed);
        candidates.keySet().retainAll(needed);
        if (candidates.isEmpty()) return fn;
        List<BasicBlock> blocks = new ArrayList<>(fn.blocks().size());
        boolean changed = false;
        for (BasicBlock b : fn.blocks()) {
            Set<Local> defined = new HashSet<>();
            List<Statement> stmts = new ArrayList<>(b.statements().size());
            for (Statement s : b.statements()) {
                for (Local l : MirEdit.reads(s)) changed |= define(l, candidates, defined, stmts);
                if (s instanceof Statement.Assign a && candidates.containsKey(a.dest())) defined.add(a.dest());
                stmts.add(s);
            }
            for (Local l : MirEdit.reads(b.terminator())) changed |= define(l, candidates, defined, stmts);
            blocks.add(new BasicBlock(stmts, b.terminator()));
        }
        if (!changed) return fn;
        return new MirFn(fn.name(), fn.isAsync(), fn.params(), fn.returnLocal(), fn.returnType(), fn.locals(), blocks, fn.span(), fn.interrupt());
    }

    private static void need(Local l, Map<Local, Statement.Assign> candidates, Set<Local> needed) {
        if (!candidates.containsKey(l) || !needed.add(l)) return;
        for (Local r : MirEdit.reads(candidates.get(l))) need(r, candidates, needed);
    }

    /** The locals live into the block an await or a join/race suspension resumes at. */
    private static BitSet savedAcrossSuspensions(MirFn fn) {
        Liveness live = Liveness.compute(fn);
        BitSet out = new BitSet();
        for (BasicBlock b : fn.blocks()) {
            if (b.terminator() instanceof Terminator.Await a) out.or(live.acrossAwait(a));
            if (b.terminator() instanceof Terminator.Suspend su) out.or(live.liveIn(su.resume()));
        }
        return out;
    }

    /** Appends {@code l}'s definition unless this block defined it already; first those of the candidates it reads. */
    private static boolean define(Local l, Map<Local, Statement.Assign> candidates, Set<Local> defined, List<Statement> stmts) {
        Statement.Assign def = candidates.get(l);
        if (def == null || !defined.add(l)) return false;
        for (Local r : MirEdit.reads(def)) define(r, candidates, defined, stmts);
        stmts.add(def);
        return true;
    }

    /** The locals with one definition whose value is an address fixed for the whole call. */
    private static Map<Local, Statement.Assign> candidates(MirFn fn) {
        Map<Local, Integer> writes = new HashMap<>();
        Map<Local, Statement.Assign> single = new HashMap<>();
        Set<Local> excluded = new HashSet<>(BorrowedLocals.of(fn));
        excluded.add(fn.returnLocal());
        excluded.addAll(fn.params());
        for (BasicBlock b : fn.blocks()) {
            for (Statement s : b.statements()) {
                for (Local w : CopyPropagation.writes(s)) writes.merge(w, 1, Integer::sum);
                if (s instanceof Statement.Assign a && (a.value() instanceof Rvalue.StaticAddr || a.value() instanceof Rvalue.AddressOf
                        || a.value() instanceof Rvalue.Str
                        || a.value() instanceof Rvalue.Use u && u.operand() instanceof Operand.Copy))
                    single.put(a.dest(), a);
            }
            excluded.addAll(CopyPropagation.bookkeeping(b.terminator()));
        }
        // A string literal's slice (or a copy of one) is the one aggregate here: a constant
        // pointer and length. A copy only becomes a candidate below if its source is one.
        single.entrySet().removeIf(e -> writes.getOrDefault(e.getKey(), 0) != 1 || excluded.contains(e.getKey())
                || Type.isAggregate(fn.typeOf(e.getKey())) && !(e.getValue().value() instanceof Rvalue.Str || e.getValue().value() instanceof Rvalue.Use));
        if (single.isEmpty()) return Map.of();
        // A reborrow or a copy of a candidate, `&mut (*t).f`, is one too: rounds until none is added.
        Map<Local, Statement.Assign> out = new HashMap<>();
        boolean added = true;
        while (added) {
            added = false;
            for (var e : single.entrySet())
                if (!out.containsKey(e.getKey()) && fixedAddress(fn, e.getValue().value(), out.keySet())) {
                    out.put(e.getKey(), e.getValue());
                    added = true;
                }
        }
        return out;
    }

    /**
     * `&STATIC` or a string literal; `&place` where the place lies inside a local's own storage (pinned in the state:
     * it is borrowed); `&(*t)...` where {@code t} is such an address itself, at a constant offset
     * from there (fields and constant indices only); or a copy of {@code t}.
     */
    private static boolean fixedAddress(MirFn fn, Rvalue r, Set<Local> fixed) {
        if (r instanceof Rvalue.StaticAddr || r instanceof Rvalue.Str) return true;
        if (r instanceof Rvalue.Use u) return u.operand() instanceof Operand.Copy c && fixed.contains(c.local());
        if (!(r instanceof Rvalue.AddressOf a)) return false;
        List<Place.Projection> path = a.place().projections();
        boolean throughFixed = !path.isEmpty() && path.get(0) instanceof Place.Projection.Deref && fixed.contains(a.place().local());
        if (throughFixed) path = path.subList(1, path.size());
        else if (!a.place().isInsideLocal(fn)) return false;
        for (Place.Projection p : path)
            if (p instanceof Place.Projection.Deref || p instanceof Place.Projection.Index i && !(i.index() instanceof Operand.Const)) return false;
        return true;
    }

}

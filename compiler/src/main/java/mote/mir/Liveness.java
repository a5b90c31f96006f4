package mote.mir;

import java.util.BitSet;
import java.util.List;

/**
 * Backward liveness of locals over a MIR function. Async lowering saves exactly the locals
 * live into an Await's resume block (minus the await's own result), and the Mutexes held
 * there ({@link #acrossAwait}): those are the values that must survive the suspension.
 */
public final class Liveness {
    private final MirFn fn;
    private final BitSet[] liveIn;
    private final BitSet[] liveOut;

    private Liveness(MirFn fn) {
        this.fn = fn;
        int n = fn.blocks().size();
        liveIn = new BitSet[n];
        liveOut = new BitSet[n];
        for (int i = 0; i < n; i++) { liveIn[i] = new BitSet(); liveOut[i] = new BitSet(); }
    }

    public static Liveness compute(MirFn fn) {
        Liveness l = new Liveness(fn);
        l.solve();
        return l;
    }

    public BitSet liveIn(BlockId b) { return (BitSet) liveIn[b.index()].clone(); }

    /**
     * What a state suspended at {@code a} keeps: the locals live into its resume block (but
     * its result), and the Mutexes held there, which a cancel releases even where the code
     * after the await never gets to its unlock (a `lock` block that loops forever).
     */
    public BitSet acrossAwait(Terminator.Await a) {
        BitSet live = liveIn(a.resume());
        live.clear(a.dest().index());
        for (Local h : a.held()) live.set(h.index());
        return live;
    }
    public BitSet liveOut(BlockId b) { return (BitSet) liveOut[b.index()].clone(); }

    private void solve() {
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int i = fn.blocks().size() - 1; i >= 0; i--) {
                BasicBlock b = fn.blocks().get(i);
                BitSet out = new BitSet();
                if (b.terminator() instanceof Terminator.PollChild pc) {
                    // The result is defined on the ready edge only.
                    BitSet ready = (BitSet) liveIn[pc.ready().index()].clone();
                    ready.clear(pc.dest().index());
                    out.or(ready);
                    out.or(liveIn[pc.pending().index()]);
                } else {
                    for (BlockId s : b.terminator().successors()) out.or(liveIn[s.index()]);
                }
                if (b.terminator() instanceof Terminator.Await a) {
                    out.clear(a.dest().index());
                    for (Local h : a.held()) out.set(h.index());   // a cancel here releases them
                }
                if (b.terminator() instanceof Terminator.Return) out.set(fn.returnLocal().index());
                if (b.terminator() instanceof Terminator.Suspend su) {
                    // Cancelling the fn while it waits here reads where each child is.
                    for (Terminator.ChildWait w : su.waits()) {
                        out.set(w.started().index());
                        out.set(w.done().index());
                        out.set(w.pc().index());
                        for (Local h : w.allHeld()) out.set(h.index());
                    }
                    for (Local h : su.held()) out.set(h.index());
                }
                BitSet in = (BitSet) out.clone();
                transferTerminator(b.terminator(), in);
                List<Statement> stmts = b.statements();
                for (int k = stmts.size() - 1; k >= 0; k--) transfer(stmts.get(k), in);
                if (!out.equals(liveOut[i]) || !in.equals(liveIn[i])) {
                    liveOut[i] = out;
                    liveIn[i] = in;
                    changed = true;
                }
            }
        }
    }

    // Each dispatch below names every kind of its sealed family and throws on any other: a new
    // kind that reads a local must say so here, or it would not be saved across an await
    // (MirWalkersTest drives every kind through these).

    private static void use(Operand op, BitSet live) {
        if (op instanceof Operand.Copy c) live.set(c.local().index());
        else if (!(op instanceof Operand.Const)) throw new IllegalStateException("unhandled operand " + op.getClass().getSimpleName());
    }

    private static void transferTerminator(Terminator t, BitSet live) {
        if (t instanceof Terminator.If i) use(i.cond(), live);
        else if (t instanceof Terminator.Switch s) use(s.value(), live);
        else if (t instanceof Terminator.Await a) a.args().forEach(op -> use(op, live));
        else if (t instanceof Terminator.PollChild pc) pc.args().forEach(op -> use(op, live));
        else if (t instanceof Terminator.Assert a) { use(a.cond(), live); usesOf(a.message(), live); }
        else if (t instanceof Terminator.Panic p) usesOf(p.message(), live);
        else if (t instanceof Terminator.Exit e) use(e.code(), live);
        // Return reads the return local and Suspend its children's flags: both are live out of
        // the block (solve), where async lowering looks for them. The others read nothing.
        else if (!(t instanceof Terminator.Goto || t instanceof Terminator.Return || t instanceof Terminator.Unreachable
                || t instanceof Terminator.Suspend || t instanceof Terminator.CancelChild))
            throw new IllegalStateException("unhandled terminator " + t.getClass().getSimpleName());
    }

    private static void usesOf(List<PrintItem> items, BitSet live) {
        for (PrintItem item : items) {
            if (item instanceof PrintItem.Value v) use(v.value(), live);
            else if (!(item instanceof PrintItem.Text)) throw new IllegalStateException("unhandled print item " + item.getClass().getSimpleName());
        }
    }

    private static void transfer(Statement s, BitSet live) {
        if (s instanceof Statement.Assign a) {
            live.clear(a.dest().index());
            usesOf(a.value(), live);
        } else if (s instanceof Statement.WriteStatic w) {
            use(w.value(), live);
        } else if (s instanceof Statement.Print p) {
            usesOf(p.items(), live);
        } else if (s instanceof Statement.Store st) {
            // A write to part of a local (or through it) reads the rest: never a kill.
            usesOf(st.place(), live);
            use(st.value(), live);
        } else if (s instanceof Statement.WriteRegister w) {
            use(w.value(), live);
        } else if (s instanceof Statement.CriticalExit c) {
            use(c.saved(), live);
        } else if (s instanceof Statement.Unlock u) {
            use(u.mutex(), live);
        } else if (s instanceof Statement.InitChannel ic) {
            live.clear(ic.local().index());
        } else if (!(s instanceof Statement.Line)) {
            throw new IllegalStateException("unhandled statement " + s.getClass().getSimpleName());
        }
    }

    static void usesOf(Place p, BitSet live) {
        live.set(p.local().index());
        for (Place.Projection pr : p.projections()) {
            if (pr instanceof Place.Projection.Index i) use(i.index(), live);
            else if (!(pr instanceof Place.Projection.Field || pr instanceof Place.Projection.Deref || pr instanceof Place.Projection.VariantField))
                throw new IllegalStateException("unhandled projection " + pr.getClass().getSimpleName());
        }
    }

    static void usesOf(Rvalue r, BitSet live) {
        if (r instanceof Rvalue.Use u) use(u.operand(), live);
        else if (r instanceof Rvalue.Binary b) { use(b.left(), live); use(b.right(), live); }
        else if (r instanceof Rvalue.Unary u) use(u.operand(), live);
        else if (r instanceof Rvalue.Cast c) use(c.operand(), live);
        else if (r instanceof Rvalue.Call c) c.args().forEach(op -> use(op, live));
        else if (r instanceof Rvalue.Load l) usesOf(l.place(), live);
        else if (r instanceof Rvalue.AddressOf a) usesOf(a.place(), live);
        else if (r instanceof Rvalue.Aggregate a) a.operands().forEach(op -> use(op, live));
        else if (r instanceof Rvalue.Variant v) v.operands().forEach(op -> use(op, live));
        else if (r instanceof Rvalue.Discriminant d) usesOf(d.place(), live);
        else if (r instanceof Rvalue.Repeat rp) use(rp.value(), live);
        else if (r instanceof Rvalue.Overflows o) { use(o.left(), live); use(o.right(), live); }
        else if (r instanceof Rvalue.Spawn sp) sp.args().forEach(op -> use(op, live));
        else if (r instanceof Rvalue.ChannelOp c) c.args().forEach(op -> use(op, live));
        else if (!(r instanceof Rvalue.ReadStatic || r instanceof Rvalue.StaticAddr || r instanceof Rvalue.Str
                || r instanceof Rvalue.ReadRegister || r instanceof Rvalue.CriticalEnter || r instanceof Rvalue.Ticks))
            throw new IllegalStateException("unhandled rvalue " + r.getClass().getSimpleName());
    }
}

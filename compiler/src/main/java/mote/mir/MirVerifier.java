package mote.mir;

import java.util.List;
import mote.types.Type;

/**
 * Checks MIR invariants between passes (QBE's ssacheck, Cranelift's verifier): every jump
 * targets an existing block, every local used exists, operand types agree where the IR
 * requires it, and async-only terminators appear only in async fns. A failure is a bug in the
 * pass that ran last.
 */
public final class MirVerifier {
    private MirVerifier() {}

    public static void verify(MirProgram program) {
        for (MirFn f : program.functions()) verify(f);
    }

    public static void verify(MirFn f) {
        int blocks = f.blocks().size();
        if (blocks == 0) fail(f, "has no blocks");
        verifyChildren(f);
        for (int i = 0; i < blocks; i++) {
            BasicBlock b = f.blocks().get(i);
            for (Statement s : b.statements()) {
                if (s instanceof Statement.Assign a) {
                    local(f, a.dest(), i);
                    rvalue(f, a.value(), i);
                    if (a.value() instanceof Rvalue.Use u && !(f.typeOf(u.operand()) instanceof Type.Never)
                            && !assignable(f.typeOf(a.dest()), f.typeOf(u.operand())) && !(f.typeOf(a.dest()) instanceof Type.Never))
                        fail(f, "bb" + i + ": assigns " + f.typeOf(u.operand()) + " to " + a.dest() + ": " + f.typeOf(a.dest()));
                } else if (s instanceof Statement.WriteStatic w) {
                    operand(f, w.value(), i);
                } else if (s instanceof Statement.Print p) {
                    items(f, p.items(), i);
                } else if (s instanceof Statement.Store st) {
                    Type pt = place(f, st.place(), i);
                    operand(f, st.value(), i);
                    if (!(f.typeOf(st.value()) instanceof Type.Never) && !assignable(pt, f.typeOf(st.value())))
                        fail(f, "bb" + i + ": stores " + f.typeOf(st.value()) + " into " + st.place() + ": " + pt);
                } else if (s instanceof Statement.WriteRegister w) {
                    operand(f, w.value(), i);
                } else if (s instanceof Statement.CriticalExit c) {
                    operand(f, c.saved(), i);
                } else if (s instanceof Statement.Unlock u) {
                    operand(f, u.mutex(), i);
                    if (!(f.typeOf(u.mutex()) instanceof Type.Ref r && r.target() instanceof Type.Mutex))
                        fail(f, "bb" + i + ": unlock of " + f.typeOf(u.mutex()));
                } else if (s instanceof Statement.InitChannel ic) {
                    local(f, ic.local(), i);
                    if (!Type.containsChannel(f.typeOf(ic.local()))) fail(f, "bb" + i + ": init_channel of " + f.typeOf(ic.local()));
                } else if (!(s instanceof Statement.Line)) {
                    throw unhandled(s);
                }
            }
            Terminator t = b.terminator();
            if (t == null) fail(f, "bb" + i + " has no terminator");
            for (BlockId s : t.successors())
                if (s.index() < 0 || s.index() >= blocks) fail(f, "bb" + i + " jumps to missing " + s);
            if (t instanceof Terminator.Await a) {
                if (!f.isAsync()) fail(f, "bb" + i + ": await in a sync fn");
                local(f, a.dest(), i);
                for (Operand op : a.args()) operand(f, op, i);
                for (Local h : a.held()) heldMutex(f, h, i);
            } else if (t instanceof Terminator.If c) {
                operand(f, c.cond(), i);
                if (!(f.typeOf(c.cond()) instanceof Type.Bool)) fail(f, "bb" + i + ": branch on " + f.typeOf(c.cond()));
            } else if (t instanceof Terminator.Switch s) {
                operand(f, s.value(), i);
                if (s.values().size() != s.targets().size()) fail(f, "bb" + i + ": switch values and targets differ in count");
            } else if (t instanceof Terminator.PollChild pc) {
                if (!f.isAsync()) fail(f, "bb" + i + ": poll of a child in a sync fn");
                local(f, pc.dest(), i);
                for (Operand op : pc.args()) operand(f, op, i);
            } else if (t instanceof Terminator.Suspend || t instanceof Terminator.CancelChild) {
                if (!f.isAsync()) fail(f, "bb" + i + ": " + t + " in a sync fn");   // their locals: verifyChildren
                if (t instanceof Terminator.Suspend su) {
                    for (Local h : su.held()) heldMutex(f, h, i);
                    for (Terminator.ChildWait w : su.waits()) {
                        if (w.held().size() != w.sites().size()) fail(f, "bb" + i + ": child" + w.child() + " holds per site " + w.held());
                        for (Local h : w.allHeld()) heldMutex(f, h, i);
                    }
                }
            } else if (t instanceof Terminator.Assert a) {
                operand(f, a.cond(), i);
                items(f, a.message(), i);
            } else if (t instanceof Terminator.Panic p) {
                items(f, p.message(), i);
            } else if (t instanceof Terminator.Exit e) {
                operand(f, e.code(), i);
            } else if (!(t instanceof Terminator.Goto || t instanceof Terminator.Return || t instanceof Terminator.Unreachable)) {
                throw unhandled(t);
            }
        }
    }

    private static void items(MirFn f, List<PrintItem> items, int block) {
        for (PrintItem item : items) {
            if (item instanceof PrintItem.Value v) operand(f, v.value(), block);
            else if (!(item instanceof PrintItem.Text)) throw unhandled(item);
        }
    }

    /**
     * `join`/`race` children: each child slot belongs to exactly one Suspend (one join), and
     * every poll or cancel of a child names one that a Suspend holds (inlining must renumber).
     */
    private static void verifyChildren(MirFn f) {
        java.util.Map<Integer, Integer> owner = new java.util.HashMap<>();
        for (int i = 0; i < f.blocks().size(); i++) {
            if (!(f.blocks().get(i).terminator() instanceof Terminator.Suspend su)) continue;
            for (Terminator.ChildWait w : su.waits()) {
                if (!isLocal(f, w.started()) || !isLocal(f, w.done()) || !isLocal(f, w.pc())
                        || !(f.typeOf(w.started()) instanceof Type.Bool) || !(f.typeOf(w.done()) instanceof Type.Bool)
                        || !(f.typeOf(w.pc()) instanceof Type.Int))
                    fail(f, "bb" + i + ": child" + w.child() + " needs bool started/done and an integer pc");
            }
            for (int c : su.children()) {
                Integer other = owner.put(c, i);
                if (other != null && other != i) fail(f, "child" + c + " belongs to the suspends of bb" + other + " and bb" + i);
            }
        }
        for (int i = 0; i < f.blocks().size(); i++) {
            Terminator t = f.blocks().get(i).terminator();
            int child = t instanceof Terminator.PollChild pc ? pc.child() : t instanceof Terminator.CancelChild cc ? cc.child() : -1;
            if (child >= 0 && !owner.containsKey(child)) fail(f, "bb" + i + " uses child" + child + " that no suspend holds");
        }
    }

    private static void rvalue(MirFn f, Rvalue r, int block) {
        if (r instanceof Rvalue.Use u) operand(f, u.operand(), block);
        else if (r instanceof Rvalue.Binary b) {
            operand(f, b.left(), block);
            operand(f, b.right(), block);
            if (!b.op().isShift() && !f.typeOf(b.left()).equals(f.typeOf(b.right())))
                fail(f, "bb" + block + ": " + b.op() + " on " + f.typeOf(b.left()) + " and " + f.typeOf(b.right()));
        } else if (r instanceof Rvalue.Unary u) operand(f, u.operand(), block);
        else if (r instanceof Rvalue.Cast c) operand(f, c.operand(), block);
        else if (r instanceof Rvalue.Call c) c.args().forEach(op -> operand(f, op, block));
        else if (r instanceof Rvalue.Load l) place(f, l.place(), block);
        else if (r instanceof Rvalue.AddressOf a) place(f, a.place(), block);
        else if (r instanceof Rvalue.Aggregate a) a.operands().forEach(op -> operand(f, op, block));
        else if (r instanceof Rvalue.Variant v) v.operands().forEach(op -> operand(f, op, block));
        else if (r instanceof Rvalue.Discriminant d) {
            if (!(place(f, d.place(), block) instanceof Type.Sum)) fail(f, "bb" + block + ": discriminant of a non-enum " + d.place());
        }
        else if (r instanceof Rvalue.Repeat rp) operand(f, rp.value(), block);
        else if (r instanceof Rvalue.Overflows o) { operand(f, o.left(), block); operand(f, o.right(), block); }
        else if (r instanceof Rvalue.Spawn sp) sp.args().forEach(op -> operand(f, op, block));
        else if (r instanceof Rvalue.ChannelOp c) c.args().forEach(op -> operand(f, op, block));
        else if (!(r instanceof Rvalue.ReadStatic || r instanceof Rvalue.StaticAddr || r instanceof Rvalue.Str
                || r instanceof Rvalue.ReadRegister || r instanceof Rvalue.CriticalEnter || r instanceof Rvalue.Ticks))
            throw unhandled(r);
    }

    /** Checks that every projection fits the type it applies to; returns the place's type. */
    private static Type place(MirFn f, Place p, int block) {
        local(f, p.local(), block);
        Type t = f.typeOf(p.local());
        for (Place.Projection pr : p.projections()) {
            if (pr instanceof Place.Projection.Index ix) operand(f, ix.index(), block);
            boolean ok;
            if (pr instanceof Place.Projection.Deref) ok = t instanceof Type.Ref;
            else if (pr instanceof Place.Projection.Index ix) ok = (t instanceof Type.Array || t instanceof Type.Slice)
                    && f.typeOf(ix.index()) instanceof Type.Int it && !it.signed();
            else if (pr instanceof Place.Projection.VariantField vf) ok = t instanceof Type.Sum s && vf.variant() < s.variants().size()
                    && vf.index() < s.variants().get(vf.variant()).fields().size();
            else if (pr instanceof Place.Projection.Field fd) ok = t instanceof Type.Struct st ? fd.index() < st.fields().size()
                    : t instanceof Type.Tuple tu ? fd.index() < tu.elements().size()
                    : t instanceof Type.Mutex ? fd.index() == 0
                    : t instanceof Type.Slice && fd.index() < 2;
            else throw unhandled(pr);
            if (!ok) fail(f, "bb" + block + ": projection " + pr + " does not apply to " + t + " in " + p);
            t = Place.step(t, pr);
        }
        return t;
    }

    private static void operand(MirFn f, Operand op, int block) {
        if (op instanceof Operand.Copy c) local(f, c.local(), block);
        else if (!(op instanceof Operand.Const)) throw unhandled(op);
    }

    /** A node kind this verifier does not know: every dispatch here names all kinds of its family. */
    private static IllegalStateException unhandled(Object node) {
        return new IllegalStateException("MIR verifier: unhandled " + node.getClass().getSimpleName() + " " + node);
    }

    /** Whether a value of type {@code from} may go where {@code to} is: the same type, or `&mut T` where `&T` is (a shared borrow of the same thing, as the checker allows). */
    static boolean assignable(Type to, Type from) {
        return to.equals(from) || to instanceof Type.Ref r && !r.mutable() && from instanceof Type.Ref m && m.mutable() && m.target().equals(r.target());
    }

    /** A Mutex held at a suspension: a local pointing at one. */
    private static void heldMutex(MirFn f, Local l, int block) {
        local(f, l, block);
        if (!(f.typeOf(l) instanceof Type.Ref r && r.target() instanceof Type.Mutex))
            fail(f, "bb" + block + ": holds " + l + ", which is a " + f.typeOf(l) + ", not a Mutex pointer");
    }

    private static void local(MirFn f, Local l, int block) {
        if (l.index() < 0 || l.index() >= f.locals().size()) fail(f, "bb" + block + " uses missing local " + l);
    }

    private static void fail(MirFn f, String what) {
        throw new IllegalStateException("MIR verifier: fn " + f.name() + " " + what);
    }

    /** For tests: the problems as a list instead of an exception. */
    public static List<String> problems(MirFn f) {
        try {
            verify(f);
            return List.of();
        } catch (IllegalStateException e) {
            return List.of(e.getMessage());
        }
    }

    private static boolean isLocal(MirFn f, Local l) { return l.index() >= 0 && l.index() < f.locals().size(); }
}

package mote.opt;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import mote.mir.BasicBlock;
import mote.mir.BlockId;
import mote.mir.Local;
import mote.mir.LocalDecl;
import mote.mir.MirFn;
import mote.mir.Operand;
import mote.mir.Place;
import mote.mir.PrintItem;
import mote.mir.Rvalue;
import mote.mir.Statement;
import mote.mir.Terminator;

/**
 * A mutable copy of one MIR function for passes that add locals and blocks, and the
 * renaming helpers they share (locals and block ids through a statement or terminator).
 */
final class MirEdit {
    final MirFn original;
    final List<LocalDecl> locals;
    final List<BasicBlock> blocks;

    MirEdit(MirFn fn) {
        original = fn;
        locals = new ArrayList<>(fn.locals());
        blocks = new ArrayList<>(fn.blocks());
    }

    Local addLocal(LocalDecl decl) {
        locals.add(decl);
        return new Local(locals.size() - 1);
    }

    BlockId addBlock(BasicBlock b) {
        blocks.add(b);
        return new BlockId(blocks.size() - 1);
    }

    MirFn finish() {
        return Cleanup.removeUnreachable(new MirFn(original.name(), original.isAsync(), original.params(), original.returnLocal(),
                original.returnType(), locals, blocks, original.span(), original.interrupt()));
    }

    // ---------------------------------------------------------------- renaming

    /**
     * What a rewrite does to the locals a statement or terminator names: each local (a place's
     * root, a destination, a held Mutex) becomes {@link #local}; an operand that copies a local
     * becomes {@link #copy}, by default a copy of the renamed local (copy propagation may give a
     * constant instead).
     */
    @FunctionalInterface
    interface Renaming {
        Local local(Local l);

        default Operand copy(Local l) { return new Operand.Copy(local(l)); }
    }

    // Each dispatch below names every kind of its sealed family and throws on any other, so a
    // new kind that reads a local cannot slip through inlining unrenamed (MirWalkersTest).

    /** {@code program} with every callee of every await, poll, cancel and suspended wait replaced by {@code map}'s. */
    static mote.mir.MirProgram mapCallees(mote.mir.MirProgram program, UnaryOperator<mote.mir.Callee> map) {
        List<MirFn> out = new ArrayList<>();
        for (MirFn f : program.functions()) {
            List<BasicBlock> blocks = new ArrayList<>();
            for (BasicBlock b : f.blocks()) blocks.add(new BasicBlock(b.statements(), mapCallee(b.terminator(), map)));
            out.add(new MirFn(f.name(), f.isAsync(), f.params(), f.returnLocal(), f.returnType(), f.locals(), blocks, f.span(), f.interrupt()));
        }
        return program.withFunctions(out);
    }

    private static Terminator mapCallee(Terminator t, UnaryOperator<mote.mir.Callee> map) {
        if (t instanceof Terminator.Await a)
            return new Terminator.Await(map.apply(a.callee()), a.args(), a.dest(), a.resume(), a.span(), a.held());
        if (t instanceof Terminator.PollChild pc)
            return new Terminator.PollChild(map.apply(pc.callee()), pc.args(), pc.start(), pc.dest(), pc.ready(), pc.pending(), pc.child(), pc.span());
        if (t instanceof Terminator.CancelChild cc)
            return new Terminator.CancelChild(map.apply(cc.callee()), cc.child(), cc.next());
        if (t instanceof Terminator.Suspend s) {
            List<Terminator.ChildWait> waits = new ArrayList<>();
            for (Terminator.ChildWait w : s.waits()) {
                List<mote.mir.Callee> sites = new ArrayList<>();
                for (mote.mir.Callee c : w.sites()) sites.add(c == null ? null : map.apply(c));
                waits.add(new Terminator.ChildWait(w.child(), w.started(), w.done(), w.pc(), sites, w.parent(), w.group(), w.held()));
            }
            return new Terminator.Suspend(s.resume(), waits, s.held());
        }
        return t;
    }

    static Operand mapOperand(Operand op, Renaming locals) {
        if (op instanceof Operand.Copy c) return locals.copy(c.local());
        if (op instanceof Operand.Const) return op;
        throw new IllegalStateException("unhandled operand " + op.getClass().getSimpleName());
    }

    static List<Operand> mapOperands(List<Operand> ops, Renaming locals) {
        return ops.stream().map(o -> mapOperand(o, locals)).toList();
    }

    static List<PrintItem> mapItems(List<PrintItem> items, Renaming locals) {
        return items.stream().map(i -> mapItem(i, locals)).toList();
    }

    static PrintItem mapItem(PrintItem item, Renaming locals) {
        if (item instanceof PrintItem.Value v) return new PrintItem.Value(mapOperand(v.value(), locals), v.type(), v.spec());
        if (item instanceof PrintItem.Text) return item;
        throw new IllegalStateException("unhandled print item " + item.getClass().getSimpleName());
    }

    static Rvalue mapRvalue(Rvalue r, Renaming locals) {
        if (r instanceof Rvalue.Use u) return new Rvalue.Use(mapOperand(u.operand(), locals));
        if (r instanceof Rvalue.Binary b) return new Rvalue.Binary(b.op(), mapOperand(b.left(), locals), mapOperand(b.right(), locals));
        if (r instanceof Rvalue.Unary u) return new Rvalue.Unary(u.op(), mapOperand(u.operand(), locals));
        if (r instanceof Rvalue.Cast c) return new Rvalue.Cast(mapOperand(c.operand(), locals), c.target());
        if (r instanceof Rvalue.Call c) return new Rvalue.Call(c.function(), mapOperands(c.args(), locals));
        if (r instanceof Rvalue.Load l) return new Rvalue.Load(mapPlace(l.place(), locals));
        if (r instanceof Rvalue.AddressOf a) return new Rvalue.AddressOf(a.mutable(), mapPlace(a.place(), locals));
        if (r instanceof Rvalue.Aggregate a) return new Rvalue.Aggregate(a.type(), mapOperands(a.operands(), locals));
        if (r instanceof Rvalue.Variant v) return new Rvalue.Variant(v.type(), v.variant(), mapOperands(v.operands(), locals));
        if (r instanceof Rvalue.Discriminant d) return new Rvalue.Discriminant(mapPlace(d.place(), locals));
        if (r instanceof Rvalue.Repeat rep) return new Rvalue.Repeat(mapOperand(rep.value(), locals), rep.count());
        if (r instanceof Rvalue.ChannelOp c) return new Rvalue.ChannelOp(c.op(), c.channel(), mapOperands(c.args(), locals));
        if (r instanceof Rvalue.Spawn sp) return new Rvalue.Spawn(sp.task(), mapOperands(sp.args(), locals), sp.certain());
        if (r instanceof Rvalue.Overflows o) return new Rvalue.Overflows(o.op(), mapOperand(o.left(), locals), mapOperand(o.right(), locals));
        if (r instanceof Rvalue.ReadStatic || r instanceof Rvalue.StaticAddr || r instanceof Rvalue.Str
                || r instanceof Rvalue.ReadRegister || r instanceof Rvalue.CriticalEnter || r instanceof Rvalue.Ticks) return r;   // use no locals
        throw new IllegalStateException("unhandled rvalue " + r.getClass().getSimpleName());
    }

    static Place mapPlace(Place p, Renaming locals) {
        List<Place.Projection> projections = p.projections().stream().map(pr -> mapProjection(pr, locals)).toList();
        return new Place(locals.local(p.local()), projections);
    }

    static Place.Projection mapProjection(Place.Projection pr, Renaming locals) {
        if (pr instanceof Place.Projection.Index i) return new Place.Projection.Index(mapOperand(i.index(), locals));
        if (pr instanceof Place.Projection.Field || pr instanceof Place.Projection.Deref || pr instanceof Place.Projection.VariantField) return pr;
        throw new IllegalStateException("unhandled projection " + pr.getClass().getSimpleName());
    }

    static Statement mapStatement(Statement s, Renaming locals) {
        if (s instanceof Statement.Assign a) return new Statement.Assign(locals.local(a.dest()), mapRvalue(a.value(), locals));
        if (s instanceof Statement.WriteStatic w) return new Statement.WriteStatic(w.name(), mapOperand(w.value(), locals));
        if (s instanceof Statement.Print p) return new Statement.Print(mapItems(p.items(), locals));
        if (s instanceof Statement.Store st) return new Statement.Store(mapPlace(st.place(), locals), mapOperand(st.value(), locals));
        if (s instanceof Statement.WriteRegister w) return new Statement.WriteRegister(w.name(), w.address(), mapOperand(w.value(), locals));
        if (s instanceof Statement.InitChannel ic) return new Statement.InitChannel(locals.local(ic.local()));
        if (s instanceof Statement.CriticalExit c) return new Statement.CriticalExit(mapOperand(c.saved(), locals));
        if (s instanceof Statement.Unlock u) return new Statement.Unlock(mapOperand(u.mutex(), locals));
        if (s instanceof Statement.Line) return s;   // names no local
        throw new IllegalStateException("unhandled statement " + s.getClass().getSimpleName());
    }

    static Terminator mapTerminator(Terminator t, Renaming locals, UnaryOperator<BlockId> blocks) {
        if (t instanceof Terminator.Goto g) return new Terminator.Goto(blocks.apply(g.target()));
        if (t instanceof Terminator.If i) return new Terminator.If(mapOperand(i.cond(), locals), blocks.apply(i.then()), blocks.apply(i.otherwise()));
        if (t instanceof Terminator.Switch s) return new Terminator.Switch(mapOperand(s.value(), locals), s.values(),
                s.targets().stream().map(blocks).toList(), blocks.apply(s.otherwise()));
        if (t instanceof Terminator.Await a) return new Terminator.Await(a.callee(), mapOperands(a.args(), locals),
                locals.local(a.dest()), blocks.apply(a.resume()), a.span(), a.held().stream().map(locals::local).toList());
        if (t instanceof Terminator.Assert a) return new Terminator.Assert(mapOperand(a.cond(), locals), mapItems(a.message(), locals),
                a.span(), blocks.apply(a.target()));
        if (t instanceof Terminator.Panic p) return new Terminator.Panic(mapItems(p.message(), locals), p.span());
        if (t instanceof Terminator.Exit e) return new Terminator.Exit(mapOperand(e.code(), locals));
        if (t instanceof Terminator.PollChild c) return new Terminator.PollChild(c.callee(), mapOperands(c.args(), locals), c.start(),
                locals.local(c.dest()), blocks.apply(c.ready()), blocks.apply(c.pending()), c.child(), c.span());
        if (t instanceof Terminator.Suspend su) return new Terminator.Suspend(blocks.apply(su.resume()),
                su.waits().stream().map(w -> w.mapLocals(locals::local)).toList(), su.held().stream().map(locals::local).toList());
        if (t instanceof Terminator.CancelChild cc) return new Terminator.CancelChild(cc.callee(), cc.child(), blocks.apply(cc.next()));
        if (t instanceof Terminator.Return || t instanceof Terminator.Unreachable) return t;   // name no local, no block
        throw new IllegalStateException("unhandled terminator " + t.getClass().getSimpleName());
    }

    /** The locals {@code s} reads, in order: every local it names but an assignment's destination. */
    static List<Local> reads(Statement s) {
        List<Local> out = new ArrayList<>();
        Renaming record = l -> { out.add(l); return l; };
        if (s instanceof Statement.Assign a) mapRvalue(a.value(), record);
        else mapStatement(s, record);
        return out;
    }

    /** The locals {@code t} names (a terminator's destinations too: conservative). */
    static List<Local> reads(Terminator t) {
        List<Local> out = new ArrayList<>();
        mapTerminator(t, l -> { out.add(l); return l; }, blk -> blk);
        return out;
    }

    static BasicBlock mapBlock(BasicBlock b, Renaming locals, UnaryOperator<BlockId> blocks) {
        // A loop, not a stream: inlining maps every block it copies (issue 13).
        Statement[] mapped = new Statement[b.statements().size()];
        for (int i = 0; i < mapped.length; i++) mapped[i] = mapStatement(b.statements().get(i), locals);
        return new BasicBlock(java.util.Arrays.asList(mapped), mapTerminator(b.terminator(), locals, blocks));
    }
}

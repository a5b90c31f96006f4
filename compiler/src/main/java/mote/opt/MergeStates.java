package mote.opt;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import mote.mir.BasicBlock;
import mote.mir.BinOp;
import mote.mir.BlockId;
import mote.mir.BorrowedLocals;
import mote.mir.Liveness;
import mote.mir.Local;
import mote.mir.LocalDecl;
import mote.mir.MirFn;
import mote.mir.MirProgram;
import mote.mir.Operand;
import mote.mir.Rvalue;
import mote.mir.Statement;
import mote.mir.Terminator;
import mote.mir.UnOp;
import mote.types.Type;

/**
 * `merge-states`: awaits of the same callee whose continuations are alike share one await
 * (and so one state). `match cmd { A => send(1).await, B => send(2).await }` waits in one
 * state instead of two: each arm stores its arguments in shared temporaries and jumps to a
 * single await.
 *
 * Legal because the two awaits (1) poll the same poll function, hold the same mutexes (a
 * cancel in the shared state releases what either would), and (2) continue alike, in one of
 * three ways:
 * <ul>
 * <li>they resume at the same block, and their results go to the same local or are not read;
 * <li>their resume blocks are the same code up to the name of the result, and save the same
 *     values (same live-in set once the result is renamed); or
 * <li>both continuations, once the steps that only move constants between unborrowed locals
 *     and branch on them are run ahead, land on the same block, with the same constant in
 *     every local that block reads. This is what inlining leaves behind: `reject().await;
 *     return true` in one inlined callee and `report().await` before `true` at the end of
 *     another both land on the caller's loop head.
 * </ul>
 * Which arm suspended no longer matters once the arguments have been passed. The merged state
 * saves what the shared continuation reads, never more than either state did. rustc keeps one
 * state per `.await` written. The pass runs before inlining (on each async fn as written) and
 * again after it (on the awaits inlining brought together).
 */
public final class MergeStates implements MirPass {
    @Override public Optimization optimization() { return Optimization.MERGE_STATES; }

    @Override public MirProgram transform(MirProgram program) { return run(program); }

    /** Steps run ahead when looking for where a continuation lands; loops of constants stop here. */
    private static final int LANDING_STEPS = 64;

    public static MirProgram run(MirProgram program) {
        List<MirFn> out = new ArrayList<>();
        boolean closes = program.closesChannels();
        for (MirFn f : program.functions()) out.add(f.isAsync() ? mergeIn(f, closes) : f);
        return program.withFunctions(out);
    }

    static MirFn mergeIn(MirFn fn) {
        return mergeIn(fn, false);
    }

    /** {@code closes}: the program closes channels, so a send or receive panics at its own location. */
    static MirFn mergeIn(MirFn fn, boolean closes) {
        boolean changed = true;
        while (changed) {
            changed = false;
            Liveness live = Liveness.compute(fn);
            BitSet borrowed = borrowedLocals(fn);
            Map<BlockId, Landing> landings = new HashMap<>();   // per resume block: the same for every pair it is in
            Map<Integer, Resume> resumes = new HashMap<>();     // per await block, for sameCode
            List<Integer> awaits = new ArrayList<>();
            for (int i = 0; i < fn.blocks().size(); i++) if (fn.blocks().get(i).terminator() instanceof Terminator.Await) awaits.add(i);
            search:
            for (int x = 0; x < awaits.size(); x++) {
                for (int y = x + 1; y < awaits.size(); y++) {
                    Function<Local, BasicBlock> resume = sharedResume(fn, live, borrowed, landings, resumes, awaits.get(x), awaits.get(y), closes);
                    if (resume != null) {
                        fn = merge(fn, awaits.get(x), awaits.get(y), resume);
                        changed = true;
                        break search;
                    }
                }
            }
        }
        return fn;
    }

    /** A send, or a receive other than `next()`, on a channel: it panics (at the await) once the channel is closed. */
    private static boolean panicsWhenClosed(mote.mir.Callee callee) {
        return callee instanceof mote.mir.Callee.Channel ch && !ch.next() && !ch.channel().signal() && !ch.channel().isEvent();
    }

    /** How the shared await continues, given its result local; null when the two awaits must stay apart. */
    private static Function<Local, BasicBlock> sharedResume(MirFn fn, Liveness live, BitSet borrowed, Map<BlockId, Landing> landings,
                                                            Map<Integer, Resume> resumes, int bx, int by, boolean closes) {
        Terminator.Await a = (Terminator.Await) fn.blocks().get(bx).terminator();
        Terminator.Await b = (Terminator.Await) fn.blocks().get(by).terminator();
        if (!a.callee().equals(b.callee()) || a.args().size() != b.args().size()) return null;
        if (!a.held().equals(b.held())) return null;   // a cancel in either state releases what that one holds
        if (closes && panicsWhenClosed(a.callee()) && !a.span().equals(b.span())) return null;   // each panics at its own line
        if (!fn.typeOf(a.dest()).equals(fn.typeOf(b.dest()))) return null;
        for (int i = 0; i < a.args().size(); i++)
            if (!fn.typeOf(a.args().get(i)).equals(fn.typeOf(b.args().get(i)))) return null;
        if (a.resume().equals(b.resume())) {
            // One continuation already, two states: share the await if the result goes to the same place.
            BitSet reads = live.liveIn(a.resume());
            if (a.dest().equals(b.dest()))
                return dest -> new BasicBlock(List.of(new Statement.Assign(a.dest(), new Rvalue.Use(Operand.of(dest)))), new Terminator.Goto(a.resume()));
            if (reads.get(a.dest().index()) || reads.get(b.dest().index()) || borrowed.get(a.dest().index()) || borrowed.get(b.dest().index())) return null;
            return dest -> new BasicBlock(List.of(), new Terminator.Goto(a.resume()));
        }
        if (sameCode(fn, live, resumes.computeIfAbsent(bx, k -> Resume.of(fn, a)), resumes.computeIfAbsent(by, k -> Resume.of(fn, b)), a, b)) return dest -> MirEdit.mapBlock(fn.block(a.resume()), l -> l.equals(a.dest()) ? dest : l, blk -> blk);
        if (borrowed.get(a.dest().index()) || borrowed.get(b.dest().index())) return null;
        Landing la = landings.computeIfAbsent(a.resume(), r -> land(fn, r, borrowed));
        Landing lb = landings.computeIfAbsent(b.resume(), r -> land(fn, r, borrowed));
        if (!la.block().equals(lb.block())) return null;
        BitSet reads = live.liveIn(la.block());
        if (reads.get(a.dest().index()) || reads.get(b.dest().index())) return null;
        List<Statement> constants = new ArrayList<>();
        for (int v = reads.nextSetBit(0); v >= 0; v = reads.nextSetBit(v + 1)) {
            Operand.Const ca = la.constants().get(new Local(v)), cb = lb.constants().get(new Local(v));
            if (!java.util.Objects.equals(ca, cb)) return null;
            if (ca != null) constants.add(new Statement.Assign(new Local(v), new Rvalue.Use(ca)));
        }
        return dest -> new BasicBlock(constants, new Terminator.Goto(la.block()));
    }

    /**
     * An await's resume block without line marks ({@code code}), and the same with the result
     * local replaced by one no block names ({@code canonical}, its hash kept), and which
     * locals the block names. Made once per await and search, not once per pair: a fn of 300
     * awaits of one callee has 45,000 pairs, and copying blocks for each pair was half of its
     * build (issue 13).
     */
    private record Resume(BasicBlock code, BasicBlock canonical, int hash, BitSet mentioned) {
        static Resume of(MirFn fn, Terminator.Await await) {
            BasicBlock code = withoutLines(fn.block(await.resume()));
            Local placeholder = new Local(fn.locals().size());   // a local of no block
            BitSet mentioned = new BitSet();
            BasicBlock canonical = MirEdit.mapBlock(code, l -> {
                mentioned.set(l.index());
                return l.equals(await.dest()) ? placeholder : l;
            }, blk -> blk);
            return new Resume(code, canonical, canonical.hashCode(), mentioned);
        }
    }

    private static boolean sameCode(MirFn fn, Liveness live, Resume ra, Resume rb, Terminator.Await a, Terminator.Await b) {
        // Line marks differ between copies of the same code at two places: they compute nothing.
        if (ra.code().statements().size() != rb.code().statements().size()) return false;   // cheap test first: most pairs differ here
        // Is a's resume, its result renamed to b's, b's resume? While a's resume does not name
        // b's result, that is: are both the same with the result replaced by a fresh local.
        boolean same = !a.dest().equals(b.dest()) && ra.mentioned().get(b.dest().index())
                ? MirEdit.mapBlock(ra.code(), l -> l.equals(a.dest()) ? b.dest() : l, blk -> blk).equals(rb.code())
                : ra.hash() == rb.hash() && ra.canonical().equals(rb.canonical());
        if (!same) return false;
        BitSet sa = live.liveIn(a.resume()), sb = live.liveIn(b.resume());
        sa.clear(a.dest().index());
        sb.clear(b.dest().index());
        return sa.equals(sb);
    }

    private static BasicBlock withoutLines(BasicBlock b) {
        if (b.statements().stream().noneMatch(s -> s instanceof Statement.Line)) return b;
        return new BasicBlock(b.statements().stream().filter(s -> !(s instanceof Statement.Line)).toList(), b.terminator());
    }

    /** Where a continuation arrives once its constant-only steps are run, and the constants it set on the way. */
    record Landing(BlockId block, Map<Local, Operand.Const> constants) {}

    static Landing land(MirFn fn, BlockId start, BitSet borrowed) {
        Map<Local, Operand.Const> known = new HashMap<>();
        BlockId at = start;
        for (int step = 0; step < LANDING_STEPS; step++) {
            BasicBlock block = fn.block(at);
            Map<Local, Operand.Const> after = new HashMap<>(known);
            for (Statement s : block.statements()) {
                if (s instanceof Statement.Line) continue;   // debug line marks compute nothing
                if (!(s instanceof Statement.Assign assign) || borrowed.get(assign.dest().index())) return new Landing(at, known);
                Operand.Const value = evaluate(assign.value(), after);
                if (value == null) return new Landing(at, known);
                after.put(assign.dest(), value);
            }
            BlockId next = knownSuccessor(block.terminator(), after);
            if (next == null) return new Landing(at, known);
            known = after;
            at = next;
        }
        return new Landing(at, known);
    }

    private static Operand.Const constant(Operand op, Map<Local, Operand.Const> known) {
        return op instanceof Operand.Const c ? c : known.get(((Operand.Copy) op).local());
    }

    private static Operand.Const evaluate(Rvalue r, Map<Local, Operand.Const> known) {
        if (r instanceof Rvalue.Use u) return constant(u.operand(), known);
        if (r instanceof Rvalue.Unary u && u.op() == UnOp.NOT) {
            Operand.Const c = constant(u.operand(), known);
            return c != null && c.type() instanceof Type.Bool ? new Operand.Const(c.type(), c.bits() == 0 ? 1 : 0) : null;
        }
        if (r instanceof Rvalue.Binary bin && (bin.op() == BinOp.EQ || bin.op() == BinOp.NE)) {
            Operand.Const l = constant(bin.left(), known), rr = constant(bin.right(), known);
            if (l == null || rr == null || l.type() instanceof Type.Float32) return null;   // NaN, -0.0: bits are not equality
            boolean equal = l.bits() == rr.bits();
            return new Operand.Const(Type.BOOL, equal == (bin.op() == BinOp.EQ) ? 1 : 0);
        }
        return null;
    }

    private static BlockId knownSuccessor(Terminator t, Map<Local, Operand.Const> known) {
        if (t instanceof Terminator.Goto g) return g.target();
        if (t instanceof Terminator.If i) {
            Operand.Const c = constant(i.cond(), known);
            return c == null ? null : c.bits() != 0 ? i.then() : i.otherwise();
        }
        if (t instanceof Terminator.Switch sw) {
            Operand.Const c = constant(sw.value(), known);
            if (c == null) return null;
            int at = sw.values().indexOf(c.bits());
            return at >= 0 ? sw.targets().get(at) : sw.otherwise();
        }
        return null;
    }

    /**
     * Locals whose address is taken (the same set async lowering pins in the state): a write
     * to one may be read through a reference, which liveness does not see.
     */
    private static BitSet borrowedLocals(MirFn fn) {
        BitSet borrowed = new BitSet();
        for (Local l : BorrowedLocals.of(fn)) borrowed.set(l.index());
        return borrowed;
    }

    private static MirFn merge(MirFn fn, int bx, int by, Function<Local, BasicBlock> sharedResume) {
        MirEdit edit = new MirEdit(fn);
        Terminator.Await a = (Terminator.Await) fn.blocks().get(bx).terminator();
        List<Local> argTemps = new ArrayList<>();
        for (Operand arg : a.args()) argTemps.add(edit.addLocal(new LocalDecl(null, fn.typeOf(arg), null)));
        Local dest = edit.addLocal(new LocalDecl(null, fn.typeOf(a.dest()), null));
        BlockId resumeId = edit.addBlock(sharedResume.apply(dest));
        List<Operand> argOps = argTemps.stream().map(Operand::of).toList();
        BlockId shared = edit.addBlock(new BasicBlock(List.of(), new Terminator.Await(a.callee(), argOps, dest, resumeId, a.span(), a.held())));
        for (int blockIndex : new int[] {bx, by}) {
            BasicBlock old = fn.blocks().get(blockIndex);
            Terminator.Await w = (Terminator.Await) old.terminator();
            List<Statement> stmts = new ArrayList<>(old.statements());
            for (int i = 0; i < argTemps.size(); i++) stmts.add(new Statement.Assign(argTemps.get(i), new Rvalue.Use(w.args().get(i))));
            edit.blocks.set(blockIndex, new BasicBlock(stmts, new Terminator.Goto(shared)));
        }
        return edit.finish();
    }
}

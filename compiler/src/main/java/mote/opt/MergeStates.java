package mote.opt;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import mote.mir.BasicBlock;
import mote.mir.BlockId;
import mote.mir.Liveness;
import mote.mir.Local;
import mote.mir.LocalDecl;
import mote.mir.MirFn;
import mote.mir.MirProgram;
import mote.mir.Operand;
import mote.mir.Rvalue;
import mote.mir.Statement;
import mote.mir.Terminator;

/**
 * `merge-states`: awaits of the same callee whose continuations are alike share one await
 * (and so one state). `match cmd { A => send(1).await, B => send(2).await }` waits in one
 * state instead of two: each arm stores its arguments in shared temporaries and jumps to a
 * single await.
 *
 * Legal because the two awaits (1) poll the same poll function, (2) save the same values
 * (their resume blocks have the same live-in set once the result is renamed), and (3) run the
 * same code after resuming, up to the name of the result: which arm suspended no longer
 * matters once the arguments have been passed. rustc keeps one state per `.await` written.
 */
public final class MergeStates {
    private MergeStates() {}

    public static MirProgram run(MirProgram program) {
        List<MirFn> out = new ArrayList<>();
        for (MirFn f : program.functions()) out.add(f.isAsync() ? mergeIn(f) : f);
        return program.withFunctions(out);
    }

    static MirFn mergeIn(MirFn fn) {
        boolean changed = true;
        while (changed) {
            changed = false;
            Liveness live = Liveness.compute(fn);
            List<Integer> awaits = new ArrayList<>();
            for (int i = 0; i < fn.blocks().size(); i++) if (fn.blocks().get(i).terminator() instanceof Terminator.Await) awaits.add(i);
            search:
            for (int x = 0; x < awaits.size(); x++) {
                for (int y = x + 1; y < awaits.size(); y++) {
                    if (alike(fn, live, awaits.get(x), awaits.get(y))) {
                        fn = merge(fn, awaits.get(x), awaits.get(y));
                        changed = true;
                        break search;
                    }
                }
            }
        }
        return fn;
    }

    private static boolean alike(MirFn fn, Liveness live, int bx, int by) {
        Terminator.Await a = (Terminator.Await) fn.blocks().get(bx).terminator();
        Terminator.Await b = (Terminator.Await) fn.blocks().get(by).terminator();
        if (!a.callee().equals(b.callee()) || a.args().size() != b.args().size()) return false;
        if (!fn.typeOf(a.dest()).equals(fn.typeOf(b.dest()))) return false;
        if (a.resume().equals(b.resume())) return false;   // already one continuation: nothing to gain
        for (int i = 0; i < a.args().size(); i++)
            if (!fn.typeOf(a.args().get(i)).equals(fn.typeOf(b.args().get(i)))) return false;
        BasicBlock ra = fn.block(a.resume()), rb = fn.block(b.resume());
        BasicBlock renamed = MirEdit.mapBlock(ra, l -> l.equals(a.dest()) ? b.dest() : l, blk -> blk);
        if (!renamed.equals(rb)) return false;
        BitSet sa = live.liveIn(a.resume()), sb = live.liveIn(b.resume());
        sa.clear(a.dest().index());
        sb.clear(b.dest().index());
        return sa.equals(sb);
    }

    private static MirFn merge(MirFn fn, int bx, int by) {
        MirEdit edit = new MirEdit(fn);
        Terminator.Await a = (Terminator.Await) fn.blocks().get(bx).terminator();
        Terminator.Await b = (Terminator.Await) fn.blocks().get(by).terminator();
        List<Local> argTemps = new ArrayList<>();
        for (Operand arg : a.args()) argTemps.add(edit.addLocal(new LocalDecl(null, fn.typeOf(arg), null)));
        Local dest = edit.addLocal(new LocalDecl(null, fn.typeOf(a.dest()), null));
        BasicBlock resume = MirEdit.mapBlock(fn.block(a.resume()), l -> l.equals(a.dest()) ? dest : l, blk -> blk);
        BlockId resumeId = edit.addBlock(resume);
        List<Operand> argOps = argTemps.stream().map(Operand::of).toList();
        BlockId shared = edit.addBlock(new BasicBlock(List.of(), new Terminator.Await(a.callee(), argOps, dest, resumeId, a.span())));
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

package mote.opt;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import mote.mir.AsyncCallGraph;
import mote.mir.BasicBlock;
import mote.mir.Callee;
import mote.mir.MirFn;
import mote.mir.MirProgram;
import mote.mir.Rvalue;
import mote.mir.Statement;
import mote.mir.Terminator;

/**
 * `ready-fold`: an async fn that can never suspend becomes a plain function, and awaiting it
 * becomes a plain call that adds no state to the caller.
 *
 * Why it is legal: a future whose poll can never return Pending completes in its first poll,
 * so awaiting it is observably the same as calling a function. "Can never suspend" is decided
 * for the whole program, callees first: a fn never suspends when none of its awaits targets
 * a built-in future (`yield_now`, timers, channels all may suspend) or a fn that may suspend.
 * rustc cannot decide this: it compiles one crate at a time and a future is an opaque type.
 * Task entry points (`main`) keep their state machine: the executor polls them.
 */
public final class ReadyFold implements MirPass {
    @Override public Optimization optimization() { return Optimization.READY_FOLD; }

    @Override public MirProgram transform(MirProgram program) { return run(program); }

    public static MirProgram run(MirProgram program) {
        Set<String> ready = neverSuspending(program);
        if (ready.isEmpty()) return program;
        List<MirFn> out = new ArrayList<>();
        for (MirFn f : program.functions()) {
            MirFn folded = foldAwaits(f, ready);
            if (ready.contains(f.name())) folded = asSync(folded);
            out.add(folded);
        }
        return program.withFunctions(out);
    }

    /** The async fns (other than task entries) that can never return Pending. */
    public static Set<String> neverSuspending(MirProgram program) {
        Set<String> ready = new HashSet<>();
        for (MirFn f : new AsyncCallGraph(program).bottomUp()) {
            if (program.isTaskEntry(f.name())) continue;
            boolean suspends = false;
            for (BasicBlock b : f.blocks()) {
                if (b.terminator() instanceof Terminator.Suspend) { suspends = true; break; }
                if (b.terminator() instanceof Terminator.Await a
                        && !(a.callee() instanceof Callee.Function c && ready.contains(c.name()))) {
                    suspends = true;
                    break;
                }
            }
            if (!suspends) ready.add(f.name());
        }
        return ready;
    }

    private static MirFn foldAwaits(MirFn f, Set<String> ready) {
        List<BasicBlock> blocks = new ArrayList<>();
        boolean changed = false;
        for (BasicBlock b : f.blocks()) {
            if (b.terminator() instanceof Terminator.Await a && a.callee() instanceof Callee.Function c && ready.contains(c.name())) {
                List<Statement> stmts = new ArrayList<>(b.statements());
                stmts.add(new Statement.Assign(a.dest(), new Rvalue.Call(c.name(), a.args())));
                blocks.add(new BasicBlock(stmts, new Terminator.Goto(a.resume())));
                changed = true;
            } else if (b.terminator() instanceof Terminator.PollChild pc && pc.callee() instanceof Callee.Function c && ready.contains(c.name())) {
                // A join/race child that is ready at once: its first poll is a call; no later poll happens.
                List<Statement> stmts = new ArrayList<>(b.statements());
                if (pc.start()) {
                    stmts.add(new Statement.Assign(pc.dest(), new Rvalue.Call(c.name(), pc.args())));
                    blocks.add(new BasicBlock(stmts, new Terminator.Goto(pc.ready())));
                } else {
                    blocks.add(new BasicBlock(stmts, new Terminator.Unreachable()));
                }
                changed = true;
            } else {
                blocks.add(b);
            }
        }
        return changed ? new MirFn(f.name(), f.isAsync(), f.params(), f.returnLocal(), f.returnType(), f.locals(), blocks, f.span(), f.interrupt()) : f;
    }

    private static MirFn asSync(MirFn f) {
        return new MirFn(f.name(), false, f.params(), f.returnLocal(), f.returnType(), f.locals(), f.blocks(), f.span(), f.interrupt());
    }
}

package mote.opt;

import java.util.ArrayList;
import java.util.List;
import mote.mir.BasicBlock;
import mote.mir.Callee;
import mote.mir.ChannelWaiters;
import mote.mir.MirFn;
import mote.mir.MirProgram;
import mote.mir.Terminator;

/**
 * In a program whose each side of each channel and signal has one waiting task at most
 * ({@link ChannelWaiters#direct}), runtime-c keeps that task's id in the channel instead of
 * lists of waiter nodes, so a channel wait's state needs no node: this marks every channel
 * wait {@code direct} (Callee.Channel), which lays its state out without one: a receive keeps
 * only the channel pointer, as rustc's futures of embassy's channels keep a reference. Events
 * keep their nodes, which receive the emitted value.
 *
 * <p>Not one of the switchable async optimizations: it follows what runtime-c does, and runs
 * under every `--opt`. Not in debug builds, which keep the lists for the debugger to show.
 * The code generator sets runtime-c's `mote_channels_direct` from the same decision.
 */
public final class DirectChannels {
    private DirectChannels() {}

    /** Whether the program's channel waits are marked direct: not in debug builds, else as {@link ChannelWaiters#direct}. */
    public static boolean applies(MirProgram program, boolean debug) {
        return !debug && ChannelWaiters.direct(program);
    }

    public static MirProgram run(MirProgram program, boolean debug) {
        if (!applies(program, debug)) return program;
        List<MirFn> out = new ArrayList<>();
        for (MirFn f : program.functions()) {
            List<BasicBlock> blocks = new ArrayList<>();
            for (BasicBlock b : f.blocks()) blocks.add(new BasicBlock(b.statements(), mark(b.terminator())));
            out.add(new MirFn(f.name(), f.isAsync(), f.params(), f.returnLocal(), f.returnType(), f.locals(), blocks, f.span(), f.interrupt()));
        }
        return program.withFunctions(out);
    }

    private static Terminator mark(Terminator t) {
        if (t instanceof Terminator.Await a)
            return new Terminator.Await(mark(a.callee()), a.args(), a.dest(), a.resume(), a.span(), a.held());
        if (t instanceof Terminator.PollChild pc)
            return new Terminator.PollChild(mark(pc.callee()), pc.args(), pc.start(), pc.dest(), pc.ready(), pc.pending(), pc.child(), pc.span());
        if (t instanceof Terminator.CancelChild cc)
            return new Terminator.CancelChild(mark(cc.callee()), cc.child(), cc.next());
        if (t instanceof Terminator.Suspend s) {
            List<Terminator.ChildWait> waits = new ArrayList<>();
            for (Terminator.ChildWait w : s.waits()) {
                List<Callee> sites = new ArrayList<>();
                for (Callee c : w.sites()) sites.add(c == null ? null : mark(c));
                waits.add(new Terminator.ChildWait(w.child(), w.started(), w.done(), w.pc(), sites, w.parent(), w.group(), w.held()));
            }
            return new Terminator.Suspend(s.resume(), waits, s.held());
        }
        return t;
    }

    private static Callee mark(Callee c) {
        return c instanceof Callee.Channel ch && !ch.channel().isEvent() ? ch.withDirect() : c;
    }
}

package mote.opt;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mote.mir.BasicBlock;
import mote.mir.Callee;
import mote.mir.ChannelWaiters;
import mote.mir.Local;
import mote.mir.MirFn;
import mote.mir.MirProgram;
import mote.mir.Rvalue;
import mote.mir.Terminator;

/**
 * A channel or signal await whose channel is one named static (`Q.recv().await`, the common
 * case) needs no channel pointer in its state: the code that polls and cancels it names the
 * static. This marks such awaits {@code fixed} (Callee.Channel), which lays their state out
 * without the pointer: a receive from a static in a direct program keeps no bytes at all, as
 * a hand-written C task keeps none to wait on its queue. A wait on a channel in a local, an
 * array element, a field or behind a parameter keeps its pointer.
 *
 * <p>Only plain awaits: a `join`/`race` branch's child slot is shared by the branch's awaits
 * and cancelled from elsewhere, so it keeps the pointer. Events keep it too: every waiter of
 * an Event must hold the emitted value at the same offset in its node (event.c).
 *
 * <p>Part of overlap-layout (it decides what a state keeps): the baseline keeps the
 * reference, as rustc's futures of embassy's channels do. Not in debug builds, whose
 * debugger view shows the channel each await waits on.
 */
public final class FixedChannels {
    private FixedChannels() {}

    /** Whether awaits are marked: with overlap-layout, and not in debug builds. */
    public static boolean applies(Set<Optimization> opts, boolean debug) {
        return CopyPropagation.applies(opts, debug);
    }

    public static MirProgram run(MirProgram program, Set<Optimization> opts, boolean debug) {
        if (!applies(opts, debug)) return program;
        List<MirFn> out = new ArrayList<>();
        for (MirFn f : program.functions()) out.add(mark(f));
        return program.withFunctions(out);
    }

    private static MirFn mark(MirFn f) {
        Map<Local, List<Rvalue>> defs = null;
        List<BasicBlock> blocks = new ArrayList<>();
        boolean changed = false;
        for (BasicBlock b : f.blocks()) {
            if (b.terminator() instanceof Terminator.Await a && a.callee() instanceof Callee.Channel ch
                    && !ch.channel().isEvent() && ch.keepsPointer() && !a.args().isEmpty()) {
                if (defs == null) defs = ChannelWaiters.definitions(f);
                String fixed = ChannelWaiters.staticOf(a.args().get(0), defs);
                if (fixed != null) {
                    blocks.add(new BasicBlock(b.statements(), new Terminator.Await(ch.withFixed(fixed), a.args(), a.dest(), a.resume(), a.span(), a.held())));
                    changed = true;
                    continue;
                }
            }
            blocks.add(b);
        }
        return changed ? new MirFn(f.name(), f.isAsync(), f.params(), f.returnLocal(), f.returnType(), f.locals(), blocks, f.span(), f.interrupt()) : f;
    }
}

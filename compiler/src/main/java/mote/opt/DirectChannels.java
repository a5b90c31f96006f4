package mote.opt;

import mote.mir.Callee;
import mote.mir.ChannelWaiters;
import mote.mir.MirProgram;

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
        return applies(program, debug) ? MirEdit.mapCallees(program, DirectChannels::mark) : program;
    }

    private static Callee mark(Callee c) {
        return c instanceof Callee.Channel ch && !ch.channel().isEvent() ? ch.withDirect() : c;
    }
}

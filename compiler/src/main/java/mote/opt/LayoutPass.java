package mote.opt;

import mote.mir.MirFn;
import mote.mir.MirProgram;

/**
 * An optimization of state-machine layout. Async lowering asks the enabled ones these questions
 * as it builds each state machine; each default is the rustc-like baseline's answer, and a
 * pass overrides the one it changes (its file holds that answer and why it is legal).
 */
public interface LayoutPass {
    /** The `--opt` name that switches it on. */
    Optimization optimization();

    /**
     * What the first poll does: true when {@code fn}'s first poll runs inside its caller's
     * poll with the arguments as plain parameters, so it has no Unresumed state.
     */
    default boolean startsInCallersPoll(MirFn fn, MirProgram program) { return false; }

    /** Which states exist: true when the machine needs no Panicked state. */
    default boolean dropsPanicked(BuildMode mode) { return false; }

    /** What a Returned poll does: true when it answers Pending instead of panicking. */
    default boolean returnedPollIsPending(BuildMode mode) { return false; }

    /**
     * Whether fields may overlap: a placement that lets the values of different states share
     * bytes, or null for rustc's layout (arguments and values saved twice in a prefix).
     */
    default Placement placement() { return null; }
}

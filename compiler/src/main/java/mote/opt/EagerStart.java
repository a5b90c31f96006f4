package mote.opt;

import mote.mir.MirFn;
import mote.mir.MirProgram;

/**
 * `eager-start`: a future awaited where it is created runs up to its first suspension inside
 * the caller's poll, with its arguments passed as plain parameters. It has no Unresumed state
 * and stores no copy of its arguments: an argument is saved only when it is live across a
 * suspension, and then once (rustc issue #62958 stores it twice).
 *
 * Legal because in Mote every future is awaited exactly where its async fn is called (a
 * future is not a value), so creating it and polling it the first time always happen
 * together; nothing can observe a created-but-not-started future. Task entry points
 * (`main`, spawned tasks) keep Unresumed: the executor creates them before their first poll.
 */
public final class EagerStart implements LayoutPass {
    @Override public Optimization optimization() { return Optimization.EAGER_START; }

    /** Every async fn but a task entry point: its state machine drops the Unresumed state. */
    @Override public boolean startsInCallersPoll(MirFn fn, MirProgram program) {
        return fn.isAsync() && !program.isTaskEntry(fn.name());
    }
}

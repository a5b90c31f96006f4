package mote.opt;

/**
 * `returned-pending`: polling a future that already returned answers Pending instead of
 * panicking, so the Returned arm of every poll function is a bare `return 0` with no panic
 * message and location string behind it.
 *
 * Legal because Mote's executor and generated code never poll a finished future: an awaitee
 * is polled only while its parent is suspended on it, and a finished task is never polled
 * again; the whole program is known, so the panic can never fire. Debug builds keep it as a
 * check of that guarantee.
 */
public final class ReturnedPending implements LayoutPass {
    @Override public Optimization optimization() { return Optimization.RETURNED_PENDING; }

    @Override public boolean returnedPollIsPending(BuildMode mode) {
        return !mode.debug();
    }
}

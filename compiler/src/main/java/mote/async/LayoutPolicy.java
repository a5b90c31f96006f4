package mote.async;

import java.util.Set;
import mote.opt.Optimization;

/**
 * Which layout-level optimizations async lowering applies. Each flag's logic and its
 * legality argument live in the pass of the same name in {@code mote.opt}.
 */
public record LayoutPolicy(boolean eagerStart, boolean dropPanicked, boolean overlap, boolean returnedPending) {
    public static final LayoutPolicy BASELINE = new LayoutPolicy(false, false, false, false);

    public static LayoutPolicy of(Set<Optimization> opts, boolean debug, boolean panicAbort) {
        return new LayoutPolicy(
                opts.contains(Optimization.EAGER_START),
                opts.contains(Optimization.DROP_PANICKED) && panicAbort,
                opts.contains(Optimization.OVERLAP_LAYOUT),
                opts.contains(Optimization.RETURNED_PENDING) && !debug);
    }
}

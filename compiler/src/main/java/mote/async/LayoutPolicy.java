package mote.async;

import java.util.List;
import java.util.Set;
import mote.mir.MirFn;
import mote.mir.MirProgram;
import mote.opt.BuildMode;
import mote.opt.LayoutPass;
import mote.opt.Optimization;
import mote.opt.Passes;
import mote.opt.Placement;

/**
 * The enabled layout passes, asked together: what async lowering consults while it builds a
 * state machine. It knows no pass by name; each answer and its legality live in the pass.
 */
public final class LayoutPolicy {
    public static final LayoutPolicy BASELINE = new LayoutPolicy(List.of(), new BuildMode(false, true, false));

    private final List<LayoutPass> passes;
    private final BuildMode mode;
    private final boolean narrowing;

    public LayoutPolicy(List<LayoutPass> passes, BuildMode mode) {
        this(passes, mode, true);
    }

    private LayoutPolicy(List<LayoutPass> passes, BuildMode mode, boolean narrowing) {
        this.passes = List.copyOf(passes);
        this.mode = mode;
        this.narrowing = narrowing;
    }

    /** The same, keeping every saved value as its type: what a narrowed layout must beat. */
    LayoutPolicy withoutNarrowing() {
        return new LayoutPolicy(passes, mode, false);
    }

    /** {@code unalignedWords}: the target core loads and stores words at any address (see BuildMode). */
    public static LayoutPolicy of(Set<Optimization> opts, boolean debug, boolean panicAbort, boolean unalignedWords) {
        return new LayoutPolicy(Passes.layout(opts), new BuildMode(debug, panicAbort, unalignedWords));
    }

    /** No Unresumed state: the first poll runs in the caller's poll. */
    boolean startsInCallersPoll(MirFn fn, MirProgram program) {
        return passes.stream().anyMatch(p -> p.startsInCallersPoll(fn, program));
    }

    boolean hasPanicked() {
        return passes.stream().noneMatch(p -> p.dropsPanicked(mode));
    }

    boolean returnedPollIsPending() {
        return passes.stream().anyMatch(p -> p.returnedPollIsPending(mode));
    }

    /** The alignment a state object needs for a saved value of type {@code t}. */
    int requiredAlign(mote.types.Type t) {
        Placement shared = placement();
        return shared != null ? shared.required(t, mode) : t.align();
    }

    /** Whether saved integers are kept in as few bytes as their values need (Placement#narrows). */
    boolean narrows() {
        Placement shared = placement();
        return narrowing && shared != null && shared.narrows(mode);
    }

    /** Whether state objects are packed (Placement#packs). */
    boolean packs() {
        Placement shared = placement();
        return shared != null && shared.packs(mode);
    }

    /** How states may share bytes, or null for rustc's layout. */
    Placement placement() {
        for (LayoutPass p : passes) if (p.placement() != null) return p.placement();
        return null;
    }
}

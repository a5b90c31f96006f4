package mote.opt;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mote.mir.MirProgram;
import mote.mir.MirVerifier;

/**
 * Every async optimization's pass, in the order it runs: the one list to edit when adding or
 * removing one (with its name in {@link Optimization}).
 */
public final class Passes {
    private Passes() {}

    /**
     * MIR passes in running order. An {@code again} step runs only when another pass has run
     * since this optimization last did: merge-states runs again after inlining, which brings
     * awaits of different callees into one fn.
     */
    private static final List<Step> MIR = List.of(
            new Step(new ReadyFold(), false),
            new Step(new MergeStates(), false),
            new Step(new Inline(), false),
            new Step(new MergeStates(), true));

    /** Layout passes: async lowering asks them about each state machine (see {@link LayoutPass}). */
    private static final List<LayoutPass> LAYOUT = List.of(
            new EagerStart(),
            new OverlapLayout(),
            new DropPanicked(),
            new ReturnedPending());

    private record Step(MirPass pass, boolean again) {}

    /** Sees each MIR pass that runs: the program it got and the one it returned. */
    public interface Observer {
        void ran(MirPass pass, MirProgram before, MirProgram after);
    }

    /** Runs a pass's work under a phase name (`--timings` rows); the plain one just runs it. */
    public interface Timer {
        MirProgram time(String phase, java.util.function.Supplier<MirProgram> work);
    }

    /** Runs the enabled MIR passes in order, each followed by the MIR verifier. */
    public static MirProgram runMir(MirProgram mir, Set<Optimization> opts) {
        return runMir(mir, opts, (pass, before, after) -> {});
    }

    /** As {@link #runMir(MirProgram, Set)}, telling {@code observer} about each pass (per-pass goldens). */
    public static MirProgram runMir(MirProgram mir, Set<Optimization> opts, Observer observer) {
        return runMir(mir, opts, observer, (phase, work) -> work.get());
    }

    /** As {@link #runMir(MirProgram, Set, Observer)}, each pass (with its verification) timed by {@code timer}. */
    public static MirProgram runMir(MirProgram mir, Set<Optimization> opts, Observer observer, Timer timer) {
        Map<Optimization, Integer> lastRun = new EnumMap<>(Optimization.class);
        int runs = 0;
        for (Step step : MIR) {
            Optimization o = step.pass().optimization();
            if (!opts.contains(o)) continue;
            if (step.again() && lastRun.getOrDefault(o, runs) == runs) continue;
            MirProgram before = mir;
            mir = timer.time("opt " + o.cliName, () -> {
                MirProgram after = step.pass().transform(before);
                MirVerifier.verify(after);
                return after;
            });
            observer.ran(step.pass(), before, mir);
            lastRun.put(o, ++runs);
        }
        return mir;
    }

    /** The enabled layout passes. */
    public static List<LayoutPass> layout(Set<Optimization> opts) {
        List<LayoutPass> on = new ArrayList<>();
        for (LayoutPass p : LAYOUT) if (opts.contains(p.optimization())) on.add(p);
        return on;
    }
}

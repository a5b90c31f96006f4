package mote.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import mote.Compiler;
import mote.async.StateMachine;
import mote.testutil.TestFiles;
import org.junit.jupiter.api.Test;

/**
 * ConstantArguments (part of overlap-layout): a parameter every call and spawn passes the same
 * constant is not saved across the callee's awaits. run/constant_arguments.mote runs the same
 * program on QEMU under every optimization set and checks its output.
 */
class ConstantArgumentsTest {
    /** Without inlining, so the async fns keep their call sites and state machines. */
    private static Compiler.Analysis analysis(Set<Optimization> opts, boolean debug) {
        return Compiler.analyze(Compiler.read(TestFiles.resources("run").resolve("constant_arguments.mote")), opts, debug, true);
    }

    private static Set<Optimization> allButInline() {
        Set<Optimization> opts = EnumSet.allOf(Optimization.class);
        opts.remove(Optimization.INLINE);
        return opts;
    }

    /** The parameters of {@code fn} that any state after its start saves. */
    private static List<String> savedParameters(Compiler.Analysis a, String fn, List<String> params) {
        StateMachine m = a.machines().get(fn);
        return m.states().stream().filter(s -> s.kind() != StateMachine.Kind.UNRESUMED).flatMap(s -> s.saved().stream())
                .map(StateMachine.Slot::name).filter(n -> n != null && params.contains(n)).distinct().sorted().toList();
    }

    @Test
    void constantParametersAreNotSaved() {
        Compiler.Analysis a = analysis(allButInline(), false);
        // Both spawns pass rounds 3, loud true and tag 0; the ids differ.
        assertEquals(List.of("id"), savedParameters(a, "worker", List.of("rounds", "id", "loud", "tag")));
        // Both awaits pass BASE; the values differ.
        assertEquals(List.of("value"), savedParameters(a, "poke", List.of("addr", "value")));
        // Written by the body, or passed 2 here and 3 there: kept. (`borrowed`'s k, borrowed, stays
        // in the state for the whole call; the run test's output shows the body's write to it.)
        assertEquals(List.of("n"), savedParameters(a, "countdown", List.of("n", "step")));
        assertEquals(List.of("factor"), savedParameters(a, "scaled", List.of("factor", "v")));
    }

    /** The baseline and a debug build keep every parameter where the program (or a debugger) left it. */
    @Test
    void baselineAndDebugBuildsKeepThem() {
        Set<Optimization> noOverlap = allButInline();
        noOverlap.remove(Optimization.OVERLAP_LAYOUT);
        for (Compiler.Analysis a : List.of(analysis(noOverlap, false), analysis(allButInline(), true)))
            assertEquals(List.of("id", "loud", "tag"), savedParameters(a, "worker", List.of("rounds", "id", "loud", "tag")));
    }

    @Test
    void theConstantsOfEveryCallSiteAreCompared() {
        var passed = ConstantArguments.constantsPassed(Compiler.analyze(
                Compiler.read(TestFiles.resources("run").resolve("constant_arguments.mote")), EnumSet.noneOf(Optimization.class), false, true).mir());
        assertEquals(4, passed.get("worker").length);
        assertEquals(null, passed.get("worker")[1], "ids 1 and 2");
        assertEquals(null, passed.get("scaled")[0], "factors 2 and 3");
        assertEquals(false, passed.containsKey("main"), "no call site");
    }
}

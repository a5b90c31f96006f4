package mote.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import mote.Compiler;
import mote.async.StateMachine;
import mote.testutil.ProgramRunner;
import mote.testutil.TestFiles;
import org.junit.jupiter.api.Test;

/**
 * run/no_doubling.mote passes a [u8; 256] by value through five forwarding async fns to f1,
 * which yields and sums it. rustc's layout (and `--opt none`) stores the argument in every
 * layer's future, nested in its caller's: one copy per layer. With the optimizations the
 * whole chain costs one copy (plus a few bytes of discriminants and awaitee).
 */
class NoDoublingTest {
    static final int ARRAY = 256;
    static final Path PROGRAM = TestFiles.resources("run").resolve("no_doubling.mote");

    static Compiler.Analysis analyze(Set<Optimization> opts) {
        return Compiler.analyze(Compiler.read(PROGRAM), opts, false, true);
    }

    /** Bytes of every state machine left in the program: awaitees are nested in their caller's state. */
    static int totalOf(Compiler.Analysis a) {
        return a.machines().values().stream().mapToInt(StateMachine::size).sum();
    }

    @Test
    void allOptimizationsKeepOneCopyOfTheArray() {
        Compiler.Analysis a = analyze(EnumSet.allOf(Optimization.class));
        int total = totalOf(a);
        assertTrue(total < 2 * ARRAY + 64, "with --opt all the chain costs " + total + " bytes:\n" + a.layoutText());
        assertTrue(a.machines().get("main").size() >= ARRAY, "the array must still be saved across f1's yield");
    }

    @Test
    void withoutInliningEagerStartAndOverlapStillKeepOneCopy() {
        Set<Optimization> noInline = EnumSet.allOf(Optimization.class);
        noInline.remove(Optimization.INLINE);
        Compiler.Analysis a = analyze(noInline);
        int main = a.machines().get("main").size();   // f5..f1 nested inside
        assertTrue(main < 2 * ARRAY + 64, "with --opt all,-inline main's state (the chain nested) is " + main + " bytes:\n"
                + a.layoutText());
    }

    @Test
    void baselineKeepsOneCopyPerLayer() {
        Compiler.Analysis a = analyze(EnumSet.noneOf(Optimization.class));
        int main = a.machines().get("main").size();   // f5..f1 nested inside
        assertTrue(main > 5 * ARRAY, "baseline main state " + main + " bytes");
        for (int i = 1; i <= 5; i++) {
            int size = a.machines().get("f" + i).size();
            assertTrue(size > i * ARRAY, "baseline f" + i + " holds its own copy and its callee's: " + size + " bytes");
        }
    }

    @Test
    void runsAndSumsUnderBothSettings() {
        for (Set<Optimization> opts : java.util.List.<Set<Optimization>>of(
                EnumSet.allOf(Optimization.class), EnumSet.noneOf(Optimization.class))) {
            ProgramRunner.Run run = ProgramRunner.run(PROGRAM, "lm3s6965evb", o -> o.withOpts(opts));
            assertEquals("sum = 32640\n", run.output(), "with " + opts);
            assertEquals(128, run.exitCode(), "with " + opts);
        }
    }
}

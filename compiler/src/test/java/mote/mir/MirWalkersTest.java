package mote.mir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import mote.testutil.MirSamples;
import mote.testutil.MirSamples.Sample;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every kind of every sealed MIR family (found by {@code getPermittedSubclasses()}, see
 * {@link MirSamples}) goes through every walker of {@code mote.mir}: liveness, the verifier,
 * block renumbering and the printer. Each must handle it (the walkers throw on a kind they do
 * not know) and see every local it names: a kind whose read liveness missed would not be
 * saved across an await. {@code mote.opt.MirEditWalkersTest} does the same for the renamings
 * of the optimization passes.
 */
class MirWalkersTest {
    @Test
    void theFamiliesAreFoundFromMirFn() {
        Set<Class<?>> families = MirSamples.families();
        for (Class<?> expected : List.of(Statement.class, Rvalue.class, Operand.class, Place.Projection.class, Terminator.class,
                Callee.class, PrintItem.class))
            assertTrue(families.contains(expected), expected + " in " + families);
        assertTrue(MirSamples.all().size() > 40);
    }

    @TestFactory
    Stream<DynamicTest> livenessSeesEveryLocalAKindReads() {
        return each(s -> {
            BitSet live = Liveness.compute(s.fn()).liveIn(new BlockId(0));
            for (Local l : MirSamples.reads(s.carrier()))
                assertTrue(live.get(l.index()), l + " is read by " + s.carrier() + " but not live into its block: " + live);
        });
    }

    @TestFactory
    Stream<DynamicTest> livenessKillsWhatAStatementWrites() {
        return each(s -> {
            if (!(s.carrier() instanceof Statement)) return;
            BitSet live = Liveness.compute(s.fn(s.allLocals())).liveIn(new BlockId(0));
            Set<Local> killed = new LinkedHashSet<>(MirSamples.writes(s.carrier()));
            killed.removeAll(MirSamples.reads(s.carrier()));
            for (Local l : killed) assertFalse(live.get(l.index()), l + " is written by " + s.carrier() + " but still live before it");
        });
    }

    @TestFactory
    Stream<DynamicTest> theVerifierAcceptsEveryKind() {
        return each(s -> assertEquals(List.of(), MirVerifier.problems(s.fn()), MirPrinter.print(s.fn())));
    }

    @TestFactory
    Stream<DynamicTest> theVerifierChecksEveryLocalAndBlockAKindNames() {
        return each(s -> {
            Set<Object> named = new LinkedHashSet<>(MirSamples.nodes(s.carrier(), Local.class));
            named.addAll(MirSamples.nodes(s.carrier(), BlockId.class));
            for (Object target : named) {
                Object missing = target instanceof Local ? new Local(999) : new BlockId(99);
                Object broken = MirSamples.replace(s.carrier(), x -> x.equals(target) ? missing : x);
                assertFalse(MirVerifier.problems(s.fnWith(broken)).isEmpty(), "the verifier misses " + missing + " in " + broken);
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> successorsAreEveryBlockATerminatorNames() {
        return each(s -> {
            if (!(s.carrier() instanceof Terminator t)) return;
            assertEquals(new LinkedHashSet<>(MirSamples.nodes(t, BlockId.class)), new LinkedHashSet<>(t.successors()), t.toString());
        });
    }

    @TestFactory
    Stream<DynamicTest> renumberingMapsEveryBlockAndNothingElse() {
        int[] map = new int[10];
        for (int i = 0; i < map.length; i++) map[i] = i + 20;
        return each(s -> {
            if (!(s.carrier() instanceof Terminator t)) return;
            Terminator expected = MirSamples.replace(t, x -> x instanceof BlockId b ? new BlockId(map[b.index()]) : x);
            assertEquals(expected, Renumber.terminator(t, map));
        });
    }

    @TestFactory
    Stream<DynamicTest> thePrinterShowsEveryLocalAndBlockAKindNames() {
        return each(s -> {
            String text = MirPrinter.print(s.fn());
            String line = s.carrier().toString();
            assertTrue(text.contains(line), text);
            for (Object named : names(s.carrier()))
                assertTrue(Pattern.compile(Pattern.quote(named.toString()) + "\\b").matcher(line).find(), named + " missing from `" + line + "`");
        });
    }

    private static List<Object> names(Object carrier) {
        List<Object> out = new ArrayList<>(MirSamples.nodes(carrier, Local.class));
        out.addAll(MirSamples.nodes(carrier, BlockId.class));
        return out;
    }

    private static Stream<DynamicTest> each(Consumer<Sample> check) {
        return MirSamples.all().stream().map(s -> DynamicTest.dynamicTest(s.name(), () -> check.accept(s)));
    }
}

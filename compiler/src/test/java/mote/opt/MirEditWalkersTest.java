package mote.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.Consumer;
import java.util.stream.Stream;
import mote.mir.BlockId;
import mote.mir.Local;
import mote.mir.Statement;
import mote.mir.Terminator;
import mote.testutil.MirSamples;
import mote.testutil.MirSamples.Sample;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every kind of every sealed MIR family (see {@link MirSamples}) through the renamings the
 * optimization passes share: inlining renames a callee's locals, blocks and `join` children
 * into its caller, so a kind whose local {@link MirEdit} left unrenamed would read the
 * caller's unrelated local. Each renaming must equal the kind-blind one of
 * {@link MirSamples#replace} (and leave everything else as it was).
 */
class MirEditWalkersTest {
    @TestFactory
    Stream<DynamicTest> renamingMapsEveryLocalAndBlock() {
        return each(s -> {
            Object expected = MirSamples.replace(s.carrier(),
                    x -> x instanceof Local l ? new Local(l.index() + 100) : new BlockId(((BlockId) x).index() + 50));
            Object renamed = s.carrier() instanceof Statement st
                    ? MirEdit.mapStatement(st, l -> new Local(l.index() + 100))
                    : MirEdit.mapTerminator((Terminator) s.carrier(), l -> new Local(l.index() + 100), b -> new BlockId(b.index() + 50));
            assertEquals(expected, renamed);
        });
    }

    @TestFactory
    Stream<DynamicTest> inliningRenumbersEveryChild() {
        return each(s -> {
            if (!(s.carrier() instanceof Terminator t)) return;
            Terminator renumbered = Inline.renumberChildren(t, 10);
            assertEquals(MirSamples.children(t).stream().map(c -> c + 10).toList(), MirSamples.children(renumbered), t.toString());
            assertEquals(t, Inline.renumberChildren(renumbered, -10), "nothing but the child numbers changes");
        });
    }

    private static Stream<DynamicTest> each(Consumer<Sample> check) {
        return MirSamples.all().stream().map(s -> DynamicTest.dynamicTest(s.name(), () -> check.accept(s)));
    }
}

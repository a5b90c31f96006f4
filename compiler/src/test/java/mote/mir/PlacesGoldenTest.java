package mote.mir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import mote.Compiler;
import mote.async.StateMachine;
import mote.testutil.Golden;
import mote.testutil.TestFiles;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * MIR places and aggregates, and how async lowering treats borrowed locals: golden MIR and
 * layouts of {@code resources/mir/*.mote} (MOTE_BLESS=1 to update, then review the diff).
 */
class PlacesGoldenTest {
    static Compiler.Analysis analyze(String name) {
        return Compiler.analyze(Compiler.read(TestFiles.resources("mir").resolve(name + ".mote")));
    }

    @TestFactory
    Stream<DynamicTest> goldenMirAndLayouts() {
        Path dir = TestFiles.resources("golden/places");
        return Stream.of("places", "borrow").map(name -> DynamicTest.dynamicTest(name, () -> {
            Compiler.Analysis a = analyze(name);
            Golden.assertMatches(dir.resolve(name + ".mir"), a.mirText());
            Golden.assertMatches(dir.resolve(name + ".layout"), a.layoutText());
        }));
    }

    @Test
    void borrowedLocalsArePinnedInTheStateAndNeverSaved() {
        Compiler.Analysis a = analyze("borrow");
        MirFn main = a.mir().function("main");
        StateMachine m = a.machines().get("main");
        Local n = null;
        for (int i = 0; i < main.locals().size(); i++) if ("n".equals(main.locals().get(i).name())) n = new Local(i);
        assertNotNull(n);
        StateMachine.Slot pinned = m.pinnedSlot(n);
        assertNotNull(pinned, "n is borrowed: it must live in the state");
        for (StateMachine.State s : m.suspendStates()) assertNull(m.slot(s, n), "a pinned local is never saved");
        // The aggregate `pair` is live across both awaits: saved by value (8 bytes), in the prefix.
        List<StateMachine.Slot> pairs = m.suspendStates().stream().flatMap(s -> s.saved().stream()).filter(s -> "pair".equals(s.name())).toList();
        assertEquals(2, pairs.size());
        assertEquals(8, pairs.get(0).size());
        assertTrue(pinned.offset() + pinned.size() <= m.size());
    }

    @Test
    void boundsChecksAreAssertsWithRustsMessage() {
        String mir = analyze("places").mirText();
        assertTrue(mir.contains("\"index out of bounds: the len is \""), mir);
        assertTrue(mir.contains("(*_"), "derefs through references: " + mir);
    }
}

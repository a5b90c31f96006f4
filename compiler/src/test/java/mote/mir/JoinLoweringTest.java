package mote.mir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import mote.Compiler;
import mote.async.StateMachine;
import mote.testutil.Golden;
import mote.testutil.TestFiles;
import org.junit.jupiter.api.Test;

/**
 * How `join`/`race` lower, nested ones included: golden MIR and layout of
 * {@code resources/mir/nested_join.mote} (MOTE_BLESS=1 to update, then review the diff).
 */
class JoinLoweringTest {
    static final Path SOURCE = TestFiles.resources("mir").resolve("nested_join.mote");

    @Test
    void goldenMirAndLayout() {
        Compiler.Analysis a = Compiler.analyze(Compiler.read(SOURCE));
        Path dir = TestFiles.resources("golden/join");
        Golden.assertMatches(dir.resolve("nested_join.mir"), a.mirText());
        Golden.assertMatches(dir.resolve("nested_join.layout"), a.layoutText());
    }

    @Test
    void aNestedRaceWaitsInTheOutermostSuspendWithChildrenOfItsOwn() {
        Compiler.Analysis a = Compiler.analyze(Compiler.read(SOURCE));
        MirFn main = a.mir().function("main");
        List<Terminator.Suspend> suspends = suspendsOf(main);
        assertEquals(1, suspends.size(), "the nested race does not suspend on its own");
        Terminator.Suspend su = suspends.get(0);
        assertEquals(4, su.children().stream().distinct().count(), "two outer branches, two inner ones");
        // The outer first branch waits either on its own child or in the race (a null site).
        Terminator.ChildWait first = su.waits().get(0);
        assertTrue(first.sites().contains(null), first.toString());
        StateMachine.State waiting = a.machines().get("main").suspendStates().get(0);
        assertEquals(4, waiting.children().size());
        assertNull(waiting.awaitee());
        // Every flag a cancel reads is saved in that state.
        for (Terminator.ChildWait w : su.waits())
            for (Local l : List.of(w.started(), w.done(), w.pc()))
                assertTrue(a.machines().get("main").slot(waiting, l) != null, "not saved: " + l);
    }

    @Test
    void aBranchPositionIsOneByteAndABranchWithMoreWaitsIsRefused() {
        Compiler.Analysis a = Compiler.analyze(Compiler.read(SOURCE));
        for (Terminator.ChildWait w : suspendsOf(a.mir().function("main")).get(0).waits())
            assertEquals(mote.types.Type.U8, a.mir().function("main").typeOf(w.pc()));
        String many = "async fn main() -> i32 {\n    join {\n" + "        yield_now().await;\n".repeat(257)
                + "    } and {\n        yield_now().await;\n    }\n    0\n}\n";
        mote.diag.ToolError e = org.junit.jupiter.api.Assertions.assertThrows(mote.diag.ToolError.class,
                () -> Compiler.analyze(mote.diag.SourceFile.of("many.mote", many)));
        assertTrue(e.getMessage().contains("at most 256 places") && e.getMessage().contains("many.mote:"), e.getMessage());
    }

    static List<Terminator.Suspend> suspendsOf(MirFn fn) {
        return fn.blocks().stream().map(BasicBlock::terminator).filter(t -> t instanceof Terminator.Suspend)
                .map(t -> (Terminator.Suspend) t).toList();
    }
}

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
public class JoinLoweringTest {
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
        mote.diag.CompileError e = org.junit.jupiter.api.Assertions.assertThrows(mote.diag.CompileError.class,
                () -> Compiler.analyze(mote.diag.SourceFile.of("many.mote", many)));
        // A diagnostic with its code, at the 257th await (line 259), shown with its source line.
        mote.diag.Diagnostic d = e.diagnostics().all().get(0);
        assertEquals("E0425", d.code());
        assertTrue(d.message().contains("at most 256 places"), d.message());
        assertTrue(e.diagnostics().render().contains("many.mote:259:9"), e.diagnostics().render());
        assertTrue(e.diagnostics().render().contains("259 |         yield_now().await;"), e.diagnostics().render());
    }

    /** Céu's shape: one `join` branch runs three `race`s in turn while another branch waits. */
    public static final String SEQUENTIAL_RACES = """
            static A: Channel<u32, 2>;
            async fn main() -> i32 {
                let mut total: u32 = 0;
                join {
                    race { total += A.recv().await; } or { sleep_ms(5).await; }
                    race { total += A.recv().await; } or { sleep_ms(5).await; }
                    race { total += A.recv().await; } or { sleep_ms(5).await; }
                } and {
                    sleep_ms(1).await;
                }
                total as i32
            }
            """;

    @Test
    void sequentialRacesInAJoinBranchShareTheirChildrensBytesUnderOverlapLayout() {
        var source = mote.diag.SourceFile.of("races.mote", SEQUENTIAL_RACES);
        var all = Compiler.analyze(source, java.util.EnumSet.allOf(mote.opt.Optimization.class), false, true);
        var none = Compiler.analyze(source, java.util.EnumSet.noneOf(mote.opt.Optimization.class), false, true);
        StateMachine.State shared = all.machines().get("main").suspendStates().get(0);
        StateMachine.State separate = none.machines().get("main").suspendStates().get(0);
        assertEquals(8, shared.children().size());
        // Children 2-3, 4-5 and 6-7 are the three races, nested in child 0: each race reuses the
        // first one's bytes with overlap-layout, and has bytes of its own without it.
        for (int first : new int[] {4, 6}) {
            assertEquals(shared.children().get(2).offset(), shared.children().get(first).offset(), shared.children().toString());
            assertEquals(shared.children().get(3).offset(), shared.children().get(first + 1).offset(), shared.children().toString());
        }
        java.util.Set<Integer> offsets = new java.util.HashSet<>();
        for (StateMachine.Child c : separate.children()) if (c.size() > 0) assertTrue(offsets.add(c.offset()), separate.children().toString());
        // Two races' children (one recv and one sleep node each) fewer bytes; the layout verifier
        // accepted both machines.
        int raceBytes = shared.children().get(2).size() + shared.children().get(3).size();
        assertTrue(none.machines().get("main").size() - all.machines().get("main").size() >= 2 * raceBytes,
                "none " + none.machines().get("main").size() + ", all " + all.machines().get("main").size());
    }

    static List<Terminator.Suspend> suspendsOf(MirFn fn) {
        return fn.blocks().stream().map(BasicBlock::terminator).filter(t -> t instanceof Terminator.Suspend)
                .map(t -> (Terminator.Suspend) t).toList();
    }
}

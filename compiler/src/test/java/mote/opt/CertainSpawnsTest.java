package mote.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.Set;
import mote.Compiler;
import mote.mir.MirFn;
import mote.mir.PrintItem;
import mote.mir.Terminator;
import mote.testutil.TestFiles;
import org.junit.jupiter.api.Test;

/** The "task pool exhausted" check stays exactly where a spawn can fail. */
class CertainSpawnsTest {
    static Compiler.Analysis analyze(Set<Optimization> opts) {
        return Compiler.analyze(Compiler.read(TestFiles.resources("opt").resolve("spawns.mote")), opts, false, true);
    }

    static long poolChecks(MirFn fn) {
        return fn.blocks().stream().filter(b -> b.terminator() instanceof Terminator.Assert a
                && a.message().stream().anyMatch(i -> i instanceof PrintItem.Text t && new String(t.bytes()).equals("task pool exhausted"))).count();
    }

    @Test
    void onlySpawnsRunOnceFromTheEntryWithinTheirPoolAreCertain() {
        Compiler.Analysis none = analyze(EnumSet.noneOf(Optimization.class));
        // start_helper is awaited twice: its spawn may run twice, so from_a_helper is not
        // certain even after inlining copies it into main (two sites, pool of one).
        assertEquals(Set.of("once", "twice_in_a_pool_of_two", "spawner"), CertainSpawns.certainTasks(none.mir()));
        assertEquals(Set.of("once", "twice_in_a_pool_of_two", "spawner"),
                CertainSpawns.certainTasks(analyze(EnumSet.allOf(Optimization.class)).mir()));
    }

    @Test
    void certainSpawnsLoseTheirCheckAndTheOthersKeepIt() {
        // main: `twice` twice (kept); once, twice_in_a_pool_of_two x2 and spawner dropped;
        // in_a_loop is a try_spawn (no check). The task `spawner` keeps its own check.
        Compiler.Analysis none = analyze(EnumSet.noneOf(Optimization.class));
        assertEquals(2, poolChecks(none.mir().function("main")));
        assertEquals(1, poolChecks(none.mir().function("spawner")));
        assertEquals(1, poolChecks(none.mir().function("start_helper")));
        long marked = none.mir().function("main").blocks().stream().flatMap(b -> b.statements().stream())
                .filter(s -> s instanceof mote.mir.Statement.Assign a && a.value() instanceof mote.mir.Rvalue.Spawn sp && sp.certain()).count();
        assertEquals(4, marked, "once, twice_in_a_pool_of_two (twice) and spawner are marked certain for codegen");
    }
}

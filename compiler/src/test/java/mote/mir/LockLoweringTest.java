package mote.mir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import mote.Compiler;
import mote.async.StateMachine;
import mote.opt.Optimization;
import mote.testutil.Golden;
import mote.testutil.TestFiles;
import mote.types.Type;
import org.junit.jupiter.api.Test;

/**
 * How `lock` lowers: golden MIR and layout of {@code resources/mir/lock_race.mote}
 * (MOTE_BLESS=1 to update, then review the diff), and what the cancel code relies on: every
 * suspension inside a lock block lists its mutex as held, and every state keeps the mutexes
 * held there, also where the block never ends on its own.
 */
class LockLoweringTest {
    static final Path SOURCE = TestFiles.resources("mir").resolve("lock_race.mote");

    @Test
    void goldenMirAndLayout() {
        Compiler.Analysis a = Compiler.analyze(Compiler.read(SOURCE));
        Path dir = TestFiles.resources("golden/lock");
        Golden.assertMatches(dir.resolve("lock_race.mir"), a.mirText());
        Golden.assertMatches(dir.resolve("lock_race.layout"), a.layoutText());
    }

    @Test
    void awaitsInsideALockHoldItAndOnlyThose() {
        MirFn main = Compiler.analyze(Compiler.read(SOURCE), EnumSet.noneOf(Optimization.class), false, true).mir().function("main");
        List<Terminator.Await> awaits = awaits(main);
        // lock, then yield_now inside the block of the for loop; the race's are child polls.
        assertEquals(List.of("lock<Mutex<u32>>", "yield_now"), awaits.stream().map(a -> a.callee().toString()).toList());
        assertEquals(List.of(), awaits.get(0).held(), "taking the lock holds nothing yet");
        assertEquals(1, awaits.get(1).held().size(), "the yield inside the block holds the mutex");
        assertTrue(main.typeOf(awaits.get(1).held().get(0)) instanceof Type.Ref r && r.target() instanceof Type.Mutex);
        // The race branch holding the lock: its sleep site holds it, its lock site does not.
        Terminator.Suspend race = suspends(main).get(0);
        Terminator.ChildWait holder = race.waits().get(0);
        assertEquals(List.of("lock<Mutex<u32>>", "sleep_ms"), holder.sites().stream().map(Object::toString).toList());
        assertEquals(0, holder.held().get(0).size());
        assertEquals(1, holder.held().get(1).size());
        // The cancel path of that branch unlocks the mutex the site holds.
        assertTrue(main.blocks().stream().anyMatch(b -> b.terminator() instanceof Terminator.CancelChild cc
                && cc.callee() instanceof Callee.Builtin sleep && sleep.isSleep()
                && main.block(cc.next()).statements().contains(new Statement.Unlock(Operand.of(holder.held().get(1).get(0))))),
                MirPrinter.print(main));
    }

    @Test
    void aStateKeepsTheMutexesHeldThereEvenWhenTheBlockNeverEnds() {
        for (EnumSet<Optimization> opts : List.of(EnumSet.noneOf(Optimization.class), EnumSet.allOf(Optimization.class))) {
            Compiler.Analysis a = Compiler.analyze(Compiler.read(SOURCE), opts, false, true);
            for (MirFn f : a.mir().functions()) {
                StateMachine m = a.machines().get(f.name());
                if (m == null) continue;
                for (StateMachine.State st : m.suspendStates()) {
                    Terminator t = f.block(st.awaitBlock()).terminator();
                    List<Local> held = new ArrayList<>();
                    if (t instanceof Terminator.Await aw) held.addAll(aw.held());
                    if (t instanceof Terminator.Suspend su) {
                        held.addAll(su.held());
                        for (Terminator.ChildWait w : su.waits()) held.addAll(w.allHeld());
                    }
                    for (Local l : held) assertNotNull(m.slot(st, l), f.name() + " " + st.name() + " does not keep " + l + " under " + opts);
                }
            }
            // forever's sleep loops inside its lock block: its state still keeps the mutex.
            MirFn forever = a.mir().function("forever");
            if (forever != null) assertTrue(awaits(forever).stream().anyMatch(aw -> aw.callee() instanceof Callee.Builtin sleep && sleep.isSleep()
                    && aw.held().size() == 1));
        }
    }

    private static List<Terminator.Await> awaits(MirFn f) {
        List<Terminator.Await> out = new ArrayList<>();
        for (BasicBlock b : f.blocks()) if (b.terminator() instanceof Terminator.Await a) out.add(a);
        return out;
    }

    private static List<Terminator.Suspend> suspends(MirFn f) {
        List<Terminator.Suspend> out = new ArrayList<>();
        for (BasicBlock b : f.blocks()) if (b.terminator() instanceof Terminator.Suspend s) out.add(s);
        return out;
    }
}

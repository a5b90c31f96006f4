package mote.async;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import mote.Compiler;
import mote.diag.SourceFile;
import mote.mir.Local;
import mote.mir.MirFn;
import org.junit.jupiter.api.Test;

/**
 * The layout verifier on layouts broken by hand, one rule each, starting from the baseline
 * machine of a small fn: `a` (u32) and `b` (u64) saved across a sleep, `x` borrowed (pinned):
 *
 * <pre>
 *   discriminant u8 @0, x @4 (pinned); Suspend0: a @8, awaitee sleep_ms @12 [16], b @32; 40 bytes, align 8
 * </pre>
 *
 * Every program of the suite also goes through it: {@code Compiler.analyze} runs it always.
 * The program reads the clock (after its await, so nothing more is saved) for its sleep to
 * keep the timer queue's 16-byte node, as these layouts assume.
 */
class LayoutVerifierTest {
    static final String SOURCE = """
            async fn main() -> i32 {
                let a: u32 = 7;
                let b: u64 = 9;
                let mut x: u32 = 1;
                let r = &mut x;
                *r += 1;
                sleep_ms(1).await;
                let _t = ticks();
                (a + (b as u32) + x) as i32
            }
            """;

    final Compiler.Analysis analysis = Compiler.analyze(SourceFile.of("layout.mote", SOURCE));
    final MirFn fn = analysis.mir().function("main");
    final StateMachine machine = analysis.machines().get("main");
    final StateMachine.State suspend = machine.suspendStates().get(0);

    Local local(String name) {
        for (int i = 0; i < fn.locals().size(); i++) if (name.equals(fn.locals().get(i).name())) return new Local(i);
        throw new AssertionError("no local " + name);
    }

    StateMachine.Slot saved(String name) {
        StateMachine.Slot s = machine.slot(suspend, local(name));
        if (s == null) throw new AssertionError(name + " not saved in " + suspend);
        return s;
    }

    @Test
    void theLayoutAsLoweredIsSound() {
        assertTrue(machine.pinnedSlot(local("x")) != null && saved("a").offset() == 8 && saved("b").offset() == 32
                && suspend.awaitee().offset() == 12 && machine.size() == 40, StateMachinePrinter.print(analysis.machines()));
        LayoutVerifier.verify(machine, fn);
    }

    @Test
    void aStateNumberMustFitTheDiscriminant() {
        StateMachine broken = withSuspend(s -> new StateMachine.State(256, s.kind(), s.name(), s.saved(), s.awaitee(), s.awaitBlock()));
        fails(broken, "state Suspend0 is number 256, which does not fit its 8-bit discriminant");
    }

    @Test
    void aWiderDiscriminantTakesMoreStates() {
        StateMachine wide = new StateMachine(machine.function(),
                replaceSuspend(machine, s -> new StateMachine.State(300, s.kind(), s.name(), s.saved(), s.awaitee(), s.awaitBlock())),
                machine.tagOffset(), 2, machine.size(), machine.align(), machine.stateOfAwait(), machine.eagerStart(),
                machine.returnedPending(), machine.pinned());
        LayoutVerifier.verify(wide, fn);
    }

    @Test
    void fieldsOfOneStateMustNotOverlap() {
        StateMachine broken = withSaved("a", slot -> moved(slot, 24));   // onto the awaitee
        fails(broken, "state Suspend0 (3): _1 (a) [24, 28) and awaitee sleep_ms [12, 28) overlap");
    }

    @Test
    void aFieldMustNotOverlapTheDiscriminant() {
        StateMachine broken = withSaved("a", slot -> moved(slot, 0));
        fails(broken, "discriminant [0, 1) and _1 (a) [0, 4) overlap");
    }

    @Test
    void aPinnedFieldStaysOutsideEveryState() {
        StateMachine broken = withSaved("a", slot -> moved(slot, 4));   // onto x, pinned at 4
        fails(broken, "_3 (x) [4, 8) and _1 (a) [4, 8) overlap (pinned _3 (x) must stay outside every state's fields)");
    }

    @Test
    void aBorrowedLocalMustBePinned() {
        StateMachine broken = new StateMachine(machine.function(), machine.states(), machine.tagOffset(), machine.tagSize(),
                machine.size(), machine.align(), machine.stateOfAwait(), machine.eagerStart(), machine.returnedPending(), List.of());
        fails(broken, "borrowed local _3 is not pinned");
    }

    @Test
    void aSavedLocalMustBeLiveAcrossItsSuspension() {
        Local r = local("r");
        StateMachine grown = new StateMachine(machine.function(), replaceSuspend(machine, s -> {
            List<StateMachine.Slot> slots = new ArrayList<>(s.saved());
            slots.add(new StateMachine.Slot(r, "r", fn.typeOf(r), 40));
            return new StateMachine.State(s.index(), s.kind(), s.name(), slots, s.awaitee(), s.awaitBlock());
        }), machine.tagOffset(), machine.tagSize(), 48, machine.align(), machine.stateOfAwait(), machine.eagerStart(),
                machine.returnedPending(), machine.pinned());
        fails(grown, "state Suspend0 (3): saves " + r + ", which is not live across bb0");
    }

    @Test
    void aLiveLocalMustBeSaved() {
        StateMachine broken = withSuspend(s -> new StateMachine.State(s.index(), s.kind(), s.name(),
                s.saved().stream().filter(slot -> !slot.local().equals(local("b"))).toList(), s.awaitee(), s.awaitBlock()));
        fails(broken, "state Suspend0 (3): _2 is live across bb0 but neither saved nor pinned");
    }

    @Test
    void aFieldMustLieInsideTheObject() {
        StateMachine small = new StateMachine(machine.function(), machine.states(), machine.tagOffset(), machine.tagSize(),
                32, machine.align(), machine.stateOfAwait(), machine.eagerStart(), machine.returnedPending(), machine.pinned());
        fails(small, "_2 (b) [32, 40) lies outside the 32-byte object");
    }

    @Test
    void aFieldMustBeAligned() {
        fails(withSaved("b", slot -> moved(slot, 12)), "_2 (b) [12, 20) is not aligned to 8");
    }

    @Test
    void childrenShareBytesOnlyWhenTheyTakeTurns() {
        // Three races in turn in one join branch (see JoinLoweringTest): as lowered, the later
        // races reuse the first one's bytes, and that passes.
        SourceFile races = SourceFile.of("races.mote", mote.mir.JoinLoweringTest.SEQUENTIAL_RACES);
        Compiler.Analysis a = Compiler.analyze(races, java.util.EnumSet.allOf(mote.opt.Optimization.class), false, true);
        MirFn main = a.mir().function("main");
        StateMachine m = a.machines().get("main");
        LayoutVerifier.verify(m, main);
        // Child 3 (the first race's timer) moved onto child 1 (the join's other branch, which
        // waits at the same time): refused.
        StateMachine.Child other = m.child(1);
        StateMachine broken = new StateMachine(m.function(), replaceSuspend(m, s -> new StateMachine.State(s.index(), s.kind(), s.name(),
                s.saved(), s.awaitee(), s.awaitBlock(), s.children().stream().map(c -> c.id() != 3 ? c
                        : new StateMachine.Child(c.id(), other.offset(), c.size(), c.align(), c.parent(), c.group())).toList())),
                m.tagOffset(), m.tagSize(), m.size(), m.align(), m.stateOfAwait(), m.eagerStart(), m.returnedPending(), m.pinned());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> LayoutVerifier.verify(broken, main));
        assertTrue(e.getMessage().contains("child1") && e.getMessage().contains("child3") && e.getMessage().contains("overlap"), e.getMessage());
    }

    // ---------------------------------------------------------------- helpers

    void fails(StateMachine broken, String expected) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> LayoutVerifier.verify(broken, fn));
        assertTrue(e.getMessage().startsWith("layout verifier: state machine of main "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    static StateMachine.Slot moved(StateMachine.Slot slot, int offset) {
        return new StateMachine.Slot(slot.local(), slot.name(), slot.type(), offset);
    }

    StateMachine withSaved(String name, UnaryOperator<StateMachine.Slot> change) {
        Local l = local(name);
        return withSuspend(s -> new StateMachine.State(s.index(), s.kind(), s.name(),
                s.saved().stream().map(slot -> slot.local().equals(l) ? change.apply(slot) : slot).toList(), s.awaitee(), s.awaitBlock()));
    }

    StateMachine withSuspend(UnaryOperator<StateMachine.State> change) {
        return new StateMachine(machine.function(), replaceSuspend(machine, change), machine.tagOffset(), machine.tagSize(),
                machine.size(), machine.align(), machine.stateOfAwait(), machine.eagerStart(), machine.returnedPending(), machine.pinned());
    }

    static List<StateMachine.State> replaceSuspend(StateMachine m, UnaryOperator<StateMachine.State> change) {
        return m.states().stream().map(s -> s.kind() == StateMachine.Kind.SUSPENDED ? change.apply(s) : s).toList();
    }
}

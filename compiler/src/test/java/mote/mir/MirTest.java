package mote.mir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.List;
import mote.Compiler;
import mote.diag.SourceFile;
import mote.types.Type;
import org.junit.jupiter.api.Test;

/** MIR on its own: the verifier catches broken functions, liveness finds what an await must save. */
class MirTest {
    static MirFn fn(String source, String name) {
        return Compiler.analyze(SourceFile.of("t.mote", source)).mir().function(name);
    }

    @Test
    void verifierRejectsAJumpToAMissingBlock() {
        MirFn broken = new MirFn("f", false, List.of(), new Local(0), Type.UNIT, List.of(new LocalDecl(null, Type.UNIT, null)),
                List.of(new BasicBlock(List.of(), new Terminator.Goto(new BlockId(3)))), null);
        List<String> problems = MirVerifier.problems(broken);
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).contains("jumps to missing bb3"), problems.get(0));
    }

    /** `&mut T` where `&T` goes, as the checker allows (a `let`, an inlined parameter); nothing else. */
    @Test
    void verifierAcceptsASharedBorrowFromAMutableOneOnly() {
        Type.Ref shared = new Type.Ref(false, Type.U32), unique = new Type.Ref(true, Type.U32);
        assertTrue(MirVerifier.assignable(shared, unique));
        assertTrue(MirVerifier.assignable(unique, unique));
        assertTrue(!MirVerifier.assignable(unique, shared), "a shared reference never becomes a mutable one");
        assertTrue(!MirVerifier.assignable(shared, new Type.Ref(true, Type.U8)), "of the same type only");
    }

    @Test
    void verifierRejectsAnAwaitInASyncFn() {
        MirFn broken = new MirFn("f", false, List.of(), new Local(0), Type.UNIT, List.of(new LocalDecl(null, Type.UNIT, null)),
                List.of(new BasicBlock(List.of(), new Terminator.Await(Callee.Builtin.YIELD_NOW, List.of(), new Local(0), new BlockId(1), null)),
                        new BasicBlock(List.of(), new Terminator.Return())), null);
        assertTrue(MirVerifier.problems(broken).get(0).contains("await in a sync fn"));
    }

    @Test
    void verifierRejectsMismatchedOperands() {
        List<LocalDecl> locals = List.of(new LocalDecl(null, Type.U32, null), new LocalDecl(null, Type.U8, null));
        MirFn broken = new MirFn("f", false, List.of(), new Local(0), Type.U32, locals,
                List.of(new BasicBlock(List.of(new Statement.Assign(new Local(0),
                        new Rvalue.Binary(BinOp.ADD, Operand.of(new Local(0)), Operand.of(new Local(1))))),
                        new Terminator.Return())), null);
        assertFalse(MirVerifier.problems(broken).isEmpty());
    }

    @Test
    void onlyValuesUsedAfterTheAwaitAreLiveAcrossIt() {
        MirFn f = fn("""
                async fn g(a: u32, b: u32) -> u32 {
                    let used_after = a + 1;
                    let dead_after = b * 2;
                    yield_now().await;
                    used_after
                }
                async fn main() -> i32 { g(1, 2).await as i32 }
                """, "g");
        Liveness live = Liveness.compute(f);
        Terminator.Await await = null;
        for (BasicBlock b : f.blocks()) if (b.terminator() instanceof Terminator.Await a) await = a;
        BitSet across = live.liveIn(await.resume());
        across.clear(await.dest().index());
        List<String> names = across.stream().mapToObj(i -> f.locals().get(i).name()).toList();
        assertEquals(List.of("used_after"), names);
    }

    private static final List<LocalDecl> JOIN_LOCALS = List.of(new LocalDecl(null, Type.UNIT, null),
            new LocalDecl(null, Type.BOOL, null), new LocalDecl(null, Type.BOOL, null), new LocalDecl(null, Type.U32, null));

    private static Terminator.ChildWait waitOf(int child) {
        return new Terminator.ChildWait(child, new Local(1), new Local(2), new Local(3), List.of());
    }

    @Test
    void verifierRejectsAChildSharedByTwoJoins() {
        MirFn broken = new MirFn("f", true, List.of(), new Local(0), Type.UNIT, JOIN_LOCALS, List.of(
                new BasicBlock(List.of(), new Terminator.Suspend(new BlockId(1), List.of(waitOf(0), waitOf(1)))),
                new BasicBlock(List.of(), new Terminator.Suspend(new BlockId(2), List.of(waitOf(1)))),
                new BasicBlock(List.of(), new Terminator.Return())), null);
        assertTrue(MirVerifier.problems(broken).get(0).contains("child1 belongs to the suspends of bb0 and bb1"),
                MirVerifier.problems(broken).toString());
    }

    @Test
    void verifierRejectsAChildWaitWithLocalsOfTheWrongType() {
        Terminator.ChildWait swapped = new Terminator.ChildWait(0, new Local(3), new Local(2), new Local(1), List.of());
        MirFn broken = new MirFn("f", true, List.of(), new Local(0), Type.UNIT, JOIN_LOCALS, List.of(
                new BasicBlock(List.of(), new Terminator.Suspend(new BlockId(1), List.of(swapped))),
                new BasicBlock(List.of(), new Terminator.Return())), null);
        assertTrue(MirVerifier.problems(broken).toString().contains("child0"), MirVerifier.problems(broken).toString());
    }

    /** Spawn arguments, asserts and exits were not checked (MirWalkersTest checks every kind). */
    @Test
    void verifierChecksTheLocalsOfSpawnsAssertsAndExits() {
        List<LocalDecl> locals = List.of(new LocalDecl(null, Type.BOOL, null));
        Local missing = new Local(7);
        List<Terminator> ends = List.of(
                new Terminator.Assert(Operand.of(missing), List.of(), null, new BlockId(1)),
                new Terminator.Exit(Operand.of(missing)));
        for (Terminator end : ends) {
            MirFn broken = new MirFn("f", true, List.of(), new Local(0), Type.BOOL, locals,
                    List.of(new BasicBlock(List.of(), end), new BasicBlock(List.of(), new Terminator.Return())), null);
            assertTrue(MirVerifier.problems(broken).toString().contains("missing local _7"), end + ": " + MirVerifier.problems(broken));
        }
        MirFn spawn = new MirFn("f", false, List.of(), new Local(0), Type.BOOL, locals,
                List.of(new BasicBlock(List.of(new Statement.Assign(new Local(0), new Rvalue.Spawn("t", List.of(Operand.of(missing))))),
                        new Terminator.Return())), null);
        assertTrue(MirVerifier.problems(spawn).toString().contains("missing local _7"), MirVerifier.problems(spawn).toString());
    }
}

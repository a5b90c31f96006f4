package mote.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import mote.mir.BasicBlock;
import mote.mir.BlockId;
import mote.mir.Callee;
import mote.mir.Local;
import mote.mir.LocalDecl;
import mote.mir.MirFn;
import mote.mir.MirVerifier;
import mote.mir.Operand;
import mote.mir.PrintItem;
import mote.mir.Rvalue;
import mote.mir.Statement;
import mote.mir.Terminator;
import mote.mir.UnOp;
import mote.types.Type;
import org.junit.jupiter.api.Test;

/**
 * merge-states on hand-built MIR: which pairs of awaits may share a state. (The examples'
 * goldens show it on real programs; OptimizationsTest asserts what it achieves there.)
 */
class MergeStatesTest {
    // _0 return, _1 the branch condition (a parameter), _2/_3 the two awaits' results, _4 a flag, _5 a temporary.
    static final List<LocalDecl> LOCALS = List.of(decl(Type.UNIT), decl(Type.BOOL), decl(Type.UNIT), decl(Type.UNIT),
            decl(Type.BOOL), decl(Type.BOOL));

    static LocalDecl decl(Type t) { return new LocalDecl(null, t, null); }

    static Local l(int i) { return new Local(i); }

    static BlockId bb(int i) { return new BlockId(i); }

    static Terminator.Await yieldTo(int dest, int resume) {
        return new Terminator.Await(Callee.Builtin.YIELD_NOW, List.of(), l(dest), bb(resume), null);
    }

    static Statement set(int local, boolean value) {
        return new Statement.Assign(l(local), new Rvalue.Use(new Operand.Const(Type.BOOL, value ? 1 : 0)));
    }

    /** bb0 branches on _1 to two yields; each continues through {@code thenPath}/{@code elsePath} to bb5, which prints _4. */
    static MirFn twoYields(List<Statement> thenPath, List<Statement> elsePath) {
        return new MirFn("f", true, List.of(l(1)), l(0), Type.UNIT, LOCALS, List.of(
                new BasicBlock(List.of(), new Terminator.If(Operand.of(l(1)), bb(1), bb(2))),
                new BasicBlock(List.of(), yieldTo(2, 3)),
                new BasicBlock(List.of(), yieldTo(3, 4)),
                new BasicBlock(thenPath, new Terminator.Goto(bb(5))),
                new BasicBlock(elsePath, new Terminator.Goto(bb(5))),
                new BasicBlock(List.of(new Statement.Print(List.of(new PrintItem.Value(Operand.of(l(4)), Type.BOOL)))),
                        new Terminator.Return())), null);
    }

    static long awaits(MirFn f) {
        return f.blocks().stream().filter(b -> b.terminator() instanceof Terminator.Await).count();
    }

    @Test
    void continuationsThatLandAlikeShareOneAwait() {
        // _4 = true, and _5 = false; _4 = !_5: different code, same landing (bb5 with _4 true).
        MirFn f = twoYields(List.of(set(4, true)),
                List.of(set(5, false), new Statement.Assign(l(4), new Rvalue.Unary(UnOp.NOT, Operand.of(l(5))))));
        MirFn merged = MergeStates.mergeIn(f);
        assertEquals(1, awaits(merged), merged.toString());
        assertTrue(MirVerifier.problems(merged).isEmpty(), MirVerifier.problems(merged).toString());
        // The shared continuation sets what bb5 reads before jumping there.
        Terminator.Await shared = (Terminator.Await) merged.blocks().stream().map(BasicBlock::terminator)
                .filter(t -> t instanceof Terminator.Await).findFirst().orElseThrow();
        assertTrue(merged.block(shared.resume()).statements().contains(set(4, true)), merged.toString());
    }

    @Test
    void continuationsThatLandWithDifferentConstantsStayApart() {
        MirFn f = twoYields(List.of(set(4, true)), List.of(set(4, false)));
        assertEquals(2, awaits(MergeStates.mergeIn(f)));
    }

    @Test
    void awaitsResumingAtTheSameBlockShareOneAwait() {
        MirFn f = new MirFn("f", true, List.of(l(1)), l(0), Type.UNIT, LOCALS, List.of(
                new BasicBlock(List.of(), new Terminator.If(Operand.of(l(1)), bb(1), bb(2))),
                new BasicBlock(List.of(), yieldTo(2, 3)),
                new BasicBlock(List.of(), yieldTo(3, 3)),
                new BasicBlock(List.of(), new Terminator.Return())), null);
        MirFn merged = MergeStates.mergeIn(f);
        assertEquals(1, awaits(merged), merged.toString());
        assertTrue(MirVerifier.problems(merged).isEmpty(), MirVerifier.problems(merged).toString());
    }

    /**
     * Resumes that are the same code once the first's result is renamed to the second's,
     * where the first names the second's result: `_3 = _2` and `_3 = _3`. Comparing the
     * resumes with each result replaced by a fresh local (how the search is made cheap)
     * would tell them apart; the exact renaming is checked for such pairs, so they share.
     */
    @Test
    void aResumeNamingTheOtherAwaitsResultIsComparedByRenaming() {
        MirFn f = twoYields(List.of(new Statement.Assign(l(3), new Rvalue.Use(Operand.of(l(2))))),
                List.of(new Statement.Assign(l(3), new Rvalue.Use(Operand.of(l(3))))));
        MirFn merged = MergeStates.mergeIn(f);
        assertEquals(1, awaits(merged), merged.toString());
        assertTrue(MirVerifier.problems(merged).isEmpty(), MirVerifier.problems(merged).toString());
    }
}

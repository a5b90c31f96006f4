package mote.mir;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import mote.ast.Expr;
import mote.diag.Span;
import mote.types.Symbol;
import mote.types.Type;
import mote.types.TypedProgram;

/**
 * The control-flow graph of one function while {@link MirBuilder} lowers it: its locals, its
 * blocks and the current one, the loops and `critical` and `lock` blocks open, and the primitives that add
 * to it (a local, a block, a statement, a terminator); {@code finish} drops unreachable blocks.
 *
 * The lowering of one function is one object whose methods are split by responsibility into a
 * sealed chain of classes, one a file: CfgBuilder, {@link PlaceLowering},
 * {@link ArithmeticLowering}, {@link PrintLowering}, {@link MatchLowering}, {@link JoinRaceLowering},
 * and on top {@code MirBuilder.FnBuilder}, the walk over expressions. Members are package-private,
 * so every file works on this one graph; a lower file lowers sub-expressions through the abstract
 * methods at the end of this class, which the walk implements.
 */
abstract sealed class CfgBuilder permits PlaceLowering {
    static final class BlockData {
        final List<Statement> statements = new ArrayList<>();
        Terminator terminator;
    }

    /** {@code exits}: how many `critical` and `lock` blocks were open where the loop started. */
    record LoopTarget(BlockId breakTo, BlockId continueTo, Local breakValue, int exits) {}

    final TypedProgram program;
    final Symbol.Fn fn;
    final List<LocalDecl> locals = new ArrayList<>();
    final List<BlockData> blocks = new ArrayList<>();
    final Map<Symbol.LocalVar, Local> vars = new IdentityHashMap<>();
    /** The loops being lowered, by their AST node (a `break` names its loop through TypedProgram.loopTarget). */
    final Map<Expr, LoopTarget> loops = new IdentityHashMap<>();
    final boolean debug;
    final boolean lineMarks;
    /**
     * What leaving each `critical` or `lock` block being lowered runs (restoring the saved
     * interrupt mask, releasing the mutex), innermost last: a break, continue, return or `?`
     * out of some of them runs theirs.
     */
    final List<Statement> scopeExits = new ArrayList<>();
    /** The Mutexes the `lock` blocks being lowered hold (pointers), innermost last. */
    final List<Local> locks = new ArrayList<>();
    BlockId current;
    Local returnLocal;

    CfgBuilder(TypedProgram program, Symbol.Fn fn, boolean debug, boolean lineMarks) {
        this.program = program;
        this.fn = fn;
        this.debug = debug;
        this.lineMarks = lineMarks;
    }

    /** Leaves the `critical` and `lock` blocks above depth {@code depth} (on break, continue, return, `?`). */
    void exitScopes(int depth) {
        for (int i = scopeExits.size() - 1; i >= depth; i--) emit(scopeExits.get(i));
    }

    // ------------------------------------------------------------ blocks and locals

    Local newLocal(String name, Type type, Span span) {
        locals.add(new LocalDecl(name, type, span));
        return new Local(locals.size() - 1);
    }

    Local temp(Type type) { return newLocal(null, type, null); }

    BlockId newBlock() {
        blocks.add(new BlockData());
        return new BlockId(blocks.size() - 1);
    }

    boolean isTerminated() { return blocks.get(current.index()).terminator != null; }

    void emit(Statement s) {
        if (!isTerminated()) blocks.get(current.index()).statements.add(s);
    }

    void assign(Local dest, Rvalue value) { emit(new Statement.Assign(dest, value)); }

    void terminate(Terminator t) {
        BlockData b = blocks.get(current.index());
        if (b.terminator == null) b.terminator = t;
    }

    /** Ends the current block with {@code t} and continues in a fresh one (dead unless jumped to). */
    void terminateAndContinueDead(Terminator t) {
        terminate(t);
        current = newBlock();
    }

    void gotoBlock(BlockId target) {
        terminate(new Terminator.Goto(target));
        current = target;
    }

    Type typeOf(Expr e) { return program.typeOf(e); }

    Type opType(Operand op) {
        return op instanceof Operand.Copy c ? locals.get(c.local().index()).type() : ((Operand.Const) op).type();
    }

    /** Drops blocks that cannot be reached from the entry and renumbers the rest. */
    MirFn finish(List<Local> params) {
        int n = blocks.size();
        boolean[] reachable = new boolean[n];
        Deque<Integer> work = new ArrayDeque<>();
        work.push(0);
        reachable[0] = true;
        while (!work.isEmpty()) {
            BlockData b = blocks.get(work.pop());
            if (b.terminator == null) b.terminator = new Terminator.Unreachable();
            for (BlockId s : b.terminator.successors()) {
                if (!reachable[s.index()]) { reachable[s.index()] = true; work.push(s.index()); }
            }
        }
        int[] renumber = new int[n];
        int next = 0;
        for (int i = 0; i < n; i++) renumber[i] = reachable[i] ? next++ : -1;
        List<BasicBlock> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (!reachable[i]) continue;
            BlockData b = blocks.get(i);
            out.add(new BasicBlock(b.statements, Renumber.terminator(b.terminator, renumber)));
        }
        return new MirFn(fn.qualifiedName(), fn.isAsync(), params, returnLocal, fn.result(), locals, out, fn.decl().span(), fn.interrupt());
    }

    // ------------------------------------------------------------ expressions

    Operand constant(Type t, long bits) {
        Type.Int it = Type.intRepr(t);
        return new Operand.Const(t, it != null ? it.normalize(bits) : bits);
    }

    /** Ends block {@code b} (not the current one) with {@code t}; the current block stays current. */
    void terminateBlock(BlockId b, Terminator t) {
        BlockId saved = current;
        current = b;
        terminate(t);
        current = saved;
    }

    /** Marks where the code of {@code span} starts, for the DWARF line table. */
    void line(Span span) {
        if (lineMarks && span != null) emit(new Statement.Line(span));
    }

    Operand binaryTemp(BinOp op, Operand l, Operand r, Type result) {
        Local t = temp(result);
        assign(t, new Rvalue.Binary(op, l, r));
        return Operand.of(t);
    }

    void assertThat(Operand cond, String message, Span span) {
        BlockId ok = newBlock();
        terminate(new Terminator.Assert(cond, List.of(text(message)), span, ok));
        current = ok;
    }

    static PrintItem text(String s) { return new PrintItem.Text(s.getBytes(StandardCharsets.UTF_8)); }

    /** A local to collect a branching expression's value, or null when it has none. */
    Local resultLocal(Expr e) {
        Type t = typeOf(e);
        return t instanceof Type.Unit || t instanceof Type.Never ? null : temp(t);
    }

    Local bindingLocal(Symbol.LocalVar v) {
        Local l = vars.get(v);
        if (l == null) {
            l = newLocal(v.name(), v.type(), v.span());
            vars.put(v, l);
        }
        return l;
    }

    // ---------------------------------------------------------------- defined higher up the chain

    /** Lowers {@code e} and returns its value: the walk, {@code MirBuilder.FnBuilder}. */
    abstract Operand lower(Expr e);
}

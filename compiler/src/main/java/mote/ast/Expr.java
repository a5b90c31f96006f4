package mote.ast;

import java.util.List;
import mote.diag.Span;

/**
 * Expressions. Blocks, `if`, `match` and loops are expressions too (Rust-style). Types and
 * name resolutions are kept in side tables keyed by node identity, not in the nodes.
 */
public sealed interface Expr {
    Span span();

    /** Integer literal; {@code value} holds the bits (u64 values above Long.MAX_VALUE are negative). */
    record IntLit(Span span, long value, String suffix) implements Expr {}
    /** `3.3`, `1e-3`, `2f32` (0.2): an f32, by its bits ({@link Float#floatToRawIntBits}). */
    record FloatLit(Span span, int bits) implements Expr {
        public float value() { return Float.intBitsToFloat(bits); }
    }

    record BoolLit(Span span, boolean value) implements Expr {}

    /** String literal, already unescaped, as UTF-8 bytes; type `&[u8]`. */
    record StrLit(Span span, byte[] bytes) implements Expr {}

    /** A plain name: local, parameter, const, static, register, fn, or module. */
    record Name(Span span, Ident ident) implements Expr {}

    /** `a.b`: a struct field, or a qualified name (`uart.BAUD`, `Cmd.Reset`) decided by the checker. */
    record Field(Span span, Expr target, Ident field) implements Expr {}

    record Index(Span span, Expr target, Expr index) implements Expr {}

    /** `a[lo..hi]`, `a[lo..]`, `a[..hi]`, `a[..]`, `a[lo..=hi]` (0.2), only under `&`/`&mut`; bounds may be null. */
    record SliceOf(Span span, Expr target, Expr low, Expr high, boolean inclusive) implements Expr {}

    /** `for x in array_or_slice { }` (0.2): the elements by value. */
    record ForIn(Span span, Ident var, Expr iterable, Block body, Ident label) implements Expr {}

    record Call(Span span, Expr callee, List<Expr> args) implements Expr {
        public Call { args = List.copyOf(args); }
    }

    /** `recv.method(args)` on built-in types (`ch.send(v)`), or a qualified call `uart.write(x)`. */
    record MethodCall(Span span, Expr receiver, Ident method, List<Expr> args) implements Expr {
        public MethodCall { args = List.copyOf(args); }
    }

    /** `inner.await` */
    record Await(Span span, Expr inner) implements Expr {}

    enum UnaryOp { NEG("-"), NOT("!"), BIT_NOT("~"), DEREF("*");
        public final String symbol;
        UnaryOp(String s) { symbol = s; }
    }

    record Unary(Span span, UnaryOp op, Expr operand) implements Expr {}

    enum BinaryOp {
        MUL("*"), DIV("/"), REM("%"), ADD("+"), SUB("-"), SHL("<<"), SHR(">>"),
        BIT_AND("&"), BIT_XOR("^"), BIT_OR("|"),
        EQ("=="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">="),
        AND("&&"), OR("||");
        public final String symbol;
        BinaryOp(String s) { symbol = s; }
        public boolean isComparison() { return this == EQ || this == NE || this == LT || this == LE || this == GT || this == GE; }
        public boolean isLogical() { return this == AND || this == OR; }
        public boolean isShift() { return this == SHL || this == SHR; }
    }

    record Binary(Span span, BinaryOp op, Expr left, Expr right) implements Expr {}

    /** `target = value` ({@code op} null) or `target op= value`. Has type unit. */
    record Assign(Span span, BinaryOp op, Expr target, Expr value) implements Expr {}

    record Cast(Span span, Expr value, TypeExpr type) implements Expr {}

    /** `&x` / `&mut x` */
    record Ref(Span span, boolean mutable, Expr target) implements Expr {}

    record StructLit(Span span, TypeExpr.Named type, List<FieldInit> fields) implements Expr {
        public StructLit { fields = List.copyOf(fields); }
    }

    record FieldInit(Span span, Ident name, Expr value) {}

    record ArrayLit(Span span, List<Expr> elements) implements Expr {
        public ArrayLit { elements = List.copyOf(elements); }
    }

    /** `[value; count]` */
    /** `(a, b)`, `(a,)`: a tuple of two or more elements, or of one with its trailing comma. */
    record Tuple(Span span, List<Expr> elements) implements Expr {
        public Tuple { elements = List.copyOf(elements); }
    }

    record ArrayRepeat(Span span, Expr value, Expr count) implements Expr {}

    /** `{ stmts; tail }` — {@code tail} is null when the block ends with a statement. */
    record Block(Span span, List<Stmt> stmts, Expr tail) implements Expr {
        public Block { stmts = List.copyOf(stmts); }
    }

    /** `if cond { } else ...` — {@code otherwise} is a Block, another If, or null. */
    record If(Span span, Expr cond, Block then, Expr otherwise) implements Expr {}

    record Match(Span span, Expr scrutinee, List<MatchArm> arms) implements Expr {
        public Match { arms = List.copyOf(arms); }
    }

    /** {@code guard} (`if cond` after the pattern) may be null. */
    record MatchArm(Span span, Pattern pattern, Expr guard, Expr body) {}

    /** `if let PATTERN = scrutinee { } else { }` ({@code otherwise} may be null). */
    record IfLet(Span span, Pattern pattern, Expr scrutinee, Block then, Expr otherwise) implements Expr {}

    /** `'label: while let PATTERN = scrutinee { }` */
    record WhileLet(Span span, Pattern pattern, Expr scrutinee, Block body, Ident label) implements Expr {}

    /** `e?`: the value inside `Some`/`Ok`, else return `None`/`Err(e)` from the function. */
    record Try(Span span, Expr inner) implements Expr {}

    /** Loops carry their label (`'outer: while ..`, without the quote), or null. */
    record While(Span span, Expr cond, Block body, Ident label) implements Expr {}

    record Loop(Span span, Block body, Ident label) implements Expr {}

    /** `for var in start..end` / `start..=end` */
    record For(Span span, Ident var, Expr start, Expr end, boolean inclusive, Block body, Ident label) implements Expr {}

    /** `break ['label] [value]`: label and value may be null. */
    record Break(Span span, Ident label, Expr value) implements Expr {}

    record Continue(Span span, Ident label) implements Expr {}

    /** `return [value]` — value may be null. */
    record Return(Span span, Expr value) implements Expr {}

    /** `critical { ... }` */
    record Critical(Span span, Block body) implements Expr {}

    /** `lock MUTEX as name { ... }` (0.2): {@code name} is `&mut T` to the Mutex's value inside the block only. */
    record Lock(Span span, Expr mutex, Ident binding, Block body) implements Expr {}

    /** `spawn task(args)` or `try_spawn task(args)` ({@code isTry}: a bool expression). */
    record Spawn(Span span, boolean isTry, Call call) implements Expr {}

    /** `join { } and { } ...` */
    record Join(Span span, List<Block> branches) implements Expr {
        public Join { branches = List.copyOf(branches); }
    }

    /** `race { } or { } ...` */
    record Race(Span span, List<Block> branches) implements Expr {
        public Race { branches = List.copyOf(branches); }
    }
}

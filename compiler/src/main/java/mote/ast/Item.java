package mote.ast;

import java.util.List;
import mote.diag.Span;

/** Top-level declarations. */
public sealed interface Item {
    Span span();

    /** What kind of function: decides how it is lowered and where `.await` is allowed. */
    enum FnKind { SYNC, ASYNC, TASK, TEST, TEST_ASYNC }

    /**
     * `fn`, `async fn`, `task(N) fn`, `test fn`, `test async fn`. {@code returnType} is null when
     * omitted (unit). {@code poolSize} is 1 unless written as `task(N)`.
     */
    /** {@code poolExpr}: `task(N)` with a constant expression (0.2), evaluated by the checker; else null and {@code poolSize} says. */
    record Fn(Span span, FnKind kind, int poolSize, Ident name, List<Param> params, TypeExpr returnType,
              Expr.Block body, Expr poolExpr) implements Item {
        public Fn { params = List.copyOf(params); }
        public Fn(Span span, FnKind kind, int poolSize, Ident name, List<Param> params, TypeExpr returnType, Expr.Block body) {
            this(span, kind, poolSize, name, params, returnType, body, null);
        }
        public boolean isAsync() { return kind == FnKind.ASYNC || kind == FnKind.TASK || kind == FnKind.TEST_ASYNC; }
    }

    record Param(Span span, Ident name, boolean mutable, TypeExpr type) {}

    /** `const NAME: T = expr;` (type may be omitted: null). */
    record Const(Span span, Ident name, TypeExpr type, Expr value) implements Item {}

    /** `static [mut] NAME: T [= expr];` — the initializer is omitted for Channel/Signal. */
    record Static(Span span, Ident name, boolean mutable, TypeExpr type, Expr init) implements Item {}

    /** `register NAME: T @ ADDR;` — memory-mapped, every access volatile. */
    record Register(Span span, Ident name, TypeExpr type, Expr address) implements Item {}

    record Struct(Span span, Ident name, List<FieldDecl> fields) implements Item {
        public Struct { fields = List.copyOf(fields); }
    }

    record FieldDecl(Span span, Ident name, TypeExpr type) {}

    /** `enum Cmd { Read, Write = 5, Reset }`; {@code value} is null where not written. */
    record Enum(Span span, Ident name, List<Variant> variants) implements Item {
        public Enum { variants = List.copyOf(variants); }
    }

    /**
     * A variant: C-like with an optional discriminant {@code value}, or carrying data (0.2):
     * {@code tupleFields} for `Press(u8)`, {@code structFields} for `Release { pin: u8 }` (each null when absent).
     */
    record Variant(Span span, Ident name, Expr value, List<TypeExpr> tupleFields, List<FieldDecl> structFields) {
        public Variant(Span span, Ident name, Expr value) { this(span, name, value, null, null); }
        public boolean hasData() { return tupleFields != null || structFields != null; }
    }

    /** `import uart;` */
    record Import(Span span, Ident name) implements Item {}

    /**
     * `impl Point { fn new(..) -> Point {..} fn len(&self) -> u32 {..} }` (0.2). Each method is
     * a fn named `Point.len`; one taking `self`, `&self` or `&mut self` has it as its first
     * parameter, named `self`.
     */
    record Impl(Span span, Ident type, List<Fn> methods) implements Item {
        public Impl { methods = List.copyOf(methods); }
    }

    /** `interrupt UART0() { ... }` */
    record Interrupt(Span span, Ident name, Expr.Block body) implements Item {}
}

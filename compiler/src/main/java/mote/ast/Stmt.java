package mote.ast;

import mote.diag.Span;

public sealed interface Stmt {
    Span span();

    /**
     * `let [mut] name[: T] [= init];` — type and init may be null. A `let` without an initializer
     * declares a Channel/Signal local or a variable assigned later.
     */
    record Let(Span span, Ident name, boolean mutable, TypeExpr type, Expr init) implements Stmt {}

    /** An expression in statement position; {@code semicolon} tells whether `;` followed it. */
    /** `let (a, b) = e;`, `let Some(x) = e else { return; };`: {@code otherwise} (which must diverge) may be null. */
    record LetPattern(Span span, mote.ast.Pattern pattern, TypeExpr type, Expr init, Expr.Block otherwise) implements Stmt {}

    record ExprStmt(Span span, Expr expr, boolean semicolon) implements Stmt {}
}

package mote.parse;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import mote.ast.Expr;
import mote.ast.Expr.BinaryOp;
import mote.ast.Expr.UnaryOp;
import mote.ast.Ident;
import mote.ast.Item;
import mote.ast.Module;
import mote.ast.Pattern;
import mote.ast.Stmt;
import mote.ast.TypeExpr;
import mote.diag.Diagnostics;
import mote.diag.SourceFile;
import mote.diag.Span;
import mote.lex.Lexer;
import mote.lex.Token;
import mote.lex.TokenKind;

import static mote.lex.TokenKind.*;

/**
 * Tokens → {@link Module}: a recursive-descent parser for the grammar of docs/spec (language.md).
 *
 * <p>Expressions follow Rust: precedence {@code * / %} &gt; {@code + -} &gt; {@code << >>} &gt;
 * {@code &} &gt; {@code ^} &gt; {@code |} &gt; comparisons (non-associative) &gt; {@code &&} &gt;
 * {@code ||} &gt; assignment (right-associative); {@code as} binds tighter than any binary operator
 * and looser than prefix operators; postfix calls, fields, methods, {@code .await} and indexing bind
 * tightest. Struct literals are not allowed in the condition of {@code if}/{@code while}, the
 * scrutinee of {@code match} or the range of {@code for}, so {@code if x { }} parses. A block-like
 * expression ({@code if match while loop for critical join race} or a block) that starts a
 * statement ends it, without {@code ;}, unless a {@code .} follows.
 *
 * <p>Errors: every syntax error is reported (codes E0020–E0099, see docs/errors.md) and the parser
 * resynchronises — inside a block to the next {@code ;} or the block's closing {@code }}, inside a
 * match to the next arm, at the top level to the next item keyword — so one run reports every
 * independent error, and each step consumes a token so it always terminates. Errors at a token the
 * lexer already reported, or at the end of a file that ends inside a comment or string, are not
 * reported again. Bad input never makes it throw.
 */
public final class Parser {
    /** The slice methods that write through their receiver (the rest read it: `len`). */
    private static final java.util.Set<String> WRITING_SLICE_METHODS = java.util.Set.of("fill", "copy_from_slice");

    /** Thrown to unwind to the nearest recovery point; the error has already been reported. */
    private static final class ParseError extends RuntimeException {
        ParseError() { super(null, null, false, false); }
    }

    /** Deepest nesting of expressions, blocks and types (docs/language-notes.md); E0039 past it. */
    public static final int MAX_NESTING = 200;
    /** Longest chain of binary operators, postfix operations or `else if`s: each one deepens the tree. */
    private static final int MAX_CHAIN = 500;

    private final SourceFile file;
    private final Diagnostics diags;
    private final List<Token> toks;
    private int pos;
    /** `{` consumed minus `}` consumed: lets recovery find the end of the current block. */
    private int braceDepth;
    private int prevEnd;
    /** Set once an error at the end of file was reported (or the lexer ended inside a literal). */
    private boolean eofReported;
    /** Struct literals are not allowed (conditions, scrutinees, `for` ranges). */
    private boolean noStruct;
    private int nesting;
    private boolean tooDeepReported;

    private Parser(SourceFile file, Diagnostics diags, Lexer.Result lexed) {
        this.file = file;
        this.diags = diags;
        this.toks = new ArrayList<>(lexed.tokens());
        this.eofReported = lexed.endsInsideLiteral();
    }

    /** Parses one file. Bad input only produces diagnostics; the result holds every item that parsed. */
    public static Module parse(SourceFile file, String moduleName, Diagnostics diags) {
        Parser p = new Parser(file, diags, Lexer.lexWithStatus(file, diags));
        List<Item> items = new ArrayList<>();
        try {
            p.items(items);
        } catch (StackOverflowError e) {
            // A last resort: MAX_NESTING should stop every deep recursion before this.
            p.report("E0039", p.peek().span(), "this is nested too deeply to compile");
        }
        return new Module(moduleName, file, items);
    }

    /** Parses one expression filling the whole file (for tests and tools); null if it did not parse. */
    public static Expr parseExpression(SourceFile file, Diagnostics diags) {
        Parser p = new Parser(file, diags, Lexer.lexWithStatus(file, diags));
        try {
            Expr e = p.expr();
            if (!p.at(EOF)) throw p.unexpected("E0021", true, "expected end of input after expression, found " + p.peek().describe());
            return e;
        } catch (ParseError e) {
            return null;
        }
    }

    // ---- tokens ---------------------------------------------------------------------------

    private Token peek() { return toks.get(pos); }

    private Token peek(int ahead) { return toks.get(Math.min(pos + ahead, toks.size() - 1)); }

    private boolean at(TokenKind k) { return peek().kind() == k; }

    private Token advance() {
        Token t = toks.get(pos);
        if (t.kind() == EOF) return t;
        pos++;
        if (t.kind() == LBRACE) braceDepth++;
        else if (t.kind() == RBRACE) braceDepth--;
        prevEnd = t.span().end();
        return t;
    }

    private boolean eat(TokenKind k) {
        if (!at(k)) return false;
        advance();
        return true;
    }

    /** Splits a two-character token (`>>`, `&&`) so its first half can be consumed alone. */
    private void split(TokenKind first) {
        Token t = peek();
        Span s = t.span();
        toks.set(pos, Token.simple(first, first.text, new Span(file, s.start(), s.start() + 1)));
        toks.add(pos + 1, Token.simple(first, first.text, new Span(file, s.start() + 1, s.end())));
    }

    private Span from(Span start) { return new Span(file, start.start(), Math.max(start.end(), prevEnd)); }

    private Span from(int start) { return new Span(file, start, Math.max(start, prevEnd)); }

    // ---- errors ---------------------------------------------------------------------------

    private void report(String code, Span span, String message, String... help) {
        diags.error(code, span, message, help);
    }

    /**
     * Reports an error about the current token and returns the exception to unwind with. With
     * {@code afterPrevious}, a token on a later line is blamed at the end of the previous one
     * (where the missing `;` or `)` belongs), as rustc does.
     */
    private ParseError unexpected(String code, boolean afterPrevious, String message, String... help) {
        Token t = peek();
        if (t.kind() == ERROR) return new ParseError();
        if (t.kind() == EOF) {
            if (eofReported) return new ParseError();
            eofReported = true;
        }
        Span span = t.span();
        if (t.kind() == EOF && prevEnd > 0) span = new Span(file, prevEnd, prevEnd);
        else if (afterPrevious && pos > 0 && file.lineOf(t.span().start()) != file.lineOf(Math.max(0, prevEnd - 1))) {
            span = new Span(file, prevEnd, prevEnd);
        }
        report(code, span, message, help);
        return new ParseError();
    }

    private Token expect(TokenKind k, String context) {
        if (at(k)) return advance();
        throw unexpected("E0021", true, "expected " + k.describe() + (context.isEmpty() ? "" : " " + context) + ", found " + peek().describe());
    }

    /**
     * Expects `;`. When it is missing but the next token starts a new line (or closes the block),
     * the error is reported and parsing goes on as if it were there: nothing needs skipping.
     */
    private void expectSemi(String context) {
        if (eat(SEMI)) return;
        ParseError e = unexpected("E0023", true, "expected `;` " + context + ", found " + peek().describe());
        if (startsNextLine() || at(RBRACE)) return;
        throw e;
    }

    /** The current token starts a new line and can begin a statement: a missing `;` needs no skipping. */
    private boolean startsNextLine() {
        boolean newLine = file.lineOf(peek().span().start()) != file.lineOf(Math.max(0, prevEnd - 1));
        return newLine && (canStartExpression() || at(LET) || isItemStart(peek().kind()));
    }

    private Ident ident(String what) {
        Token t = peek();
        if (t.kind() == IDENT) {
            advance();
            return new Ident(t.text(), t.span());
        }
        if (t.kind().isKeyword()) {
            throw unexpected("E0025", false, "expected " + what + ", found keyword " + t.describe(),
                    "`" + t.text() + "` is a keyword and cannot be used as a name");
        }
        throw unexpected("E0025", false, "expected " + what + ", found " + t.describe());
    }

    // ---- items ----------------------------------------------------------------------------

    private void items(List<Item> items) {
        while (!at(EOF)) {
            int start = pos;
            braceDepth = 0;
            noStruct = false;
            nesting = 0;
            try {
                items.add(item());
            } catch (ParseError e) {
                if (pos == start) advance();
                while (!at(EOF) && !isItemStart(peek().kind()) && !isItemWord(peek())) advance();
            }
        }
    }

    /** `impl`, and the words of items Mote does not have (`trait`, `use`, ..): where recovery stops too. */
    private static boolean isItemWord(Token t) {
        return t.kind() == IDENT && java.util.Set.of("impl", "trait", "type", "use", "mod", "pub", "macro_rules").contains(t.text());
    }

    private static boolean isItemStart(TokenKind k) {
        return switch (k) {
            case FN, ASYNC, TASK, TEST, STRUCT, ENUM, CONST, STATIC, REGISTER, INTERRUPT, IMPORT -> true;
            default -> false;
        };
    }

    private Item item() {
        Token t = peek();
        Span start = t.span();
        switch (t.kind()) {
            case IMPORT -> {
                advance();
                Ident name = ident("a module name after `import`");
                expectSemi("after `import " + name.name() + "`");
                return new Item.Import(from(start), name);
            }
            case CONST -> {
                advance();
                Ident name = ident("a constant name");
                TypeExpr type = eat(COLON) ? type() : null;
                expect(EQ, "and a value in a `const` item");
                Expr value = expr();
                expectSemi("after `const` item");
                return new Item.Const(from(start), name, type, value);
            }
            case STATIC -> {
                advance();
                boolean mut = eat(MUT);
                Ident name = ident("a static name");
                expect(COLON, "and a type after the static's name");
                TypeExpr type = type();
                Expr init = eat(EQ) ? expr() : null;
                expectSemi("after `static` item");
                return new Item.Static(from(start), name, mut, type, init);
            }
            case REGISTER -> {
                advance();
                Ident name = ident("a register name");
                expect(COLON, "and a type after the register's name");
                TypeExpr type = type();
                if (!at(AT)) {
                    throw unexpected("E0021", true, "expected `@` and an address after the register's type, found " + peek().describe(),
                            "registers are declared as `register NAME: u32 @ 0x4000_C000;`");
                }
                advance();
                Expr addr = expr();
                expectSemi("after `register` item");
                return new Item.Register(from(start), name, type, addr);
            }
            case STRUCT -> { return struct(); }
            case ENUM -> { return enumItem(); }
            case FN -> { return fn(start, Item.FnKind.SYNC, 1); }
            case ASYNC -> {
                advance();
                expectFn("async");
                return fn(start, Item.FnKind.ASYNC, 1);
            }
            case TASK -> {
                advance();
                int pool = 1;
                if (at(LPAREN) && !(peek(1).kind() == INT && peek(2).kind() == RPAREN)) {   // `task(POOL * 2)`: any constant expression
                    advance();
                    Expr size = expr();
                    expect(RPAREN, "after the task pool size");
                    expectFn("task");
                    Item.Fn f = fn(start, Item.FnKind.TASK, 1);
                    return new Item.Fn(f.span(), f.kind(), 1, f.name(), f.params(), f.returnType(), f.body(), size);
                }
                if (eat(LPAREN)) {
                    Token n = peek();
                    if (n.kind() != INT) {
                        throw unexpected("E0031", true, "expected the task pool size (an integer) in `task(...)`, found " + n.describe(),
                                "write `task(3) fn worker() { }` for a pool of three instances");
                    }
                    advance();
                    if (n.suffix() != null || n.value() < 1 || n.value() > 65535) {
                        report("E0031", n.span(), "invalid task pool size `" + n.text() + "`",
                                "the pool size is a plain integer from 1 to 65535");
                    } else {
                        pool = (int) n.value();
                    }
                    expect(RPAREN, "after the task pool size");
                }
                expectFn("task");
                return fn(start, Item.FnKind.TASK, pool);
            }
            case TEST -> {
                advance();
                boolean async = eat(ASYNC);
                expectFn(async ? "test async" : "test");
                return fn(start, async ? Item.FnKind.TEST_ASYNC : Item.FnKind.TEST, 1);
            }
            case INTERRUPT -> {
                advance();
                Ident name = ident("the interrupt's name");
                expect(LPAREN, "after the interrupt's name");
                if (!at(RPAREN)) {
                    throw unexpected("E0036", false, "interrupt handlers take no parameters, found " + peek().describe(),
                            "write `interrupt " + name.name() + "() { ... }`");
                }
                advance();
                if (at(ARROW)) {
                    throw unexpected("E0036", false, "interrupt handlers return nothing",
                            "remove the return type: `interrupt " + name.name() + "() { ... }`");
                }
                Expr.Block body = block();
                return new Item.Interrupt(from(start), name, body);
            }
            case RBRACE -> throw unexpected("E0020", false, "unexpected closing `}`", "this `}` has no matching `{`");
            case LET -> throw unexpected("E0020", false, "expected item, found `let`",
                    "`let` statements go inside a function body; use `const` or `static` at the top level");
            case IDENT -> {
                // What Mote does not have, named plainly rather than as a surprise at the next token.
                if (t.text().equals("impl") && peek(1).kind() == IDENT && peek(2).kind() == LBRACE) return implBlock();
                if (t.text().equals("impl") && peek(1).kind() == IDENT && peek(2).kind() == FOR) {
                    ParseError e = unexpected("E0020", false, "trait impls are not part of Mote: Mote has no traits (0.2)",
                            "write the methods in the type's own block: `impl " + peek(3).text() + " { fn "
                                    + (peek(1).text().equals("Default") ? "default() -> " + peek(3).text() : "...") + " }`");
                    skipItemBody();
                    throw e;
                }
                if (t.text().equals("impl") && peek(1).kind() == LT) {
                    ParseError e = unexpected("E0020", false, "Mote has no user generics (0.2): an `impl` cannot take type parameters",
                            "write `impl TYPE { .. }` for each type");
                    skipItemBody();
                    throw e;
                }
                String m = switch (t.text()) {
                    case "trait" -> "Mote has no traits (0.2): write a function for each type, or an enum of the cases";
                    case "impl" -> "methods go in `impl TYPE { fn name(&self) .. }`, the type's name and then its block";
                    case "type" -> "Mote has no type aliases: write the type out";
                    case "use", "mod" -> "Mote modules are files: write `import name;` for name.mote";
                    case "pub" -> "Mote has no visibility modifiers: every item of a module can be used by a file that imports it";
                    case "macro_rules" -> "Mote has no macros: write a function";
                    default -> null;
                };
                if (m != null) {
                    ParseError e = unexpected("E0020", false, t.text().equals("impl") ? "expected `impl TYPE { .. }`"
                            : "`" + t.text() + "` is not part of Mote", m);
                    skipItemBody();   // its body's `fn`s would read as items of their own
                    throw e;
                }
                throw unexpected("E0020", false, "expected item, found " + t.describe(),
                        "items are `fn`, `async fn`, `task fn`, `test fn`, `interrupt`, `struct`, `enum`, `const`, `static`, `register` and `import`");
            }
            default -> throw unexpected("E0020", false, "expected item, found " + t.describe(),
                    "items are `fn`, `async fn`, `task fn`, `test fn`, `interrupt`, `struct`, `enum`, `const`, `static`, `register` and `import`");
        }
    }

    private void expectFn(String after) {
        if (at(FN)) return;
        throw unexpected("E0021", false, "expected `fn` after `" + after + "`, found " + peek().describe());
    }

    /** `impl Type { [async] fn ... }`: methods, named `Type.method`. */
    private Item.Impl implBlock() {
        Span start = advance().span();
        Ident type = ident("a type name after `impl`");
        expect(LBRACE, "after `impl " + type.name() + "`");
        List<Item.Fn> methods = new ArrayList<>();
        while (!at(RBRACE) && !at(EOF)) {
            Span ms = peek().span();
            if (at(FN)) methods.add(fn(ms, Item.FnKind.SYNC, 1, type));
            else if (eat(ASYNC)) { expectFn("async"); methods.add(fn(ms, Item.FnKind.ASYNC, 1, type)); }
            else if (at(IDENT) && peek().text().equals("pub")) throw unexpected("E0020", false, "Mote has no visibility modifiers",
                    "drop `pub`: every method can be called where its type can be named");
            else {
                report("E0020", peek().span(), "expected `fn` or `async fn` in `impl " + type.name() + "`, found " + peek().describe(),
                        "an `impl` block holds methods only");
                int depth = 0;   // skip to the next method or the end of the block
                while (!at(EOF) && !(depth == 0 && (at(FN) || at(ASYNC) || at(RBRACE)))) {
                    if (at(LBRACE)) depth++;
                    if (at(RBRACE)) depth--;
                    advance();
                }
            }
        }
        expect(RBRACE, "to close `impl " + type.name() + "`");
        return new Item.Impl(from(start), type, methods);
    }

    private Item.Fn fn(Span start, Item.FnKind kind, int pool) { return fn(start, kind, pool, null); }

    /** {@code selfType}: the type of the `impl` the fn is a method of (its name becomes `Type.name`), or null. */
    private Item.Fn fn(Span start, Item.FnKind kind, int pool, Ident selfType) {
        expect(FN, "");
        Ident name = ident("a function name");
        if (selfType != null) name = new Ident(selfType.name() + "." + name.name(), name.span());
        if (at(LT)) {
            throw unexpected("E0020", false, "Mote has no user generics (0.2): `" + name.name() + "` cannot take type parameters",
                    "write one function for each type it is used with");
        }
        expect(LPAREN, "after the function name");
        List<Item.Param> params = new ArrayList<>();
        if (selfType != null) {   // `self`, `mut self`, `&self`, `&mut self`
            Span ps = peek().span();
            int ahead = at(AMP) ? (peek(1).kind() == MUT ? 2 : 1) : at(MUT) ? 1 : 0;
            if (peek(ahead).kind() == IDENT && peek(ahead).text().equals("self")) {
                boolean borrowed = eat(AMP);
                boolean mut = eat(MUT);
                Token self = advance();
                TypeExpr named = new TypeExpr.Named(self.span(), List.of(selfType), List.of());
                TypeExpr type = borrowed ? new TypeExpr.Ref(from(ps), mut, named) : named;
                params.add(new Item.Param(from(ps), new Ident("self", self.span()), !borrowed && mut, type));
                if (!eat(COMMA) && !at(RPAREN)) throw unexpected("E0021", true, "expected `,` or `)` after `self`, found " + peek().describe());
            }
        }
        while (!at(RPAREN)) {
            Span ps = peek().span();
            boolean mut = eat(MUT);
            Ident pname = ident("a parameter name");
            expect(COLON, "and a type after parameter `" + pname.name() + "`");
            TypeExpr type = type();
            params.add(new Item.Param(from(ps), pname, mut, type));
            if (!eat(COMMA) && !at(RPAREN)) {
                throw unexpected("E0021", true, "expected `,` or `)` after a parameter, found " + peek().describe());
            }
        }
        advance();
        TypeExpr ret = null;
        if (eat(ARROW)) ret = type();
        if (!at(LBRACE)) {
            throw unexpected("E0021", true, "expected `{` to begin the body of `" + name.name() + "`, found " + peek().describe());
        }
        Expr.Block body = block();
        return new Item.Fn(from(start), kind, pool, name, params, ret, body);
    }

    private Item.Struct struct() {
        Span start = advance().span();
        Ident name = ident("a struct name");
        noTypeParameters(name, "struct", "write one struct for each type it holds");
        expect(LBRACE, "after the struct name");
        List<Item.FieldDecl> fields = new ArrayList<>();
        while (!at(RBRACE)) {
            Ident f = ident("a field name");
            expect(COLON, "and a type after field `" + f.name() + "`");
            TypeExpr type = type();
            fields.add(new Item.FieldDecl(from(f.span()), f, type));
            if (!eat(COMMA) && !at(RBRACE)) {
                throw unexpected("E0021", true, "expected `,` or `}` after a struct field, found " + peek().describe());
            }
        }
        advance();
        return new Item.Struct(from(start), name, fields);
    }

    /** `struct W<T>`: Mote has no user generics; the whole item is skipped after the error. */
    private void noTypeParameters(Ident name, String what, String help) {
        if (!at(LT)) return;
        ParseError e = unexpected("E0020", false, "Mote has no user generics (0.2): " + what + " `" + name.name() + "` cannot take type parameters", help);
        skipItemBody();
        throw e;
    }

    /** Skips to the end of the item's `{ .. }` body (or to the next item when it has none). */
    private void skipItemBody() {
        while (!at(EOF) && !at(LBRACE) && !at(SEMI) && !isItemStart(peek().kind())) advance();
        if (eat(SEMI) || !at(LBRACE)) return;
        int depth = 0;
        do {
            if (at(LBRACE)) depth++;
            else if (at(RBRACE)) depth--;
            advance();
        } while (!at(EOF) && depth > 0);
    }

    private Item.Enum enumItem() {
        Span start = advance().span();
        Ident name = ident("an enum name");
        noTypeParameters(name, "enum", "write one enum for each type it holds (`Option<T>` and `Result<T, E>` are built in)");
        expect(LBRACE, "after the enum name");
        List<Item.Variant> variants = new ArrayList<>();
        while (!at(RBRACE)) {
            Ident v = ident("a variant name");
            List<TypeExpr> tupleFields = null;
            List<Item.FieldDecl> structFields = null;
            if (eat(LPAREN)) {   // `Press(u8, u32)`
                tupleFields = new ArrayList<>();
                while (!at(RPAREN)) {
                    tupleFields.add(type());
                    if (!eat(COMMA) && !at(RPAREN))
                        throw unexpected("E0021", true, "expected `,` or `)` in the variant's fields, found " + peek().describe());
                }
                advance();
            } else if (at(LBRACE)) {   // `Release { pin: u8, ms: u32 }`
                advance();
                structFields = new ArrayList<>();
                while (!at(RBRACE)) {
                    Ident f = ident("a field name");
                    expect(COLON, "and a type after field `" + f.name() + "`");
                    structFields.add(new Item.FieldDecl(from(f.span()), f, type()));
                    if (!eat(COMMA) && !at(RBRACE))
                        throw unexpected("E0021", true, "expected `,` or `}` after a variant field, found " + peek().describe());
                }
                advance();
            }
            Expr value = eat(EQ) ? expr() : null;
            variants.add(new Item.Variant(from(v.span()), v, value, tupleFields, structFields));
            if (!eat(COMMA) && !at(RBRACE)) {
                throw unexpected("E0021", true, "expected `,` or `}` after an enum variant, found " + peek().describe());
            }
        }
        advance();
        return new Item.Enum(from(start), name, variants);
    }

    // ---- types ----------------------------------------------------------------------------

    private TypeExpr type() { return type(true); }

    private TypeExpr type(boolean allowGenericArgs) {
        if (++nesting > MAX_NESTING) throw tooDeep();
        try {
            Token t = peek();
            Span start = t.span();
            switch (t.kind()) {
                case AMP_AMP -> {
                    split(AMP);
                    return type(allowGenericArgs);
                }
                case AMP -> {
                    advance();
                    if (eat(MUT)) {
                        if (at(LBRACKET) && !arrayTypeAhead()) {   // `&mut [T]`
                            advance();
                            TypeExpr elem = type();
                            expect(RBRACKET, "after the slice's element type");
                            return new TypeExpr.Slice(from(start), elem, true);
                        }
                        return new TypeExpr.Ref(from(start), true, type(allowGenericArgs));
                    }
                    if (at(LBRACKET)) {
                        advance();
                        TypeExpr elem = type();
                        if (eat(SEMI)) {
                            Expr len = expr();
                            expect(RBRACKET, "after the array length");
                            Span arr = new Span(file, t.span().end(), prevEnd);
                            return new TypeExpr.Ref(from(start), false, new TypeExpr.Array(arr, elem, len));
                        }
                        expect(RBRACKET, "after the slice's element type");
                        return new TypeExpr.Slice(from(start), elem);
                    }
                    return new TypeExpr.Ref(from(start), false, type(allowGenericArgs));
                }
                case LBRACKET -> {
                    advance();
                    TypeExpr elem = type();
                    if (!at(SEMI)) {
                        throw unexpected("E0021", true, "expected `;` and a length in array type, found " + peek().describe(),
                                "array types are written `[T; N]`; a slice is `&[T]`");
                    }
                    advance();
                    Expr len = expr();
                    expect(RBRACKET, "after the array length");
                    return new TypeExpr.Array(from(start), elem, len);
                }
                case LPAREN -> {
                    advance();
                    if (eat(RPAREN)) return new TypeExpr.Unit(from(start));
                    List<TypeExpr> elements = new ArrayList<>();
                    elements.add(type());
                    boolean trailingComma = false;
                    while (eat(COMMA)) {
                        trailingComma = true;
                        if (at(RPAREN)) break;
                        elements.add(type());
                        trailingComma = false;
                    }
                    expect(RPAREN, "to close the tuple type");
                    // `(T)` is T, as in Rust; `(T,)` is a tuple of one.
                    if (elements.size() == 1 && !trailingComma) return elements.get(0);
                    return new TypeExpr.Tuple(from(start), elements);
                }
                case IDENT -> {
                    List<Ident> path = new ArrayList<>();
                    path.add(ident("a type name"));
                    while (at(DOT) && peek(1).kind() == IDENT) {
                        advance();
                        path.add(ident("a type name"));
                    }
                    List<TypeExpr> args = new ArrayList<>();
                    if (allowGenericArgs && at(LT)) {
                        advance();
                        while (true) {
                            if (at(SHR)) split(GT);
                            if (at(GT)) break;
                            args.add(typeArg());
                            if (at(SHR)) split(GT);
                            if (!eat(COMMA) && !at(GT)) {
                                // `Channel<u8, K + 1>`: a constant expression there goes in braces, as in Rust.
                                boolean operator = switch (peek().kind()) {
                                    case PLUS, MINUS, STAR, SLASH, PERCENT, AMP, PIPE, CARET, SHL, AS, DOT -> true;
                                    default -> false;
                                };
                                String[] help = operator ? new String[] {"a constant expression as a generic argument goes in braces: `Channel<u8, { N + 1 }>`"}
                                        : new String[0];
                                throw unexpected("E0021", true, "expected `,` or `>` in generic arguments, found " + peek().describe(), help);
                            }
                        }
                        advance();
                    }
                    return new TypeExpr.Named(from(start), path, args);
                }
                case LABEL -> throw unexpected("E0024", false, "Mote has no lifetimes: `" + t.text() + "` cannot name one",
                        "write the reference without it: `&T`, and `&[u8]` for text");
                default -> throw unexpected("E0024", false, "expected type, found " + t.describe());
            }
        } finally {
            nesting--;
        }
    }

    /**
     * A generic argument: a type, or a constant — an integer literal or `{ expr }`. A bare name
     * (`Channel<u8, SIZE>`) is parsed as a type; the checker decides whether it names a const.
     */
    private TypeExpr typeArg() {
        Token t = peek();
        if (t.kind() == INT) {
            advance();
            return new TypeExpr.ConstArg(t.span(), new Expr.IntLit(t.span(), t.value(), t.suffix()));
        }
        if (t.kind() == LBRACE) {
            Expr.Block b = block();
            Expr value = b.stmts().isEmpty() && b.tail() != null ? b.tail() : b;
            return new TypeExpr.ConstArg(b.span(), value);
        }
        return type();
    }

    /** Said once per file: recovery inside a too-deep construct would otherwise hit the limit at every level. */
    private ParseError tooDeep() {
        if (!tooDeepReported) report("E0039", peek().span(), "this is nested too deeply to compile",
                "split the expression or type with `let` or `const`");
        tooDeepReported = true;
        return new ParseError();
    }

    // ---- blocks and statements ------------------------------------------------------------

    private Expr.Block block() {
        Token open = peek();
        if (open.kind() != LBRACE) throw unexpected("E0021", true, "expected `{`, found " + open.describe());
        if (nesting + 1 > MAX_NESTING) throw tooDeep();
        nesting++;
        try {
            return blockBody(open);
        } finally {
            nesting--;
        }
    }

    private Expr.Block blockBody(Token open) {
        advance();
        int depth = braceDepth;
        boolean savedNoStruct = noStruct;
        noStruct = false;
        List<Stmt> stmts = new ArrayList<>();
        Expr tail = null;
        try {
            while (!at(RBRACE) && !at(EOF)) {
                int start = pos;
                try {
                    if (eat(SEMI)) continue;
                    if (at(LET)) {
                        stmts.add(let());
                        continue;
                    }
                    if (isItemStart(peek().kind())) {
                        throw unexpected("E0034", false, "items are not allowed inside a block, found " + peek().describe(),
                                "move it to the top level of the file");
                    }
                    Span es = peek().span();
                    boolean blockLike = startsBlockLike();
                    Expr e;
                    if (blockLike) {
                        e = blockLikeExpr();
                        if (at(DOT) || at(COLON_COLON)) {
                            e = assignRest(binaryRest(castRest(postfixRest(e)), 0));
                            blockLike = false;
                        }
                    } else {
                        e = expr();
                    }
                    if (eat(SEMI)) {
                        stmts.add(new Stmt.ExprStmt(from(es), e, true));
                    } else if (at(RBRACE)) {
                        tail = e;
                    } else if (blockLike) {
                        stmts.add(new Stmt.ExprStmt(e.span(), e, false));
                    } else {
                        ParseError err = unexpected("E0023", true, "expected `;` after expression, found " + peek().describe());
                        if (!startsNextLine()) throw err;
                        stmts.add(new Stmt.ExprStmt(e.span(), e, false));
                    }
                } catch (ParseError err) {
                    syncStatement(start, depth);
                }
            }
            if (at(EOF)) {
                if (!eofReported) {
                    eofReported = true;
                    report("E0037", open.span(), "this `{` is never closed: the file ends inside the block",
                            "add the missing `}`; the indentation may show where it belongs");
                }
                return new Expr.Block(from(open.span()), stmts, tail);
            }
            advance();
            return new Expr.Block(from(open.span()), stmts, tail);
        } finally {
            noStruct = savedNoStruct;
        }
    }

    /** Skips to the end of the broken statement: past a `;`, or to the block's `}`. */
    private void syncStatement(int start, int depth) {
        if (pos == start && !at(EOF) && !(at(RBRACE) && braceDepth == depth)) advance();
        while (!at(EOF)) {
            if (braceDepth <= depth && at(SEMI)) { advance(); return; }
            if (braceDepth <= depth && at(RBRACE)) return;
            Token t = advance();
            if (t.kind() == RBRACE && braceDepth == depth) return;
        }
    }

    /** `let [mut] x [: T] [= e];`, or with a pattern `let (a, b) = e;` and `let PAT = e else { .. };` (0.2). */
    private Stmt let() {
        Span start = advance().span();
        boolean simple = at(MUT) ? peek(1).kind() == IDENT && peek(2).kind() != AT
                : at(IDENT) && (peek(1).kind() == COLON || peek(1).kind() == EQ || peek(1).kind() == SEMI || peek(1).kind() == EQ_EQ);
        if (!simple) {
            if (!(at(LPAREN) || at(IDENT) || at(MUT))) ident("a variable name or a pattern after `let`");
            Pattern pattern = pattern();
            TypeExpr type = eat(COLON) ? type() : null;
            expect(EQ, "and a value after the `let` pattern");
            Expr init = expr();
            Expr.Block otherwise = eat(ELSE) ? block() : null;
            expectSemi("after `let` statement");
            return new Stmt.LetPattern(from(start), pattern, type, init, otherwise);
        }
        boolean mut = eat(MUT);
        Ident name = ident("a variable name after `let`");
        TypeExpr type = eat(COLON) ? type() : null;
        Expr init = null;
        if (eat(EQ)) init = expr();
        else if (at(EQ_EQ)) {
            throw unexpected("E0021", false, "expected `=` in `let`, found `==`", "use `=` to give the variable its value");
        }
        if (init != null && at(ELSE)) {   // `let x = e else { .. };`: a binding pattern
            advance();
            Expr.Block otherwise = block();
            expectSemi("after `let` statement");
            Pattern p = mut ? new Pattern.Binding(name.span(), name, true, null) : new Pattern.Value(name.span(), new Expr.Name(name.span(), name));
            return new Stmt.LetPattern(from(start), p, type, init, otherwise);
        }
        expectSemi("after `let` statement");
        return new Stmt.Let(from(start), name, mut, type, init);
    }

    private boolean startsBlockLike() {
        return switch (peek().kind()) {
            case LBRACE, IF, MATCH, WHILE, LOOP, FOR, CRITICAL, LOCK, JOIN, RACE, LABEL -> true;
            default -> false;
        };
    }

    private static boolean isBlockLike(Expr e) {
        return e instanceof Expr.Block || e instanceof Expr.If || e instanceof Expr.Match || e instanceof Expr.While
                || e instanceof Expr.Loop || e instanceof Expr.For || e instanceof Expr.Critical || e instanceof Expr.Lock
                || e instanceof Expr.Join || e instanceof Expr.Race;
    }

    private Expr blockLikeExpr() {
        Token t = peek();
        Span start = t.span();
        switch (t.kind()) {
            case LBRACE: return block();
            case IF: return ifExpr();
            case MATCH: return match();
            case LABEL: return labelledLoop();
            case WHILE: return whileExpr(null, start);
            case LOOP: {
                advance();
                return new Expr.Loop(from(start), block(), null);
            }
            case FOR: return forExpr(null, start);
            case CRITICAL: {
                advance();
                return new Expr.Critical(from(start), block());
            }
            case LOCK: {
                // `lock STATE as s { .. }`: the mutex is a place (a name, field, index or `*p`), so
                // the `as` after it names the binding instead of starting a cast.
                advance();
                Expr mutex = withNoStruct(this::unary);
                expect(AS, "after the mutex of a `lock` (`lock STATE as s { .. }`)");
                Ident name = ident("for the name the locked value has inside the block");
                return new Expr.Lock(from(start), mutex, name, block());
            }
            case JOIN:
            case RACE: {
                advance();
                TokenKind sep = t.kind() == JOIN ? AND : OR;
                List<Expr.Block> branches = new ArrayList<>();
                branches.add(block());
                while (eat(sep)) branches.add(block());
                return t.kind() == JOIN ? new Expr.Join(from(start), branches) : new Expr.Race(from(start), branches);
            }
            default: throw new IllegalStateException("not block-like: " + t);
        }
    }

    private <T> T withNoStruct(Supplier<T> f) {
        boolean saved = noStruct;
        noStruct = true;
        try {
            return f.get();
        } finally {
            noStruct = saved;
        }
    }

    private Expr ifExpr() { return ifExpr(0); }

    /** {@code elseIfs}: how many `else if` led here; each nests the tree one level deeper. */
    private Expr ifExpr(int elseIfs) {
        Span start = expect(IF, "").span();
        Pattern pattern = null;
        if (eat(LET)) {   // `if let PAT = e`
            pattern = pattern();
            expect(EQ, "after the `if let` pattern");
        }
        Expr cond = withNoStruct(this::expr);
        checkStructInCondition(cond, "an `if` condition");
        Expr.Block then = block();
        Expr otherwise = null;
        if (eat(ELSE)) {
            if (at(IF) && elseIfs == MAX_CHAIN) skipTooLongElseIfChain();
            else if (at(IF)) otherwise = ifExpr(elseIfs + 1);
            else if (at(LBRACE)) otherwise = block();
            else throw unexpected("E0021", true, "expected `{` or `if` after `else`, found " + peek().describe());
        }
        if (pattern != null) return new Expr.IfLet(from(start), pattern, cond, then, otherwise);
        return new Expr.If(from(start), cond, then, otherwise);
    }

    /**
     * Past {@link #MAX_CHAIN} `else if`s: one E0039 for the whole chain, whose rest is parsed
     * (one link at a time, without nesting) and dropped, so that parsing goes on after it.
     */
    private void skipTooLongElseIfChain() {
        report("E0039", peek().span(), "this `else if` chain is too long to compile",
                "more than " + MAX_CHAIN + " `else if`s in a row: use `match`, or split the chain");
        while (true) {
            expect(IF, "");
            withNoStruct(this::expr);
            block();
            if (!eat(ELSE)) return;
            if (at(LBRACE)) {
                block();
                return;
            }
            if (!at(IF)) throw unexpected("E0021", true, "expected `{` or `if` after `else`, found " + peek().describe());
        }
    }

    /**
     * `if p == Point { x: 1 } {`, `match Ev.B { x, y: 3 } {`: the struct literal was cut off at
     * its name; say so plainly. A block or a match body never starts `name:` or `name,`.
     */
    private void checkStructInCondition(Expr cond, String where) {
        if (!(at(LBRACE) && peek(1).kind() == IDENT && (peek(2).kind() == COLON || peek(2).kind() == COMMA))) return;
        Expr last = cond;
        while (last instanceof Expr.Binary b) last = b.right();
        while (last instanceof Expr.Unary u) last = u.operand();
        if (pathOf(last) == null) return;
        report("E0030", peek().span(), "struct literals are not allowed in " + where,
                "put the struct literal in parentheses: `(" + pathText(last) + " { ... })`");
        // Skip the literal's fields, so that the block or match body after it parses as what it
        // is rather than giving errors of its own.
        int depth = 0;
        do {
            if (at(EOF)) throw new ParseError();
            if (at(LBRACE)) depth++;
            else if (at(RBRACE)) depth--;
            advance();
        } while (depth > 0);
    }

    private Expr.Match match() {
        Span start = advance().span();
        Expr scrutinee = withNoStruct(this::expr);
        checkStructInCondition(scrutinee, "a `match` scrutinee");
        if (!at(LBRACE)) throw unexpected("E0021", true, "expected `{` after the `match` scrutinee, found " + peek().describe());
        advance();
        int depth = braceDepth;
        boolean saved = noStruct;
        noStruct = false;
        List<Expr.MatchArm> arms = new ArrayList<>();
        try {
            while (!at(RBRACE) && !at(EOF)) {
                int armStart = pos;
                try {
                    Span as = peek().span();
                    Pattern pat = pattern();
                    Expr guard = eat(IF) ? expr() : null;
                    if (!at(FAT_ARROW)) {
                        throw unexpected("E0021", true, "expected `=>` after the pattern, found " + peek().describe(),
                                at(EQ) || at(ARROW) || at(GT_EQ) ? new String[] {"match arms are written `pattern => value`"} : new String[0]);
                    }
                    advance();
                    // As in rustc, a block-like body ends the arm at its `}` (a statement-like
                    // expression): in `{ .. } -1 => ..` the `-1` starts the next arm.
                    Expr body;
                    if (startsBlockLike()) {
                        body = blockLikeExpr();
                        if (at(DOT) || at(COLON_COLON)) body = assignRest(binaryRest(castRest(postfixRest(body)), 0));
                    } else {
                        body = expr();
                    }
                    arms.add(new Expr.MatchArm(from(as), pat, guard, body));
                    if (!eat(COMMA) && !at(RBRACE) && !isBlockLike(body)) {
                        throw unexpected("E0021", true, "expected `,` after match arm, found " + peek().describe(),
                                "separate match arms with `,`");
                    }
                } catch (ParseError e) {
                    if (pos == armStart && !at(EOF) && !at(RBRACE)) advance();
                    while (!at(EOF)) {
                        if (braceDepth <= depth && at(COMMA)) { advance(); break; }
                        if (braceDepth <= depth && at(RBRACE)) break;
                        Token t = advance();
                        if (t.kind() == RBRACE && braceDepth == depth) break;
                    }
                }
            }
        } finally {
            noStruct = saved;
        }
        expect(RBRACE, "to close the `match`");
        return new Expr.Match(from(start), scrutinee, arms);
    }

    /** After `&mut`, `[T; N]` (an array) rather than `[T]` (a slice). */
    private boolean arrayTypeAhead() {
        int depth = 0;
        for (int i = 0; ; i++) {
            TokenKind k = peek(i).kind();
            if (k == EOF) return false;
            if (k == LBRACKET) depth++;
            if (k == RBRACKET && --depth == 0) return false;
            if (k == SEMI && depth == 1) return true;
        }
    }

    private static Ident labelName(Token t) { return new Ident(t.text().substring(1), t.span()); }

    /** `'outer: loop { }` (also `while` and `for`); the label is kept without its quote. */
    private Expr labelledLoop() {
        if (peek(1).kind() != COLON && peek().text().length() == 2) {
            // `'a` then no `:`: a character literal missing its closing quote, not a label.
            Token t = peek();
            throw unexpected("E0004", false, "unterminated character literal `" + t.text() + "`",
                    "add a closing `'`: `" + t.text() + "'`");
        }
        Token t = advance();
        Span start = t.span();
        Ident label = labelName(t);
        expect(COLON, "after the label `" + t.text() + "`");
        return switch (peek().kind()) {
            case LOOP -> { advance(); yield new Expr.Loop(from(start), block(), label); }
            case WHILE -> whileExpr(label, start);
            case FOR -> forExpr(label, start);
            default -> throw unexpected("E0033", true, "expected `loop`, `while` or `for` after the label `" + t.text() + ":`, found "
                    + peek().describe(), "labels name loops, for `break " + t.text() + "` and `continue " + t.text() + "`");
        };
    }

    private Expr whileExpr(Ident label, Span start) {
        advance();
        Pattern pattern = null;
        if (eat(LET)) {   // `while let PAT = e`
            pattern = pattern();
            expect(EQ, "after the `while let` pattern");
        }
        Expr cond = withNoStruct(this::expr);
        checkStructInCondition(cond, "a `while` condition");
        Expr.Block body = block();
        if (pattern != null) return new Expr.WhileLet(from(start), pattern, cond, body, label);
        return new Expr.While(from(start), cond, body, label);
    }

    /** The name of the element a `for` pattern destructures: not one a program can write. */
    public static final String FOR_ELEMENT = "for.element";

    private Expr forExpr(Ident label, Span start) {
        advance();
        // `for (i, s) in pairs`: an element pattern, bound by a `let` at the top of the body.
        Pattern elementPattern = at(LPAREN) ? pattern() : null;
        Ident var = elementPattern != null ? new Ident(FOR_ELEMENT, elementPattern.span()) : ident("a loop variable after `for`");
        expect(IN, "after the loop variable");
        Expr lo = withNoStruct(() -> binary(0));
        boolean inclusive;
        if (eat(DOT_DOT)) inclusive = false;
        else if (eat(DOT_DOT_EQ)) inclusive = true;
        else if (at(LBRACE)) {   // `for x in arr`
            Expr.Block body = block();
            if (elementPattern != null) {
                List<Stmt> stmts = new ArrayList<>();
                stmts.add(new Stmt.LetPattern(elementPattern.span(), elementPattern, null, new Expr.Name(var.span(), var), null));
                stmts.addAll(body.stmts());
                body = new Expr.Block(body.span(), stmts, body.tail());
            }
            return new Expr.ForIn(from(start), var, lo, body, label);
        }
        else throw unexpected("E0032", true, "expected a range `a..b`, an array or a slice after `in`, found " + peek().describe(),
                "`for` loops run over integer ranges `for i in 0..n { }` and over elements `for x in &arr { }`");
        if (elementPattern != null) report("E0032", elementPattern.span(), "a pattern like `(a, b)` takes the elements of an array or a slice, not a range",
                "write `for i in 0..n { }` with a name");
        Expr hi = withNoStruct(() -> binary(0));
        checkStructInCondition(hi, "a `for` range");
        Expr.Block body = block();
        return new Expr.For(from(start), var, lo, hi, inclusive, body, label);
    }

    // ---- patterns -------------------------------------------------------------------------

    private Pattern pattern() {
        Span start = peek().span();
        Pattern first = patternAtom();
        if (!at(PIPE)) return first;
        List<Pattern> alts = new ArrayList<>();
        alts.add(first);
        while (eat(PIPE)) alts.add(patternAtom());
        return new Pattern.Or(from(start), alts);
    }

    private Pattern patternAtom() {
        if (++nesting > MAX_NESTING) throw tooDeep();
        try {
            return patternAtomInner();
        } finally {
            nesting--;
        }
    }

    private Pattern patternAtomInner() {
        Token t = peek();
        if (t.kind() == AMP || t.kind() == AMP_AMP) {   // Rust's `&pat` / `&mut pat`: reported, then parsed without it
            advance();
            eat(MUT);
            report("E0026", t.span(), "Mote has no `&` patterns",
                    "matched against a reference, a pattern matches what it points to (`match self { Led.On(n) => .. }` "
                            + "binds `n` as a reference): drop the `&`");
            return patternAtom();
        }
        if (t.kind() == IDENT && t.text().equals("_")) {
            advance();
            return new Pattern.Wildcard(t.span());
        }
        if (t.kind() == IDENT && (t.text().equals("ref")) && peek(1).kind() == IDENT) {   // Rust's `ref v`: reported, then parsed without it
            advance();
            report("E0026", t.span(), "Mote has no `ref` patterns",
                    "matched against a reference, a binding is a reference already (`match &opt { Some(v) => .. }` binds `v` "
                            + "as a reference): drop the `ref`");
            return patternAtom();
        }
        if (t.kind() == MUT) {   // `mut x`
            advance();
            Ident name = ident("a variable name after `mut`");
            return new Pattern.Binding(from(t.span()), name, true, null);
        }
        if (t.kind() == IDENT && peek(1).kind() == AT) {   // `n @ 1..=9`
            Ident name = ident("a name");
            advance();
            Pattern sub = patternAtom();
            return new Pattern.Binding(from(t.span()), name, false, sub);
        }
        if (t.kind() == LPAREN) {   // `(a, b)`; `(p)` is p
            advance();
            List<Pattern> elements = new ArrayList<>();
            boolean trailingComma = false;
            while (!at(RPAREN)) {
                elements.add(pattern());
                trailingComma = eat(COMMA);
                if (!trailingComma && !at(RPAREN))
                    throw unexpected("E0026", true, "expected `,` or `)` in a tuple pattern, found " + peek().describe());
            }
            advance();
            if (elements.size() == 1 && !trailingComma) return elements.get(0);
            return new Pattern.Tuple(from(t.span()), elements);
        }
        Expr lo = patternValue();
        if (at(LPAREN) && pathOf(lo) != null) {   // `Event.Press(p)`, `Some(x)`
            advance();
            List<Pattern> args = new ArrayList<>();
            while (!at(RPAREN)) {
                args.add(pattern());
                if (!eat(COMMA) && !at(RPAREN))
                    throw unexpected("E0026", true, "expected `,` or `)` in the variant's pattern, found " + peek().describe());
            }
            advance();
            return new Pattern.Variant(from(t.span()), lo, args);
        }
        if (at(LBRACE) && pathOf(lo) != null) {   // `Event.Release { pin, ms: 20, .. }`
            advance();
            List<Pattern.FieldPattern> fields = new ArrayList<>();
            boolean rest = false;
            while (!at(RBRACE)) {
                if (eat(DOT_DOT)) { rest = true; break; }
                Token ft = peek();
                boolean mutable = eat(MUT);
                Ident f = ident("a field name");
                Pattern fp;
                if (!mutable && eat(COLON)) fp = pattern();
                else fp = mutable ? new Pattern.Binding(from(ft.span()), f, true, null) : new Pattern.Value(f.span(), new Expr.Name(f.span(), f));
                fields.add(new Pattern.FieldPattern(from(ft.span()), f, fp));
                if (!eat(COMMA) && !at(RBRACE))
                    throw unexpected("E0026", true, "expected `,` or `}` in the variant's pattern, found " + peek().describe());
            }
            expect(RBRACE, "to close the variant's pattern");
            return new Pattern.StructVariant(from(t.span()), lo, fields, rest);
        }
        if (at(DOT_DOT) || at(DOT_DOT_EQ)) {
            boolean inclusive = advance().kind() == DOT_DOT_EQ;
            Expr hi = patternValue();
            return new Pattern.Range(from(t.span()), lo, hi, inclusive);
        }
        return new Pattern.Value(from(t.span()), lo);
    }

    /** An integer (possibly negative), a char, `true`/`false`, or a path like `Cmd.Reset` / `LIMIT`. */
    private Expr patternValue() {
        Token t = peek();
        switch (t.kind()) {
            case MINUS -> {
                advance();
                Token n = peek();
                if (n.kind() == FLOAT) {   // the checker says floats are not patterns
                    advance();
                    return new Expr.Unary(from(t.span()), UnaryOp.NEG, new Expr.FloatLit(n.span(), (int) n.value()));
                }
                if (n.kind() != INT) throw unexpected("E0026", false, "expected an integer after `-` in a pattern, found " + n.describe());
                advance();
                return new Expr.Unary(from(t.span()), UnaryOp.NEG, new Expr.IntLit(n.span(), n.value(), n.suffix()));
            }
            case FLOAT -> {
                advance();
                return new Expr.FloatLit(t.span(), (int) t.value());
            }
            case INT -> {
                advance();
                return new Expr.IntLit(t.span(), t.value(), t.suffix());
            }
            case TRUE, FALSE -> {
                advance();
                return new Expr.BoolLit(t.span(), t.kind() == TRUE);
            }
            case IDENT -> {
                advance();
                Expr e = new Expr.Name(t.span(), new Ident(t.text(), t.span()));
                while (at(DOT) || at(COLON_COLON)) {
                    if (at(COLON_COLON)) pathSeparator();
                    advance();
                    Ident f = ident("a name after `.` in a pattern");
                    e = new Expr.Field(from(t.span()), e, f);
                }
                return e;
            }
            default -> throw unexpected("E0026", false, "expected pattern, found " + t.describe(),
                    "patterns are integers, characters, `true`/`false`, constants, enum variants like `Cmd.Reset` or `Some(x)`, "
                            + "tuples `(a, b)`, ranges `1..=9`, bindings `n @ 1..=9`, alternatives `1 | 2` and `_`");
        }
    }

    /** At `::`: the path written with `.` instead, from the names around it. */
    private void pathSeparator() {
        String left = pos > 0 ? toks.get(pos - 1).text() : "", right = peek(1).text();
        String help;
        if (left.matches("[ui](8|16|32|64)|usize|bool"))
            help = "`" + left + "` has no associated items in Mote: write the value itself (e.g. `0xFFFF_FFFF` for u32's largest)";
        else if (left.matches("Channel|Signal") && "new".equals(right))   // `Channel.new` does not exist either
            help = "a " + left + " needs no constructor: declare it without a value, e.g. `static RX: "
                    + (left.equals("Channel") ? "Channel<u8, 16>" : "Signal<u32>") + ";`; it starts empty";
        else if (left.matches("[A-Za-z_][A-Za-z0-9_]*") && right != null && right.matches("[A-Za-z_][A-Za-z0-9_]*"))
            help = "write `" + left + "." + right + "`, not `" + left + "::" + right + "`";
        else
            help = "write `Cmd.Reset`, not `Cmd::Reset`";
        report("E0035", peek().span(), "paths are written with `.` in Mote, not `::`", help);
    }

    // ---- expressions ----------------------------------------------------------------------

    private Expr expr() { return assignRest(binary(0)); }

    private Expr assignRest(Expr lhs) {
        BinaryOp op;
        switch (peek().kind()) {
            case EQ -> op = null;
            case PLUS_EQ -> op = BinaryOp.ADD;
            case MINUS_EQ -> op = BinaryOp.SUB;
            case STAR_EQ -> op = BinaryOp.MUL;
            case SLASH_EQ -> op = BinaryOp.DIV;
            case PERCENT_EQ -> op = BinaryOp.REM;
            case AMP_EQ -> op = BinaryOp.BIT_AND;
            case PIPE_EQ -> op = BinaryOp.BIT_OR;
            case CARET_EQ -> op = BinaryOp.BIT_XOR;
            case SHL_EQ -> op = BinaryOp.SHL;
            case SHR_EQ -> op = BinaryOp.SHR;
            default -> { return lhs; }
        }
        advance();
        Expr rhs = expr();
        return new Expr.Assign(new Span(file, lhs.span().start(), prevEnd), op, lhs, rhs);
    }

    private static BinaryOp binaryOp(TokenKind k) {
        return switch (k) {
            case STAR -> BinaryOp.MUL;
            case SLASH -> BinaryOp.DIV;
            case PERCENT -> BinaryOp.REM;
            case PLUS -> BinaryOp.ADD;
            case MINUS -> BinaryOp.SUB;
            case SHL -> BinaryOp.SHL;
            case SHR -> BinaryOp.SHR;
            case AMP -> BinaryOp.BIT_AND;
            case CARET -> BinaryOp.BIT_XOR;
            case PIPE -> BinaryOp.BIT_OR;
            case EQ_EQ -> BinaryOp.EQ;
            case BANG_EQ -> BinaryOp.NE;
            case LT -> BinaryOp.LT;
            case LT_EQ -> BinaryOp.LE;
            case GT -> BinaryOp.GT;
            case GT_EQ -> BinaryOp.GE;
            case AMP_AMP -> BinaryOp.AND;
            case PIPE_PIPE -> BinaryOp.OR;
            default -> null;
        };
    }

    /** Binding strength: higher binds tighter. */
    private static int precedence(BinaryOp op) {
        return switch (op) {
            case OR -> 1;
            case AND -> 2;
            case EQ, NE, LT, LE, GT, GE -> 3;
            case BIT_OR -> 4;
            case BIT_XOR -> 5;
            case BIT_AND -> 6;
            case SHL, SHR -> 7;
            case ADD, SUB -> 8;
            case MUL, DIV, REM -> 9;
        };
    }

    private Expr binary(int minPrec) { return binaryRest(cast(), minPrec); }

    private Expr binaryRest(Expr left, int minPrec) {
        boolean comparedHere = false;
        for (int chain = 0; ; chain++) {
            if (chain > MAX_CHAIN) throw tooDeep();
            BinaryOp op = binaryOp(peek().kind());
            if (op == null) return left;
            int prec = precedence(op);
            if (prec < minPrec) return left;
            Token opTok = advance();
            Expr right = binary(prec + 1);
            if (op.isComparison()) {
                if (comparedHere) {
                    report("E0027", opTok.span(), "comparison operators cannot be chained",
                            "split the comparison with `&&`: `a < b && b < c`");
                }
                comparedHere = true;
            }
            left = new Expr.Binary(new Span(file, left.span().start(), prevEnd), op, left, right);
        }
    }

    private Expr cast() { return castRest(unary()); }

    /** `as` takes a type without generic arguments, so `x as u32 < y` compares. */
    private Expr castRest(Expr e) {
        while (at(AS)) {
            advance();
            TypeExpr t = type(false);
            e = new Expr.Cast(new Span(file, e.span().start(), prevEnd), e, t);
        }
        return e;
    }

    private Expr unary() {
        if (++nesting > MAX_NESTING) throw tooDeep();
        try {
            Token t = peek();
            Span start = t.span();
            switch (t.kind()) {
                // The operand is parsed before the span is taken: it covers the whole expression.
                case MINUS: { advance(); Expr operand = unary(); return new Expr.Unary(from(start), UnaryOp.NEG, operand); }
                case BANG: { advance(); Expr operand = unary(); return new Expr.Unary(from(start), UnaryOp.NOT, operand); }
                case TILDE: { advance(); Expr operand = unary(); return new Expr.Unary(from(start), UnaryOp.BIT_NOT, operand); }
                case STAR: { advance(); Expr operand = unary(); return new Expr.Unary(from(start), UnaryOp.DEREF, operand); }
                case AMP_AMP: split(AMP); return unary();
                case AMP: {
                    advance();
                    boolean mut = eat(MUT);
                    Expr operand = unary();
                    return new Expr.Ref(from(start), mut, operand);
                }
                case AWAIT: {
                    advance();
                    report("E0028", t.span(), "`await` is a postfix operator",
                            "`.await` is written after the call: `foo().await`");
                    Expr inner = unary();
                    return new Expr.Await(from(start), inner);
                }
                default: return postfixRest(primary());
            }
        } finally {
            nesting--;
        }
    }

    private Expr postfixRest(Expr e) {
        for (int chain = 0; ; chain++) {
            if (chain > MAX_CHAIN) throw tooDeep();
            Span start = e.span();
            switch (peek().kind()) {
                case QUESTION -> {
                    advance();
                    e = new Expr.Try(from(start), e);
                }
                case BANG -> {
                    // `println!(..)`: Rust's macro syntax; Mote's built-ins are plain calls.
                    if (!(e instanceof Expr.Name n) || peek(1).kind() != LPAREN) return e;
                    report("E0040", peek().span(), "Mote has no macros: `" + n.ident().name() + "!` is written without the `!`",
                            "call it: `" + n.ident().name() + "(...)`");
                    advance();   // go on as the call it was meant to be
                }
                case LPAREN -> {
                    advance();
                    List<Expr> args = arguments(RPAREN, "arguments");
                    e = new Expr.Call(from(start), e, args);
                }
                case LBRACKET -> {
                    advance();
                    Expr index = at(DOT_DOT) || at(DOT_DOT_EQ) ? null : nested(this::expr);
                    if (at(DOT_DOT) || at(DOT_DOT_EQ)) {   // `a[i..j]`
                        boolean inclusive = advance().kind() == DOT_DOT_EQ;
                        Expr high = at(RBRACKET) ? null : nested(this::expr);
                        if (inclusive && high == null) throw unexpected("E0021", true, "`..=` needs an end: `a[i..=j]`");
                        expect(RBRACKET, "after the range");
                        e = new Expr.SliceOf(from(start), e, index, high, inclusive);
                        continue;
                    }
                    expect(RBRACKET, "after the index");
                    e = new Expr.Index(from(start), e, index);
                }
                case DOT, COLON_COLON -> {
                    if (at(COLON_COLON)) pathSeparator();
                    advance();
                    if (at(AWAIT)) {
                        advance();
                        e = new Expr.Await(from(start), e);
                        continue;
                    }
                    if (at(INT)) {   // a tuple field: `t.0`
                        Token index = advance();
                        if (!index.text().chars().allMatch(Character::isDigit) || (index.text().length() > 1 && index.text().startsWith("0"))) {
                            report("E0025", index.span(), "`" + index.text() + "` is not a tuple field", "tuple fields are numbered from 0: `t.0`, `t.1`");
                        }
                        e = new Expr.Field(from(start), e, new Ident(index.text(), index.span()));
                        continue;
                    }
                    Ident name = ident("a field or method name after `.`");
                    if (at(LPAREN)) {
                        advance();
                        List<Expr> args = arguments(RPAREN, "arguments");
                        // `buf[1..3].fill(0)`: a range-indexed receiver is borrowed, as Rust's
                        // auto-ref does, `&mut` for a method that writes.
                        if (e instanceof Expr.SliceOf so)
                            e = new Expr.Ref(so.span(), WRITING_SLICE_METHODS.contains(name.name()), so);
                        e = new Expr.MethodCall(from(start), e, name, args);
                    } else {
                        e = new Expr.Field(from(start), e, name);
                        if (!noStruct && at(LBRACE) && structLiteralAhead(name) && pathOf(e) != null) {
                            e = structLiteral(e);
                        }
                    }
                }
                default -> { return e; }
            }
        }
    }

    /** Parses a nested expression where struct literals are allowed again (inside brackets). */
    private Expr nested(Supplier<Expr> f) {
        boolean saved = noStruct;
        noStruct = false;
        try {
            return f.get();
        } finally {
            noStruct = saved;
        }
    }

    /** Comma-separated expressions up to {@code close} (consumed); a trailing comma is allowed. */
    private List<Expr> arguments(TokenKind close, String what) {
        List<Expr> args = new ArrayList<>();
        while (!at(close)) {
            args.add(nested(this::expr));
            if (!eat(COMMA) && !at(close)) {
                throw unexpected("E0021", true, "expected `,` or " + close.describe() + " in " + what + ", found " + peek().describe());
            }
        }
        advance();
        return args;
    }

    /** After a path: `{ }` or `{ name:` — what a struct literal looks like (and a block does not). */
    /**
     * `{ }` or `{ name: ...` after a path; after a capitalised one (a type or variant, by Rust's
     * convention) also the shorthand `{ name, ...` and `{ name }`, which after a lower-case name
     * would rather be a block holding a variable.
     */
    private boolean structLiteralAhead(Ident last) {
        if (!at(LBRACE)) return false;
        if (peek(1).kind() == RBRACE || (peek(1).kind() == IDENT && peek(2).kind() == COLON)) return true;
        boolean typeName = !last.name().isEmpty() && Character.isUpperCase(last.name().charAt(0));
        return typeName && peek(1).kind() == IDENT && (peek(2).kind() == COMMA || peek(2).kind() == RBRACE);
    }

    /** The names of a path expression (`a`, `a.b.c`), or null if it is not one. */
    private static List<Ident> pathOf(Expr e) {
        if (e instanceof Expr.Name n) {
            List<Ident> l = new ArrayList<>();
            l.add(n.ident());
            return l;
        }
        if (e instanceof Expr.Field f) {
            List<Ident> l = pathOf(f.target());
            if (l != null) l.add(f.field());
            return l;
        }
        return null;
    }

    private static String pathText(Expr e) {
        List<Ident> p = pathOf(e);
        StringBuilder sb = new StringBuilder();
        for (Ident i : p) sb.append(sb.length() == 0 ? "" : ".").append(i.name());
        return sb.toString();
    }

    private Expr.StructLit structLiteral(Expr pathExpr) {
        List<Ident> path = pathOf(pathExpr);
        TypeExpr.Named type = new TypeExpr.Named(pathExpr.span(), path, List.of());
        advance(); // {
        boolean saved = noStruct;
        noStruct = false;
        List<Expr.FieldInit> fields = new ArrayList<>();
        try {
            while (!at(RBRACE)) {
                Ident name = ident("a field name in the struct literal");
                Expr value;
                if (at(COMMA) || at(RBRACE)) {
                    value = new Expr.Name(name.span(), name);   // `Point { x, y }`: the variable of the field's name
                } else {
                    expect(COLON, "and a value after field `" + name.name() + "`");
                    value = expr();
                }
                fields.add(new Expr.FieldInit(from(name.span()), name, value));
                if (!eat(COMMA) && !at(RBRACE)) {
                    throw unexpected("E0021", true, "expected `,` or `}` in struct literal, found " + peek().describe());
                }
            }
            advance();
        } finally {
            noStruct = saved;
        }
        return new Expr.StructLit(from(pathExpr.span()), type, fields);
    }

    private Expr primary() {
        Token t = peek();
        Span start = t.span();
        switch (t.kind()) {
            case INT -> {
                advance();
                return new Expr.IntLit(t.span(), t.value(), t.suffix());
            }
            case FLOAT -> {
                advance();
                return new Expr.FloatLit(t.span(), (int) t.value());
            }
            case STRING -> {
                advance();
                return new Expr.StrLit(t.span(), t.bytes());
            }
            case TRUE, FALSE -> {
                advance();
                return new Expr.BoolLit(t.span(), t.kind() == TRUE);
            }
            case IDENT -> {
                if (t.text().equals("try_spawn") && peek(1).kind() == IDENT) return spawn(true);
                if (t.text().equals("move") && (peek(1).kind() == PIPE || peek(1).kind() == PIPE_PIPE))
                    throw unexpected("E0022", false, "Mote has no closures (0.2)", "write a named `fn` and call it");
                advance();
                Expr name = new Expr.Name(t.span(), new Ident(t.text(), t.span()));
                if (!noStruct && structLiteralAhead(((Expr.Name) name).ident())) return structLiteral(name);
                return name;
            }
            case LPAREN -> {
                advance();
                if (eat(RPAREN)) return new Expr.Block(from(start), List.of(), null);
                Expr e = nested(this::expr);
                if (!at(COMMA)) {
                    expect(RPAREN, "to close the parenthesis");
                    return e;
                }
                List<Expr> elements = new ArrayList<>();
                elements.add(e);
                while (eat(COMMA)) {
                    if (at(RPAREN)) break;
                    elements.add(nested(this::expr));
                }
                expect(RPAREN, "or `,` in the tuple");
                return new Expr.Tuple(from(start), elements);
            }
            case LBRACKET -> {
                advance();
                if (eat(RBRACKET)) return new Expr.ArrayLit(from(start), List.of());
                Expr first = nested(this::expr);
                if (eat(SEMI)) {
                    Expr count = nested(this::expr);
                    expect(RBRACKET, "after the array length");
                    return new Expr.ArrayRepeat(from(start), first, count);
                }
                List<Expr> elems = new ArrayList<>();
                elems.add(first);
                if (eat(COMMA)) elems.addAll(arguments(RBRACKET, "array literal"));
                else expect(RBRACKET, "or `,` in array literal");
                return new Expr.ArrayLit(from(start), elems);
            }
            case LBRACE, IF, MATCH, WHILE, LOOP, FOR, CRITICAL, LOCK, JOIN, RACE, LABEL -> {
                return blockLikeExpr();
            }
            case SPAWN -> {
                return spawn(false);
            }
            case BREAK -> {
                advance();
                Ident label = peek().is(LABEL) ? labelName(advance()) : null;
                Expr value = canStartExpression() ? expr() : null;
                return new Expr.Break(from(start), label, value);
            }
            case CONTINUE -> {
                advance();
                Ident label = peek().is(LABEL) ? labelName(advance()) : null;
                return new Expr.Continue(from(start), label);
            }
            case RETURN -> {
                advance();
                Expr value = canStartExpression() ? expr() : null;
                return new Expr.Return(from(start), value);
            }
            case LET -> throw unexpected("E0022", false, "expected expression, found `let`",
                    "`let` is a statement; it cannot be used as a value");
            case ELSE -> throw unexpected("E0022", false, "expected expression, found `else`",
                    "`else` must follow the `}` of an `if` block");
            case PIPE, PIPE_PIPE -> throw unexpected("E0022", false, "Mote has no closures (0.2)",
                    "write a named `fn` and call it");
            default -> throw unexpected("E0022", false, "expected expression, found " + t.describe());
        }
    }

    private boolean canStartExpression() {
        return switch (peek().kind()) {
            case INT, FLOAT, STRING, TRUE, FALSE, IDENT, LPAREN, LBRACKET, IF, MATCH, WHILE, LOOP, FOR, CRITICAL, LOCK, LABEL,
                 JOIN, RACE, SPAWN, BREAK, CONTINUE, RETURN, MINUS, BANG, TILDE, STAR, AMP, AMP_AMP, AWAIT -> true;
            case LBRACE -> !noStruct;
            default -> false;
        };
    }

    /** `spawn f(args)` / `try_spawn f(args)`; a qualified `spawn m.f(x)` becomes a call of `m.f`. */
    private Expr.Spawn spawn(boolean isTry) {
        Token kw = advance();
        Expr target = postfixRest(primary());
        Expr.Call call;
        if (target instanceof Expr.Call c) {
            call = c;
        } else if (target instanceof Expr.MethodCall m) {
            Span fs = new Span(file, m.receiver().span().start(), m.method().span().end());
            call = new Expr.Call(m.span(), new Expr.Field(fs, m.receiver(), m.method()), m.args());
        } else {
            report("E0029", target.span(), "expected a task call after `" + kw.text() + "`",
                    "write `" + kw.text() + " blink(100)`: the task and its arguments");
            throw new ParseError();
        }
        return new Expr.Spawn(from(kw.span()), isTry, call);
    }
}

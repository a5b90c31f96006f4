package mote.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import mote.ast.AstPrinter;
import mote.ast.Expr;
import mote.ast.Item;
import mote.ast.Module;
import mote.ast.Stmt;
import mote.ast.TypeExpr;
import mote.diag.Diagnostics;
import mote.diag.SourceFile;
import org.junit.jupiter.api.Test;

class ParserTest {
    /** The one-line dump of an expression; fails on any diagnostic. */
    static String expr(String src) {
        Diagnostics d = new Diagnostics();
        Expr e = Parser.parseExpression(SourceFile.of("t.mote", src), d);
        assertFalse(d.hasErrors(), () -> src + "\n" + d.render());
        return AstPrinter.print(e).replaceAll("\\s*\n\\s*", " ");
    }

    static Module module(String src) {
        Diagnostics d = new Diagnostics();
        Module m = Parser.parse(SourceFile.of("t.mote", src), "t", d);
        assertFalse(d.hasErrors(), () -> src + "\n" + d.render());
        return m;
    }

    /** The body of `fn f() { src }`, flattened to one line. */
    static String body(String src) {
        Module m = module("fn f() {" + src + "}");
        return AstPrinter.print(((Item.Fn) m.items().get(0)).body()).replaceAll("\\s*\n\\s*", " ");
    }

    static String errors(String src) {
        Diagnostics d = new Diagnostics();
        Parser.parse(SourceFile.of("t.mote", src), "t", d);
        return d.all().stream().map(x -> x.code() + "@" + x.span().line() + ":" + x.span().column()).collect(Collectors.joining(" "));
    }

    @Test
    void aRustPathGetsHelpNamedAfterIt() {
        Diagnostics d = new Diagnostics();
        Parser.parse(SourceFile.of("t.mote", "fn f() { let c = Cmd::Reset; let m = u32::MAX; }"), "t", d);
        assertEquals(2, d.all().size(), d.render());
        assertEquals(List.of("write `Cmd.Reset`, not `Cmd::Reset`"), d.all().get(0).help());
        assertTrue(d.all().get(1).help().get(0).contains("`u32` has no associated items"), d.render());
        // Rust's `Channel::new()` is not `Channel.new()` in Mote (no such thing): a channel is declared bare.
        Diagnostics channel = new Diagnostics();
        Parser.parse(SourceFile.of("t.mote", "static RX: Channel<u32, 4> = Channel::new();"), "t", channel);
        assertEquals("E0035", channel.all().get(0).code(), channel.render());
        assertEquals(List.of("a Channel needs no constructor: declare it without a value, e.g. `static RX: Channel<u8, 16>;`; it starts empty"),
                channel.all().get(0).help());
    }

    // ---- precedence --------------------------------------------------------------------------

    @Test
    void arithmeticPrecedenceAndAssociativity() {
        assertEquals("(+ 1 (* 2 3))", expr("1 + 2 * 3"));
        assertEquals("(- (- 1 2) 3)", expr("1 - 2 - 3"));
        assertEquals("(% (/ (* a b) c) d)", expr("a * b / c % d"));
        assertEquals("(* (+ 1 2) 3)", expr("(1 + 2) * 3"));
    }

    @Test
    void rustOperatorLadder() {
        // * > + > << > & > ^ > | > comparisons > && > ||
        assertEquals("(<< (+ a b) c)", expr("a + b << c"));
        assertEquals("(& (<< a b) c)", expr("a << b & c"));
        assertEquals("(^ (& a b) c)", expr("a & b ^ c"));
        assertEquals("(| (^ a b) c)", expr("a ^ b | c"));
        assertEquals("(== (| a b) c)", expr("a | b == c"));
        assertEquals("(&& (< a b) (> c d))", expr("a < b && c > d"));
        assertEquals("(|| (&& a b) c)", expr("a && b || c"));
        assertEquals("(|| a (&& b c))", expr("a || b && c"));
        assertEquals("(!= (& x 1) 0)", expr("x & 1 != 0"));
    }

    @Test
    void comparisonsDoNotChain() {
        assertEquals("E0027@1:34", errors("fn f() -> bool { let ok = a == b == c; ok }"));
        assertTrue(errors("fn f() -> bool { a < b < c }").startsWith("E0027"));
        assertEquals("", errors("fn f() -> bool { (a < b) == c }"));
    }

    @Test
    void unaryCastAndPostfix() {
        assertEquals("(as (- x) u8)", expr("-x as u8"));
        assertEquals("(+ (as a u32) (as b u32))", expr("a as u32 + b as u32"));
        assertEquals("(< (as x u32) y)", expr("x as u32 < y"));
        assertEquals("(as (as x u8) i32)", expr("x as u8 as i32"));
        assertEquals("(- (- 1i32))", expr("- -1i32"));
        assertEquals("(! (~ (* p)))", expr("!~*p"));
        assertEquals("(& (&mut x))", expr("&&mut x"));
        assertEquals("(- (await (call foo)))", expr("-foo().await"));
        assertEquals("(await (method (index (. a b) 0) send 1))", expr("a.b[0].send(1).await"));
        assertEquals("(call (. uart write) 1)", expr("(uart.write)(1)"));
        assertEquals("(method uart write 1 2)", expr("uart.write(1, 2,)"));
        assertEquals("(+ (await (call foo)) (await (call foo)))", expr("foo().await + foo().await"));
    }

    @Test
    void assignmentIsRightAssociativeAndLowest() {
        assertEquals("(= x (+ 1 2))", body("x = 1 + 2;").replaceAll(".*\\(semi (.*)\\)\\)$", "$1"));
        assertEquals("(block (semi (= a (= b c))))", body("a = b = c;"));
        assertEquals("(block (semi (+= (index arr i) (* 2 x))))", body("arr[i] += 2 * x;"));
        assertEquals("(block (semi (<<= x 1)) (semi (>>= x 1)) (semi (^= x 1)) (semi (|= x 1)) (semi (&= x 1)))",
                body("x <<= 1; x >>= 1; x ^= 1; x |= 1; x &= 1;"));
        assertEquals("(block (semi (= (* p) (. q x))))", body("*p = q.x;"));
    }

    // ---- struct literals ---------------------------------------------------------------------

    @Test
    void structLiteralsWhereAllowed() {
        assertEquals("(struct-lit Point (x 1) (y (+ 2 3)))", expr("Point { x: 1, y: 2 + 3 }"));
        assertEquals("(struct-lit Point (x 1))", expr("Point { x: 1, }"));
        assertEquals("(struct-lit Empty)", expr("Empty {}"));
        assertEquals("(struct-lit uart.Config (baud 9600))", expr("uart.Config { baud: 9600 }"));
        assertEquals("(call f (struct-lit P (a (struct-lit Q (b 1)))))", expr("f(P { a: Q { b: 1 } })"));
        // Rust's shorthand after a capitalised path; after a lower-case name `{ x }` stays a block.
        assertEquals("(struct-lit Point (x x) (y 2))", expr("Point { x, y: 2 }"));
        assertEquals("(struct-lit Reply.Ack (id id))", expr("Reply.Ack { id }"));
        assertEquals("(block (semi x) (tail (block (tail y))))", body("x; { y }"));
    }

    @Test
    void noStructLiteralInConditions() {
        assertEquals("(block (tail (if x (block))))", body("if x { }"));
        assertEquals("(block (tail (if (== a b) (block (tail c)) (block (tail d)))))", body("if a == b { c } else { d }"));
        assertEquals("(block (tail (while running (block))))", body("while running {}"));
        assertEquals("(block (tail (match cmd (arm _ (block)))))", body("match cmd { _ => {} }"));
        assertEquals("(block (tail (for i 0 .. n (block))))", body("for i in 0..n {}"));
        assertEquals("(block (tail (if (== p (struct-lit P (x 1))) (block))))", body("if p == (P { x: 1 }) {}"));
        assertEquals("(block (tail (if (call f (struct-lit P (x 1))) (block))))", body("if f(P { x: 1 }) {}"));
        assertEquals("(block (tail (if c (block (tail (struct-lit P (x 1)))))))", body("if c { P { x: 1 } }"));
        assertTrue(errors("fn f() { if p == P { x: 1 } {} }").startsWith("E0030"));
    }

    // ---- block-like statements and tails -----------------------------------------------------

    @Test
    void blockLikeExpressionsEndStatements() {
        assertEquals("(block (expr (if a (block))) (semi (- 1)))", body("if a {} -1;"));
        assertEquals("(block (expr (loop (block))) (tail x))", body("loop {} x"));
        assertEquals("(block (expr (match x (arm _ (block)))) (semi (* p)))", body("match x { _ => {} } *p;"));
        assertEquals("(block (expr (block (tail 1))) (tail 2))", body("{ 1 } 2"));
        assertEquals("(block (expr (critical (block))) (expr (while c (block))) (tail (for i 0 ..= 1 (block))))",
                body("critical {} while c {} for i in 0..=1 {}"));
        assertEquals("(block (expr (join (block) (block))) (tail (race (block) (block) (block))))",
                body("join {} and {} race {} or {} or {}"));
        // ... unless a `.` continues them.
        assertEquals("(block (semi (+ (method (block) f) 1)))", body("{}.f() + 1;"));
    }

    @Test
    void tailIsTheLastExpressionWithoutSemicolon() {
        assertEquals("(block (tail (+ a b)))", body("a + b"));
        assertEquals("(block (semi (+ a b)))", body("a + b;"));
        assertEquals("(block (tail (if c (block (tail 1)) (block (tail 2)))))", body("if c { 1 } else { 2 }"));
        assertEquals("(block (let x = (if c (block (tail 1)) (block (tail 2)))) (tail x))", body("let x = if c { 1 } else { 2 }; x"));
        assertEquals("(block)", body(";;"));
        Expr.Block b = ((Item.Fn) module("fn f() { a; b }").items().get(0)).body();
        assertEquals(1, b.stmts().size());
        assertTrue(((Stmt.ExprStmt) b.stmts().get(0)).semicolon());
        assertInstanceOf(Expr.Name.class, b.tail());
    }

    // ---- every expression kind ---------------------------------------------------------------

    @Test
    void literals() {
        assertEquals("(array 1 2 3)", expr("[1, 2, 3,]"));
        assertEquals("(array)", expr("[]"));
        assertEquals("(array-repeat 0u8 16)", expr("[0u8; 16]"));
        assertEquals("(array-repeat 0 (* N 2))", expr("[0; N * 2]"));
        assertEquals("\"a\\n\"", expr("\"a\\n\""));
        assertEquals("97u8", expr("'a'"));
        assertEquals("(block)", expr("()"));
        assertEquals("(index (array 1 2) 0)", expr("[1, 2][0]"));
        Expr.IntLit max = (Expr.IntLit) Parser.parseExpression(SourceFile.of("t", "0xFFFF_FFFF_FFFF_FFFFu64"), new Diagnostics());
        assertEquals(-1L, max.value());
        assertEquals("u64", max.suffix());
    }

    @Test
    void controlFlowExpressions() {
        assertEquals("(block (tail (loop (block (semi (break 5))))))", body("loop { break 5; }"));
        assertEquals("(block (tail (loop (block (tail (break))))))", body("loop { break }"));
        assertEquals("(block (semi (return)))", body("return;"));
        assertEquals("(block (tail (return (+ a 1))))", body("return a + 1"));
        assertEquals("(block (tail (while true (block (semi (continue))))))", body("while true { continue; }"));
        assertEquals("(block (tail (if a (block) (if b (block) (block)))))", body("if a {} else if b {} else {}"));
        assertEquals("(block (tail (for i (+ a 1) ..= (* n 2) (block))))", body("for i in a + 1..=n * 2 {}"));
    }

    @Test
    void spawnAndConcurrency() {
        assertEquals("(block (semi (spawn (call blink 100))))", body("spawn blink(100);"));
        assertEquals("(block (let ok = (try_spawn (call blink 100))) (tail ok))", body("let ok = try_spawn blink(100); ok"));
        assertEquals("(block (semi (spawn (call (. tasks worker) 1))))", body("spawn tasks.worker(1);"));
        assertEquals("(block (semi (call try_spawn 1)))", body("try_spawn(1);"), "try_spawn is only a keyword before a name");
        assertEquals("(block (let try_spawn = 1))", body("let try_spawn = 1;"));
        String j = body("join { a = read_a().await; } and { b = read_b().await; }");
        assertEquals("(block (tail (join (block (semi (= a (await (call read_a))))) (block (semi (= b (await (call read_b))))))))", j);
        assertEquals("(block (tail (critical (block (semi (+= COUNT 1))))))", body("critical { COUNT += 1; }"));
        assertTrue(errors("fn f() { spawn 5; }").startsWith("E0029"));
    }

    @Test
    void awaitWrittenAsPrefixIsReportedWithHelp() {
        Diagnostics d = new Diagnostics();
        Module m = Parser.parse(SourceFile.of("t.mote", "async fn f() -> i32 { await foo() }"), "t", d);
        assertEquals(1, d.all().size(), d::render);
        assertEquals("E0028", d.all().get(0).code());
        assertTrue(d.all().get(0).help().get(0).contains("foo().await"));
        // It still parses as the await the user meant.
        assertEquals("(block (tail (await (call foo))))", AstPrinter.print(((Item.Fn) m.items().get(0)).body()));
    }

    // ---- patterns ----------------------------------------------------------------------------

    @Test
    void patterns() {
        String m = body("match x { 1 | 2 => a, 3..=9 => b, 10..20 => b, -1 => c, -5..=-1 => c, 'a' => d, "
                + "true => e, Cmd.Reset => f, LIMIT => g, uart.Mode.Fast => h, _ => i }");
        assertEquals("(block (tail (match x (arm (| 1 2) a) (arm (..= 3 9) b) (arm (.. 10 20) b) (arm (- 1) c) "
                + "(arm (..= (- 5) (- 1)) c) (arm 97u8 d) (arm true e) (arm (. Cmd Reset) f) (arm LIMIT g) "
                + "(arm (. (. uart Mode) Fast) h) (arm _ i))))", m);
        assertEquals("(block (tail (match get_command() (arm (. Cmd A) (await (call send_response 123))) (arm (. Cmd B) (await (call send_response 456))))))"
                        .replace("get_command()", "(call get_command)"),
                body("match get_command() { Cmd.A => send_response(123).await, Cmd.B => send_response(456).await }"));
        // Commas are optional after block bodies, and a trailing comma is fine.
        assertEquals("(block (tail (match x (arm 1 (block)) (arm _ (block (tail 2))))))", body("match x { 1 => {} _ => { 2 }, }"));
    }

    // ---- items and types ---------------------------------------------------------------------

    @Test
    void everyItemKind() {
        Module m = module("""
                import uart;
                const LIMIT: u32 = 10 * 4;
                const UNTYPED = 3;
                static mut COUNT: u32 = 0;
                static RX: Channel<u8, 16>;
                register UART0_DR: u32 @ 0x4000_C000;
                struct Point { x: i32, y: i32, }
                enum Cmd { Read, Write = 5, Reset, }
                fn add(a: i32, mut b: i32) -> i32 { a + b }
                async fn foo() -> i32 { 5 }
                task fn blink(period: u32) { }
                task(3) fn worker(id: u32) { }
                test fn adds() { }
                test async fn waits() { }
                interrupt UART0() { }
                """);
        List<String> kinds = m.items().stream().map(i -> i.getClass().getSimpleName()).toList();
        assertEquals(List.of("Import", "Const", "Const", "Static", "Static", "Register", "Struct", "Enum",
                "Fn", "Fn", "Fn", "Fn", "Fn", "Fn", "Interrupt"), kinds);
        Item.Static rx = (Item.Static) m.items().get(4);
        assertNull(rx.init());
        assertFalse(rx.mutable());
        assertTrue(((Item.Static) m.items().get(3)).mutable());
        assertNull(((Item.Const) m.items().get(2)).type());
        Item.Fn worker = (Item.Fn) m.items().get(11);
        assertEquals(Item.FnKind.TASK, worker.kind());
        assertEquals(3, worker.poolSize());
        assertEquals(1, ((Item.Fn) m.items().get(10)).poolSize());
        assertEquals(Item.FnKind.TEST_ASYNC, ((Item.Fn) m.items().get(13)).kind());
        assertEquals(Item.FnKind.TEST, ((Item.Fn) m.items().get(12)).kind());
        assertEquals(Item.FnKind.ASYNC, ((Item.Fn) m.items().get(9)).kind());
        assertTrue(((Item.Fn) m.items().get(8)).params().get(1).mutable());
        Item.Enum e = (Item.Enum) m.items().get(7);
        assertEquals(3, e.variants().size());
        assertNull(e.variants().get(0).value());
        assertEquals("(enum Cmd Read (Write 5) Reset)", AstPrinter.print(e));
        assertEquals("(register UART0_DR u32 @ 1073790976)", AstPrinter.print(m.items().get(5)));
    }

    @Test
    void types() {
        Module m = module("""
                static A: Channel<u8, 16>;
                static B: [u8; 4] = [0; 4];
                static C: &[u8] = "x";
                fn f(a: &u32, b: &mut Point, c: &[u8; 4], d: Signal<Channel<u8, 2>>, e: uart.Config, g: [[u8; 2]; SIZE], h: &mut &u8) -> () {}
                static D: Channel<u8, { N * 2 }>;
                """);
        TypeExpr.Named ch = (TypeExpr.Named) ((Item.Static) m.items().get(0)).type();
        assertEquals("Channel", ch.simpleName());
        assertInstanceOf(TypeExpr.Named.class, ch.args().get(0));
        TypeExpr.ConstArg n = assertInstanceOf(TypeExpr.ConstArg.class, ch.args().get(1));
        assertEquals(16, ((Expr.IntLit) n.value()).value());
        assertEquals("(fn sync f (params (param a (& u32)) (param b (&mut Point)) (param c (& (array u8 4))) "
                + "(param d (Signal (Channel u8 2))) (param e uart.Config) (param g (array (array u8 2) SIZE)) (param h (&mut (& u8)))) "
                + "(ret ()) (block))", AstPrinter.print(m.items().get(3)).replaceAll("\\s*\n\\s*", " "));
        assertEquals("(static C (slice u8) \"x\")", AstPrinter.print(m.items().get(2)));
        assertEquals("(static D (Channel u8 (* N 2)))", AstPrinter.print(m.items().get(4)));
    }

    @Test
    void letForms() {
        assertEquals("(block (let x) (let mut y : u32) (let z = 1) (let mut w : (Signal u32)) (let v : i8 = (- 1)))",
                body("let x; let mut y: u32; let z = 1; let mut w: Signal<u32>; let v: i8 = -1;"));
    }

    @Test
    void spansCoverTheirSource() {
        String src = "fn f() -> u32 {\n    let v = a + b * c;\n    v\n}";
        Module m = module(src);
        Item.Fn f = (Item.Fn) m.items().get(0);
        assertEquals(0, f.span().start());
        assertEquals(src.length(), f.span().end());
        Stmt.Let let = (Stmt.Let) f.body().stmts().get(0);
        assertEquals("let v = a + b * c;", src.substring(let.span().start(), let.span().end()));
        assertEquals("a + b * c", src.substring(let.init().span().start(), let.init().span().end()));
        assertEquals(2, let.span().line());
        assertEquals(5, let.span().column());
    }
}

package mote.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import mote.ast.Expr;
import mote.ast.Item;
import mote.ast.Module;
import mote.ast.Stmt;
import mote.diag.Diagnostics;
import mote.diag.SourceFile;
import mote.parse.Parser;
import org.junit.jupiter.api.Test;

/** Names and types on small programs: integer inference as in Rust, and the types it records. */
class TypeCheckerTest {
    record Checked(TypedProgram program, Diagnostics diags, Module module) {}

    static Checked check(String source) {
        Diagnostics d = new Diagnostics();
        Module m = Parser.parse(SourceFile.of("t.mote", source), "t", d);
        assertFalse(d.hasErrors(), d.render());
        TypedProgram p = TypeChecker.check(List.of(m), d);
        return new Checked(p, d, m);
    }

    static Item.Fn fn(Checked c, String name) {
        return c.module().items().stream().filter(i -> i instanceof Item.Fn f && f.name().name().equals(name))
                .map(i -> (Item.Fn) i).findFirst().orElseThrow();
    }

    static Type letType(Checked c, String fn, String var) {
        for (Stmt s : fn(c, fn).body().stmts())
            if (s instanceof Stmt.Let let && let.name().name().equals(var)) return c.program().letVar(let).type();
        throw new AssertionError("no let " + var);
    }

    @Test
    void forLoopVariableTakesItsTypeFromUse() {
        // The spec's example: `i` becomes a u32 because it is added to a u32 constant.
        Checked c = check("""
                const INPUT: u32 = 7;
                async fn main() -> i32 {
                    let mut s = 0;
                    for i in 0..10 { s += INPUT + i; }
                    s as i32
                }
                """);
        assertFalse(c.diags().hasErrors(), c.diags().render());
        assertEquals(Type.U32, letType(c, "main", "s"));
        Expr.For loop = (Expr.For) ((Stmt.ExprStmt) fn(c, "main").body().stmts().get(1)).expr();
        assertEquals(Type.U32, c.program().forVar(loop).type());
    }

    @Test
    void unconstrainedLiteralsDefaultToI32() {
        Checked c = check("async fn main() -> i32 { let x = 5; let y = x * 2; 0 }");
        assertEquals(Type.I32, letType(c, "main", "x"));
        assertEquals(Type.I32, letType(c, "main", "y"));
    }

    @Test
    void inferenceFlowsBackwardsThroughLaterUses() {
        Checked c = check("""
                fn take(v: u8) -> u8 { v }
                async fn main() -> i32 {
                    let a = 200;
                    let b = take(a);
                    b as i32
                }
                """);
        assertEquals(Type.U8, letType(c, "main", "a"), "a's type is decided by its use as a u8 argument after it");
    }

    @Test
    void suffixesWin() {
        Checked c = check("async fn main() -> i32 { let x = 255u8; let y = -1i64; 0 }");
        assertEquals(Type.U8, letType(c, "main", "x"));
        assertEquals(Type.I64, letType(c, "main", "y"));
    }

    @Test
    void ifAndMatchAreExpressionsWithOneType() {
        Checked c = check("""
                async fn main() -> i32 {
                    let flag = true;
                    let v: u16 = if flag { 1 } else { 2 };
                    let w = match v { 0 => 10u64, 1..=5 => 20, _ => 30 };
                    0
                }
                """);
        assertFalse(c.diags().hasErrors(), c.diags().render());
        assertEquals(Type.U64, letType(c, "main", "w"));
    }

    @Test
    void loopWithBreakValue() {
        Checked c = check("async fn main() -> i32 { let mut i = 0u32; let r = loop { i += 1; if i > 3 { break i * 2; } }; r as i32 }");
        assertFalse(c.diags().hasErrors(), c.diags().render());
        assertEquals(Type.U32, letType(c, "main", "r"));
    }

    @Test
    void awaitRecordsTheCalleesResultType() {
        Checked c = check("async fn f() -> u16 { 3 } async fn main() -> i32 { let x = f().await; x as i32 }");
        assertFalse(c.diags().hasErrors(), c.diags().render());
        assertEquals(Type.U16, letType(c, "main", "x"));
    }

    @Test
    void shadowingMakesANewVariable() {
        Checked c = check("async fn main() -> i32 { let x = 1u8; let x = x as u32 + 1; x as i32 }");
        assertFalse(c.diags().hasErrors(), c.diags().render());
    }

    @Test
    void constantsAreEvaluatedAtCompileTime() {
        Checked c = check("const A: u32 = 10 * 4; const B: u32 = A / 3 + (1 << 4); async fn main() -> i32 { B as i32 }");
        assertFalse(c.diags().hasErrors(), c.diags().render());
        assertTrue(c.diags().all().isEmpty());
    }
}

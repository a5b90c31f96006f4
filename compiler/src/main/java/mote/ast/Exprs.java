package mote.ast;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Walking expressions: each one's direct sub-expressions, those in its statements included. */
public final class Exprs {
    private Exprs() {}

    /** Calls {@code visit} on {@code e} and on every expression inside it, outermost first. */
    public static void forEach(Expr e, Consumer<Expr> visit) {
        if (e == null) return;
        List<Expr> work = new ArrayList<>(List.of(e));
        while (!work.isEmpty()) {
            Expr next = work.remove(work.size() - 1);
            visit.accept(next);
            List<Expr> inner = children(next);
            for (int i = inner.size() - 1; i >= 0; i--) if (inner.get(i) != null) work.add(inner.get(i));
        }
    }

    /** Whether {@code e} or an expression inside it satisfies {@code test}. */
    public static boolean anyMatch(Expr e, java.util.function.Predicate<Expr> test) {
        boolean[] found = {false};
        forEach(e, x -> found[0] |= !found[0] && test.test(x));
        return found[0];
    }

    /** The direct sub-expressions of {@code e} (nulls left out). */
    public static List<Expr> children(Expr e) {
        List<Expr> out = new ArrayList<>();
        if (e instanceof Expr.Field f) out.add(f.target());
        else if (e instanceof Expr.Index ix) { out.add(ix.target()); out.add(ix.index()); }
        else if (e instanceof Expr.SliceOf so) { out.add(so.target()); out.add(so.low()); out.add(so.high()); }
        else if (e instanceof Expr.ForIn f) { out.add(f.iterable()); out.add(f.body()); }
        else if (e instanceof Expr.Call c) { out.add(c.callee()); out.addAll(c.args()); }
        else if (e instanceof Expr.MethodCall mc) { out.add(mc.receiver()); out.addAll(mc.args()); }
        else if (e instanceof Expr.Await a) out.add(a.inner());
        else if (e instanceof Expr.Unary u) out.add(u.operand());
        else if (e instanceof Expr.Binary b) { out.add(b.left()); out.add(b.right()); }
        else if (e instanceof Expr.Assign a) { out.add(a.target()); out.add(a.value()); }
        else if (e instanceof Expr.Cast c) out.add(c.value());
        else if (e instanceof Expr.Ref r) out.add(r.target());
        else if (e instanceof Expr.StructLit sl) sl.fields().forEach(fi -> out.add(fi.value()));
        else if (e instanceof Expr.ArrayLit al) out.addAll(al.elements());
        else if (e instanceof Expr.Tuple tu) out.addAll(tu.elements());
        else if (e instanceof Expr.ArrayRepeat ar) { out.add(ar.value()); out.add(ar.count()); }
        else if (e instanceof Expr.Block b) {
            for (Stmt s : b.stmts()) {
                if (s instanceof Stmt.Let let) out.add(let.init());
                else if (s instanceof Stmt.LetPattern lp) { out.add(lp.init()); out.add(lp.otherwise()); }
                else if (s instanceof Stmt.ExprStmt es) out.add(es.expr());
            }
            out.add(b.tail());
        }
        else if (e instanceof Expr.If i) { out.add(i.cond()); out.add(i.then()); out.add(i.otherwise()); }
        else if (e instanceof Expr.IfLet i) { out.add(i.scrutinee()); out.add(i.then()); out.add(i.otherwise()); }
        else if (e instanceof Expr.WhileLet w) { out.add(w.scrutinee()); out.add(w.body()); }
        else if (e instanceof Expr.Try t) out.add(t.inner());
        else if (e instanceof Expr.Match m) {
            out.add(m.scrutinee());
            for (Expr.MatchArm arm : m.arms()) { out.add(arm.guard()); out.add(arm.body()); }
        }
        else if (e instanceof Expr.While w) { out.add(w.cond()); out.add(w.body()); }
        else if (e instanceof Expr.Loop l) out.add(l.body());
        else if (e instanceof Expr.For f) { out.add(f.start()); out.add(f.end()); out.add(f.body()); }
        else if (e instanceof Expr.Break b) out.add(b.value());
        else if (e instanceof Expr.Return r) out.add(r.value());
        else if (e instanceof Expr.Critical c) out.add(c.body());
        else if (e instanceof Expr.Lock l) { out.add(l.mutex()); out.add(l.body()); }
        else if (e instanceof Expr.Spawn sp) out.add(sp.call());
        else if (e instanceof Expr.Join j) out.addAll(j.branches());
        else if (e instanceof Expr.Race r) out.addAll(r.branches());
        out.removeIf(x -> x == null);
        return out;
    }
}

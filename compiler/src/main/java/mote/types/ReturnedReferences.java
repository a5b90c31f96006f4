package mote.types;

import java.util.function.UnaryOperator;
import mote.ast.Expr;
import mote.diag.Diagnostics;

/**
 * A fn that returns a reference to one of its own locals (E0357): `&x`, `&mut x.field`,
 * `&buf[i]`, `&buf[..n]` where `x`/`buf` is a local or a parameter held by value. The local
 * is gone once the fn returns (a sync fn's frame is popped, an async fn's state is reused),
 * and the reference would point at whatever comes next: a later call's frame, with its
 * return address. Mote has no borrow checker; this catches the plain case, as written at a
 * `return` or as the body's value (through blocks, `if`, `match`, `critical` and a `loop`'s
 * `break` values), not a reference passed through another variable first.
 */
final class ReturnedReferences {
    private ReturnedReferences() {}

    /** Reports {@code value}, returned by fn {@code fn}, when it is a reference to a local of it. */
    static void check(Expr value, String fn, TypedProgram out, UnaryOperator<Type> shallow, Diagnostics diags) {
        if (value instanceof Expr.Ref r) {
            Symbol.LocalVar local = localUnder(r.target(), out, shallow);
            if (local != null)
                diags.error("E0357", r.span(), "`" + fn + "` returns a reference to its local `" + local.name()
                                + "`, which is gone once `" + fn + "` returns",
                        "return the value itself, keep it in a `static`, or have the caller pass a `&mut` to fill in");
        } else if (value instanceof Expr.Block b) {
            if (b.tail() != null) check(b.tail(), fn, out, shallow, diags);
        } else if (value instanceof Expr.If i) {
            check(i.then(), fn, out, shallow, diags);
            if (i.otherwise() != null) check(i.otherwise(), fn, out, shallow, diags);
        } else if (value instanceof Expr.IfLet i) {
            check(i.then(), fn, out, shallow, diags);
            if (i.otherwise() != null) check(i.otherwise(), fn, out, shallow, diags);
        } else if (value instanceof Expr.Match m) {
            for (Expr.MatchArm arm : m.arms()) check(arm.body(), fn, out, shallow, diags);
        } else if (value instanceof Expr.Critical c) {
            check(c.body(), fn, out, shallow, diags);
        } else if (value instanceof Expr.Loop l) {
            // Its `break`s with a value, as the checker resolved them (labels, loops inside it).
            mote.ast.Exprs.forEach(l.body(), e -> {
                if (e instanceof Expr.Break b && b.value() != null && out.loopTarget(b) == l) check(b.value(), fn, out, shallow, diags);
            });
        }
    }

    /** The local whose own memory {@code place} is (a field or element of it), or null: a static, or behind a reference. */
    private static Symbol.LocalVar localUnder(Expr place, TypedProgram out, UnaryOperator<Type> shallow) {
        while (true) {
            if (place instanceof Expr.Name n) {
                Symbol s = out.resolutions.get(n);
                return s instanceof Symbol.LocalVar v && !indirect(v.type(), shallow) ? v : null;
            }
            Expr inner;
            if (place instanceof Expr.Field f && !(out.resolutions.get(f) instanceof Symbol.Static)) inner = f.target();
            else if (place instanceof Expr.Index ix) inner = ix.target();
            else if (place instanceof Expr.SliceOf so) inner = so.target();
            else return null;   // a dereference, a call, a static named through its module
            Type t = out.types.get(inner);
            if (t == null || indirect(t, shallow)) return null;   // the memory is behind a reference
            place = inner;
        }
    }

    /** Whether a value of type {@code t} points at memory elsewhere (a type not known yet counts: no false alarm). */
    private static boolean indirect(Type t, UnaryOperator<Type> shallow) {
        Type s = shallow.apply(t);
        return s instanceof Type.Ref || s instanceof Type.Slice || s instanceof Type.Var;
    }
}

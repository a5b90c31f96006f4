package mote.types;

import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import mote.ast.Expr;
import mote.ast.Stmt;
import mote.diag.Diagnostics;
import mote.diag.Span;

/**
 * Definite assignment, Rust's E0381 rule: a local declared without a value (`let x: u32;`)
 * must be assigned on every path that reaches a read of it. Without this check such a read
 * compiles to whatever the slot held, a value that changes with the optimization level.
 *
 * A forward dataflow over the typed AST, as javac's {@code Flow} does it: the state is the
 * set of such locals certainly assigned, or "unreachable" after a diverging expression
 * (`return`, `break`, `continue`, `panic`, `exit`, `unreachable`, a `loop` no `break` leaves),
 * which counts as assigning everything. Where paths meet (after `if`, `match`, `&&`/`||`, at
 * a loop's exit) the sets intersect. A loop's body needs nothing from its own back edge:
 * assignments only add to the set, so the state at the loop's head is the state on entry.
 * `join` runs every branch to its end, so its branches' assignments add up; `race` finishes
 * with one branch whose assignments are the only ones known to have happened, so it keeps
 * what every branch assigns. A branch starts from the state before the `join`/`race`: the
 * others may not have run yet. `.await` changes nothing (a cancelled fn reads no more).
 *
 * The unit of assignment is the whole local, as in Rust: a struct or array local is assigned
 * by one assignment of its whole value; reading a field or element of it, borrowing it
 * (`&x`, `&mut x`, also for `try_recv(&mut x)`) or assigning one of its fields or elements
 * first is the same error. Locals holding channels or signals (alone, in arrays, in structs
 * whose other fields are integers and bools) start zeroed, so are assigned where they are declared. Parameters, `for` variables and match bindings always have values.
 */
public final class DefiniteAssignment {
    private final TypedProgram program;
    private final Diagnostics diags;
    /** Each local declared without a value, numbered in the order the fn declares them. */
    private final Map<Symbol.LocalVar, Integer> tracked = new IdentityHashMap<>();
    private final Set<Symbol.LocalVar> reported = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    /** Per enclosing loop: the meet of the states its `break`s leave with (null: none so far). */
    /** The state after each loop being walked, as its `break`s leave it. */
    private final Map<Expr, BitSet[]> loopExits = new IdentityHashMap<>();
    /** The locals certainly assigned here; null where control cannot reach. */
    private BitSet assigned = new BitSet();

    private DefiniteAssignment(TypedProgram program, Diagnostics diags) {
        this.program = program;
        this.diags = diags;
    }

    /** Reports every read of a possibly unassigned local in the program's functions (E0601). */
    public static void check(TypedProgram program, Diagnostics diags) {
        for (Symbol.Fn fn : program.functions) new DefiniteAssignment(program, diags).expr(fn.decl().body());
    }

    // ------------------------------------------------------------ the lattice

    private static BitSet copy(BitSet s) { return s == null ? null : (BitSet) s.clone(); }

    /** Where two paths meet: what both assigned; an unreachable path assigns everything. */
    private static BitSet meet(BitSet a, BitSet b) {
        if (a == null) return copy(b);
        if (b == null) return copy(a);
        BitSet r = copy(a);
        r.and(b);
        return r;
    }

    // ------------------------------------------------------------ reads and writes

    private void read(Expr.Name n, boolean partOfWrite) {
        if (!(program.resolution(n) instanceof Symbol.LocalVar v)) return;
        Integer i = tracked.get(v);
        if (i == null || assigned == null || assigned.get(i)) return;
        assigned.set(i);   // one error per path, and one per local
        if (!reported.add(v)) return;
        Span decl = v.span();
        String where = "`" + v.name() + "` is declared without a value at " + decl.line() + ":" + decl.column();
        if (partOfWrite)
            diags.error("E0601", n.span(), "cannot assign to a part of `" + v.name() + "` before `" + v.name() + "` itself is assigned",
                    where + "; assign all of it first (a field or an element alone does not make it assigned, as in Rust)");
        else
            diags.error("E0601", n.span(), "`" + v.name() + "` is used before it is assigned a value",
                    where + ", and not every path from there to here assigns it; assign it on each path, or give it a value where it is declared: `let "
                            + (v.mutable() ? "mut " : "") + v.name() + ": " + v.type() + " = ...;`");
    }

    private void write(Symbol.LocalVar v) {
        Integer i = tracked.get(v);
        if (i != null && assigned != null) assigned.set(i);
    }

    // ------------------------------------------------------------ the walk, in evaluation order (MirBuilder's)

    private void expr(Expr e) {
        if (e == null) return;
        if (e instanceof Expr.IntLit || e instanceof Expr.FloatLit || e instanceof Expr.BoolLit || e instanceof Expr.StrLit) {
            // reads nothing
        } else if (e instanceof Expr.Name n) {
            read(n, false);
        } else if (e instanceof Expr.Field f) {
            Symbol s = program.resolution(f);
            if (!(s instanceof Symbol.Variant || s instanceof Symbol.Const || s instanceof Symbol.Static || s instanceof Symbol.Register)) expr(f.target());
        } else if (e instanceof Expr.Index ix) {
            expr(ix.target());
            expr(ix.index());
        } else if (e instanceof Expr.Call c) {
            expr(c.callee());
            c.args().forEach(this::expr);
            if (program.typeOf(c) instanceof Type.Never) assigned = null;   // panic, exit, unreachable
        } else if (e instanceof Expr.MethodCall mc) {
            if (!(program.resolution(mc) instanceof Symbol.Fn)) expr(mc.receiver());   // not `uart.write(x)`
            mc.args().forEach(this::expr);
        } else if (e instanceof Expr.Await a) { expr(a.inner());
        } else if (e instanceof Expr.Unary u) { expr(u.operand());
        } else if (e instanceof Expr.Binary b) {
            expr(b.left());
            if (b.op().isLogical()) {   // the right operand may not run
                BitSet skipped = copy(assigned);
                expr(b.right());
                assigned = meet(skipped, assigned);
            } else {
                expr(b.right());
            }
        } else if (e instanceof Expr.Assign a) { assign(a);
        } else if (e instanceof Expr.Cast c) { expr(c.value());
        } else if (e instanceof Expr.Ref r) { expr(r.target());
        } else if (e instanceof Expr.StructLit sl) { sl.fields().forEach(fi -> expr(fi.value()));
        } else if (e instanceof Expr.ArrayLit al) { al.elements().forEach(this::expr);
        } else if (e instanceof Expr.Tuple tu) { tu.elements().forEach(this::expr);
        } else if (e instanceof Expr.SliceOf so) {
            expr(so.target());
            if (so.low() != null) expr(so.low());
            if (so.high() != null) expr(so.high());
        } else if (e instanceof Expr.ForIn f) {
            expr(f.iterable());
            BitSet empty = copy(assigned);
            assigned = meet(empty, loop(f, f.body()));
        } else if (e instanceof Expr.ArrayRepeat ar) { expr(ar.value());
        } else if (e instanceof Expr.Block b) {
            for (Stmt s : b.stmts()) stmt(s);
            expr(b.tail());
        } else if (e instanceof Expr.If i) {
            expr(i.cond());
            eitherBranch(i.then(), i.otherwise());
        } else if (e instanceof Expr.Match m) {
            expr(m.scrutinee());
            BitSet before = assigned, after = null;
            for (Expr.MatchArm arm : m.arms()) {   // exhaustive (checked): one arm runs
                assigned = copy(before);
                if (arm.guard() != null) expr(arm.guard());
                expr(arm.body());
                after = meet(after, assigned);
            }
            // A guard that fails falls through to later arms: what its evaluation assigned is kept
            // by meet() above only for the arm it guards, which is the conservative answer.
            assigned = after;
        } else if (e instanceof Expr.IfLet i) {
            expr(i.scrutinee());
            eitherBranch(i.then(), i.otherwise());
        } else if (e instanceof Expr.WhileLet w) {
            expr(w.scrutinee());
            BitSet noMatch = copy(assigned);
            assigned = meet(noMatch, loop(w, w.body()));
        } else if (e instanceof Expr.Try t) {
            expr(t.inner());
        } else if (e instanceof Expr.While w) {
            expr(w.cond());
            BitSet condFalse = copy(assigned);
            assigned = meet(condFalse, loop(w, w.body()));
        } else if (e instanceof Expr.Loop l) {
            assigned = loop(l, l.body());
        } else if (e instanceof Expr.For f) {
            expr(f.start());
            expr(f.end());
            BitSet empty = copy(assigned);
            assigned = meet(empty, loop(f, f.body()));
        } else if (e instanceof Expr.Break b) {
            expr(b.value());
            BitSet[] exit = loopExits.get(program.loopTarget(b));
            if (exit != null && assigned != null) exit[0] = exit[0] == null ? copy(assigned) : meet(exit[0], assigned);
            assigned = null;
        } else if (e instanceof Expr.Continue) {
            assigned = null;   // back to the loop's head, which needs nothing from here
        } else if (e instanceof Expr.Return r) {
            expr(r.value());
            assigned = null;
        } else if (e instanceof Expr.Critical c) { expr(c.body());
        } else if (e instanceof Expr.Lock l) { expr(l.mutex()); expr(l.body());
        } else if (e instanceof Expr.Spawn sp) { expr(sp.call());
        } else if (e instanceof Expr.Join j) {
            BitSet before = assigned, all = copy(before);
            for (Expr.Block branch : j.branches()) {
                assigned = copy(before);
                expr(branch);
                if (assigned == null || all == null) all = null;   // a branch that never ends: so does the join
                else all.or(assigned);
            }
            assigned = all;
        } else if (e instanceof Expr.Race r) {
            BitSet before = assigned, winner = null;
            for (Expr.Block branch : r.branches()) {
                assigned = copy(before);
                expr(branch);
                winner = meet(winner, assigned);
            }
            assigned = winner;
        } else {
            throw new IllegalStateException("DefiniteAssignment: unknown expression " + e.getClass().getSimpleName());
        }
    }

    /** One of two branches runs (`otherwise` may be null): what both assign is assigned after. */
    private void eitherBranch(Expr then, Expr otherwise) {
        BitSet before = copy(assigned);
        expr(then);
        BitSet afterThen = assigned;
        assigned = before;
        expr(otherwise);
        assigned = meet(afterThen, assigned);
    }

    /** Walks a loop's body; the state after the loop as its `break`s leave it (null: none does). */
    private BitSet loop(Expr loop, Expr.Block body) {
        BitSet[] exit = new BitSet[1];
        loopExits.put(loop, exit);
        expr(body);
        loopExits.remove(loop);
        return exit[0];
    }

    private void stmt(Stmt s) {
        if (s instanceof Stmt.Let let) {
            Symbol.LocalVar v = program.letVar(let);
            if (let.init() != null) {
                expr(let.init());
            } else if (!Type.startsZeroed(v.type())) {
                // A local holding channels or signals starts zeroed as a static does: its channels
                // empty, the integers and bools beside them 0 and false (codegen zeroes it whole).
                tracked.putIfAbsent(v, tracked.size());
                if (assigned != null) assigned.clear(tracked.get(v));   // declared afresh on each pass of a loop
            }
        } else if (s instanceof Stmt.LetPattern lp) {
            expr(lp.init());
            if (lp.otherwise() != null) {   // diverges (checked): what follows sees the state after the match
                BitSet matched = copy(assigned);
                expr(lp.otherwise());
                assigned = matched;
            }
        } else if (s instanceof Stmt.ExprStmt es) {
            expr(es.expr());
        } else {
            throw new IllegalStateException("DefiniteAssignment: unknown statement " + s.getClass().getSimpleName());
        }
    }

    /** `x = v` assigns `x`; `x op= v` reads it first; `x.f = v`, `x[i] = v` need `x` assigned. */
    private void assign(Expr.Assign a) {
        expr(a.value());
        Expr target = a.target();
        if (target instanceof Expr.Name n && program.resolution(n) instanceof Symbol.LocalVar v) {
            if (a.op() != null) read(n, false);
            write(v);
        } else {
            place(target, a.op() == null);
        }
    }

    /** The place a projected assignment writes: its root local must hold a value already. */
    private void place(Expr target, boolean plainWrite) {
        if (target instanceof Expr.Name n) { read(n, plainWrite);
        } else if (target instanceof Expr.Field f) {
            Symbol s = program.resolution(f);
            if (!(s instanceof Symbol.Static || s instanceof Symbol.Register || s instanceof Symbol.Const)) place(f.target(), plainWrite);
        } else if (target instanceof Expr.Index ix) {
            place(ix.target(), plainWrite);
            expr(ix.index());
        } else {
            expr(target);   // `*p = v` reads `p`
        }
    }
}

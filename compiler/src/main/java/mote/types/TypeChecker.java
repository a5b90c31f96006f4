package mote.types;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mote.ast.Expr;
import mote.ast.Item;
import mote.ast.Module;
import mote.ast.Pattern;
import mote.ast.Stmt;
import mote.ast.TypeExpr;
import mote.diag.Diagnostics;
import mote.diag.Span;
import mote.diag.Suggest;

/**
 * Names and types: resolves every name, infers the type of every expression and checks the
 * async rules (a future is awaited where it is made; `.await` only in async code).
 *
 * Integer literals without a suffix get an inference variable; variables are unified as in
 * Rust across the whole function body and default to `i32` when nothing decides them. Errors
 * are reported and checking goes on, so one run shows every independent error.
 */
public final class TypeChecker {
    private static final Map<String, Symbol.Builtin> BUILTINS = new LinkedHashMap<>();
    static {
        for (String s : List.of("print", "println", "exit", "assert", "assert_eq", "panic", "unreachable"))
            BUILTINS.put(s, new Symbol.Builtin(s, false));
        BUILTINS.put("yield_now", new Symbol.Builtin("yield_now", true));
    }

    private final Diagnostics diags;
    private final Map<String, Symbol> globals = new LinkedHashMap<>();
    private TypedProgram out;

    // Per-function state.
    private Symbol.Fn currentFn;
    private final Deque<Map<String, Symbol.LocalVar>> scopes = new ArrayDeque<>();
    private final Deque<LoopCtx> loops = new ArrayDeque<>();
    private final List<Type> varBindings = new ArrayList<>();   // index = Var id; null = unbound
    private final List<int[]> varParents = new ArrayList<>();
    private final List<Expr> checkedExprs = new ArrayList<>();
    private final List<Symbol.LocalVar> fnLocals = new ArrayList<>();
    private final List<LiteralUse> literals = new ArrayList<>();

    private record LiteralUse(Expr.IntLit lit, boolean negated) {}

    private static final class LoopCtx {
        final boolean isLoop;   // `loop` can break with a value; while/for cannot
        Type breakType;
        LoopCtx(boolean isLoop) { this.isLoop = isLoop; }
    }

    private TypeChecker(Diagnostics diags) { this.diags = diags; }

    public static TypedProgram check(List<Module> modules, Diagnostics diags) {
        return new TypeChecker(diags).run(modules);
    }

    private TypedProgram run(List<Module> modules) {
        List<Symbol.Fn> fns = new ArrayList<>();
        List<Symbol.Static> statics = new ArrayList<>();
        out = new TypedProgram(modules, fns, statics);
        // Declare every item first: items may be used before they are declared.
        for (Module m : modules) {
            for (Item item : m.items()) {
                if (item instanceof Item.Fn f) {
                    List<Type> params = new ArrayList<>();
                    for (Item.Param p : f.params()) params.add(resolveType(p.type()));
                    Type result = f.returnType() == null ? Type.UNIT : resolveType(f.returnType());
                    Symbol.Fn sym = new Symbol.Fn(f.name().name(), f.name().name(), f, params, result);
                    if (declare(f.name().name(), sym, f.name().span())) fns.add(sym);
                } else if (item instanceof Item.Const c) { declare(c.name().name(), null, c.name().span());
                } else if (item instanceof Item.Static s) { declare(s.name().name(), null, s.name().span());
                } else { diags.error("E0399", item.span(), "this kind of item is not supported yet");
                }
            }
        }
        // Constants and statics next, in source order, so functions see their values.
        for (Module m : modules) {
            for (Item item : m.items()) {
                if (item instanceof Item.Const c) globals.put(c.name().name(), checkConst(c));
                if (item instanceof Item.Static s) {
                    Symbol.Static sym = checkStatic(s);
                    globals.put(s.name().name(), sym);
                    statics.add(sym);
                }
            }
        }
        for (Symbol.Fn f : fns) checkFn(f);
        checkMain(modules);
        return out;
    }

    private boolean declare(String name, Symbol sym, Span span) {
        if (globals.containsKey(name)) {
            diags.error("E0201", span, "`" + name + "` is defined more than once");
            return false;
        }
        if (BUILTINS.containsKey(name)) {
            diags.error("E0202", span, "`" + name + "` is a built-in function and cannot be redefined");
            return false;
        }
        globals.put(name, sym);
        return true;
    }

    private void checkMain(List<Module> modules) {
        Symbol s = globals.get("main");
        if (s instanceof Symbol.Fn main) {
            if (main.decl().kind() != Item.FnKind.ASYNC)
                diags.error("E0410", main.decl().name().span(), "`main` must be declared `async fn main()`");
            else if (!main.params().isEmpty())
                diags.error("E0411", main.decl().name().span(), "`main` takes no parameters");
            else if (!(main.result() instanceof Type.Unit) && !main.result().equals(Type.I32))
                diags.error("E0412", main.decl().returnType().span(), "`main` returns `i32` or nothing, not `" + main.result() + "`");
        }
    }

    // ---------------------------------------------------------------- types as written

    private Type resolveType(TypeExpr te) {
        if (te instanceof TypeExpr.Unit u) { return Type.UNIT;
        } else if (te instanceof TypeExpr.Named n) {
            if (n.path().size() == 1 && n.args().isEmpty()) {
                String name = n.simpleName();
                if (name.equals("bool")) return Type.BOOL;
                Type.Int t = Type.intNamed(name);
                if (t != null) return t;
            }
            diags.error("E0301", te.span(), "unknown type `" + String.join(".", n.path().stream().map(i -> i.name()).toList()) + "`",
                    "the built-in types are bool, u8, u16, u32, u64, i8, i16, i32, i64 and usize");
            return Type.I32;
        } else {
            diags.error("E0399", te.span(), "this type is not supported yet");
            return Type.I32;
        }
    }

    // ---------------------------------------------------------------- consts and statics

    private Symbol.Const checkConst(Item.Const c) {
        beginBody(null);
        Type declared = c.type() == null ? null : resolveType(c.type());
        Type t = check(c.value(), declared);
        if (declared != null) unify(declared, t, c.value().span());
        endBody();
        Type resolved = resolve(declared != null ? declared : t);
        long value = new ConstEval(out, globals, diags).eval(c.value(), resolved);
        return new Symbol.Const(c.name().name(), c, resolved, value);
    }

    private Symbol.Static checkStatic(Item.Static s) {
        Type declared = resolveType(s.type());
        long value = 0;
        if (s.init() == null) {
            diags.error("E0302", s.span(), "static `" + s.name().name() + "` needs an initializer");
        } else {
            beginBody(null);
            Type t = check(s.init(), declared);
            unify(declared, t, s.init().span());
            endBody();
            value = new ConstEval(out, globals, diags).eval(s.init(), declared);
        }
        return new Symbol.Static(s.name().name(), s.name().name(), s, declared, s.mutable(), value);
    }

    // ---------------------------------------------------------------- functions

    private void beginBody(Symbol.Fn fn) {
        currentFn = fn;
        scopes.clear();
        loops.clear();
        varBindings.clear();
        varParents.clear();
        checkedExprs.clear();
        fnLocals.clear();
        literals.clear();
        pendingMatches.clear();
        scopes.push(new HashMap<>());
    }

    private void checkFn(Symbol.Fn fn) {
        Item.Fn decl = fn.decl();
        beginBody(fn);
        List<Symbol.LocalVar> params = new ArrayList<>();
        for (int i = 0; i < decl.params().size(); i++) {
            Item.Param p = decl.params().get(i);
            Symbol.LocalVar v = new Symbol.LocalVar(p.name().name(), fn.params().get(i), p.mutable(), p.name().span());
            if (scopes.peek().containsKey(v.name()))
                diags.error("E0203", p.name().span(), "parameter `" + v.name() + "` is declared twice");
            scopes.peek().put(v.name(), v);
            params.add(v);
        }
        out.paramVars.put(decl, params);
        Type bodyType = check(decl.body(), fn.result());
        if (!(bodyType instanceof Type.Never)) {
            Span at = decl.body().tail() != null ? decl.body().tail().span() : closingBrace(decl.body());
            if (!(fn.result() instanceof Type.Unit) && decl.body().tail() == null && !(bodyType instanceof Type.Never)) {
                diags.error("E0310", at, "function `" + fn.name() + "` must return `" + fn.result() + "` but its body ends without a value",
                        "end the body with an expression of type `" + fn.result() + "`, or `return` one");
            } else {
                unify(fn.result(), bodyType, at);
            }
        }
        endBody();
    }

    private static Span closingBrace(Expr.Block b) {
        return new Span(b.span().file(), Math.max(b.span().start(), b.span().end() - 1), b.span().end());
    }

    /** Resolves every recorded type, defaulting undecided integers to i32, and checks literals. */
    private void endBody() {
        for (Expr e : checkedExprs) out.types.put(e, resolve(out.types.get(e)));
        for (Symbol.LocalVar v : fnLocals) v.type = resolve(v.type);
        for (LiteralUse use : literals) {
            if (out.types.get(use.lit()) instanceof Type.Int it && !it.fits(use.lit().value(), use.negated()))
                diags.error("E0320", use.lit().span(), "literal out of range for `" + it + "`",
                        "the range of `" + it + "` is " + rangeText(it));
        }
        for (Expr.Match m : pendingMatches) checkExhaustive(m);
    }

    /** Records each pattern's value range and checks that the arms cover every value. */
    private void checkExhaustive(Expr.Match m) {
        Type t = out.types.get(m.scrutinee());
        if (!(t instanceof Type.Int || t instanceof Type.Bool)) return;
        boolean signed = t instanceof Type.Int it && it.signed();
        long min = t instanceof Type.Int it ? it.min() : 0;
        long max = t instanceof Type.Int it ? it.max() : 1;
        List<long[]> covered = new ArrayList<>();
        boolean wildcard = false;
        ConstEval eval = new ConstEval(out, globals, diags);
        for (Expr.MatchArm arm : m.arms()) wildcard |= collectRanges(arm.pattern(), t, eval, covered, signed);
        if (wildcard) return;
        covered.sort((a, b) -> signed ? Long.compare(a[0], b[0]) : Long.compareUnsigned(a[0], b[0]));
        long next = min;   // smallest value not yet known to be covered
        boolean done = false;
        for (long[] r : covered) {
            if (cmp(r[0], next, signed) > 0) break;
            if (cmp(r[1], next, signed) >= 0) {
                if (r[1] == max) { done = true; break; }
                next = r[1] + 1;
            }
        }
        if (!done) {
            String missing = t instanceof Type.Bool ? (next == 0 ? "false" : "true")
                    : (signed ? Long.toString(next) : Long.toUnsignedString(next));
            diags.error("E0371", m.scrutinee().span(), "`match` does not cover every value: `" + missing + "` is not covered",
                    "add an arm for it, or a `_ => ...` arm");
        }
    }

    private static int cmp(long a, long b, boolean signed) {
        return signed ? Long.compare(a, b) : Long.compareUnsigned(a, b);
    }

    /** Adds the pattern's ranges to {@code out}; true when it matches everything. */
    private boolean collectRanges(Pattern p, Type t, ConstEval eval, List<long[]> ranges, boolean signed) {
        if (p instanceof Pattern.Wildcard w) { return true;
        } else if (p instanceof Pattern.Or or) {
            boolean all = false;
            for (Pattern alt : or.alternatives()) all |= collectRanges(alt, t, eval, ranges, signed);
            return all;
        } else if (p instanceof Pattern.Value v) {
            long x = eval.eval(v.value(), t);
            long[] r = {x, x};
            out.patternValues.put(p, r);
            ranges.add(r);
            return false;
        } else if (p instanceof Pattern.Range r) {
            long lo = eval.eval(r.low(), t);
            long hi = eval.eval(r.high(), t);
            if (!r.inclusive()) {
                if (lo == hi) {
                    diags.error("E0372", r.span(), "this range is empty");
                    return false;
                }
                hi = hi - 1;
            }
            if (cmp(lo, hi, signed) > 0) {
                diags.error("E0372", r.span(), "this range is empty: its start is greater than its end");
                return false;
            }
            long[] range = {lo, hi};
            out.patternValues.put(p, range);
            ranges.add(range);
            return false;
        }
        throw new IllegalStateException("unknown pattern " + p);
    }

    private static String rangeText(Type.Int t) {
        if (!t.signed() && t.bits() == 64) return "0..=18446744073709551615";
        return t.min() + "..=" + t.max();
    }

    // ---------------------------------------------------------------- inference variables

    private Type freshVar() {
        int id = varBindings.size();
        varBindings.add(null);
        varParents.add(new int[] {id});
        return new Type.Var(id);
    }

    private int find(int id) {
        int p = varParents.get(id)[0];
        if (p == id) return id;
        int root = find(p);
        varParents.get(id)[0] = root;
        return root;
    }

    /** The current best knowledge of a type: a bound var becomes its binding. */
    private Type shallow(Type t) {
        if (t instanceof Type.Var v) {
            int r = find(v.id());
            Type b = varBindings.get(r);
            return b != null ? b : new Type.Var(r);
        }
        return t;
    }

    private Type resolve(Type t) {
        if (t == null) return null;
        Type s = shallow(t);
        return s instanceof Type.Var ? Type.I32 : s;
    }

    /** Makes {@code actual} agree with {@code expected}; reports a mismatch at {@code at}. */
    private void unify(Type expected, Type actual, Span at) {
        Type a = shallow(expected), b = shallow(actual);
        if (a instanceof Type.Never || b instanceof Type.Never) return;
        if (a instanceof Type.Var va && b instanceof Type.Var vb) {
            if (va.id() != vb.id()) varParents.get(va.id())[0] = vb.id();
            return;
        }
        if (a instanceof Type.Var va) { bindVar(va, b, at); return; }
        if (b instanceof Type.Var vb) { bindVar(vb, a, at); return; }
        if (!a.equals(b)) {
            diags.error("E0308", at, "mismatched types: expected `" + a + "`, found `" + b + "`",
                    a instanceof Type.Int && b instanceof Type.Int ? new String[] {"convert with `as " + a + "`"} : new String[0]);
        }
    }

    private void bindVar(Type.Var v, Type t, Span at) {
        if (t instanceof Type.Int) varBindings.set(find(v.id()), t);
        else diags.error("E0308", at, "mismatched types: expected `" + t + "`, found integer");
    }

    private boolean isInt(Type t) {
        Type s = shallow(t);
        return s instanceof Type.Int || s instanceof Type.Var;
    }

    // ---------------------------------------------------------------- expressions

    private Type record(Expr e, Type t) {
        out.types.put(e, t);
        checkedExprs.add(e);
        return t;
    }

    /** Checks {@code e}, using {@code expected} (may be null) to decide literal types. */
    private Type check(Expr e, Type expected) {
        return record(e, infer(e, expected));
    }

    private Type infer(Expr e, Type expected) {
        if (e instanceof Expr.IntLit lit) {
            literals.add(new LiteralUse(lit, false));
            return literalType(lit, expected);
        } else if (e instanceof Expr.BoolLit b) { return Type.BOOL;
        } else if (e instanceof Expr.StrLit s) {
            diags.error("E0399", s.span(), "string values are not supported yet outside `print`/`println`");
            return Type.UNIT;
        } else if (e instanceof Expr.Name n) { return checkName(n);
        } else if (e instanceof Expr.Unary u) { return checkUnary(u, expected);
        } else if (e instanceof Expr.Binary b) { return checkBinary(b, expected);
        } else if (e instanceof Expr.Assign a) { return checkAssign(a);
        } else if (e instanceof Expr.Call c) { return checkCall(c, false);
        } else if (e instanceof Expr.Await a) { return checkAwait(a);
        } else if (e instanceof Expr.Cast c) {
            Type target = resolveType(c.type());
            Type from = check(c.value(), null);
            Type s = shallow(from);
            if (!(s instanceof Type.Int || s instanceof Type.Var || s instanceof Type.Bool || s instanceof Type.Never)
                    || !(target instanceof Type.Int)) {
                diags.error("E0330", c.span(), "cannot cast `" + s + "` as `" + target + "`",
                        "`as` converts between integer types, and from bool to an integer");
            }
            return target;
        } else if (e instanceof Expr.Block b) { return checkBlock(b, expected);
        } else if (e instanceof Expr.If i) { return checkIf(i, expected);
        } else if (e instanceof Expr.Match m) { return checkMatch(m, expected);
        } else if (e instanceof Expr.While w) {
            unify(Type.BOOL, check(w.cond(), Type.BOOL), w.cond().span());
            loops.push(new LoopCtx(false));
            checkUnitBlock(w.body());
            loops.pop();
            return Type.UNIT;
        } else if (e instanceof Expr.Loop l) {
            LoopCtx ctx = new LoopCtx(true);
            loops.push(ctx);
            checkUnitBlock(l.body());
            loops.pop();
            return ctx.breakType == null ? Type.NEVER : ctx.breakType;
        } else if (e instanceof Expr.For f) { return checkFor(f);
        } else if (e instanceof Expr.Break b) {
            LoopCtx ctx = loops.peek();
            if (ctx == null) {
                diags.error("E0340", b.span(), "`break` outside of a loop");
                if (b.value() != null) check(b.value(), null);
                return Type.NEVER;
            }
            if (b.value() != null) {
                if (!ctx.isLoop) diags.error("E0341", b.value().span(), "`break` with a value is only allowed in `loop`");
                Type t = check(b.value(), ctx.breakType);
                if (ctx.breakType == null) ctx.breakType = t; else unify(ctx.breakType, t, b.value().span());
            } else if (ctx.isLoop) {
                if (ctx.breakType == null) ctx.breakType = Type.UNIT; else unify(ctx.breakType, Type.UNIT, b.span());
            }
            return Type.NEVER;
        } else if (e instanceof Expr.Continue c) {
            if (loops.isEmpty()) diags.error("E0340", c.span(), "`continue` outside of a loop");
            return Type.NEVER;
        } else if (e instanceof Expr.Return r) {
            if (currentFn == null) {
                diags.error("E0342", r.span(), "`return` outside of a function");
                return Type.NEVER;
            }
            Type want = currentFn.result();
            if (r.value() == null) {
                if (!(want instanceof Type.Unit))
                    diags.error("E0308", r.span(), "mismatched types: `return` without a value in a function returning `" + want + "`");
            } else {
                unify(want, check(r.value(), want), r.value().span());
            }
            return Type.NEVER;
        } else {
            diags.error("E0399", e.span(), "this expression is not supported yet");
            return Type.NEVER;
        }
    }

    private Type literalType(Expr.IntLit lit, Type expected) {
        if (lit.suffix() != null) {
            Type.Int t = Type.intNamed(lit.suffix());
            if (t != null) return t;
        }
        if (expected != null) {
            Type s = shallow(expected);
            if (s instanceof Type.Int || s instanceof Type.Var) return s;
        }
        return freshVar();
    }

    private Type checkName(Expr.Name n) {
        String name = n.ident().name();
        for (Map<String, Symbol.LocalVar> scope : scopes) {
            Symbol.LocalVar v = scope.get(name);
            if (v != null) {
                out.resolutions.put(n, v);
                return v.type;
            }
        }
        Symbol g = globals.get(name);
        if (g instanceof Symbol.Const c) { out.resolutions.put(n, c); return c.type(); }
        if (g instanceof Symbol.Static s) {
            out.resolutions.put(n, s);
            return s.type();
        }
        if (g instanceof Symbol.Fn || BUILTINS.containsKey(name)) {
            diags.error("E0304", n.span(), "`" + name + "` is a function; call it with `" + name + "(...)`");
            return Type.NEVER;
        }
        if (g == null && globals.containsKey(name)) return Type.NEVER; // declared but broken: already reported
        diags.error("E0204", n.span(), "cannot find `" + name + "` in this scope", suggestion(name));
        return Type.NEVER;
    }

    /** "did you mean `x`?" from the names in scope, when one is close. */
    private String[] suggestion(String name) {
        List<String> candidates = new ArrayList<>();
        for (Map<String, Symbol.LocalVar> scope : scopes) candidates.addAll(scope.keySet());
        candidates.addAll(globals.keySet());
        candidates.addAll(BUILTINS.keySet());
        String best = Suggest.closest(name, candidates);
        return best == null ? new String[0] : new String[] {"did you mean `" + best + "`?"};
    }

    private Type checkUnary(Expr.Unary u, Type expected) {
        switch (u.op()) {
            case NEG -> {
                Type t;
                if (u.operand() instanceof Expr.IntLit lit) {
                    t = record(lit, literalType(lit, expected));
                    literals.add(new LiteralUse(lit, true));
                } else {
                    t = check(u.operand(), expected);
                }
                Type s = shallow(t);
                if (s instanceof Type.Int it && !it.signed())
                    diags.error("E0331", u.span(), "cannot negate a value of unsigned type `" + it + "`");
                else if (!isInt(t) && !(s instanceof Type.Never))
                    diags.error("E0331", u.span(), "cannot negate a value of type `" + s + "`");
                return t;
            }
            case NOT -> {
                Type t = check(u.operand(), expected);
                Type s = shallow(t);
                if (!(s instanceof Type.Bool || isInt(s) || s instanceof Type.Never))
                    diags.error("E0331", u.span(), "`!` needs a bool or an integer, found `" + s + "`");
                return t;
            }
            case BIT_NOT -> {
                Type t = check(u.operand(), expected);
                if (!isInt(t) && !(shallow(t) instanceof Type.Never))
                    diags.error("E0331", u.span(), "`~` needs an integer, found `" + shallow(t) + "`");
                return t;
            }
            default -> {
                diags.error("E0399", u.span(), "references are not supported yet");
                check(u.operand(), null);
                return Type.NEVER;
            }
        }
    }

    private Type checkBinary(Expr.Binary b, Type expected) {
        Expr.BinaryOp op = b.op();
        if (op.isLogical()) {
            unify(Type.BOOL, check(b.left(), Type.BOOL), b.left().span());
            unify(Type.BOOL, check(b.right(), Type.BOOL), b.right().span());
            return Type.BOOL;
        }
        if (op.isShift()) {
            Type l = check(b.left(), expected);
            Type r = check(b.right(), null);
            requireInt(l, b.left().span(), op);
            requireInt(r, b.right().span(), op);
            return l;
        }
        if (op.isComparison()) {
            Type l = check(b.left(), null);
            Type r = check(b.right(), l);
            unify(l, r, b.right().span());
            Type s = shallow(l);
            if (op != Expr.BinaryOp.EQ && op != Expr.BinaryOp.NE && s instanceof Type.Bool)
                diags.error("E0332", b.span(), "`" + op.symbol + "` compares integers, not bools");
            else if (!(isInt(s) || s instanceof Type.Bool || s instanceof Type.Never))
                diags.error("E0332", b.span(), "cannot compare values of type `" + s + "`");
            return Type.BOOL;
        }
        // Arithmetic and bitwise: both sides the same integer type (bitwise also on bools).
        Type l = check(b.left(), expected);
        Type r = check(b.right(), l);
        unify(l, r, b.right().span());
        Type s = shallow(l);
        boolean bitwise = op == Expr.BinaryOp.BIT_AND || op == Expr.BinaryOp.BIT_OR || op == Expr.BinaryOp.BIT_XOR;
        if (!(isInt(s) || s instanceof Type.Never || (bitwise && s instanceof Type.Bool)))
            diags.error("E0333", b.span(), "cannot apply `" + op.symbol + "` to `" + s + "`");
        return l;
    }

    private void requireInt(Type t, Span at, Expr.BinaryOp op) {
        Type s = shallow(t);
        if (!isInt(s) && !(s instanceof Type.Never)) diags.error("E0333", at, "`" + op.symbol + "` needs integers, found `" + s + "`");
    }

    private Type checkAssign(Expr.Assign a) {
        Type target;
        if (a.target() instanceof Expr.Name n) {
            target = checkName(n);
            record(n, target);
            Symbol sym = out.resolutions.get(n);
            if (sym instanceof Symbol.LocalVar v && !v.mutable()) {
                diags.error("E0350", a.target().span(), "cannot assign twice to immutable variable `" + v.name() + "`",
                        "make it mutable: `let mut " + v.name() + "`");
            } else if (sym instanceof Symbol.Static s && !s.mutable()) {
                diags.error("E0351", a.target().span(), "cannot assign to `" + s.name() + "`: it is a `static` without `mut`");
            } else if (sym instanceof Symbol.Const c) {
                diags.error("E0352", a.target().span(), "cannot assign to constant `" + c.name() + "`");
            }
        } else {
            diags.error("E0353", a.target().span(), "cannot assign to this expression");
            target = check(a.target(), null);
        }
        if (a.op() == null) {
            unify(target, check(a.value(), target), a.value().span());
        } else if (a.op().isShift()) {
            requireInt(target, a.target().span(), a.op());
            requireInt(check(a.value(), null), a.value().span(), a.op());
        } else {
            unify(target, check(a.value(), target), a.value().span());
            Type s = shallow(target);
            boolean bitwise = a.op() == Expr.BinaryOp.BIT_AND || a.op() == Expr.BinaryOp.BIT_OR || a.op() == Expr.BinaryOp.BIT_XOR;
            if (!(isInt(s) || s instanceof Type.Never || (bitwise && s instanceof Type.Bool)))
                diags.error("E0333", a.span(), "cannot apply `" + a.op().symbol + "=` to `" + s + "`");
        }
        return Type.UNIT;
    }

    private Type checkAwait(Expr.Await a) {
        if (currentFn == null || !currentFn.isAsync()) {
            String where = currentFn == null ? "here" : "in `" + currentFn.name() + "`, which is not async";
            diags.error("E0401", a.span(), "`.await` is only allowed inside async functions and tasks; not " + where,
                    currentFn == null ? new String[0] : new String[] {"declare it `async fn " + currentFn.name() + "`"});
        }
        if (a.inner() instanceof Expr.Call call) {
            Type t = checkCall(call, true);
            record(call, t);
            return t;
        }
        check(a.inner(), null);
        diags.error("E0402", a.inner().span(), "only a call to an async function can be awaited",
                "a future is not a value in Mote: write `f(args).await`");
        return Type.NEVER;
    }

    private Type checkCall(Expr.Call c, boolean awaited) {
        if (!(c.callee() instanceof Expr.Name n)) {
            diags.error("E0305", c.callee().span(), "only named functions can be called");
            for (Expr arg : c.args()) check(arg, null);
            return Type.NEVER;
        }
        String name = n.ident().name();
        boolean shadowedByLocal = scopes.stream().anyMatch(s -> s.containsKey(name));
        Symbol g = shadowedByLocal ? null : globals.get(name);
        if (g == null && !shadowedByLocal && BUILTINS.containsKey(name)) g = BUILTINS.get(name);
        if (g instanceof Symbol.Builtin b) {
            out.resolutions.put(c, b);
            if (b.async() && !awaited) reportNotAwaited(c, name);
            if (!b.async() && awaited) reportNotAsync(c, name);
            return checkBuiltin(c, b);
        }
        if (!(g instanceof Symbol.Fn f)) {
            if (g == null && !shadowedByLocal && !globals.containsKey(name))
                diags.error("E0204", n.span(), "cannot find function `" + name + "` in this scope", suggestion(name));
            else if (g != null || shadowedByLocal)
                diags.error("E0305", n.span(), "`" + name + "` is not a function");
            for (Expr arg : c.args()) check(arg, null);
            return Type.NEVER;
        }
        out.resolutions.put(c, f);
        Item.FnKind kind = f.decl().kind();
        if (kind == Item.FnKind.TASK || kind == Item.FnKind.TEST || kind == Item.FnKind.TEST_ASYNC) {
            diags.error("E0403", c.span(), "`" + name + "` is a " + (kind == Item.FnKind.TASK ? "task; start it with `spawn " + name + "(...)`" : "test and cannot be called"));
        } else if (f.isAsync() && !awaited) {
            reportNotAwaited(c, name);
        } else if (!f.isAsync() && awaited) {
            reportNotAsync(c, name);
        }
        if (name.equals("main") && f.isAsync()) diags.error("E0404", c.span(), "`main` is the entry task and cannot be called");
        if (c.args().size() != f.params().size()) {
            diags.error("E0306", c.span(), "`" + name + "` takes " + f.params().size() + " argument" + (f.params().size() == 1 ? "" : "s")
                    + " but " + c.args().size() + (c.args().size() == 1 ? " was" : " were") + " given");
        }
        for (int i = 0; i < c.args().size(); i++) {
            Type want = i < f.params().size() ? f.params().get(i) : null;
            Type got = check(c.args().get(i), want);
            if (want != null) unify(want, got, c.args().get(i).span());
        }
        return f.result();
    }

    private void reportNotAwaited(Expr.Call c, String name) {
        diags.error("E0405", c.span(), "`" + name + "` is async and its call is not awaited",
                "a future is not a value in Mote: write `" + name + "(...).await`");
    }

    private void reportNotAsync(Expr.Call c, String name) {
        diags.error("E0406", c.span(), "`" + name + "` is not async, so its result cannot be awaited", "remove `.await`");
    }

    private Type checkBuiltin(Expr.Call c, Symbol.Builtin b) {
        List<Expr> args = c.args();
        switch (b.name()) {
            case "print", "println" -> {
                if (args.isEmpty() || !(args.get(0) instanceof Expr.StrLit fmt)) {
                    diags.error("E0360", c.span(), "`" + b.name() + "` needs a string literal as its first argument",
                            "e.g. " + b.name() + "(\"x = {}\", x)");
                    for (Expr a : args) if (!(a instanceof Expr.StrLit)) check(a, null);
                    return Type.UNIT;
                }
                List<TypedProgram.FormatPart> parts = parseFormat(fmt);
                if (parts == null) {   // already reported; don't add a count mismatch on top
                    for (int i = 1; i < args.size(); i++) check(args.get(i), null);
                    return Type.UNIT;
                }
                out.formats.put(c, parts);
                long holes = parts.stream().filter(p -> p instanceof TypedProgram.FormatPart.Placeholder).count();
                if (holes != args.size() - 1) {
                    diags.error("E0361", c.span(), "the format string has " + holes + " placeholder" + (holes == 1 ? "" : "s")
                            + " but " + (args.size() - 1) + " argument" + (args.size() == 2 ? " was" : "s were") + " given");
                }
                int argIndex = 1;
                for (TypedProgram.FormatPart p : parts) {
                    if (!(p instanceof TypedProgram.FormatPart.Placeholder ph) || argIndex >= args.size()) continue;
                    Expr arg = args.get(argIndex++);
                    Type t = shallow(check(arg, null));
                    if (ph.hex() && !isInt(t)) diags.error("E0362", arg.span(), "`{:x}` needs an integer, found `" + t + "`");
                    else if (!(isInt(t) || t instanceof Type.Bool || t instanceof Type.Never))
                        diags.error("E0362", arg.span(), "`{}` cannot print a value of type `" + t + "`");
                }
                for (int i = argIndex; i < args.size(); i++) check(args.get(i), null);
                return Type.UNIT;
            }
            case "exit" -> {
                expectArgs(c, b, 1);
                if (!args.isEmpty()) unify(Type.I32, check(args.get(0), Type.I32), args.get(0).span());
                return Type.NEVER;
            }
            case "assert" -> {
                expectArgs(c, b, 1);
                if (!args.isEmpty()) unify(Type.BOOL, check(args.get(0), Type.BOOL), args.get(0).span());
                return Type.UNIT;
            }
            case "assert_eq" -> {
                expectArgs(c, b, 2);
                if (args.size() >= 2) {
                    Type l = check(args.get(0), null);
                    unify(l, check(args.get(1), l), args.get(1).span());
                    Type s = shallow(l);
                    if (!(isInt(s) || s instanceof Type.Bool || s instanceof Type.Never))
                        diags.error("E0363", c.span(), "`assert_eq` compares integers or bools, not `" + s + "`");
                }
                return Type.UNIT;
            }
            case "panic" -> {
                if (args.size() != 1 || !(args.get(0) instanceof Expr.StrLit))
                    diags.error("E0364", c.span(), "`panic` takes one string literal: panic(\"what went wrong\")");
                return Type.NEVER;
            }
            case "unreachable" -> { expectArgs(c, b, 0); return Type.NEVER; }
            case "yield_now" -> { expectArgs(c, b, 0); return Type.UNIT; }
            default -> throw new IllegalStateException("builtin " + b.name());
        }
    }

    private void expectArgs(Expr.Call c, Symbol.Builtin b, int n) {
        if (c.args().size() != n) {
            diags.error("E0306", c.span(), "`" + b.name() + "` takes " + n + " argument" + (n == 1 ? "" : "s")
                    + " but " + c.args().size() + (c.args().size() == 1 ? " was" : " were") + " given");
            for (int i = n; i < c.args().size(); i++) check(c.args().get(i), null);
        }
    }

    /** Splits a format string into literal bytes and `{}` / `{:x}` placeholders; `{{` and `}}` escape. */
    private List<TypedProgram.FormatPart> parseFormat(Expr.StrLit fmt) {
        List<TypedProgram.FormatPart> parts = new ArrayList<>();
        byte[] s = fmt.bytes();
        ByteArrayOutputStream lit = new ByteArrayOutputStream();
        for (int i = 0; i < s.length; i++) {
            byte ch = s[i];
            if (ch == '{' && i + 1 < s.length && s[i + 1] == '{') { lit.write('{'); i++; continue; }
            if (ch == '}' && i + 1 < s.length && s[i + 1] == '}') { lit.write('}'); i++; continue; }
            if (ch == '{') {
                int close = i + 1;
                while (close < s.length && s[close] != '}') close++;
                String spec = close < s.length ? new String(s, i + 1, close - i - 1, StandardCharsets.UTF_8) : null;
                if (spec == null || !(spec.isEmpty() || spec.equals(":x"))) {
                    diags.error("E0365", fmt.span(), spec == null ? "unclosed `{` in format string" : "unknown format `{" + spec + "}`",
                            "use `{}` for decimal, bool or text and `{:x}` for hex; write `{{` for a literal brace");
                    return null;
                }
                if (lit.size() > 0) { parts.add(new TypedProgram.FormatPart.Literal(lit.toByteArray())); lit.reset(); }
                parts.add(new TypedProgram.FormatPart.Placeholder(spec.equals(":x")));
                i = close;
                continue;
            }
            if (ch == '}') {
                diags.error("E0365", fmt.span(), "unmatched `}` in format string", "write `}}` for a literal brace");
                return null;
            }
            lit.write(ch);
        }
        if (lit.size() > 0) parts.add(new TypedProgram.FormatPart.Literal(lit.toByteArray()));
        return parts;
    }

    // ---------------------------------------------------------------- blocks, if, match, loops

    private Type checkBlock(Expr.Block b, Type expected) {
        scopes.push(new HashMap<>());
        boolean diverges = false;
        for (Stmt s : b.stmts()) {
            Type t = checkStmt(s);
            if (t instanceof Type.Never) diverges = true;
        }
        Type result;
        if (b.tail() != null) result = check(b.tail(), expected);
        else result = diverges ? Type.NEVER : Type.UNIT;
        scopes.pop();
        return result;
    }

    private void checkUnitBlock(Expr.Block b) {
        Type t = check(b, Type.UNIT);
        if (b.tail() != null) unify(Type.UNIT, t, b.tail().span());
    }

    private Type checkStmt(Stmt s) {
        if (s instanceof Stmt.Let let) {
            Type declared = let.type() == null ? null : resolveType(let.type());
            Type t = declared;
            if (let.init() != null) {
                Type init = check(let.init(), declared);
                if (declared != null) unify(declared, init, let.init().span());
                else t = init;
                if (shallow(init) instanceof Type.Never && declared == null) t = freshVar();
            } else if (t == null) {
                diags.error("E0311", let.name().span(), "`let " + let.name().name() + "` needs a type or an initializer");
                t = Type.I32;
            }
            if (shallow(t) instanceof Type.Unit && let.init() != null && !(let.init() instanceof Expr.Block))
                ; // `let x = ();` is legal, if odd
            Symbol.LocalVar v = new Symbol.LocalVar(let.name().name(), t, let.mutable(), let.name().span());
            fnLocals.add(v);
            out.letVars.put(let, v);
            scopes.peek().put(v.name(), v);
            return (let.init() != null && shallow(out.types.get(let.init())) instanceof Type.Never) ? Type.NEVER : Type.UNIT;
        } else if (s instanceof Stmt.ExprStmt es) {
            Type t = check(es.expr(), null);
            Type st = shallow(t);
            if (!es.semicolon() && !(st instanceof Type.Unit || st instanceof Type.Never)) {
                diags.error("E0308", es.expr().span(), "mismatched types: expected `()`, found `" + st + "`",
                        "add `;` to discard the value");
            }
            return st instanceof Type.Never ? Type.NEVER : Type.UNIT;
        }
        throw new IllegalStateException("unknown statement " + s);
    }

    private Type checkIf(Expr.If i, Type expected) {
        unify(Type.BOOL, check(i.cond(), Type.BOOL), i.cond().span());
        if (i.otherwise() == null) {
            Type t = check(i.then(), Type.UNIT);
            if (!(shallow(t) instanceof Type.Unit || shallow(t) instanceof Type.Never)) {
                diags.error("E0312", i.then().tail() != null ? i.then().tail().span() : i.span(),
                        "`if` without `else` cannot have a value of type `" + shallow(t) + "`",
                        "add an `else` branch, or end the block with `;`");
            }
            return Type.UNIT;
        }
        Type a = check(i.then(), expected);
        Type b = check(i.otherwise(), shallow(a) instanceof Type.Never ? expected : a);
        return joinBranches(a, b, i.otherwise().span());
    }

    private Type joinBranches(Type a, Type b, Span at) {
        if (shallow(a) instanceof Type.Never) return b;
        if (shallow(b) instanceof Type.Never) return a;
        unify(a, b, at);
        return a;
    }

    private Type checkMatch(Expr.Match m, Type expected) {
        Type scrutinee = check(m.scrutinee(), null);
        Type st = shallow(scrutinee);
        if (!(isInt(st) || st instanceof Type.Bool || st instanceof Type.Never))
            diags.error("E0370", m.scrutinee().span(), "cannot match on a value of type `" + st + "`",
                    "`match` works on integers, bools and enums");
        Type result = null;
        for (Expr.MatchArm arm : m.arms()) {
            checkPattern(arm.pattern(), scrutinee);
            Type t = check(arm.body(), result != null && !(shallow(result) instanceof Type.Never) ? result : expected);
            result = result == null ? t : joinBranches(result, t, arm.body().span());
        }
        // Exhaustiveness needs the final scrutinee type: decided after the function body.
        pendingMatches.add(m);
        return result == null ? Type.NEVER : result;
    }

    private final List<Expr.Match> pendingMatches = new ArrayList<>();

    private void checkPattern(Pattern p, Type scrutinee) {
        if (p instanceof Pattern.Wildcard w) {
        } else if (p instanceof Pattern.Or or) { for (Pattern alt : or.alternatives()) checkPattern(alt, scrutinee);
        } else if (p instanceof Pattern.Value v) { unify(scrutinee, check(v.value(), scrutinee), v.span());
        } else if (p instanceof Pattern.Range r) {
            unify(scrutinee, check(r.low(), scrutinee), r.low().span());
            unify(scrutinee, check(r.high(), scrutinee), r.high().span());
        }
    }

    private Type checkFor(Expr.For f) {
        Type start = check(f.start(), null);
        Type end = check(f.end(), start);
        unify(start, end, f.end().span());
        if (!isInt(start) && !(shallow(start) instanceof Type.Never))
            diags.error("E0343", f.start().span(), "a `for` range needs integers, found `" + shallow(start) + "`");
        scopes.push(new HashMap<>());
        Symbol.LocalVar v = new Symbol.LocalVar(f.var().name(), start, false, f.var().span());
        fnLocals.add(v);
        out.forVars.put(f, v);
        scopes.peek().put(v.name(), v);
        loops.push(new LoopCtx(false));
        checkUnitBlock(f.body());
        loops.pop();
        scopes.pop();
        return Type.UNIT;
    }
}

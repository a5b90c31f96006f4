package mote.types;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mote.ast.Expr;
import mote.ast.Ident;
import mote.ast.Item;
import mote.ast.Module;
import mote.ast.Stmt;
import mote.diag.Diagnostics;
import mote.diag.Span;
import mote.diag.Suggest;

/**
 * Names and types: resolves every name, infers the type of every expression and checks the
 * async rules (a future is awaited where it is made; `.await` only in async code).
 *
 * Integer literals without a suffix get an inference variable; variables are unified as in
 * Rust across the whole function body and default to `i32` when nothing decides them. Errors
 * are reported and checking goes on, so one run shows every independent error; a type that
 * could not be resolved becomes the error type (Never), which accepts anything, so one
 * mistake is reported once.
 *
 * Items are declared in phases so that they may be used in any order: type names, then value
 * names, consts and enum discriminants (array lengths use them) in {@link ItemOrder}'s order,
 * struct layouts, fn signatures, statics (in that order too) and registers, then bodies. Each module of a multi-file program has its own scope; another
 * module's items are reached as `m.item` where `m` is imported.
 *
 * This file is the checking walk over bodies (expressions, statements, blocks and loops); the
 * rest of the checker sits below it in a sealed chain of classes, one responsibility a file (see
 * {@link CheckerState}): {@link TypeInference}, {@link ItemDeclarations}, {@link VariantChecks},
 * {@link PatternChecks}, {@link FormatChecks}, {@link CallChecks} and {@link AsyncChecks}.
 */
public final class TypeChecker extends AsyncChecks {
    static final Map<String, Symbol.Builtin> BUILTINS = new LinkedHashMap<>();
    static {
        for (String s : List.of("print", "println", "exit", "assert", "assert_eq", "panic", "unreachable"))
            BUILTINS.put(s, new Symbol.Builtin(s, false));
        BUILTINS.put("yield_now", new Symbol.Builtin("yield_now", true));
        BUILTINS.put("sleep_ms", new Symbol.Builtin("sleep_ms", true));
        BUILTINS.put("sleep_us", new Symbol.Builtin("sleep_us", true));
        BUILTINS.put("sleep_until", new Symbol.Builtin("sleep_until", true));
        BUILTINS.put("ticks", new Symbol.Builtin("ticks", false));
    }

    /**
     * The loop a `break`/`continue` leaves: the innermost, or the one its label names. Null
     * (reported) when there is none, or when it lies outside the `join`/`race` branch it is in.
     */
    private LoopCtx loopTarget(Expr jump, Ident label, String what) {
        if (loops.isEmpty()) {
            diags.error("E0340", jump.span(), "`" + what + "` outside of a loop");
            return null;
        }
        int depth = loops.size();
        LoopCtx found = null;
        for (LoopCtx ctx : loops) {   // innermost first
            if (label == null || (ctx.label != null && ctx.label.name().equals(label.name()))) { found = ctx; break; }
            depth--;
        }
        if (found == null) {
            List<String> known = new ArrayList<>();
            for (LoopCtx ctx : loops) if (ctx.label != null) known.add(ctx.label.name());
            String best = Suggest.closest(label.name(), known);
            diags.error("E0344", label.span(), "no enclosing loop is labelled `'" + label.name() + "`",
                    best != null ? "did you mean `'" + best + "`?" : known.isEmpty() ? "label the loop: `'" + label.name() + ": loop { }`"
                            : "the enclosing loops are labelled " + String.join(", ", known.stream().map(k -> "`'" + k + "`").toList()));
            return null;
        }
        if (branchLoopDepth >= 0 && depth <= branchLoopDepth) {
            diags.error("E0409", jump.span(), "`" + what + "` cannot leave a `join`/`race` branch", "let the branch end instead");
            return null;
        }
        out.loopTargets.put(jump, found.loop);
        return found;
    }

    private TypeChecker(Diagnostics diags) { super(diags); }

    public static TypedProgram check(List<Module> modules, Diagnostics diags) {
        return new TypeChecker(diags).run(modules);
    }

    private TypedProgram run(List<Module> modules) {
        List<Symbol.Fn> fns = declareItems(modules);
        for (Symbol.Fn f : fns) {
            enter(fnModules.get(f));
            checkFn(f);
        }
        enter(modules.get(0));
        checkMain(modules);
        checkTasks();
        checkHandlersDoNotSpawn(fns);
        return out;
    }


    // ---------------------------------------------------------------- functions

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
                if (decl.body().tail() != null) {
                    coerce(fn.result(), decl.body().tail(), bodyType);
                    ReturnedReferences.check(decl.body().tail(), fn.name(), out, this::shallow, diags);
                } else {
                    unify(fn.result(), bodyType, at);
                }
            }
        }
        endBody();
    }

    private static Span closingBrace(Expr.Block b) {
        return new Span(b.span().file(), Math.max(b.span().start(), b.span().end() - 1), b.span().end());
    }

    // ---------------------------------------------------------------- expressions

    /** Checks {@code e}, using {@code expected} (may be null) to decide literal types. */
    Type check(Expr e, Type expected) {
        return record(e, infer(e, expected));
    }

    private Type infer(Expr e, Type expected) {
        if (e instanceof Expr.IntLit lit) {
            literals.add(new LiteralUse(lit, false));
            return literalType(lit, expected);
        } else if (e instanceof Expr.FloatLit) { return Type.F32;
        } else if (e instanceof Expr.BoolLit b) { return Type.BOOL;
        } else if (e instanceof Expr.StrLit s) { return new Type.Slice(Type.U8);
        } else if (e instanceof Expr.Field f) { return checkField(f);
        } else if (e instanceof Expr.Index ix) { return checkIndex(ix);
        } else if (e instanceof Expr.SliceOf so) {
            checkSliceOf(so, false);
            diags.error("E0388", so.span(), "a slice is taken by reference", "write `&" + sourceText(so) + "` (or `&mut`)");
            return Type.NEVER;
        } else if (e instanceof Expr.ForIn f) { return checkForIn(f);
        } else if (e instanceof Expr.Ref r) { return checkRef(r, expected);
        } else if (e instanceof Expr.StructLit sl) { return checkStructLit(sl);
        } else if (e instanceof Expr.ArrayLit al) { return checkArrayLit(al, expected);
        } else if (e instanceof Expr.Tuple tu) {
            List<Type> hints = shallow(expected) instanceof Type.Tuple et && et.elements().size() == tu.elements().size() ? et.elements() : null;
            List<Type> elements = new ArrayList<>();
            for (int i = 0; i < tu.elements().size(); i++) elements.add(check(tu.elements().get(i), hints == null ? null : hints.get(i)));
            if (elements.stream().anyMatch(t -> shallow(t) instanceof Type.Never)) return Type.NEVER;
            return new Type.Tuple(elements);
        } else if (e instanceof Expr.ArrayRepeat ar) {
            Type elem = shallow(expected) instanceof Type.Array a ? a.element() : null;
            Type t = check(ar.value(), elem);
            if (elem != null) unify(elem, t, ar.value().span());
            Long n = constLength(ar.count());
            return n == null ? Type.NEVER : new Type.Array(t, n);
        } else if (e instanceof Expr.MethodCall mc) { return checkMethodCall(mc, false);
        } else if (e instanceof Expr.Spawn sp) { return checkSpawn(sp);
        } else if (e instanceof Expr.Join j) { return checkBranches(j.span(), "join", j.branches(), expected);
        } else if (e instanceof Expr.Race r) { return checkBranches(r.span(), "race", r.branches(), expected);
        } else if (e instanceof Expr.Lock l) { return checkLock(l, expected);
        } else if (e instanceof Expr.Critical cr) {
            criticalDepth++;
            try { return checkBlock(cr.body(), expected); } finally { criticalDepth--; }
        } else if (e instanceof Expr.Name n && isBuiltinVariant(n.ident().name()) && n.ident().name().equals("None")) {
            Type.Sum option = Type.Sum.option(optionArg(expected, e.span(), "`None`"));
            out.resolutions.put(n, new Symbol.SumVariant("None", option, 0));
            return option;
        } else if (e instanceof Expr.Name n) { return checkName(n);
        } else if (e instanceof Expr.Try t) { return checkTry(t);
        } else if (e instanceof Expr.IfLet il) { return checkIfLet(il, expected);
        } else if (e instanceof Expr.WhileLet wl) {
            Type scrutinee = check(wl.scrutinee(), null);
            scopes.push(new HashMap<>());
            checkPat(wl.pattern(), scrutinee);
            loops.push(new LoopCtx(wl, false, wl.label()));
            checkUnitBlock(wl.body());
            loops.pop();
            scopes.pop();
            return Type.UNIT;
        } else if (e instanceof Expr.Unary u) { return checkUnary(u, expected);
        } else if (e instanceof Expr.Binary b) { return checkBinary(b, expected);
        } else if (e instanceof Expr.Assign a) { return checkAssign(a);
        } else if (e instanceof Expr.Call c && variantConstructor(c.callee()) != null) {
            return checkVariantCall(c, variantConstructor(c.callee()), c.callee(), c.args(), expected);

        } else if (e instanceof Expr.Call c) { return checkCall(c, false);
        } else if (e instanceof Expr.Await a) { return checkAwait(a);
        } else if (e instanceof Expr.Cast c) {
            Type target = resolveType(c.type());
            Type from = check(c.value(), null);
            Type s = shallow(from);
            boolean numeric = s instanceof Type.Int || s instanceof Type.Var || s instanceof Type.Float32;
            boolean legal = target instanceof Type.Int
                    ? numeric || s instanceof Type.Bool || s instanceof Type.Enum || s instanceof Type.Never
                    : target instanceof Type.Float32 && (numeric || s instanceof Type.Never);
            if (!legal && !(target instanceof Type.Never)) {   // an unknown target type was reported already
                diags.error("E0330", c.span(), "cannot cast `" + resolveForMessage(s) + "` as `" + target + "`",
                        "`as` converts between integer types and `f32`, and from a bool or an enum to an integer");
            }
            return target;
        } else if (e instanceof Expr.Block b) { return checkBlock(b, expected);
        } else if (e instanceof Expr.If i) { return checkIf(i, expected);
        } else if (e instanceof Expr.Match m) { return checkMatch(m, expected);
        } else if (e instanceof Expr.While w) {
            unify(Type.BOOL, check(w.cond(), Type.BOOL), w.cond().span());
            loops.push(new LoopCtx(w, false, w.label()));
            checkUnitBlock(w.body());
            loops.pop();
            return Type.UNIT;
        } else if (e instanceof Expr.Loop l) {
            LoopCtx ctx = new LoopCtx(l, true, l.label());
            loops.push(ctx);
            checkUnitBlock(l.body());
            loops.pop();
            return ctx.breakType == null ? Type.NEVER : ctx.breakType;
        } else if (e instanceof Expr.For f) { return checkFor(f);
        } else if (e instanceof Expr.Break b) {
            LoopCtx ctx = loopTarget(b, b.label(), b.label() == null ? "break" : "break '" + b.label().name());
            if (ctx == null) {
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
            loopTarget(c, c.label(), c.label() == null ? "continue" : "continue '" + c.label().name());
            return Type.NEVER;
        } else if (e instanceof Expr.Return r) {
            if (branchLoopDepth >= 0)
                diags.error("E0409", r.span(), "`return` cannot leave a `join`/`race` branch",
                        "set a variable in the branch and return after the `join`/`race`");
            if (currentFn == null) {
                diags.error("E0342", r.span(), "`return` outside of a function");
                return Type.NEVER;
            }
            Type want = currentFn.result();
            if (r.value() == null) {
                if (!(want instanceof Type.Unit))
                    diags.error("E0308", r.span(), "mismatched types: `return` without a value in a function returning `" + want + "`");
            } else {
                coerce(want, r.value(), check(r.value(), want));
                ReturnedReferences.check(r.value(), currentFn.name(), out, this::shallow, diags);
            }
            return Type.NEVER;
        } else {
            diags.error("E0399", e.span(), "this expression is not supported yet");
            return Type.NEVER;
        }
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
        if (g instanceof Symbol.Register r) { out.resolutions.put(n, r); return r.type(); }
        if (typeNames.containsKey(name)) {
            diags.error("E0387", n.span(), "`" + name + "` is a type, not a value",
                    typeNames.get(name) instanceof Type.Enum en ? "name a variant: `" + name + "." + en.variants().get(0) + "`" : "make one with `" + name + " { ... }`");
            return Type.NEVER;
        }
        if (g instanceof Symbol.Fn || BUILTINS.containsKey(name)) {
            diags.error("E0304", n.span(), "`" + name + "` is a function; call it with `" + name + "(...)`");
            return Type.NEVER;
        }
        if (g == null && globals.containsKey(name)) {
            // A fn, static or register whose symbol is made after the constants (ItemOrder): named in one.
            if (currentFn == null) diags.error("E0501", n.span(), "`" + name + "` is not a constant, so it cannot be used here",
                    "a constant is computed at compile time from literals and other constants");
            return Type.NEVER;
        }
        diags.error("E0204", n.span(), "cannot find `" + name + "` in this scope", suggestion(name));
        return Type.NEVER;
    }

    private Type checkUnary(Expr.Unary u, Type expected) {
        switch (u.op()) {
            case NEG -> {
                Type t;
                if (u.operand() instanceof Expr.IntLit lit) {
                    t = record(lit, literalType(lit, expected));
                    literals.add(new LiteralUse(lit, true));
                } else {
                    t = throughReference(u.operand(), check(u.operand(), expected));   // `-x` for `x: &i32`, as Rust
                }
                Type s = shallow(t);
                if (s instanceof Type.Int it && !it.signed())
                    diags.error("E0331", u.span(), "cannot negate a value of unsigned type `" + it + "`");
                else if (!isInt(t) && !(s instanceof Type.Float32) && !(s instanceof Type.Never))
                    diags.error("E0331", u.span(), "cannot negate a value of type `" + s + "`");
                return t;
            }
            case NOT -> {
                Type t = throughReference(u.operand(), check(u.operand(), expected));
                Type s = shallow(t);
                if (!(s instanceof Type.Bool || isInt(s) || s instanceof Type.Never))
                    diags.error("E0331", u.span(), "`!` needs a bool or an integer, found `" + s + "`");
                return t;
            }
            case BIT_NOT -> {
                Type t = throughReference(u.operand(), check(u.operand(), expected));
                if (!isInt(t) && !(shallow(t) instanceof Type.Never))
                    diags.error("E0331", u.span(), "`~` needs an integer, found `" + shallow(t) + "`");
                return t;
            }
            default -> {   // DEREF
                Type t = shallow(check(u.operand(), null));
                if (t instanceof Type.Ref r) return r.target();
                if (!(t instanceof Type.Never))
                    diags.error("E0334", u.span(), "cannot dereference a value of type `" + resolveForMessage(t) + "`", "only references `&T` can be dereferenced");
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
            Type l = throughReference(b.left(), check(b.left(), expected));
            Type r = throughReference(b.right(), check(b.right(), null));
            requireInt(l, b.left().span(), op);
            requireInt(r, b.right().span(), op);
            return l;
        }
        if (op.isComparison()) {
            Type l = check(b.left(), null);
            Type r = check(b.right(), l);
            if (shallow(l) instanceof Type.Ref != shallow(r) instanceof Type.Ref && !(shallow(l) instanceof Type.Never || shallow(r) instanceof Type.Never)
                    && isNumberLike(referent(l)) && isNumberLike(referent(r))) {
                // As in Rust, a reference compares with a reference: `x == 1` with `x: &u8` is `*x == 1`.
                Expr ref = shallow(l) instanceof Type.Ref ? b.left() : b.right();
                diags.error("E0308", b.span(), "cannot compare `" + resolveForMessage(shallow(l)) + "` with `" + resolveForMessage(shallow(r)) + "`",
                        "compare what the reference points to: `*" + sourceText(ref) + "`");
                return Type.BOOL;
            }
            Type s;
            if (shallow(l) instanceof Type.Ref && shallow(r) instanceof Type.Ref && isNumberLike(referent(l)) && isNumberLike(referent(r))) {
                // Two references compare what they refer to (Rust's PartialEq for &A, `&mut` or not).
                if (!sameValueType(referent(l), referent(r))) {
                    diags.error("E0308", b.right().span(), "mismatched types: expected `" + resolveForMessage(shallow(l)) + "`, found `"
                            + resolveForMessage(shallow(r)) + "`", "compare the values, converted: `*" + sourceText(b.right()) + " as "
                            + resolveForMessage(referent(l)) + "`");
                    return Type.BOOL;
                }
                unify(referent(l), referent(r), b.right().span());
                out.operandDerefs.add(b.left());
                out.operandDerefs.add(b.right());
                s = shallow(referent(l));
            } else {
                unify(l, r, b.right().span());
                s = shallow(l);
            }
            if (op != Expr.BinaryOp.EQ && op != Expr.BinaryOp.NE && s instanceof Type.Bool)
                diags.error("E0332", b.span(), "`" + op.symbol + "` compares integers, not bools");
            else if (s instanceof Type.Enum && op != Expr.BinaryOp.EQ && op != Expr.BinaryOp.NE)
                diags.error("E0332", b.span(), "`" + op.symbol + "` does not order enums", "compare their discriminants: `a as u8 < b as u8`");
            else if (!(isInt(s) || s instanceof Type.Float32 || s instanceof Type.Bool || s instanceof Type.Enum || s instanceof Type.Never
                    || s instanceof Type.Unit))   // `()` equals itself, as in Rust
                diags.error("E0332", b.span(), "cannot compare values of type `" + resolveForMessage(s) + "`");
            return Type.BOOL;
        }
        // Arithmetic and bitwise: both sides the same integer type (bitwise also on bools). Either
        // side may be a reference to one, used as its value (Rust's `&u8 + u8`).
        Type l = throughReference(b.left(), check(b.left(), expected));
        Type r = throughReference(b.right(), check(b.right(), l));
        if (!referenceOperandFits(b.left(), l, r) || !referenceOperandFits(b.right(), r, l)) return l;
        unify(l, r, b.right().span());
        Type s = shallow(l);
        boolean bitwise = op == Expr.BinaryOp.BIT_AND || op == Expr.BinaryOp.BIT_OR || op == Expr.BinaryOp.BIT_XOR;
        if (s instanceof Type.Float32 && op == Expr.BinaryOp.REM)
            diags.error("E0333", b.span(), "Mote has no `%` for `f32` (0.2)",
                    "for a whole-number remainder convert first: `(a as i32) % (b as i32)`");
        else if (s instanceof Type.Float32 && !bitwise) { }   // + - * /: IEEE arithmetic
        else if (!(isInt(s) || s instanceof Type.Never || (bitwise && s instanceof Type.Bool)))
            diags.error("E0333", b.span(), "cannot apply `" + op.symbol + "` to `" + s + "`");
        return l;
    }

    /** {@code t}, or what it refers to when it is one reference to a number or bool (noted for MIR). */
    private Type throughReference(Expr operand, Type t) {
        if (shallow(t) instanceof Type.Ref r && !(shallow(r.target()) instanceof Type.Ref) && isNumberLike(r.target())) {
            out.operandDerefs.add(operand);
            return r.target();
        }
        if (shallow(t) instanceof Type.Ref r && shallow(r.target()) instanceof Type.Ref && isNumberLike(referent(t))) {
            // Rust takes one reference as the value, not two: one error, not a cascade.
            int depth = referenceDepth(t);
            diags.error("E0333", operand.span(), "`" + resolveForMessage(t) + "` is " + depth + " references away from its value",
                    "dereference it: `" + "*".repeat(depth) + sourceText(operand) + "`");
            return Type.NEVER;
        }
        return t;
    }

    /**
     * An operand taken through a reference whose value has another number type than the other
     * side's: reported naming the reference, with a conversion that compiles (`as` does not
     * apply to a reference). True when it fits, or was not taken through a reference.
     */
    private boolean referenceOperandFits(Expr operand, Type value, Type other) {
        if (!out.operandDerefs.contains(operand) || sameValueType(value, other)) return true;
        diags.error("E0308", operand.span(), "mismatched types: expected `" + resolveForMessage(other) + "`, found `&"
                + resolveForMessage(value) + "`", "convert what it points to: `*" + sourceText(operand) + " as " + resolveForMessage(other) + "`");
        return false;
    }

    /** Whether two number types agree, or may yet (an undecided literal, a type already in error). */
    private boolean sameValueType(Type a, Type b) {
        Type x = shallow(a), y = shallow(b);
        return x instanceof Type.Var || y instanceof Type.Var || x instanceof Type.Never || y instanceof Type.Never || x.equals(y);
    }

    private boolean isNumberLike(Type t) {
        Type s = shallow(t);
        return isInt(s) || s instanceof Type.Float32 || s instanceof Type.Bool || s instanceof Type.Enum;
    }

    private void requireInt(Type t, Span at, Expr.BinaryOp op) {
        Type s = shallow(t);
        if (!isInt(s) && !(s instanceof Type.Never)) diags.error("E0333", at, "`" + op.symbol + "` needs integers, found `" + s + "`");
    }

    /** `Cmd.Reset` when {@code target} names an enum type (and no local hides it), else null. */
    private Type.Enum enumNamed(Expr target) {
        if (target instanceof Expr.Field f) {
            ModuleScope ms = moduleNamed(f.target());
            return ms != null && ms.types().get(f.field().name()) instanceof Type.Enum en ? en : null;
        }
        if (!(target instanceof Expr.Name n)) return null;
        String name = n.ident().name();
        if (scopes.stream().anyMatch(sc -> sc.containsKey(name))) return null;
        return typeNames.get(name) instanceof Type.Enum en ? en : null;
    }

    /** `m.item` for a module `m` this module imports: its const, static or register. */
    private Type checkQualified(Expr.Field f, ModuleScope ms) {
        String name = f.field().name();
        Symbol sym = ms.globals().get(name);
        if (sym instanceof Symbol.Const || sym instanceof Symbol.Static || sym instanceof Symbol.Register) {
            out.resolutions.put(f, sym);
            return sym instanceof Symbol.Const c ? c.type() : sym instanceof Symbol.Static st ? st.type() : ((Symbol.Register) sym).type();
        }
        if (sym instanceof Symbol.Fn) {
            diags.error("E0304", f.span(), "`" + ms.module().name() + "." + name + "` is a function; call it with `" + ms.module().name() + "." + name + "(...)`");
            return Type.NEVER;
        }
        if (ms.types().containsKey(name)) {
            diags.error("E0387", f.span(), "`" + ms.module().name() + "." + name + "` is a type, not a value");
            return Type.NEVER;
        }
        if (sym == null && ms.globals().containsKey(name)) return Type.NEVER;   // broken item: already reported
        diags.error("E0209", f.field().span(), "module `" + ms.module().name() + "` has no item `" + name + "`", hintFrom(name, ms.globals().keySet()));
        return Type.NEVER;
    }

    private Type checkField(Expr.Field f) {
        ModuleScope module = moduleNamed(f.target());
        if (module != null) return checkQualified(f, module);
        Type.Int it = f.target() instanceof Expr.Name tn ? Type.intNamed(tn.ident().name()) : null;
        if (it != null && f.target() instanceof Expr.Name tn
                && scopes.stream().noneMatch(sc -> sc.containsKey(tn.ident().name())) && !globals.containsKey(tn.ident().name())) {
            // `u32.MAX`: Rust's associated constants
            java.math.BigInteger half = java.math.BigInteger.ONE.shiftLeft(it.signed() ? it.bits() - 1 : it.bits());
            String range = (it.signed() ? half.negate() : java.math.BigInteger.ZERO) + " to " + half.subtract(java.math.BigInteger.ONE);
            diags.error("E0209", f.span(), "`" + tn.ident().name() + "` has no item `" + f.field().name() + "`",
                    "integer types have no associated constants in Mote: write the value itself (" + tn.ident().name() + " holds " + range + ")");
            return Type.NEVER;
        }
        if (reportNotImported(f.target())) return Type.NEVER;
        Type.Sum sum = sumNamed(f.target());
        if (sum != null) {
            int index = sum.indexOf(f.field().name());
            if (index < 0) {
                List<String> names = sum.variants().stream().map(Type.Sum.Variant::name).toList();
                String best = Suggest.closest(f.field().name(), names);
                diags.error("E0386", f.field().span(), "no variant `" + f.field().name() + "` in enum `" + sum.name() + "`",
                        best != null ? "did you mean `" + sum.name() + "." + best + "`?" : "its variants are " + String.join(", ", names));
                return Type.NEVER;
            }
            Type.Sum.Variant v = sum.variants().get(index);
            if (!v.fields().isEmpty() || v.isStructLike()) {
                diags.error("E0397", f.span(), "`" + sum.name() + "." + v.name() + "` carries data",
                        v.isStructLike() ? "build it with `" + sum.name() + "." + v.name() + " { " + String.join(": .., ", v.fieldNames()) + ": .. }`"
                                : "build it with `" + sum.name() + "." + v.name() + "(..)`");
                return Type.NEVER;
            }
            out.resolutions.put(f, new Symbol.SumVariant(v.name(), sum, index));
            return sum;
        }
        Type.Enum en = enumNamed(f.target());
        if (en != null) {
            int index = en.indexOf(f.field().name());
            if (index < 0) {
                String best = Suggest.closest(f.field().name(), en.variants());
                diags.error("E0386", f.field().span(), "no variant `" + f.field().name() + "` in enum `" + en.name() + "`",
                        best != null ? "did you mean `" + en.name() + "." + best + "`?" : "its variants are " + String.join(", ", en.variants()));
                return Type.NEVER;
            }
            out.resolutions.put(f, new Symbol.Variant(f.field().name(), en, index));
            return en;
        }
        if (f.target() instanceof Expr.Name n && typeNames.get(n.ident().name()) instanceof Type.Struct
                && scopes.stream().noneMatch(sc -> sc.containsKey(n.ident().name()))) {
            diags.error("E0387", f.span(), "`" + n.ident().name() + "` is a struct type, not a value", "make one with `" + n.ident().name() + " { ... }`");
            return Type.NEVER;
        }
        Type t = derefAll(check(f.target(), null));
        if (t instanceof Type.Never) return Type.NEVER;
        if (t instanceof Type.Tuple tu) {
            String name = f.field().name();
            int index = name.chars().allMatch(Character::isDigit) && name.length() < 4 ? Integer.parseInt(name) : -1;
            if (index >= 0 && index < tu.elements().size()) return tu.elements().get(index);
            diags.error("E0380", f.field().span(), "no field `" + name + "` on type `" + resolveForMessage(tu) + "`",
                    "its fields are " + String.join(", ", java.util.stream.IntStream.range(0, tu.elements().size()).mapToObj(i -> "`." + i + "`").toList()));
            return Type.NEVER;
        }
        if (t instanceof Type.Struct st) {
            int index = st.fieldIndex(f.field().name());
            if (index >= 0) return st.fields().get(index).type();
            String best = Suggest.closest(f.field().name(), st.fields().stream().map(Type.Struct.Field::name).toList());
            diags.error("E0380", f.field().span(), "no field `" + f.field().name() + "` on type `" + st + "`",
                    best != null ? "did you mean `" + best + "`?" : "its fields are " + String.join(", ", st.fields().stream().map(Type.Struct.Field::name).toList()));
            return Type.NEVER;
        }
        String help = (t instanceof Type.Array || t instanceof Type.Slice) && f.field().name().equals("len") ? "the length is a method: `.len()`" : null;
        diags.error("E0380", f.field().span(), "`" + resolveForMessage(t) + "` has no field `" + f.field().name() + "`",
                help == null ? new String[0] : new String[] {help});
        return Type.NEVER;
    }

    private Type checkIndex(Expr.Index ix) {
        Type t = derefAll(check(ix.target(), null));
        Type idx = check(ix.index(), null);
        Type is = shallow(idx);
        if (is instanceof Type.Var v) bindVar(v, Type.U32, ix.index().span());   // an undecided index is a usize
        else if (!(is instanceof Type.Never) && !(is instanceof Type.Int it && !it.signed()))
            diags.error("E0381", ix.index().span(), "an index must be an unsigned integer, not `" + resolveForMessage(is) + "`",
                    is instanceof Type.Int ? "convert it: `as usize`" : "indexes are u8, u16, u32, u64 or usize");
        if (t instanceof Type.Array a) return a.element();
        if (t instanceof Type.Slice sl) return sl.element();
        if (!(t instanceof Type.Never)) diags.error("E0388", ix.target().span(), "cannot index a value of type `" + resolveForMessage(t) + "`",
                "only arrays `[T; N]` and slices `&[T]` can be indexed");
        return Type.NEVER;
    }

    /** `&a[i..j]` / `&mut a[i..j]` (0.2): a slice of an array or slice; the bounds are usize. */
    private Type checkSliceOf(Expr.SliceOf so, boolean mutable) {
        Type base = derefAll(check(so.target(), null));
        for (Expr bound : java.util.Arrays.asList(so.low(), so.high())) {
            if (bound == null) continue;
            Type bt = shallow(check(bound, Type.U32));
            if (bt instanceof Type.Var v) bindVar(v, Type.U32, bound.span());
            else if (!(bt instanceof Type.Never || bt.equals(Type.U32)))
                diags.error("E0381", bound.span(), "a slice bound must be a `usize`, not `" + resolveForMessage(bt) + "`", "convert it: `as usize`");
        }
        if (mutable) {
            Type direct = shallow(out.types.get(so.target()));
            if (direct instanceof Type.Slice sl) { if (!sl.mutable()) diags.error("E0356", so.span(), "cannot take a `&mut` slice of a read-only slice"); }
            else if (direct instanceof Type.Ref rr) { if (!rr.mutable()) diags.error("E0356", so.span(), "cannot take a `&mut` slice through a `&` reference"); }
            else mutablePlace(so.target(), true);
        }
        if (base instanceof Type.Array a) return new Type.Slice(a.element(), mutable);
        if (base instanceof Type.Slice sl) return new Type.Slice(sl.element(), mutable);
        if (!(base instanceof Type.Never)) diags.error("E0388", so.target().span(), "cannot slice a value of type `" + resolveForMessage(base) + "`",
                "only arrays `[T; N]` and slices `&[T]` can be sliced");
        return Type.NEVER;
    }

    private Type checkRef(Expr.Ref r, Type expected) {
        if (r.target() instanceof Expr.SliceOf so) return record(so, checkSliceOf(so, r.mutable()));
        // A slice type is itself the reference: `&[]` and `&[1, 2]` where a `&[u8]` goes take its element type.
        Type want = shallow(expected) instanceof Type.Ref er ? er.target()
                : shallow(expected) instanceof Type.Slice sl && r.target() instanceof Expr.ArrayLit ? sl : null;
        if (r.target() instanceof Expr.Name n && globals.get(n.ident().name()) instanceof Symbol.Register reg
                && scopes.stream().noneMatch(sc -> sc.containsKey(n.ident().name()))) {
            check(r.target(), null);
            diags.error("E0355", r.span(), "cannot take the address of register `" + reg.name() + "`",
                    "every access to a register is volatile: read it into a local first");
            return Type.NEVER;
        }
        Type t = check(r.target(), want);
        // Types a literal (`&5` where a `&u8` goes); a typed value's mismatch is the caller's to report, as references.
        if (want != null && shallow(t) instanceof Type.Var) unify(want, t, r.target().span());
        if (r.mutable()) mutablePlace(r.target(), true);
        return new Type.Ref(r.mutable(), t);
    }

    private Type checkStructLit(Expr.StructLit sl) {
        if (sl.type().path().size() == 2 && typeNames.get(sl.type().path().get(0).name()) instanceof Type.Sum sum) return checkVariantLit(sl, sum);
        ModuleScope from = sl.type().path().size() == 3 ? importedModule(sl.type().path().get(0).name()) : null;
        if (from != null && from.types().get(sl.type().path().get(1).name()) instanceof Type.Sum sum)   // `m.Event.Release { .. }`
            return checkVariantLit(sl, sum);
        String name = sl.type().simpleName();
        Type t = sl.type().path().size() == 1 ? typeNames.get(name)
                : sl.type().path().size() == 2 && importedModule(sl.type().path().get(0).name()) != null
                ? importedModule(sl.type().path().get(0).name()).types().get(name) : null;
        if (!(t instanceof Type.Struct st)) {
            if (t == null) resolveType(sl.type());   // reports the unknown type
            else diags.error("E0389", sl.type().span(), "`" + name + "` is not a struct");
            for (Expr.FieldInit fi : sl.fields()) check(fi.value(), null);
            return Type.NEVER;
        }
        List<String> given = new ArrayList<>();
        for (Expr.FieldInit fi : sl.fields()) {
            int index = st.fieldIndex(fi.name().name());
            if (index < 0) {
                String best = Suggest.closest(fi.name().name(), st.fields().stream().map(Type.Struct.Field::name).toList());
                diags.error("E0382", fi.name().span(), "struct `" + st + "` has no field named `" + fi.name().name() + "`",
                        best != null ? new String[] {"did you mean `" + best + "`?"} : new String[0]);
                check(fi.value(), null);
                continue;
            }
            if (given.contains(fi.name().name())) diags.error("E0384", fi.name().span(), "field `" + fi.name().name() + "` is given twice");
            given.add(fi.name().name());
            Type ft = st.fields().get(index).type();
            coerce(ft, fi.value(), check(fi.value(), ft));
        }
        List<String> missing = st.fields().stream().map(Type.Struct.Field::name).filter(n -> !given.contains(n)).toList();
        if (!missing.isEmpty())
            diags.error("E0383", sl.type().span(), "missing field" + (missing.size() == 1 ? " " : "s ") + missing.stream().map(m -> "`" + m + "`").collect(java.util.stream.Collectors.joining(", "))
                    + " in `" + st + "` literal", "every field needs a value");
        return st;
    }

    private Type checkArrayLit(Expr.ArrayLit al, Type expected) {
        // `&[]` where a slice is expected (a `&[u8]` parameter, checkRef) takes the slice's element type.
        Type elem = shallow(expected) instanceof Type.Array a ? a.element() : shallow(expected) instanceof Type.Slice sl ? sl.element() : null;
        if (al.elements().isEmpty()) {
            if (elem == null) {
                diags.error("E0390", al.span(), "cannot infer the element type of an empty array", "give the variable a type: `let a: [u8; 0] = [];`");
                return Type.NEVER;
            }
            return new Type.Array(elem, 0);
        }
        Type first = null;
        for (Expr x : al.elements()) {
            Type t = check(x, first != null ? first : elem);
            if (first == null) { first = t; if (elem != null) unify(elem, t, x.span()); }
            else unify(first, t, x.span());
        }
        return new Type.Array(first, al.elements().size());
    }

    /**
     * Checks that {@code target} (already type-checked) names memory that may be written:
     * a `mut` local or static, a register, or anything behind a `&mut`. {@code borrow} words
     * the error for `&mut x` rather than for an assignment.
     */
    void mutablePlace(Expr target, boolean borrow) {
        Symbol qualified = target instanceof Expr.Field qf ? out.resolutions.get(qf) : null;
        if (target instanceof Expr.Name || qualified instanceof Symbol.Static || qualified instanceof Symbol.Const || qualified instanceof Symbol.Register) {
            Symbol sym = out.resolutions.get(target);
            if (sym instanceof Symbol.LocalVar v && !v.mutable()) {
                String message = borrow ? "cannot borrow `" + v.name() + "` as mutable, as it is not declared as mutable"
                        : declaredWithoutValue.contains(v) ? "cannot assign to `" + v.name() + "`: it is declared without a value and without `mut`"
                        : "cannot assign twice to immutable variable `" + v.name() + "`";
                String help = !borrow && declaredWithoutValue.contains(v)
                        ? "a local that gets its value later must be mutable (Mote has no deferred initialization of an immutable `let`): `let mut " + v.name() + "`"
                        : "make it mutable: `let mut " + v.name() + "`";
                diags.error(borrow ? "E0354" : "E0350", target.span(), message, help);
            } else if (sym instanceof Symbol.Static st && !st.mutable()) {
                diags.error("E0351", target.span(), "cannot " + (borrow ? "borrow" : "assign to") + " `" + st.name() + "`" + (borrow ? " as mutable" : "") + ": it is a `static` without `mut`");
            } else if (sym instanceof Symbol.Const c) {
                diags.error("E0352", target.span(), "cannot " + (borrow ? "borrow constant `" + c.name() + "` as mutable" : "assign to constant `" + c.name() + "`"));
            }
            return;
        }
        Expr inner = null;
        if (target instanceof Expr.Field f && !(out.resolutions.get(f) instanceof Symbol.Variant) && moduleNamed(f.target()) == null) inner = f.target();
        else if (target instanceof Expr.Index ix) inner = ix.target();
        else if (target instanceof Expr.Unary u && u.op() == Expr.UnaryOp.DEREF) {
            Type t = shallow(out.types.get(u.operand()));
            if (t instanceof Type.Ref r && !r.mutable())
                diags.error("E0356", target.span(), "cannot " + (borrow ? "borrow" : "assign") + " through a `&` reference", "take a `&mut` reference instead");
            return;
        }
        if (inner == null) {
            if (!borrow) diags.error("E0353", target.span(), "cannot assign to this expression", "assign to a variable, a field, an element or `*reference`");
            return;
        }
        Type t = shallow(out.types.get(inner));
        if (t instanceof Type.Slice sl) {
            if (!sl.mutable()) diags.error("E0356", target.span(), "cannot " + (borrow ? "borrow" : "assign") + " through a slice `&[T]`: it is read-only",
                    "take a `&mut [T]` slice (`&mut a[..]`), or index the array itself");
        } else if (t instanceof Type.Ref r) {
            while (shallow(r.target()) instanceof Type.Ref rr) r = rr;
            if (!r.mutable()) diags.error("E0356", target.span(), "cannot " + (borrow ? "borrow" : "assign") + " through a `&` reference", "take a `&mut` reference instead");
            else if (shallow(r.target()) instanceof Type.Slice sl && !sl.mutable()) diags.error("E0356", target.span(), "cannot " + (borrow ? "borrow" : "assign") + " through a slice `&[T]`: it is read-only");
        } else if (t != null && !(t instanceof Type.Never)) {
            mutablePlace(inner, borrow);
        }
    }

    private Type checkAssign(Expr.Assign a) {
        Expr tgt = a.target();
        boolean place = tgt instanceof Expr.Name || tgt instanceof Expr.Index
                || (tgt instanceof Expr.Field f && enumNamed(f.target()) == null)
                || (tgt instanceof Expr.Unary u && u.op() == Expr.UnaryOp.DEREF);
        Type target = check(tgt, null);
        if (a.op() != null && shallow(target) instanceof Type.Ref && isNumberLike(referent(target))) {
            // `v += 1` with `v: &mut u8`: the `*` forgotten. One error that says so.
            check(a.value(), null);
            int depth = referenceDepth(target);
            diags.error("E0333", a.span(), "cannot apply `" + a.op().symbol + "=` to `" + resolveForMessage(shallow(target)) + "`",
                    "assign through the reference: `" + "*".repeat(depth) + sourceText(tgt) + " " + a.op().symbol + "= ...`");
            return Type.UNIT;
        }
        if (place) mutablePlace(tgt, false);
        else diags.error("E0353", tgt.span(), "cannot assign to this expression", "assign to a variable, a field, an element or `*reference`");
        if (a.op() == null) {
            coerce(target, a.value(), check(a.value(), target));
        } else if (a.op().isShift()) {
            requireInt(target, a.target().span(), a.op());
            requireInt(throughReference(a.value(), check(a.value(), null)), a.value().span(), a.op());
        } else {
            // `sum += v` with `v: &u32`, as Rust's `AddAssign<&u32>`.
            Type value = throughReference(a.value(), check(a.value(), target));
            if (referenceOperandFits(a.value(), value, target)) unify(target, value, a.value().span());
            Type s = shallow(target);
            boolean bitwise = a.op() == Expr.BinaryOp.BIT_AND || a.op() == Expr.BinaryOp.BIT_OR || a.op() == Expr.BinaryOp.BIT_XOR;
            if (s instanceof Type.Float32 && a.op() == Expr.BinaryOp.REM)
                diags.error("E0333", a.span(), "Mote has no `%=` for `f32` (0.2)");
            else if (s instanceof Type.Float32 && !bitwise) { }   // += -= *= /=
            else if (!(isInt(s) || s instanceof Type.Never || (bitwise && s instanceof Type.Bool)))
                diags.error("E0333", a.span(), "cannot apply `" + a.op().symbol + "=` to `" + s + "`");
        }
        return Type.UNIT;
    }

    // ---------------------------------------------------------------- blocks, if, match, loops

    Type checkBlock(Expr.Block b, Type expected) {
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
            if (let.init() != null && declared instanceof Type.Mutex m) {
                // `let m: Mutex<T> = v;`: v is a T, as for a static (the header starts zeroed).
                coerce(m.element(), let.init(), check(let.init(), m.element()));
            } else if (let.init() != null) {
                Type init = check(let.init(), declared);
                if (declared != null) coerce(declared, let.init(), init);
                else if (notCopied(let.init(), shallow(init))) t = Type.NEVER;
                else t = init;
                if (shallow(init) instanceof Type.Never && declared == null)   // reported there: the error type, no follow-on errors
                    t = diags.hasErrorWithin(let.init().span()) ? Type.NEVER : freshVar();
            } else if (t == null) {
                diags.error("E0311", let.name().span(), "`let " + let.name().name() + "` needs a type or an initializer");
                t = Type.I32;
            }
            if (shallow(t) instanceof Type.Unit && let.init() != null && !(let.init() instanceof Expr.Block))
                ; // `let x = ();` is legal, if odd
            Symbol.LocalVar v = new Symbol.LocalVar(let.name().name(), t, let.mutable(), let.name().span());
            fnLocals.add(v);
            if (let.init() == null) declaredWithoutValue.add(v);
            out.letVars.put(let, v);
            scopes.peek().put(v.name(), v);
            return (let.init() != null && shallow(out.types.get(let.init())) instanceof Type.Never) ? Type.NEVER : Type.UNIT;
        } else if (s instanceof Stmt.LetPattern lp) {
            Type declared = lp.type() == null ? null : resolveType(lp.type());
            Type init = check(lp.init(), declared);
            if (declared != null) coerce(declared, lp.init(), init);
            Type t = declared != null ? declared : init;
            if (lp.otherwise() != null) {
                Type other = check(lp.otherwise(), null);
                if (!(shallow(other) instanceof Type.Never))
                    diags.error("E0376", lp.otherwise().span(), "the `else` of `let ... else` must not end normally",
                            "end it with `return`, `break`, `continue` or a call that never returns (`panic`, `exit`)");
            }
            // The bindings are in scope after the statement, shadowing earlier ones of the block
            // (`let (q, r) = (q + 1, r);`): checked in a scope of their own, so that E0377 only
            // sees names bound twice within this pattern.
            scopes.push(new HashMap<>());
            checkPat(lp.pattern(), t);
            Map<String, Symbol.LocalVar> bound = scopes.pop();
            scopes.peek().putAll(bound);
            if (lp.otherwise() == null) irrefutable.add(lp.pattern());
            return shallow(init) instanceof Type.Never ? Type.NEVER : Type.UNIT;
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

    private Type checkMatch(Expr.Match m, Type expected) {
        Type scrutinee = check(m.scrutinee(), null);
        Type st = shallow(scrutinee);
        if (st instanceof Type.Channel || st instanceof Type.Slice)
            diags.error("E0370", m.scrutinee().span(), "cannot match on a value of type `" + resolveForMessage(st) + "`",
                    "`match` works on integers, bools, enums, `Option`, `Result` and tuples of them");
        Type result = null;
        for (Expr.MatchArm arm : m.arms()) {
            scopes.push(new HashMap<>());
            checkPat(arm.pattern(), scrutinee);
            if (arm.guard() != null) unify(Type.BOOL, check(arm.guard(), Type.BOOL), arm.guard().span());
            Type t = check(arm.body(), result != null && !(shallow(result) instanceof Type.Never) ? result : expected);
            scopes.pop();
            result = result == null ? t : joinBranches(result, t, arm.body().span());
        }
        // Exhaustiveness needs the final scrutinee type: decided after the function body.
        pendingMatches.add(m);
        return result == null ? Type.NEVER : result;
    }

    /** `for x in &arr`, `for x in arr`, `for x in slice` (0.2): each element by value. */
    private Type checkForIn(Expr.ForIn f) {
        Type t = derefAll(check(f.iterable(), null));
        Type element = t instanceof Type.Array a ? a.element() : t instanceof Type.Slice sl ? sl.element() : Type.NEVER;
        if (!(t instanceof Type.Array || t instanceof Type.Slice || t instanceof Type.Never))
            diags.error("E0343", f.iterable().span(), "`for` runs over a range, an array or a slice, not `" + resolveForMessage(t) + "`",
                    "write `for i in 0..n { }` to count");
        if (notCopied(f.iterable(), element)) element = Type.NEVER;   // `for x in s` copies each element out
        out.forInVars.put(f, forBody(f, f.var(), element, f.label(), f.body()));
        return Type.UNIT;
    }

    /** A `for` loop's variable (in a scope of its own) and body, for both kinds of `for`. */
    private Symbol.LocalVar forBody(Expr loop, Ident var, Type t, Ident label, Expr.Block body) {
        scopes.push(new HashMap<>());
        Symbol.LocalVar v = new Symbol.LocalVar(var.name(), t, false, var.span());
        fnLocals.add(v);
        scopes.peek().put(v.name(), v);
        loops.push(new LoopCtx(loop, false, label));
        checkUnitBlock(body);
        loops.pop();
        scopes.pop();
        return v;
    }

    private Type checkFor(Expr.For f) {
        Type start = check(f.start(), null);
        Type end = check(f.end(), start);
        unify(start, end, f.end().span());
        if (!isInt(start) && !(shallow(start) instanceof Type.Never))
            diags.error("E0343", f.start().span(), "a `for` range needs integers, found `" + shallow(start) + "`");
        out.forVars.put(f, forBody(f, f.var(), start, f.label(), f.body()));
        return Type.UNIT;
    }

    // ---------------------------------------------------------------- data enums, Option, Result (0.2)

    /** `e?` in a fn returning Option (or Result with the same error type). */
    private Type checkTry(Expr.Try t) {
        Type inner = shallow(check(t.inner(), null));
        if (inner instanceof Type.Never) return Type.NEVER;
        Type result = currentFn == null ? null : shallow(currentFn.result());
        if (!(inner instanceof Type.Sum s && s.isBuiltin())) {
            diags.error("E0396", t.span(), "`?` applies to an `Option` or a `Result`, not `" + resolveForMessage(inner) + "`");
            return Type.NEVER;
        }
        if (branchLoopDepth >= 0) diags.error("E0409", t.span(), "`?` cannot leave a `join`/`race` branch", "match on the value inside the branch instead");
        if (!(result instanceof Type.Sum r && r.isBuiltin() && r.name().equals(s.name()))) {
            diags.error("E0396", t.span(), "`?` on " + (s.isOption() ? "an `Option`" : "a `Result`") + " needs a function that returns "
                            + (s.isOption() ? "`Option<_>`" : "`Result<_, " + resolveForMessage(s.args().get(1)) + ">`")
                            + (result == null ? "" : ", and this one returns `" + resolveForMessage(result) + "`"),
                    s.isOption() ? "return an Option, or `match` the value here" : "return a Result, or `match` the value here");
            return s.args().get(0);
        }
        if (s.isResult()) {
            Type want = shallow(((Type.Sum) result).args().get(1)), got = shallow(s.args().get(1));
            boolean known = !(want instanceof Type.Var || got instanceof Type.Var || want instanceof Type.Never || got instanceof Type.Never);
            if (known && (!sameShape(want, got) || want instanceof Type.Int && !want.equals(got))) {
                // Not `as`: the error is not a value here to convert.
                diags.error("E0308", t.span(), "`?` cannot convert the error: this `Result` has error type `" + resolveForMessage(got)
                                + "`, and the function returns `Result<_, " + resolveForMessage(want) + ">`",
                        "`?` converts no error type (no `From`): give both the same error type, or `match` the value and return the function's own `Err(..)`");
                return s.args().get(0);
            }
            unify(want, got, t.span());
        }
        return s.args().get(0);
    }

    private Type checkIfLet(Expr.IfLet il, Type expected) {
        Type scrutinee = check(il.scrutinee(), null);
        scopes.push(new HashMap<>());
        checkPat(il.pattern(), scrutinee);
        Type then = check(il.then(), il.otherwise() == null ? Type.UNIT : expected);
        scopes.pop();
        if (il.otherwise() == null) {
            if (!(shallow(then) instanceof Type.Unit || shallow(then) instanceof Type.Never))
                diags.error("E0312", il.then().tail() != null ? il.then().tail().span() : il.span(),
                        "`if let` without `else` cannot have a value of type `" + resolveForMessage(then) + "`", "add an `else` branch, or end the block with `;`");
            return Type.UNIT;
        }
        Type otherwise = check(il.otherwise(), shallow(then) instanceof Type.Never ? expected : then);
        return joinBranches(then, otherwise, il.otherwise().span());
    }


}

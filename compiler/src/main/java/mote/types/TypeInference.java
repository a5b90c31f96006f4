package mote.types;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mote.ast.Expr;
import mote.ast.Pattern;
import mote.diag.Diagnostics;
import mote.diag.Span;

/**
 * Type inference inside one body: inference variables (an integer literal's, or a general one for
 * `None`'s T), their union-find store, unification with its mismatch messages, the one implicit
 * coercion (`&[T; N]` to `&[T]`), and the end of a body, where undecided integers default to
 * `i32` and literals are checked against the types they got.
 *
 * Separate from the walk because it knows nothing of expressions: the walk asks it to unify two
 * types and reads back what they turned out to be.
 */
abstract sealed class TypeInference extends CheckerState permits ItemDeclarations {
    TypeInference(Diagnostics diags) { super(diags); }

    void beginBody(Symbol.Fn fn) {
        currentFn = fn;
        scopes.clear();
        loops.clear();
        branchLoopDepth = -1;
        varBindings.clear();
        varParents.clear();
        checkedExprs.clear();
        fnLocals.clear();
        literals.clear();
        pendingMatches.clear();
        generalVars.clear();
        generalUses.clear();
        bodyPatterns.clear();
        irrefutable.clear();
        scopes.push(new HashMap<>());
    }

    /** Resolves every recorded type, defaulting undecided integers to i32, and checks literals. */
    void endBody() {
        for (Expr e : checkedExprs) out.types.put(e, resolve(out.types.get(e)));
        for (Symbol.LocalVar v : fnLocals) v.type = resolve(v.type);
        for (LiteralUse use : literals) {
            // `-1` as an unsigned type is already E0331 (the negation); the literal needs no second error.
            if (use.negated() && out.types.get(use.lit()) instanceof Type.Int u && !u.signed()) continue;
            if (out.types.get(use.lit()) instanceof Type.Int it && !it.fits(use.lit().value(), use.negated()))
                diags.error("E0320", use.lit().span(), "literal out of range for `" + it + "`",
                        "the range of `" + it + "` is " + rangeText(it));
        }
        for (GeneralUse g : generalUses) {
            // Still general: nothing gave it a type. Joined with an integer literal's variable it is an
            // integer, which defaults to i32 below.
            if (shallow(g.var()) instanceof Type.Var v && isGeneral(v)) {
                diags.error("E0395", g.at(), "cannot infer the type of " + g.what(), "give it a type: `let x: Option<u8> = None;`");
                varBindings.set(find(g.var().id()), Type.UNIT);
            }
        }
        for (Pattern p : bodyPatterns) {
            Type t = resolve(out.patternTypes.get(p));
            out.patternTypes.put(p, t);
            Symbol.LocalVar b = out.patternBindings.get(p);
            if (b != null) b.type = resolve(b.type);
        }
        for (Expr e : checkedExprs) out.types.put(e, resolve(out.types.get(e)));
        for (Symbol.LocalVar v : fnLocals) v.type = resolve(v.type);
        ConstEval patternEval = new ConstEval(out, globals, diags);
        for (Pattern p : bodyPatterns) patternConstants(p, out.patternTypes.get(p), patternEval);
        for (Expr.Match m : pendingMatches) checkExhaustive(m);
        for (Pattern p : irrefutable) {
            List<String> missing = Exhaustiveness.missing(List.of(p), out.patternTypes.get(p), out);
            if (!missing.isEmpty())
                diags.error("E0373", p.span(), "this pattern does not match every value: " + String.join(", ", missing)
                        + (missing.size() == 1 ? " is" : " are") + " not matched", "use `let PATTERN = value else { return; };`, `if let` or `match`");
        }
        for (Map.Entry<Expr, Type> c : out.coercions.entrySet()) c.setValue(resolve(c.getValue()));
    }

    static String rangeText(Type.Int t) {
        if (!t.signed() && t.bits() == 64) return "0..=18446744073709551615";
        return t.min() + "..=" + t.max();
    }

    // ---------------------------------------------------------------- inference variables

    Type freshVar() {
        int id = varBindings.size();
        varBindings.add(null);
        varParents.add(new int[] {id});
        return new Type.Var(id);
    }

    int find(int id) {
        int p = varParents.get(id)[0];
        if (p == id) return id;
        int root = find(p);
        varParents.get(id)[0] = root;
        return root;
    }

    /** The current best knowledge of a type: a bound var becomes its binding. */
    /** What {@code t} refers to, through every reference (itself when it is none). */
    Type referent(Type t) {
        while (shallow(t) instanceof Type.Ref r) t = r.target();
        return t;
    }

    /** How many references {@code t} is from its value. */
    int referenceDepth(Type t) {
        int depth = 0;
        for (Type x = shallow(t); x instanceof Type.Ref r; x = shallow(r.target())) depth++;
        return depth;
    }

    Type shallow(Type t) {
        if (t instanceof Type.Var v) {
            int r = find(v.id());
            Type b = varBindings.get(r);
            return b != null ? b : new Type.Var(r);
        }
        return t;
    }

    Type resolve(Type t) {
        if (t == null) return null;
        Type s = shallow(t);
        if (s instanceof Type.Var) return isGeneral(s) ? Type.UNIT : Type.I32;
        if (s instanceof Type.Sum sum && sum.isBuiltin()) {
            return sum.isOption() ? Type.Sum.option(resolve(sum.args().get(0))) : Type.Sum.result(resolve(sum.args().get(0)), resolve(sum.args().get(1)));
        }
        if (s instanceof Type.Array a) return new Type.Array(resolve(a.element()), a.length());
        if (s instanceof Type.Ref r) return new Type.Ref(r.mutable(), resolve(r.target()));
        if (s instanceof Type.Slice sl) return new Type.Slice(resolve(sl.element()), sl.mutable());
        if (s instanceof Type.Tuple tu) return new Type.Tuple(tu.elements().stream().map(this::resolve).toList());
        return s;
    }

    /** Makes {@code actual} agree with {@code expected}; reports a mismatch at {@code at}. */
    void unify(Type expected, Type actual, Span at) {
        Type a = shallow(expected), b = shallow(actual);
        if (a instanceof Type.Never || b instanceof Type.Never) return;
        if (a instanceof Type.Var va && b instanceof Type.Var vb) {
            // The integer variable stays the root when a general one meets it: the pair is an integer.
            if (va.id() != vb.id()) {
                if (isGeneral(vb) && !isGeneral(va)) varParents.get(vb.id())[0] = va.id();
                else varParents.get(va.id())[0] = vb.id();
            }
            return;
        }
        if (a instanceof Type.Var va) { bindVar(va, b, at); return; }
        if (b instanceof Type.Var vb) { bindVar(vb, a, at); return; }
        if (!sameShape(a, b)) {
            diags.error("E0308", at, "mismatched types: expected `" + resolveForMessage(a) + "`, found `" + resolveForMessage(b) + "`",
                    mismatchHelp(a, b, at));
            return;
        }
        // Same shape: unify what is inside (integer variables in array elements, ...).
        if (a instanceof Type.Array x && b instanceof Type.Array y) { unify(x.element(), y.element(), at); return; }
        if (a instanceof Type.Ref x && b instanceof Type.Ref y) {
            if (!referentsMatch(x, y)) {   // name the references, not what they point to (`&u8` vs `&&u8`)
                diags.error("E0308", at, "mismatched types: expected `" + resolveForMessage(a) + "`, found `" + resolveForMessage(b) + "`",
                        mismatchHelp(a, b, at));
                return;
            }
            unify(x.target(), y.target(), at);
            return;
        }
        if (a instanceof Type.Slice x && b instanceof Type.Slice y) { unify(x.element(), y.element(), at); return; }
        if (a instanceof Type.Tuple x && b instanceof Type.Tuple y) {
            for (int i = 0; i < x.elements().size(); i++) unify(x.elements().get(i), y.elements().get(i), at);
            return;
        }
        if (a instanceof Type.Sum x && b instanceof Type.Sum y && x.isBuiltin()) {
            for (int i = 0; i < x.args().size(); i++) unify(x.args().get(i), y.args().get(i), at);
            return;
        }
        if (!a.equals(b)) {
            diags.error("E0308", at, "mismatched types: expected `" + a + "`, found `" + b + "`",
                    a instanceof Type.Int && b instanceof Type.Int ? new String[] {"convert with `as " + a + "`"} : new String[0]);
        }
    }

    /** Whether two references' targets have the same shape, through every level of reference. */
    private boolean referentsMatch(Type.Ref x, Type.Ref y) {
        Type a = shallow(x.target()), b = shallow(y.target());
        while (a instanceof Type.Ref ra && b instanceof Type.Ref rb) {
            if (!sameShape(a, b)) return false;
            a = shallow(ra.target());
            b = shallow(rb.target());
        }
        return a instanceof Type.Var || b instanceof Type.Var || a instanceof Type.Never || b instanceof Type.Never || sameShape(a, b);
    }

    /** Equal type constructors (element types are unified separately); `&mut T` is accepted where `&T` is expected. */
    boolean sameShape(Type expected, Type actual) {
        if (expected instanceof Type.Array x) return actual instanceof Type.Array y && x.length() == y.length();
        if (expected instanceof Type.Ref x) return actual instanceof Type.Ref y && (!x.mutable() || y.mutable());
        if (expected instanceof Type.Slice x) return actual instanceof Type.Slice y && (!x.mutable() || y.mutable());
        if (expected instanceof Type.Tuple x) return actual instanceof Type.Tuple y && x.elements().size() == y.elements().size();
        if (expected instanceof Type.Sum x && x.isBuiltin()) return actual instanceof Type.Sum y && y.isBuiltin() && x.name().equals(y.name());
        return expected.equals(actual) || expected.getClass() == actual.getClass() && expected instanceof Type.Int;
    }

    String[] mismatchHelp(Type a, Type b, Span at) {
        if (Type.intRepr(a) != null && Type.intRepr(b) != null) return new String[] {"convert with `as " + a + "`"};
        if (a instanceof Type.Ref x && b instanceof Type.Ref y && x.mutable() && !y.mutable()) {
            // `&x` of a local: name the fix whole, `let mut` included when the local needs it.
            String text = at.file().text().substring(Math.max(0, at.start()), Math.min(at.file().text().length(), at.end())).strip();
            String name = text.startsWith("&") ? text.substring(1).strip() : "";
            if (name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                Symbol.LocalVar local = null;
                for (Map<String, Symbol.LocalVar> scope : scopes) if (local == null) local = scope.get(name);
                return new String[] {"a `&mut` reference is needed here: write `&mut " + name + "`"
                        + (local != null && !local.mutable() ? ", and declare it `let mut " + name + "`" : "")};
            }
            return new String[] {"a `&mut` reference is needed here: write `&mut`"};
        }
        if (a instanceof Type.Ref x && !(b instanceof Type.Ref) && sameShape(x.target(), b)) return new String[] {"borrow it: `&" + (x.mutable() ? "mut " : "") + "...`"};
        if (a instanceof Type.Slice && b instanceof Type.Array) return new String[] {"borrow the array to pass it as a slice: `&...`"};
        if (a instanceof Type.Array && b instanceof Type.Slice) return new String[] {"a slice has no fixed length; take `&[T]` instead of `[T; N]`"};
        if (b instanceof Type.Ref y && !(a instanceof Type.Ref) && sameShape(a, y.target())) return new String[] {"dereference it: `*...`"};
        if (a instanceof Type.Ref && b instanceof Type.Ref y && shallow(y.target()) instanceof Type.Ref inner && sameShape(a, inner))
            return new String[] {"dereference it once: `*...`"};
        return new String[0];
    }

    String resolveForMessage(Type t) {
        Type s = shallow(t);
        if (s instanceof Type.Var) return isGeneral(s) ? "_" : "{integer}";
        if (s instanceof Type.Sum sum && sum.isBuiltin())
            return sum.name() + "<" + String.join(", ", sum.args().stream().map(this::resolveForMessage).toList()) + ">";
        if (s instanceof Type.Array a) return "[" + resolveForMessage(a.element()) + "; " + a.length() + "]";
        if (s instanceof Type.Ref r) return (r.mutable() ? "&mut " : "&") + resolveForMessage(r.target());
        if (s instanceof Type.Slice sl) return (sl.mutable() ? "&mut [" : "&[") + resolveForMessage(sl.element()) + "]";
        if (s instanceof Type.Tuple tu) {
            List<String> parts = tu.elements().stream().map(this::resolveForMessage).toList();
            return "(" + String.join(", ", parts) + (parts.size() == 1 ? ",)" : ")");
        }
        return s.toString();
    }

    /**
     * Where a value of type {@code got} flows into a place of type {@code want}: unifies, and
     * records the one implicit conversion, `&[T; N]` to `&[T]`.
     */
    void coerce(Type want, Expr e, Type got) {
        Type w = shallow(want), g = shallow(got);
        if (notCopied(e, g)) return;
        if (w instanceof Type.Slice sl && g instanceof Type.Ref r && shallow(r.target()) instanceof Type.Array a && (!sl.mutable() || r.mutable())) {
            unify(sl.element(), a.element(), e.span());
            out.coercions.put(e, w);
            return;
        }
        unify(want, got, e.span());
    }

    /**
     * A value holding a Mutex does not move: its waiters point into it, and a copy would
     * duplicate its lock. Reports (E0423) and says true when {@code e}, of type {@code t},
     * would be copied.
     */
    boolean notCopied(Expr e, Type t) {
        if (!Type.holdsMutex(t)) return false;
        diags.error("E0423", e.span(), "a value holding a `Mutex` cannot be copied or moved (this is `" + t + "`)",
                "lock it where it is (`lock M as v { .. }`), or pass a reference (`&M`)");
        return true;
    }

    Type freshGeneral(Span at, String what) {
        Type.Var v = (Type.Var) freshVar();
        generalVars.add(v.id());
        generalUses.add(new GeneralUse(v, at, what));
        return v;
    }

    boolean isGeneral(Type t) { return t instanceof Type.Var v && generalVars.contains(find(v.id())); }

    void bindVar(Type.Var v, Type t, Span at) {
        if (generalVars.contains(find(v.id()))) varBindings.set(find(v.id()), t);
        else if (t instanceof Type.Int) varBindings.set(find(v.id()), t);
        else diags.error("E0308", at, "mismatched types: expected `" + t + "`, found integer");
    }

    boolean isInt(Type t) {
        Type s = shallow(t);
        return s instanceof Type.Int || (s instanceof Type.Var && !isGeneral(s));
    }

    Type record(Expr e, Type t) {
        out.types.put(e, t);
        checkedExprs.add(e);
        return t;
    }

    Type literalType(Expr.IntLit lit, Type expected) {
        if (lit.suffix() != null) {
            Type.Int t = Type.intNamed(lit.suffix());
            if (t != null) return t;
        }
        if (expected != null) {
            Type s = shallow(expected);
            if (s instanceof Type.Var v && isGeneral(v)) {
                // `Some(3)` with nothing else deciding T: the literal makes T an integer, which
                // defaults to i32 as any literal does (the general variable alone would stay unknown).
                Type integer = freshVar();
                unify(s, integer, lit.span());
                return integer;
            }
            if (s instanceof Type.Int || s instanceof Type.Var) return s;
            if (s instanceof Type.Float32 && lit.suffix() == null) {
                // Rust's rule: an integer literal is never an f32 (`3` is not `3.0`).
                diags.error("E0308", lit.span(), "mismatched types: expected `f32`, found integer literal `" + sourceText(lit) + "`",
                        "write it as a floating-point literal: `" + sourceText(lit) + ".0`");
                return Type.F32;
            }
        }
        return freshVar();
    }

    /** Strips references: field access and indexing see through them. */
    Type derefAll(Type t) {
        Type s = shallow(t);
        while (s instanceof Type.Ref r) s = shallow(r.target());
        return s;
    }

    Type joinBranches(Type a, Type b, Span at) {
        if (shallow(a) instanceof Type.Never) return b;
        if (shallow(b) instanceof Type.Never) return a;
        unify(a, b, at);
        return a;
    }
}

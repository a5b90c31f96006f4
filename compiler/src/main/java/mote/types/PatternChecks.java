package mote.types;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mote.ast.Expr;
import mote.ast.Ident;
import mote.ast.Pattern;
import mote.diag.Diagnostics;

/**
 * Patterns: checking one against the type it matches (declaring its bindings), evaluating its
 * constants once the body's types are known, and asking {@link Exhaustiveness} whether a `match`
 * or an irrefutable pattern covers every value.
 *
 * Separate because patterns are a small language of their own, used by `let`, `match`, `if let`
 * and `for`.
 */
abstract sealed class PatternChecks extends VariantChecks permits FormatChecks {
    PatternChecks(Diagnostics diags) { super(diags); }

    /** Checks that the arms without a guard cover every value (Exhaustiveness). */
    void checkExhaustive(Expr.Match m) {
        Type t = out.types.get(m.scrutinee());
        if (t instanceof Type.Never) return;
        List<Pattern> rows = new ArrayList<>();
        for (Expr.MatchArm arm : m.arms()) if (arm.guard() == null) rows.add(arm.pattern());
        List<String> missing = Exhaustiveness.missing(rows, t, out);
        if (missing.isEmpty()) return;
        boolean guarded = m.arms().stream().anyMatch(a -> a.guard() != null);
        diags.error("E0371", m.scrutinee().span(), "`match` does not cover every value: " + String.join(", ", missing)
                        + (missing.size() == 1 ? " is" : " are") + " not covered",
                "add an arm for " + (missing.size() == 1 ? "it" : "them") + ", or a `_ => ...` arm"
                        + (guarded ? " (arms with an `if` guard do not count)" : ""));
    }

    static int cmp(long a, long b, boolean signed) {
        return signed ? Long.compare(a, b) : Long.compareUnsigned(a, b);
    }

    // ---------------------------------------------------------------- patterns

    /** Checks {@code p} against values of type {@code t}, declaring its bindings in the innermost scope. */
    void checkPat(Pattern p, Type t) {
        // A path in a pattern never names a local: `moda.K.B` means module moda's enum even
        // where a local `moda` is in scope.
        inPattern++;
        try {
            checkPat(p, t, null);
        } finally {
            inPattern--;
        }
    }

    /**
     * {@code byRef}: null while bindings bind by value; else they bind a reference, `&mut` when
     * true. It becomes non-null where a pattern that is not a binding meets a reference, as in
     * Rust (`match self { Led.On(n) => .. }` in a `&self` method binds `n: &u8`).
     */
    void checkPat(Pattern p, Type t, Boolean byRef) {
        bodyPatterns.add(p);
        out.patternTypes.put(p, t);
        if (!(p instanceof Pattern.Wildcard || p instanceof Pattern.Binding || isBindingPattern(p))) {
            int derefs = 0;
            while (shallow(t) instanceof Type.Ref r) {
                derefs++;
                byRef = r.mutable() && (byRef == null || byRef);
                t = r.target();
            }
            if (derefs > 0) out.patternDerefs.put(p, derefs);
        }
        if (p instanceof Pattern.Wildcard) {
        } else if (p instanceof Pattern.Binding b) {
            // `mut x` binds by value even under a reference (Rust 2021's rule).
            bind(p, b.name(), b.mutable(), b.mutable() ? t : boundType(p, t, byRef));
            if (b.sub() != null) checkPat(b.sub(), t, byRef);
        } else if (isBindingPattern(p)) {
            bind(p, ((Expr.Name) ((Pattern.Value) p).value()).ident(), false, boundType(p, t, byRef));
        } else if (p instanceof Pattern.Value v && isUnitVariant(v.value())) {
            Symbol.SumVariant sv = unitVariant(v.value());
            unify(t, sv.type(), v.span());
            out.patternVariants.put(p, sv);
        } else if (p instanceof Pattern.Value v) {
            Type st = shallow(t);
            if (!(isInt(st) || st instanceof Type.Bool || st instanceof Type.Enum || st instanceof Type.Never))
                diags.error("E0370", v.span(), "a value pattern needs an integer, bool or enum, not `" + resolveForMessage(st) + "`",
                        st instanceof Type.Float32 ? "compare the value with `if`: `if x == 1.5 { }`"
                                : "match its parts with a tuple or variant pattern, or bind it with a name");
            else unify(t, check(v.value(), t), v.span());
        } else if (p instanceof Pattern.Range r && shallow(t) instanceof Type.Float32) {
            diags.error("E0370", r.span(), "a range pattern needs an integer, not `f32`", "compare the value with `if`: `if x >= 1.0 && x < 2.0 { }`");
        } else if (p instanceof Pattern.Range r) {
            unify(t, check(r.low(), t), r.low().span());
            unify(t, check(r.high(), t), r.high().span());
        } else if (p instanceof Pattern.Or or) {
            Map<String, Symbol.LocalVar> first = null;
            for (Pattern alt : or.alternatives()) {
                scopes.push(new HashMap<>());
                checkPat(alt, t, byRef);
                Map<String, Symbol.LocalVar> names = scopes.pop();
                if (first == null) {
                    first = names;
                } else if (!first.keySet().equals(names.keySet())) {
                    diags.error("E0374", alt.span(), "every alternative of `|` must bind the same names",
                            "the first binds " + (first.isEmpty() ? "none" : String.join(", ", first.keySet())));
                } else {
                    for (String k : names.keySet()) {   // one variable for all alternatives
                        unify(first.get(k).type, names.get(k).type, alt.span());
                        out.patternBindings.put(bindingPatterns.get(names.get(k)), first.get(k));
                    }
                }
            }
            if (first != null) scopes.peek().putAll(first);
        } else if (p instanceof Pattern.Tuple tp) {
            Type st = shallow(t);
            if (st instanceof Type.Never) { for (Pattern e : tp.elements()) checkPat(e, Type.NEVER, null); return; }
            if (!(st instanceof Type.Tuple tt && tt.elements().size() == tp.elements().size()) && !(st instanceof Type.Unit && tp.elements().isEmpty())) {
                diags.error("E0308", tp.span(), "mismatched types: expected `" + resolveForMessage(st) + "`, found a tuple of " + tp.elements().size());
                for (Pattern e : tp.elements()) checkPat(e, Type.NEVER, null);
                return;
            }
            for (int i = 0; i < tp.elements().size(); i++) checkPat(tp.elements().get(i), ((Type.Tuple) st).elements().get(i), byRef);
        } else if (p instanceof Pattern.Variant vp) {
            Symbol.SumVariant sv = variantOfPath(vp.path(), t);
            if (sv == null) { for (Pattern a : vp.args()) checkPat(a, Type.NEVER, null); return; }
            out.patternVariants.put(p, sv);
            Type.Sum.Variant v = sv.variant();
            if (v.isStructLike()) diags.error("E0397", vp.span(), "`" + v.name() + "` has named fields", "match it with `" + v.name() + " { .. }`");
            else if (vp.args().size() != v.fields().size())
                diags.error("E0375", vp.span(), "`" + v.name() + "` has " + v.fields().size() + " field" + (v.fields().size() == 1 ? "" : "s")
                        + " but the pattern has " + vp.args().size());
            for (int i = 0; i < vp.args().size(); i++) checkPat(vp.args().get(i), i < v.fields().size() && !v.isStructLike() ? v.fields().get(i) : Type.NEVER, byRef);
        } else if (p instanceof Pattern.StructVariant sp && sp.path() instanceof Expr.Name sn && typeNames.get(sn.ident().name()) instanceof Type.Struct st
                && scopes.stream().noneMatch(sc -> sc.containsKey(sn.ident().name()))) {
            // `P { x, y: 0, .. }`: a struct's fields, as Rust's struct patterns.
            unify(t, st, sp.span());
            List<String> named = new ArrayList<>();
            for (Pattern.FieldPattern f : sp.fields()) {
                int index = st.fieldIndex(f.name().name());
                if (index < 0) {
                    diags.error("E0382", f.name().span(), "struct `" + st.name() + "` has no field `" + f.name().name() + "`",
                            "its fields are " + String.join(", ", st.fields().stream().map(Type.Struct.Field::name).toList()));
                    checkPat(f.pattern(), Type.NEVER, null);
                    continue;
                }
                named.add(f.name().name());
                checkPat(f.pattern(), st.fields().get(index).type(), byRef);
            }
            if (!sp.rest() && named.size() < st.fields().size())
                diags.error("E0383", sp.span(), "the pattern does not mention " + String.join(", ", st.fields().stream().map(Type.Struct.Field::name)
                        .filter(n -> !named.contains(n)).map(n -> "`" + n + "`").toList()), "add `..` to ignore the other fields");
        } else if (p instanceof Pattern.StructVariant sp) {
            Symbol.SumVariant sv = variantOfPath(sp.path(), t);
            if (sv == null) { for (Pattern.FieldPattern f : sp.fields()) checkPat(f.pattern(), Type.NEVER, null); return; }
            out.patternVariants.put(p, sv);
            Type.Sum.Variant v = sv.variant();
            List<String> named = new ArrayList<>();
            for (Pattern.FieldPattern f : sp.fields()) {
                int index = v.fieldIndex(f.name().name());
                if (index < 0) {
                    diags.error("E0382", f.name().span(), "`" + v.name() + "` has no field `" + f.name().name() + "`",
                            v.isStructLike() ? "its fields are " + String.join(", ", v.fieldNames()) : "it has no named fields: match it with `" + v.name() + "(..)`");
                    checkPat(f.pattern(), Type.NEVER, null);
                    continue;
                }
                named.add(f.name().name());
                checkPat(f.pattern(), v.fields().get(index), byRef);
            }
            if (!sp.rest() && v.isStructLike() && named.size() < v.fieldNames().size())
                diags.error("E0383", sp.span(), "the pattern does not mention " + String.join(", ", v.fieldNames().stream().filter(n -> !named.contains(n)).map(n -> "`" + n + "`").toList()),
                        "add `..` to ignore the other fields");
        }
    }

    /** A name pattern that binds (not a constant's or a unit variant's name). */
    boolean isBindingPattern(Pattern p) {
        return p instanceof Pattern.Value v && v.value() instanceof Expr.Name n && isBindingName(n.ident().name());
    }

    /** The type a binding gets: the part's own, or a reference to it under a dereferencing pattern. */
    Type boundType(Pattern binding, Type t, Boolean byRef) {
        if (byRef == null) return t;
        out.refBindings.put(binding, byRef);
        return new Type.Ref(byRef, t);
    }

    /** A bare name in a pattern binds, unless it names a constant or a unit variant. */
    boolean isBindingName(String name) {
        if (name.equals("None") && isBuiltinVariant(name)) return false;
        return !(globals.get(name) instanceof Symbol.Const) && !typeNames.containsKey(name);
    }

    void bind(Pattern p, Ident name, boolean mutable, Type t) {
        if (scopes.peek().containsKey(name.name()) && scopes.peek().get(name.name()).span() != name.span())
            diags.error("E0377", name.span(), "`" + name.name() + "` is bound more than once in the same pattern");
        if (Type.holdsMutex(shallow(t))) {
            diags.error("E0423", name.span(), "a value holding a `Mutex` cannot be copied or moved (`" + name.name() + "` would be a `" + t + "`)",
                    "match on a reference to it, or lock it where it is");
            t = Type.NEVER;
        }
        Symbol.LocalVar v = new Symbol.LocalVar(name.name(), t, mutable, name.span());
        fnLocals.add(v);
        out.patternBindings.put(p, v);
        bindingPatterns.put(v, p);
        scopes.peek().put(name.name(), v);
    }

    boolean isUnitVariant(Expr e) {
        if (e instanceof Expr.Name n) return n.ident().name().equals("None") && isBuiltinVariant("None");
        if (!(e instanceof Expr.Field f) || sumNamed(f.target()) == null) return false;
        Type.Sum s = sumNamed(f.target());
        int index = s.indexOf(f.field().name());
        return index >= 0 && s.variants().get(index).fields().isEmpty() && !s.variants().get(index).isStructLike();
    }

    /** `Event.Tick`, `None`: a unit variant of a data enum or of Option, as a pattern; else null. */
    Symbol.SumVariant unitVariant(Expr e) {
        if (e instanceof Expr.Name n && n.ident().name().equals("None") && isBuiltinVariant("None"))
            return new Symbol.SumVariant("None", Type.Sum.option(freshGeneral(n.span(), "`None`")), 0);
        if (e instanceof Expr.Field f && sumNamed(f.target()) != null) {
            Type.Sum s = sumNamed(f.target());
            int index = s.indexOf(f.field().name());
            if (index >= 0 && s.variants().get(index).fields().isEmpty() && !s.variants().get(index).isStructLike())
                return new Symbol.SumVariant(f.field().name(), s, index);
        }
        return null;
    }

    /** The variant a Variant/StructVariant pattern's path names, unified with the matched type {@code t}. */
    Symbol.SumVariant variantOfPath(Expr path, Type t) {
        Type.Sum sum;
        String name;
        if (path instanceof Expr.Name n && isBuiltinVariant(n.ident().name())) {
            name = n.ident().name();
            Type st = shallow(t);
            if (name.equals("Some") || name.equals("None")) {
                sum = st instanceof Type.Sum s && s.isOption() ? s : Type.Sum.option(freshGeneral(n.span(), "`" + name + "`"));
            } else {
                sum = st instanceof Type.Sum s && s.isResult() ? s : Type.Sum.result(freshGeneral(n.span(), "`" + name + "`"), freshGeneral(n.span(), "`" + name + "`"));
            }
        } else if (path instanceof Expr.Field f && sumNamed(f.target()) != null) {
            sum = sumNamed(f.target());
            name = f.field().name();
        } else {
            diags.error("E0386", path.span(), "`" + sourceText(path) + "` is not an enum variant with fields",
                    "variant patterns are written `Event.Press(p)`, `Some(x)`, `Ok(v)`, `Err(e)`");
            return null;
        }
        int index = sum.indexOf(name);
        if (index < 0) {
            diags.error("E0386", path.span(), "no variant `" + name + "` in enum `" + sum.name() + "`");
            return null;
        }
        unify(t, sum, path.span());
        return new Symbol.SumVariant(name, sum, index);
    }

    /** Evaluates value and range patterns' constants once types are known (for MIR and exhaustiveness). */
    void patternConstants(Pattern p, Type t, ConstEval eval) {
        for (int i = out.patternDerefs.getOrDefault(p, 0); i > 0 && t instanceof Type.Ref r; i--) t = r.target();
        if (t == null || t instanceof Type.Never) return;
        if ((p instanceof Pattern.Value && !out.patternBindings.containsKey(p) && !out.patternVariants.containsKey(p)) || p instanceof Pattern.Range) {
            if (!(t instanceof Type.Int || t instanceof Type.Bool || t instanceof Type.Enum)) return;
            Type.Int repr = t instanceof Type.Enum en ? en.repr() : t instanceof Type.Bool ? Type.U8 : (Type.Int) t;
            Type evalType = t instanceof Type.Enum ? t : t;
            if (p instanceof Pattern.Value v) {
                long x = eval.eval(v.value(), evalType);
                out.patternValues.put(p, new long[] {x, x});
            } else {
                Pattern.Range r = (Pattern.Range) p;
                long lo = eval.eval(r.low(), evalType);
                boolean broken = eval.failed();
                long hi = eval.eval(r.high(), evalType);
                if (broken || eval.failed()) return;   // reported: no range to check
                boolean signed = repr.signed();
                if (!r.inclusive()) {
                    if (lo == hi) { diags.error("E0372", r.span(), "this range is empty"); return; }
                    hi = hi - 1;
                }
                if (cmp(lo, hi, signed) > 0) { diags.error("E0372", r.span(), "this range is empty: its start is greater than its end"); return; }
                out.patternValues.put(p, new long[] {lo, hi});
            }
        }
    }
}

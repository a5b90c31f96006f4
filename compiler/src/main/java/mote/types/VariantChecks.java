package mote.types;

import java.util.ArrayList;
import java.util.List;
import mote.ast.Expr;
import mote.diag.Diagnostics;
import mote.diag.Span;
import mote.diag.Suggest;

/**
 * Data enums, Option and Result as values: which names denote a data enum or a built-in variant
 * (`Some`, `None`, `Ok`, `Err`, unless the program declares those names), and building a variant,
 * `Event.Press(3)`, `Some(x)`, `Event.Release { pin: 1, ms: 20 }`.
 *
 * Separate because both expressions and patterns ({@link PatternChecks}) name variants.
 */
abstract sealed class VariantChecks extends ItemDeclarations permits PatternChecks {
    VariantChecks(Diagnostics diags) { super(diags); }

    Type.Sum sumNamed(Expr target) {
        if (target instanceof Expr.Field f) {
            ModuleScope ms = moduleNamed(f.target());
            return ms != null && ms.types().get(f.field().name()) instanceof Type.Sum s ? s : null;
        }
        if (!(target instanceof Expr.Name n)) return null;
        String name = n.ident().name();
        if (isLocal(name)) return null;
        return typeNames.get(name) instanceof Type.Sum s ? s : null;
    }

    /** `Some`, `None`, `Ok`, `Err`, unless the program names something so. */
    boolean isBuiltinVariant(String name) {
        return (name.equals("Some") || name.equals("None") || name.equals("Ok") || name.equals("Err"))
                && !globals.containsKey(name) && scopes.stream().noneMatch(sc -> sc.containsKey(name));
    }

    /** The T of an Option expected here, or a variable that the rest of the body decides. */
    Type optionArg(Type expected, Span at, String what) {
        if (shallow(expected) instanceof Type.Never) return Type.NEVER;   // the declared type was an error: say nothing more
        return shallow(expected) instanceof Type.Sum s && s.isOption() ? s.args().get(0) : freshGeneral(at, what);
    }

    /** What a callee naming a tuple-like variant builds: `Event.Press`, `Some`, `Ok`, `Err`; else null. */
    String variantConstructor(Expr callee) {
        if (callee instanceof Expr.Name n && isBuiltinVariant(n.ident().name()) && !n.ident().name().equals("None")) return n.ident().name();
        if (callee instanceof Expr.Field f && sumNamed(f.target()) != null) return f.field().name();
        return null;
    }

    /** `Some(x)`, `Ok(v)`, `Err(e)` ({@code enumOrName} the name), or `Event.Press(3)` ({@code enumOrName} the enum). */
    Type checkVariantCall(Expr c, String name, Expr enumOrName, List<Expr> args, Type expected) {
        Type.Sum sum;
        if (!(c instanceof Expr.MethodCall)) {
            Type.Sum want = shallow(expected) instanceof Type.Sum s && s.isBuiltin() ? s : null;
            if (name.equals("Some")) {
                sum = Type.Sum.option(want != null && want.isOption() ? want.args().get(0) : freshGeneral(c.span(), "`Some(..)`"));
            } else {
                boolean ok = name.equals("Ok");
                Type okType = want != null && want.isResult() ? want.args().get(0) : ok ? null : freshGeneral(c.span(), "`Err(..)`'s value type");
                Type errType = want != null && want.isResult() ? want.args().get(1) : ok ? freshGeneral(c.span(), "`Ok(..)`'s error type") : null;
                if (okType == null) okType = freshGeneral(c.span(), "`Ok(..)`");
                if (errType == null) errType = freshGeneral(c.span(), "`Err(..)`");
                sum = Type.Sum.result(okType, errType);
            }
        } else {
            sum = sumNamed(enumOrName);
        }
        int index = sum.indexOf(name);
        if (index < 0) {
            List<String> names = sum.variants().stream().map(Type.Sum.Variant::name).toList();
            String best = Suggest.closest(name, names);
            diags.error("E0386", c.span(), "no variant `" + name + "` in enum `" + sum.name() + "`",
                    best != null ? "did you mean `" + sum.name() + "." + best + "`?" : "its variants are " + String.join(", ", names));
            for (Expr a : args) check(a, null);
            return Type.NEVER;
        }
        Type.Sum.Variant v = sum.variants().get(index);
        if (v.isStructLike() || v.fields().isEmpty()) {
            diags.error("E0397", c.span(), "`" + name + "` " + (v.isStructLike() ? "has named fields" : "carries no data"),
                    v.isStructLike() ? "build it with `" + sum.name() + "." + name + " { .. }`" : "write `" + sum.name() + "." + name + "` without parentheses");
            for (Expr a : args) check(a, null);
            return Type.NEVER;
        }
        if (args.size() != v.fields().size()) argumentCount(c.span(), name, v.fields().size(), args.size());
        for (int i = 0; i < args.size(); i++) {
            Type want = i < v.fields().size() ? v.fields().get(i) : null;
            Type got = check(args.get(i), want);
            if (want != null) coerce(want, args.get(i), got);
        }
        out.resolutions.put(c, new Symbol.SumVariant(name, sum, index));
        return sum;
    }

    /** `Event.Release { pin: 1, ms: 20 }` */
    Type checkVariantLit(Expr.StructLit sl, Type.Sum sum) {
        String name = sl.type().simpleName();
        int index = sum.indexOf(name);
        Type.Sum.Variant v = index < 0 ? null : sum.variants().get(index);
        if (v == null || !v.isStructLike()) {
            diags.error(v == null ? "E0386" : "E0397", sl.type().span(), v == null ? "no variant `" + name + "` in enum `" + sum.name() + "`"
                    : "`" + sum.name() + "." + name + "` has no named fields", v == null ? new String[0] : new String[] {"build it with `" + sum.name() + "." + name + "(..)`"});
            for (Expr.FieldInit fi : sl.fields()) check(fi.value(), null);
            return Type.NEVER;
        }
        List<String> given = new ArrayList<>();
        for (Expr.FieldInit fi : sl.fields()) {
            int fieldIndex = v.fieldIndex(fi.name().name());
            if (given.contains(fi.name().name())) diags.error("E0384", fi.name().span(), "field `" + fi.name().name() + "` is given twice");
            given.add(fi.name().name());
            if (fieldIndex < 0) {
                diags.error("E0382", fi.name().span(), "variant `" + sum.name() + "." + name + "` has no field `" + fi.name().name() + "`",
                        "its fields are " + String.join(", ", v.fieldNames()));
                check(fi.value(), null);
                continue;
            }
            Type want = v.fields().get(fieldIndex);
            coerce(want, fi.value(), check(fi.value(), want));
        }
        List<String> missing = v.fieldNames().stream().filter(f -> !given.contains(f)).toList();
        if (!missing.isEmpty()) diags.error("E0383", sl.span(), "missing field" + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing.stream().map(f -> "`" + f + "`").toList())
                + " in `" + sum.name() + "." + name + "`");
        out.resolutions.put(sl, new Symbol.SumVariant(name, sum, index));
        return sum;
    }
}

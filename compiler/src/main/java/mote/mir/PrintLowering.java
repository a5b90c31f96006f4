package mote.mir;

import java.util.ArrayList;
import java.util.List;
import mote.ast.Expr;
import mote.diag.Span;
import mote.types.FormatSpec;
import mote.types.Symbol;
import mote.types.Type;
import mote.types.TypedProgram;

/**
 * `print`/`println`: the format string's parts as {@link PrintItem}s, every argument evaluated
 * first, and `{:?}` of a struct, array, slice, tuple or data enum expanded into the items that
 * print its parts (the runtime prints only scalars and text).
 *
 * Separate because the expansion of `{:?}` is a small walk over types of its own.
 */
abstract sealed class PrintLowering extends ArithmeticLowering permits MatchLowering {
    PrintLowering(TypedProgram program, Symbol.Fn fn, boolean debug, boolean lineMarks) { super(program, fn, debug, lineMarks); }

    /**
     * Every argument is evaluated first (as Rust does), then printed. `{:?}` of a struct, array
     * or slice expands here into its fields and elements (arrays and slices as a loop), each
     * printed with the placeholder's spec, as Rust's derived Debug passes its formatter on.
     */
    void lowerPrint(Expr.Call c, boolean newline) {
        List<Expr> args = c.args();
        List<TypedProgram.FormatPart> parts = program.format(c);
        List<Object> values = new ArrayList<>();   // an Operand, or a Place to expand
        int argIndex = 1;
        for (TypedProgram.FormatPart part : parts) {
            if (!(part instanceof TypedProgram.FormatPart.Placeholder ph)) continue;
            Expr arg = args.get(argIndex++);
            values.add(ph.spec().debug() && expandsInDebug(typeOf(arg)) ? lowerPlace(arg) : operand(arg));
        }
        List<PrintItem> items = new ArrayList<>();
        argIndex = 1;
        int valueIndex = 0;
        for (TypedProgram.FormatPart part : parts) {
            if (part instanceof TypedProgram.FormatPart.Literal lit) { items.add(new PrintItem.Text(lit.bytes())); continue; }
            FormatSpec spec = ((TypedProgram.FormatPart.Placeholder) part).spec();
            Type t = valueType(args.get(argIndex++));
            Object v = values.get(valueIndex++);
            if (v instanceof Place place) debugItems(items, place, t, spec);
            else if (t instanceof Type.Unit) items.add(text(padded("()", spec)));
            else items.add(new PrintItem.Value((Operand) v, t, spec));
        }
        if (newline) items.add(text("\n"));
        flushPrint(items);
    }

    static boolean expandsInDebug(Type t) {
        return t instanceof Type.Struct || t instanceof Type.Array || t instanceof Type.Slice || t instanceof Type.Ref
                || t instanceof Type.Tuple || t instanceof Type.Sum;
    }

    void flushPrint(List<PrintItem> items) {
        if (!items.isEmpty()) emit(new Statement.Print(mergeText(items)));
        items.clear();
    }

    void debugItems(List<PrintItem> items, Place p, Type t, FormatSpec spec) {
        if (t instanceof Type.Ref r) {
            debugItems(items, p.project(new Place.Projection.Deref()), r.target(), spec);
        } else if (t instanceof Type.Struct st) {
            String name = st.name().substring(st.name().lastIndexOf('.') + 1);   // as Rust: no module path
            if (st.fields().isEmpty()) { items.add(text(name)); return; }
            for (int i = 0; i < st.fields().size(); i++) {
                Type.Struct.Field f = st.fields().get(i);
                items.add(text((i == 0 ? name + " { " : ", ") + f.name() + ": "));
                debugItems(items, p.project(new Place.Projection.Field(i)), f.type(), spec);
            }
            items.add(text(" }"));
        } else if (t instanceof Type.Sum sum) {
            // One arm per variant: `Some(3)`, `None`, `Release { pin: 1, ms: 20 }`, as Rust's derived Debug.
            flushPrint(items);
            Local disc = temp(Type.U32);
            assign(disc, new Rvalue.Discriminant(p));
            List<Long> values = new ArrayList<>();
            List<BlockId> arms = new ArrayList<>();
            for (int v = 0; v < sum.variants().size(); v++) { values.add((long) v); arms.add(newBlock()); }
            BlockId join = newBlock(), otherwise = newBlock();
            terminate(new Terminator.Switch(Operand.of(disc), values, arms, otherwise));
            current = otherwise;
            terminate(new Terminator.Unreachable());
            for (int v = 0; v < sum.variants().size(); v++) {
                current = arms.get(v);
                Type.Sum.Variant variant = sum.variants().get(v);
                items.add(text(variant.name()));
                for (int i = 0; i < variant.fields().size(); i++) {
                    String before = variant.isStructLike() ? (i == 0 ? " { " : ", ") + variant.fieldNames().get(i) + ": " : i == 0 ? "(" : ", ";
                    items.add(text(before));
                    debugItems(items, p.project(new Place.Projection.VariantField(v, i)), variant.fields().get(i), spec);
                }
                if (!variant.fields().isEmpty()) items.add(text(variant.isStructLike() ? " }" : ")"));
                flushPrint(items);
                gotoBlock(join);
            }
            current = join;
        } else if (t instanceof Type.Tuple tu) {
            for (int i = 0; i < tu.elements().size(); i++) {
                items.add(text(i == 0 ? "(" : ", "));
                debugItems(items, p.project(new Place.Projection.Field(i)), tu.elements().get(i), spec);
            }
            items.add(text(tu.elements().size() == 1 ? ",)" : ")"));
        } else if (t instanceof Type.Array || t instanceof Type.Slice) {
            Type element = t instanceof Type.Array a ? a.element() : ((Type.Slice) t).element();
            items.add(text("["));
            if (t instanceof Type.Array a && a.length() == 0) { items.add(text("]")); return; }
            flushPrint(items);
            Operand len = t instanceof Type.Array a ? constant(Type.U32, a.length())
                    : load(p.project(new Place.Projection.Field(1)), Type.U32);
            Local counter = temp(Type.U32);
            assign(counter, new Rvalue.Use(constant(Type.U32, 0)));
            BlockId header = newBlock(), body = newBlock(), separator = newBlock(), element0 = newBlock(), exit = newBlock();
            gotoBlock(header);
            Local more = temp(Type.BOOL);
            assign(more, new Rvalue.Binary(BinOp.LT, Operand.of(counter), len));
            terminate(new Terminator.If(Operand.of(more), body, exit));
            current = body;
            Local notFirst = temp(Type.BOOL);
            assign(notFirst, new Rvalue.Binary(BinOp.NE, Operand.of(counter), constant(Type.U32, 0)));
            terminate(new Terminator.If(Operand.of(notFirst), separator, element0));
            current = separator;
            emit(new Statement.Print(List.of(text(", "))));
            gotoBlock(element0);
            debugItems(items, p.project(new Place.Projection.Index(Operand.of(counter))), element, spec);
            flushPrint(items);
            assign(counter, new Rvalue.Binary(BinOp.ADD, Operand.of(counter), constant(Type.U32, 1)));
            terminate(new Terminator.Goto(header));
            current = exit;
            items.add(text("]"));
        } else if (t instanceof Type.Unit) {
            items.add(text(padded("()", spec)));
        } else {
            items.add(new PrintItem.Value(load(p, t), t, spec));
        }
    }

    /** `()` as Rust's Debug writes it (`Formatter::pad`): fill and alignment apply, known here. */
    static String padded(String s, FormatSpec spec) {
        int pad = Math.max(0, spec.width() - s.length());
        String fill = String.valueOf(spec.fill());
        return switch (spec.align()) {
            case RIGHT -> fill.repeat(pad) + s;
            case CENTER -> fill.repeat(pad / 2) + s + fill.repeat(pad - pad / 2);
            default -> s + fill.repeat(pad);
        };
    }

    static List<PrintItem> mergeText(List<PrintItem> items) {
        List<PrintItem> out = new ArrayList<>();
        for (PrintItem item : items) {
            if (item instanceof PrintItem.Text t && !out.isEmpty() && out.get(out.size() - 1) instanceof PrintItem.Text prev) {
                byte[] joined = new byte[prev.bytes().length + t.bytes().length];
                System.arraycopy(prev.bytes(), 0, joined, 0, prev.bytes().length);
                System.arraycopy(t.bytes(), 0, joined, prev.bytes().length, t.bytes().length);
                out.set(out.size() - 1, new PrintItem.Text(joined));
            } else {
                out.add(item);
            }
        }
        return out;
    }

    static String sourceText(Span span) {
        String text = span.file().text();
        return text.substring(Math.max(0, span.start()), Math.min(text.length(), span.end()));
    }
}

package mote.types;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import mote.ast.Expr;
import mote.diag.Diagnostics;

/**
 * Format strings of `print`/`println`: splitting one into literal bytes and `{…}` placeholders
 * (each spec parsed by {@link FormatSpec}), and whether a value of a given type can be printed by
 * a placeholder (`{}`, `{:?}`, radix, sign, width, precision).
 *
 * Separate because it is its own small grammar and table of what prints what.
 */
abstract sealed class FormatChecks extends PatternChecks permits CallChecks {
    FormatChecks(Diagnostics diags) { super(diags); }

    /** `{:.N}` of an f32 goes up to this many decimals (runtime-c/float.c's buffer). */
    static final int MAX_FLOAT_PRECISION = 40;

    /**
     * What each placeholder can print: `{}` integers, bools and `&[u8]` text; `{:?}` those and enums,
     * structs, arrays and slices of printable things; radix, sign and `#` only integers; a precision
     * only text (it truncates, as in Rust).
     */
    void checkPrintable(Expr arg, Type t, FormatSpec spec) {
        if (t instanceof Type.Never) return;
        if (!spec.debug() && shallow(t) instanceof Type.Ref) {
            // `{}` of a reference prints what it refers to (Rust's Display for &T): a number or bool.
            Type s = shallow(referent(t));
            if (isInt(s) || s instanceof Type.Float32 || s instanceof Type.Bool) {
                out.operandDerefs.add(arg);
                t = s;
            }
        }
        boolean text = t.equals(new Type.Slice(Type.U8));
        String shown = "`" + spec.text() + "`";
        if (spec.debug() && spec.alternate()) {
            diags.error("E0362", arg.span(), "`{:#?}` (pretty debug output) is not supported", "use `{:?}`");
        } else if ((spec.radix() != FormatSpec.Radix.DECIMAL || (spec.plus() && !(t instanceof Type.Float32)) || spec.alternate()) && !isInt(t)
                && !(spec.debug() && debugPrintable(t))) {
            diags.error("E0362", arg.span(), shown + " needs an integer, found `" + resolveForMessage(t) + "`",
                    "radix, `+` and `#` apply to integers; `{}` prints bools and text");
        } else if (spec.precision() > MAX_FLOAT_PRECISION && t instanceof Type.Float32) {
            diags.error("E0362", arg.span(), "Mote prints an f32 with at most " + MAX_FLOAT_PRECISION + " decimals",
                    "an f32 has about 7 significant digits: `{:.6}` is plenty");
        } else if (spec.precision() >= 0 && !text && !(t instanceof Type.Float32)) {
            diags.error("E0362", arg.span(), "a precision (`." + spec.precision() + "`) applies to text, not `" + resolveForMessage(t) + "`",
                    spec.width() > 0 ? "write `{:" + spec.width() + "}` for integers" : "write `{}` for integers");
        } else if (spec.debug()) {
            selfReferring = null;
            boolean printable = debugPrintable(t);
            if (!printable && selfReferring != null)
                diags.error("E0362", arg.span(), "`{:?}` cannot print a value of type `" + resolveForMessage(t) + "`: `"
                                + resolveForMessage(selfReferring) + "` refers to itself, and Mote prints a value in place, without recursion",
                        "print the fields you need, following the references in a loop");
            else if (!printable)
                diags.error("E0362", arg.span(), "`{:?}` cannot print a value of type `" + resolveForMessage(t) + "`",
                        "`{:?}` prints integers, bools, text, `()`, enums, and structs, tuples, arrays and slices of those");
        } else if (!(isInt(t) || t instanceof Type.Float32 || t instanceof Type.Bool || text)) {
            diags.error("E0362", arg.span(), shown + " cannot print a value of type `" + resolveForMessage(t) + "`",
                    t instanceof Type.Enum || t instanceof Type.Struct || t instanceof Type.Array || t instanceof Type.Slice || t instanceof Type.Sum || t instanceof Type.Tuple
                            ? "use `{:?}` for its debug form" : "`{}` prints integers, bools and `&[u8]` text");
        }
    }

    boolean debugPrintable(Type t) {
        printableKnown = new java.util.HashSet<>();
        return debugPrintable(t, new java.util.HashSet<>());
    }

    /** Structs and enums found printable in this check: each is walked once, however often it is met. */
    private java.util.Set<Type> printableKnown;

    /** The struct or enum the last failed {@link #debugPrintable} check reached inside itself. */
    private Type selfReferring;

    /**
     * {@code inProgress}: the structs and enums on the path down to {@code t}. One reached again
     * (through a reference: a linked list's {@code Option<&Node>}) cannot be printed: `{:?}`
     * is expanded in place, field by field, with no recursive calls to follow a list with.
     */
    private boolean debugPrintable(Type t, java.util.Set<Type> inProgress) {
        t = shallow(t);
        if (isInt(t) || t instanceof Type.Float32 || t instanceof Type.Bool || t instanceof Type.Enum || t instanceof Type.Never
                || t instanceof Type.Unit) return true;
        if (t instanceof Type.Array a) return debugPrintable(a.element(), inProgress);
        if (t instanceof Type.Slice sl) return debugPrintable(sl.element(), inProgress);
        if (t instanceof Type.Ref r) return debugPrintable(r.target(), inProgress);
        if (printableKnown.contains(t)) return true;
        if ((t instanceof Type.Struct || t instanceof Type.Sum) && !inProgress.add(t)) {
            selfReferring = t;   // reached again through a reference: printing it in place would never end
            return false;
        }
        if (t instanceof Type.Tuple tu) return tu.elements().stream().allMatch(e -> debugPrintable(e, inProgress));
        boolean printable = t instanceof Type.Struct st ? st.fields().stream().allMatch(f -> debugPrintable(f.type(), inProgress))
                : t instanceof Type.Sum s && s.variants().stream().allMatch(v -> v.fields().stream().allMatch(f -> debugPrintable(f, inProgress)));
        inProgress.remove(t);   // only the path down to here: a sibling field of the same type is no cycle
        if (printable) printableKnown.add(t);
        return printable;
    }

    /** Splits a format string into literal bytes and `{…}` placeholders with their specs; `{{` and `}}` escape. */
    List<TypedProgram.FormatPart> parseFormat(Expr.StrLit fmt) {
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
                if (close >= s.length) {
                    diags.error("E0365", fmt.span(), "unclosed `{` in format string", "write `{{` for a literal brace");
                    return null;
                }
                String text = new String(s, i + 1, close - i - 1, StandardCharsets.UTF_8);
                Object spec = text.isEmpty() ? FormatSpec.DISPLAY
                        : text.startsWith(":") ? FormatSpec.parse(text.substring(1))
                        : "positional and named arguments (`{" + text + "}`) are not supported";
                if (spec instanceof String problem) {
                    diags.error("E0365", fmt.span(), "bad format `{" + text + "}`: " + problem,
                            "placeholders are `{}` or `{:SPEC}`: fill and alignment `{:>6}` `{:*^8}`, zero padding `{:04}`, "
                                    + "`{:x}` `{:X}` `{:b}` `{:o}` `{:#x}`, `{:?}`; write `{{` for a literal brace");
                    return null;
                }
                if (lit.size() > 0) { parts.add(new TypedProgram.FormatPart.Literal(lit.toByteArray())); lit.reset(); }
                parts.add(new TypedProgram.FormatPart.Placeholder((FormatSpec) spec));
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
}

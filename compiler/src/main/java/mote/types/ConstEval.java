package mote.types;

import java.util.List;
import java.util.Map;
import mote.ast.Expr;
import mote.diag.Diagnostics;

/**
 * Evaluates constant expressions (const and static initialisers, match patterns) after type
 * checking, with the arithmetic of their types: overflow and division by zero are errors here,
 * since a constant is computed once, at compile time.
 */
final class ConstEval {
    private final TypedProgram program;
    private final Map<String, Symbol> globals;
    private final Diagnostics diags;

    /** Whether immutable scalar statics count as constants: in static initializers, as in Rust (not in consts). */
    private final boolean staticsAreConstants;

    ConstEval(TypedProgram program, Map<String, Symbol> globals, Diagnostics diags) {
        this(program, globals, diags, false);
    }

    ConstEval(TypedProgram program, Map<String, Symbol> globals, Diagnostics diags, boolean staticsAreConstants) {
        this.program = program;
        this.globals = globals;
        this.diags = diags;
        this.staticsAreConstants = staticsAreConstants;
    }

    /** The value's bits, normalised to {@code type}; 0 after reporting an error. */
    long eval(Expr e, Type type) {
        failed = false;
        try {
            return normalize(evalExpr(e), type);
        } catch (NotConstant nc) {
            failed = true;
            return 0;
        }
    }

    private boolean failed;

    /** Whether the last {@link #eval} found no value (and reported why, or had been told already). */
    boolean failed() { return failed; }

    private static final class NotConstant extends RuntimeException {
        NotConstant() { super(null, null, false, false); }
    }

    private NotConstant fail(Expr e, String code, String message, String... help) {
        if (!diags.hasErrorWithin(e.span())) diags.error(code, e.span(), message, help);   // else: said there already
        return new NotConstant();
    }

    private static long normalize(long v, Type t) {
        return t instanceof Type.Int it ? it.normalize(v) : v;
    }

    private long evalExpr(Expr e) {
        Type t = program.types.get(e);
        if (e instanceof Expr.IntLit lit) { return normalize(lit.value(), t);
        } else if (e instanceof Expr.FloatLit f) { return Floats.bits(f.value());
        } else if (e instanceof Expr.BoolLit b) { return b.value() ? 1 : 0;
        } else if (e instanceof Expr.Name n) {
            return itemValue(n, n.ident().name(), t);
        } else if (e instanceof Expr.Field f && program.resolution(f) instanceof Symbol.Variant v) {
            return v.value();
        } else if (e instanceof Expr.Field f && (program.resolution(f) instanceof Symbol.Const || program.resolution(f) instanceof Symbol.Static)) {
            return itemValue(f, f.field().name(), t);
        } else if (e instanceof Expr.Unary u) {
            if (u.op() == Expr.UnaryOp.DEREF) throw fail(e, "E0501", "this is not a constant expression");
            long v = evalExpr(u.operand());
            if (t instanceof Type.Float32) {
                if (u.op() != Expr.UnaryOp.NEG) throw fail(e, "E0501", "this is not a constant expression");
                return Floats.bits(-Floats.value(v));
            }
            return switch (u.op()) {
                // `-128i8` is a negated literal whose bits already wrapped to MIN (its range is
                // E0320's business): negating wraps back. Any other operand is a value of the
                // type, and negating MIN overflows.
                case NEG -> u.operand() instanceof Expr.IntLit ? normalize(-v, t) : checked(e, t, -v, v == ((Type.Int) t).min());
                case NOT -> t instanceof Type.Bool ? (v == 0 ? 1 : 0) : normalize(~v, t);
                case BIT_NOT -> normalize(~v, t);
                default -> throw fail(e, "E0501", "this is not a constant expression");
            };
        } else if (e instanceof Expr.Binary b) { return evalBinary(b, t);
        } else if (e instanceof Expr.Cast c) {
            long v = evalExpr(c.value());
            Type from = program.types.get(c.value());
            if (from instanceof Type.Float32 && t instanceof Type.Int to) return Floats.toInt(Floats.value(v), to);
            if (from instanceof Type.Float32) return v;
            if (t instanceof Type.Float32) return Floats.bits(Floats.fromInt(v, Type.intRepr(from) != null ? Type.intRepr(from) : Type.I32));
            Type.Int fi = Type.intRepr(from);
            if (fi != null && !fi.signed() && fi.bits() < 64) v = v & ((1L << fi.bits()) - 1);
            return normalize(v, t);
        } else if (e instanceof Expr.Block blk && blk.stmts().isEmpty() && blk.tail() != null) { return evalExpr(blk.tail());
        } else if (e instanceof Expr.Block blk && blk.stmts().isEmpty() && t instanceof Type.Unit) { return 0;   // `()`: no bits
        } else { throw fail(e, "E0501", "this is not a constant expression");
        }
    }

    /** The value of the item a name or `m.NAME` denotes: a const, or (in a static's initializer) an immutable scalar static. */
    private long itemValue(Expr e, String name, Type t) {
        Symbol s = program.resolution(e);
        if (s instanceof Symbol.Const c) return c.value();
        if (staticsAreConstants && s instanceof Symbol.Static st && !st.mutable() && st.image() == null
                && (st.type() instanceof Type.Int || st.type() instanceof Type.Float32 || st.type() instanceof Type.Bool || st.type() instanceof Type.Enum)) return st.initialValue();
        if (t instanceof Type.Never) throw new NotConstant();   // broken, or the checker said why
        throw fail(e, "E0501", "`" + name + "` is not a constant, so it cannot be used here");
    }

    private long checked(Expr e, Type t, long v, boolean overflow) {
        if (overflow) throw fail(e, "E0502", "this constant overflows `" + t + "`");
        return v;
    }

    private long evalBinary(Expr.Binary b, Type t) {
        if (t instanceof Type.Never) throw new NotConstant();   // an error already reported made it so
        long l = evalExpr(b.left());
        if (b.op() == Expr.BinaryOp.AND && l == 0) return 0;
        if (b.op() == Expr.BinaryOp.OR && l != 0) return 1;
        long r = evalExpr(b.right());
        Type operand = program.types.get(b.left());
        if (operand instanceof Type.Float32) return floatBinary(b, Floats.value(l), Floats.value(r));
        boolean signed = operand instanceof Type.Int it && it.signed();
        switch (b.op()) {
            case AND, OR -> { return r != 0 ? 1 : 0; }
            case EQ -> { return l == r ? 1 : 0; }
            case NE -> { return l != r ? 1 : 0; }
            case LT -> { return (signed ? Long.compare(l, r) : Long.compareUnsigned(l, r)) < 0 ? 1 : 0; }
            case LE -> { return (signed ? Long.compare(l, r) : Long.compareUnsigned(l, r)) <= 0 ? 1 : 0; }
            case GT -> { return (signed ? Long.compare(l, r) : Long.compareUnsigned(l, r)) > 0 ? 1 : 0; }
            case GE -> { return (signed ? Long.compare(l, r) : Long.compareUnsigned(l, r)) >= 0 ? 1 : 0; }
            default -> { }
        }
        if (!(t instanceof Type.Int it)) throw fail(b, "E0501", "this is not a constant expression");
        return arithmetic(b, l, r, it);
    }

    /** IEEE single-precision arithmetic and comparisons, as the target computes them. */
    private long floatBinary(Expr.Binary b, float l, float r) {
        return switch (b.op()) {
            case ADD -> Floats.bits(l + r);
            case SUB -> Floats.bits(l - r);
            case MUL -> Floats.bits(l * r);
            case DIV -> Floats.bits(l / r);
            case EQ -> l == r ? 1 : 0;
            case NE -> l != r ? 1 : 0;
            case LT -> l < r ? 1 : 0;
            case LE -> l <= r ? 1 : 0;
            case GT -> l > r ? 1 : 0;
            case GE -> l >= r ? 1 : 0;
            default -> throw fail(b, "E0501", "this is not a constant expression");
        };
    }

    /**
     * {@code l op r} in {@code it} (both operands values of it, the shift amount of its own
     * type), as Rust's const evaluation does it: a result outside the type, a shift by its
     * width or more, `MIN / -1` and `MIN % -1` are E0502, a zero divisor E0503.
     */
    private long arithmetic(Expr.Binary b, long l, long r, Type.Int it) {
        boolean signed = it.signed();
        int bits = it.bits();
        long v;
        switch (b.op()) {
            case ADD -> v = l + r;
            case SUB -> v = l - r;
            case MUL -> {
                v = l * r;
                if (it.bits() == 64 && l != 0 && (signed ? Math.multiplyHigh(l, r) != (v >> 63) || v / l != r
                        : Long.divideUnsigned(v, l) != r))
                    throw fail(b, "E0502", "this constant overflows `" + it + "`");
            }
            case DIV, REM -> {
                if (r == 0) throw fail(b, "E0503", "division by zero in a constant");
                if (signed && r == -1 && l == it.min()) throw fail(b, "E0502", "this constant overflows `" + it + "`: `" + it.min() + " "
                        + b.op().symbol + " -1` has no `" + it + "` result");
                if (signed) v = b.op() == Expr.BinaryOp.DIV ? l / r : l % r;
                else v = b.op() == Expr.BinaryOp.DIV ? Long.divideUnsigned(l, r) : Long.remainderUnsigned(l, r);
            }
            case BIT_AND -> v = l & r;
            case BIT_OR -> v = l | r;
            case BIT_XOR -> v = l ^ r;
            case SHL, SHR -> {
                if (r < 0 || r >= bits) throw fail(b, "E0502", "shift by " + r + " overflows `" + it + "`");
                if (b.op() == Expr.BinaryOp.SHL) v = l << r;
                else v = signed ? l >> r : (bits == 64 ? l >>> r : (l & ((1L << bits) - 1)) >>> r);
                return normalize(v, it);
            }
            default -> throw fail(b, "E0501", "this is not a constant expression");
        }
        long n = it.normalize(v);
        boolean overflow;
        if (it.bits() < 64) overflow = n != v;
        else if (b.op() == Expr.BinaryOp.ADD) overflow = signed ? ((l ^ v) & (r ^ v)) < 0 : Long.compareUnsigned(v, l) < 0;
        else if (b.op() == Expr.BinaryOp.SUB) overflow = signed ? ((l ^ r) & (l ^ v)) < 0 : Long.compareUnsigned(l, r) < 0;
        else overflow = false;
        if (!signed && it.bits() < 64 && (b.op() == Expr.BinaryOp.ADD || b.op() == Expr.BinaryOp.SUB || b.op() == Expr.BinaryOp.MUL))
            overflow = v < 0 || v > it.max();
        if (overflow) throw fail(b, "E0502", "this constant overflows `" + it + "`");
        return n;
    }

    /**
     * An array length, a repeat count or a channel capacity: `usize` arithmetic (`+ - * / %
     * << >>`, casts, parentheses) over integer literals and integer consts, checked as every
     * constant is. Such an expression sits in a type, which is resolved before (or without)
     * the expression being type-checked, so {@code names} says what a name or `m.NAME`
     * denotes: a const (one of type Never is broken, already reported), or anything else
     * (not a constant: E0504). Null after reporting an error.
     */
    Long length(Expr e, java.util.function.Function<Expr, Symbol> names) {
        return length(e, names, "an array length");
    }

    /** As above; {@code what} names the number in messages ("a channel's capacity"). */
    Long length(Expr e, java.util.function.Function<Expr, Symbol> names, String what) {
        lengthWhat = what;
        try {
            return evalLength(e, e, names);
        } catch (NotConstant nc) {
            return null;
        }
    }

    private String lengthWhat = "an array length";

    private long evalLength(Expr e, Expr whole, java.util.function.Function<Expr, Symbol> names) {
        if (e instanceof Expr.IntLit lit) return lit.value();
        if (e instanceof Expr.Name || e instanceof Expr.Field) {
            Symbol s = names.apply(e);
            if (s instanceof Symbol.Const c && c.type() instanceof Type.Never) throw new NotConstant();   // broken: reported
            if (s instanceof Symbol.Const c && c.type() instanceof Type.Int) return c.value();
            if (s instanceof Symbol.Variant v)
                throw fail(whole, "E0504", lengthWhat + " must be a constant integer, not the enum value `" + v.type().name() + "." + v.name() + "`",
                        "cast it: `" + v.type().name() + "." + v.name() + " as usize`");
        } else if (e instanceof Expr.Cast c) {
            long v = names.apply(c.value()) instanceof Symbol.Variant variant   // `Size.Small as usize`
                    ? variant.type().values().get(variant.index()) : evalLength(c.value(), whole, names);
            Type.Int to = c.type() instanceof mote.ast.TypeExpr.Named n && n.path().size() == 1 ? Type.intNamed(n.simpleName()) : null;
            if (to != null) return to.normalize(v);
        } else if (e instanceof Expr.Block blk && blk.stmts().isEmpty() && blk.tail() != null) {
            return evalLength(blk.tail(), whole, names);
        } else if (e instanceof Expr.Binary b) {
            long l = evalLength(b.left(), whole, names), r = evalLength(b.right(), whole, names);
            return arithmetic(b, l, r, Type.U32);   // usize is u32 on every target
        }
        throw fail(whole, "E0504", lengthWhat + " must be a constant integer", "use a literal or a `const`");
    }

    /**
     * The initial bytes of an aggregate static (little-endian, laid out as {@link Type#size()}
     * says): struct and array literals, `[v; n]`, nested, over constant scalars.
     */
    byte[] image(Expr e, Type type) {
        byte[] bytes = new byte[type.size()];
        try {
            write(e, type, bytes, 0);
        } catch (NotConstant nc) {
            // reported
        }
        return bytes;
    }

    /** Filled by {@link #image}: offsets of slices that point at string literals, and their bytes. */
    final java.util.SortedMap<Integer, byte[]> strings = new java.util.TreeMap<>();

    private void write(Expr e, Type type, byte[] out, int offset) {
        if (type instanceof Type.Mutex m) {   // a free mutex's zero header, then its value
            write(e, m.element(), out, offset + Type.Mutex.VALUE);
            return;
        }
        if (e instanceof Expr.StrLit str && type instanceof Type.Slice) {
            // The pointer is placed by the code generator (strings); the length is data.
            strings.put(offset, str.bytes());
            for (int i = 0; i < 4; i++) out[offset + 4 + i] = (byte) (str.bytes().length >>> (8 * i));
            return;
        }
        if (e instanceof Expr.StructLit sl && type instanceof Type.Struct st) {
            for (Expr.FieldInit fi : sl.fields()) {
                int index = st.fieldIndex(fi.name().name());
                if (index >= 0) write(fi.value(), st.fields().get(index).type(), out, offset + st.fields().get(index).offset());
            }
        } else if (type instanceof Type.Sum sum && program.resolution(e) instanceof Symbol.SumVariant sv) {
            // `None`, `Some(3)`, `Cmd.Go(1)`, `Ev.Release { .. }`: the tag (or niche), then the fields.
            int v = sv.index();
            if (sum.tag() != null) {
                for (int i = 0; i < sum.tag().size(); i++) out[offset + sum.tagOffset() + i] = (byte) (v >>> (8 * i));
            } else if (v != sum.dataful() && !(sum.nicheType() instanceof Type.Ref)) {
                out[offset + sum.nicheOffset()] = (byte) sum.nicheValue(v);   // a null reference is the zero bytes already there
            }
            Type.Sum.Variant variant = sum.variants().get(v);
            List<Expr> args = e instanceof Expr.Call c ? c.args() : e instanceof Expr.MethodCall mc ? mc.args() : List.of();
            for (int i = 0; i < args.size() && i < variant.fields().size(); i++)
                write(args.get(i), variant.fields().get(i), out, offset + sum.fieldOffset(v, i));
            if (e instanceof Expr.StructLit sl) {
                for (Expr.FieldInit fi : sl.fields()) {
                    int i = variant.fieldIndex(fi.name().name());
                    if (i >= 0) write(fi.value(), variant.fields().get(i), out, offset + sum.fieldOffset(v, i));
                }
            }
        } else if (e instanceof Expr.Tuple tu && type instanceof Type.Tuple tt) {
            for (int i = 0; i < tu.elements().size() && i < tt.elements().size(); i++)
                write(tu.elements().get(i), tt.elements().get(i), out, offset + tt.offset(i));
        } else if (e instanceof Expr.ArrayLit al && type instanceof Type.Array a) {
            int size = a.element().size();
            for (int i = 0; i < al.elements().size() && i < a.length(); i++) write(al.elements().get(i), a.element(), out, offset + i * size);
        } else if (e instanceof Expr.ArrayRepeat ar && type instanceof Type.Array a) {
            int size = a.element().size();
            for (int i = 0; i < a.length(); i++) write(ar.value(), a.element(), out, offset + i * size);
        } else if (Type.isAggregate(type) || type instanceof Type.Ref) {
            throw fail(e, "E0501", "a static of type `" + type + "` needs a constant initializer: literals of structs, tuples, enum variants, arrays, strings and integers");
        } else {
            long v = normalize(evalExpr(e), type);
            for (int i = 0; i < type.size(); i++) out[offset + i] = (byte) (v >>> (8 * i));
        }
    }

    /** Evaluates a pattern bound. */
    long evalPattern(Expr e, Type t) {
        return eval(e, t);
    }
}

package mote.mir;

import java.util.ArrayList;
import java.util.List;
import mote.ast.Expr;
import mote.diag.Span;
import mote.types.Symbol;
import mote.types.Type;
import mote.types.TypedProgram;

/**
 * Arithmetic with Rust's checks: division by zero and signed overflow in every build, overflow of
 * add, sub, mul, neg and shifts in debug builds; and the integer methods and functions
 * ({@link mote.types.IntegerMethods}: wrapping, saturating, checked, pow, bit counts, byte
 * conversions) and f32's methods, lowered to plain MIR arithmetic and branches.
 *
 * Separate because it is the one place that knows Rust's arithmetic semantics.
 */
abstract sealed class ArithmeticLowering extends PlaceLowering permits PrintLowering {
    ArithmeticLowering(TypedProgram program, Symbol.Fn fn, boolean debug, boolean lineMarks) { super(program, fn, debug, lineMarks); }

    // ------------------------------------------------ integer methods (types/IntegerMethods)

    /** `u32.from_le_bytes(b)`: the receiver names a type, not a value. */
    boolean isIntegerFunction(Expr.MethodCall mc) {
        return mc.receiver() instanceof Expr.Name n && program.resolution(n) == null && Type.intNamed(n.ident().name()) != null;
    }

    /** The bytes, widened and shifted into place and or-ed together: LLVM folds it to one load when it can. */
    Operand lowerIntegerFunction(Expr.MethodCall mc) {
        Type.Int it = (Type.Int) typeOf(mc);
        Place bytes = lowerPlace(mc.args().get(0));
        boolean little = mc.method().name().equals("from_le_bytes");
        Operand value = constant(it, 0);
        for (int i = 0; i < it.size(); i++) {
            Operand b = load(bytes.project(new Place.Projection.Index(constant(Type.U32, i))), Type.U8);
            Local wide = temp(it), shifted = temp(it), sum = temp(it);
            assign(wide, new Rvalue.Cast(b, it));
            int shift = 8 * (little ? i : it.size() - 1 - i);
            assign(shifted, new Rvalue.Binary(BinOp.SHL, Operand.of(wide), constant(it, shift)));
            assign(sum, new Rvalue.Binary(BinOp.BIT_OR, value, Operand.of(shifted)));
            value = Operand.of(sum);
        }
        return value;
    }

    /** f32's methods (0.2) with Rust's meaning: `min`/`max` return the other value when one is NaN. */
    Operand lowerFloatMethod(Expr.MethodCall mc) {
        Operand x = receiverValue(mc.receiver());
        Operand y = mc.args().isEmpty() ? null : lower(mc.args().get(0));
        return switch (mc.method().name()) {
            case "abs" -> {
                Local t = temp(Type.F32);
                assign(t, new Rvalue.Unary(UnOp.FLOAT_ABS, x));
                yield Operand.of(t);
            }
            case "is_nan" -> binaryTemp(BinOp.NE, x, x, Type.BOOL);
            case "min", "max" -> {
                Operand better = binaryTemp(mc.method().name().equals("min") ? BinOp.LT : BinOp.GT, x, y, Type.BOOL);
                Operand otherIsNan = binaryTemp(BinOp.NE, y, y, Type.BOOL);
                yield choose(binaryTemp(BinOp.BIT_OR, better, otherIsNan, Type.BOOL), x, y, Type.F32);
            }
            default -> throw new IllegalStateException("f32 method " + mc.method().name());
        };
    }

    Operand lowerIntegerMethod(Expr.MethodCall mc, Type.Int it) {
        String m = mc.method().name();
        Operand x = receiverValue(mc.receiver());
        Operand y = mc.args().isEmpty() ? null : lower(mc.args().get(0));
        Span span = mc.span();
        return switch (m) {
            case "wrapping_add" -> binaryTemp(BinOp.ADD, x, y, it);
            case "wrapping_sub" -> binaryTemp(BinOp.SUB, x, y, it);
            case "wrapping_mul" -> binaryTemp(BinOp.MUL, x, y, it);
            case "checked_add" -> checked(BinOp.ADD, x, y, it);
            case "checked_sub" -> checked(BinOp.SUB, x, y, it);
            case "checked_mul" -> checked(BinOp.MUL, x, y, it);
            case "checked_div" -> checkedDiv(x, y, it);
            case "saturating_add" -> saturating(BinOp.ADD, x, y, it);
            case "saturating_sub" -> saturating(BinOp.SUB, x, y, it);
            case "min" -> choose(binaryTemp(BinOp.LT, x, y, Type.BOOL), x, y, it);
            case "max" -> choose(binaryTemp(BinOp.GT, x, y, Type.BOOL), x, y, it);
            case "abs" -> {
                Operand negative = binaryTemp(BinOp.LT, x, constant(it, 0), Type.BOOL);
                BlockId negate = newBlock(), join = newBlock();
                Local result = temp(it);
                assign(result, new Rvalue.Use(x));
                terminate(new Terminator.If(negative, negate, join));
                current = negate;
                if (debug) {
                    Local ok = temp(Type.BOOL);
                    assign(ok, new Rvalue.Binary(BinOp.NE, x, constant(it, it.min())));
                    assertThat(Operand.of(ok), "attempt to negate with overflow", span);
                }
                assign(result, new Rvalue.Unary(UnOp.NEG, x));
                gotoBlock(join);
                current = join;
                yield Operand.of(result);
            }
            case "pow" -> pow(x, y, it, span);
            case "count_ones" -> bitCount(UnOp.COUNT_ONES, x, it);
            case "leading_zeros" -> bitCount(UnOp.LEADING_ZEROS, x, it);
            case "trailing_zeros" -> bitCount(UnOp.TRAILING_ZEROS, x, it);
            case "to_le_bytes", "to_be_bytes" -> {
                List<Operand> bytes = new ArrayList<>();
                for (int i = 0; i < it.size(); i++) {
                    int shift = 8 * (m.equals("to_le_bytes") ? i : it.size() - 1 - i);
                    Operand shifted = shift == 0 ? x : binaryTemp(BinOp.SHR, x, constant(it, shift), it);
                    Local b = temp(Type.U8);
                    assign(b, new Rvalue.Cast(shifted, Type.U8));
                    bytes.add(Operand.of(b));
                }
                Local arr = temp(new Type.Array(Type.U8, it.size()));
                assign(arr, new Rvalue.Aggregate(new Type.Array(Type.U8, it.size()), bytes));
                yield Operand.of(arr);
            }
            default -> throw new IllegalStateException("integer method " + m);
        };
    }

    /** `cond ? a : b` as a branch (LLVM makes it a select). */
    Operand choose(Operand cond, Operand a, Operand b, Type t) {
        Local result = temp(t);
        BlockId first = newBlock(), second = newBlock(), join = newBlock();
        terminate(new Terminator.If(cond, first, second));
        current = first;
        assign(result, new Rvalue.Use(a));
        gotoBlock(join);
        current = second;
        assign(result, new Rvalue.Use(b));
        gotoBlock(join);
        current = join;
        return Operand.of(result);
    }

    /** On overflow the bound the result went past: MAX, or MIN when a signed sum went below it. */
    Operand saturating(BinOp op, Operand x, Operand y, Type.Int it) {
        Local overflows = temp(Type.BOOL);
        assign(overflows, new Rvalue.Overflows(op, x, y));
        Operand wrapped = binaryTemp(op, x, y, it);
        Operand bound;
        if (!it.signed()) {
            bound = constant(it, op == BinOp.ADD ? it.max() : 0);
        } else {
            // x + y overflows downwards when y < 0; x - y when y > 0.
            Operand down = binaryTemp(op == BinOp.ADD ? BinOp.LT : BinOp.GT, y, constant(it, 0), Type.BOOL);
            bound = choose(down, constant(it, it.min()), constant(it, it.max()), it);
        }
        return choose(Operand.of(overflows), bound, wrapped, it);
    }

    /** `Some(x op y)`, or `None` where it overflows. */
    Operand checked(BinOp op, Operand x, Operand y, Type.Int it) {
        Local overflows = temp(Type.BOOL);
        assign(overflows, new Rvalue.Overflows(op, x, y));
        return someUnless(Operand.of(overflows), () -> binaryTemp(op, x, y, it), it);
    }

    /** `None` for a zero divisor and for MIN / -1; the division runs only otherwise. */
    Operand checkedDiv(Operand x, Operand y, Type.Int it) {
        Operand bad = binaryTemp(BinOp.EQ, y, constant(it, 0), Type.BOOL);
        if (it.signed()) {
            Operand min = binaryTemp(BinOp.EQ, x, constant(it, it.min()), Type.BOOL);
            Operand minusOne = binaryTemp(BinOp.EQ, y, constant(it, -1), Type.BOOL);
            bad = binaryTemp(BinOp.BIT_OR, bad, binaryTemp(BinOp.BIT_AND, min, minusOne, Type.BOOL), Type.BOOL);
        }
        return someUnless(bad, () -> binaryTemp(BinOp.DIV, x, y, it), it);
    }

    Operand someUnless(Operand none, java.util.function.Supplier<Operand> value, Type.Int it) {
        Type.Sum option = Type.Sum.option(it);
        Local result = temp(option);
        BlockId isNone = newBlock(), isSome = newBlock(), join = newBlock();
        terminate(new Terminator.If(none, isNone, isSome));
        current = isNone;
        assign(result, new Rvalue.Variant(option, 0, List.of()));
        gotoBlock(join);
        current = isSome;
        assign(result, new Rvalue.Variant(option, 1, List.of(value.get())));
        gotoBlock(join);
        return Operand.of(result);
    }

    Operand bitCount(UnOp op, Operand x, Type.Int it) {
        Local count = temp(it);
        assign(count, new Rvalue.Unary(op, x));
        if (it.equals(Type.U32)) return Operand.of(count);
        Local u = temp(Type.U32);
        assign(u, new Rvalue.Cast(Operand.of(count), Type.U32));
        return Operand.of(u);
    }

    /**
     * Exponentiation by squaring. The base is squared only while bits of the exponent remain,
     * so a debug build panics exactly when the result overflows, as Rust's `pow` does.
     */
    Operand pow(Operand x, Operand exp, Type.Int it, Span span) {
        Local result = temp(it), base = temp(it), e = temp(Type.U32);
        assign(result, new Rvalue.Use(constant(it, 1)));
        assign(base, new Rvalue.Use(x));
        assign(e, new Rvalue.Use(exp));
        BlockId header = newBlock(), body = newBlock(), multiply = newBlock(), shift = newBlock(), square = newBlock(), exit = newBlock();
        gotoBlock(header);
        terminate(new Terminator.If(binaryTemp(BinOp.NE, Operand.of(e), constant(Type.U32, 0), Type.BOOL), body, exit));
        current = body;
        Operand odd = binaryTemp(BinOp.NE, binaryTemp(BinOp.BIT_AND, Operand.of(e), constant(Type.U32, 1), Type.U32),
                constant(Type.U32, 0), Type.BOOL);
        terminate(new Terminator.If(odd, multiply, shift));
        current = multiply;
        assign(result, new Rvalue.Use(arithmetic(BinOp.MUL, Operand.of(result), Operand.of(base), it, it, span)));
        gotoBlock(shift);
        assign(e, new Rvalue.Binary(BinOp.SHR, Operand.of(e), constant(Type.U32, 1)));
        terminate(new Terminator.If(binaryTemp(BinOp.NE, Operand.of(e), constant(Type.U32, 0), Type.BOOL), square, exit));
        current = square;
        assign(base, new Rvalue.Use(arithmetic(BinOp.MUL, Operand.of(base), Operand.of(base), it, it, span)));
        gotoBlock(header);
        current = exit;
        return Operand.of(result);
    }

    /** Emits `l op r`, with the division checks Rust makes in every build. */
    Operand arithmetic(BinOp op, Operand l, Operand r, Type operandType, Type resultType, Span span) {
        boolean constantSafeDivisor = r instanceof Operand.Const k && k.bits() != 0 && k.bits() != -1;
        if ((op == BinOp.DIV || op == BinOp.REM) && operandType instanceof Type.Int it && !constantSafeDivisor) {
            boolean isDiv = op == BinOp.DIV;
            Local nonZero = temp(Type.BOOL);
            assign(nonZero, new Rvalue.Binary(BinOp.NE, r, constant(it, 0)));
            assertThat(Operand.of(nonZero), isDiv ? "attempt to divide by zero"
                    : "attempt to calculate the remainder with a divisor of zero", span);
            if (it.signed()) {
                // MIN / -1 overflows: Rust panics on it in every build.
                Local isMin = temp(Type.BOOL), isMinusOne = temp(Type.BOOL), both = temp(Type.BOOL), ok = temp(Type.BOOL);
                assign(isMin, new Rvalue.Binary(BinOp.EQ, l, constant(it, it.min())));
                assign(isMinusOne, new Rvalue.Binary(BinOp.EQ, r, constant(it, -1)));
                assign(both, new Rvalue.Binary(BinOp.BIT_AND, Operand.of(isMin), Operand.of(isMinusOne)));
                assign(ok, new Rvalue.Unary(UnOp.NOT, Operand.of(both)));
                assertThat(Operand.of(ok), isDiv ? "attempt to divide with overflow"
                        : "attempt to calculate the remainder with overflow", span);
            }
        }
        if (debug && operandType instanceof Type.Int it) overflowCheck(op, l, r, it, span);
        Local t = temp(resultType);
        assign(t, new Rvalue.Binary(op, l, r));
        return Operand.of(t);
    }

    /** Debug builds: `attempt to add with overflow` and friends, with Rust's messages. */
    void overflowCheck(BinOp op, Operand l, Operand r, Type.Int it, Span span) {
        String verb = switch (op) {
            case ADD -> "add"; case SUB -> "subtract"; case MUL -> "multiply";
            case SHL -> "shift left"; case SHR -> "shift right";
            default -> null;
        };
        if (verb == null) return;
        Local ok = temp(Type.BOOL);
        if (op.isShift()) {
            if (!(opType(r) instanceof Type.Int rt)) return;   // the amount diverges: dead code
            if (rt.bits() < 64 && rt.max() < it.bits() && !rt.signed()) return;   // cannot reach the width
            if (r instanceof Operand.Const k && k.bits() >= 0 && k.bits() < it.bits()) return;
            Local inRange = temp(Type.BOOL);
            assign(inRange, new Rvalue.Binary(BinOp.LT, r, constant(rt, it.bits())));
            if (rt.signed()) {
                Local nonNegative = temp(Type.BOOL);
                assign(nonNegative, new Rvalue.Binary(BinOp.GE, r, constant(rt, 0)));
                assign(ok, new Rvalue.Binary(BinOp.BIT_AND, Operand.of(inRange), Operand.of(nonNegative)));
            } else {
                assign(ok, new Rvalue.Use(Operand.of(inRange)));
            }
        } else {
            Local overflows = temp(Type.BOOL);
            assign(overflows, new Rvalue.Overflows(op, l, r));
            assign(ok, new Rvalue.Unary(UnOp.NOT, Operand.of(overflows)));
        }
        assertThat(Operand.of(ok), "attempt to " + verb + " with overflow", span);
    }

}

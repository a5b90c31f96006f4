package mote.types;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * f32 values as the compiler carries them (0.2): a constant's bits are the float's 32 bits,
 * unsigned in a long ({@link #bits}), so equal constants compare equal. The conversions are
 * Rust's `as`: float to integer truncates toward zero and saturates (NaN is 0); integer to
 * float rounds to nearest, ties to even. Java's float arithmetic is IEEE 754 single precision
 * with the same rounding as the target's FPU and libgcc's soft-float helpers.
 */
public final class Floats {
    private Floats() {}

    public static long bits(float f) { return Float.floatToRawIntBits(f) & 0xFFFF_FFFFL; }

    public static float value(long bits) { return Float.intBitsToFloat((int) bits); }

    /** `f as T` for an integer type: truncated, saturated to T's range, NaN as 0. */
    public static long toInt(float f, Type.Int to) {
        if (Float.isNaN(f)) return 0;
        BigInteger min = to.signed() ? BigInteger.valueOf(to.min()) : BigInteger.ZERO;
        BigInteger max = to.bits() == 64 && !to.signed() ? BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE) : BigInteger.valueOf(to.max());
        BigInteger v = Float.isInfinite(f) ? (f > 0 ? max : min) : new BigDecimal(f).toBigInteger();
        return v.max(min).min(max).longValue();
    }

    /** `v as f32` for a value of integer type {@code from} (its bits as the long holds them). */
    public static float fromInt(long v, Type.Int from) {
        if (from.signed() || from.bits() < 64 || v >= 0) return (float) v;
        return new BigDecimal(Long.toUnsignedString(v)).floatValue();
    }
}

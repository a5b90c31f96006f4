package mote.types;

import java.util.List;

/**
 * The built-in methods of integers (0.2), with Rust's names and signatures: `x.wrapping_add(y)`,
 * `x.pow(3)`, `x.to_le_bytes()`, and the associated `u32.from_le_bytes(b)`. The type checker
 * asks this table for names, arities and result types; MirBuilder lowers each to plain MIR.
 */
public final class IntegerMethods {
    private IntegerMethods() {}

    /** In the order the "no such method" help lists them. */
    public static final List<String> METHODS = List.of(
            "wrapping_add", "wrapping_sub", "wrapping_mul", "checked_add", "checked_sub", "checked_mul", "checked_div",
            "saturating_add", "saturating_sub",
            "min", "max", "abs", "pow", "count_ones", "leading_zeros", "trailing_zeros",
            "to_le_bytes", "to_be_bytes");

    public static final List<String> FUNCTIONS = List.of("from_le_bytes", "from_be_bytes");

    public static boolean isMethod(String name) { return METHODS.contains(name); }

    public static boolean isFunction(String name) { return FUNCTIONS.contains(name); }

    /** Arguments after the receiver. */
    public static int arity(String name) {
        return switch (name) {
            case "abs", "count_ones", "leading_zeros", "trailing_zeros", "to_le_bytes", "to_be_bytes" -> 0;
            default -> 1;
        };
    }

    public static Type resultType(String name, Type.Int receiver) {
        return switch (name) {
            case "count_ones", "leading_zeros", "trailing_zeros" -> Type.U32;
            case "to_le_bytes", "to_be_bytes" -> new Type.Array(Type.U8, receiver.size());
            case "checked_add", "checked_sub", "checked_mul", "checked_div" -> Type.Sum.option(receiver);
            default -> receiver;
        };
    }
}

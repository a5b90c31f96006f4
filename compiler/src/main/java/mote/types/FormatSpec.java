package mote.types;

/**
 * One placeholder's format spec, as Rust writes it: {@code {:[[fill]align][+][#][0][width][.precision][type]}}.
 * The parser accepts exactly the 0.2 contract (fill, {@code < > ^}, {@code +}, {@code #}, {@code 0},
 * width, precision, and the types {@code x X b o ?}); everything else is a diagnostic.
 *
 * <p>A spec is "plain" when it prints the way {@code {}} or {@code {:x}} did in 0.1: those keep
 * their small runtime conversions, so a program without width or radix specs links no formatter.
 */
public record FormatSpec(char fill, Align align, int width, boolean zeroPad, boolean alternate, boolean plus,
                         Radix radix, boolean debug, int precision) {

    public enum Align { DEFAULT, LEFT, RIGHT, CENTER }

    public enum Radix {
        DECIMAL(""), HEX("x"), UPPER_HEX("X"), BINARY("b"), OCTAL("o");
        public final String letter;
        Radix(String letter) { this.letter = letter; }
    }

    /** Width is one byte in the runtime's packed spec (see {@link #packed}). */
    public static final int MAX_WIDTH = 255;

    public static final FormatSpec DISPLAY = new FormatSpec(' ', Align.DEFAULT, 0, false, false, false, Radix.DECIMAL, false, -1);
    public static final FormatSpec HEX = new FormatSpec(' ', Align.DEFAULT, 0, false, false, false, Radix.HEX, false, -1);

    /** Prints through 0.1's conversions: no width, no sign, no prefix, decimal or lower-case hex. */
    public boolean isPlain() {
        return width == 0 && !plus && !alternate && (radix == Radix.DECIMAL || radix == Radix.HEX) && precision < 0;
    }

    public boolean isHex() { return radix == Radix.HEX; }

    public FormatSpec withDebug(boolean d) {
        return new FormatSpec(fill, align, width, zeroPad, alternate, plus, radix, d, precision);
    }

    /**
     * The spec as runtime-c's format.c reads it (keep the two in step): bits 0-7 width, 8-15 fill,
     * 16-17 alignment (numbers default right, text left: resolved here), 18 zero padding, 19 `#`,
     * 20 `+`, 21-23 radix (0 decimal, 1 hex, 2 binary, 3 octal), 24 upper-case digits, 25 the value is signed.
     */
    public int packed(boolean numeric, boolean signed) {
        Align a = align != Align.DEFAULT ? align : numeric ? Align.RIGHT : Align.LEFT;
        int radixCode = switch (radix) { case DECIMAL -> 0; case HEX, UPPER_HEX -> 1; case BINARY -> 2; case OCTAL -> 3; };
        return width | (fill & 0xff) << 8 | a.ordinal() << 16 | (zeroPad ? 1 << 18 : 0) | (alternate ? 1 << 19 : 0)
                | (plus ? 1 << 20 : 0) | radixCode << 21 | (radix == Radix.UPPER_HEX ? 1 << 24 : 0)
                | (signed && radix == Radix.DECIMAL ? 1 << 25 : 0);
    }

    /** An f32's spec for runtime-c/float.c: {@link #packed} (a number), and bit 26 for `{:?}` (whole numbers end in `.0`). */
    public int packedFloat() {
        return packed(true, false) | (debug ? 1 << 26 : 0);
    }

    /** The placeholder as the user wrote it (normalised), for MIR dumps and messages. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        if (align != Align.DEFAULT) {
            if (fill != ' ') sb.append(fill);
            sb.append(switch (align) { case LEFT -> '<'; case RIGHT -> '>'; case CENTER -> '^'; default -> '?'; });
        }
        if (plus) sb.append('+');
        if (alternate) sb.append('#');
        if (zeroPad) sb.append('0');
        if (width > 0) sb.append(width);
        if (precision >= 0) sb.append('.').append(precision);
        sb.append(radix.letter);
        if (debug) sb.append('?');
        return sb.length() == 0 ? "{}" : "{:" + sb + "}";
    }

    /** Parses the text between `{:` and `}`; returns an error message instead when it is not a spec. */
    public static Object parse(String spec) {
        int i = 0, n = spec.length();
        char fill = ' ';
        Align align = Align.DEFAULT;
        if (n >= 2 && alignOf(spec.charAt(1)) != null && spec.charAt(0) != '{' && spec.charAt(0) != '}') {
            fill = spec.charAt(0);
            align = alignOf(spec.charAt(1));
            i = 2;
        } else if (n >= 1 && alignOf(spec.charAt(0)) != null) {
            align = alignOf(spec.charAt(0));
            i = 1;
        }
        if (fill > 0x7e) return "the fill character `" + fill + "` is not ASCII";
        boolean plus = false, alternate = false, zero = false;
        if (i < n && spec.charAt(i) == '+') { plus = true; i++; }
        if (i < n && spec.charAt(i) == '-') return "`-` in a format spec does nothing in Mote (as in Rust, it is reserved)";
        if (i < n && spec.charAt(i) == '#') { alternate = true; i++; }
        if (i < n && spec.charAt(i) == '0') { zero = true; i++; }
        int width = 0;
        int start = i;
        while (i < n && Character.isDigit(spec.charAt(i))) { width = Math.min(width * 10 + spec.charAt(i) - '0', 100_000); i++; }
        if (width > MAX_WIDTH) return "width " + spec.substring(start, i) + " is too wide (at most " + MAX_WIDTH + ")";
        if (i < n && spec.charAt(i) == '$') return "widths from arguments (`$`) are not supported";
        int precision = -1;
        if (i < n && spec.charAt(i) == '.') {
            i++;
            int p0 = i;
            precision = 0;
            while (i < n && Character.isDigit(spec.charAt(i))) { precision = Math.min(precision * 10 + spec.charAt(i) - '0', 100_000); i++; }
            if (i == p0) return i < n && spec.charAt(i) == '*' ? "precision from an argument (`.*`) is not supported" : "`.` needs a precision, e.g. `{:.2}`";
            if (precision > MAX_WIDTH) return "precision " + precision + " is too large (at most " + MAX_WIDTH + ")";
        }
        Radix radix = Radix.DECIMAL;
        boolean debug = false;
        String rest = spec.substring(i);
        switch (rest) {
            case "" -> { }
            case "x" -> radix = Radix.HEX;
            case "X" -> radix = Radix.UPPER_HEX;
            case "b" -> radix = Radix.BINARY;
            case "o" -> radix = Radix.OCTAL;
            case "?" -> debug = true;
            case "x?", "X?" -> { radix = rest.startsWith("x") ? Radix.HEX : Radix.UPPER_HEX; debug = true; }
            case "e", "E" -> { return "exponent formatting `{:" + rest + "}` is not supported"; }
            default -> { return "unknown format type `" + rest + "`"; }
        }
        return new FormatSpec(fill, align, width, zero, alternate, plus, radix, debug, precision);
    }

    private static Align alignOf(char c) {
        return switch (c) { case '<' -> Align.LEFT; case '>' -> Align.RIGHT; case '^' -> Align.CENTER; default -> null; };
    }
}

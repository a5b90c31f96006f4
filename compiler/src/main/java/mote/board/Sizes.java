package mote.board;

import java.util.Locale;

/** Parses the sizes and addresses board files use: {@code 4096}, {@code "0x4000C000"}, {@code "256K"}, {@code "4M"}. */
public final class Sizes {
    private Sizes() {}

    /** The value in bytes, or {@code -1} when {@code text} is not a size. */
    public static long parse(String text) {
        String s = text.strip().toUpperCase(Locale.ROOT);
        long unit = 1;
        if (s.endsWith("K") || s.endsWith("M") || s.endsWith("G")) {
            unit = switch (s.charAt(s.length() - 1)) {
                case 'K' -> 1024L;
                case 'M' -> 1024L * 1024;
                default -> 1024L * 1024 * 1024;
            };
            s = s.substring(0, s.length() - 1);
        }
        try {
            long value = s.startsWith("0X") ? Long.parseLong(s.substring(2), 16) : Long.parseLong(s);
            return value < 0 ? -1 : Math.multiplyExact(value, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            return -1;
        }
    }

    /** {@code 262144} becomes {@code "256K"}: the largest unit that divides evenly. */
    public static String format(long bytes) {
        if (bytes != 0 && bytes % (1024L * 1024) == 0) return bytes / (1024L * 1024) + "M";
        if (bytes != 0 && bytes % 1024 == 0) return bytes / 1024 + "K";
        return Long.toString(bytes);
    }
}

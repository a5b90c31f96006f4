package mote.mir;

import java.nio.charset.StandardCharsets;
import mote.types.Type;

/** One piece of console output: fixed bytes, or a value formatted by its type. */
public sealed interface PrintItem {
    record Text(byte[] bytes) implements PrintItem {
        @Override public String toString() { return quote(bytes); }
    }

    record Value(Operand value, Type type, mote.types.FormatSpec spec) implements PrintItem {
        /** A value printed as `{}` (decimal, true/false, text). */
        public Value(Operand value, Type type) { this(value, type, mote.types.FormatSpec.DISPLAY); }
        @Override public String toString() { return spec.text() + "(" + value + ")"; }
    }

    static String quote(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.UTF_8);
        return '"' + s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t").replace("\"", "\\\"") + '"';
    }
}

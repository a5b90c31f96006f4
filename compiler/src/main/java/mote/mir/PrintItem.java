package mote.mir;

import java.nio.charset.StandardCharsets;
import mote.types.Type;

/** One piece of console output: fixed bytes, or a value formatted by its type. */
public sealed interface PrintItem {
    record Text(byte[] bytes) implements PrintItem {
        @Override public String toString() { return quote(bytes); }
    }

    record Value(Operand value, Type type, boolean hex) implements PrintItem {
        @Override public String toString() { return (hex ? "{:x}" : "{}") + "(" + value + ")"; }
    }

    static String quote(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.UTF_8);
        return '"' + s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t").replace("\"", "\\\"") + '"';
    }
}

package mote.mir;

import mote.types.Type;

public sealed interface Operand {
    /** The current value of a local. */
    record Copy(Local local) implements Operand {
        @Override public String toString() { return local.toString(); }
    }

    /** A constant; {@code bits} holds integers, bools (0/1) and f32s (their IEEE bits, unsigned). Unit constants have bits 0. */
    record Const(Type type, long bits) implements Operand {
        @Override public String toString() {
            if (type instanceof Type.Bool) return bits != 0 ? "true" : "false";
            if (type instanceof Type.Unit) return "()";
            if (type instanceof Type.Float32) return mote.types.Floats.value(bits) + "_f32";
            if (type instanceof Type.Int it && !it.signed()) return Long.toUnsignedString(bits) + "_" + type;
            return bits + "_" + type;
        }
    }

    Operand UNIT = new Const(Type.UNIT, 0);

    static Operand of(Local l) { return new Copy(l); }
}

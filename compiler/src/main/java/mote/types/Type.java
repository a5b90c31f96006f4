package mote.types;

/** Resolved types. {@link Var} stands for a not-yet-decided integer type during inference. */
public sealed interface Type {
    Bool BOOL = new Bool();
    Unit UNIT = new Unit();
    Never NEVER = new Never();
    Int U8 = new Int(false, 8), U16 = new Int(false, 16), U32 = new Int(false, 32), U64 = new Int(false, 64);
    Int I8 = new Int(true, 8), I16 = new Int(true, 16), I32 = new Int(true, 32), I64 = new Int(true, 64);

    /** Size in bytes on the target (32-bit Cortex-M). */
    int size();

    /** Alignment in bytes on the target. */
    int align();

    record Int(boolean signed, int bits) implements Type {
        public int size() { return bits / 8; }
        public int align() { return bits / 8; }
        /** Smallest and largest values, as longs (u64 max is -1 in two's complement). */
        public long min() { return signed ? (bits == 64 ? Long.MIN_VALUE : -(1L << (bits - 1))) : 0; }
        public long max() { return signed ? (bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1) : (bits == 64 ? -1L : (1L << bits) - 1); }
        /** Whether a literal value (as parsed, u64 bits) fits this type. */
        public boolean fits(long v, boolean negated) {
            if (negated) {
                if (!signed) return v == 0;
                // -v must be >= min: v <= 2^(bits-1)
                if (bits == 64) return Long.compareUnsigned(v, 1L << 63) <= 0;
                return Long.compareUnsigned(v, 1L << (bits - 1)) <= 0;
            }
            if (bits == 64) return signed ? v >= 0 : true;
            return Long.compareUnsigned(v, max()) <= 0;
        }
        /** Truncates/sign-extends bits to this type's range, as a canonical long. */
        public long normalize(long v) {
            if (bits == 64) return v;
            long mask = (1L << bits) - 1;
            long t = v & mask;
            if (signed && (t & (1L << (bits - 1))) != 0) t |= ~mask;
            return t;
        }
        @Override public String toString() { return (signed ? "i" : "u") + bits; }
    }

    record Bool() implements Type {
        public int size() { return 1; }
        public int align() { return 1; }
        @Override public String toString() { return "bool"; }
    }

    record Unit() implements Type {
        public int size() { return 0; }
        public int align() { return 1; }
        @Override public String toString() { return "()"; }
    }

    /** The type of `return`, `break`, `exit(..)`: coerces to anything. */
    record Never() implements Type {
        public int size() { return 0; }
        public int align() { return 1; }
        @Override public String toString() { return "!"; }
    }

    record Var(int id) implements Type {
        public int size() { throw new IllegalStateException("unresolved type variable"); }
        public int align() { throw new IllegalStateException("unresolved type variable"); }
        @Override public String toString() { return "{integer}"; }
    }

    static Int intNamed(String name) {
        return switch (name) {
            case "u8" -> U8; case "u16" -> U16; case "u32", "usize" -> U32; case "u64" -> U64;
            case "i8" -> I8; case "i16" -> I16; case "i32" -> I32; case "i64" -> I64;
            default -> null;
        };
    }
}

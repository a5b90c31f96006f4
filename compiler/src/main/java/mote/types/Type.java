package mote.types;

import java.util.List;

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

    /** `[T; N]`: N elements laid out back to back. */
    record Array(Type element, long length) implements Type {
        public int size() { return (int) (element.size() * length); }
        public int align() { return element.align(); }
        @Override public String toString() { return "[" + element + "; " + length + "]"; }
    }

    /** `&T` / `&mut T`: a plain pointer. */
    record Ref(boolean mutable, Type target) implements Type {
        public int size() { return 4; }
        public int align() { return 4; }
        @Override public String toString() { return (mutable ? "&mut " : "&") + target; }
    }

    /**
     * `Channel<T, N>` (or `Signal<T>`: capacity 1, raise overwrites): runtime-c's 12-byte
     * `struct mote_channel` header, then the item buffer at {@link #HEADER}. All zero bytes
     * is an empty channel: element size and capacity are passed with every runtime call
     * ({@link #shape()}), and items are copied bytewise, so the buffer needs no alignment.
     */
    record Channel(Type element, long capacity, boolean signal) implements Type {
        public static final int HEADER = 12;
        public int size() {
            int end = HEADER + (int) (element.size() * capacity);
            return (end + align() - 1) / align() * align();
        }
        public int align() { return 4; }
        /** What runtime-c is told of this channel at every call: element size | capacity << 16. */
        public long shape() { return element.size() | capacity << 16; }
        @Override public String toString() { return signal ? "Signal<" + element + ">" : "Channel<" + element + ", " + capacity + ">"; }
    }

    /** `&[T]`: a pointer (offset 0) and a u32 length (offset 4). */
    record Slice(Type element) implements Type {
        public int size() { return 8; }
        public int align() { return 4; }
        @Override public String toString() { return "&[" + element + "]"; }
    }

    /** A C-like enum: its variants' discriminants, stored as {@code repr}. Equal by name. */
    record Enum(String name, List<String> variants, List<Long> values, Int repr) implements Type {
        public Enum { variants = List.copyOf(variants); values = List.copyOf(values); }
        public int size() { return repr.size(); }
        public int align() { return repr.align(); }
        public int indexOf(String variant) { return variants.indexOf(variant); }
        @Override public boolean equals(Object o) { return o instanceof Enum e && e.name.equals(name); }
        @Override public int hashCode() { return name.hashCode(); }
        @Override public String toString() { return name; }
    }

    /**
     * A struct, laid out as C does (declaration order, natural alignment). Equal by identity;
     * its fields are filled in once every type name is known (structs may refer to each other).
     */
    final class Struct implements Type {
        public record Field(String name, Type type, int offset) {}
        private final String name;
        private List<Field> fields = List.of();
        private int size, align = 1;

        public Struct(String name) { this.name = name; }
        public String name() { return name; }
        public List<Field> fields() { return fields; }
        public int size() { return size; }
        public int align() { return align; }

        public int fieldIndex(String field) {
            for (int i = 0; i < fields.size(); i++) if (fields.get(i).name().equals(field)) return i;
            return -1;
        }

        /** Sets the fields (types in order) and computes offsets, size and alignment. */
        public void define(List<String> names, List<Type> types) {
            List<Field> fs = new java.util.ArrayList<>();
            int offset = 0, a = 1;
            for (int i = 0; i < names.size(); i++) {
                Type t = types.get(i);
                offset = (offset + t.align() - 1) / t.align() * t.align();
                fs.add(new Field(names.get(i), t, offset));
                offset += t.size();
                a = Math.max(a, t.align());
            }
            fields = List.copyOf(fs);
            align = a;
            size = (offset + a - 1) / a * a;
        }

        @Override public String toString() { return name; }
    }

    /** Types whose values live in memory as bytes (copied with memcpy, never in a register). */
    static boolean isAggregate(Type t) {
        return t instanceof Array || t instanceof Struct || t instanceof Slice || t instanceof Channel;
    }

    /** Whether a value of {@code t} holds a channel or signal anywhere (they start empty: zeroed). */
    static boolean containsChannel(Type t) {
        if (t instanceof Channel) return true;
        if (t instanceof Array a) return a.length() > 0 && containsChannel(a.element());
        if (t instanceof Struct s) return s.fields().stream().anyMatch(f -> containsChannel(f.type()));
        return false;
    }

    /**
     * Whether a static or local of type {@code t} declared without a value starts zeroed: it
     * holds channels or signals (which start empty) and every other part is an integer or bool.
     */
    static boolean startsZeroed(Type t) {
        return containsChannel(t) && zeroIsValue(t);
    }

    /** Whether all zero bytes are a value of {@code t}: integers, bools, `()`, channels, and aggregates of them. */
    static boolean zeroIsValue(Type t) {
        if (t instanceof Int || t instanceof Bool || t instanceof Unit || t instanceof Channel) return true;
        if (t instanceof Array a) return zeroIsValue(a.element());
        if (t instanceof Struct s) return s.fields().stream().allMatch(f -> zeroIsValue(f.type()));
        return false;
    }

    /** The integer representation of an integer-like type (Int, Enum), or null. */
    static Int intRepr(Type t) {
        if (t instanceof Int i) return i;
        if (t instanceof Enum e) return e.repr();
        return null;
    }

    static Int intNamed(String name) {
        return switch (name) {
            case "u8" -> U8; case "u16" -> U16; case "u32", "usize" -> U32; case "u64" -> U64;
            case "i8" -> I8; case "i16" -> I16; case "i32" -> I32; case "i64" -> I64;
            default -> null;
        };
    }
}

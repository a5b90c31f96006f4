package mote.types;

import java.util.List;

/** Resolved types. {@link Var} stands for a not-yet-decided integer type during inference. */
public sealed interface Type {
    Bool BOOL = new Bool();
    Unit UNIT = new Unit();
    Never NEVER = new Never();
    Int U8 = new Int(false, 8), U16 = new Int(false, 16), U32 = new Int(false, 32), U64 = new Int(false, 64);
    Int I8 = new Int(true, 8), I16 = new Int(true, 16), I32 = new Int(true, 32), I64 = new Int(true, 64);
    Float32 F32 = new Float32();

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

    /** `f32` (0.2): IEEE 754 single precision; constants carry their bits ({@link Float#floatToRawIntBits}). */
    record Float32() implements Type {
        public int size() { return 4; }
        public int align() { return 4; }
        @Override public String toString() { return "f32"; }
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
     * `struct mote_channel` header, then the item buffer at {@link #HEADER}. A Signal has no
     * senders (a raise never waits), so its value takes their word: an 8-byte header
     * ({@link #SIGNAL_HEADER}). All zero bytes is an empty channel: element size and capacity
     * are passed with every runtime call ({@link #shape()}), and items are copied bytewise, so
     * the buffer needs no alignment.
     */
    record Channel(Type element, long capacity, boolean signal) implements Type {
        public static final int HEADER = 12, SIGNAL_HEADER = 8;
        /** Where the items start. */
        public int header() { return signal ? SIGNAL_HEADER : HEADER; }
        public int size() {
            int end = header() + (int) (element.size() * capacity);
            return (end + align() - 1) / align() * align();
        }
        public int align() { return 4; }
        /** What runtime-c is told of this channel at every call: element size | capacity << 16; of a Signal, its value's size. */
        public long shape() { return element.size() | (signal ? 0 : capacity << 16); }
        /** `Event<T>` (0.2) is a channel header with no buffer (capacity 0): its waiters, each holding the value it was woken with. */
        public boolean isEvent() { return capacity == 0; }
        @Override public String toString() {
            return isEvent() ? "Event<" + element + ">" : signal ? "Signal<" + element + ">" : "Channel<" + element + ", " + capacity + ">";
        }
    }

    /**
     * `Mutex<T>` (0.2): runtime-c's 8-byte `struct mote_mutex` header (the tail of its FIFO of
     * waiters, and whether it is held), then the value at {@link #VALUE}. A header of zero
     * bytes is a free mutex with nobody waiting.
     */
    record Mutex(Type element) implements Type {
        public static final int VALUE = 8;
        public int size() {
            int end = VALUE + element.size();
            return (end + align() - 1) / align() * align();
        }
        public int align() { return Math.max(4, element.align()); }
        @Override public String toString() { return "Mutex<" + element + ">"; }
    }

    /** `&[T]`: a pointer (offset 0) and a u32 length (offset 4). */
    /** `(u8, u32)`: laid out as a struct with fields `0`, `1`, ... (the empty tuple is {@link Unit}). */
    record Tuple(List<Type> elements) implements Type {
        public Tuple { elements = List.copyOf(elements); }
        public int offset(int index) {
            int offset = 0;
            for (int i = 0; i <= index; i++) {
                Type t = elements.get(i);
                offset = (offset + t.align() - 1) / t.align() * t.align();
                if (i < index) offset += t.size();
            }
            return offset;
        }
        public int size() {
            int end = elements.isEmpty() ? 0 : offset(elements.size() - 1) + elements.get(elements.size() - 1).size();
            return (end + align() - 1) / align() * align();
        }
        public int align() { return elements.stream().mapToInt(Type::align).max().orElse(1); }
        @Override public String toString() {
            return "(" + String.join(", ", elements.stream().map(Object::toString).toList()) + (elements.size() == 1 ? ",)" : ")");
        }
    }

    /** `&[T]`, or `&mut [T]` when {@code mutable} (0.2): a pointer and a u32 length. */
    record Slice(Type element, boolean mutable) implements Type {
        public Slice(Type element) { this(element, false); }
        public int size() { return 8; }
        public int align() { return 4; }
        @Override public String toString() { return (mutable ? "&mut [" : "&[") + element + "]"; }
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

    /**
     * An enum whose variants carry data (0.2), and the built-in {@code Option<T>} and
     * {@code Result<T, E>}. Laid out as Rust does in the two common cases: with a niche, when
     * one variant has data, the others none, and a field of that variant has values no value
     * of its type uses (a bool's 2..=255, a reference's 0, a C-like enum's unused numbers): the
     * other variants are those values and no tag is stored (`Option<&T>` is a pointer,
     * `Option<bool>` one byte); otherwise a tag (the variant's index) at offset 0 and each
     * variant's fields after it, laid out as a struct's. The layout is computed on first use,
     * when the type arguments are known.
     */
    final class Sum implements Type {
        /** {@code fieldNames} null for a tuple-like or unit variant. */
        public record Variant(String name, List<String> fieldNames, List<Type> fields) {
            public Variant {
                fields = List.copyOf(fields);
                fieldNames = fieldNames == null ? null : List.copyOf(fieldNames);
            }
            public boolean isStructLike() { return fieldNames != null; }
            public int fieldIndex(String field) { return fieldNames == null ? -1 : fieldNames.indexOf(field); }
        }

        private final String name;
        private final List<Type> args;    // Option's and Result's type arguments; empty for a declared enum
        private List<Variant> variants = List.of();
        private int size = -1, align, tagOffset, nicheOffset;
        private long nicheStart;
        private int[][] offsets;
        private Int tag;                  // null when niche-encoded
        private int dataful = -1;         // the variant stored in place when niche-encoded
        private Type nicheType;

        public Sum(String name, List<Type> args) { this.name = name; this.args = List.copyOf(args); }

        public static Sum option(Type t) {
            Sum s = new Sum("Option", List.of(t));
            s.define(List.of(new Variant("None", null, List.of()), new Variant("Some", null, List.of(t))));
            return s;
        }

        public static Sum result(Type ok, Type err) {
            Sum s = new Sum("Result", List.of(ok, err));
            s.define(List.of(new Variant("Ok", null, List.of(ok)), new Variant("Err", null, List.of(err))));
            return s;
        }

        public boolean isBuiltin() { return args.size() > 0 && (name.equals("Option") || name.equals("Result")); }
        public boolean isOption() { return isBuiltin() && name.equals("Option"); }
        public boolean isResult() { return isBuiltin() && name.equals("Result"); }
        public String name() { return name; }
        public List<Type> args() { return args; }
        public List<Variant> variants() { return variants; }
        public void define(List<Variant> vs) { variants = List.copyOf(vs); }
        public int indexOf(String variant) {
            for (int i = 0; i < variants.size(); i++) if (variants.get(i).name().equals(variant)) return i;
            return -1;
        }

        public int size() { layout(); return size; }
        public int align() { layout(); return align; }
        /** Where field {@code field} of variant {@code variant} starts. */
        public int fieldOffset(int variant, int field) { layout(); return offsets[variant][field]; }
        /** The tag's type, or null when the variants are told apart by a niche. */
        public Int tag() { layout(); return tag; }
        public int tagOffset() { layout(); return tagOffset; }
        public int dataful() { layout(); return dataful; }
        public Type nicheType() { layout(); return nicheType; }
        public int nicheOffset() { layout(); return nicheOffset; }
        /** The niche value of the k-th variant other than the dataful one. */
        public long nicheValue(int variant) { layout(); return nicheStart + (variant < dataful ? variant : variant - 1); }

        private void layout() {
            if (size >= 0) return;
            offsets = new int[variants.size()][];
            if (!niche()) tagged();
        }

        private void tagged() {
            tag = variants.size() <= 256 ? U8 : U16;
            tagOffset = 0;
            int a = tag.align(), end = tag.size();
            for (int v = 0; v < variants.size(); v++) {
                List<Type> fs = variants.get(v).fields();
                offsets[v] = new int[fs.size()];
                int offset = tag.size();
                for (int i = 0; i < fs.size(); i++) {
                    Type t = fs.get(i);
                    offset = (offset + t.align() - 1) / t.align() * t.align();
                    offsets[v][i] = offset;
                    offset += t.size();
                    a = Math.max(a, t.align());
                }
                end = Math.max(end, offset);
            }
            align = a;
            size = (end + a - 1) / a * a;
        }

        /** One variant with data and a field with enough spare values for all the others. */
        private boolean niche() {
            int withData = -1;
            for (int v = 0; v < variants.size(); v++) {
                if (variants.get(v).fields().stream().anyMatch(t -> t.size() > 0)) {
                    if (withData >= 0) return false;
                    withData = v;
                }
            }
            if (withData < 0 || variants.size() < 2) return false;
            List<Type> fs = variants.get(withData).fields();
            int others = variants.size() - 1;
            int offset = 0, a = 1, found = -1;
            int[] fieldOffsets = new int[fs.size()];
            for (int i = 0; i < fs.size(); i++) {
                Type t = fs.get(i);
                offset = (offset + t.align() - 1) / t.align() * t.align();
                fieldOffsets[i] = offset;
                if (found < 0 && spareValues(t) >= others) found = i;
                offset += t.size();
                a = Math.max(a, t.align());
            }
            if (found < 0) return false;
            for (int v = 0; v < variants.size(); v++) offsets[v] = new int[variants.get(v).fields().size()];
            offsets[withData] = fieldOffsets;
            dataful = withData;
            nicheType = fs.get(found);
            nicheOffset = fieldOffsets[found];
            nicheStart = nicheType instanceof Ref ? 0 : nicheType instanceof Bool ? 2 : ((Enum) nicheType).values().size();
            align = a;
            size = (offset + a - 1) / a * a;
            return true;
        }

        /** Byte values a value of {@code t} never has: a bool's 2..=255, a reference's null, a small C-like enum's unused numbers. */
        private static int spareValues(Type t) {
            if (t instanceof Bool) return 254;
            if (t instanceof Ref) return 1;
            if (t instanceof Enum e && e.repr().bits() == 8 && !e.repr().signed()) {
                for (int i = 0; i < e.values().size(); i++) if (e.values().get(i) != i) return 0;   // numbered 0..n-1 only
                return 256 - e.values().size();
            }
            return 0;
        }

        @Override public boolean equals(Object o) {
            return this == o || (o instanceof Sum s && isBuiltin() && s.isBuiltin() && name.equals(s.name) && args.equals(s.args));
        }
        @Override public int hashCode() { return name.hashCode() * 31 + args.hashCode(); }
        @Override public String toString() {
            return args.isEmpty() ? name : name + "<" + String.join(", ", args.stream().map(Object::toString).toList()) + ">";
        }
    }

    /** Types whose values live in memory as bytes (copied with memcpy, never in a register). */
    static boolean isAggregate(Type t) {
        return t instanceof Array || t instanceof Struct || t instanceof Slice || t instanceof Channel || t instanceof Tuple
                || t instanceof Sum || t instanceof Mutex;
    }

    /**
     * The types stored directly inside a value of {@code t}: a struct's fields, an array's
     * element, a tuple's elements, a mutex's value, a channel's items, every variant's fields of
     * a data enum. None for scalars, and for references and slices, whose values point elsewhere.
     */
    static java.util.List<Type> inside(Type t) {
        if (t instanceof Struct s) return s.fields().stream().map(Struct.Field::type).toList();
        if (t instanceof Array a) return java.util.List.of(a.element());
        if (t instanceof Tuple tu) return tu.elements();
        if (t instanceof Mutex m) return java.util.List.of(m.element());
        if (t instanceof Channel c) return java.util.List.of(c.element());
        if (t instanceof Sum s) return s.variants().stream().flatMap(v -> v.fields().stream()).toList();
        return java.util.List.of();
    }

    /** Where the {@code index}-th field (or element) of an aggregate starts, in bytes. */
    static int fieldOffset(Type aggregate, int index) {
        if (aggregate instanceof Struct st) return st.fields().get(index).offset();
        if (aggregate instanceof Tuple tu) return tu.offset(index);
        if (aggregate instanceof Array arr) return index * arr.element().size();
        if (aggregate instanceof Mutex) return Mutex.VALUE;   // its one field: the value behind the header
        return index * 4;   // a slice: pointer, then length
    }

    /** Whether a value of {@code t} holds a channel, signal, event or mutex anywhere (they start empty: zeroed). */
    static boolean containsChannel(Type t) {
        if (t instanceof Channel || t instanceof Mutex) return true;
        if (t instanceof Array a) return a.length() > 0 && containsChannel(a.element());
        if (t instanceof Struct s) return s.fields().stream().anyMatch(f -> containsChannel(f.type()));
        if (t instanceof Tuple tu) return tu.elements().stream().anyMatch(Type::containsChannel);
        return false;
    }

    /**
     * Whether a static or local of type {@code t} declared without a value starts zeroed: it
     * holds channels or signals (which start empty) and every other part is an integer or bool.
     */
    static boolean startsZeroed(Type t) {
        return containsChannel(t) && zeroIsValue(t);
    }

    /**
     * What a static's initializer is written as: `Mutex<T>` (also as array elements) is
     * written as its value T; the header before it starts zeroed (ConstEval places the value).
     */
    static Type valueOfMutexes(Type t) {
        if (t instanceof Mutex m) return m.element();
        if (t instanceof Array a && containsMutex(a.element())) return new Array(valueOfMutexes(a.element()), a.length());
        return t;
    }

    private static boolean containsMutex(Type t) {
        return t instanceof Mutex || t instanceof Array a && containsMutex(a.element());
    }

    /** Whether a value of {@code t} holds a Mutex anywhere: such values stay where they are (never copied). */
    static boolean holdsMutex(Type t) {
        if (t instanceof Mutex) return true;
        if (t instanceof Array a) return a.length() > 0 && holdsMutex(a.element());
        if (t instanceof Struct s) return s.fields().stream().anyMatch(f -> holdsMutex(f.type()));
        if (t instanceof Tuple tu) return tu.elements().stream().anyMatch(Type::holdsMutex);
        return false;
    }

    /** Whether all zero bytes are a value of {@code t}: integers, bools, `()`, channels, and aggregates of them. */
    static boolean zeroIsValue(Type t) {
        if (t instanceof Int || t instanceof Float32 || t instanceof Bool || t instanceof Unit || t instanceof Channel) return true;
        if (t instanceof Mutex m) return zeroIsValue(m.element());   // a free mutex, its value zero
        if (t instanceof Array a) return zeroIsValue(a.element());
        if (t instanceof Struct s) return s.fields().stream().allMatch(f -> zeroIsValue(f.type()));
        if (t instanceof Tuple tu) return tu.elements().stream().allMatch(Type::zeroIsValue);
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

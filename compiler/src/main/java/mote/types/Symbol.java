package mote.types;

import java.util.List;
import mote.ast.Item;
import mote.diag.Span;

/** What a name refers to, after resolution. */
public sealed interface Symbol {
    String name();

    /** A `let` binding, parameter or `for` variable. Identity matters: two locals may share a name. */
    final class LocalVar implements Symbol {
        private final String name;
        private final boolean mutable;
        private final Span span;
        Type type;

        public LocalVar(String name, Type type, boolean mutable, Span span) {
            this.name = name; this.type = type; this.mutable = mutable; this.span = span;
        }
        public String name() { return name; }
        public Type type() { return type; }
        public boolean mutable() { return mutable; }
        public Span span() { return span; }
        @Override public String toString() { return name; }
    }

    /** A function of any kind. {@code qualifiedName} is unique across modules (`uart.write`). */
    /** {@code interrupt}: the board IRQ name when this is the handler of `interrupt NAME()`, else null. */
    record Fn(String name, String qualifiedName, Item.Fn decl, List<Type> params, Type result, String interrupt) implements Symbol {
        public boolean isAsync() { return decl.isAsync(); }
    }

    /** A compile-time constant; {@code value} holds its bits. */
    record Const(String name, Item.Const decl, Type type, long value) implements Symbol {}

    /**
     * A global variable. {@code initialValue} holds its bits (0 when not initialised); an
     * aggregate (array, struct) static has its initial bytes in {@code image} instead.
     */
    /**
     * {@code image}: the initial bytes of an aggregate static; {@code strings}: at each of
     * these offsets of it, a slice's pointer to the string literal's bytes (the length is in
     * the image).
     */
    record Static(String name, String qualifiedName, Item.Static decl, Type type, boolean mutable, long initialValue, byte[] image,
                  java.util.SortedMap<Integer, byte[]> strings) implements Symbol {
        public Static(String name, String qualifiedName, Item.Static decl, Type type, boolean mutable, long initialValue) {
            this(name, qualifiedName, decl, type, mutable, initialValue, null, new java.util.TreeMap<>());
        }
    }

    /** A memory-mapped register: every read and write is a volatile access at {@code address}. */
    record Register(String name, Item.Register decl, Type type, long address) implements Symbol {}

    /** An enum variant, `Cmd.Reset`: a constant of its enum type. */
    record Variant(String name, Type.Enum type, int index) implements Symbol {
        public long value() { return type.values().get(index); }
    }

    /** A function provided by the language itself (`println`, `exit`, `yield_now`, ...). */
    record Builtin(String name, boolean async) implements Symbol {}

    /** A variant of a data enum, `Option` or `Result` (0.2), where it is built or matched. */
    record SumVariant(String name, Type.Sum type, int index) implements Symbol {
        public Type.Sum.Variant variant() { return type.variants().get(index); }
    }
}

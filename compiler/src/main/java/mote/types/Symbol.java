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
    record Fn(String name, String qualifiedName, Item.Fn decl, List<Type> params, Type result) implements Symbol {
        public boolean isAsync() { return decl.isAsync(); }
    }

    /** A compile-time constant; {@code value} holds its bits. */
    record Const(String name, Item.Const decl, Type type, long value) implements Symbol {}

    /** A global variable. {@code initialValue} holds its bits (0 when not initialised). */
    record Static(String name, String qualifiedName, Item.Static decl, Type type, boolean mutable, long initialValue) implements Symbol {}

    /** A function provided by the language itself (`println`, `exit`, `yield_now`, ...). */
    record Builtin(String name, boolean async) implements Symbol {}
}

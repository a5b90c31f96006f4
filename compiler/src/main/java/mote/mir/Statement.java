package mote.mir;

import java.util.List;
import java.util.stream.Collectors;

public sealed interface Statement {
    record Assign(Local dest, Rvalue value) implements Statement {
        @Override public String toString() { return dest + " = " + value; }
    }

    record WriteStatic(String name, Operand value) implements Statement {
        @Override public String toString() { return "static " + name + " = " + value; }
    }

    record Print(List<PrintItem> items) implements Statement {
        public Print { items = List.copyOf(items); }
        @Override public String toString() {
            return "print(" + items.stream().map(Object::toString).collect(Collectors.joining(", ")) + ")";
        }
    }
}

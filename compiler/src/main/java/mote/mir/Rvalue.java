package mote.mir;

import java.util.List;
import java.util.stream.Collectors;
import mote.types.Type;

/** The right-hand side of an assignment: computes a value without control flow. */
public sealed interface Rvalue {
    record Use(Operand operand) implements Rvalue {
        @Override public String toString() { return operand.toString(); }
    }

    /**
     * Arithmetic, bitwise and comparison operators (never `&&`/`||`, which are control flow).
     * Arithmetic wraps; division by zero and overflow checks are explicit Assert terminators.
     */
    record Binary(BinOp op, Operand left, Operand right) implements Rvalue {
        @Override public String toString() { return op.name() + "(" + left + ", " + right + ")"; }
    }

    record Unary(UnOp op, Operand operand) implements Rvalue {
        @Override public String toString() { return op.name() + "(" + operand + ")"; }
    }

    record Cast(Operand operand, Type target) implements Rvalue {
        @Override public String toString() { return operand + " as " + target; }
    }

    record ReadStatic(String name, Type type) implements Rvalue {
        @Override public String toString() { return "static " + name; }
    }

    /** The value stored at a place (a copy, for aggregates). */
    record Load(Place place) implements Rvalue {
        @Override public String toString() { return "copy " + place; }
    }

    /** `&place` / `&mut place`. */
    record AddressOf(boolean mutable, Place place) implements Rvalue {
        @Override public String toString() { return (mutable ? "&mut " : "&") + place; }
    }

    /** A reference to a static (where a place rooted at the static starts). */
    record StaticAddr(String name, Type type) implements Rvalue {
        @Override public String toString() { return "&static " + name; }
    }

    /**
     * A struct (fields in declaration order), an array (its elements) or a slice (pointer and
     * length) built from operands.
     */
    record Aggregate(Type type, List<Operand> operands) implements Rvalue {
        public Aggregate { operands = List.copyOf(operands); }
        @Override public String toString() {
            return type + " { " + operands.stream().map(Object::toString).collect(Collectors.joining(", ")) + " }";
        }
    }

    /** `[value; count]` */
    /** A value of a data enum, Option or Result: variant {@code variant} with its fields. */
    record Variant(mote.types.Type.Sum type, int variant, List<Operand> operands) implements Rvalue {
        public Variant { operands = List.copyOf(operands); }
        @Override public String toString() {
            return type + "::" + type.variants().get(variant).name()
                    + (operands.isEmpty() ? "" : "(" + operands.stream().map(Object::toString).collect(Collectors.joining(", ")) + ")");
        }
    }

    /** Which variant the data enum at {@code place} holds, as its index (a u32). */
    record Discriminant(Place place) implements Rvalue {
        @Override public String toString() { return "discriminant(" + place + ")"; }
    }

    record Repeat(Operand value, long count) implements Rvalue {
        @Override public String toString() { return "[" + value + "; " + count + "]"; }
    }

    /** A string literal: a `&[u8]` to bytes in flash. */
    record Str(byte[] bytes) implements Rvalue {
        @Override public String toString() { return "const " + PrintItem.quote(bytes); }
    }

    /** A volatile read of a memory-mapped register. */
    record ReadRegister(String name, long address, Type type) implements Rvalue {
        @Override public String toString() { return "volatile " + name + "@0x" + Long.toHexString(address); }
    }

    /** Whether `left op right` overflows its type (ADD, SUB, MUL): the debug-build check. */
    record Overflows(BinOp op, Operand left, Operand right) implements Rvalue {
        @Override public String toString() { return "Overflows" + op.name() + "(" + left + ", " + right + ")"; }
    }

    /** Masks interrupts; the value is the previous mask, to give back to CriticalExit. */
    record CriticalEnter() implements Rvalue {
        @Override public String toString() { return "critical_enter()"; }
    }

    /** A call of a sync function; runs to completion, so it is not a terminator. */
    record Call(String function, List<Operand> args) implements Rvalue {
        public Call { args = List.copyOf(args); }
        @Override public String toString() {
            return function + "(" + args.stream().map(Object::toString).collect(Collectors.joining(", ")) + ")";
        }
    }

    /**
     * `spawn task(args)` / `try_spawn task(args)`: claims a free instance of the task's pool
     * and starts it with {@code args}; the value is whether an instance was free.
     * {@code certain}: the whole program shows an instance is always free (CertainSpawns).
     */
    record Spawn(String task, List<Operand> args, boolean certain) implements Rvalue {
        public Spawn { args = List.copyOf(args); }
        public Spawn(String task, List<Operand> args) { this(task, args, false); }
        @Override public String toString() {
            return "spawn " + task + "(" + args.stream().map(Object::toString).collect(java.util.stream.Collectors.joining(", ")) + ")"
                    + (certain ? " [certain]" : "");
        }
    }

    /** `ticks()`: microseconds since the clock started (runtime-c's mote_ticks_us). */
    record Ticks() implements Rvalue {
        @Override public String toString() { return "ticks()"; }
    }

    /**
     * A non-waiting channel operation: `try_send` (args: channel pointer, item; bool),
     * `try_recv` (channel pointer, pointer to the destination; bool), `raise` (signal
     * pointer, value; unit). Interrupt-safe in runtime-c.
     */
    record ChannelOp(String op, mote.types.Type.Channel channel, List<Operand> args) implements Rvalue {
        public ChannelOp { args = List.copyOf(args); }
        @Override public String toString() {
            return op + "<" + channel + ">(" + args.stream().map(Object::toString).collect(java.util.stream.Collectors.joining(", ")) + ")";
        }
    }
}

package mote.mir;

import java.util.List;
import java.util.stream.Collectors;
import mote.ast.Expr;
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
    record Binary(Expr.BinaryOp op, Operand left, Operand right) implements Rvalue {
        @Override public String toString() { return op.name() + "(" + left + ", " + right + ")"; }
    }

    record Unary(Expr.UnaryOp op, Operand operand) implements Rvalue {
        @Override public String toString() { return op.name() + "(" + operand + ")"; }
    }

    record Cast(Operand operand, Type target) implements Rvalue {
        @Override public String toString() { return operand + " as " + target; }
    }

    record ReadStatic(String name, Type type) implements Rvalue {
        @Override public String toString() { return "static " + name; }
    }

    /** A call of a sync function; runs to completion, so it is not a terminator. */
    record Call(String function, List<Operand> args) implements Rvalue {
        public Call { args = List.copyOf(args); }
        @Override public String toString() {
            return function + "(" + args.stream().map(Object::toString).collect(Collectors.joining(", ")) + ")";
        }
    }
}

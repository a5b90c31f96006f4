package mote.mir;

/**
 * MIR's binary operators: arithmetic, bitwise and comparisons. `&&` and `||` are not among
 * them: MIR lowers them to control flow. Arithmetic wraps; the checks are explicit MIR.
 * Printed by name (`ADD(_1, _2)`).
 */
public enum BinOp {
    MUL, DIV, REM, ADD, SUB, SHL, SHR, BIT_AND, BIT_XOR, BIT_OR, EQ, NE, LT, LE, GT, GE;

    public boolean isComparison() { return this == EQ || this == NE || this == LT || this == LE || this == GT || this == GE; }
    public boolean isShift() { return this == SHL || this == SHR; }
}

package mote.mir;

/** MIR's unary operators; a dereference is a place projection, not an operator. Printed by name. */
public enum UnOp {
    NEG, NOT, BIT_NOT,
    /** Bit counts, in the operand's own type (LLVM's ctpop, ctlz, cttz; defined for zero). */
    COUNT_ONES, LEADING_ZEROS, TRAILING_ZEROS
}

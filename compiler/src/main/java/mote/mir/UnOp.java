package mote.mir;

/** MIR's unary operators; a dereference is a place projection, not an operator. Printed by name. */
public enum UnOp {
    NEG, NOT, BIT_NOT,
    /** Bit counts, in the operand's own type (LLVM's ctpop, ctlz, cttz; defined for zero). */
    COUNT_ONES, LEADING_ZEROS, TRAILING_ZEROS,
    /** An f32's absolute value: its sign bit cleared (LLVM's fabs; no arithmetic, so no soft-float helper). */
    FLOAT_ABS
}

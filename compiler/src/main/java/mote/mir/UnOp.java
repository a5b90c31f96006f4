package mote.mir;

/** MIR's unary operators; a dereference is a place projection, not an operator. Printed by name. */
public enum UnOp { NEG, NOT, BIT_NOT }

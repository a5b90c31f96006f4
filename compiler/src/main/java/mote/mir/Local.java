package mote.mir;

/** A local slot of one MIR function: parameter, user variable or temporary. */
public record Local(int index) {
    @Override public String toString() { return "_" + index; }
}

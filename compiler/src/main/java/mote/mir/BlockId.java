package mote.mir;

public record BlockId(int index) {
    @Override public String toString() { return "bb" + index; }
}

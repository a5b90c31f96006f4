package mote.mir;

/** What an Await terminator waits on: a user async fn, or a built-in future. */
public sealed interface Callee {
    record Function(String name) implements Callee {
        @Override public String toString() { return name; }
    }

    /** Built-in futures, whose state and poll come with the compiler (`yield_now`). */
    enum Builtin implements Callee {
        YIELD_NOW("yield_now", 1);

        public final String sourceName;
        /** Bytes of state the future keeps while it is pending (rustc's YieldNow holds a bool). */
        public final int stateSize;

        Builtin(String sourceName, int stateSize) {
            this.sourceName = sourceName;
            this.stateSize = stateSize;
        }

        @Override public String toString() { return sourceName; }
    }
}

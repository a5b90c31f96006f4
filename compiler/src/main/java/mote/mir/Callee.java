package mote.mir;

/** What an Await terminator waits on: a user async fn, or a built-in future. */
public sealed interface Callee {
    record Function(String name) implements Callee {
        @Override public String toString() { return name; }
    }

    /**
     * Built-in futures, whose state and poll come with the compiler and runtime-c. Sleeps keep
     * runtime-c's `struct mote_timer` (16 bytes, align 4) and nothing else, or where runtime-c
     * keeps the deadline itself (TASK_SLEEP_*) a state byte: the duration is only read by the
     * first poll, which the await makes where it has the value (an idle node takes its deadline
     * from it; a linked or fired one ignores it).
     */
    enum Builtin implements Callee {
        YIELD_NOW("yield_now", 1, 1),
        SLEEP_MS("sleep_ms", 16, 4),
        SLEEP_US("sleep_us", 16, 4),
        /** `sleep_until(t)` (0.2): the same timer node, with an absolute deadline in ticks() microseconds. */
        SLEEP_UNTIL("sleep_until", 16, 4),
        /**
         * A sleep in a program whose timers are kept per task (mote.opt.TaskTimers): runtime-c
         * keeps the deadline in the task's slot, so the future holds only its state byte.
         */
        TASK_SLEEP_MS("sleep_ms", 1, 1),
        TASK_SLEEP_US("sleep_us", 1, 1);

        /** The sleeps, which share a poll and a cancel: the timer-queue ones and the per-task ones. */
        public boolean isSleep() { return this != YIELD_NOW; }

        /** A sleep whose deadline runtime-c keeps in the task's slot, not in a node of the future. */
        public boolean perTask() { return this == TASK_SLEEP_MS || this == TASK_SLEEP_US; }

        /** A sleep whose argument is in milliseconds. */
        public boolean millis() { return this == SLEEP_MS || this == TASK_SLEEP_MS; }

        /** The same sleep with its deadline kept per task (itself for sleep_until, which has none). */
        public Builtin inTaskSlot() {
            return this == SLEEP_MS ? TASK_SLEEP_MS : this == SLEEP_US ? TASK_SLEEP_US : this;
        }

        public final String sourceName;
        /** Bytes of state the future keeps while it is pending (rustc's YieldNow holds a bool). */
        public final int stateSize;
        public final int stateAlign;

        Builtin(String sourceName, int stateSize, int stateAlign) {
            this.sourceName = sourceName;
            this.stateSize = stateSize;
            this.stateAlign = stateAlign;
        }

        @Override public String toString() { return sourceName; }
    }

    /**
     * Waiting on a channel or signal: `ch.send(v)` (args: channel pointer, item) or
     * `ch.recv()` / `sig.wait()` (arg: channel pointer). The awaitee state is runtime-c's
     * waiter node (8 bytes), the channel pointer, and for a send the item being sent.
     * {@code next}: `ch.next()` (0.2), a receive that gives `None` once the channel is closed
     * and drained. {@code direct}: the program's channels keep their one waiting task per side
     * instead of lists (mote.opt.DirectChannels), so the state has no waiter node: the
     * channel pointer comes first. {@code fixed}: the static this await always waits on
     * (mote.opt.FixedChannels), null when it is only known at run time; a fixed wait's state
     * has no channel pointer, as the code names the static itself.
     */
    record Channel(boolean send, mote.types.Type.Channel channel, boolean next, boolean direct, String fixed) implements Callee {
        public Channel(boolean send, mote.types.Type.Channel channel) { this(send, channel, false, false, null); }
        public Channel(boolean send, mote.types.Type.Channel channel, boolean next) { this(send, channel, next, false, null); }
        /** The waiter node's size: the state's first bytes, unless direct. */
        public static final int WAITER = 8;

        public Channel withDirect() { return new Channel(send, channel, next, true, fixed); }
        public Channel withFixed(String staticName) { return new Channel(send, channel, next, direct, staticName); }

        /** Whether the state keeps the channel's address (the channel is not one known static). */
        public boolean keepsPointer() { return fixed == null; }

        /** Where the channel pointer is in the state (if it keeps one): after the waiter node, if there is one. */
        public int channelOffset() { return direct ? 0 : WAITER; }

        /** Where the node and the channel pointer (those the state has) end. */
        private int pointerEnd() { return channelOffset() + (keepsPointer() ? 4 : 0); }

        public int itemOffset() {
            int a = channel.element().align();
            return (pointerEnd() + a - 1) / a * a;
        }

        public int stateSize() {
            // A send keeps its item until sent; an Event's waiter receives the emitted value into its node.
            int end = send || channel.isEvent() ? itemOffset() + channel.element().size() : pointerEnd();
            return (end + stateAlign() - 1) / stateAlign() * stateAlign();
        }

        /**
         * A direct wait on a fixed static keeps only a send's item, aligned as the item (a
         * receive keeps nothing). Otherwise the waiter node or the channel pointer (aligned to
         * 4) comes first.
         */
        public int stateAlign() {
            int item = Math.max(1, channel.element().align());
            if (direct && !keepsPointer() && !channel.isEvent()) return send ? item : 1;
            return Math.max(4, item);
        }

        @Override public String toString() {
            return (send ? "send" : next ? "next" : channel.signal() || channel.isEvent() ? "wait" : "recv") + "<" + channel + ">";
        }
    }

    /**
     * `lock M as s { .. }` (0.2): taking Mutex M (arg: its address). The awaitee state is
     * runtime-c's waiter node (8 bytes), then the mutex pointer.
     */
    record Lock(mote.types.Type.Mutex mutex) implements Callee {
        public static final int MUTEX_PTR = 8, STATE_SIZE = 12, STATE_ALIGN = 4;
        @Override public String toString() { return "lock<" + mutex + ">"; }
    }
}

package mote.mir;

import java.util.List;
import java.util.stream.Collectors;

public sealed interface Statement {
    record Assign(Local dest, Rvalue value) implements Statement {
        @Override public String toString() { return dest + " = " + value; }
    }

    record WriteStatic(String name, Operand value) implements Statement {
        @Override public String toString() { return "static " + name + " = " + value; }
    }

    /** Writes a value into a projected place (a field, an element, `*ref`). */
    record Store(Place place, Operand value) implements Statement {
        @Override public String toString() { return place + " = " + value; }
    }

    /** A volatile write of a memory-mapped register. */
    record WriteRegister(String name, long address, Operand value) implements Statement {
        @Override public String toString() { return "volatile " + name + "@0x" + Long.toHexString(address) + " = " + value; }
    }

    /** Restores the interrupt mask saved by CriticalEnter. */
    record CriticalExit(Operand saved) implements Statement {
        @Override public String toString() { return "critical_exit(" + saved + ")"; }
    }

    /**
     * Releases the Mutex that {@code mutex} points at (the end of a `lock` block, however it
     * is left): hands it to its first waiter, else frees it.
     */
    record Unlock(Operand mutex) implements Statement {
        @Override public String toString() { return "unlock(" + mutex + ")"; }
    }

    /**
     * The code that follows comes from {@code span} (a line table entry; in every build made
     * for a device, see {@code MirBuilder.build}). Computes nothing; passes carry it along.
     * {@code inlinedAt}: when `inline` copied the code from another fn, the calls it came
     * through, innermost first (DWARF inlined frames).
     */
    record Line(mote.diag.Span span, List<Inlined> inlinedAt) implements Statement {
        public Line { inlinedAt = List.copyOf(inlinedAt); }
        public Line(mote.diag.Span span) { this(span, List.of()); }
        @Override public String toString() { return "// line " + span.line() + ":" + span.column(); }

        /**
         * Equal by the line alone: passes that compare code (merge-states) must find two copies
         * of a fn inlined at different awaits as equal as before, or debug info would change the
         * code (a merged copy keeps the first one's frames).
         */
        @Override public boolean equals(Object o) { return o instanceof Line l && l.span.equals(span); }
        @Override public int hashCode() { return span.hashCode(); }

        /** This line's code, copied one more time: through {@code call}. */
        public Line inlinedInto(Inlined call) {
            List<Inlined> chain = new java.util.ArrayList<>(inlinedAt);
            chain.add(call);
            return new Line(span, chain);
        }
    }

    /**
     * One inlined call: the code of {@code function} (declared at {@code declared}, its
     * parameters named {@code params}) awaited at {@code callSite}.
     */
    record Inlined(String function, mote.diag.Span declared, List<String> params, mote.diag.Span callSite) {
        public Inlined { params = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(params)); }
    }

    record Print(List<PrintItem> items) implements Statement {
        public Print { items = List.copyOf(items); }
        @Override public String toString() {
            return "print(" + items.stream().map(Object::toString).collect(Collectors.joining(", ")) + ")";
        }
    }

    /**
     * `let ch: Channel<T, N>;`, or a `let` without a value of an array or struct holding
     * channels: every channel in the local starts empty, which is all zero bytes.
     */
    record InitChannel(Local local) implements Statement {
        @Override public String toString() { return "init_channel " + local; }
    }
}

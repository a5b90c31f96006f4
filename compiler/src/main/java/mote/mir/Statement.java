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
        public Line { inlinedAt = inlinedAt instanceof InlinedChain ? inlinedAt : List.copyOf(inlinedAt); }
        public Line(mote.diag.Span span) { this(span, List.of()); }
        @Override public String toString() { return "// line " + span.line() + ":" + span.column(); }

        /**
         * Equal by the line alone: passes that compare code (merge-states) must find two copies
         * of a fn inlined at different awaits as equal as before, or debug info would change the
         * code (a merged copy keeps the first one's frames).
         */
        @Override public boolean equals(Object o) { return o instanceof Line l && l.span.equals(span); }
        @Override public int hashCode() { return span.hashCode(); }

        /**
         * This line's code, copied one more time: through {@code call}. {@code made} (by
         * identity) holds the chains made for this copy so far: the lines of one copy that
         * came through the same calls share one chain, so that comparing theirs (DebugInfo
         * collects each function's distinct chains) takes a reference compare, not one
         * compare per level of every line's chain.
         */
        public Line inlinedInto(Inlined call, java.util.IdentityHashMap<List<Inlined>, List<Inlined>> made) {
            return new Line(span, made.computeIfAbsent(inlinedAt, inner -> new InlinedChain(inner, call)));
        }
    }

    /**
     * A line's {@code inlinedAt}: the chain {@code inner} it extends, then one more call,
     * the outermost. Inlining a fn copies its lines once per level, each one call deeper; as
     * a copied list each line's chain cost its length at every level, which is cubic in a
     * chain's depth (issue 13: a 2,000-deep await chain, inlined 200 deep, spent most of its
     * build copying chains); this one costs one node per line per level and shares the rest.
     * Read as a list, it is flattened once.
     */
    final class InlinedChain extends java.util.AbstractList<Inlined> implements java.util.RandomAccess {
        private final List<Inlined> inner;
        private final Inlined outermost;
        private final int size;
        private Inlined[] flat;

        InlinedChain(List<Inlined> inner, Inlined outermost) {
            this.inner = inner;
            this.outermost = java.util.Objects.requireNonNull(outermost);
            this.size = inner.size() + 1;
        }

        @Override public int size() { return size; }

        /**
         * List's hash (each element folded in, first to last), which is the inner chain's folded
         * with the outermost call: kept once made, since chains are looked up by value (DebugInfo)
         * and a 400-deep chain hashed afresh for every line mark cost its depth each time.
         */
        private int hash;
        private boolean hashed;

        @Override public int hashCode() {
            if (!hashed) {
                hash = 31 * inner.hashCode() + outermost.hashCode();
                hashed = true;
            }
            return hash;
        }

        @Override public boolean equals(Object o) {
            if (o == this) return true;
            if (o instanceof InlinedChain c && c.hashCode() != hashCode()) return false;
            return super.equals(o);
        }

        @Override public Inlined get(int index) {
            java.util.Objects.checkIndex(index, size);
            return index == size - 1 ? outermost : flat()[index];
        }

        /** The calls, innermost first, read along the chain of nodes without recursion. */
        private Inlined[] flat() {
            Inlined[] calls = flat;
            if (calls != null) return calls;
            calls = new Inlined[size];
            List<Inlined> at = this;
            int end = size;
            while (at instanceof InlinedChain c) {
                if (c.flat != null) {
                    System.arraycopy(c.flat, 0, calls, 0, end);
                    end = 0;
                    break;
                }
                calls[--end] = c.outermost;
                at = c.inner;
            }
            for (int i = 0; i < end; i++) calls[i] = at.get(i);
            flat = calls;
            return calls;
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

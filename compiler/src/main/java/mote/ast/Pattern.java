package mote.ast;

import java.util.List;
import mote.diag.Span;

/** Match patterns: integers, bools, enum variants, ranges, alternatives, `_`. */
public sealed interface Pattern {
    Span span();

    /** A literal (integer, possibly negative, char, or bool) or a constant/variant path. */
    record Value(Span span, Expr value) implements Pattern {}

    /** `lo..=hi` (inclusive) or `lo..hi`. */
    record Range(Span span, Expr low, Expr high, boolean inclusive) implements Pattern {}

    /** `_` */
    record Wildcard(Span span) implements Pattern {}

    /** `p1 | p2 | ...` */
    record Or(Span span, List<Pattern> alternatives) implements Pattern {
        public Or { alternatives = List.copyOf(alternatives); }
    }

    /** `mut x`, or `n @ 1..=9` (then {@code sub} is the range). A bare `x` is a {@link Value} the checker decides. */
    record Binding(Span span, Ident name, boolean mutable, Pattern sub) implements Pattern {}

    /** `(a, _, 3)` */
    record Tuple(Span span, List<Pattern> elements) implements Pattern {
        public Tuple { elements = List.copyOf(elements); }
    }

    /** `Event.Press(p)`, `Some(x)`, `Ok(v)`: {@code path} is a Name or Field expression naming the variant. */
    record Variant(Span span, Expr path, List<Pattern> args) implements Pattern {
        public Variant { args = List.copyOf(args); }
    }

    /** `Event.Release { pin, ms: 20, .. }` */
    record StructVariant(Span span, Expr path, List<FieldPattern> fields, boolean rest) implements Pattern {
        public StructVariant { fields = List.copyOf(fields); }
    }

    /** `pin` (shorthand: binds the field by its name) or `ms: PATTERN`. */
    record FieldPattern(Span span, Ident name, Pattern pattern) {}
}

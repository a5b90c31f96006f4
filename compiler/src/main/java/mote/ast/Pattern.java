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
}

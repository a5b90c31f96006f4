package mote.ast;

import java.util.List;
import mote.diag.Span;

/** Types as written in the source; resolved to {@code mote.types.Type} by the checker. */
public sealed interface TypeExpr {
    Span span();

    /**
     * A named type, possibly qualified (`uart.Config`) and with generic arguments
     * (`Channel<u8, 16>`: a type argument and a {@link ConstArg}).
     */
    record Named(Span span, List<Ident> path, List<TypeExpr> args) implements TypeExpr {
        public Named { path = List.copyOf(path); args = List.copyOf(args); }
        public String simpleName() { return path.get(path.size() - 1).name(); }
    }

    /** A constant expression used as a generic argument (`16` in `Channel<u8, 16>`). */
    record ConstArg(Span span, Expr value) implements TypeExpr {}

    /** `[T; N]` */
    record Array(Span span, TypeExpr element, Expr length) implements TypeExpr {}

    /** `&[T]` */
    record Slice(Span span, TypeExpr element, boolean mutable) implements TypeExpr {
        public Slice(Span span, TypeExpr element) { this(span, element, false); }
    }

    /** `&T` / `&mut T` */
    record Ref(Span span, boolean mutable, TypeExpr target) implements TypeExpr {}

    /** `()` written explicitly. */
    record Unit(Span span) implements TypeExpr {}

    record Tuple(Span span, List<TypeExpr> elements) implements TypeExpr {
        public Tuple { elements = List.copyOf(elements); }
    }
}

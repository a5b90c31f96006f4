package mote.lex;

import mote.diag.Span;

/**
 * One token. {@code text} is the source text as written. For {@link TokenKind#INT} (also char
 * literals, which become {@code u8} integers) {@code value} holds the u64 bits and {@code suffix}
 * the type suffix or null; for {@link TokenKind#FLOAT} {@code value} holds the f32's bits
 * ({@link Float#floatToRawIntBits}); for {@link TokenKind#STRING} {@code bytes} holds the unescaped UTF-8.
 */
public record Token(TokenKind kind, String text, Span span, long value, String suffix, byte[] bytes) {
    public static Token simple(TokenKind kind, String text, Span span) {
        return new Token(kind, text, span, 0, null, null);
    }

    public boolean is(TokenKind k) { return kind == k; }

    /** How the token is named in messages: `fn`, `;`, identifier `foo`, end of file. */
    public String describe() {
        return switch (kind) {
            case IDENT -> "identifier `" + text + "`";
            case INT -> "integer literal `" + text + "`";
            case FLOAT -> "floating-point literal `" + text + "`";
            case STRING -> "string literal";
            case LABEL -> "label `" + text + "`";
            case EOF -> "end of file";
            case ERROR -> "`" + text + "`";
            default -> "`" + kind.text + "`";
        };
    }

    @Override public String toString() { return kind + "(" + text + ")@" + span.location(); }
}

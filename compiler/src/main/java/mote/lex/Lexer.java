package mote.lex;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import mote.diag.Diagnostics;
import mote.diag.SourceFile;
import mote.diag.Span;

/**
 * Source text → tokens. Whitespace and comments are dropped: `// …` to the end of the line, and
 * `/* … *&#47;` block comments, which nest as in Rust (`/* a /* b *&#47; c *&#47;` is one comment).
 *
 * <p>Every problem is reported to {@link Diagnostics} (codes E0001–E0019) and lexing goes on: a
 * bad literal still yields a literal token (value 0 where it has none), and an unknown character
 * yields one {@link TokenKind#ERROR} token per run, at which the parser recovers without a second
 * message. The list always ends with one {@link TokenKind#EOF} token.
 */
public final class Lexer {
    /** Type suffixes an integer literal may carry. */
    public static final Set<String> INT_SUFFIXES = Set.of("u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "usize");

    private final SourceFile file;
    private final String src;
    private final Diagnostics diags;
    private final List<Token> out = new ArrayList<>();
    private int pos;
    private boolean endsInsideLiteral;

    private Lexer(SourceFile file, Diagnostics diags) {
        this.file = file;
        this.src = file.text();
        this.diags = diags;
    }

    /** Lexes the whole file; never throws on bad input. */
    public static List<Token> lex(SourceFile file, Diagnostics diags) {
        return new Lexer(file, diags).run().out;
    }

    /** Like {@link #lex}, also telling whether the file ended inside an unterminated comment or literal. */
    public static Result lexWithStatus(SourceFile file, Diagnostics diags) {
        Lexer l = new Lexer(file, diags).run();
        return new Result(l.out, l.endsInsideLiteral);
    }

    /** Tokens, and whether an unterminated comment/string ran into the end of the file (already reported). */
    public record Result(List<Token> tokens, boolean endsInsideLiteral) {}

    private Lexer run() {
        while (true) {
            skipTrivia();
            if (pos >= src.length()) break;
            lexToken();
        }
        out.add(Token.simple(TokenKind.EOF, "", span(src.length(), src.length())));
        return this;
    }

    private Span span(int start, int end) { return new Span(file, start, end); }

    private char peek(int ahead) {
        int i = pos + ahead;
        return i < src.length() ? src.charAt(i) : '\0';
    }

    private boolean atEnd(int ahead) { return pos + ahead >= src.length(); }

    private void skipTrivia() {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
                pos++;
            } else if (c == '/' && peek(1) == '/') {
                while (pos < src.length() && src.charAt(pos) != '\n') pos++;
            } else if (c == '/' && peek(1) == '*') {
                blockComment();
            } else {
                return;
            }
        }
    }

    private void blockComment() {
        int start = pos;
        pos += 2;
        int depth = 1;
        while (pos < src.length()) {
            if (src.charAt(pos) == '/' && peek(1) == '*') {
                depth++;
                pos += 2;
            } else if (src.charAt(pos) == '*' && peek(1) == '/') {
                depth--;
                pos += 2;
                if (depth == 0) return;
            } else {
                pos++;
            }
        }
        diags.error("E0002", span(start, start + 2), "unterminated block comment",
                "`/* */` comments nest: each `/*` needs its own `*/`");
        endsInsideLiteral = true;
    }

    private void lexToken() {
        char c = src.charAt(pos);
        if (isIdentStart(c)) {
            int start = pos;
            while (pos < src.length() && isIdentPart(src.charAt(pos))) pos++;
            String word = src.substring(start, pos);
            if ((word.equals("b") || word.equals("br")) && pos < src.length() && (src.charAt(pos) == '\'' || src.charAt(pos) == '"')) {
                // Rust's byte literals: Mote's character and string literals are bytes already.
                boolean character = src.charAt(pos) == '\'';
                diags.error("E0015", span(start, pos + 1), "Mote has no `" + word + (character ? "'...'" : "\"...\"") + "` byte literals",
                        (character ? "a character literal is already a `u8`" : "a string literal is already bytes (`&[u8]`)") + ": drop the `" + word + "`");
                return;   // the literal itself is lexed next, so nothing follows on
            }
            TokenKind kw = TokenKind.keyword(word);
            out.add(Token.simple(kw != null ? kw : TokenKind.IDENT, word, span(start, pos)));
        } else if (c >= '0' && c <= '9') {
            number();
        } else if (c == '"') {
            string();
        } else if (c == '\'' && isLabel()) {
            int start = pos++;
            while (pos < src.length() && isIdentPart(src.charAt(pos))) pos++;
            out.add(Token.simple(TokenKind.LABEL, src.substring(start, pos), span(start, pos)));
        } else if (c == '\'') {
            charLiteral();
        } else {
            TokenKind p = punctuation();
            if (p != null) {
                int start = pos;
                pos += p.text.length();
                out.add(Token.simple(p, p.text, span(start, pos)));
            } else {
                unknown();
            }
        }
    }

    private static boolean isIdentStart(char c) { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

    private static boolean isIdentPart(char c) { return isIdentStart(c) || (c >= '0' && c <= '9'); }

    private static final TokenKind[] PUNCT_BY_LENGTH;
    static {
        List<TokenKind> ps = new ArrayList<>();
        for (TokenKind k : TokenKind.values()) if (k.isPunctuation()) ps.add(k);
        ps.sort((a, b) -> b.text.length() - a.text.length());
        PUNCT_BY_LENGTH = ps.toArray(new TokenKind[0]);
    }

    private TokenKind punctuation() {
        for (TokenKind k : PUNCT_BY_LENGTH) if (src.startsWith(k.text, pos)) return k;
        return null;
    }

    private void unknown() {
        int start = pos;
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || isIdentPart(c) || c == '"' || c == '\'' || punctuation() != null) break;
            pos += Character.charCount(src.codePointAt(pos));
        }
        String text = src.substring(start, pos);
        String what = text.codePointCount(0, text.length()) == 1 ? "unknown character" : "unknown characters";
        diags.error("E0001", span(start, pos), what + " `" + text + "`");
        out.add(Token.simple(TokenKind.ERROR, text, span(start, pos)));
    }

    // ---- integers -------------------------------------------------------------------------

    private void number() {
        int start = pos;
        int radix = 10;
        if (src.charAt(pos) == '0' && (peek(1) == 'x' || peek(1) == 'X')) radix = 16;
        else if (src.charAt(pos) == '0' && (peek(1) == 'b' || peek(1) == 'B')) radix = 2;
        if (radix != 10) pos += 2;
        StringBuilder digits = new StringBuilder();
        int badDigit = -1;
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '_') { pos++; continue; }
            boolean ok = radix == 16 ? Character.digit(c, 16) >= 0 && c < 128 : c >= '0' && c <= '9';
            if (!ok) break;
            if (radix == 2 && c > '1' && badDigit < 0) badDigit = pos;
            digits.append(c);
            pos++;
        }
        int digitsEnd = pos;
        boolean tupleField = !out.isEmpty() && out.get(out.size() - 1).kind() == TokenKind.DOT;   // `t.0.1`
        if (radix == 10 && !tupleField && digits.length() > 0 && (isFractionStart() || isExponentStart())) {
            floatLiteral(start);
            return;
        }
        while (pos < src.length() && isIdentPart(src.charAt(pos))) pos++;
        String suffix = src.substring(digitsEnd, pos);
        Span whole = span(start, pos);
        if (radix == 10 && (suffix.equals("f32") || suffix.equals("f64")) && digits.length() > 0) {
            pos = digitsEnd;
            floatLiteral(start);
            return;
        }
        long value = 0;
        boolean bad = false;
        if (digits.length() == 0) {
            diags.error("E0012", whole, "missing digits after the integer base prefix `" + src.substring(start, start + 2) + "`",
                    "write at least one digit, e.g. `" + src.substring(start, start + 2) + "0`");
            bad = true;
        } else if (badDigit >= 0) {
            diags.error("E0013", span(badDigit, badDigit + 1), "invalid digit `" + src.charAt(badDigit) + "` in a binary literal",
                    "binary literals contain only `0`, `1` and `_`");
            bad = true;
        } else {
            BigInteger v = new BigInteger(digits.toString(), radix);
            if (v.bitLength() > 64) {
                diags.error("E0011", whole, "integer literal is too large",
                        "the largest integer literal is 18446744073709551615 (u64::MAX)");
                bad = true;
            } else {
                value = v.longValue();
            }
        }
        if (!suffix.isEmpty() && !INT_SUFFIXES.contains(suffix)) {
            if (!bad) {
                diags.error("E0010", span(digitsEnd, pos), "invalid suffix `" + suffix + "` for integer literal",
                        "the suffix must be one of u8, u16, u32, u64, i8, i16, i32, i64, usize");
            }
            suffix = "";
        }
        out.add(new Token(TokenKind.INT, src.substring(start, pos), whole, value, suffix.isEmpty() ? null : suffix, null));
    }

    /** `.5` after the digits: a fraction (not `3..5`, `t.0` or a method call `3.max(x)`). */
    private boolean isFractionStart() {
        return peek(0) == '.' && pos + 1 < src.length() && Character.isDigit(src.charAt(pos + 1));
    }

    /** `e3`, `E-3`, `e+3` after the digits. */
    private boolean isExponentStart() {
        if (peek(0) != 'e' && peek(0) != 'E') return false;
        int i = pos + 1;
        if (i < src.length() && (src.charAt(i) == '+' || src.charAt(i) == '-')) i++;
        return i < src.length() && Character.isDigit(src.charAt(i));
    }

    /**
     * `3.3`, `1e-3`, `2.5e2`, `3f32` (0.2): an f32, rounded to the nearest one as Rust does.
     * {@code pos} is after the integer digits. The token's value holds the float's bits.
     */
    private void floatLiteral(int start) {
        if (isFractionStart()) {
            pos++;
            while (pos < src.length() && (Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '_')) pos++;
        }
        if (isExponentStart()) {
            pos++;
            if (src.charAt(pos) == '+' || src.charAt(pos) == '-') pos++;
            while (pos < src.length() && (Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '_')) pos++;
        }
        int numberEnd = pos;
        while (pos < src.length() && isIdentPart(src.charAt(pos))) pos++;
        String suffix = src.substring(numberEnd, pos);
        Span whole = span(start, pos);
        if (suffix.equals("f64")) {
            diags.error("E0014", span(numberEnd, pos), "Mote has no `f64` (0.2): its one floating-point type is `f32`",
                    "drop the suffix, or write `f32`");
        } else if (!suffix.isEmpty() && !suffix.equals("f32")) {
            diags.error("E0010", span(numberEnd, pos), "invalid suffix `" + suffix + "` for a floating-point literal",
                    "the only floating-point suffix is `f32`");
        }
        String number = src.substring(start, numberEnd).replace("_", "");
        float value = Float.parseFloat(number);
        if (Float.isInfinite(value)) {
            diags.error("E0011", whole, "floating-point literal is too large for `f32`",
                    "the largest f32 is about 3.4e38");
        }
        out.add(new Token(TokenKind.FLOAT, src.substring(start, pos), whole, Float.floatToRawIntBits(value), null, null));
    }

    // ---- strings and chars ----------------------------------------------------------------

    /** Reads one escape after the backslash at {@code pos}; returns the byte, -1 if reported bad, -2 at end of file. */
    private int escape() {
        int start = pos;
        pos++; // the backslash
        if (atEnd(0)) return -2; // unterminated; the caller reports it
        char c = src.charAt(pos);
        switch (c) {
            case 'n': pos++; return '\n';
            case 'r': pos++; return '\r';
            case 't': pos++; return '\t';
            case '\\': pos++; return '\\';
            case '"': pos++; return '"';
            case '\'': pos++; return '\'';
            case '0': pos++; return 0;
            case 'x': {
                pos++;
                int h1 = Character.digit(peek(0), 16), h2 = Character.digit(peek(1), 16);
                if (h1 < 0 || h2 < 0 || peek(0) > 127 || peek(1) > 127) {
                    int end = pos;
                    while (end < src.length() && end < pos + 2 && Character.digit(src.charAt(end), 16) >= 0) end++;
                    pos = end;
                    diags.error("E0006", span(start, end), "invalid `\\x` escape",
                            "`\\x` takes exactly two hex digits, e.g. `\\x41` or `\\xff`");
                    return -1;
                }
                pos += 2;
                return h1 * 16 + h2;
            }
            default: {
                int cp = src.codePointAt(pos);
                pos += Character.charCount(cp);
                if (cp == '\n' || cp == '\r') {   // the message would hold the line break itself
                    diags.error("E0005", span(start, start + 1), "a `\\` at the end of a line is not an escape",
                            "strings have no line continuation: write `\\n` for a line break, or end the string and start another");
                    return -1;
                }
                String shown = Character.isISOControl(cp) ? String.format("u{%x}", cp) : new String(Character.toChars(cp));
                diags.error("E0005", span(start, pos), "unknown escape sequence `\\" + shown + "`",
                        "the escapes are \\n \\r \\t \\\\ \\\" \\' \\0 and \\xNN");
                return -1;
            }
        }
    }

    private void string() {
        int start = pos;
        pos++;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean closed = false;
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '"') { pos++; closed = true; break; }
            if (c == '\\') {
                int b = escape();
                if (b >= 0) bytes.write(b);
            } else {
                int cp = src.codePointAt(pos);
                byte[] enc = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                bytes.write(enc, 0, enc.length);
                pos += Character.charCount(cp);
            }
        }
        if (!closed) {
            diags.error("E0003", span(start, start + 1), "unterminated string literal", "add a closing `\"`");
            endsInsideLiteral = true;
        }
        out.add(new Token(TokenKind.STRING, src.substring(start, pos), span(start, pos), 0, null, bytes.toByteArray()));
    }

    /** `'outer` (a loop label) as opposed to `'a'`: a name after the quote, and no closing quote after it. */
    private boolean isLabel() {
        if (atEnd(1) || !isIdentStart(peek(1))) return false;
        int q = pos + 1;
        while (q < src.length() && isIdentPart(src.charAt(q))) q++;
        return q >= src.length() || src.charAt(q) != '\'';
    }

    /** `'a'`, `'\n'`, `'\x41'`: an integer literal of type u8. */
    private void charLiteral() {
        int start = pos;
        pos++;
        long value = 0;
        if (peek(0) == '\'') {
            pos++;
            diags.error("E0007", span(start, pos), "empty character literal", "write a character between the quotes, e.g. `'a'`");
            emitChar(start, 0);
            return;
        }
        if (atEnd(0) || peek(0) == '\n' || peek(0) == '\r') {
            diags.error("E0004", span(start, start + 1), "unterminated character literal", "add a closing `'`");
            emitChar(start, 0);
            return;
        }
        boolean reported = false;
        if (peek(0) == '\\') {
            int b = escape();
            if (b == -1) reported = true; else if (b >= 0) value = b;
        } else {
            int cp = src.codePointAt(pos);
            int cpStart = pos;
            pos += Character.charCount(cp);
            if (cp > 0x7f) {
                diags.error("E0009", span(cpStart, pos), "character literal `" + new String(Character.toChars(cp)) + "` is not a single byte",
                        "character literals are `u8`; only ASCII characters fit, use `\\xNN` for other bytes");
                reported = true;
            }
            value = cp;
        }
        if (peek(0) == '\'') {
            pos++;
        } else {
            // Either more characters before a closing quote on this line, or no closing quote at all.
            int q = pos;
            while (q < src.length() && src.charAt(q) != '\'' && src.charAt(q) != '\n') q++;
            if (q < src.length() && src.charAt(q) == '\'') {
                pos = q + 1;
                if (!reported) diags.error("E0008", span(start, pos), "character literal may only contain one character",
                        "to write text use a string literal: \"" + src.substring(start + 1, q) + "\"");
            } else if (!reported) {
                diags.error("E0004", span(start, start + 1), "unterminated character literal", "add a closing `'`");
            }
        }
        emitChar(start, reported ? 0 : value);
    }

    private void emitChar(int start, long value) {
        out.add(new Token(TokenKind.INT, src.substring(start, pos), span(start, pos), value, "u8", null));
    }
}

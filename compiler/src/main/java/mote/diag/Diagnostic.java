package mote.diag;

import java.util.List;

/**
 * One message for the user. {@code code} is stable (E0xxx) so tests can assert on it while the
 * wording improves; {@code help} lines are printed as `= help: ...`.
 */
public record Diagnostic(Severity severity, String code, String message, Span span, List<String> help) {
    /** Longest source excerpt shown, in columns: a longer line is cut to a window around the caret. */
    public static final int MAX_EXCERPT = 120;
    /** How much of the line before the caret such a window keeps. */
    private static final int BEFORE_CARET = 40;

    public Diagnostic {
        help = List.copyOf(help);
    }

    /** rustc-style rendering: header, `--> file:line:col`, the source line and carets. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append(severity.label);
        if (code != null) sb.append('[').append(code).append(']');
        sb.append(": ").append(escape(message)).append('\n');
        if (span != null) {
            int line = span.line();
            String gutter = " ".repeat(String.valueOf(line).length());
            sb.append(gutter).append("--> ").append(escape(span.location())).append('\n');
            sb.append(gutter).append(" |\n");
            excerpt(sb, line, gutter);
        }
        for (String h : help) sb.append(" ".repeat(span == null ? 0 : String.valueOf(span.line()).length()))
                .append(" = help: ").append(escape(h)).append('\n');
        return sb.toString();
    }

    /**
     * The span's first line and carets under the span. Control and invisible formatting
     * characters are shown escaped (`\\u{0}`), never sent to the terminal raw; a line longer
     * than {@link #MAX_EXCERPT} columns is cut to a window around the caret, marked with `…`.
     */
    private void excerpt(StringBuilder sb, int line, String gutter) {
        String full = span.file().lineText(line);
        int lineStart = span.start() - (span.file().columnOf(span.start()) - 1);   // columnOf counts UTF-16 units, as offsets do
        int endLine = span.file().lineOf(Math.max(span.start(), span.end() - 1));
        // Only the characters that can reach the window (each shows at least one column wide):
        // a megabyte-long line costs no more than a short one.
        int caretAt = Math.min(span.start() - lineStart, full.length());
        int sliceStart = Math.max(0, caretAt - MAX_EXCERPT), sliceEnd = Math.min(full.length(), caretAt + 2 * MAX_EXCERPT);
        String text = full.substring(sliceStart, sliceEnd);
        int first = caretAt - sliceStart;
        int last = Math.max(first, Math.min(text.length(), (endLine == line ? span.end() - lineStart : full.length()) - sliceStart));
        // Each character's column in the shown line (escapes are wider than one).
        StringBuilder shown = new StringBuilder();
        int[] col = new int[text.length() + 1];
        for (int i = 0; i < text.length(); i++) {
            col[i] = shown.length();
            shown.append(shown(text.charAt(i)));
        }
        col[text.length()] = shown.length();
        int caret = col[first];
        int caretEnd = Math.max(caret + 1, col[last]);
        int from = 0, to = shown.length();
        if (sliceStart > 0 || sliceEnd < full.length() || shown.length() > MAX_EXCERPT) {
            from = boundaryAtOrAfter(col, Math.max(0, Math.min(caret - BEFORE_CARET, shown.length() - MAX_EXCERPT)));
            to = boundaryAtOrBefore(col, Math.min(shown.length(), from + MAX_EXCERPT));
        }
        String prefix = from > 0 || sliceStart > 0 ? "…" : "", suffix = to < shown.length() || sliceEnd < full.length() ? "…" : "";
        sb.append(line).append(" | ").append(prefix).append(shown, from, to).append(suffix).append('\n');
        // Terminal columns, not UTF-16 units: an emoji is one character in two units, a CJK
        // character one unit two columns wide.
        int start = displayWidth(shown, from, Math.max(caret, from)) + prefix.length();
        int width = Math.max(1, displayWidth(shown, Math.max(caret, from), Math.max(Math.max(caret, from), Math.min(caretEnd, to))));
        sb.append(gutter).append(" | ").append(" ".repeat(start)).append("^".repeat(width)).append('\n');
    }

    private static int boundaryAtOrAfter(int[] col, int c) {
        for (int b : col) if (b >= c) return b;
        return col[col.length - 1];
    }

    private static int boundaryAtOrBefore(int[] col, int c) {
        int best = 0;
        for (int b : col) if (b <= c) best = b;
        return best;
    }

    /** The terminal columns {@code s[from, to)} takes: a column a character, two for East Asian wide ones and emoji. */
    static int displayWidth(CharSequence s, int from, int to) {
        int width = 0;
        for (int i = from; i < to; ) {
            int cp = Character.codePointAt(s, i);
            width += wide(cp) ? 2 : 1;
            i += Character.charCount(cp);
        }
        return width;
    }

    /** East Asian wide and fullwidth ranges (UAX #11), and the emoji blocks: what terminals draw two columns wide. */
    private static boolean wide(int cp) {
        return cp >= 0x1100 && cp <= 0x115F || cp >= 0x2E80 && cp <= 0x303E || cp >= 0x3041 && cp <= 0x33FF
                || cp >= 0x3400 && cp <= 0x4DBF || cp >= 0x4E00 && cp <= 0x9FFF || cp >= 0xA000 && cp <= 0xA4CF
                || cp >= 0xAC00 && cp <= 0xD7A3 || cp >= 0xF900 && cp <= 0xFAFF || cp >= 0xFE30 && cp <= 0xFE4F
                || cp >= 0xFF00 && cp <= 0xFF60 || cp >= 0xFFE0 && cp <= 0xFFE6 || cp >= 0x1F300 && cp <= 0x1F64F
                || cp >= 0x1F680 && cp <= 0x1F6FF || cp >= 0x1F900 && cp <= 0x1FAFF || cp >= 0x20000 && cp <= 0x3FFFD;
    }

    /** How a source character is shown: tabs as a space, control and format characters escaped. */
    private static String shown(char c) {
        if (c == '\t') return " ";
        return needsEscape(c) ? String.format("\\u{%x}", (int) c) : String.valueOf(c);
    }

    private static boolean needsEscape(char c) {
        // Cf covers the byte-order mark, zero-width characters and the bidi overrides.
        return Character.isISOControl(c) || Character.getType(c) == Character.FORMAT;
    }

    /** {@code s} with control and format characters escaped (`\\u{1b}`), safe to print to a terminal. */
    public static String escape(String s) {
        boolean clean = true;
        for (int i = 0; i < s.length() && clean; i++) clean = s.charAt(i) == '\n' || s.charAt(i) == '\t' || !needsEscape(s.charAt(i));
        if (clean) return s;
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c == '\n' || c == '\t' ? String.valueOf(c) : needsEscape(c) ? String.format("\\u{%x}", (int) c) : String.valueOf(c));
        }
        return sb.toString();
    }
}

package mote.diag;

import java.util.List;

/**
 * One message for the user. {@code code} is stable (E0xxx) so tests can assert on it while the
 * wording improves; {@code help} lines are printed as `= help: ...`.
 */
public record Diagnostic(Severity severity, String code, String message, Span span, List<String> help) {
    public Diagnostic {
        help = List.copyOf(help);
    }

    /** rustc-style rendering: header, `--> file:line:col`, the source line and carets. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append(severity.label);
        if (code != null) sb.append('[').append(code).append(']');
        sb.append(": ").append(message).append('\n');
        if (span != null) {
            int line = span.line();
            int col = span.column();
            String gutter = " ".repeat(String.valueOf(line).length());
            sb.append(gutter).append("--> ").append(span.location()).append('\n');
            String text = span.file().lineText(line);
            sb.append(gutter).append(" |\n");
            sb.append(line).append(" | ").append(text.replace('\t', ' ')).append('\n');
            int endLine = span.file().lineOf(Math.max(span.start(), span.end() - 1));
            int width = endLine == line ? Math.max(1, span.end() - span.start()) : Math.max(1, text.length() - col + 1);
            width = Math.max(1, Math.min(width, Math.max(1, text.length() - col + 1)));
            sb.append(gutter).append(" | ").append(" ".repeat(Math.max(0, col - 1))).append("^".repeat(width)).append('\n');
        }
        for (String h : help) sb.append(" ".repeat(span == null ? 0 : String.valueOf(span.line()).length()))
                .append(" = help: ").append(h).append('\n');
        return sb.toString();
    }
}

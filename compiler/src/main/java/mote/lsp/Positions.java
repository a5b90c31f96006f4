package mote.lsp;

import mote.diag.SourceFile;
import mote.diag.Span;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;

/**
 * LSP positions (0-based line, UTF-16 code units within it) to and from the compiler's
 * character offsets: Java strings are UTF-16 too, so a column is an offset within the line.
 */
final class Positions {
    private Positions() {}

    static Position position(SourceFile file, int offset) {
        return new Position(file.lineOf(offset) - 1, file.columnOf(offset) - 1);
    }

    static Range range(Span span) {
        return new Range(position(span.file(), span.start()), position(span.file(), Math.max(span.start(), span.end())));
    }

    /** The offset of {@code p} in {@code text}; past the end of a line is its end. */
    static int offset(String text, Position p) {
        int line = 0, i = 0;
        while (line < p.getLine() && i < text.length()) {
            if (text.charAt(i) == '\n') line++;
            i++;
        }
        int lineEnd = text.indexOf('\n', i);
        if (lineEnd < 0) lineEnd = text.length();
        return i + Math.min(Math.max(0, p.getCharacter()), lineEnd - i);   // no overflow for a character past any line
    }
}

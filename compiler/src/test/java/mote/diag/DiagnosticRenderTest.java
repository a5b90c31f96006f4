package mote.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a diagnostic prints stays bounded and safe for a terminal, whatever the source holds. */
class DiagnosticRenderTest {
    private static String render(String text, int start, int end) {
        SourceFile f = SourceFile.of("t.mote", text);
        return new Diagnostic(Severity.ERROR, "E0001", "bad", new Span(f, start, end), List.of()).render();
    }

    /** The source line and the caret line of a rendered diagnostic. */
    private static List<String> excerpt(String rendered) {
        List<String> lines = rendered.lines().toList();
        return List.of(lines.get(3), lines.get(4));
    }

    @Test
    void aLongLineIsCutToAWindowAroundTheCaret() {
        String text = "x".repeat(100_000) + "@" + "y".repeat(100_000);
        List<String> shown = excerpt(render(text, 100_000, 100_001));
        assertTrue(shown.get(0).startsWith("1 | …x"), shown.get(0));
        assertTrue(shown.get(0).endsWith("y…"), shown.get(0));
        assertTrue(shown.get(0).length() <= Diagnostic.MAX_EXCERPT + 10, shown.get(0));
        // The caret is still under the `@`.
        assertEquals('@', shown.get(0).charAt(shown.get(1).indexOf('^')));
        assertEquals(1, shown.get(1).chars().filter(c -> c == '^').count());
    }

    @Test
    void aCaretNearTheStartOrEndOfALongLineKeepsThatEnd() {
        String text = "@" + "y".repeat(5000);
        List<String> shown = excerpt(render(text, 0, 1));
        assertTrue(shown.get(0).startsWith("1 | @y"), shown.get(0));
        assertTrue(shown.get(0).endsWith("…"), shown.get(0));
        assertEquals(4, shown.get(1).indexOf('^'));
        String tail = "y".repeat(5000) + "@";
        shown = excerpt(render(tail, 5000, 5001));
        assertTrue(shown.get(0).startsWith("1 | …") && shown.get(0).endsWith("y@"), shown.get(0));
        assertEquals('@', shown.get(0).charAt(shown.get(1).indexOf('^')));
    }

    @Test
    void aShortLineIsShownWhole() {
        assertEquals(List.of("1 | let x = @;", "  |         ^"), excerpt(render("let x = @;", 8, 9)));
    }

    /**
     * `file:line:col` counts characters, as rustc does (an emoji is one, though two UTF-16
     * units), and the caret sits under its character in a terminal, where CJK characters and
     * emoji are two columns wide.
     */
    @Test
    void columnsCountCharactersAndTheCaretTerminalColumns() {
        String text = "p(\"\uD83D\uDE80 \u65E5\u672C\", 1 + true);";
        int at = text.indexOf("true");
        String r = render(text, at, at + 4);
        assertTrue(r.contains("--> t.mote:1:" + (text.codePointCount(0, at) + 1) + "\n"), r);
        List<String> shown = excerpt(r);
        // "p(\"" 3, the rocket 2, a space 1, two CJK characters 4, "\", 1 + " 7: 17 columns before `true`.
        assertEquals("  | " + " ".repeat(17) + "^^^^", shown.get(1));
        assertEquals(4, Diagnostic.displayWidth("a\uD83D\uDE80b", 0, 4));
    }

    @Test
    void controlAndFormatCharactersAreShownEscaped() {
        String text = "let x = 1\u0000\u001b[31m;\u202e";
        String r = render(text, 9, 11);
        assertTrue(r.contains("1 | let x = 1\\u{0}\\u{1b}[31m;\\u{202e}"), r);
        // The caret covers both escapes.
        List<String> shown = excerpt(r);
        assertEquals("  |          " + "^".repeat(11), shown.get(1));
        for (char c : r.toCharArray()) assertFalse(c != '\n' && Character.isISOControl(c), "raw control character in:\n" + r);
        assertEquals("unknown character `\\u{7}`", Diagnostic.escape("unknown character `\u0007`"));
    }

    @Test
    void onlyTheFirstFiftyDiagnosticsAreKeptTheRestCounted() {
        Diagnostics d = new Diagnostics();
        SourceFile f = SourceFile.of("t.mote", "x");
        for (int i = 0; i < 10_000; i++) d.error("E0001", new Span(f, 0, 1), "bad " + i);
        assertEquals(10_000, d.errorCount());
        assertEquals(Diagnostics.MAX_SHOWN, d.all().size());
        String r = d.render();
        assertTrue(r.contains("note: 9950 more diagnostics are not shown"), r);
        assertTrue(r.endsWith("error: could not compile due to 10000 previous errors\n"), r);
        assertTrue(r.length() < 10_000, "bounded: " + r.length());
    }

    @Test
    void aByteOrderMarkIsNotPartOfTheSource() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] rest = "fn f() {}".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[bom.length + rest.length];
        System.arraycopy(bom, 0, bytes, 0, 3);
        System.arraycopy(rest, 0, bytes, 3, rest.length);
        assertEquals("fn f() {}", SourceFile.decode("t.mote", bytes));
    }
}

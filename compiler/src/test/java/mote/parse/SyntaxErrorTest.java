package mote.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import mote.diag.Diagnostic;
import mote.diag.Diagnostics;
import mote.diag.SourceFile;
import mote.testutil.ErrorMarkers;
import mote.testutil.TestFiles;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Each {@code errors/syntax/*.mote} marks its expected errors with {@code //~ ERROR E0xxx} on the
 * offending line. Parsing must report exactly those (code and line), no more — so a cascade from
 * one mistake fails the test — and each rendered diagnostic shows file:line:col and a caret.
 */
class SyntaxErrorTest {
    static Diagnostics parse(Path f) {
        Diagnostics d = new Diagnostics();
        Parser.parse(new SourceFile(f, f.getFileName().toString(), TestFiles.read(f)), "m", d);
        return d;
    }

    @TestFactory
    Stream<DynamicTest> syntaxErrors() {
        List<Path> files = TestFiles.list(TestFiles.resources("errors/syntax"), ".mote");
        assertTrue(files.size() >= 20, "expected at least 20 syntax error tests, found " + files.size());
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(f)));
    }

    static void check(Path f) {
        List<ErrorMarkers.Marker> markers = ErrorMarkers.read(f);
        assertFalse(markers.isEmpty(), f + " has no //~ ERROR marker");
        Diagnostics d = parse(f);
        List<String> expected = new ArrayList<>();
        for (ErrorMarkers.Marker m : markers) expected.add(m.line() + ": " + m.code());
        List<String> actual = new ArrayList<>();
        for (Diagnostic x : d.all()) actual.add(x.span().line() + ": " + x.code());
        assertEquals(expected, actual, () -> "diagnostics differ for " + f.getFileName() + ":\n" + d.render());
        for (ErrorMarkers.Marker m : markers) {
            if (!m.message().isEmpty()) {
                assertTrue(d.all().stream().anyMatch(x -> x.message().contains(m.message())), "no message containing: " + m.message());
            }
        }
        for (Diagnostic x : d.all()) {
            String r = x.render();
            String loc = f.getFileName() + ":" + x.span().line() + ":" + x.span().column();
            assertTrue(r.contains("--> " + loc), r);
            assertTrue(r.contains("^"), r);
            assertTrue(r.startsWith("error[" + x.code() + "]: "), r);
        }
    }

    @Test
    void recoveryReportsEveryIndependentError() {
        Diagnostics d = parse(TestFiles.resources("errors/syntax/recovery_three_errors.mote"));
        assertEquals(3, d.errorCount(), d::render);
        assertEquals(List.of("E0022", "E0021", "E0028"), d.all().stream().map(Diagnostic::code).toList());
    }

    @Test
    void messagesReadLikeRustc() {
        Diagnostics d = new Diagnostics();
        Parser.parse(SourceFile.of("m.mote", "fn main() {\n    let x = 1\n}\nfn g() { foo(); ) }"), "m", d);
        String r = d.render();
        assertTrue(r.contains("error[E0023]: expected `;` after `let` statement, found `}`"), r);
        assertTrue(r.contains("--> m.mote:2:14"), r);
        assertTrue(r.contains("error[E0022]: expected expression, found `)`"), r);
        assertEquals(2, d.errorCount(), r);
    }

    @Test
    void noCascadeAfterLexerErrors() {
        Diagnostics d = new Diagnostics();
        Parser.parse(SourceFile.of("m.mote", "fn main() { let s = \"never closed; }\n"), "m", d);
        assertEquals(List.of("E0003"), d.all().stream().map(Diagnostic::code).toList(), d::render);
        Diagnostics d2 = new Diagnostics();
        Parser.parse(SourceFile.of("m.mote", "fn main() { foo(); /* open\n}\n"), "m", d2);
        assertEquals(List.of("E0002"), d2.all().stream().map(Diagnostic::code).toList(), d2::render);
    }
}

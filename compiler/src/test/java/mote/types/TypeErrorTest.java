package mote.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import mote.Compiler;
import mote.diag.CompileError;
import mote.diag.Diagnostic;
import mote.testutil.ErrorMarkers;
import mote.testutil.TestFiles;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Each program under {@code errors/types/} (names, types, async misuse, constants) marks every
 * error it must produce with {@code //~ ERROR E0xxx [message part]}; the front end must report
 * exactly those, each rendered with file:line:col, the source line and a caret.
 */
class TypeErrorTest {
    @TestFactory
    Stream<DynamicTest> semanticErrors() {
        List<Path> files = TestFiles.list(TestFiles.resources("errors/types"), ".mote").stream().filter(p -> !TestFiles.isModule(p)).toList();
        assertFalse(files.isEmpty());
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(f)));
    }

    /** What analysing errors/types/{@code file} reports: it must not compile. */
    private static CompileError errorsOf(String file) {
        return org.junit.jupiter.api.Assertions.assertThrows(CompileError.class,
                () -> Compiler.analyze(Compiler.read(TestFiles.resources("errors/types").resolve(file))));
    }

    /** The help is checked on the diagnostic itself: the rendered text also shows the marker comment. */
    @org.junit.jupiter.api.Test
    void borrowingAnImmutableLocalWhereMutIsNeededNamesBothFixes() {
        CompileError error = errorsOf("mut_ref_of_immutable.mote");
        List<String> helps = error.diagnostics().all().stream().map(d -> String.join(" ", d.help())).toList();
        assertEquals(List.of("a `&mut` reference is needed here: write `&mut x`, and declare it `let mut x`",
                "a `&mut` reference is needed here: write `&mut y`"), helps);
        assertEquals(2, error.diagnostics().all().get(0).span().end() - error.diagnostics().all().get(0).span().start(),
                "the span covers `&x`, not only the `&`");
    }

    @org.junit.jupiter.api.Test
    void aReferenceOfTheWrongDepthIsReportedAsReferences() {
        CompileError error = errorsOf("reference_depth_mismatch.mote");
        Diagnostic d = error.diagnostics().all().get(0);
        assertEquals("mismatched types: expected `&u8`, found `&&u8`", d.message());
        assertEquals(List.of("dereference it once: `*...`"), d.help());
    }

    @org.junit.jupiter.api.Test
    void everyMissedValueInsideOneVariantIsNamedUpToThree() {
        CompileError error = errorsOf("match_missing_nested.mote");
        assertEquals(List.of("`match` does not cover every value: `Some(E.B)`, `Some(E.C)`, `Some(E.D)` are not covered",
                        "`match` does not cover every value: `Some(None)`, `Some(Some(false))` are not covered"),
                error.diagnostics().all().stream().map(Diagnostic::message).toList());
    }

    @org.junit.jupiter.api.Test
    void aReferenceOfAnotherWidthNamesTheReferenceAndAConversionThatCompiles() {
        CompileError error = errorsOf("reference_width_mismatch.mote");
        assertEquals(List.of("mismatched types: expected `u16`, found `&u8` / convert what it points to: `*x as u16`",
                        "mismatched types: expected `u16`, found `&u8` / convert what it points to: `*x as u16`",
                        "mismatched types: expected `&u8`, found `&u16` / compare the values, converted: `*&s as u8`"),
                error.diagnostics().all().stream().map(d -> d.message() + " / " + String.join(" ", d.help())).toList());
    }

    @org.junit.jupiter.api.Test
    void anUnawaitedMethodCallIsShownAwaitedAsWritten() {
        CompileError error = errorsOf("method_not_awaited.mote");
        assertEquals(List.of("a future is not a value in Mote: write `v.settle().await`"),
                error.diagnostics().all().stream().map(d -> String.join(" ", d.help())).toList());
    }

    @org.junit.jupiter.api.Test
    void aModulesTasksAndTypesAreNamedWithTheModule() {
        CompileError error = errorsOf("import_task_misuse.mote");
        assertEquals(List.of("module `import_task_helper` has no task `blnk` / did you mean `import_task_helper.blink`?",
                        "`import_task_helper.settle` is not a task; only a `task fn` can be spawned / declare it `task fn ...` (or `task(N) fn` for N instances)",
                        "`read` takes `self`: call it on a value, `x.read(..)` / "),
                error.diagnostics().all().stream().map(d -> d.message() + " / " + String.join(" ", d.help())).toList());
    }

    @org.junit.jupiter.api.Test
    void rustHabitsAreAnsweredWithWhatMoteWrites() {
        CompileError error = errorsOf("rust_habits.mote");
        assertEquals(List.of("Mote has no `Self` (0.2): write the type's own name, as in `fn new() -> Point`",
                        "integer types have no associated constants in Mote: write the value itself (u32 holds 0 to 4294967295)",
                        "integer types have no associated constants in Mote: write the value itself (i8 holds -128 to 127)"),
                error.diagnostics().all().stream().map(d -> String.join(" ", d.help())).toList());
    }

    @org.junit.jupiter.api.Test
    void aCompoundAssignmentToAReferenceSaysToAssignThroughIt() {
        CompileError error = errorsOf("compound_assign_to_reference.mote");
        assertEquals(List.of("cannot apply `+=` to `&mut u8` / assign through the reference: `*v += ...`"),
                error.diagnostics().all().stream().map(d -> d.message() + " / " + String.join(" ", d.help())).toList());
    }

    static void check(Path f) {
        List<ErrorMarkers.Marker> markers = ErrorMarkers.read(f);
        assertFalse(markers.isEmpty(), f + " has no //~ ERROR marker");
        CompileError error;
        try {
            Compiler.analyze(Compiler.read(f));
            fail(f.getFileName() + " compiled without errors");
            return;
        } catch (CompileError e) {
            error = e;
        }
        List<String> expected = new ArrayList<>();
        for (ErrorMarkers.Marker m : markers) expected.add(m.line() + ": " + m.code());
        List<String> actual = new ArrayList<>();
        for (Diagnostic d : error.diagnostics().all()) actual.add((d.span() == null ? 0 : d.span().line()) + ": " + d.code());
        String rendered = error.diagnostics().render();
        assertEquals(expected, actual, () -> "diagnostics differ for " + f.getFileName() + ":\n" + rendered);
        for (ErrorMarkers.Marker m : markers)
            if (!m.message().isEmpty())
                assertTrue(rendered.contains(m.message()), "no diagnostic mentions `" + m.message() + "`:\n" + rendered);
        for (Diagnostic d : error.diagnostics().all()) {
            String r = d.render();
            assertTrue(r.contains("--> " + mote.diag.SourceFile.displayPath(f) + ":" + d.span().line() + ":" + d.span().column()), r);
            assertTrue(r.contains("^"), r);
        }
    }
}

package mote.lsp;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import mote.Compiler;
import mote.ast.Module;
import mote.diag.CompileError;
import mote.diag.Diagnostic;
import mote.diag.Diagnostics;
import mote.diag.Severity;
import mote.diag.SourceFile;
import mote.diag.Span;
import mote.diag.ToolError;
import mote.opt.Optimization;
import mote.parse.Modules;
import mote.types.DefiniteAssignment;
import mote.types.TypeChecker;
import mote.types.TypedProgram;

/**
 * One version of an editor's document, run through the compiler's front and middle: its
 * diagnostics (the compiler's own, with their codes), the names and types in it, and, when it
 * checks, its state machines with every optimization and with none.
 *
 * @param index   null when the text did not parse
 * @param withAll the analysis with {@code --opt all}, null when the program has errors
 * @param baseline the baseline ({@code --opt none}), analysed on first use (a hover on an async fn), not on every keystroke
 */
record DocumentAnalysis(SourceFile file, int version, List<Diagnostic> diagnostics, SourceIndex index,
                        Compiler.Analysis withAll, java.util.function.Supplier<Compiler.Analysis> baseline) {

    /** The baseline ({@code --opt none}), null when the program has errors. */
    Compiler.Analysis withNone() {
        return baseline.get();
    }

    /** Computes once, on the first call, from whichever thread asks. */
    private static <T> java.util.function.Supplier<T> once(java.util.function.Supplier<T> compute) {
        return new java.util.function.Supplier<>() {
            private T value;
            private boolean done;

            @Override
            public synchronized T get() {
                if (!done) {
                    value = compute.get();
                    done = true;
                }
                return value;
            }
        };
    }

    static DocumentAnalysis of(Path path, String text, int version) {
        String name = path.getFileName().toString();
        SourceFile file = new SourceFile(path, name, name, text);
        Diagnostics diags = new Diagnostics();
        List<Diagnostic> found = new ArrayList<>();
        SourceIndex index = null;
        Compiler.Analysis all = null;
        try {
            List<Module> modules = Modules.load(file, diags);
            if (!diags.hasErrors()) {
                // The checker goes on past an error, so names and types are there for what did check.
                TypedProgram typed = TypeChecker.check(modules, diags);
                index = SourceIndex.of(typed);
                if (!diags.hasErrors()) DefiniteAssignment.check(typed, diags);
            }
            found.addAll(diags.all());
            if (!diags.hasErrors()) {
                // The rest of the pipeline's checks (async recursion, ...) and the state machines,
                // laid out for the board a build would use (packed on v7-M and up).
                all = Compiler.analyzeFor(TaskBuild.boardFor(path), file, EnumSet.allOf(Optimization.class), false, true);
            }
        } catch (CompileError e) {
            for (Diagnostic d : e.diagnostics().all()) {
                if (!"E0413".equals(d.code())) found.add(d);   // no `main`: a module or a file of tests, not an error while editing
            }
        } catch (ToolError e) {
            found.add(new Diagnostic(Severity.ERROR, null, e.getMessage(), new Span(file, 0, 0), List.of()));
        } catch (RuntimeException | StackOverflowError e) {
            // The server lives on; the user sees that Mote itself failed here.
            found.add(new Diagnostic(Severity.ERROR, "ICE", "internal compiler error (a bug in Mote): " + e, new Span(file, 0, 0), List.of()));
        }
        java.util.function.Supplier<Compiler.Analysis> none = all == null ? () -> null : once(() -> {
            try {
                return Compiler.analyze(file, EnumSet.noneOf(Optimization.class), false, true);
            } catch (RuntimeException e) {
                return null;   // what fails here failed the analysis with every optimization too, and was reported
            }
        });
        return new DocumentAnalysis(file, version, List.copyOf(found), index, all, none);
    }

    boolean hasErrors() {
        return diagnostics.stream().anyMatch(d -> d.severity() == Severity.ERROR);
    }
}

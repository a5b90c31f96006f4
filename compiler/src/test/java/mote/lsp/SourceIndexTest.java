package mote.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import mote.home.MoteHome;
import mote.testutil.TestFiles;
import org.junit.jupiter.api.Test;

/** The index behind hovers and definitions, on every program the tests run, and the built-ins completion offers. */
class SourceIndexTest {
    @Test
    void completionsBuiltinsAreTheLanguagesBuiltins() {
        String program = """
                async fn main() {
                    print("a");
                    println("b {}", 1);
                    assert(true);
                    assert_eq(1, 1);
                    yield_now().await;
                    sleep_ms(1).await;
                    sleep_us(1).await;
                    let t = ticks();
                    if t == 12345 {
                        panic("no");
                    }
                    if t == 54321 {
                        unreachable();
                    }
                    exit(0);
                }
                """;
        DocumentAnalysis a = DocumentAnalysis.of(Path.of("builtins.mote").toAbsolutePath(), program, 1);
        assertEquals(List.of(), a.diagnostics());
        Set<String> found = new TreeSet<>();
        for (SourceIndex.Occurrence o : a.index().occurrences)
            if (o.key() instanceof String s && s.startsWith("builtin:")) found.add(s.substring("builtin:".length()));
        assertEquals(new TreeSet<>(Completions.BUILTINS.keySet()), found, "every built-in the checker knows, and no other");
    }

    /**
     * Every program of the test suite indexes (the generic walk reaches every kind of node), and
     * every name a definition is found for points into a file of the program.
     */
    @Test
    void indexesEveryProgramOfTheSuite() throws Exception {
        List<Path> programs;
        try (Stream<Path> run = Files.list(TestFiles.resources("run")); Stream<Path> examples = Files.list(MoteHome.get().resolve("examples"))) {
            programs = Stream.concat(run, examples).filter(p -> p.toString().endsWith(".mote")).sorted().toList();
        }
        assertTrue(programs.size() > 20, "programs: " + programs.size());
        int names = 0;
        for (Path p : programs) {
            DocumentAnalysis a = DocumentAnalysis.of(p.toAbsolutePath(), Files.readString(p), 1);
            assertEquals(List.of(), a.diagnostics().stream().filter(d -> d.severity() == mote.diag.Severity.ERROR).toList(), p.toString());
            assertNotNull(a.index(), p.toString());
            for (SourceIndex.Occurrence o : a.index().occurrences) {
                if (o.definition() || o.key() instanceof String s && s.startsWith("builtin:")) continue;
                SourceIndex.Occurrence def = a.index().definitions.get(o.key());
                if (def != null) {
                    names++;
                    // A file on disk, or a standard-library module (the server opens a copy of it).
                    assertTrue(def.span().file().path() != null || def.span().file().programPath().startsWith("std/"), p + ": " + o);
                }
            }
        }
        assertTrue(names > 500, "uses resolved to a definition: " + names);
    }
}

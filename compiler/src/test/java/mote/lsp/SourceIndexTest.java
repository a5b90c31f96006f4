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
    void completionsBuiltinsAreTheLanguagesBuiltins() throws Exception {
        String program = """
                async fn main() {
                    print("a");
                    println("b {}", 1);
                    assert(true);
                    assert_eq(1, 1);
                    yield_now().await;
                    sleep_ms(1).await;
                    sleep_us(1).await;
                    sleep_until(ticks() + 1).await;
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
        assertEquals(new TreeSet<>(Completions.BUILTINS.keySet()), found);
        // ... which are the type checker's own list, whatever is added to it.
        var field = mote.types.TypeChecker.class.getDeclaredField("BUILTINS");
        field.setAccessible(true);
        assertEquals(new TreeSet<>(((java.util.Map<?, ?>) field.get(null)).keySet().stream().map(String::valueOf).toList()), found,
                "completion's built-ins against TypeChecker.BUILTINS");
    }

    /** The 0.2 language: methods and associated functions, data enums, pattern bindings, `for x in`. */
    @Test
    void methodsPatternsAndDataEnumsAreIndexed() {
        String program = """
                struct Avg { sum: u32, n: u32 }

                enum Msg { Quit, Add(u32) }

                impl Avg {
                    fn new() -> Avg { Avg { sum: 0, n: 0 } }
                    fn add(&mut self, v: u32) { self.sum += v; self.n += 1; }
                }

                async fn main() {
                    let mut a = Avg.new();
                    let m = Msg.Add(3);
                    if let Msg.Add(k) = m {
                        a.add(k);
                    }
                    let xs = [1, 2];
                    for x in xs {
                        a.add(x);
                    }
                    println("{}", a.sum);
                }
                """;
        DocumentAnalysis a = DocumentAnalysis.of(Path.of("methods.mote").toAbsolutePath(), program, 1);
        assertEquals(List.of(), a.diagnostics());
        SourceIndex index = a.index();
        assertDefinedAt(index, program, "add(k)", "add(&mut");
        assertDefinedAt(index, program, "new();", "new()");
        assertDefinedAt(index, program, "k);", "k) = m");
        assertDefinedAt(index, program, "x);", "x in");
        assertDefinedAt(index, program, "Add(3)", "Add(u32)");
        // Locals inside a method are in scope there.
        assertEquals(List.of("self", "v"), index.locals.get(index.functionAt(program.indexOf("self.sum"))).stream().map(v -> v.name()).toList(),
                "the method's parameters are its locals");
        assertEquals("Avg.add", index.functionAt(program.indexOf("self.sum")).name().name());
        // After `a.`: the fields and the methods taking self; after `Avg.`: the associated functions.
        String typing = program.replace("println(\"{}\", a.sum);", "a.");
        assertEquals(List.of("sum", "n", "add"), Completions.at(typing, typing.indexOf("a.\n") + 2, index).stream().map(c -> c.getLabel()).toList());
        String typing2 = program.replace("println(\"{}\", a.sum);", "Avg.");
        assertEquals(List.of("new"), Completions.at(typing2, typing2.indexOf("Avg.\n") + 4, index).stream().map(c -> c.getLabel()).toList());
    }

    /** A `lock` block's name is a local defined where the block names it. */
    @Test
    void lockBindingsAreIndexed() {
        String program = """
                static STATE: Mutex<u32> = 0;

                async fn main() {
                    lock STATE as count {
                        *count += 1;
                    }
                }
                """;
        DocumentAnalysis a = DocumentAnalysis.of(Path.of("lock.mote").toAbsolutePath(), program, 1);
        assertEquals(List.of(), a.diagnostics());
        assertDefinedAt(a.index(), program, "count += 1", "count {");
        assertDefinedAt(a.index(), program, "STATE as", "STATE:");
    }

    private static void assertDefinedAt(SourceIndex index, String program, String use, String definition) {
        SourceIndex.Occurrence o = index.occurrenceAt(program.indexOf(use));
        assertNotNull(o, use);
        SourceIndex.Occurrence def = index.definitions.get(o.key());
        assertNotNull(def, "a definition for " + use);
        assertEquals(program.indexOf(definition), def.span().start(), use + " -> " + definition);
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

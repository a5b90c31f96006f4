package mote.size;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import mote.Compiler;
import mote.home.MoteHome;
import mote.board.Board;
import mote.cli.Main;
import mote.testutil.ProgramRunner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * `mote size`: the per-optimization report, its JSON keys (stable: docs/optimizations.md, "JSON keys"), and
 * the flash each motivating example takes with all optimizations, pinned like TinyGo's
 * sizes_test: if a change makes one smaller, lower its number here.
 */
class SizeReportTest {
    // 2026-12-02: runtime-c optimised with the program, 32-bit number printing (were 1370,
    // 1450, 1530, 1518 bytes); the fault report with frame and fault status registers, +16
    // bytes each (issue 16, see WholeProgramSizeTest); +4 for the active interrupts a stack
    // overflow's report names its handler by (WholeProgramSizeTest).
    static final Map<String, Long> MAX_FLASH_ALL = Map.of(
            "foo_bar", 766L, "forwarding", 934L, "pre_post", 982L, "process_command", 990L);

    static Map<String, SizeReport> reports = new java.util.HashMap<>();

    @BeforeAll
    static void measure() {
        for (String ex : MAX_FLASH_ALL.keySet()) {
            Path src = MoteHome.get().resolve("examples").resolve(ex + ".mote");
            reports.put(ex, SizeReport.measure(src, Compiler.Options.defaults(Board.load(Board.DEFAULT_NAME), ProgramRunner.tempDir())));
        }
    }

    @Test
    void everyVariantIsReported() {
        SizeReport r = reports.get("forwarding");
        assertEquals(List.of("baseline", "returned-pending", "drop-panicked", "ready-fold", "inline", "merge-states",
                "eager-start", "overlap-layout", "all"), r.variants().stream().map(SizeReport.Variant::name).toList());
        assertEquals(0, r.variant("baseline").flashDelta());
        assertEquals(r.variant("all").flash() - r.variant("baseline").flash(), r.variant("all").flashDelta());
    }

    @Test
    void pinnedFlashWithAllOptimizations() {
        for (var e : MAX_FLASH_ALL.entrySet()) {
            long flash = reports.get(e.getKey()).variant("all").flash();
            assertTrue(flash <= e.getValue(), e.getKey() + ": " + flash + " bytes of flash, pinned at most " + e.getValue()
                    + "; find what grew (mote size --check) or raise the pin with a reason");
        }
    }

    @Test
    void allOptimizationsBeatTheBaselineOnEveryMotivatingExample() {
        for (var e : reports.entrySet()) {
            SizeReport r = e.getValue();
            assertTrue(r.variant("all").flash() < r.variant("baseline").flash(), e.getKey());
            assertTrue(r.variant("all").taskStateBytes() < r.variant("baseline").taskStateBytes(), e.getKey());
        }
    }

    @Test
    void functionRowsSayWhatBecameOfEachFuture() {
        Map<String, SizeReport.FnRow> rows = reports.get("forwarding").functionsByName();
        assertEquals("inlined", rows.get("fwd2").fate());
        assertEquals(0, rows.get("fwd2").allBytes());
        assertEquals(28, rows.get("fwd2").baselineBytes());
        assertEquals("plain call (ready-fold)", reports.get("foo_bar").functionsByName().get("bar").fate());
    }

    @Test
    void jsonKeysAreStable() throws Exception {
        JsonNode root = SizeFormat.JSON.readTree(SizeFormat.json(reports.get("pre_post")));
        assertEquals("pre_post.mote", root.get("program").asText());
        assertEquals("lm3s6965evb", root.get("board").asText());
        JsonNode v = root.get("variants").get(0);
        for (String key : List.of("name", "text", "rodata", "data", "bss", "flash", "ram", "task_state_bytes",
                "flash_delta", "flash_delta_percent", "ram_delta"))
            assertTrue(v.has(key), "variant key " + key);
        JsonNode f = root.get("functions").get(0);
        for (String key : List.of("name", "baseline_states", "baseline_bytes", "all_states", "all_bytes", "fate"))
            assertTrue(f.has(key), "function key " + key);
    }

    @Test
    void jsonHasWhatInternedLoggingSaves() throws Exception {
        java.io.StringWriter out = new java.io.StringWriter();
        String src = MoteHome.get().resolve("examples").resolve("forwarding.mote").toString();
        assertEquals(0, mote(out, "size", src, "-o", ProgramRunner.tempDir().toString(), "--format", "json"));
        JsonNode root = SizeFormat.JSON.readTree(out.toString());
        JsonNode logging = root.get("logging");
        assertTrue(logging != null, "a logging key:\n" + out);
        JsonNode all = null;
        for (JsonNode v : root.get("variants")) if (v.get("name").asText().equals("all")) all = v;
        assertEquals(all.get("flash").asLong(), logging.get("text_flash").asLong(), "--log text with all optimizations is the `all` variant");
        long text = logging.get("text_flash").asLong(), interned = logging.get("interned_flash").asLong();
        assertTrue(interned < text, "forwarding prints: interning saves flash\n" + out);
        assertEquals(text - interned, logging.get("saved").asLong());
        assertTrue(logging.get("formats_bytes").asLong() > 0, "its formats are in .mote_log\n" + out);
    }

    @Test
    void markdownIsATable() {
        String md = SizeFormat.markdown(reports.get("process_command"));
        assertTrue(md.contains("| variant | .text |"), md);
        assertTrue(md.contains("| all |"), md);
        assertTrue(md.contains("| `process_command` |"), md);
    }

    static int mote(java.io.StringWriter out, String... args) {
        return Main.execute(args, new java.io.PrintWriter(out, true), new java.io.PrintWriter(new java.io.StringWriter(), true));
    }

    @Test
    void checkPassesUnchangedAndFailsOnGrowthNamingTheSymbols() throws Exception {
        Path dir = ProgramRunner.tempDir();
        Path app = dir.resolve("app.mote");
        java.nio.file.Files.copy(MoteHome.get().resolve("examples").resolve("foo_bar.mote"), app);
        String src = app.toString();
        String baseline = dir.resolve("size.json").toString();
        assertEquals(0, mote(new java.io.StringWriter(), "size", src, "-o", dir.toString(), "--save", baseline));
        java.io.StringWriter same = new java.io.StringWriter();
        assertEquals(0, mote(same, "size", src, "-o", dir.toString(), "--check", baseline, "--max-growth", "0.25"));
        assertTrue(same.toString().contains("size check passed (limit 0.25%)"), "the limit as given:\n" + same);
        // Deliberate growth: the program gains a chain of forwarding async fns.
        java.nio.file.Files.copy(MoteHome.get().resolve("examples").resolve("forwarding.mote"), app, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        java.io.StringWriter grown = new java.io.StringWriter();
        assertEquals(1, mote(grown, "size", src, "-o", dir.toString(), "--check", baseline, "--max-growth", "5"));
        String text = grown.toString();
        assertTrue(text.contains("size check FAILED: flash or RAM grew by more than 5%"), text);
        assertTrue(text.matches("(?s).*\\nmote_executor_run +\\d+ +\\d+ +\\+\\d+ +\\+\\d+\\.\\d%\\n.*"), "the symbol table names what grew:\n" + text);
        assertTrue(text.matches("(?s).*\\n\\S+ +0 +\\d+ +\\+\\d+ +new\\n.*"),
                "the symbol table names what grew, a new symbol as new (no percentage of nothing):\n" + text);
        java.io.StringWriter md = new java.io.StringWriter();
        mote(md, "size", src, "-o", dir.toString(), "--check", baseline, "--format", "markdown");
        assertTrue(md.toString().contains("| section | baseline | now |"), md.toString());
        assertTrue(md.toString().matches("(?s).*\\| `\\S+` \\| 0 \\| \\d+ \\| \\+\\d+ \\| new \\|.*"), md.toString());
    }

    /** A baseline records the flags it was built with: compared with another build's, the numbers would mean nothing. */
    @Test
    void aBaselineOfOtherFlagsIsRefused() throws Exception {
        String src = MoteHome.get().resolve("examples").resolve("forwarding.mote").toString();
        Path dir = ProgramRunner.tempDir();
        String baseline = dir.resolve("size.json").toString();
        assertEquals(0, mote(new java.io.StringWriter(), "size", src, "-o", dir.toString(), "--save", baseline));
        assertEquals("-O s --opt all --panic=abort", SizeFormat.JSON.readTree(java.nio.file.Files.readString(Path.of(baseline))).get("build").asText());
        java.io.StringWriter err = new java.io.StringWriter();
        int code = Main.execute(new String[] {"size", src, "-o", dir.toString(), "--opt", "none", "--check", baseline},
                new java.io.PrintWriter(new java.io.StringWriter(), true), new java.io.PrintWriter(err, true));
        assertEquals(1, code, err.toString());
        assertTrue(err.toString().contains("was saved from a build with `-O s --opt all --panic=abort`, but this build is `-O s --opt none --panic=abort`"),
                err.toString());
    }

    @Test
    void explainShowsLayoutsAndWhatBecameOfEachFuture() {
        java.io.StringWriter out = new java.io.StringWriter();
        assertEquals(0, mote(out, "explain", MoteHome.get().resolve("examples").resolve("forwarding.mote").toString()));
        String text = out.toString();
        assertTrue(text.contains("== leaf"), text);
        assertTrue(text.contains("inlined into its callers"), text);
        assertTrue(text.contains("state machine main"), text);
        java.io.StringWriter none = new java.io.StringWriter();
        assertEquals(0, mote(none, "explain", MoteHome.get().resolve("examples").resolve("forwarding.mote").toString(), "--opt", "none", "--fn", "fwd1"));
        assertTrue(none.toString().contains("state machine fwd1: 20 bytes"), none.toString());
        assertEquals(1, mote(new java.io.StringWriter(), "explain", MoteHome.get().resolve("examples").resolve("forwarding.mote").toString(), "--fn", "nope"));
        // It writes no files: options about files are usage errors, not ignored.
        for (String[] fileOption : new String[][] {{"-o", "somewhere"}, {"--emit", "ll"}}) {
            java.io.StringWriter err = new java.io.StringWriter();
            int code = Main.execute(new String[] {"explain", MoteHome.get().resolve("examples").resolve("forwarding.mote").toString(),
                    fileOption[0], fileOption[1]}, new java.io.PrintWriter(new java.io.StringWriter(), true), new java.io.PrintWriter(err, true));
            assertEquals(2, code, err.toString());
            assertTrue(err.toString().startsWith("error: mote explain writes no files: " + fileOption[0]), err.toString());
        }
    }

    /** "changed by" names the optimizations without which the machine would differ, not the whole set. */
    @Test
    void explainNamesOnlyTheOptimizationsThatChangedAMachine() throws Exception {
        java.nio.file.Path program = java.nio.file.Files.createTempFile("explain", ".mote");
        java.nio.file.Files.writeString(program, """
                static C: Channel<u32, 2>;
                task fn worker() { loop { let v = C.recv().await; println("{}", v); } }
                async fn main() { spawn worker(); C.send(1).await; yield_now().await; }
                """);
        java.io.StringWriter all = new java.io.StringWriter();
        assertEquals(0, mote(all, "explain", program.toString(), "--fn", "worker"));
        assertTrue(all.toString().contains("changed by: drop-panicked, overlap-layout\n"), all.toString());
        java.io.StringWriter inline = new java.io.StringWriter();
        assertEquals(0, mote(inline, "explain", program.toString(), "--fn", "worker", "--opt", "inline"));
        assertTrue(inline.toString().contains("changed by: nothing (the same as the baseline)\n"), "worker awaits no async fn: " + inline);
    }
}

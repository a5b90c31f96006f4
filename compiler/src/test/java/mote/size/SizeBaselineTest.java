package mote.size;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import mote.home.MoteHome;
import mote.cli.Main;
import mote.diag.ToolError;

/** `mote size --check` reads baselines strictly: what is wrong with one is said, never a crash or a silent pass. */
class SizeBaselineTest {
    @TempDir Path dir;

    static final String SECTIONS = "{\"text\": 100, \"rodata\": 10, \"data\": 4, \"bss\": 8, \"flash\": 114, \"ram\": 4108}";

    private String loadError(String json) throws IOException {
        Path file = Files.writeString(dir.resolve("baseline.json"), json);
        ToolError e = assertThrows(ToolError.class, () -> SizeBaseline.load(file));
        assertEquals(1, e.exitCode());
        return e.getMessage().replace(file.toString(), "FILE");
    }

    @Test
    void aSavedBaselineReadsBack() throws IOException {
        SizeBaseline saved = new SizeBaseline(SizeBaseline.VERSION, "app.mote", "lm3s6965evb", "-O s --opt all --panic=abort",
                new java.util.LinkedHashMap<>(Map.of("text", 100L, "rodata", 10L, "data", 4L, "bss", 8L, "flash", 114L, "ram", 4108L)),
                Map.of("main.poll", 40L));
        Path file = dir.resolve("saved.json");
        saved.save(file);
        SizeBaseline read = SizeBaseline.load(file);
        assertEquals(saved.sections(), read.sections());
        assertEquals(saved.symbols(), read.symbols());
        assertEquals("lm3s6965evb", read.board());
        assertEquals("-O s --opt all --panic=abort", read.build());
    }

    @Test
    void malformedBaselinesSayWhatIsWrong() throws IOException {
        assertEquals("FILE is not a Mote size baseline (as `mote size --save` writes): expected a JSON object, got nothing",
                loadError(""));
        assertTrue(loadError("{}").endsWith(": no `version`; save it again with `mote size APP.mote --save FILE`"));
        assertTrue(loadError("null").endsWith(": expected a JSON object, got null"));
        assertTrue(loadError("[1, 2]").endsWith(": expected a JSON object, got array"));
        String noSymbols = "{\"version\": 1, \"program\": \"app.mote\", \"board\": \"lm3s6965evb\", \"sections\": " + SECTIONS + "}";
        assertTrue(loadError(noSymbols).endsWith(": no `symbols`"), loadError(noSymbols));
        String negative = noSymbols.replace("}" + "}", "}, \"symbols\": {\"main.poll\": -40}}").replace("\"text\": 100", "\"text\": 100");
        assertEquals("FILE: `symbols.main.poll` must be a byte count (a whole number from 0), got -40", loadError(negative));
        String fraction = negative.replace("-40", "4.5");
        assertTrue(loadError(fraction).contains("must be a byte count"));
        String missingRam = negative.replace("-40", "40").replace(", \"ram\": 4108", "");
        assertTrue(loadError(missingRam).endsWith(": `sections` has no `ram`"), loadError(missingRam));
        assertTrue(loadError(negative.replace("\"version\": 1", "\"version\": 7")).startsWith("FILE: size baseline version 7 is not one"));
        assertTrue(loadError("{\"version\": 1, \"board\": 3}").endsWith(": no `program`"));
    }

    /** A baseline merged by hand (two saves pasted together, a key given twice) is refused, not half read. */
    @Test
    void textAfterTheBaselineOrAKeyTwiceIsRefused() throws IOException {
        String trailing = loadError("{\"version\": 1} {\"version\": 1}");
        assertTrue(trailing.startsWith("FILE is not a Mote size baseline") && trailing.contains("it is not JSON"), trailing);
        String twice = loadError("{\"version\": 1, \"version\": 2}");
        assertTrue(twice.contains("it is not JSON") && twice.contains("version"), twice);
    }

    @Test
    void aBinaryFileIsNotABaseline() throws IOException {
        Path file = Files.write(dir.resolve("baseline.json"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, (byte) 0xff, 1});
        ToolError e = assertThrows(ToolError.class, () -> SizeBaseline.load(file));
        assertEquals(file + " is not a Mote size baseline (as `mote size --save` writes): it is not text", e.getMessage());
    }

    @Test
    void aBaselineOfAnotherBoardOrProgramIsRefused() {
        Map<String, Long> sections = Map.of("flash", 100L, "ram", 100L);
        SizeBaseline base = new SizeBaseline(1, "app.mote", "lm3s6965evb", null, sections, Map.of());
        Path file = Path.of("size.json");
        ToolError board = assertThrows(ToolError.class,
                () -> base.requireSameBuild(new SizeBaseline(1, "app.mote", "microbit", null, sections, Map.of()), file));
        assertTrue(board.getMessage().startsWith("size.json is the size baseline of board `lm3s6965evb`, but this build is for `microbit`"),
                board.getMessage());
        ToolError program = assertThrows(ToolError.class,
                () -> base.requireSameBuild(new SizeBaseline(1, "other.mote", "lm3s6965evb", null, sections, Map.of()), file));
        assertTrue(program.getMessage().startsWith("size.json is the size baseline of `app.mote`, not of `other.mote`"),
                program.getMessage());
        base.requireSameBuild(new SizeBaseline(1, "app.mote", "lm3s6965evb", null, sections, Map.of()), file);
    }

    @Test
    void maxGrowthMustBeAFiniteNumber() {
        String src = MoteHome.get().resolve("examples").resolve("foo_bar.mote").toString();
        for (String bad : new String[] {"NaN", "Infinity", "-1"}) {
            StringWriter err = new StringWriter();
            int code = Main.execute(new String[] {"size", src, "-o", dir.toString(), "--check", "x.json", "--max-growth", bad},
                    new PrintWriter(new StringWriter()), new PrintWriter(err));
            assertEquals(2, code, bad);
            assertTrue(err.toString().startsWith("error: --max-growth must be a percentage from 0 up"), err.toString());
        }
    }

    /** A baseline that does not exist is a usage error (2), not a failed check (1). */
    @Test
    void aMissingBaselineIsAUsageError() {
        String src = MoteHome.get().resolve("examples").resolve("foo_bar.mote").toString();
        StringWriter err = new StringWriter();
        Path missing = dir.resolve("never-saved.json");
        int code = Main.execute(new String[] {"size", src, "-o", dir.toString(), "--check", missing.toString()},
                new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().startsWith("error: no such size baseline: " + missing + " (create it with `mote size APP.mote --save "),
                err.toString());
    }

    /** `--check --format json` prints what a CI step parses: the verdict and each row, not the table. */
    @Test
    void aCheckPrintsJsonWhenAskedTo() throws Exception {
        String src = MoteHome.get().resolve("examples").resolve("foo_bar.mote").toString();
        String baseline = dir.resolve("base.json").toString();
        assertEquals(0, Main.execute(new String[] {"size", src, "-o", dir.toString(), "--save", baseline},
                new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())));
        // As if the program had been smaller when the baseline was saved.
        var saved = (com.fasterxml.jackson.databind.node.ObjectNode) SizeFormat.JSON.readTree(Files.readString(Path.of(baseline)));
        var sections = (com.fasterxml.jackson.databind.node.ObjectNode) saved.get("sections");
        sections.put("text", sections.get("text").asLong() - 40);
        sections.put("flash", sections.get("flash").asLong() - 40);
        var symbols = (com.fasterxml.jackson.databind.node.ObjectNode) saved.get("symbols");
        String gone = symbols.fieldNames().next();   // as if added since
        symbols.remove(gone);
        Files.writeString(Path.of(baseline), SizeFormat.JSON.writeValueAsString(saved));
        StringWriter out = new StringWriter();
        int code = Main.execute(new String[] {"size", src, "-o", dir.toString(), "--check", baseline, "--format", "json"},
                new PrintWriter(out), new PrintWriter(new StringWriter()));
        com.fasterxml.jackson.databind.JsonNode json = SizeFormat.JSON.readTree(out.toString());
        assertEquals(1, code, out.toString());
        assertFalse(json.get("passed").asBoolean(), out.toString());
        assertEquals("text", json.get("sections").get(0).get("name").asText());
        assertEquals(40, json.get("sections").get(0).get("delta").asLong(), out.toString());
        boolean seen = false;
        for (var row : json.get("symbols")) {   // a symbol the baseline lacks is new: no percentage of nothing
            if (!row.get("name").asText().equals(gone)) continue;
            seen = true;
            assertEquals(0, row.get("baseline").asLong(), out.toString());
            assertTrue(row.get("delta_percent").isNull(), out.toString());
        }
        assertTrue(seen, gone + " in\n" + out);
    }

    @Test
    void maxGrowthWithoutACheckIsAUsageError() {
        String src = MoteHome.get().resolve("examples").resolve("foo_bar.mote").toString();
        StringWriter err = new StringWriter();
        int code = Main.execute(new String[] {"size", src, "-o", dir.toString(), "--max-growth", "5"},
                new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(2, code, err.toString());
        assertEquals("error: --max-growth applies to --check: add `--check BASELINE.json`\n", err.toString());
    }
}

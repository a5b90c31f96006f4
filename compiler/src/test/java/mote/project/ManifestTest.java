package mote.project;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import mote.diag.ToolError;
import org.junit.jupiter.api.Test;

/** Mote.toml: what each key sets, profiles over [build], and errors that name key, line and column. */
class ManifestTest {
    private static final Path FILE = Path.of("proj", "Mote.toml");

    private static Manifest parse(String text) {
        return Manifest.parse(FILE, text);
    }

    private static String error(String text) {
        ToolError e = assertThrows(ToolError.class, () -> parse(text));
        assertEquals(2, e.exitCode(), "a manifest error is a usage error");
        return e.getMessage();
    }

    @Test
    void readsEveryKeyAndAppliesTheProfileOverBuild() {
        Manifest m = parse("""
                [package]
                name = "blinky"
                entry = "app/main.mote"

                [build]
                board = "microbit"
                opt-level = "z"
                opt = "all,-inline"
                panic = "task"
                log = "interned"
                backtrace = true
                codegen-units = 1
                board-dirs = ["boards", "more/boards"]

                [size]
                max-flash = "16K"
                max-ram = 4096
                max-growth = 2.5
                baseline = "ci/size.json"

                [profile.debug]
                opt-level = 0
                debug = true
                max-flash = "64K"
                """);
        assertEquals("blinky", m.name());
        assertEquals("app/main.mote", m.entry());
        assertEquals(List.of("boards", "more/boards"), m.boardDirs());
        Manifest.Settings release = m.settings("release");
        assertEquals("microbit", release.board());
        assertEquals("z", release.optLevel());
        assertEquals("all,-inline", release.opt());
        assertEquals("task", release.panic());
        assertEquals("interned", release.log());
        assertEquals(true, release.backtrace());
        assertEquals(1, release.codegenUnits());
        assertNull(release.debug());
        assertEquals(16384L, release.maxFlash());
        assertEquals(4096L, release.maxRam());
        assertEquals(2.5, release.maxGrowth());
        assertEquals("ci/size.json", release.baseline());
        Manifest.Settings debug = m.settings("debug");
        assertEquals("0", debug.optLevel());
        assertEquals(true, debug.debug());
        assertEquals(65536L, debug.maxFlash());
        assertEquals("microbit", debug.board(), "what the profile leaves alone comes from [build]");
        assertEquals("profile.debug.max-flash", m.keyFor("debug", "max-flash", Manifest.Settings::maxFlash));
        assertEquals("size.max-flash", m.keyFor("release", "max-flash", Manifest.Settings::maxFlash));
    }

    @Test
    void onlyTheNameIsRequired() {
        Manifest m = parse("[package]\nname = \"x\"\n");
        assertEquals("src/main.mote", m.entry());
        assertEquals(Manifest.Settings.NONE, m.settings("release"));
    }

    @Test
    void badValuesNameTheKeyLineAndColumn() {
        assertEquals("Mote.toml:5:1: `build.opt-level`: expected \"s\", \"z\", \"2\" or \"0\", got `3`",
                error("[package]\nname = \"x\"\n\n[build]\nopt-level = 3\n"));
        assertEquals("Mote.toml:4:5: `build.panic`: expected \"abort\" or \"task\", got `unwind`",
                error("[package]\nname = \"x\"\n[build]\n    panic = \"unwind\"\n"));
        assertEquals("Mote.toml:4:1: `build.log`: expected \"text\" or \"interned\", got `defmt`",
                error("[package]\nname = \"x\"\n[build]\nlog = \"defmt\"\n"));
        assertEquals("Mote.toml:4:1: `build.backtrace`: expected true or false",
                error("[package]\nname = \"x\"\n[build]\nbacktrace = \"yes\"\n"));
        for (String units : new String[] {"0", "65", "2.5", "\"two\""})
            assertEquals("Mote.toml:4:1: `build.codegen-units`: expected a whole number from 1 to 64",
                    error("[package]\nname = \"x\"\n[build]\ncodegen-units = " + units + "\n"), units);
        assertTrue(error("[package]\nname = \"x\"\n[size]\nmax-flash = \"lots\"\n")
                .startsWith("Mote.toml:4:1: `size.max-flash`: expected a size in bytes"));
        assertTrue(error("[package]\nname = \"x\"\n[profile.debug]\nopt = \"all,-nope\"\n")
                .startsWith("Mote.toml:4:1: `profile.debug.opt`: "));
        assertEquals("Mote.toml:2:1: `package.name`: expected a string in quotes", error("[package]\nname = 7\n"));
        assertEquals("Mote.toml:4:1: `build.debug`: expected true or false", error("[package]\nname = \"x\"\n[build]\ndebug = \"yes\"\n"));
    }

    @Test
    void unknownKeysAndTablesSuggestTheClosest() {
        assertEquals("Mote.toml:4:1: `build.opt-levl`: unknown key; did you mean `opt-level`?",
                error("[package]\nname = \"x\"\n[build]\nopt-levl = \"s\"\n"));
        assertEquals("Mote.toml:3:2: `bulid`: unknown key; known here: package, build, size, profile", error("[package]\nname = \"x\"\n[bulid]\n"));
        assertTrue(error("[package]\nname = \"x\"\n[profile.fast]\n").startsWith("Mote.toml:3:2: `profile.fast`: unknown key"));
        assertEquals("Mote.toml: no [package] table; it needs at least `name = \"...\"`", error("[build]\nboard = \"x\"\n"));
    }

    @Test
    void syntaxErrorsComeWithJacksonsPlace() {
        assertEquals("Mote.toml:2:15: not valid TOML: Newline not permitted here", error("[package]\nname = \"broken\n"));
    }

    @Test
    void entryMustBeARelativeMoteFileWhicheverSeparatorItUses() {
        assertEquals("src\\app.mote", parse("[package]\nname = \"x\"\nentry = 'src\\app.mote'\n").entry());
        assertTrue(error("[package]\nname = \"x\"\nentry = 'C:\\fw\\main.mote'\n").contains("expected a path inside the project folder"));
        assertTrue(error("[package]\nname = \"x\"\nentry = \"/abs/main.mote\"\n").contains("expected a path inside the project folder"));
        assertTrue(error("[package]\nname = \"x\"\nentry = \"main.c\"\n").contains("expected a .mote file"));
    }

    @Test
    void placesAreFoundForInlineTablesQuotedKeysAndWindowsLineEnds() {
        assertTrue(error("profile.debug = { opt-level = \"9\" }\n[package]\nname = \"x\"\n")
                .startsWith("Mote.toml:1:1: `profile.debug.opt-level`: expected"), "an inline table: the line of its key");
        assertEquals("Mote.toml:3:1: `package.profile`: unknown key; known here: name, entry",
                error("[package]\nname = \"x\"\nprofile.debug = { opt-level = \"9\" }\n"), "a dotted key places the table it opens");
        assertTrue(error("[package]\r\nname = \"x\"\r\n[build]\r\n\"panic\" = \"never\"\r\n")
                .startsWith("Mote.toml:4:1: `build.panic`: "), "CRLF and a quoted key");
        assertTrue(error("[package]\nname = \"x\"\n[ profile . \"release\" ]\n  debug = 1\n")
                .startsWith("Mote.toml:4:3: `profile.release.debug`: expected true or false"));
    }
    /** An entry that is not there is placed at its key, as every other manifest error. */
    @Test
    void aMissingEntryFileNamesTheLineOfItsKey() throws Exception {
        Path root = java.nio.file.Files.createTempDirectory("mote-manifest");
        java.nio.file.Files.writeString(root.resolve("Mote.toml"), "[package]\nname = \"x\"\n\nentry = \"src/mian.mote\"\n");
        ToolError e = assertThrows(ToolError.class, () -> Project.at(root).entry());
        assertEquals("Mote.toml:4:1: `package.entry`: no such file: src/mian.mote", e.getMessage());
        assertEquals(2, e.exitCode());
    }

    @Test
    void aManifestThatIsNotUtf8NamesTheBadByte() throws Exception {
        Path root = java.nio.file.Files.createTempDirectory("mote-manifest");
        java.nio.file.Files.write(root.resolve("Mote.toml"), "[package]\nname = \"caf\u00e9\"\n# \u00ff\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        ToolError e = assertThrows(ToolError.class, () -> Project.at(root));
        assertEquals("Mote.toml:2:12: not UTF-8 text (byte 0xE9); save the file as UTF-8", e.getMessage());
        assertEquals(2, e.exitCode());
    }
}

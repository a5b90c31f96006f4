package mote.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mote.home.MoteHome;
import mote.testutil.ProgramRunner;
import org.junit.jupiter.api.Test;

/**
 * Projects end to end: `mote new` writes a project whose starter runs under QEMU, every verb
 * works in it without naming a file, flags override Mote.toml, budgets fail the build after the
 * report, and `mote size --check` uses the project's baseline.
 */
class ProjectCommandsTest {
    private record Run(int exit, String out, String err) {
        String all() { return out + err; }
    }

    private static Run mote(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private static Path newProject(String name, String... extra) {
        Path parent = ProgramRunner.tempDir();
        List<String> args = new ArrayList<>(List.of("new", name, "--in", parent.toString()));
        args.addAll(List.of(extra));
        Run r = mote(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.all());
        return parent.resolve(name);
    }

    /** `mote` as a user runs it: a separate JVM whose working folder is {@code cwd}. */
    private static Run moteIn(Path cwd, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dmote.home=" + MoteHome.get(), "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(cwd.toFile()).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS));
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    /**
     * A board QEMU cannot run: the CI recipe does not run the program under QEMU (it would fail
     * at once); it runs the tests on a QEMU machine with the same core, as the hint says.
     */
    @Test
    void aHardwareOnlyBoardGetsARecipeThatDoesNotRunItUnderQemu() throws Exception {
        Path parent = ProgramRunner.tempDir();
        Run created = mote("new", "radio", "--in", parent.toString(), "--board", "nrf52840-dk");
        assertEquals(0, created.exit(), created.all());
        assertTrue(created.out().contains("mote flash (nrf52840-dk has no QEMU machine); `mote test -b mps2-an386` runs the tests"),
                created.out());
        Path project = parent.resolve("radio");
        String recipe = Files.readString(project.resolve(".github/workflows/mote.yml"));
        assertTrue(!recipe.contains("mote run") && !recipe.contains("#if") && !recipe.contains("{{"), recipe);
        assertTrue(recipe.contains("run: mote build\n") && recipe.contains("run: mote size --check\n"), recipe);
        assertTrue(recipe.contains("run: mote test -b mps2-an386\n"), recipe);
        // What the recipe runs works.
        Run test = mote("test", "--project", project.toString(), "-b", "mps2-an386");
        assertEquals(0, test.exit(), test.all());
        assertTrue(test.out().contains("test doubles ... ok"), test.out());
        // A QEMU board's recipe runs the program itself.
        assertTrue(Files.readString(newProject("sim", "--board", "microbit").resolve(".github/workflows/mote.yml"))
                .contains("run: mote run --timeout 60\n"));
    }

    @Test
    void newWritesAProjectWhoseVerbsNeedNoArguments() throws Exception {
        Path project = newProject("blinky", "--board", "mps2-an385");
        for (String f : List.of("Mote.toml", "src/main.mote", "tests/basics.mote", ".github/workflows/mote.yml"))
            assertTrue(Files.isRegularFile(project.resolve(f)), f);
        assertTrue(Files.readString(project.resolve("Mote.toml")).contains("board = \"mps2-an385\""));
        assertTrue(Files.readString(project.resolve(".github/workflows/mote.yml")).contains("mote size --check"));

        // From a folder inside the project, as a user types it.
        Run run = moteIn(project.resolve("src"), "run", "--timeout", "60");
        assertEquals(0, run.exit(), run.all());
        assertEquals("Hello from blinky!\nblink 1\nblink 2\nblink 3\ndone\n", run.out());

        Run test = mote("test", "--project", project.toString());
        assertEquals(0, test.exit(), test.all());
        assertTrue(test.out().contains("test doubles ... ok"), test.out());
        assertTrue(test.out().contains("1 passed, 0 failed"), test.out());

        Run build = mote("build", "--project", project.toString());
        assertEquals(0, build.exit(), build.all());
        assertTrue(build.out().contains("wrote " + project.resolve("build").resolve("main.elf")), build.out());
        assertTrue(build.out().contains("blink "), "the task report names the starter's task: " + build.out());

        // `run --gdb` halts QEMU for a debugger, naming the project's entry file's folder for gdb's sources.
        int port;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Run halted = moteIn(project.resolve("src"), "run", "--gdb=" + port, "--timeout", "1");
        assertEquals(124, halted.exit(), halted.all());   // nobody attached; was an internal error (70)
        assertTrue(halted.err().contains("" + port), halted.all());

        Run flash = mote("flash", "--project", project.toString(), "--probe", "gdb=localhost:3333", "--dry-run");
        assertEquals(0, flash.exit(), flash.all());
        assertTrue(flash.out().contains("GDB remote protocol to localhost:3333:\n  vFlashWrite (or M) 0x00000000..0x000000c0"), "mps2-an385's 48 vectors, from the manifest's board: " + flash.out());
    }

    /** A test under tests/ imports the project's modules from the entry's folder (it found only tests/ and std). */
    @Test
    void testsImportTheProjectsModules() throws Exception {
        Path project = newProject("gauge", "--board", "mps2-an385");
        Files.writeString(project.resolve("src/scale.mote"), "fn scaled(raw: u32) -> u32 { raw * 3 / 2 }\n");
        Files.writeString(project.resolve("tests/scale_test.mote"), "import scale;\ntest fn scales() { assert_eq(scale.scaled(10), 15); }\n");
        Run test = mote("test", "--project", project.toString());
        assertEquals(0, test.exit(), test.all());
        assertTrue(test.out().contains("test scales ... ok"), test.out());
        // A module of the test's own folder still comes first.
        Files.writeString(project.resolve("tests/scale.mote"), "fn scaled(raw: u32) -> u32 { raw }\n");
        Run shadowed = mote("test", "--project", project.toString(), project.resolve("tests/scale_test.mote").toString());
        assertEquals(1, shadowed.exit(), shadowed.all());
    }

    @Test
    void flagsOverrideTheManifestAndTheDebugProfileAppliesWithDebug() throws Exception {
        Path project = newProject("levels");
        Path manifest = project.resolve("Mote.toml");
        // The manifest's board has no QEMU machine: a flag choosing one must win.
        Files.writeString(manifest, Files.readString(manifest).replace("board = \"lm3s6965evb\"", "board = \"nucleo-f401re\""));
        Run onManifestBoard = mote("run", "--project", project.toString(), "--timeout", "60");
        assertEquals(1, onManifestBoard.exit(), onManifestBoard.all());
        assertTrue(onManifestBoard.err().contains("nucleo-f401re"), onManifestBoard.err());
        Run overridden = mote("run", "--project", project.toString(), "-b", "lm3s6965evb", "--timeout", "60");
        assertEquals(0, overridden.exit(), overridden.all());

        Run release = mote("build", "--project", project.toString(), "-b", "lm3s6965evb", "--emit", "ll");
        Run debug = mote("build", "--project", project.toString(), "-b", "lm3s6965evb", "--debug", "-o", project.resolve("dbg").toString(), "--emit", "ll");
        assertEquals(0, release.exit(), release.all());
        assertEquals(0, debug.exit(), debug.all());
        long releaseFlash = flash(release.out()), debugFlash = flash(debug.out());
        assertTrue(debugFlash > releaseFlash, "[profile.debug] opt-level = \"0\" makes a bigger image: " + debugFlash + " vs " + releaseFlash);
    }

    /** `codegen-units` in the manifest cuts code generation (each partition heads the assembly); the flag overrides it. */
    @Test
    void codegenUnitsComeFromTheManifestUnlessTheFlagSaysOtherwise() throws Exception {
        Path project = newProject("units");
        Path manifest = project.resolve("Mote.toml");
        Files.writeString(manifest, Files.readString(manifest).replace("[build]\n", "[build]\ncodegen-units = 2\n"));
        Path cut = project.resolve("cut"), whole = project.resolve("whole");
        Run fromManifest = mote("build", "--project", project.toString(), "-b", "lm3s6965evb", "--emit", "asm", "-o", cut.toString());
        Run fromFlag = mote("build", "--project", project.toString(), "-b", "lm3s6965evb", "--emit", "asm", "-o", whole.toString(),
                "--codegen-units", "1");
        assertEquals(0, fromManifest.exit(), fromManifest.all());
        assertEquals(0, fromFlag.exit(), fromFlag.all());
        assertTrue(Files.readString(cut.resolve("main.s")).contains("@ ---- code generation partition 1 of 2 ----"));
        assertFalse(Files.readString(whole.resolve("main.s")).contains("code generation partition"));
    }

    private static long flash(String report) {
        var m = java.util.regex.Pattern.compile("FLASH:\\s+(\\d+) B").matcher(report);
        assertTrue(m.find(), report);
        return Long.parseLong(m.group(1));
    }

    @Test
    void aBudgetFailsTheBuildAfterTheReport() throws Exception {
        Path project = newProject("tight");
        Path manifest = project.resolve("Mote.toml");
        Files.writeString(manifest, Files.readString(manifest).replace("max-flash = \"32K\"", "max-flash = 1000"));
        Run build = mote("build", "--project", project.toString());
        assertEquals(1, build.exit(), build.all());
        assertTrue(build.out().contains("FLASH:"), "the report comes first: " + build.out());
        assertTrue(build.err().contains("error: over the project's size budget (Mote.toml, [size]):\n  flash: "), build.err());
        assertTrue(build.err().contains("`max-flash` is 1,000 (Mote.toml:14:1): "), "names where the budget was set: " + build.err());
        assertFalse(build.out().contains("wrote "), "no image past the budget is left to flash: " + build.out());
        try (var left = Files.walk(project)) {
            assertEquals(List.of(), left.filter(f -> f.toString().endsWith(".elf")).toList(), "an image past the budget was left behind");
        }
        Run size = mote("size", "--project", project.toString());
        assertEquals(1, size.exit(), "the size report of the shipped build (--opt all) is held to the budget too: " + size.all());
        assertTrue(size.out().contains("baseline"), size.out());
        assertTrue(size.err().contains("over the project's size budget"), size.err());
        // Any --opt is the build it ships: one optimization (a column of the report) or several (none is).
        for (String opt : new String[] {"inline", "all,-inline"}) {
            Run partial = mote("size", "--project", project.toString(), "--opt", opt);
            assertEquals(1, partial.exit(), "--opt " + opt + ": " + partial.all());
            assertTrue(partial.err().contains("over the project's size budget"), partial.err());
        }
        Run run = mote("run", "--project", project.toString());
        assertEquals(1, run.exit(), "run builds too, and stops before QEMU: " + run.all());
        assertFalse(run.out().contains("Hello"), run.out());
        assertTrue(run.err().indexOf("FLASH:") >= 0 && run.err().indexOf("FLASH:") < run.err().indexOf("over the project's size budget"),
                "the memory table before the error: " + run.err());
        Run save = mote("size", "--project", project.toString(), "--save");
        assertEquals(1, save.exit(), save.all());
        assertTrue(save.out().contains("FLASH:"), "the memory table before the error: " + save.all());
    }

    @Test
    void sizeCheckUsesTheProjectsBaseline() throws Exception {
        Path project = newProject("sized");
        Run save = mote("size", "--project", project.toString(), "--save");
        assertEquals(0, save.exit(), save.all());
        assertTrue(Files.isRegularFile(project.resolve("size-baseline.json")), save.all());
        Run check = mote("size", "--project", project.toString(), "--check");
        assertEquals(0, check.exit(), check.all());
        assertTrue(check.out().contains("size check passed (limit 2%)"), "max-growth comes from Mote.toml: " + check.out());
        Run fileGiven = mote("size", "--check", project.resolve("src/main.mote").toString());
        assertEquals(0, fileGiven.exit(), "`--check APP.mote`: the file is the program, the baseline the project's: " + fileGiven.all());
        assertTrue(fileGiven.out().contains("size check passed"), fileGiven.out());
        Run outside = mote("size", "--check", "examples/hello.mote");
        assertEquals(2, outside.exit(), outside.all());
        assertTrue(outside.err().contains("--save and --check need a BASELINE.json outside a project"), outside.err());
        // Grow the program: past the manifest's 2 %, the check fails; a flag allows more.
        Path main = project.resolve("src/main.mote");
        Files.writeString(main, Files.readString(main).replace("println(\"done\");",
                "println(\"done, and a much longer message that takes flash: {} {} {}\", 1, 2, 3);\n"
                        + "    for i in 0..10 { println(\"{}\", i * 7); }"));
        Run grown = mote("size", "--project", project.toString(), "--check");
        assertEquals(1, grown.exit(), grown.all());
        Run allowed = mote("size", "--project", project.toString(), "--check", "--max-growth", "90");
        assertEquals(0, allowed.exit(), allowed.all());
    }

    @Test
    void errorsOutsideAProjectAndInTheManifest() throws Exception {
        Path empty = ProgramRunner.tempDir();
        Run none = moteIn(empty, "build");
        assertEquals(2, none.exit(), none.all());
        assertTrue(none.err().contains("no program given, and no Mote.toml in this folder or above it"), none.err());

        Path project = newProject("broken");
        Path manifest = project.resolve("Mote.toml");
        Files.writeString(manifest, Files.readString(manifest).replace("board = \"lm3s6965evb\"", "board = \"lm3s6965\""));
        Run badBoard = mote("build", "--project", project.toString());
        assertEquals(2, badBoard.exit(), badBoard.all());
        assertTrue(badBoard.err().contains("error: Mote.toml:7:1: `build.board`: unknown board `lm3s6965`; did you mean `lm3s6965evb`?"), badBoard.err());

        Run exists = mote("new", "broken", "--in", project.getParent().toString());
        assertEquals(2, exists.exit());
        assertTrue(exists.err().contains("already exists and is not empty"), exists.err());
        Run badName = mote("new", "9lives", "--in", project.getParent().toString());
        assertEquals(2, badName.exit());
        assertTrue(badName.err().contains("is not a project name"), badName.err());
    }

    @Test
    void projectBoardFoldersComeFirstAndMayInheritTheInstallsCores() throws Exception {
        Path project = newProject("ownboard");
        Path boards = Files.createDirectories(project.resolve("boards"));
        Files.writeString(boards.resolve("my-board.json"), Files.readString(MoteHome.boardsDir().resolve("lm3s6965evb.json")));
        Path manifest = project.resolve("Mote.toml");
        Files.writeString(manifest, Files.readString(manifest).replace("board = \"lm3s6965evb\"", "board = \"my-board\"\nboard-dirs = [\"boards\"]"));
        Run run = mote("run", "--project", project.toString(), "--timeout", "60");
        assertEquals(0, run.exit(), run.all());
    }

    /** The manifest's board fails as `-b` does: a broken file is a board error (1), an unknown name a usage error (2). */
    @Test
    void aBrokenOrUnknownManifestBoardExitsAsWithDashB() throws Exception {
        Path project = newProject("brokenboard");
        Path boards = Files.createDirectories(project.resolve("boards"));
        Files.writeString(boards.resolve("my-board.json"), "{\"inherits\": \"lm3s6965evb\", \"memory\": [");
        Path manifest = project.resolve("Mote.toml");
        String original = Files.readString(manifest);
        Files.writeString(manifest, original.replace("board = \"lm3s6965evb\"", "board = \"my-board\"\nboard-dirs = [\"boards\"]"));
        Run broken = mote("build", "--project", project.toString());
        assertEquals(1, broken.exit(), broken.all());
        assertTrue(broken.err().contains("Mote.toml") && broken.err().contains("my-board.json: invalid JSON"), broken.err());
        Run brokenByFlag = mote("build", "--project", project.toString(), "-b", "my-board");
        assertEquals(1, brokenByFlag.exit(), brokenByFlag.all());

        Files.writeString(manifest, original.replace("board = \"lm3s6965evb\"", "board = \"lm3s6965\""));
        Run unknown = mote("build", "--project", project.toString());
        assertEquals(2, unknown.exit(), unknown.all());
        assertTrue(unknown.err().contains("unknown board `lm3s6965`"), unknown.err());
    }
}

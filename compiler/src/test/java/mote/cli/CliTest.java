package mote.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mote.home.MoteHome;
import mote.testutil.ProgramRunner;
import mote.testutil.TestFiles;
import org.junit.jupiter.api.Test;

/** The `mote` command line, run in-process: exit codes and the one-line errors users see. */
class CliTest {
    record Outcome(int exit, String out, String err, String console) {}

    static Outcome mote(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        PrintStream realOut = System.out;
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
            code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        } finally {
            System.setOut(realOut);
        }
        return new Outcome(code, out.toString(), err.toString(), console.toString(StandardCharsets.UTF_8));
    }

    static String example(String name) { return MoteHome.get().resolve("examples").resolve(name).toString(); }

    static String outDir() { return ProgramRunner.tempDir().toString(); }

    @Test
    void helpListsTheVerbs() {
        Outcome o = mote("--help");
        assertEquals(0, o.exit());
        for (String verb : new String[] {"build", "run", "boards"}) assertTrue(o.out().contains(verb), o.out());
        for (String verb : new String[] {"build", "run", "boards"}) assertEquals(0, mote(verb, "--help").exit(), verb + " --help");
    }

    /** `mote --help` lists each verb with the first line of its description: a whole sentence, not cut mid-way. */
    @Test
    void theVerbListHasWholeSentences() {
        String help = mote("--help").out();
        String commands = help.substring(help.indexOf("Commands:"), help.indexOf("\n\n", help.indexOf("Commands:")));
        String[] entries = commands.split("\n  (?=[a-z])");
        assertTrue(entries.length > 10, commands);
        for (int i = 1; i < entries.length; i++) {
            String summary = entries[i].replaceAll("\\s+", " ").strip();
            assertTrue(summary.endsWith("."), "`" + summary + "` ends mid-sentence");
        }
    }

    @Test
    void everyVerbPrintsTheVersion() {
        Outcome top = mote("--version");
        assertEquals(0, top.exit());
        assertTrue(top.out().startsWith("mote "), top.out());
        for (String verb : new String[] {"build", "run", "test", "size", "explain", "flash", "monitor", "boards", "new", "lsp"}) {
            Outcome o = mote(verb, "--version");
            assertEquals(0, o.exit(), verb);
            assertEquals(top.out(), o.out(), verb + " --version");
        }
    }

    @Test
    void noVerbIsAUsageError() {
        Outcome o = mote();
        assertEquals(2, o.exit());
        assertTrue(o.err().contains("missing command"), o.err());
    }

    @Test
    void buildWritesAnElfAndPrintsMemoryUse() {
        String dir = outDir();
        Outcome o = mote("build", example("foo_bar.mote"), "-o", dir, "--emit", "ll,asm,mir");
        assertEquals(0, o.exit(), o.err());
        assertTrue(Files.isRegularFile(Path.of(dir, "foo_bar.elf")));
        assertTrue(Files.isRegularFile(Path.of(dir, "foo_bar.ll")));
        assertTrue(Files.isRegularFile(Path.of(dir, "foo_bar.s")));
        assertTrue(TestFiles.read(Path.of(dir, "foo_bar.mir")).contains("state machine main"));
        assertTrue(TestFiles.read(Path.of(dir, "foo_bar.mir")).contains("fn bar() -> i32"), "bar is a plain fn under --opt all");
        assertTrue(o.out().contains("Memory region"), o.out());
        assertTrue(o.out().contains("FLASH:"), o.out());
    }

    /** Only what follows `--` goes to QEMU: a second program is a mistake, not a disk image. */
    @Test
    void runTakesOneProgramAndQemuArgumentsOnlyAfterTheDashes() {
        Outcome o = mote("run", example("hello.mote"), example("foo_bar.mote"), "-o", outDir());
        assertEquals(2, o.exit(), o.err());
        assertTrue(o.err().contains("unexpected argument `" + example("foo_bar.mote") + "`: `mote run` takes one program; arguments for QEMU go after `--`"), o.err());
        Outcome dashed = mote("run", example("foo_bar.mote"), "-o", outDir(), "--", "-d", "guest_errors");
        assertEquals(10, dashed.exit(), dashed.err());
    }

    @Test
    void runPassesTheProgramsExitCodeAndConsole() {
        Outcome o = mote("run", example("foo_bar.mote"), "-o", outDir());
        assertEquals(10, o.exit(), o.err());
        assertEquals("bar() = 10\n", o.console().replace("\r\n", "\n"));
    }

    @Test
    void runFeedsTheConsoleUartFromInput() throws Exception {
        Path typed = Files.createTempFile("mote-input", ".txt");
        Files.writeString(typed, "hello, mote.\n");
        Outcome o = mote("run", TestFiles.resources("run").resolve("uart_echo.mote").toString(), "--input", typed.toString(), "-o", outDir());
        assertEquals(0, o.exit(), o.err());
        assertTrue(o.console().contains("HELLO, MOTE"), o.console());
        assertTrue(o.console().contains("echoed 11 bytes"), o.console());
    }

    @Test
    void aMissingInputFileIsOneClearLine() {
        Outcome o = mote("run", example("foo_bar.mote"), "--input", "no/such/input.txt", "-o", outDir());
        assertEquals(2, o.exit(), "a missing input file is a usage error");
        assertEquals("error: no such file: no/such/input.txt (--input)\n", o.err());
        // A folder is the same kind of mistake (it exited 1, as if the program had failed).
        Outcome folder = mote("run", example("foo_bar.mote"), "--input", outDir(), "-o", outDir());
        assertEquals(2, folder.exit(), folder.err());
        assertTrue(folder.err().contains("is a folder (--input)"), folder.err());
    }

    /** A raw image (.bin, .hex, .uf2) was read as Mote source ("not UTF-8 text"): a usage error naming what flash takes. */
    @Test
    void flashRefusesRawImages() throws Exception {
        for (String name : List.of("app.bin", "app.hex", "APP.UF2")) {
            Path image = Files.write(ProgramRunner.tempDir().resolve(name), new byte[] {(byte) 0xff, 0, 0x20});
            Outcome o = mote("flash", image.toString(), "-b", "microbit", "--dry-run");
            assertEquals(2, o.exit(), o.err());
            assertTrue(o.err().startsWith("error: `" + image + "` is a raw image: `mote flash` takes a program (APP.mote) or a linked image (APP.elf)"), o.err());
        }
    }

    @Test
    void aSourceFileThatIsNotUtf8IsOneLineNamingTheByte() throws Exception {
        Path latin1 = Files.createTempFile("mote-latin1", ".mote");
        Files.write(latin1, "async fn main() -> i32 {\n    // caf\u00e9\n    0\n}\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Outcome o = mote("build", latin1.toString(), "-o", outDir());
        assertEquals(1, o.exit());
        assertEquals("error: " + latin1 + ":2:11: not UTF-8 text (byte 0xE9); save the file as UTF-8\n", o.err());
    }

    @Test
    void runOnTheSecondBoard() {
        Outcome o = mote("run", example("forwarding.mote"), "-b", "mps2-an385", "-o", outDir());
        assertEquals(55, o.exit(), o.err());
    }

    /**
     * Exit code 102 from an image without a fault report (its program touches no hardware):
     * `mote run` says the report was left out and how to see one; with a register the image
     * keeps the report, and a plain 102 gets no note.
     */
    @Test
    void exit102OfAnImageWithoutAFaultReportGetsANote() throws IOException {
        Path dir = ProgramRunner.tempDir();
        Path quiet = dir.resolve("quiet.mote"), reporting = dir.resolve("reporting.mote");
        Files.writeString(quiet, "async fn main() -> i32 { println(\"done\"); 102 }\n");
        Files.writeString(reporting, "register ID: u32 @ 0x400F_E000;\nasync fn main() -> i32 { println(\"id {}\", ID & 0); 102 }\n");
        Outcome o = mote("run", quiet.toString(), "-o", outDir());
        assertEquals(102, o.exit(), o.err());
        assertTrue(o.err().contains("note: exit code 102 is a fault's, and this image has no fault report"), o.err());
        assertTrue(o.err().contains("if the program returned 102 itself, this is no fault"), o.err());
        assertTrue(o.err().contains("--debug"), o.err());
        Outcome kept = mote("run", reporting.toString(), "-o", outDir());
        assertEquals(102, kept.exit(), kept.err());
        assertFalse(kept.err().contains("no fault report"), kept.err());
        Outcome debug = mote("run", quiet.toString(), "--debug", "-o", outDir());
        assertEquals(102, debug.exit(), debug.err());
        assertFalse(debug.err().contains("no fault report"), debug.err());
    }

    @Test
    void timeoutExits124WithAMessage() {
        Outcome o = mote("run", TestFiles.resources("cli").resolve("forever.mote").toString(), "--timeout", "1", "-o", outDir());
        assertEquals(124, o.exit());
        assertTrue(o.err().contains("did not finish within"), o.err());
    }

    @Test
    void missingFileIsOneClearLine() {
        Outcome o = mote("build", "no/such/file.mote", "-o", outDir());
        assertEquals(2, o.exit(), "a missing input file is a usage error");
        assertEquals("error: no such file: no/such/file.mote\n", o.err());
    }

    @Test
    void unknownBoardSuggestsTheClosestAndIsAUsageError() {
        Outcome o = mote("build", example("foo_bar.mote"), "-b", "lm3s6965", "-o", outDir());
        assertEquals(2, o.exit());
        assertTrue(o.err().startsWith("error: unknown board `lm3s6965`"), o.err());
        assertTrue(o.err().contains("did you mean `lm3s6965evb`?"), o.err());
        assertEquals(1, o.err().strip().lines().count(), o.err());
    }

    @Test
    void missingQemuIsOneClearLine() {
        String old = System.getProperty("mote.qemu");
        System.setProperty("mote.qemu", "/nonexistent/qemu-system-arm");
        try {
            Outcome o = mote("run", example("foo_bar.mote"), "-o", outDir());
            assertEquals(1, o.exit());
            assertTrue(o.err().contains("not found"), o.err());
            assertTrue(o.err().contains("apt-get install qemu-system-arm"), o.err());
            assertFalse(o.err().contains("Exception"), o.err());
        } finally {
            if (old == null) System.clearProperty("mote.qemu"); else System.setProperty("mote.qemu", old);
        }
    }

    @Test
    void compileErrorsAreRenderedWithPositionAndCaret() {
        String file = TestFiles.resources("cli").resolve("syntax_error.mote").toString();
        Outcome o = mote("build", file, "-o", outDir());
        assertEquals(1, o.exit());
        assertTrue(o.err().contains("error[E0023]"), o.err());
        // Named relative to the working directory (the repository root under Maven), as the
        // user would type it, though the test passed an absolute path.
        assertTrue(o.err().contains("--> compiler/src/test/resources/cli/syntax_error.mote:2:"), o.err());
        assertTrue(o.err().contains("^"), o.err());
        assertFalse(o.err().contains("Exception"), o.err());
    }

    @Test
    void badFlagsAreUsageErrors() {
        assertEquals(2, mote("build", example("foo_bar.mote"), "-O", "7").exit());
        assertEquals(2, mote("build", example("foo_bar.mote"), "--emit", "png").exit());
        assertEquals(2, mote("build", example("foo_bar.mote"), "--no-such-flag").exit());
        assertEquals(2, mote("run", example("foo_bar.mote"), "--timeout", "-3").exit());
        for (String timeout : new String[] {"NaN", "Infinity", "0"}) {
            Outcome o = mote("run", example("foo_bar.mote"), "--timeout", timeout, "-o", outDir());
            assertEquals(2, o.exit(), timeout + ": " + o.err());
            assertTrue(o.err().contains("--timeout must be a positive number of seconds"), o.err());
        }
        for (String units : new String[] {"0", "-1", "65", "two", ""}) {
            Outcome o = mote("build", example("foo_bar.mote"), "--codegen-units", units, "-o", outDir());
            assertEquals(2, o.exit(), units);
            assertEquals("error: bad --codegen-units `" + units + "`; give a whole number from 1 to 64", o.err().strip());
        }
    }

    /** With no locale (ASCII) the size report's `Δ` came out as `?`: such a locale gets UTF-8. */
    @Test
    void reportsAreWrittenInACharsetThatHasTheirSymbols() {
        assertEquals(StandardCharsets.UTF_8, Main.outputCharset(StandardCharsets.US_ASCII));
        assertEquals(StandardCharsets.UTF_8, Main.outputCharset(StandardCharsets.ISO_8859_1));
        assertEquals(StandardCharsets.UTF_8, Main.outputCharset(StandardCharsets.UTF_8));
        java.nio.charset.Charset utf16 = StandardCharsets.UTF_16LE;   // a locale charset that has them stays
        assertEquals(utf16, Main.outputCharset(utf16));
    }

    @Test
    void boardsListsTheDefaultAndQemuSupport() {
        Outcome o = mote("boards");
        assertEquals(0, o.exit());
        assertTrue(o.out().contains("lm3s6965evb *"), o.out());
        assertTrue(o.out().contains("mps2-an385"), o.out());
        assertTrue(o.out().contains("cortex-m3"), o.out());
    }

    @Test
    void emptyOrContradictoryOptListsAreUsageErrors() {
        for (String spec : new String[] {"", ",", "all,all,none"}) {
            Outcome o = mote("build", example("foo_bar.mote"), "--opt", spec, "-o", outDir());
            assertEquals(2, o.exit(), "--opt '" + spec + "': " + o.err());
            assertTrue(o.err().startsWith("error: --opt"), o.err());
        }
    }

    @Test
    void aFailingQemuIsReportedAsSuchNotAsTheProgramsExitCode() {
        // foo_bar exits 10; here QEMU refuses a machine property and never starts it.
        Outcome o = mote("run", example("foo_bar.mote"), "-o", outDir(), "--", "-machine", "no-such-property=on");
        assertEquals(1, o.exit(), o.err());
        assertTrue(o.err().startsWith("error: QEMU failed (exit status 1), so the program did not run: "), o.err());
        assertTrue(o.err().contains("no-such-property"), o.err());
    }

    @Test
    void aQemuFailureReportedOnStdoutOnlyIsReportedAsSuch() {
        // An unknown -d item: QEMU lists the items it knows on stdout (mixed with the console)
        // and exits 1, which foo_bar's own exit code (10) must not be confused with, nor 1.
        Outcome o = mote("run", example("foo_bar.mote"), "-o", outDir(), "--", "-d", "no_such_item");
        assertEquals(1, o.exit(), o.err());
        assertTrue(o.err().startsWith("error: QEMU failed (exit status 1), so the program did not run: an unknown `-d` log item"), o.err());
    }

    @Test
    void qemuOptionsThatPrintAndExitAreRefusedBeforeBuilding() {
        for (List<String> args : List.of(List.of("-cpu", "help"), List.of("-d", "int,help"), List.of("-version"), List.of("--help"),
                List.of("-M", "?"))) {
            List<String> command = new java.util.ArrayList<>(List.of("run", example("foo_bar.mote"), "-o", outDir(), "--"));
            command.addAll(args);
            Outcome o = mote(command.toArray(String[]::new));
            assertEquals(2, o.exit(), args + ": " + o.err());
            assertTrue(o.err().startsWith("error: `" + String.join(" ", args) + "` makes QEMU print its help or version and exit"
                    + " without running the program"), o.err());
            assertTrue(o.console().isEmpty(), o.console());
        }
        // An item merely containing "help" is not a request for it.
        assertEquals(10, mote("run", example("foo_bar.mote"), "-o", outDir(), "--", "-d", "guest_errors").exit());
    }

    @Test
    void anOutputFolderThatIsAFileSaysSo() throws Exception {
        Path file = Files.createTempFile("mote-out", ".txt");
        for (String out : new String[] {file.toString(), "/dev/null"}) {
            Outcome o = mote("build", example("foo_bar.mote"), "-o", out);
            assertEquals(2, o.exit(), o.err());
            assertEquals("error: -o " + out + " is not a folder; name a folder for the outputs (it is created if missing)\n", o.err());
        }
    }

    /** `explain --fn` with a name it has no machine for says why, or what it may have meant. */
    @Test
    void explainNamesTheFnItHasNoMachineFor() {
        Outcome typo = mote("explain", example("firmware.mote"), "--fn=heartbaet");
        assertEquals(1, typo.exit(), typo.err());
        assertTrue(typo.err().contains("no async fn or task named `heartbaet`") && typo.err().contains("did you mean `heartbeat`?"), typo.err());
        Outcome plain = mote("explain", example("firmware.mote"), "--fn=waveform");
        assertEquals(1, plain.exit(), plain.err());
        assertTrue(plain.err().contains("`waveform` is a plain fn: it has no state machine"), plain.err());
        Outcome unknown = mote("explain", example("pre_post.mote"), "--fn=zzzz");
        assertTrue(unknown.err().contains("the async fns and tasks: bar, foo, main"), unknown.err());
    }
}

package mote.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import mote.Compiler;
import mote.home.MoteHome;
import mote.board.Board;
import mote.cli.Main;
import mote.diag.CompileError;
import mote.diag.Diagnostic;
import mote.qemu.QemuOptions;
import mote.qemu.QemuResult;
import mote.qemu.QemuRunner;
import mote.testutil.MarkdownBlocks;
import mote.testutil.MarkdownBlocks.Block;
import mote.testutil.ProgramRunner;
import mote.testutil.TestFiles;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The user documentation cannot drift from the compiler: every Mote example and every shell
 * session in {@link #DOCS} is compiled, run and compared here. The conventions, by the fenced
 * block's info string (the first word is the language; the other words are attributes, which
 * markdown renderers do not show):
 * <ul>
 * <li>{@code ```mote} a whole program: built for lm3s6965evb (or {@code board=NAME}; {@code debug}
 *     and {@code panic=task} as the build flags) and run under QEMU. The next block must be
 *     {@code ```output}: its exact console output; {@code exit=N} on it gives the exit code (default 0).
 *     The program is saved as {@code example.mote}, the name panics print.</li>
 * <li>{@code ```mote check}: a whole program that is built but not run (it runs forever, or
 *     needs hardware); without an {@code async fn main} an empty one is added.</li>
 * <li>{@code ```mote fragment}: statements, built as the body of {@code async fn main() { }}.</li>
 * <li>{@code ```mote error=E0308}: must fail to build, with that code among its errors (an empty
 *     {@code main} is added when it has none and the code is not E0413).</li>
 * <li>{@code ```mote file=NAME}: written as NAME into the document's working folder for the
 *     blocks after it (an import, a {@code mote} command) and checked by them; another block
 *     must name it.</li>
 * <li>{@code ```console}: a shell session in the document's working folder. Each {@code $ mote ...}
 *     line runs the CLI in-process and the lines up to the next {@code $} are its exact output
 *     (stdout, then the program's console, then stderr); {@code $ echo $?} prints the previous
 *     command's exit code, which must otherwise be 0. With the attribute {@code sizes}, numbers
 *     match any number (byte counts change as the compiler improves; the words, rows and
 *     columns must still match). Commands that cannot run here (installing, flashing for
 *     real) go in {@code ```sh} blocks, which are not run.</li>
 * </ul>
 */
class DocsTest {
    static final List<String> DOCS = List.of("README.md", "docs/reference.md", "docs/guide.md", "docs/from-rust.md");
    private static final String DEFAULT_BOARD = Board.DEFAULT_NAME;
    private static final Set<String> PATH_OPTIONS = Set.of("-o", "--out-dir", "--save", "--check", "--junit", "--input");
    /** The verbs that write files, given an output folder of the session's (explain writes none, and refuses -o). */
    private static final Set<String> BUILDING_VERBS = Set.of("build", "run", "test", "size", "flash");
    private static final Pattern MAIN = Pattern.compile("\\basync\\s+fn\\s+main\\s*\\(");
    private static final Pattern NUMBER = Pattern.compile("[+-]?\\d+(?:\\.\\d+)?");

    @TestFactory
    Stream<DynamicNode> everyExampleOfEveryDocIsChecked() {
        List<DynamicNode> docs = new ArrayList<>();
        for (String doc : DOCS) {
            Path file = MoteHome.get().resolve(doc);
            List<Block> blocks = MarkdownBlocks.parse(file.getFileName().toString(), TestFiles.read(file));
            docs.add(DynamicContainer.dynamicContainer(doc, checks(blocks)));
        }
        return docs.stream();
    }

    /** One test per checked block, in document order: later blocks see the files earlier ones wrote. */
    private static Stream<DynamicTest> checks(List<Block> blocks) {
        Path folder = ProgramRunner.tempDir();
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            Block block = blocks.get(i);
            Block next = i + 1 < blocks.size() ? blocks.get(i + 1) : null;
            switch (block.language()) {
                case "mote" -> tests.add(DynamicTest.dynamicTest(block.where() + " " + kind(block), () -> checkMote(block, next, blocks, folder)));
                case "console" -> tests.add(DynamicTest.dynamicTest(block.where() + " console", () -> checkSession(block, folder)));
                case "output" -> {
                    Block previous = i > 0 ? blocks.get(i - 1) : null;
                    boolean claimed = previous != null && previous.language().equals("mote") && kind(previous).equals("run");
                    if (!claimed) tests.add(DynamicTest.dynamicTest(block.where() + " output", () -> fail(block.where() + ": an output block must follow a ```mote program")));
                }
                default -> { }   // rust, sh, json, text...: shown, not checked
            }
        }
        return tests.stream();
    }

    private static String kind(Block b) {
        for (String k : List.of("check", "fragment", "error", "file")) if (b.has(k)) return k;
        return "run";
    }

    private static void checkMote(Block block, Block next, List<Block> all, Path folder) throws IOException {
        for (String a : block.attributes().keySet()) {
            assertTrue(Set.of("check", "fragment", "error", "file", "board", "debug", "panic").contains(a),
                    block.where() + ": unknown attribute `" + a + "` on a mote block");
        }
        String kind = kind(block);
        if (kind.equals("file")) {
            String name = block.attribute("file", "");
            Files.writeString(folder.resolve(name), block.text());
            String stem = name.replaceFirst("\\.mote$", "");
            boolean used = all.stream().anyMatch(b -> b != block && (b.text().contains(name) || b.text().contains("import " + stem + ";")));
            assertTrue(used, block.where() + ": no other block uses " + name + ", so nothing checks it");
            return;
        }
        String source = block.text();
        boolean hasMain = MAIN.matcher(source).find();
        switch (kind) {
            case "fragment" -> source = "async fn main() {\n" + source + "}\n";
            case "check" -> { if (!hasMain) source += "\nasync fn main() {}\n"; }
            case "error" -> { if (!hasMain && !block.attribute("error", "").equals("E0413")) source += "\nasync fn main() {}\n"; }
            default -> { }
        }
        Path program = folder.resolve("example.mote");
        Files.writeString(program, source);
        Board board = Board.load(block.attribute("board", DEFAULT_BOARD));
        Compiler.Options options = Compiler.Options.defaults(board, folder.resolve("build")).withDebug(block.has("debug"))
                .withPanicAbort(!block.attribute("panic", "abort").equals("task"));
        if (kind.equals("error")) {
            String code = block.attribute("error", "");
            try {
                Compiler.compile(program, options).discard();
                fail(block.where() + ": expected error " + code + ", but the example compiled");
            } catch (CompileError e) {
                List<String> codes = e.diagnostics().all().stream().map(Diagnostic::code).toList();
                assertTrue(codes.contains(code), block.where() + ": expected " + code + ", got " + codes + "\n" + e.diagnostics().render());
            }
            return;
        }
        Compiler.Result build = compile(block, program, options);
        try {
            if (!kind.equals("run")) return;
            assertTrue(next != null && next.language().equals("output"), block.where() + ": a runnable example must be followed by an ```output block (or be marked `check`)");
            QemuResult q = new QemuRunner().run(board, build.elf(), QemuOptions.defaults().withTimeout(Duration.ofSeconds(30)));
            String output = relative(q.output().replace("\r\n", "\n"), folder);
            assertEquals(next.text(), output, block.where() + ": console output");
            int exit = Integer.parseInt(next.attribute("exit", "0"));
            assertEquals(exit, q.exitCode(), block.where() + ": exit code\n" + q.stderr());
        } finally {
            build.discard();
        }
    }

    private static Compiler.Result compile(Block block, Path program, Compiler.Options options) {
        try {
            return Compiler.compile(program, options);
        } catch (CompileError e) {
            throw new AssertionError(block.where() + ": the example does not compile\n" + e.diagnostics().render(), e);
        }
    }

    // ---- console sessions

    private record Command(String line, List<String> expected) {}

    private static void checkSession(Block block, Path folder) {
        List<Command> commands = new ArrayList<>();
        for (String line : block.text().split("\n", -1)) {
            if (line.startsWith("$ ")) commands.add(new Command(line.substring(2).strip(), new ArrayList<>()));
            else if (commands.isEmpty()) { if (!line.isBlank()) fail(block.where() + ": a console block starts with a `$ ` command"); }
            else commands.get(commands.size() - 1).expected().add(line);
        }
        assertFalse(commands.isEmpty(), block.where() + ": no command");
        int lastExit = 0;
        boolean exitShown = true;
        for (Command c : commands) {
            List<String> words = words(c.line());
            String actual;
            if (words.equals(List.of("echo", "$?"))) {
                actual = lastExit + "\n";
                exitShown = true;
            } else if (!words.isEmpty() && words.get(0).equals("mote")) {
                assertTrue(exitShown, block.where() + ": a command before `" + c.line() + "` exited with " + lastExit + ", which the doc does not show (`$ echo $?`)");
                Outcome o = mote(words.subList(1, words.size()), folder);
                actual = relative(o.out() + o.console() + o.err(), folder);
                lastExit = o.exit();
                exitShown = lastExit == 0;
            } else {
                throw new AssertionError(block.where() + ": `" + c.line() + "` cannot run in a checked console block (put it in a ```sh block)");
            }
            String expected = String.join("\n", c.expected()).replaceAll("\n+$", "");
            actual = actual.replaceAll("\n+$", "");
            if (block.has("sizes")) {
                assertTrue(loosely(expected).matcher(actual).matches(), block.where() + ": `" + c.line() + "` printed (numbers aside, it must match)\n"
                        + actual + "\n---- expected\n" + expected);
            } else {
                assertEquals(expected, actual, block.where() + ": output of `" + c.line() + "`");
            }
        }
        assertTrue(exitShown, block.where() + ": the last command exited with " + lastExit + ", which the doc does not show (`$ echo $?`)");
    }

    record Outcome(int exit, String out, String err, String console) {}

    /**
     * `mote ARGS` as typed in {@code folder}: the CLI runs in this JVM, whose working directory
     * is elsewhere, so names of files in the folder become absolute (and are printed back
     * relative), and builds go to the folder's `build/` as they would by default.
     */
    static Outcome mote(List<String> typed, Path folder) {
        List<String> args = new ArrayList<>();
        for (int i = 0; i < typed.size(); i++) {
            String a = typed.get(i);
            boolean pathValue = i > 0 && PATH_OPTIONS.contains(typed.get(i - 1));
            boolean existingFile = i > 0 && !a.startsWith("-") && Files.exists(folder.resolve(a));   // never the verb
            args.add(pathValue || existingFile ? folder.resolve(a).toString() : a);
        }
        if (!args.isEmpty() && BUILDING_VERBS.contains(args.get(0)) && !args.contains("-o") && !args.contains("--out-dir") && !args.contains("--help")) {
            args.addAll(1, List.of("-o", folder.resolve("build").toString()));
        }
        StringWriter out = new StringWriter(), err = new StringWriter();
        ByteArrayOutputStream console = new ByteArrayOutputStream(), consoleErr = new ByteArrayOutputStream();
        PrintStream realOut = System.out, realErr = System.err;
        int code;
        try {
            System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(consoleErr, true, StandardCharsets.UTF_8));
            code = Main.execute(args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        } finally {
            System.setOut(realOut);
            System.setErr(realErr);
        }
        return new Outcome(code, out.toString(), consoleErr.toString(StandardCharsets.UTF_8) + err,
                console.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"));
    }

    /** Shell words: spaces separate, single or double quotes group. */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("'([^']*)'|\"([^\"]*)\"|(\\S+)").matcher(line);
        while (m.find()) out.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
        return out;
    }

    private static String relative(String text, Path folder) {
        return text.replace(folder + "/", "").replace(folder.toString(), ".");
    }

    /** {@code expected} as a pattern in which every number matches any number and runs of spaces any run. */
    static Pattern loosely(String expected) {
        StringBuilder regex = new StringBuilder();
        for (String line : expected.split("\n", -1)) {
            if (regex.length() > 0) regex.append("\n");
            Matcher m = NUMBER.matcher(line);
            int at = 0;
            while (m.find()) {
                regex.append(literal(line.substring(at, m.start()), at == 0)).append("[+-]?\\d+(?:\\.\\d+)?");
                at = m.end();
            }
            regex.append(literal(line.substring(at), at == 0));
        }
        return Pattern.compile(regex.toString());
    }

    private static String literal(String text, boolean lineStart) {
        StringBuilder out = new StringBuilder();
        Matcher spaces = Pattern.compile(" +").matcher(text);
        int at = 0;
        while (spaces.find()) {
            out.append(Pattern.quote(text.substring(at, spaces.start()))).append(lineStart && spaces.start() == 0 ? " *" : " +");
            at = spaces.end();
        }
        return out.append(Pattern.quote(text.substring(at))).toString().replace("\\Q\\E", "");
    }

    // ---- the docs themselves

    @Test
    void theReadmeStaysInsideTheRepository() {
        String readme = TestFiles.read(MoteHome.get().resolve("README.md"));
        assertFalse(readme.contains("../"), "README.md points outside the repository");
        for (String doc : List.of("docs/guide.md", "docs/reference.md", "docs/from-rust.md")) {
            assertTrue(readme.contains(doc), "README.md links " + doc);
        }
    }

    @Test
    void helpNamesTheGuide() {
        Outcome o = mote(List.of("--help"), ProgramRunner.tempDir());
        assertEquals(0, o.exit());
        assertTrue(o.out().contains("docs/guide.md"), o.out());
    }

    @Test
    void numbersMatchLooselyOnlyWhereAsked() {
        assertTrue(loosely("FLASH:       1530 B       256 KB      0.58%").matcher("FLASH:  10000 B       256 KB      3.1%").matches());
        assertFalse(loosely("FLASH:       1530 B").matcher("RAM:       1530 B").matches());
        assertFalse(loosely("all -284 -15.7%").matcher("all -284 -15.7% extra").matches());
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

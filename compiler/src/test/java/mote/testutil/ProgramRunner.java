package mote.testutil;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import mote.Compiler;
import mote.board.Board;
import mote.qemu.QemuOptions;
import mote.qemu.QemuResult;
import mote.qemu.QemuRunner;

/**
 * Compiles a program in this JVM (no process per program: the suite grows to hundreds) and
 * runs its image under QEMU, returning console output and exit code.
 */
public final class ProgramRunner {
    private ProgramRunner() {}

    /** {@code output}: the console as `mote run` shows it (fault reports decoded). */
    public record Run(Compiler.Result build, QemuResult qemu, String output) {
        public Run(Compiler.Result build, QemuResult qemu) {
            this(build, qemu, qemu.output().replace("\r\n", "\n"));
        }
        public int exitCode() { return qemu.exitCode(); }
    }

    public static Run run(Path source, String boardName) {
        return run(source, boardName, options -> options);
    }

    public static Run run(Path source, String boardName, java.util.function.UnaryOperator<Compiler.Options> tweak) {
        return run(source, boardName, tweak, "");
    }

    /** {@code input}: bytes typed into the console UART while the program runs. */
    public static Run run(Path source, String boardName, java.util.function.UnaryOperator<Compiler.Options> tweak, String input) {
        Board board = Board.load(boardName);
        Path out = tempDir();
        Compiler.Result build = Compiler.compile(source, tweak.apply(Compiler.Options.defaults(board, out)));
        // The console as `mote run` shows it: fault reports and interned log frames decoded.
        var decoded = new java.io.ByteArrayOutputStream();
        var decoder = new mote.decode.ConsoleDecoder(new mote.decode.FaultDecoder(board, build.elf(), () -> worstCases(build, board)),
                mote.decode.LogDecoder.of(build.elf()));
        QemuResult q;
        try (var console = decoder.decoding(decoded)) {
            q = new QemuRunner().run(board, build.elf(), QemuOptions.defaults().withTimeout(Duration.ofSeconds(30))
                    .withInput(input.getBytes(java.nio.charset.StandardCharsets.UTF_8)).withConsole(console));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new Run(build, q, decoded.toString(java.nio.charset.StandardCharsets.UTF_8).replace("\r\n", "\n"));
    }

    /** The build's worst-case stack per task, which a stack overflow's report names. */
    private static java.util.Map<String, String> worstCases(Compiler.Result build, Board board) {
        return mote.size.StackCheck.faultFigures(build, board);
    }

    /** A new folder under the system's temporary one, deleted with its contents when the test JVM exits. */
    public static Path tempDir() {
        try {
            Path dir = Files.createTempDirectory("mote-test-");
            CREATED.add(dir);
            return dir;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every folder tempDir made: thousands in a full run, which would otherwise stay behind in /tmp. */
    private static final java.util.Queue<Path> CREATED = new java.util.concurrent.ConcurrentLinkedQueue<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> CREATED.forEach(ProgramRunner::deleteTree)));
    }

    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | java.io.UncheckedIOException e) {
            // best effort: a folder left behind costs only disk space
        }
    }
}

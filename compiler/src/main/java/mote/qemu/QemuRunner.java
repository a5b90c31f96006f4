package mote.qemu;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import mote.board.Board;
import mote.diag.ToolError;

/**
 * Runs a firmware ELF in {@code qemu-system-arm}.
 *
 * <p>The guest's console is QEMU's stdout: one stdio chardev carries both the first UART
 * ({@code -serial}) and semihosting output (SYS_WRITE0/SYS_WRITEC, which QEMU would otherwise
 * send to stderr); the monitor is off so nothing else shares stdio. The exit code comes from
 * semihosting SYS_EXIT_EXTENDED.
 * QEMU's stdin gets the options' input bytes (the console UART's receive side), then is
 * closed: a CI job has no terminal, and nothing waits on input. With terminal input it is
 * this process's own stdin instead (an interactive `mote run`).
 *
 * <p>The options themselves come from {@code qemu/flags} ({@link QemuFlags}), which the shell
 * runners {@code qemu/run} and {@code qemu/debug} read too.
 *
 * <p>The executable is {@code qemu-system-arm} on the PATH unless system property
 * {@code mote.qemu} or environment variable {@code MOTE_QEMU} names another (a path or a name).
 */
public final class QemuRunner {
    private static final String INSTALL_HINT = mote.home.Platform.host().qemuInstallHint();

    private final String executable;
    private final QemuFlags flags;

    /** Uses {@code mote.qemu} / {@code MOTE_QEMU} / {@code qemu-system-arm}. */
    public QemuRunner() {
        this(defaultExecutable());
    }

    public QemuRunner(String executable) {
        this.executable = executable;
        this.flags = QemuFlags.standard();
    }

    private static String defaultExecutable() {
        String property = System.getProperty("mote.qemu");
        if (property != null && !property.isBlank()) return property;
        String env = System.getenv("MOTE_QEMU");
        if (env != null && !env.isBlank()) return env;
        return mote.home.Platform.host().qemuExecutable();
    }

    /**
     * The full command line for running {@code elf} on {@code board}: the executable, then
     * {@code qemu/flags}' [run] options, its [debug] ones when the options name a gdb port,
     * the board's {@code qemu.extra-args} and the caller's extra arguments, in the order
     * {@code qemu/run} builds them too.
     */
    public List<String> command(Board board, Path elf, QemuOptions options) {
        Board.Qemu qemu = board.requireQemu();
        List<String> command = new ArrayList<>();
        command.add(locateExecutable().toString());
        command.addAll(flags.run(qemu.machine(), options.icountShift(), elf));
        options.gdbPort().ifPresent(port -> command.addAll(flags.debug(port)));
        command.addAll(qemu.extraArgs());
        command.addAll(options.extraArgs());
        return command;
    }

    /** Runs until the guest exits or the timeout passes; console output streams as it comes. */
    public QemuResult run(Board board, Path elf, QemuOptions options) {
        if (!Files.isRegularFile(elf)) throw new ToolError("no such file: " + elf);
        List<String> command = command(board, elf, options);
        long start = System.nanoTime();
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            if (options.terminal()) builder.redirectInput(ProcessBuilder.Redirect.INHERIT);
            process = builder.start();
        } catch (IOException e) {
            throw new ToolError("cannot start " + executable + ": " + e.getMessage());
        }
        if (!options.terminal()) {
            try (var stdin = process.getOutputStream()) {
                // What the options type into the console UART; then end of input (CI has no terminal).
                stdin.write(options.input());
            } catch (IOException e) {
                // Already gone: the exit code will tell.
            }
        }
        Capture console = new Capture(options.captureLimit());
        Capture stderr = new Capture(QemuOptions.DEFAULT_CAPTURE_LIMIT);
        Thread consoleReader = pump("qemu-console", process.getInputStream(), console, options.console(), null);
        Thread stderrReader = pump("qemu-stderr", process.getErrorStream(), stderr,
                options.diagnostics().orElse(OutputStream.nullOutputStream()),
                line -> flags.isHarmless(line, command.get(0)));
        // mote killed (a CI job cancelled, Ctrl-C): QEMU goes too, instead of running on orphaned.
        Process started = process;
        Thread stopQemu = new Thread(() -> killTree(started), "qemu-stop");
        Runtime.getRuntime().addShutdownHook(stopQemu);
        boolean timedOut;
        try {
            timedOut = !waitFor(process, options.timeout());
            if (timedOut) killTree(process);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopQemu);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it stops QEMU
            }
        }
        joinQuietly(consoleReader);
        joinQuietly(stderrReader);
        int exitCode = timedOut ? QemuResult.TIMEOUT_EXIT_CODE : process.exitValue();
        String errors = stderr.text();
        Optional<String> qemuError = timedOut || exitCode == 0 ? Optional.empty()
                : qemuError(command.get(0), errors).or(() -> listedInstead(exitCode, errors, console.head()));
        return new QemuResult(command, exitCode, timedOut, console.text(),
                errors, Duration.ofNanos(System.nanoTime() - start), qemuError);
    }

    /**
     * QEMU's own failures (bad options, unknown machine, unloadable image) are lines it prints as
     * {@code qemu-system-arm: message} before exiting with status 1; a guest's semihosting exit
     * prints nothing there. Warnings ({@code qemu-system-arm: warning: ...}) do not stop it.
     */
    static Optional<String> qemuError(String executable, String stderr) {
        String prefix = Path.of(executable).getFileName() + ": ";
        List<String> lines = stderr.lines()
                .filter(line -> line.startsWith(prefix) && !line.startsWith(prefix + "warning:"))
                .map(line -> line.substring(prefix.length()).strip())
                .toList();
        return lines.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", lines));
    }

    /** What QEMU prints, on stdout, instead of running when a `-d` item is unknown. */
    static final String LOG_ITEMS_LISTING = "Log items (comma separated):";

    /**
     * A failure QEMU reports on stdout only, mixed with the console: an unknown `-d` log item
     * makes it list the items it knows and exit with status 1 before the guest runs.
     */
    static Optional<String> listedInstead(int exitCode, String stderr, String consoleHead) {
        if (exitCode != 1 || !stderr.isBlank() || !consoleHead.startsWith(LOG_ITEMS_LISTING)) return Optional.empty();
        return Optional.of("an unknown `-d` log item: QEMU listed the items it knows instead of running");
    }

    /**
     * QEMU options that print something and exit without running the guest (`-cpu help`,
     * `-d help`, `-version`): passed after `--`, their text would be taken for the program's
     * output and QEMU's exit status for its exit code. Refused before anything runs.
     */
    public static void refuseInformational(List<String> extraArgs) {
        for (int i = 0; i < extraArgs.size(); i++) {
            String arg = extraArgs.get(i);
            String option = arg.startsWith("--") ? arg.substring(1) : arg;
            boolean asks = option.equals("-h") || option.equals("-help") || option.equals("-version")
                    || !arg.startsWith("-") && i > 0 && extraArgs.get(i - 1).startsWith("-")
                       && java.util.Arrays.stream(arg.split(",")).anyMatch(item -> item.equals("help") || item.equals("?"));
            if (asks) {
                String shown = arg.startsWith("-") ? arg : extraArgs.get(i - 1) + " " + arg;
                throw new ToolError("`" + shown + "` makes QEMU print its help or version and exit without running the program"
                        + "\n  = help: run `qemu-system-arm " + shown + "` for it", 2);
            }
        }
    }

    private Path locateExecutable() {
        if (executable.contains(File.separator) || executable.contains("/")) {   // a path (Windows takes / too), not a name
            Path path = Path.of(executable);
            if (Files.isExecutable(path)) return path;
            throw new ToolError(executable + " not found; " + INSTALL_HINT);
        }
        String pathVariable = System.getenv("PATH");
        if (pathVariable != null) {
            for (String dir : pathVariable.split(File.pathSeparator)) {
                if (dir.isEmpty()) continue;
                Path candidate = Path.of(dir, executable);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return candidate;
            }
        }
        throw new ToolError(executable + " not found; " + INSTALL_HINT);
    }

    private static boolean waitFor(Process process, Optional<Duration> timeout) {
        try {
            if (timeout.isEmpty()) {
                process.waitFor();
                return true;
            }
            return process.waitFor(timeout.get().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            throw new ToolError("interrupted while running QEMU");
        }
    }

    private static void killTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Copies a QEMU output stream line by line into {@code capture} and {@code sink}, flushing
     * the sink after every line so a user watching `mote run` sees output as it happens; with a
     * {@code harmless} test (stderr), the lines it accepts are dropped.
     */
    private static Thread pump(String name, InputStream in, Capture capture, OutputStream sink,
                               Predicate<String> harmless) {
        Thread thread = new Thread(() -> {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            try (in) {
                byte[] buffer = new byte[4096];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    for (int i = 0; i < n; i++) {
                        line.write(buffer[i]);
                        // A line without end (a program printing no newline) is passed on in pieces.
                        if (buffer[i] == '\n' || line.size() >= LONGEST_LINE) emit(line, capture, sink, harmless);
                    }
                    // A prompt without a newline should still show up promptly.
                    if (harmless == null && line.size() > 0 && in.available() == 0) emit(line, capture, sink, null);
                }
                if (line.size() > 0) emit(line, capture, sink, harmless);
            } catch (IOException e) {
                // The process was killed or closed its end: whatever arrived is kept.
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void emit(ByteArrayOutputStream line, Capture capture, OutputStream sink,
                             Predicate<String> harmless) throws IOException {
        byte[] bytes = line.toByteArray();
        line.reset();
        if (harmless != null && harmless.test(new String(bytes, StandardCharsets.UTF_8))) return;
        capture.keep(bytes);
        sink.write(bytes);
        sink.flush();
    }

    private static final int LONGEST_LINE = 64 * 1024;

    /** The first {@code limit} bytes of a stream, and how many more there were. */
    static final class Capture {
        /** The first bytes, kept whatever the limit: QEMU's own listings start there ({@link #listedInstead}). */
        private static final int HEAD = 64;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final ByteArrayOutputStream head = new ByteArrayOutputStream();
        private final long limit;
        private long dropped;

        Capture(long limit) {
            this.limit = limit;
        }

        synchronized void keep(byte[] bytes) {
            head.write(bytes, 0, Math.max(0, Math.min(bytes.length, HEAD - head.size())));
            int room = (int) Math.max(0, Math.min(bytes.length, limit - kept.size()));
            kept.write(bytes, 0, room);
            dropped += bytes.length - room;
        }

        synchronized String head() {
            return head.toString(StandardCharsets.UTF_8);
        }

        synchronized String text() {
            String text = kept.toString(StandardCharsets.UTF_8);
            if (dropped == 0) return text;
            return text + (text.isEmpty() || text.endsWith("\n") ? "" : "\n")
                    + "[" + dropped + " more bytes not kept: the limit is " + limit + "]\n";
        }
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

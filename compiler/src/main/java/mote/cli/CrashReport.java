package mote.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;
import mote.InternalCompilerError;

/**
 * What `mote` says when it breaks (an internal compiler error, or the JVM running out of memory
 * or stack): one short message naming the phase, the file and the place in the compiler, and
 * the Java stack trace in a crash file (`mote-crash-<timestamp>.txt` in the system temp
 * directory) whose path is printed, so the terminal shows no trace but a bug report can have it.
 */
final class CrashReport {
    private CrashReport() {}

    /** Prints the report for {@code crash} on {@code err}; returns the exit code, {@link Main#EXIT_INTERNAL_ERROR}. */
    static int print(Throwable crash, String[] args, PrintWriter err) {
        Throwable cause = crash instanceof InternalCompilerError ice && ice.getCause() != null ? ice.getCause() : crash;
        String where = InternalCompilerError.compilerPosition(cause);
        StringBuilder headline = new StringBuilder("error: internal compiler error");
        if (crash instanceof InternalCompilerError ice) headline.append(" in ").append(ice.phase()).append(" while compiling ").append(ice.file());
        headline.append(": ").append(summary(cause));
        if (where != null) headline.append(" (at ").append(where).append(")");
        err.println(headline);
        if (cause instanceof OutOfMemoryError || cause instanceof StackOverflowError)
            err.println("note: the compiler ran out of " + (cause instanceof OutOfMemoryError ? "memory" : "stack")
                    + "; an input this large or deeply nested should have been refused with an error");
        err.println("note: this is a bug in the Mote compiler " + InternalCompilerError.VERSION
                + ", not in your program; please report it with the file that triggered it");
        Path file = write(crash, args);
        err.println(file != null ? "note: the details are in " + file : "note: the crash report could not be written");
        err.flush();
        return Main.EXIT_INTERNAL_ERROR;
    }

    /** The exception's simple class name and message: `IllegalStateException: no local _3`. */
    private static String summary(Throwable t) {
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + firstLine(message));
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }

    /** Writes the crash file; null when it cannot be written (a full disk must not hide the report). */
    private static Path write(Throwable crash, String[] args) {
        try {
            StringWriter trace = new StringWriter();
            crash.printStackTrace(new PrintWriter(trace));
            String text = "mote " + InternalCompilerError.VERSION + " internal compiler error\n"
                    + "command: mote " + String.join(" ", Arrays.asList(args)) + "\n"
                    + "working directory: " + System.getProperty("user.dir") + "\n"
                    + "java: " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + "), "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch") + "\n\n"
                    + trace;
            String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS", Locale.ROOT));
            Path dir = Path.of(System.getProperty("java.io.tmpdir"));
            Path file = dir.resolve("mote-crash-" + stamp + ".txt");
            for (int n = 2; Files.exists(file); n++) file = dir.resolve("mote-crash-" + stamp + "-" + n + ".txt");
            return Files.writeString(file, text, StandardCharsets.UTF_8).toAbsolutePath();
        } catch (IOException | RuntimeException | Error e) {
            return null;
        }
    }
}

package mote.testing;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import mote.Compiler;
import mote.diag.CompileError;
import mote.diag.ToolError;
import mote.qemu.QemuOptions;
import mote.qemu.QemuResult;
import mote.qemu.QemuRunner;

/**
 * `mote test`: finds the `test fn`s and `test async fn`s of each file, builds one image per
 * test (its entry runs that test and exits 0; a failing test panics, so a panic fails only
 * its own test) and runs each under QEMU, up to one QEMU per core while the next image is built. Prints `test NAME ... ok` / `FAILED`, the
 * output of each failure, and `N passed, M failed`; can write JUnit XML.
 */
public final class TestRunner {
    /** One test's outcome. {@code message} is the panic line (or why it failed), null when it passed. */
    public record Outcome(Path file, String name, boolean passed, String message, String output, Duration elapsed) {
        /** The test's image did not build (an error the board or the test's entry brings out); {@code output} holds the diagnostics. */
        public boolean didNotCompile() { return !passed && BUILD_FAILED.equals(message); }
    }

    private static final String BUILD_FAILED = "did not compile";

    private final Compiler.Options options;
    private final Duration timeout;
    private final PrintWriter out;
    private final PrintWriter err;
    private final List<Outcome> outcomes = new ArrayList<>();
    /** Files that did not compile, with their diagnostics: JUnit XML reports each as an error. */
    private final java.util.Map<Path, String> brokenFiles = new java.util.LinkedHashMap<>();

    /** Where a test's imports are also looked for (a project's entry folder); none by default. */
    private List<Path> moduleFolders = List.of();

    /** A project's tests import the project's modules: they are looked for in {@code folders} too. */
    public TestRunner withModuleFolders(List<Path> folders) {
        this.moduleFolders = List.copyOf(folders);
        return this;
    }

    public TestRunner(Compiler.Options options, Duration timeout, PrintWriter out, PrintWriter err) {
        this.options = options;
        this.timeout = timeout;
        this.out = out;
        this.err = err;
    }

    public List<Outcome> outcomes() { return List.copyOf(outcomes); }

    /** Files that did not compile (their diagnostics were printed). */
    public int brokenFiles() { return brokenFiles.size(); }

    public boolean allPassed() { return brokenFiles.isEmpty() && outcomes.stream().allMatch(Outcome::passed); }

    /** The `.mote` files to test: the file itself, or every file under a directory that declares a test. */
    public static List<Path> files(Path fileOrDir) {
        if (Files.isRegularFile(fileOrDir)) return List.of(fileOrDir);
        if (!Files.isDirectory(fileOrDir)) throw new ToolError("no such file or directory: " + fileOrDir, 2);
        try (Stream<Path> s = Files.walk(fileOrDir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".mote")).filter(TestRunner::declaresTests).sorted().toList();
        } catch (IOException e) {
            throw new ToolError("cannot list " + fileOrDir + ": " + e.getMessage());
        }
    }

    private static boolean declaresTests(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8).matches("(?s).*\\btest\\s+(async\\s+)?fn\\b.*");
        } catch (IOException e) {
            return true;   // unreadable, or not UTF-8: compiling it reports why, and counts it
        }
    }

    /** Runs every test of every file; returns whether all passed. */
    public boolean run(List<Path> files) {
        for (Path f : files) runFile(f);
        int passed = (int) outcomes.stream().filter(Outcome::passed).count();
        int unbuilt = (int) outcomes.stream().filter(Outcome::didNotCompile).count();
        int failed = outcomes.size() - passed - unbuilt;
        List<Outcome> failures = outcomes.stream().filter(o -> !o.passed()).toList();
        if (!failures.isEmpty()) {
            out.println();
            out.println("failures:");
            java.util.Set<String> shown = new java.util.HashSet<>();   // one copy of the same errors for every test they stop
            for (Outcome o : failures) {
                out.println();
                out.println("---- " + o.file() + ": " + o.name() + (o.didNotCompile() ? " (did not compile)" : "") + " ----");
                if (o.didNotCompile() && !shown.add(o.file() + "\n" + o.output())) out.println("the same errors as above");
                else {
                    if (!o.output().isEmpty()) out.print(o.output().endsWith("\n") ? o.output() : o.output() + "\n");
                    // Why it failed, unless the output says it: a panic's line, a build's diagnostics.
                    boolean said = !o.output().isEmpty() && (o.didNotCompile() || o.output().lines().anyMatch(o.message()::equals));
                    if (!said) out.println(o.message());
                }
            }
        }
        out.println();
        int broken = brokenFiles.size();
        out.println("test result: " + (failed == 0 && unbuilt == 0 && broken == 0 ? "ok" : "FAILED") + ". " + passed + " passed, " + failed + " failed"
                + (unbuilt > 0 ? ", " + unbuilt + " test" + (unbuilt == 1 ? "" : "s") + " did not compile" : "")
                + (broken > 0 ? ", " + broken + " file" + (broken == 1 ? "" : "s") + " did not compile" : ""));
        out.flush();
        return allPassed();
    }

    private void runFile(Path file) {
        Compiler.Checked checked;   // parsed and type-checked once, for every test of the file
        try {
            checked = Compiler.check(Compiler.read(file), moduleFolders);
        } catch (CompileError e) {
            String diagnostics = e.diagnostics().render();
            err.print(diagnostics);
            err.flush();
            brokenFiles.put(file, diagnostics);
            return;
        }
        List<String> names = Compiler.testNames(checked);
        out.println();
        out.println("running " + names.size() + " test" + (names.size() == 1 ? "" : "s") + " from " + file);
        out.flush();
        // Images are built here, one after another; each runs under QEMU in the background
        // while the next is built, up to one QEMU per core. Results print in test order.
        ExecutorService qemu = Executors.newFixedThreadPool(PARALLEL_RUNS);
        try {
            ArrayDeque<Pending> running = new ArrayDeque<>();
            for (String name : names) {
                running.add(new Pending(name, start(file, checked, name, qemu)));
                if (running.size() > PARALLEL_RUNS) report(running.remove());
            }
            while (!running.isEmpty()) report(running.remove());
        } finally {
            qemu.shutdownNow();
        }
    }

    /** QEMU processes at a time: one per core (they are short, and most of a test's time is its build). */
    private static final int PARALLEL_RUNS = Math.max(1, Runtime.getRuntime().availableProcessors());

    private record Pending(String name, Future<Outcome> outcome) {}

    private void report(Pending p) {
        Outcome o = mote.home.Timings.time("QEMU", () -> outcome(p.outcome()));   // what is left of the run once its turn comes
        outcomes.add(o);
        out.println("test " + p.name() + " ... " + (o.passed() ? "ok" : o.didNotCompile() ? "did not compile" : "FAILED"));
        out.flush();
    }

    private static Outcome outcome(Future<Outcome> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolError("interrupted while running tests");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            if (e.getCause() instanceof Error er) throw er;
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Builds the test's image now and starts its QEMU run on {@code qemu}. */
    private Future<Outcome> start(Path file, Compiler.Checked checked, String name, ExecutorService qemu) {
        long start = System.nanoTime();
        Compiler.Result build;
        try {
            build = Compiler.compile(checked, options, name);
        } catch (CompileError e) {
            String text = e.diagnostics().render();
            return CompletableFuture.completedFuture(new Outcome(file, name, false, BUILD_FAILED, text, Duration.ofNanos(System.nanoTime() - start)));
        }
        try {
            return qemu.submit(() -> run(file, name, build, start));
        } catch (RuntimeException e) {
            build.discard();
            throw e;
        }
    }

    private Outcome run(Path file, String name, Compiler.Result build, long start) {
        QemuResult q;
        // Decoded as `mote run` decodes: fault reports in words, --log interned frames as text
        // (while the image is still there to decode with).
        java.io.ByteArrayOutputStream decoded = new java.io.ByteArrayOutputStream();
        try (java.io.OutputStream console = new mote.decode.ConsoleDecoder(
                new mote.decode.FaultDecoder(options.board(), build.elf(), java.util.Map.of()),
                mote.decode.LogDecoder.of(build.elf())).decoding(decoded)) {
            q = new QemuRunner().run(options.board(), build.elf(), QemuOptions.defaults().withTimeout(timeout).withConsole(console));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);   // a memory stream does not fail
        } finally {
            build.discard();
        }
        String output = decoded.toString(java.nio.charset.StandardCharsets.UTF_8).replace("\r\n", "\n");
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        if (q.timedOut()) return new Outcome(file, name, false, "timed out after " + timeout.toSeconds() + " s", output, elapsed);
        if (q.exitCode() == 0) return new Outcome(file, name, true, null, output, elapsed);
        String panic = output.lines().filter(l -> l.startsWith("panic: ") || l.startsWith(mote.decode.FaultReport.PREFIX))
                .findFirst().orElse("exited with code " + q.exitCode());
        return new Outcome(file, name, false, panic, output, elapsed);
    }

    /** JUnit XML (the format CI servers read): one testsuite per file, one testcase per test. */
    public void writeJUnit(Path target) {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
        List<Path> files = outcomes.stream().map(Outcome::file).distinct().toList();
        for (Path f : files) {
            List<Outcome> os = outcomes.stream().filter(o -> o.file().equals(f)).toList();
            long errors = os.stream().filter(Outcome::didNotCompile).count();   // JUnit's "error": the test could not run
            long failures = os.stream().filter(o -> !o.passed()).count() - errors;
            double time = os.stream().mapToLong(o -> o.elapsed().toMillis()).sum() / 1000.0;
            sb.append("  <testsuite name=\"").append(xml(f.toString())).append("\" tests=\"").append(os.size())
              .append("\" failures=\"").append(failures).append("\" errors=\"").append(errors).append("\" skipped=\"0\" time=\"").append(time).append("\">\n");
            for (Outcome o : os) {
                sb.append("    <testcase name=\"").append(xml(o.name())).append("\" classname=\"").append(xml(classname(f)))
                  .append("\" time=\"").append(o.elapsed().toMillis() / 1000.0).append('"');
                if (o.passed()) {
                    sb.append("/>\n");
                } else {
                    String element = o.didNotCompile() ? "error" : "failure";
                    sb.append(">\n      <").append(element).append(" message=\"").append(xml(o.message())).append("\">").append(xml(o.output()))
                      .append("</").append(element).append(">\n    </testcase>\n");
                }
            }
            sb.append("  </testsuite>\n");
        }
        // A file that did not compile has no tests to list: one errored testcase stands for it,
        // so a CI server shows the failure instead of a file with no tests.
        brokenFiles.forEach((f, diagnostics) -> sb.append("  <testsuite name=\"").append(xml(f.toString()))
                .append("\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\" time=\"0.0\">\n")
                .append("    <testcase name=\"(compile)\" classname=\"").append(xml(classname(f))).append("\" time=\"0.0\">\n")
                .append("      <error message=\"").append(BUILD_FAILED).append("\">").append(xml(diagnostics))
                .append("</error>\n    </testcase>\n  </testsuite>\n"));
        sb.append("</testsuites>\n");
        try {
            if (target.toAbsolutePath().getParent() != null) Files.createDirectories(target.toAbsolutePath().getParent());
            Files.writeString(target, sb.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ToolError("cannot write " + target + ": " + e.getMessage());
        }
    }

    private static String classname(Path f) {
        String n = f.getFileName().toString();
        return n.endsWith(".mote") ? n.substring(0, n.length() - 5) : n;
    }

    private static String xml(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                default -> { if (c >= 0x20 || c == '\n' || c == '\t') sb.append(c); }
            }
        }
        return sb.toString();
    }
}

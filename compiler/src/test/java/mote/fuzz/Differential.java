package mote.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import mote.Compiler;
import mote.InternalCompilerError;
import mote.board.Board;
import mote.diag.CompileError;
import mote.llvm.LlvmBackend;
import mote.opt.Optimization;
import mote.qemu.QemuOptions;
import mote.qemu.QemuResult;
import mote.qemu.QemuRunner;

/**
 * Differential testing of whole programs: a program is built every way in {@link #matrix()}
 * and each build's console output and exit code must equal the reference build's
 * (`--opt none -O s`). Compilation happens in this JVM, one build at a time; the QEMU runs go
 * to a small pool so that the next build compiles while the previous one runs.
 */
public final class Differential implements AutoCloseable {
    /** One way to build a program: its command-line spelling and how it changes the options. */
    public record Build(String name, UnaryOperator<Compiler.Options> tweak) {
        @Override public String toString() { return name; }
    }

    /** How one build of a program ended: a compile failure (error or crash), or a run. */
    public record Outcome(String compileFailure, String output, int exitCode, boolean timedOut) {
        boolean compiled() { return compileFailure == null; }

        String describe() {
            if (!compiled()) return compileFailure;
            return (timedOut ? "TIMED OUT\n" : "") + "exit " + exitCode + "\n" + output;
        }
    }

    /** What went wrong with a program, and in which build; {@code kind} decides what shrinking keeps. */
    public record Failure(Kind kind, Build build, Outcome reference, Outcome actual) {
        public String describe() {
            if (kind == Kind.MISMATCH && reference.compiled() && actual.compiled())
                return kind + " under `" + build.name() + "` (- reference `" + REFERENCE.name() + "`, + `" + build.name() + "`):\n"
                        + mote.testutil.Golden.diff(reference.describe(), actual.describe());
            return kind + " under `" + build.name() + "`\n--- reference (`" + REFERENCE.name() + "`):\n" + reference.describe()
                    + "\n--- `" + build.name() + "`:\n" + actual.describe();
        }
    }

    public enum Kind {
        /** The reference build does not compile: the generator made an invalid program, or the compiler rejects a valid one. */
        REJECTED,
        /** The compiler crashed (internal compiler error) on this build. */
        CRASH,
        /** The reference build hung or panicked where the program does not mean to: a generator or baseline bug. */
        BAD_REFERENCE,
        /** Output or exit code differ from the reference. */
        MISMATCH
    }

    public static final Build REFERENCE = new Build("--opt none", o -> o.withOpts(EnumSet.noneOf(Optimization.class)));

    /** Every build compared with the reference, in a fixed order. */
    public static List<Build> matrix() {
        List<Build> m = new ArrayList<>();
        m.add(new Build("--opt all", o -> o.withOpts(EnumSet.allOf(Optimization.class))));
        for (Optimization opt : Optimization.values())
            m.add(new Build("--opt " + opt.cliName, o -> o.withOpts(EnumSet.of(opt))));
        for (Optimization opt : Optimization.values()) {
            Set<Optimization> allBut = EnumSet.allOf(Optimization.class);
            allBut.remove(opt);
            m.add(new Build("--opt all,-" + opt.cliName, o -> o.withOpts(allBut)));
        }
        for (LlvmBackend.OptLevel level : List.of(LlvmBackend.OptLevel.O0, LlvmBackend.OptLevel.Z, LlvmBackend.OptLevel.O2))
            m.add(new Build("-O " + level.name().replace("O2", "2").replace("O0", "0").toLowerCase(), o -> o.withOptLevel(level)));
        m.add(new Build("--debug", o -> o.withDebug(true)));
        return List.copyOf(m);
    }

    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(20);

    private final Board board = Board.load(Board.DEFAULT_NAME);
    private final ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "fuzz-qemu");
        t.setDaemon(true);
        return t;
    });
    private final Path work;
    private int counter;
    /** Time spent compiling and running (ns), and builds skipped because their stack outgrew the board's. */
    private final java.util.concurrent.atomic.AtomicLong compileNanos = new java.util.concurrent.atomic.AtomicLong(),
            runNanos = new java.util.concurrent.atomic.AtomicLong();
    private int stackLimited;

    public String stats() {
        return String.format("compile %.0f s, run %.0f s, %d builds skipped (stack outgrew the board's)",
                compileNanos.get() / 1e9, runNanos.get() / 1e9, stackLimited);
    }

    public Differential() {
        try {
            work = Files.createTempDirectory("mote-fuzz-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Builds {@code source} as the reference and each of {@code builds}, and returns the first
     * failure found (null when every build behaves like the reference).
     */
    public Failure check(String source, List<Build> builds) {
        Path dir = work.resolve("p" + (counter++));
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve("fuzz.mote");
            Files.writeString(file, source);
            Compiled ref = compile(file, REFERENCE, dir);
            if (ref.failure != null) {
                Kind kind = ref.crashed ? Kind.CRASH : Kind.REJECTED;
                return new Failure(kind, REFERENCE, ref.outcomeNow(), ref.outcomeNow());
            }
            Future<Outcome> refRun = pool.submit(() -> ref.run());
            List<Future<Outcome>> runs = new ArrayList<>();
            List<Compiled> compiled = new ArrayList<>();
            for (Build b : builds) {
                Compiled c = compile(file, b, dir);
                compiled.add(c);
                runs.add(c.failure != null ? null : pool.submit(c::run));
            }
            Outcome reference = refRun.get();
            if (reference.timedOut() || reference.exitCode() > 127
                    || (reference.output().contains("panic:") && !source.contains(DELIBERATE_PANIC)))
                return new Failure(Kind.BAD_REFERENCE, REFERENCE, reference, reference);
            for (int i = 0; i < builds.size(); i++) {
                Compiled c = compiled.get(i);
                if (c.failure != null) return new Failure(c.crashed ? Kind.CRASH : Kind.MISMATCH, builds.get(i), reference, c.outcomeNow());
                Outcome o = runs.get(i).get();
                if (!o.output().equals(reference.output()) || o.exitCode() != reference.exitCode() || o.timedOut()) {
                    if (outgrewStack(reference, file, builds.get(i), dir)) { stackLimited++; continue; }
                    return new Failure(Kind.MISMATCH, builds.get(i), reference, o);
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            deleteTree(dir);
        }
    }

    /**
     * A build that behaves differently because it outgrew its stack is no miscompilation: at
     * -O 0 every temporary has a slot, and a deep chain of calls can need more than the board
     * reserves. Past the start of RAM some QEMU machines fault (a `stack overflow` panic), others
     * read zeros and ignore writes (wrong values, silently). So a differing build is built
     * again on the same board with a 16 KiB stack: if that one behaves like the reference, the
     * difference was the stack, and the build is set aside.
     */
    private boolean outgrewStack(Outcome reference, Path file, Build build, Path dir) {
        Board big = new Board(board.name(), board.description(), board.file(), board.llvmTarget(), board.cpu(), board.features(),
                board.floatAbi(), board.memory(), board.clockHz(), board.console(), board.irqs(), board.irqCount(), 16 * 1024,
                board.qemu(), board.flash());
        try {
            Compiler.Result r = Compiler.compile(file, build.tweak().apply(Compiler.Options.defaults(big, dir.resolve("bigstack"))));
            QemuResult q = new QemuRunner().run(big, r.elf(), QemuOptions.defaults().withTimeout(RUN_TIMEOUT));
            return q.output().replace("\r\n", "\n").equals(reference.output()) && q.exitCode() == reference.exitCode();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Marks the programs that end in a panic on purpose (the same in every build). */
    public static final String DELIBERATE_PANIC = "// deliberate panic";

    /** Does {@code source} still fail the way {@code failure} did (for shrinking)? */
    public boolean stillFails(String source, Failure failure) {
        Failure again = check(source, failure.build() == REFERENCE ? List.of() : List.of(failure.build()));
        if (again == null || again.kind() != failure.kind()) return false;
        return switch (failure.kind()) {
            case REJECTED -> errorCodes(again.reference().compileFailure()).equals(errorCodes(failure.reference().compileFailure()));
            case CRASH -> firstLine(again.actual().compileFailure()).equals(firstLine(failure.actual().compileFailure()));
            case BAD_REFERENCE -> again.reference().timedOut() == failure.reference().timedOut();
            case MISMATCH -> again.build().equals(failure.build());
        };
    }

    private static String errorCodes(String text) {
        StringBuilder sb = new StringBuilder();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("error\\[(E\\d+)\\]").matcher(text == null ? "" : text);
        while (m.find()) sb.append(m.group(1)).append(' ');
        return sb.toString();
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        // The exception, without the position it happened at (which shrinking moves).
        String first = s.lines().findFirst().orElse("");
        return first.replaceAll("\\d+", "#");
    }

    private final class Compiled {
        final Compiler.Result result;
        final Path elf;
        final String failure;
        final boolean crashed;

        Compiled(Compiler.Result result, String failure, boolean crashed) {
            this.result = result;
            this.elf = result == null ? null : result.elf();
            this.failure = failure;
            this.crashed = crashed;
        }

        Outcome outcomeNow() { return new Outcome(failure, "", -1, false); }

        Outcome run() {
            long t0 = System.nanoTime();
            QemuResult q = new QemuRunner().run(board, elf, QemuOptions.defaults().withTimeout(RUN_TIMEOUT));
            runNanos.addAndGet(System.nanoTime() - t0);
            return new Outcome(null, q.output().replace("\r\n", "\n"), q.exitCode(), q.timedOut());
        }
    }

    private Compiled compile(Path file, Build build, Path dir) {
        Path out = dir.resolve(build.name().replaceAll("[^A-Za-z0-9]+", "_"));
        long t0 = System.nanoTime();
        try {
            Compiler.Result r = Compiler.compile(file, build.tweak().apply(Compiler.Options.defaults(board, out)));
            if (!r.fits()) return new Compiled(null, "image does not fit: " + r.overflow(), false);
            return new Compiled(r, null, false);
        } catch (CompileError e) {
            return new Compiled(null, e.diagnostics().render(), false);
        } catch (InternalCompilerError e) {
            java.io.StringWriter sw = new java.io.StringWriter();
            e.getCause().printStackTrace(new java.io.PrintWriter(sw));
            return new Compiled(null, e.getMessage() + "\n" + sw.toString().lines().limit(12).reduce("", (a, b) -> a + b + "\n"), true);
        } catch (RuntimeException e) {
            return new Compiled(null, "unexpected " + e, true);
        } finally {
            compileNanos.addAndGet(System.nanoTime() - t0);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: leaving it behind is harmless
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
        deleteTree(work);
    }
}

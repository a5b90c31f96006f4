package mote.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import mote.Compiler;
import mote.home.MoteCache;
import mote.home.MoteHome;
import mote.board.Board;
import mote.link.ImageSize;
import mote.link.Linker;
import mote.link.RuntimeBuilder;
import mote.home.Toolchain;
import mote.opt.Optimization;
import mote.qemu.QemuOptions;
import mote.qemu.QemuResult;
import mote.qemu.QemuRunner;
import mote.size.SizeFormat;
import mote.size.SizeReport;

/**
 * `make bench`: the numbers Mote exists for, printed as tables. For every example, the
 * per-optimization size report; for the motivating examples, the program's own flash
 * (image minus the empty program's image) and RAM under `--opt none`, under `--opt all`, for
 * the C an expert would write with its own minimal executor (bench/c-expert/, {@link ExpertC})
 * and for a hand-written C equivalent on runtime-c (bench/c/, same clang, runtime and linker),
 * each C program's output checked against the Mote program's under QEMU, and for the Rust
 * equivalent built by rustc (bench/rust/, {@link RustBaseline}) when one is installed; the
 * inline cost model against inlining nothing and everything; the runtime's instructions per
 * event against expert C (SpeedBench); and compile time per 1 000 source lines.
 */
public final class Bench {
    private static final Board BOARD = Board.load(Board.DEFAULT_NAME);

    /** The examples with a hand-written C equivalent in bench/c/. */
    static final List<String> WITH_C = List.of("foo_bar", "forwarding", "pre_post", "process_command", "firmware");

    /**
     * No arguments: everything. {@code Bench --against-c NAME...}: only the Mote-against-C
     * table, for the examples named.
     */
    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("mote-bench-");
        try {
            run(args, work);
        } finally {
            mote.home.BuildFolder.deleteRecursively(work);   // the images measured: nothing to keep
        }
    }

    private static void run(String[] args, Path work) throws Exception {
        if (args.length > 0 && args[0].equals("--runtime")) {
            runtimeCost(work);
            return;
        }
        if (args.length > 0 && args[0].equals("--against-c")) {
            againstC(work, args.length > 1 ? List.of(args).subList(1, args.length) : WITH_C);
            return;
        }
        Path examples = MoteHome.get().resolve("examples");
        List<Path> programs;
        try (Stream<Path> s = Files.list(examples)) {
            programs = s.filter(p -> p.toString().endsWith(".mote")).sorted().toList();
        }
        for (Path p : programs) {
            System.out.println(SizeFormat.table(SizeReport.measure(p, options(work.resolve("size")))));
        }
        againstC(work, WITH_C);
        inlineModel(work, programs);
        runtimeCost(work);
        SpeedBench.print(work.resolve("speed"), List.of(), false);
        compileTime(work);
        CompileBench.main(new String[0]);   // at firmware scale, in fresh JVMs, with --timings
    }

    /**
     * What every image pays: the empty program's flash by runtime-c file (startup, executor,
     * drivers, ...). The instructions a task switch and the other runtime events take are
     * SpeedBench's table.
     */
    private static void runtimeCost(Path work) throws IOException {
        Path empty = MoteHome.get().resolve("bench").resolve("empty.mote");
        Compiler.Result r = Compiler.compile(empty, options(work.resolve("runtime-cost")));
        Toolchain tc = Toolchain.get();
        java.util.Map<String, String> owner = new java.util.HashMap<>();
        for (Path o : RuntimeBuilder.standard().build(BOARD)) {
            String file = o.getFileName().toString().replace(".o", ".c");
            for (String line : tc.check(tc.llvmNm(), List.of("--defined-only", o.toString())).split("\n")) {
                String[] cols = line.trim().split("\\s+");
                if (cols.length >= 3) owner.put(cols[2], file);
            }
        }
        java.util.Map<String, Long> perFile = new java.util.TreeMap<>();
        java.util.Set<String> seen = new java.util.HashSet<>();   // weak aliases share one address
        for (String line : tc.check(tc.llvmNm(), List.of("--print-size", "--size-sort", "--radix=d", "--defined-only", r.elf().toString())).split("\n")) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length < 4 || "bBdD".contains(cols[2]) || !seen.add(cols[0])) continue;   // flash only, once per address
            String file = owner.getOrDefault(cols[3], cols[3].startsWith(".L") ? "strings" : "program");
            perFile.merge(file, Long.parseLong(cols[1]), Long::sum);
        }
        System.out.printf(Locale.ROOT, "Empty program (`async fn main() -> i32 { 0 }`): %d bytes of flash (goal: under 1024)%n", r.size().flash());
        for (var e : perFile.entrySet()) System.out.printf(Locale.ROOT, "  %-20s %6d%n", e.getKey(), e.getValue());
        System.out.println();
    }

    private static Compiler.Options options(Path out) {
        return Compiler.Options.defaults(BOARD, out);
    }

    private static long moteFlash(Path source, EnumSet<Optimization> opts, Path out) {
        return moteSize(source, opts, out).flash();
    }

    private static ImageSize moteSize(Path source, EnumSet<Optimization> opts, Path out) {
        return Compiler.compile(source, options(out).withOpts(opts)).size();
    }

    /** A row of the table against C: its label, the Mote source, and the program its C and Rust ports are named after. */
    private record Row(String label, Path mote, String program) {}

    private static void againstC(Path work, List<String> examples) throws IOException {
        Path c = MoteHome.get().resolve("bench").resolve("c");
        Path empty = MoteHome.get().resolve("bench").resolve("empty.mote");
        EnumSet<Optimization> none = EnumSet.noneOf(Optimization.class), all = EnumSet.allOf(Optimization.class);
        ImageSize emptyNone = moteSize(empty, none, work.resolve("e0")), emptyAll = moteSize(empty, all, work.resolve("e1"));
        ImageSize emptyExpert = ImageSize.of(ExpertC.build("empty", BOARD, work), BOARD);
        ImageSize emptyC = ImageSize.of(buildC(c.resolve("empty.c"), work), BOARD);
        System.out.println("Program-own flash (image minus the empty program's image), lm3s6965evb, bytes;"
                + " expert C: bench/c-expert/, no runtime-c; C on runtime-c: bench/c/");
        System.out.printf(Locale.ROOT, "empty images: Mote --opt none %d, --opt all %d, expert C %d, C on runtime-c %d%n%n",
                emptyNone.flash(), emptyAll.flash(), emptyExpert.flash(), emptyC.flash());
        RustBaseline.Column rustc = RustBaseline.column(work.resolve("rust"), System.out);
        System.out.printf(Locale.ROOT, "%-18s %10s %10s %10s %12s %14s %10s %s%n", "example", "Mote none", "Mote all", "expert C",
                "C on rt-c", "all vs expert", "rustc", "same output");
        StringBuilder ramRows = new StringBuilder();
        List<Row> rows = new ArrayList<>();
        for (String ex : examples) {
            rows.add(new Row(ex, moteSource(ex), ex));
            // The same firmware in 0.2's idioms: the same output, so the same C and Rust stand beside it.
            if (ex.equals("firmware")) rows.add(new Row("firmware 0.2", MoteHome.get().resolve("examples/firmware.mote"), ex));
        }
        for (Row row : rows) {
            String label = row.label(), ex = row.program();
            Path mote = row.mote();
            String dir = label.replace(' ', '-');
            ImageSize noneSize = moteSize(mote, none, work.resolve(dir + "-none"));
            Compiler.Result allBuild = Compiler.compile(mote, options(work.resolve(dir + "-all")).withOpts(all));
            Path expertElf = ExpertC.build(ex, BOARD, work);
            Path cElf = buildC(c.resolve(ex + ".c"), work);
            ImageSize expertSize = ImageSize.of(expertElf, BOARD), cSize = ImageSize.of(cElf, BOARD);
            long a = allBuild.size().flash() - emptyAll.flash(), e = expertSize.flash() - emptyExpert.flash();
            QemuResult mr = new QemuRunner().run(BOARD, allBuild.elf(), QemuOptions.defaults().withTimeout(Duration.ofSeconds(20)));
            String expertSame = sameRun(mr, expertElf, "expert C"), cSame = sameRun(mr, cElf, "C on runtime-c");
            String same = expertSame.isEmpty() && cSame.isEmpty() ? "yes" : (expertSame + " " + cSame).trim();
            long n = noneSize.flash() - emptyNone.flash();
            System.out.printf(Locale.ROOT, "%-18s %10d %10d %10d %12d %+14d %10s %s%n", label, n, a, e,
                    cSize.flash() - emptyC.flash(), a - e, rustc.cell(ex, n), same);
            ramRows.append(String.format(Locale.ROOT, "%-18s %10d %10d %10d %12d%n", label, noneSize.ram() - emptyNone.ram(),
                    allBuild.size().ram() - emptyAll.ram(), expertSize.ram() - emptyExpert.ram(), cSize.ram() - emptyC.ram()));
        }
        System.out.printf(Locale.ROOT, "%nProgram-own RAM (.data + .bss, image minus the empty program's image), bytes;"
                + " empty images: Mote --opt none %d, --opt all %d, expert C %d, C on runtime-c %d (with the %d-byte stack)%n",
                emptyNone.ram(), emptyAll.ram(), emptyExpert.ram(), emptyC.ram(), BOARD.stackSize());
        System.out.printf(Locale.ROOT, "%-18s %10s %10s %10s %12s%n%s%n", "example", "Mote none", "Mote all", "expert C", "C on rt-c", ramRows);
        rustc.printFutures(System.out);
        System.out.println();
    }

    /**
     * The Mote text the C and Rust ports of {@code example} were written from: examples/, but for
     * the firmware, whose 0.1 text stays in bench/ while examples/firmware.mote shows 0.2.
     */
    static Path moteSource(String example) {
        return example.equals("firmware") ? MoteHome.get().resolve("bench/firmware.mote")
                : MoteHome.get().resolve("examples").resolve(example + ".mote");
    }

    /** Empty when {@code elf} prints what the Mote program printed and exits as it did, else what it printed. */
    private static String sameRun(QemuResult mote, Path elf, String label) {
        QemuResult r = new QemuRunner().run(BOARD, elf, QemuOptions.defaults().withTimeout(Duration.ofSeconds(20)));
        return r.output().equals(mote.output()) && r.exitCode() == mote.exitCode() ? ""
                : "NO (" + label + ", exit " + r.exitCode() + "): " + r.output();
    }

    private static Path buildC(Path source, Path work) throws IOException {
        Toolchain tc = Toolchain.get();
        String stem = source.getFileName().toString().replace(".c", "");
        Path dir = Files.createDirectories(work.resolve("c-" + stem));
        Path object = dir.resolve(stem + ".o");
        List<String> args = new ArrayList<>(RuntimeBuilder.targetFlags(BOARD));
        args.addAll(List.of("-Os", "-ffreestanding", "-ffunction-sections", "-fdata-sections", "-Wall", "-Wextra",
                "-I" + MoteHome.runtimeDir().resolve("include"), "-c", source.toString(), "-o", object.toString()));
        tc.check(tc.clang(), args);
        RuntimeBuilder runtime = new RuntimeBuilder(tc, MoteHome.runtimeDir(), MoteCache.dir("runtime"));
        return new Linker(tc, runtime).linkProgram(BOARD, List.of(object), dir.resolve(stem + ".elf"), Optional.empty());
    }

    private static void inlineModel(Path work, List<Path> programs) {
        System.out.println("Inline cost model (flash with --opt all, bytes): never inline, the model, always inline");
        System.out.printf(Locale.ROOT, "%-22s %10s %10s %10s%n", "example", "never", "model", "always");
        for (Path p : programs) {
            long[] flash = new long[3];
            String[] settings = {"0", null, "2147483647"};
            for (int i = 0; i < 3; i++) {
                if (settings[i] == null) System.clearProperty("mote.inline.budget");
                else System.setProperty("mote.inline.budget", settings[i]);
                EnumSet<Optimization> opts = EnumSet.allOf(Optimization.class);
                if (i == 0) opts.remove(Optimization.INLINE);
                flash[i] = moteFlash(p, opts, work.resolve("inl" + i));
            }
            System.clearProperty("mote.inline.budget");
            System.out.printf(Locale.ROOT, "%-22s %10d %10d %10d%n", p.getFileName(), flash[0], flash[1], flash[2]);
        }
        System.out.println();
    }

    /** A program of {@code copies} independent async fn groups, about 12 lines each. */
    static String synthetic(int copies) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < copies; i++) {
            sb.append("async fn leaf").append(i).append("(x: u32) -> u32 {\n    yield_now().await;\n    x + ").append(i).append("\n}\n");
            sb.append("async fn mid").append(i).append("(x: u32) -> u32 {\n    let a = leaf").append(i).append("(x).await;\n")
              .append("    let b = if a > 3 { a * 2 } else { a + 1 };\n    b\n}\n");
        }
        sb.append("async fn main() -> i32 {\n    let mut s: u32 = 0;\n");
        for (int i = 0; i < copies; i++) sb.append("    s += mid").append(i).append("(").append(i).append(").await;\n");
        sb.append("    println(\"{}\", s);\n    0\n}\n");
        return sb.toString();
    }

    private static void compileTime(Path work) throws IOException {
        String text = synthetic(200);
        long lines = text.lines().count();
        Path src = work.resolve("synthetic.mote");
        Files.writeString(src, text);
        for (int i = 0; i < 2; i++) Compiler.compile(src, options(work.resolve("warm")));   // JIT warm-up
        int runs = 3;
        long best = Long.MAX_VALUE, total = 0;
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            Compiler.compile(src, options(work.resolve("timed")));
            long t = System.nanoTime() - t0;
            best = Math.min(best, t);
            total += t;
        }
        System.out.printf(Locale.ROOT, "Compile time (--opt all, -O s, warm JVM, %d lines incl. link): best %.0f ms, mean %.0f ms, %.0f ms per 1000 lines%n",
                lines, best / 1e6, total / 1e6 / runs, best / 1e6 * 1000.0 / lines);
    }
}

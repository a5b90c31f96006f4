package mote.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mote.home.MoteHome;

/**
 * `make bench-compile` (and the end of `make bench`): compile time and memory at firmware
 * scale, on generated programs (issue 13). Each program is built by a fresh `mote build
 * --timings` process, as a user runs it, under `--opt none` and `--opt all`; the table gives
 * the program's lines, the `--timings` total (compile time after JVM start), the wall time
 * including JVM start, the CPU time of the process (user + system: steadier than wall time on
 * a loaded machine), and the peak resident memory (from `/usr/bin/time -v` when present).
 *
 * Options: {@code --jar FILE} measures another build of mote (e.g. an older one, which then
 * needs {@code --no-timings}); {@code --only NAME,...} picks programs; {@code --write DIR}
 * only writes the generated programs; {@code --timeout SECONDS} per build (default 120).
 */
public final class CompileBench {
    private static final Pattern TOTAL = Pattern.compile("(?m)^total\\s+(\\d+) ms");
    private static final Pattern RSS = Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)");
    private static final Pattern CPU = Pattern.compile("(?:User|System) time \\(seconds\\): ([\\d.]+)");
    private static final Path TIME = Path.of("/usr/bin/time");

    private static final String USAGE = """
            usage: make bench-compile [BENCH_ARGS="OPTIONS"]
              --only NAME,...    only these programs (hello, firmware-1k, firmware-10k, firmware-20k,
                                 chain-200, chain-2000, states-300)
              --jar FILE         measure another build of mote with plain `java -jar` (default: bin/mote)
              --no-timings       for a jar without --timings (no compile column)
              --write DIR        only write the generated programs to DIR
              --timeout SECONDS  per build (default 120)""";

    static final String BOARD = "mps2-an385";

    private CompileBench() {}

    public static void main(String[] args) throws Exception {
        Path home = MoteHome.get();
        Path jar = home.resolve("compiler/target/mote.jar");
        boolean jarGiven = false;
        boolean timings = true;
        List<String> only = null;
        Path write = null;
        long timeout = 120;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--jar" -> {
                    jar = Path.of(args[++i]);
                    jarGiven = true;
                }
                case "--no-timings" -> timings = false;
                case "--only" -> only = List.of(args[++i].split(","));
                case "--write" -> write = Path.of(args[++i]);
                case "--timeout" -> timeout = Long.parseLong(args[++i]);
                case "--help", "-h" -> {
                    System.out.println(USAGE);
                    return;
                }
                default -> {
                    System.err.println("unknown option " + args[i] + "\n" + USAGE);
                    System.exit(2);
                }
            }
        }
        Map<String, String> programs = programs(home);
        if (only != null) programs.keySet().retainAll(only);
        Path dir = write != null ? Files.createDirectories(write) : Files.createTempDirectory("mote-bench-compile-");
        for (var e : programs.entrySet()) Files.writeString(dir.resolve(e.getKey() + ".mote"), e.getValue());
        if (write != null) {
            System.out.println("wrote " + programs.size() + " programs to " + dir);
            return;
        }
        // As a user runs it: bin/mote, whose class data sharing archive is written by its first run
        // after each jar change (that run is slower, so one untimed build comes first). --jar: the
        // jar given, without the archive (to compare two builds of mote alike).
        Path launcher = home.resolve("bin").resolve("mote");
        boolean viaLauncher = !jarGiven && Files.isExecutable(launcher);
        List<String> command = viaLauncher ? List.of(launcher.toString())
                : List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Dmote.home=" + home, "-jar", jar.toString());
        if (viaLauncher && !programs.isEmpty())
            build(command, false, dir.resolve(programs.keySet().iterator().next() + ".mote"), "all", dir.resolve("out-warm-up"), timeout);
        System.out.println("Compile time: `" + (viaLauncher ? "bin/mote" : "java -jar " + jar) + " build -b " + BOARD + "` in a fresh JVM per build"
                + " (compile = the --timings total, after JVM start)");
        System.out.printf(Locale.ROOT, "%-14s %7s %-5s %10s %10s %10s %10s  %s%n", "program", "lines", "opt", "compile", "wall", "CPU", "peak RSS", "");
        for (var e : programs.entrySet()) {
            long lines = e.getValue().lines().count();
            for (String opt : List.of("none", "all")) {
                Measured m = build(command, timings, dir.resolve(e.getKey() + ".mote"), opt, dir.resolve("out-" + e.getKey() + "-" + opt), timeout);
                System.out.printf(Locale.ROOT, "%-14s %7d %-5s %10s %10s %10s %10s  %s%n", e.getKey(), lines, opt,
                        m.compileMs < 0 ? "-" : String.format(Locale.ROOT, "%.2f s", m.compileMs / 1000.0),
                        String.format(Locale.ROOT, "%.2f s", m.wallMs / 1000.0),
                        m.cpuMs < 0 ? "-" : String.format(Locale.ROOT, "%.2f s", m.cpuMs / 1000.0),
                        m.rssKb < 0 ? "-" : String.format(Locale.ROOT, "%d MB", m.rssKb / 1024), m.problem);
                System.out.flush();
            }
        }
        System.out.println();
        deleteTree(dir);   // the generated programs and their images: about 100 MB a run, left in /tmp before
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** The generated programs, by name, in the order of the table. */
    static Map<String, String> programs(Path home) throws IOException {
        Map<String, String> programs = new LinkedHashMap<>();
        programs.put("hello", Files.readString(home.resolve("examples/hello.mote")));
        programs.put("firmware-1k", firmware(1_000));
        programs.put("firmware-10k", firmware(10_000));
        programs.put("firmware-20k", firmware(20_000));
        programs.put("chain-200", chain(200));
        programs.put("chain-2000", chain(2_000));
        programs.put("states-300", states(300));
        return programs;
    }

    /** Awaits per driver fn, as in the measurements. */
    static final int AWAITS_PER_DRIVER = 50;

    /**
     * About {@code lines} lines: N sync fns and N small async fns (each calling its sync fn),
     * called from async drivers of 50 awaits each, which main awaits in turn.
     */
    static String firmware(int lines) {
        int perGroup = AWAITS_PER_DRIVER * 10 + AWAITS_PER_DRIVER + 6;   // 50 fn pairs of 5 lines each, one driver
        int groups = Math.max(1, Math.round((float) lines / perGroup));
        StringBuilder sb = new StringBuilder("// Generated by mote.bench.CompileBench: " + groups + " groups of "
                + AWAITS_PER_DRIVER + " sync and async fns and one driver awaiting them.\n\n");
        for (int g = 0; g < groups; g++) {
            for (int k = 0; k < AWAITS_PER_DRIVER; k++) {
                String n = g + "_" + k;
                sb.append("fn scale_").append(n).append("(x: u32) -> u32 {\n")
                  .append("    let y = x % 1000 * 3 + ").append(k).append(";\n")
                  .append("    if y > 1500 { y - 7 } else { y + 1 }\n}\n\n");
                sb.append("async fn step_").append(n).append("(x: u32) -> u32 {\n")
                  .append("    yield_now().await;\n")
                  .append("    scale_").append(n).append("(x) + 1\n}\n\n");
            }
            sb.append("async fn driver_").append(g).append("(seed: u32) -> u32 {\n    let mut v: u32 = seed;\n");
            for (int k = 0; k < AWAITS_PER_DRIVER; k++) sb.append("    v = step_").append(g).append('_').append(k).append("(v).await % 1000;\n");
            sb.append("    v\n}\n\n");
        }
        sb.append("async fn main() -> i32 {\n    let mut sum: u32 = 0;\n");
        for (int g = 0; g < groups; g++) sb.append("    sum = (sum + driver_").append(g).append("(").append(g).append(").await) % 1000;\n");
        sb.append("    println(\"sum = {}\", sum);\n    0\n}\n");
        return sb.toString();
    }

    /** {@code depth} async fns, each awaiting the next; the last one yields. */
    static String chain(int depth) {
        StringBuilder sb = new StringBuilder("// Generated by mote.bench.CompileBench: a chain of " + depth + " async fns, each awaiting the next.\n\n");
        for (int i = 0; i < depth - 1; i++) {
            sb.append("async fn link_").append(i).append("(x: u32) -> u32 {\n")
              .append("    let y = link_").append(i + 1).append("(x + 1).await;\n")
              .append("    y % 100000 + 1\n}\n\n");
        }
        sb.append("async fn link_").append(depth - 1).append("(x: u32) -> u32 {\n    yield_now().await;\n    x\n}\n\n");
        sb.append("async fn main() -> i32 {\n    println(\"{}\", link_0(0).await);\n    0\n}\n");
        return sb.toString();
    }

    /** One async fn with {@code awaits} awaits (a state each), values live across them. */
    static String states(int awaits) {
        StringBuilder sb = new StringBuilder("// Generated by mote.bench.CompileBench: one async fn of " + awaits + " states.\n\n");
        sb.append("async fn tick(x: u32) -> u32 {\n    yield_now().await;\n    x + 1\n}\n\n");
        sb.append("async fn main() -> i32 {\n    let mut a: u32 = 0;\n    let mut b: u32 = 1;\n");
        for (int i = 0; i < awaits; i++) {
            if (i % 2 == 0) sb.append("    a = (a + tick(b).await) % 1000;\n");
            else sb.append("    b = (b + tick(a).await) % 1000;\n");
        }
        sb.append("    println(\"{} {}\", a, b);\n    0\n}\n");
        return sb.toString();
    }

    private record Measured(long compileMs, long wallMs, long cpuMs, long rssKb, String problem) {}

    private static Measured build(List<String> mote, boolean timings, Path source, String opt, Path out, long timeoutSeconds)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        boolean time = Files.isExecutable(TIME);
        if (time) cmd.addAll(List.of(TIME.toString(), "-v"));
        cmd.addAll(mote);
        // mps2-an385 (Cortex-M3, 4 MB of flash): under --opt none the largest generated programs
        // do not fit the default board's 256 KB, and a build that fails says nothing of its end.
        cmd.addAll(List.of("build", source.toString(), "-b", BOARD, "--opt", opt, "-o", out.toString()));
        if (timings) cmd.add("--timings");
        Path log = Files.createTempFile("mote-bench-", ".log");
        try {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor();
                return new Measured(-1, (System.nanoTime() - t0) / 1_000_000, -1, -1, "did not finish in " + timeoutSeconds + " s");
            }
            long wall = (System.nanoTime() - t0) / 1_000_000;
            String text = Files.readString(log);
            Matcher total = TOTAL.matcher(text), rss = RSS.matcher(text);
            String problem = p.exitValue() == 0 ? "" : "exit " + p.exitValue() + ": " + firstError(text);
            if (p.exitValue() != 0 && System.getenv("MOTE_BENCH_VERBOSE") != null) System.err.println(text);
            Matcher cpu = CPU.matcher(text);
            double cpuSeconds = 0;
            boolean hasCpu = false;
            while (cpu.find()) {
                cpuSeconds += Double.parseDouble(cpu.group(1));
                hasCpu = true;
            }
            return new Measured(total.find() ? Long.parseLong(total.group(1)) : -1, wall, hasCpu ? Math.round(cpuSeconds * 1000) : -1, rss.find() ? Long.parseLong(rss.group(1)) : -1, problem);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static String firstError(String text) {
        return text.lines().filter(l -> l.startsWith("error") || l.contains("internal compiler error")).findFirst().orElse("(no message)");
    }
}

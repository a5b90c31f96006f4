package mote.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import mote.board.Board;
import mote.diag.ToolError;
import mote.home.BuildFolder;
import mote.home.MoteCache;
import mote.home.MoteHome;
import mote.home.Toolchain;
import mote.link.ImageSize;
import mote.qemu.QemuOptions;
import mote.qemu.QemuResult;
import mote.qemu.QemuRunner;

/**
 * rustc's side of `make bench`: the motivating examples and the firmware written in Rust with
 * the same bodies (bench/rust/NAME.rs, a hand-written executor of the same shape as the C one
 * in bench/rust/rt.rs), built for thumbv7m-none-eabi with {@code opt-level=s}, {@code
 * panic=abort}, fat LTO and one codegen unit, linked for lm3s6965evb, checked under QEMU
 * against the Mote example's {@code // expect:} and {@code // exit:} lines, and measured:
 * program-own flash (image minus bench/rust/empty.rs's image) and every future's size from
 * {@code -Zprint-type-sizes}.
 *
 * <p>No target library ships for thumbv7m with a distribution's rustc, so {@code core} and
 * {@code compiler_builtins} are built from the rustc's own library source (Debian:
 * {@code rust-web-src}; rustup: the {@code rust-src} component) into a sysroot, once per rustc,
 * cached under the Mote cache ({@code rust-sysroot/<hash>/}), the way {@code -Zbuild-std=core}
 * builds them. {@code RUSTC_BOOTSTRAP=1} unlocks the unstable flags this needs on a stable
 * rustc. Without such a rustc the bench skips this column and says why in one line.
 */
public final class RustBaseline {
    static final String TARGET = "thumbv7m-none-eabi";
    private static final Board BOARD = Board.load("lm3s6965evb");
    private static final Duration QEMU_TIMEOUT = Duration.ofSeconds(20);
    /** What both the sysroot and the programs are compiled with. */
    private static final List<String> CODEGEN = List.of("--target", TARGET, "-C", "opt-level=s", "-C", "panic=abort",
            "-C", "codegen-units=1", "-C", "target-cpu=cortex-m3");
    private static final Pattern FUTURE = Pattern.compile(
            "^print-type-size type: `\\{async fn body of (?:\\w+::)*(\\w+)(?:<.*>)?\\(\\)\\}`: (\\d+) bytes", Pattern.MULTILINE);

    private final Path rustc;
    private final Path librarySource;
    private final String version;
    private Path sysroot;
    private Duration sysrootBuildTime = Duration.ZERO;

    private RustBaseline(Path rustc, Path librarySource, String version) {
        this.rustc = rustc;
        this.librarySource = librarySource;
        this.version = version;
    }

    /** One Rust program, built and measured. */
    public record Build(String name, Path elf, long flash, Map<String, Long> futures) {}

    /** A usable rustc, or why there is none (one line). */
    public sealed interface Found permits Usable, Missing {}

    public record Usable(RustBaseline rust) implements Found {}

    public record Missing(String reason) implements Found {}

    /**
     * The first rustc that targets thumbv7m and has its library source: system property
     * {@code mote.rustc}, else {@code $MOTE_RUSTC}, else /usr/bin/rustc (Debian's, which a
     * rustup install earlier on PATH would hide), else {@code rustc} on PATH.
     */
    public static Found find() {
        List<Path> candidates = new ArrayList<>();
        String property = System.getProperty("mote.rustc");
        String env = System.getenv("MOTE_RUSTC");
        if (property != null && !property.isBlank()) candidates.add(Path.of(property));
        else if (env != null && !env.isBlank()) candidates.add(Path.of(env));
        else {
            candidates.add(Path.of("/usr/bin/rustc"));
            onPath("rustc").ifPresent(candidates::add);
        }
        String reason = "no rustc found (apt-get install rustc-web rust-web-src, or set MOTE_RUSTC)";
        for (Path candidate : candidates) {
            if (!Files.isExecutable(candidate)) continue;
            try {
                Run targets = run(candidate, List.of("--print", "target-list"), null);
                Run sysroot = run(candidate, List.of("--print", "sysroot"), null);
                Run version = run(candidate, List.of("-vV"), null);
                if (!targets.ok() || !sysroot.ok() || !version.ok()) {
                    reason = candidate + " does not run";
                } else if (!targets.stdout().lines().toList().contains(TARGET)) {
                    reason = candidate + " has no " + TARGET + " target";
                } else {
                    Path library = Path.of(sysroot.stdout().strip(), "lib", "rustlib", "src", "rust", "library");
                    if (Files.isRegularFile(library.resolve("core/src/lib.rs"))
                            && Files.isRegularFile(library.resolve(BUILTINS_ROOT))) {
                        return new Usable(new RustBaseline(candidate, library, version.stdout().strip()));
                    }
                    reason = candidate + " has no library source to build core from (Debian: apt-get install rust-web-src;"
                            + " rustup: rustup component add rust-src)";
                }
            } catch (ToolError e) {
                reason = e.getMessage();
            }
        }
        return new Missing(reason);
    }

    private static final String BUILTINS_ROOT = "compiler-builtins/compiler-builtins/src/lib.rs";

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) return Optional.empty();
        return Stream.of(path.split(java.io.File.pathSeparator)).filter(s -> !s.isEmpty())
                .map(dir -> Path.of(dir, name)).filter(Files::isExecutable).findFirst();
    }

    /** The first line of {@code rustc -vV}: `rustc 1.96.0 (...)`. */
    public String version() { return version.lines().findFirst().orElse(version); }

    /** How long building the sysroot took in this process; zero when it came from the cache. */
    public Duration sysrootBuildTime() { return sysrootBuildTime; }

    /**
     * A sysroot holding core and compiler_builtins for thumbv7m: from the cache, or built now
     * into a private folder that is then renamed into place in one step (two processes building
     * at once both end up with a whole one, whichever rename wins).
     */
    public synchronized Path sysroot() {
        if (sysroot != null) return sysroot;
        Path cache = MoteCache.dir("rust-sysroot");
        Path target = cache.resolve(sysrootKey());
        if (!Files.isRegularFile(libDir(target).resolve("libcore.rlib"))) {
            removeAbandonedBuilds(cache);
            long t0 = System.nanoTime();
            buildSysroot(cache, target);
            sysrootBuildTime = Duration.ofNanos(System.nanoTime() - t0);
        }
        sysroot = target;
        return target;
    }

    private static Path libDir(Path sysroot) {
        return sysroot.resolve("lib").resolve("rustlib").resolve(TARGET).resolve("lib");
    }

    /** The rustc (its path and full version) and the flags: a new rustc gets a new sysroot. */
    private String sysrootKey() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((rustc + "\n" + version + "\n" + librarySource + "\n" + CODEGEN).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void buildSysroot(Path cache, Path target) {
        Path temporary;
        try {
            temporary = Files.createTempDirectory(cache, "building-" + ProcessHandle.current().pid() + "-");
        } catch (IOException e) {
            throw ToolError.io("create a folder in", cache, e);
        }
        try {
            Path lib = Files.createDirectories(libDir(temporary));
            List<String> common = new ArrayList<>(List.of("--edition", "2024", "--crate-type", "rlib"));
            common.addAll(CODEGEN);
            common.addAll(List.of("-C", "embed-bitcode=yes", "-Zforce-unstable-if-unmarked", "--cap-lints", "allow"));
            List<String> core = new ArrayList<>(common);
            core.addAll(List.of("--crate-name", "core", librarySource.resolve("core/src/lib.rs").toString(),
                    "-o", lib.resolve("libcore.rlib").toString()));
            check(core, "building core");
            // The features and cfgs compiler_builtins' build script would set for a Cortex-M3.
            List<String> builtins = new ArrayList<>(common);
            builtins.addAll(List.of("--sysroot", temporary.toString(), "--crate-name", "compiler_builtins",
                    "--cfg", "feature=\"compiler-builtins\"", "--cfg", "feature=\"mem\"",
                    "--cfg", "feature=\"unstable-intrinsics\"", "--cfg", "thumb", "--cfg", "intrinsics_enabled",
                    "--cfg", "arch_enabled", "--cfg", "optimizations_enabled",
                    librarySource.resolve(BUILTINS_ROOT).toString(),
                    "-o", lib.resolve("libcompiler_builtins.rlib").toString()));
            check(builtins, "building compiler_builtins");
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // Another process finished the same build first: its sysroot is identical.
                if (!Files.isRegularFile(libDir(target).resolve("libcore.rlib"))) throw ToolError.io("store the Rust sysroot in", target, e);
            }
        } catch (IOException e) {
            throw ToolError.io("build the Rust sysroot in", temporary, e);
        } finally {
            BuildFolder.deleteRecursively(temporary);
        }
    }

    /** Folders of sysroot builds whose process has gone (killed mid-way). */
    private static void removeAbandonedBuilds(Path cache) {
        try (Stream<Path> entries = Files.list(cache)) {
            for (Path p : entries.toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith("building-") && BuildFolder.ownerGone(name.substring("building-".length()))) {
                    BuildFolder.deleteRecursively(p);
                }
            }
        } catch (IOException e) {
            // Leftovers only waste disk space.
        }
    }

    /** bench/rust/NAME.rs built into {@code work}, linked for lm3s6965evb and measured. */
    public Build build(String name, Path work) {
        Path sources = MoteHome.get().resolve("bench").resolve("rust");
        Path dir;
        try {
            dir = Files.createDirectories(work.resolve(name));
        } catch (IOException e) {
            throw ToolError.io("create", work.resolve(name), e);
        }
        Path archive = dir.resolve("lib" + name + ".a");
        List<String> args = new ArrayList<>(List.of("--edition", "2024", "--crate-type", "staticlib", "--crate-name", name,
                "--sysroot", sysroot().toString()));
        args.addAll(CODEGEN);
        args.addAll(List.of("-C", "lto=fat", "-Zprint-type-sizes",
                "--remap-path-prefix=" + sources + "=",   // images independent of where the checkout is
                sources.resolve(name + ".rs").toString(), "-o", archive.toString()));
        String typeSizes = check(args, "building bench/rust/" + name + ".rs");
        Toolchain tc = Toolchain.get();
        Path elf = dir.resolve(name + ".elf");
        tc.check(tc.ldLld(), List.of("--gc-sections", "-T", sources.resolve("lm3s6965evb.ld").toString(),
                archive.toString(), "-o", elf.toString()));
        return new Build(name, elf, ImageSize.of(elf, BOARD).flash(), futureSizes(typeSizes));
    }

    /** Every `async fn` body's size from {@code -Zprint-type-sizes}, largest first (as rustc prints them). */
    static Map<String, Long> futureSizes(String printTypeSizes) {
        Map<String, Long> sizes = new LinkedHashMap<>();
        Matcher m = FUTURE.matcher(printTypeSizes);
        while (m.find()) sizes.putIfAbsent(m.group(1), Long.parseLong(m.group(2)));
        return sizes;
    }

    /**
     * Runs the image under QEMU; empty when its console and exit code are what {@code
     * mote} (a .mote file with `// expect:` and `// exit:` lines) says, else what differs.
     */
    public static Optional<String> checkAgainst(Build build, Path mote) {
        String expectedOutput;
        int expectedExit = 0;
        try {
            StringBuilder out = new StringBuilder();
            for (String line : Files.readAllLines(mote)) {
                Matcher m = EXPECTATION.matcher(line);
                if (!m.find()) continue;
                if (m.group(1).equals("expect")) out.append(m.group(2).stripTrailing()).append('\n');
                else expectedExit = Integer.parseInt(m.group(2).trim());
            }
            expectedOutput = out.toString();
        } catch (IOException e) {
            throw ToolError.io("read", mote, e);
        }
        QemuResult r = new QemuRunner().run(BOARD, build.elf(), QemuOptions.defaults().withTimeout(QEMU_TIMEOUT));
        if (r.output().equals(expectedOutput) && r.exitCode() == (expectedExit & 0xff)) return Optional.empty();
        return Optional.of("exit " + r.exitCode() + " (expected " + expectedExit + "), output:\n" + r.output());
    }

    private static final Pattern EXPECTATION = Pattern.compile("^\\s*//\\s*(expect|exit):\\s?(.*)$");

    // ------------------------------------------------------------------ `make bench`

    /**
     * The rustc column of `make bench`'s Mote-against-C table: {@link #cell} per example, then
     * {@link #printFutures} under the table. Without a usable rustc it prints why, in one line,
     * and every cell is "-".
     */
    public static final class Column {
        private final RustBaseline rust;
        private final long emptyFlash;
        private final Path work;
        private final Map<String, String> futureLines = new LinkedHashMap<>();

        private Column(RustBaseline rust, long emptyFlash, Path work) {
            this.rust = rust;
            this.emptyFlash = emptyFlash;
            this.work = work;
        }

        /** Own flash of bench/rust/EXAMPLE.rs, with "output differs" when it does not print what the Mote example does. */
        public String cell(String example, long moteNoneOwnFlash) {
            if (rust == null) return "-";
            Build b = rust.build(example, work);
            long own = b.flash() - emptyFlash;
            Optional<String> wrong = checkAgainst(b, Bench.moteSource(example));
            futureLines.put(example, String.format(Locale.ROOT, "none/rustc %.2f; futures: %s", (double) moteNoneOwnFlash / own,
                    b.futures().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "))));
            return own + (wrong.isPresent() ? " (output differs: " + wrong.get().lines().findFirst().orElse("") + ")" : "");
        }

        /** Per example: Mote `--opt none` own flash over rustc's, and rustc's future sizes in bytes. */
        public void printFutures(PrintStream out) {
            if (rust == null) return;
            out.println("rustc, per example: Mote --opt none own flash / rustc's (docs/baseline-layout.md), and every future in bytes");
            futureLines.forEach((example, line) -> out.printf(Locale.ROOT, "  %-16s %s%n", example, line));
        }
    }

    /**
     * Finds rustc, builds the sysroot (once per rustc: the line says how long it took) and the
     * empty program, and prints one line saying which rustc, or why the column is skipped.
     */
    public static Column column(Path work, PrintStream out) {
        Found found = find();
        if (found instanceof Missing m) {
            out.println("rustc column skipped: " + m.reason());
            return new Column(null, 0, work);
        }
        RustBaseline rust = ((Usable) found).rust();
        try {
            Build empty = rust.build("empty", work);
            Duration t = rust.sysrootBuildTime();
            out.printf(Locale.ROOT, "rustc: %s, %s, opt-level=s, panic=abort, fat LTO, 1 codegen unit (bench/rust/); empty image %d%s%n",
                    rust.version(), TARGET, empty.flash(),
                    t.isZero() ? "" : String.format(Locale.ROOT, "; built core + compiler_builtins in %.1f s (once, cached)", t.toMillis() / 1000.0));
            return new Column(rust, empty.flash(), work);
        } catch (ToolError e) {
            out.println("rustc column skipped: " + e.getMessage().lines().findFirst().orElse(""));
            return new Column(null, 0, work);
        }
    }

    // ------------------------------------------------------------------ running rustc

    private record Run(int exitCode, String stdout, String stderr) {
        boolean ok() { return exitCode == 0; }
    }

    private String check(List<String> args, String what) {
        Run r = run(rustc, args, null);
        if (!r.ok()) throw new ToolError(what + " with " + rustc + " failed (exit code " + r.exitCode() + "):\n" + r.stderr().stripTrailing());
        return r.stdout();
    }

    private static Run run(Path rustc, List<String> args, Path workingDir) {
        List<String> command = new ArrayList<>();
        command.add(rustc.toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        if (workingDir != null) builder.directory(workingDir.toFile());
        builder.environment().put("RUSTC_BOOTSTRAP", "1");
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            // stderr on its own thread, so a chatty rustc cannot fill one pipe and block.
            java.io.ByteArrayOutputStream stderr = new java.io.ByteArrayOutputStream();
            Thread reader = new Thread(() -> {
                try (var in = process.getErrorStream()) {
                    in.transferTo(stderr);
                } catch (IOException e) {
                    // the exit code says what went wrong
                }
            }, "rustc-stderr");
            reader.start();
            String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = process.waitFor();
            reader.join();
            return new Run(code, stdout, stderr.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ToolError("cannot run " + rustc + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolError("interrupted while running " + rustc);
        }
    }
}

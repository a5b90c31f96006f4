package mote.link;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import mote.home.Toolchain;
import mote.home.BuildFolder;
import mote.home.MoteCache;
import mote.home.MoteHome;
import mote.board.Board;
import mote.diag.ToolError;

/**
 * Compiles runtime-c for a board with the toolchain's clang and caches the objects.
 *
 * <p>The cache folder is {@code <cache>/runtime/<hash>/}, the hash covering the compiler flags
 * (which carry every board setting the C code sees), the clang used, and the path and contents
 * of every runtime source. A folder that exists is complete: objects are compiled into a
 * private temporary folder that is then renamed into place in one step, so two JVMs (or
 * threads) building at once both end up with a whole set, whichever rename wins.
 *
 * <p>A cache can still be damaged afterwards (a full disk, a stray edit, a bad copy): each
 * folder holds a {@value #MANIFEST} with the SHA-256 of every file in it, written last, and is
 * checked against it on every use. A folder that does not match is rebuilt by itself; the
 * temporaries of builds that were killed ({@code building-PID-*}, whose process is gone or that
 * are older than {@link #STALE}) are removed.
 */
public final class RuntimeBuilder {
    static final String MANIFEST = "MANIFEST.sha256";
    static final java.time.Duration STALE = java.time.Duration.ofMinutes(30);

    private final Toolchain toolchain;
    private final Path sourceDir;
    private final Path cacheDir;

    public RuntimeBuilder(Toolchain toolchain, Path sourceDir, Path cacheDir) {
        this.toolchain = toolchain;
        this.sourceDir = sourceDir;
        this.cacheDir = cacheDir;
    }

    /** runtime-c from the install root, cached under the user's Mote cache. */
    public static RuntimeBuilder standard() {
        return new RuntimeBuilder(Toolchain.get(), MoteHome.runtimeDir(), MoteCache.dir("runtime"));
    }

    /** clang flags selecting the board's core: also what C test programs are compiled with. */
    public static List<String> targetFlags(Board board) {
        return List.of("--target=" + board.llvmTarget(), "-mcpu=" + board.cpu(), "-mthumb",
                "-mfloat-abi=" + board.floatAbi());
    }

    /**
     * Every flag runtime-c is compiled with. {@code -ffreestanding} implies {@code -fno-builtin},
     * which also stops LLVM from turning the copy loops in mem.c back into memcpy calls.
     */
    public List<String> compileFlags(Board board) {
        List<String> flags = new ArrayList<>(targetFlags(board));
        flags.addAll(List.of("-Os", "-mno-movt",   // addresses from literal pools, as the program's code built for size
                "-g", "-gdwarf-4",   // the version compiled Mote code uses: one module when linked
                "-ffreestanding", "-fno-common", "-ffunction-sections", "-fdata-sections",
                "-fno-unwind-tables", "-fno-asynchronous-unwind-tables",
                "-std=c11", "-Wall", "-Wextra", "-Werror",
                "-fstack-usage",   // x.su beside x.o: frame sizes for the worst-case stack report
                "-fdebug-compilation-dir=.",   // not the private folder's random name: same objects every build
                // DWARF names runtime-c's files from Mote's folder, not this machine's path to it: two
                // checkouts build the same ELF. A debugger finds them with Mote's folder as a source
                // directory (mote.qemu.GdbAttach, qemu/common.sh).
                "-ffile-prefix-map=" + sourceDir.toAbsolutePath().normalize() + "=runtime-c",
                "-I" + includeDir()));
        flags.addAll(defines(board));
        return flags;
    }

    /** The board settings runtime-c sees, as in docs/runtime-abi.md. */
    public static List<String> defines(Board board) {
        List<String> defines = new ArrayList<>(List.of(
                "-D" + board.console().define(),
                "-DMOTE_CONSOLE_BASE=0x" + Long.toHexString(board.console().base()) + "u",
                "-DMOTE_IRQ_COUNT=" + board.irqCount(),
                "-DMOTE_CLOCK_HZ=" + board.clockHz() + "u"));
        board.console().txPin().ifPresent(pin -> defines.add("-DMOTE_CONSOLE_TX_PIN=" + pin + "u"));
        if (!board.console().init().isEmpty()) {
            // Passed straight to clang (no shell): `{0x40023830u,0x0u,0x1u},{...}` initialises an array.
            defines.add("-DMOTE_CONSOLE_INIT=" + String.join(",", board.console().init().stream()
                    .map(w -> "{0x" + Long.toHexString(w.address()) + "u,0x" + Long.toHexString(w.clear())
                            + "u,0x" + Long.toHexString(w.set()) + "u}")
                    .toList()));
        }
        return List.copyOf(defines);
    }

    public Path includeDir() { return sourceDir.resolve("include"); }

    /** The runtime objects for {@code board}, compiled now or taken from the cache. */
    public synchronized List<Path> build(Board board) {
        List<Path> sources = sources();
        List<String> flags = compileFlags(board);
        Path target = cacheDir.resolve(hash(flags, sources));
        ensureBuilt(target, flags, sources);
        return objectsIn(target);
    }

    /**
     * runtime-c as LLVM bitcode for {@code board} (one x.bc per source, cached like the
     * objects): the stack report reads its call graph. Frame sizes come from the x.su files
     * that {@link #build} leaves beside the objects.
     */
    public Path bitcodeDir(Board board) {
        return bitcodeDir(board, false);
    }

    /**
     * As {@link #bitcodeDir(Board)}; {@code forSpeed} (-O 2 builds) compiles with -O2 and
     * {@code MOTE_FOR_SPEED}, which picks runtime-c's faster, larger code where it has both.
     */
    public synchronized Path bitcodeDir(Board board, boolean forSpeed) {
        List<Path> sources = sources();
        List<String> flags = new ArrayList<>(compileFlags(board));
        flags.remove("-fstack-usage");
        flags.add("-emit-llvm");
        flags.add("-DMOTE_WHOLE_PROGRAM");   // the facts mote.llvm.WholeProgram decides are variables to set
        if (forSpeed) {
            flags.set(flags.indexOf("-Os"), "-O2");
            flags.remove("-mno-movt");
            flags.add("-DMOTE_FOR_SPEED");
        }
        Path target = cacheDir.resolve(hash(flags, sources));
        ensureBuilt(target, flags, sources);
        return target;
    }

    /**
     * The runtime files that compiled code calls by name before code generation: linked into the
     * program's module as bitcode ({@code mote.llvm.WholeProgram}) and optimised with it.
     */
    public List<Path> wholeProgramBitcode(Board board) {
        return wholeProgramBitcode(board, false);
    }

    /** As {@link #wholeProgramBitcode(Board)}, compiled for speed (-O 2 builds) when {@code forSpeed}. */
    public List<Path> wholeProgramBitcode(Board board, boolean forSpeed) {
        Path dir = bitcodeDir(board, forSpeed);
        return filesEnding(dir, ".bc").stream().filter(p -> !isLibcallSource(p)).toList();
    }

    /**
     * The runtime files that code generation calls (`__aeabi_uldivmod`, `memcpy`, ...): their
     * calls appear only after the optimiser has run, so they stay objects, linked as an archive's
     * members are (only when called).
     */
    public List<Path> libcallObjects(Board board) {
        return build(board).stream().filter(RuntimeBuilder::isLibcallSource).toList();
    }

    /** arith.c and mem.c: the helper functions LLVM's code generator may call. */
    static final java.util.Set<String> LIBCALL_SOURCES = java.util.Set.of("arith", "mem");

    private static boolean isLibcallSource(Path file) {
        String name = file.getFileName().toString();
        return LIBCALL_SOURCES.contains(name.substring(0, name.lastIndexOf('.')));
    }

    /** Leaves a complete, verified folder at {@code target}: as it is, or rebuilt. */
    private void ensureBuilt(Path target, List<String> flags, List<Path> sources) {
        if (Files.isDirectory(target) && intact(target)) return;
        removeStaleTemporaries();
        if (Files.isDirectory(target)) {
            // Damaged: move it out of the way in one step (a build using it now keeps its files
            // open), then build it again like a missing one.
            try {
                Path damaged = cacheDir.resolve("damaged-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
                Files.move(target, damaged, StandardCopyOption.ATOMIC_MOVE);
                BuildFolder.deleteRecursively(damaged);
            } catch (IOException e) {
                // Another process moved or replaced it first: check what is there now.
                if (Files.isDirectory(target) && intact(target)) return;
            }
        }
        compileInto(target, flags, sources);
        if (!intact(target)) {
            throw new ToolError("the runtime objects in " + target + " are damaged right after building them\n" + MoteCache.clearHint());
        }
    }

    private void compileInto(Path target, List<String> flags, List<Path> sources) {
        Path temporary;
        try {
            temporary = Files.createTempDirectory(cacheDir, "building-" + ProcessHandle.current().pid() + "-");
        } catch (IOException e) {
            throw new ToolError("cannot create a folder in " + cacheDir + ": " + e.getMessage() + "\n" + MoteCache.clearHint());
        }
        try {
            // One clang run for all files (faster than one per file); each x.c becomes x.o in
            // the working folder, so file names must be unique across runtime-c.
            List<String> args = new ArrayList<>(flags);
            args.add("-c");
            sources.forEach(source -> args.add(source.toString()));
            toolchain.check(toolchain.clang(), args, temporary);
            writeManifest(temporary);   // last: a folder with a manifest is complete
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // Another process finished the same build first (rename(2) fails with ENOTEMPTY
                // or EEXIST, not always mapped to a specific exception): its objects are identical.
                if (!Files.isDirectory(target)) throw e;
            }
        } catch (IOException e) {
            throw new ToolError("cannot store runtime objects in " + target + ": " + e.getMessage() + "\n" + MoteCache.clearHint());
        } finally {
            BuildFolder.deleteRecursively(temporary);
        }
    }

    /** {@code HASH  NAME} for each file, sorted by name. */
    private static void writeManifest(Path dir) throws IOException {
        StringBuilder text = new StringBuilder();
        for (Path file : filesIn(dir)) text.append(sha256(file)).append("  ").append(file.getFileName()).append('\n');
        Files.writeString(dir.resolve(MANIFEST), text.toString());
    }

    /**
     * Folders found intact by this JVM, with the name, size and time of each file then: a build
     * asks up to five times (bitcode, link, stack report), and hashing every file each time
     * was a tenth of a small build (issue 13). A file changed since is hashed again.
     */
    private static final java.util.concurrent.ConcurrentHashMap<Path, String> VERIFIED = new java.util.concurrent.ConcurrentHashMap<>();

    /** Forgets the folders this JVM found intact, as a new run would (tests). */
    static void forgetVerified() {
        VERIFIED.clear();
    }

    /** True when the folder holds exactly the files its manifest lists, with the same bytes. */
    static boolean intact(Path dir) {
        try {
            String seen = fingerprint(dir);
            if (seen.equals(VERIFIED.get(dir))) return true;
            // Checked whole by an earlier run, and no file's size or time changed since.
            Path verified = dir.resolve(VERIFIED_FILE);
            if (Files.exists(verified) && Files.readString(verified).equals(seen)) {
                VERIFIED.put(dir, seen);
                return true;
            }
            List<String> lines = Files.readAllLines(dir.resolve(MANIFEST));
            List<Path> files = filesIn(dir);
            if (lines.size() != files.size() || files.isEmpty()) return false;
            for (int i = 0; i < lines.size(); i++) {
                String[] parts = lines.get(i).split("  ", 2);
                if (parts.length != 2 || !parts[1].equals(files.get(i).getFileName().toString())) return false;
                if (!parts[0].equals(sha256(files.get(i)))) return false;
            }
            VERIFIED.put(dir, seen);
            MoteCache.writeQuietly(verified, seen);
            return true;
        } catch (IOException | UncheckedIOException e) {
            return false;   // no manifest, or unreadable: rebuild
        }
    }

    /**
     * Beside the manifest: the names, sizes and times of the folder's files when a run last
     * found every hash matching. A later run whose files still look so does not hash them again;
     * a file truncated, rewritten or replaced since has another size or time.
     */
    static final String VERIFIED_FILE = ".verified";

    private static boolean isBookkeeping(Path file) {
        String name = file.getFileName().toString();
        return name.equals(MANIFEST) || name.startsWith(VERIFIED_FILE);
    }

    /** Each file of {@code dir} (the manifest too) by name, size and modification time. */
    private static String fingerprint(Path dir) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> !f.getFileName().toString().startsWith(VERIFIED_FILE)).sorted().toList()) {
                var attrs = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
                sb.append(file.getFileName()).append('\0').append(attrs.size()).append('\0')
                        .append(attrs.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS)).append('\n');
            }
        }
        return sb.toString();
    }

    private static List<Path> filesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> !isBookkeeping(p)).sorted().toList();
        }
    }

    private static String sha256(Path file) throws IOException {
        return digestHex(Files.readAllBytes(file));
    }

    /**
     * Folders of builds that were killed ({@code building-PID-*}) or replaced ({@code damaged-PID-*}):
     * removed when their process is gone or they are older than {@link #STALE}.
     */
    void removeStaleTemporaries() {
        java.time.Instant cutoff = java.time.Instant.now().minus(STALE);
        try (Stream<Path> entries = Files.list(cacheDir)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (!name.startsWith("building-") && !name.startsWith("damaged-")) continue;
                boolean stale = BuildFolder.ownerGone(name.substring(name.indexOf('-') + 1))
                        || Files.getLastModifiedTime(entry).toInstant().isBefore(cutoff);
                if (stale) BuildFolder.deleteRecursively(entry);
            }
        } catch (IOException | UncheckedIOException e) {
            // Cleaning up is a courtesy.
        }
    }

    private List<Path> sources() {
        try (Stream<Path> files = Files.walk(sourceDir)) {
            List<Path> sources = files.filter(p -> p.toString().endsWith(".c")).sorted().toList();
            if (sources.isEmpty()) throw new ToolError("no C sources in " + sourceDir);
            return sources;
        } catch (IOException e) {
            throw new ToolError("cannot read runtime sources in " + sourceDir + ": " + e.getMessage());
        }
    }

    /** {@link #hash}es this JVM computed, by the flags and the fingerprint of the sources they were computed from. */
    private final java.util.concurrent.ConcurrentHashMap<String, String> hashes = new java.util.concurrent.ConcurrentHashMap<>();

    private String hash(List<String> flags, List<Path> sources) {
        String key;
        try {
            StringBuilder sb = new StringBuilder(String.join("\0", flags)).append('\n');
            try (Stream<Path> files = Files.walk(sourceDir)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    var attrs = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
                    sb.append(sourceDir.relativize(file)).append('\0').append(attrs.size()).append('\0')
                            .append(attrs.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS)).append('\n');
                }
            }
            key = sb.toString();
        } catch (IOException e) {
            throw new ToolError("cannot read runtime sources in " + sourceDir + ": " + e.getMessage());
        }
        return hashes.computeIfAbsent(key, k -> rememberedHash(k, () -> hashOfSources(flags)));
    }

    /**
     * The hash of the sources whose names, sizes and times (and the flags) are {@code key}:
     * remembered across runs in a file {@code <cache>/key-*}, so a build reads and hashes the runtime's
     * sources only after one of them changed (a tenth of a small build in a fresh JVM, issue 13).
     * A missing or unreadable entry is computed again.
     */
    private String rememberedHash(String key, java.util.function.Supplier<String> compute) {
        Path entry = cacheDir.resolve("key-" + digestHex(key.getBytes(StandardCharsets.UTF_8)).substring(0, 32));
        try {
            String known = Files.readString(entry).strip();
            if (known.matches("[0-9a-f]{24}")) return known;
        } catch (IOException | UncheckedIOException e) {
            // not remembered yet
        }
        String hash = compute.get();
        MoteCache.writeQuietly(entry, hash + "\n");
        return hash;
    }

    private static String digestHex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String hashOfSources(List<String> flags) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(toolchain.clang().toString().getBytes(StandardCharsets.UTF_8));
            for (String flag : flags) digest.update((flag + "\0").getBytes(StandardCharsets.UTF_8));
            try (Stream<Path> files = Files.walk(sourceDir)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    digest.update((sourceDir.relativize(file) + "\0").getBytes(StandardCharsets.UTF_8));
                    digest.update(Files.readAllBytes(file));
                }
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new ToolError("cannot read runtime sources in " + sourceDir + ": " + e.getMessage());
        }
    }

    private static List<Path> objectsIn(Path dir) {
        return filesEnding(dir, ".o");
    }

    private static List<Path> filesEnding(Path dir, String suffix) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new ToolError("cannot read " + dir + ": " + e.getMessage());
        }
    }

}

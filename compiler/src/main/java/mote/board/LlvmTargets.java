package mote.board;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import mote.home.MoteCache;
import mote.home.ToolResult;
import mote.home.Toolchain;
import mote.llvm.LlvmBackend;

/**
 * Whether the bundled LLVM can build for a board's {@code llvm-target} and {@code cpu}. The
 * triple is asked of LLVM's target registry through the C API; the CPU names come from the
 * bundled llc's own list for that triple ({@code -mcpu=help}: the C API has no way to ask, and
 * LLVM only warns about an unknown CPU, then builds for a generic one), read once per triple
 * and LLVM version and kept in the Mote cache.
 */
final class LlvmTargets {
    private static final Map<String, Set<String>> CPUS = new ConcurrentHashMap<>();

    private LlvmTargets() {}

    static Optional<String> tripleProblem(String triple) {
        return LlvmBackend.targetProblem(triple);
    }

    /** True when llc lists {@code cpu} for {@code triple} (or gave no list to check against). */
    static boolean knowsCpu(String triple, String cpu) {
        Set<String> known = CPUS.computeIfAbsent(triple, LlvmTargets::cpus);
        return known.isEmpty() || known.contains(cpu);
    }

    /**
     * The CPU list, from the Mote cache when an earlier run of this LLVM version stored it (a
     * run of llc costs about a second, more than a small build): file
     * {@code llvm-cpus/LLVM_VERSION/TRIPLE}, one name a line.
     */
    static Set<String> cpus(String triple) {
        Path file = cpusFile(triple);
        Optional<Set<String>> stored = stored(file);
        if (stored.isPresent()) return stored.get();
        Set<String> cpus = askLlc(triple);
        if (cpus.isEmpty()) return cpus;   // llc gave no list: nothing worth keeping
        // A cache that cannot be written only costs the next run an llc.
        MoteCache.writeQuietly(file, Stream.concat(new TreeSet<>(cpus).stream(), Stream.of(END))
                .collect(Collectors.joining("\n", "", "\n")));
        return cpus;
    }

    /**
     * True when an earlier run with this LLVM found {@code triple} in its target registry: it
     * stored the triple's CPU list only then (BoardLoader asks for the triple first). A board
     * load then does not wait for the LLVM library, which a second thread is still loading while
     * the program is parsed and checked (issue 13).
     */
    static boolean checkedBefore(String triple) {
        return BUNDLED_VERSION.isPresent() && stored(cpusFile(triple)).isPresent();
    }

    private static Path cpusFile(String triple) {
        return MoteCache.dir("llvm-cpus").resolve(BUNDLED_VERSION.orElseGet(LlvmTargets::llvmVersion))
                .resolve(triple.replaceAll("[^A-Za-z0-9._-]", "_"));
    }

    private static Optional<Set<String>> stored(Path file) {
        try {
            if (Files.isRegularFile(file)) {
                List<String> lines = Files.readAllLines(file);
                if (!lines.isEmpty() && lines.get(lines.size() - 1).equals(END)) {
                    return Optional.of(Set.copyOf(lines.subList(0, lines.size() - 1)));
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // unreadable or damaged: ask llc again and rewrite it
        }
        return Optional.empty();
    }

    /** The bundled LLVM's version as its jar names it (`llvm-20.1.7-1.5.12`), read without loading the library. */
    private static final Optional<String> BUNDLED_VERSION = readBundledVersion();

    private static Optional<String> readBundledVersion() {
        try (var in = LlvmTargets.class.getResourceAsStream("/META-INF/maven/org.bytedeco/llvm/pom.properties")) {
            if (in == null) return Optional.empty();
            java.util.Properties properties = new java.util.Properties();
            properties.load(in);
            String version = properties.getProperty("version", "");
            return version.matches("[0-9A-Za-z._-]+") ? Optional.of("llvm-" + version) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The last line of a complete list: a file cut short by a crash is not taken for a short list. */
    private static final String END = "# end";

    private static String llvmVersion() {
        int[] major = new int[1], minor = new int[1], patch = new int[1];
        org.bytedeco.llvm.global.LLVM.LLVMGetVersion(major, minor, patch);
        return major[0] + "." + minor[0] + "." + patch[0];
    }

    /** llc prints `Available CPUs for this target:` then one `  name - Select the name processor.` a line. */
    private static Set<String> askLlc(String triple) {
        Toolchain tc = Toolchain.get();
        ToolResult result = tc.run(tc.tool("llc"), java.util.List.of("-mtriple=" + triple, "-mcpu=help"));
        return (result.stderr() + "\n" + result.stdout()).lines()
                .filter(line -> line.contains(" - Select the "))
                .map(line -> line.strip().split("\\s+")[0])
                .collect(Collectors.toUnmodifiableSet());
    }
}

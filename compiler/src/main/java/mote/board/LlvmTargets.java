package mote.board;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import mote.home.ToolResult;
import mote.home.Toolchain;
import mote.llvm.LlvmBackend;

/**
 * Whether the bundled LLVM can build for a board's {@code llvm-target} and {@code cpu}. The
 * triple is asked of LLVM's target registry through the C API; the CPU names come from the
 * bundled llc's own list for that triple ({@code -mcpu=help}: the C API has no way to ask, and
 * LLVM only warns about an unknown CPU, then builds for a generic one), read once per triple.
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

    /** llc prints `Available CPUs for this target:` then one `  name - Select the name processor.` a line. */
    private static Set<String> cpus(String triple) {
        Toolchain tc = Toolchain.get();
        ToolResult result = tc.run(tc.tool("llc"), java.util.List.of("-mtriple=" + triple, "-mcpu=help"));
        return (result.stderr() + "\n" + result.stdout()).lines()
                .filter(line -> line.contains(" - Select the "))
                .map(line -> line.strip().split("\\s+")[0])
                .collect(Collectors.toUnmodifiableSet());
    }
}

package mote.size;

import static org.bytedeco.llvm.global.LLVM.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mote.Compiler;
import mote.board.Board;
import mote.diag.ToolError;
import mote.link.RuntimeBuilder;
import mote.llvm.BitcodeFile;
import mote.llvm.LlvmCallGraph;
import mote.llvm.SymbolNames;
import org.bytedeco.llvm.LLVM.LLVMContextRef;
import org.bytedeco.llvm.LLVM.LLVMModuleRef;

/**
 * Worst-case stack of one poll of each task: the deepest chain of frames from the task's
 * poll entry through the program and runtime-c, over the call graph of the optimized code.
 *
 * Frame sizes: the program's from the code generator that emitted the object which is linked
 * (in-process, see {@link mote.llvm.LlvmBackend#emitObject}), runtime-c's from clang's
 * `-fstack-usage`, libgcc's from its machine code ({@link MachineCodeFrames}). Call edges: read
 * from the optimized LLVM module and runtime-c's bitcode, and for libgcc from the machine code.
 * Functions go by their readable names ({@link SymbolNames#demangle}: `main.task`, `uart.write`).
 * Recursion or a call through a pointer makes the stack unbounded, and the report says so.
 * Interrupt handlers that may preempt a poll are measured from their own roots; {@link StackCheck}
 * adds the deepest one on top of the deepest poll.
 */
public final class StackUsage {
    private final Map<String, Long> frames;
    private final Map<String, List<String>> graph;

    StackUsage(Map<String, Long> frames, Map<String, List<String>> graph) {
        this.frames = frames;
        this.graph = graph;
    }

    /**
     * The worst case from {@code root}: total bytes and the chain that needs them; or, when no
     * bound can be known, {@code unbounded} says why ("recursion through f -> g -> f").
     */
    public record Worst(String root, long bytes, List<String> path, String unbounded) {
        public boolean bounded() { return unbounded == null; }

        public String describe() {
            if (!bounded()) return "unbounded: " + unbounded;
            return bytes + " bytes (" + String.join(" -> ", path) + ")";
        }
    }

    /** Whether {@code fn} is a function of the image (the program's or runtime-c's). */
    public boolean has(String fn) { return graph.containsKey(fn) || frames.containsKey(fn); }

    /** The bytes of {@code fn}'s own frame (0 when it has none or is unknown). */
    public long frame(String fn) { return frames.getOrDefault(fn, 0L); }

    public static StackUsage measure(Compiler.Result build, Board board) {
        return mote.home.Timings.time("stack analysis", () -> measureUntimed(build, board));
    }

    private static StackUsage measureUntimed(Compiler.Result build, Board board) {
        Map<String, Long> frames = new HashMap<>();
        Map<String, List<String>> graph = new HashMap<>();
        build.callGraph().forEach((caller, callees) -> graph.put(SymbolNames.demangle(caller), callees.stream().map(SymbolNames::demangle).toList()));
        // The program: what its code generator reported while emitting the object (LlvmBackend.emitObject).
        build.frames().forEach((fn, bytes) -> frames.put(SymbolNames.demangle(fn), bytes));
        // runtime-c is usually in that module too, but for the helpers code generation calls
        // (arith.c, mem.c); at -O 0 none of it is. What is not: frames from the .su files beside
        // the objects, edges from the bitcode.
        RuntimeBuilder runtime = RuntimeBuilder.standard();
        Path bitcode = runtime.bitcodeDir(board);
        for (Path object : build.runtimeInObject() ? runtime.libcallObjects(board) : runtime.build(board)) {
            String stem = object.getFileName().toString().replaceFirst("\\.o$", "");
            readStackUsageFile(object.resolveSibling(stem + ".su"), frames);
            callGraphOf(bitcode.resolve(stem + ".bc")).forEach(graph::putIfAbsent);
        }
        // arith.c's 64-bit division shims are assembly: no .su line, no edge in the bitcode.
        DIVISION_SHIMS.forEach((shim, helper) -> {
            frames.putIfAbsent(shim, SHIM_FRAME);
            graph.putIfAbsent(shim, List.of(helper));
        });
        // libgcc's helpers: neither a frame nor edges from a compiler; read from the machine code.
        if (build.elf() != null && java.nio.file.Files.isRegularFile(build.elf()))
            MachineCodeFrames.addUnreported(build.elf(), frames, graph);
        POINTER_TARGETS.forEach((caller, targets) -> {
            List<String> callees = graph.get(caller);
            if (callees == null || !callees.contains(LlvmCallGraph.THROUGH_POINTER)) return;
            List<String> resolved = new ArrayList<>(callees);
            resolved.remove(LlvmCallGraph.THROUGH_POINTER);
            resolved.addAll(targets);
            graph.put(caller, resolved);
        });
        return new StackUsage(frames, graph);
    }

    /** arith.c's DIVMOD64_SHIM functions and the C helper each calls. */
    static final Map<String, String> DIVISION_SHIMS = Map.of(
            "__aeabi_uldivmod", "mote_udivmod64",
            "__aeabi_ldivmod", "mote_sdivmod64");
    /** Their frame: `push {r4, lr}` and 16 bytes for the remainder and its address. */
    static final long SHIM_FRAME = 24;

    /**
     * runtime-c's calls through pointers whose targets are known: mote_panic_end (and _at) calls
     * `mote_panic_hook`, which is null or unwind_to_executor (panic_task.c, `--panic=task`).
     * Other such calls (the executor's poll of a task) stay unknown, outside every chain measured here.
     */
    static final Map<String, List<String>> POINTER_TARGETS = Map.of(
            "mote_panic_end", List.of("unwind_to_executor"),
            "mote_panic_end_at", List.of("unwind_to_executor"));

    /** clang's `.su` lines: `file.c:line:col:function<TAB>bytes<TAB>static`. */
    static void readStackUsageFile(Path su, Map<String, Long> frames) {
        if (!Files.exists(su)) return;   // clang writes none for a file that defines no function
        try {
            for (String line : Files.readAllLines(su)) {
                String[] cols = line.split("\t");
                if (cols.length < 2) continue;
                String loc = cols[0];
                long bytes;
                try {
                    bytes = Long.parseLong(cols[1].trim());
                } catch (NumberFormatException e) {
                    throw new ToolError(su + " is damaged: `" + line + "` is not a clang stack-usage line\n"
                            + mote.home.MoteCache.clearHint());
                }
                frames.put(loc.substring(loc.lastIndexOf(':') + 1), bytes);
            }
        } catch (IOException e) {
            throw new ToolError("cannot read " + su + ": " + e.getMessage());
        }
    }

    private static Map<String, List<String>> callGraphOf(Path bitcode) {
        LLVMContextRef ctx = LLVMContextCreate();
        try {
            LLVMModuleRef module = BitcodeFile.read(bitcode, ctx, false);
            Map<String, List<String>> graph = LlvmCallGraph.of(module);
            LLVMDisposeModule(module);
            return graph;
        } finally {
            LLVMContextDispose(ctx);
        }
    }

    public Worst worst(String root) {
        Map<String, Worst> memo = new HashMap<>();
        return worst(root, new ArrayList<>(), memo);
    }

    /**
     * The worst case of one poll of task {@code task} (a fn name): from its poll function, or,
     * when the optimiser inlined that into the executor (a program of one task, whose id is
     * known), from the executor (see {@link #worstDirect}).
     */
    public Worst poll(String task) {
        return pollInlined(task) ? worstDirect(StackCheck.EXECUTOR) : worst(task + ".task");
    }

    /** Whether the optimiser inlined task {@code task}'s poll into the executor (it has no function of its own). */
    public boolean pollInlined(String task) { return !has(task + ".task"); }

    /**
     * Like {@link #worst}, but {@code root}'s own calls through a pointer are left out: the
     * executor's, whose targets (the tasks' polls) are measured one by one. What it calls
     * directly counts, polls the optimiser inlined into it included.
     */
    public Worst worstDirect(String root) {
        Map<String, Worst> memo = new HashMap<>();
        List<String> onPath = new ArrayList<>(List.of(root));
        Worst deepest = null;
        for (String callee : graph.getOrDefault(root, List.of())) {
            if (callee.equals(LlvmCallGraph.THROUGH_POINTER)) continue;
            Worst w = worst(callee, onPath, memo);
            if (!w.bounded()) return new Worst(root, 0, List.of(), w.unbounded());
            if (deepest == null || w.bytes() > deepest.bytes()) deepest = w;
        }
        return chain(root, frame(root), deepest);
    }

    /** {@code onPath}: the chain of calls that led here, to name a recursion's cycle. */
    private Worst worst(String fn, List<String> onPath, Map<String, Worst> memo) {
        Worst known = memo.get(fn);
        if (known != null) return known;
        if (fn.equals(LlvmCallGraph.THROUGH_POINTER)) {
            String caller = onPath.isEmpty() ? "?" : onPath.get(onPath.size() - 1);
            return new Worst(fn, 0, List.of(), caller + " calls through a pointer");
        }
        int seen = onPath.indexOf(fn);
        if (seen >= 0) {
            List<String> cycle = new ArrayList<>(onPath.subList(seen, onPath.size()));
            cycle.add(fn);
            return new Worst(fn, 0, List.of(fn), "recursion through " + String.join(" -> ", cycle));
        }
        onPath.add(fn);
        long own = frames.getOrDefault(fn, 0L);
        Worst deepest = null;
        for (String callee : graph.getOrDefault(fn, List.of())) {
            Worst w = worst(callee, onPath, memo);
            if (!w.bounded()) {
                onPath.remove(onPath.size() - 1);
                Worst unbounded = new Worst(fn, 0, List.of(), w.unbounded());
                memo.put(fn, unbounded);
                return unbounded;
            }
            if (deepest == null || w.bytes() > deepest.bytes()) deepest = w;
        }
        onPath.remove(onPath.size() - 1);
        Worst result = chain(fn, own, deepest);
        memo.put(fn, result);
        return result;
    }

    /** {@code fn}'s own frame on top of its deepest callee's chain (none: a leaf). */
    private static Worst chain(String fn, long own, Worst deepest) {
        List<String> path = new ArrayList<>();
        path.add(fn + " " + own);
        if (deepest != null) path.addAll(deepest.path());
        return new Worst(fn, own + (deepest == null ? 0 : deepest.bytes()), path, null);
    }
}

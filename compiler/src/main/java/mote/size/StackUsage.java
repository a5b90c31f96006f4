package mote.size;

import static org.bytedeco.llvm.global.LLVM.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import mote.Compiler;
import mote.board.Board;
import mote.diag.ToolError;
import mote.link.RuntimeBuilder;
import mote.link.Toolchain;
import mote.llvm.LlvmCallGraph;
import mote.llvm.SymbolNames;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.llvm.LLVM.LLVMContextRef;
import org.bytedeco.llvm.LLVM.LLVMMemoryBufferRef;
import org.bytedeco.llvm.LLVM.LLVMModuleRef;

/**
 * Worst-case stack of one poll of each task: the deepest chain of frames from the task's
 * poll entry through the program and runtime-c, over the call graph of the optimized code.
 *
 * Frame sizes: the program's from llc's `-stack-size-section` on the optimized bitcode (the
 * same code generator settings as the object that is linked), runtime-c's from clang's
 * `-fstack-usage`. Call edges: read from the optimized LLVM module and runtime-c's bitcode.
 * Functions go by their readable names ({@link SymbolNames#demangle}: `main.task`, `uart.write`).
 * Recursion makes the stack unbounded, and the report says so. Interrupt handlers that may
 * preempt a poll are not included (each runs on the same stack: add the largest handler's).
 */
public final class StackUsage {
    private final Map<String, Long> frames;
    private final Map<String, List<String>> graph;

    private StackUsage(Map<String, Long> frames, Map<String, List<String>> graph) {
        this.frames = frames;
        this.graph = graph;
    }

    /** The worst case from {@code root}: total bytes and the chain that needs them. */
    public record Worst(String root, long bytes, List<String> path, String recursion) {
        public boolean bounded() { return recursion == null; }

        public String describe() {
            if (!bounded()) return "unbounded (recursion through " + recursion + ")";
            return bytes + " bytes (" + String.join(" -> ", path) + ")";
        }
    }

    public static StackUsage measure(Compiler.Result build, Board board) {
        Toolchain tc = Toolchain.get();
        Map<String, Long> frames = new HashMap<>();
        Map<String, List<String>> graph = new HashMap<>();
        build.callGraph().forEach((caller, callees) -> graph.put(SymbolNames.demangle(caller), callees.stream().map(SymbolNames::demangle).toList()));
        // The program: llc with the stack-size section, read back by llvm-readobj.
        Path object = build.bitcode().resolveSibling(build.bitcode().getFileName() + ".stack.o");
        List<String> llc = new ArrayList<>(List.of("-O2", "-mtriple=" + board.llvmTarget(), "-mcpu=" + board.cpu()));
        if (board.features() != null && !board.features().isEmpty()) llc.add("-mattr=" + board.features());
        llc.addAll(List.of("-stack-size-section", "-filetype=obj", build.bitcode().toString(), "-o", object.toString()));
        tc.check(tc.tool("llc"), llc);
        String readobj = tc.check(tc.tool("llvm-readobj"), List.of("--stack-sizes", object.toString()));
        parseReadobj(readobj, frames);
        // runtime-c: frames from the .su files beside its objects, edges from its bitcode.
        RuntimeBuilder runtime = RuntimeBuilder.standard();
        Path objects = runtime.build(board).get(0).getParent();
        readStackUsageFiles(objects, frames);
        for (Path bc : list(runtime.bitcodeDir(board), ".bc")) graph.putAll(callGraphOf(bc));
        return new StackUsage(frames, graph);
    }

    static void parseReadobj(String text, Map<String, Long> frames) {
        String function = null;
        for (String line : text.split("\n")) {
            line = line.trim();
            if (line.startsWith("Functions: [")) function = line.substring("Functions: [".length(), line.length() - 1).split(",")[0].trim();
            else if (line.startsWith("Size: ") && function != null) {
                frames.put(SymbolNames.demangle(function), Long.decode(line.substring(6).trim()));
                function = null;
            }
        }
    }

    /** clang's `.su` lines: `file.c:line:col:function<TAB>bytes<TAB>static`. */
    static void readStackUsageFiles(Path dir, Map<String, Long> frames) {
        for (Path su : list(dir, ".su")) {
            try {
                for (String line : Files.readAllLines(su)) {
                    String[] cols = line.split("\t");
                    if (cols.length < 2) continue;
                    String loc = cols[0];
                    frames.put(loc.substring(loc.lastIndexOf(':') + 1), Long.parseLong(cols[1].trim()));
                }
            } catch (IOException e) {
                throw new ToolError("cannot read " + su + ": " + e.getMessage());
            }
        }
    }

    private static List<Path> list(Path dir, String suffix) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new ToolError("cannot list " + dir + ": " + e.getMessage());
        }
    }

    private static Map<String, List<String>> callGraphOf(Path bitcode) {
        LLVMContextRef ctx = LLVMContextCreate();
        try {
            LLVMMemoryBufferRef buffer = new LLVMMemoryBufferRef();
            BytePointer err = new BytePointer();
            if (LLVMCreateMemoryBufferWithContentsOfFile(new BytePointer(bitcode.toString()), buffer, err) != 0)
                throw new ToolError("cannot read " + bitcode + ": " + err.getString());
            LLVMModuleRef module = new LLVMModuleRef();
            if (LLVMParseBitcodeInContext2(ctx, buffer, module) != 0) throw new ToolError("cannot parse " + bitcode);
            Map<String, List<String>> graph = LlvmCallGraph.of(module);
            LLVMDisposeModule(module);
            return graph;
        } finally {
            LLVMContextDispose(ctx);
        }
    }

    public Worst worst(String root) {
        Map<String, Worst> memo = new HashMap<>();
        return worst(root, new HashSet<>(), memo);
    }

    private Worst worst(String fn, Set<String> onPath, Map<String, Worst> memo) {
        Worst known = memo.get(fn);
        if (known != null) return known;
        if (!onPath.add(fn)) return new Worst(fn, 0, List.of(fn), fn);
        long own = frames.getOrDefault(fn, 0L);
        Worst deepest = null;
        for (String callee : graph.getOrDefault(fn, List.of())) {
            Worst w = worst(callee, onPath, memo);
            if (!w.bounded()) {
                onPath.remove(fn);
                Worst unbounded = new Worst(fn, 0, List.of(), w.recursion());
                memo.put(fn, unbounded);
                return unbounded;
            }
            if (deepest == null || w.bytes() > deepest.bytes()) deepest = w;
        }
        onPath.remove(fn);
        List<String> path = new ArrayList<>();
        path.add(fn + " " + own);
        if (deepest != null) path.addAll(deepest.path());
        Worst result = new Worst(fn, own + (deepest == null ? 0 : deepest.bytes()), path, null);
        memo.put(fn, result);
        return result;
    }
}

package mote.llvm;

import static org.bytedeco.llvm.global.LLVM.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.llvm.LLVM.LLVMAttributeRef;
import org.bytedeco.llvm.LLVM.LLVMContextRef;
import org.bytedeco.llvm.LLVM.LLVMMemoryBufferRef;
import org.bytedeco.llvm.LLVM.LLVMModuleRef;
import org.bytedeco.llvm.LLVM.LLVMUseRef;
import org.bytedeco.llvm.LLVM.LLVMValueRef;

/**
 * Code generation of a large module on several threads (issue 13). LLVM's code generator
 * (instruction selection above all) takes as long as the whole optimisation and works one
 * function at a time, so once the optimiser is done a large module is cut into partitions, each
 * compiled to an object of its own on its own thread, in an LLVM context of its own (a context
 * is single-threaded). This is what rustc's codegen units and LLVM's own parallel LTO back end do.
 *
 * <p>The partitions depend on the module alone, never on the machine: the same program gives
 * the same image on a laptop of 16 cores and a CI runner of 2. A module below
 * {@link #INSTRUCTIONS_PER_PARTITION} twice over (every program of a few thousand lines) is one
 * partition and compiles exactly as before. Cut, the code differs a little (module-local
 * values used across partitions become hidden global symbols; ARM's global merging sees one
 * partition's variables at a time): on the generated 10,000-line firmware the image came out
 * 6 B (`--opt all`) and 1.8 KB (`--opt none`) smaller. `--codegen-units 1` never cuts.
 */
public final class SplitCodegen {
    /** IR instructions per partition when the number of partitions is chosen by size. */
    static final int INSTRUCTIONS_PER_PARTITION = 10_000;
    /**
     * At most this many partitions by size: each costs reading the module once more (about a
     * tenth of its code generation time), which a machine of 2 cores pays for more than 2.
     * `--codegen-units` may ask for up to {@link #MAX_UNITS}.
     */
    static final int MAX_PARTITIONS_BY_SIZE = 4;
    public static final int MAX_UNITS = 64;
    /** What `--codegen-units` and Mote.toml's `codegen-units` accept, as their errors say it. */
    public static final String UNITS_EXPECTED = "a whole number from 1 to " + MAX_UNITS;

    /** Whether {@code units} is a count of partitions one may ask for. */
    public static boolean validUnits(long units) { return units >= 1 && units <= MAX_UNITS; }
    /**
     * LLVM's code generator recurses over deeply inlined code, so the helper threads get as
     * large a stack as the compile thread (mote.Compiler): address space, of which the kernel
     * backs only the pages touched.
     */
    static final long HELPER_STACK_BYTES = 1L << 30;

    private SplitCodegen() {}

    /**
     * Who owns each global value, by name: the partition that defines it (every other one
     * declares it). {@code partitions} is 1 when the module is not cut.
     */
    record Plan(int partitions, Map<String, Integer> owner, java.util.Set<String> namedInAssembly) {}

    /** The objects written and each function's stack frame (see {@link LlvmBackend#emitObject}). */
    public record Emitted(List<Path> objects, Map<String, Long> frames) {}

    /**
     * Emits {@code module} (optimised) as one object {@code dir/stem.o}, or when large, or when
     * {@code units} asks for it, as {@code dir/stem.N.o} for each partition N; with
     * {@code assembly}, writes the assembly of the same code there too (the partitions' one after
     * the other). {@code units} 0 chooses by size; otherwise at most that many partitions.
     * A module that is cut keeps only partition 0 afterwards: read what else is needed first.
     */
    public static Emitted emit(LlvmBackend backend, LLVMModuleRef module, Path dir, String stem, int units, Path assembly) {
        Plan plan = plan(module, units);
        if (plan.partitions() == 1) {
            if (assembly != null) backend.emitAssembly(module, assembly);
            Path object = dir.resolve(stem + ".o");
            return new Emitted(List.of(object), backend.emitObject(module, object));
        }
        exportCrossPartitionReferences(module, plan);
        LLVMMemoryBufferRef bitcode = LLVMWriteBitcodeToMemoryBuffer(module);
        try {
            return emitPartitions(backend, module, bitcode, plan, dir, stem, assembly);
        } finally {
            LLVMDisposeMemoryBuffer(bitcode);
        }
    }

    /** The partitions of {@code module}: see {@link #emit}. */
    static Plan plan(LLVMModuleRef module, int units) {
        Map<String, Integer> sizes = new LinkedHashMap<>();   // defined functions, in module order
        java.util.Set<String> namedInAssembly = new java.util.HashSet<>();
        collectSymbols(moduleAssembly(module), namedInAssembly);
        long total = 0;
        for (LLVMValueRef f = LLVMGetFirstFunction(module); f != null && !f.isNull(); f = LLVMGetNextFunction(f)) {
            if (LLVMIsDeclaration(f) != 0) continue;
            int n = instructionCount(f, namedInAssembly);
            sizes.put(name(f), n);
            total += n;
        }
        int partitions = partitionCount(total, sizes.size(), units);
        if (partitions < 2 || !splittable(module)) return new Plan(1, Map.of(), java.util.Set.of());

        // Largest functions first, each to the least loaded partition: balanced work per thread.
        Map<String, Integer> owner = new HashMap<>();
        long[] load = new long[partitions];
        List<Map.Entry<String, Integer>> bySize = new ArrayList<>(sizes.entrySet());
        bySize.sort(Comparator.comparing((Map.Entry<String, Integer> e) -> e.getValue()).reversed());   // stable: module order breaks ties
        for (var e : bySize) {
            int least = 0;
            for (int p = 1; p < partitions; p++) if (load[p] < load[least]) least = p;
            owner.put(e.getKey(), least);
            load[least] += e.getValue();
        }
        // A variable goes where most of the instructions using it are: those keep reaching it the
        // cheap way. A variable no function uses (the vector table) goes to partition 0.
        for (LLVMValueRef g = LLVMGetFirstGlobal(module); g != null && !g.isNull(); g = LLVMGetNextGlobal(g)) {
            if (LLVMIsDeclaration(g) != 0 || isLlvmSpecial(g)) continue;
            int[] uses = new int[partitions];
            forEachUsingPartition(g, owner, p -> uses[p]++);
            int best = 0;
            for (int p = 1; p < partitions; p++) if (uses[p] > uses[best]) best = p;
            owner.put(name(g), best);
        }
        return new Plan(partitions, owner, namedInAssembly);
    }

    /** How many partitions a module of {@code instructions} in {@code functions} functions is cut into. */
    static int partitionCount(long instructions, int functions, int units) {
        long wanted = units > 0 ? units : Math.min(MAX_PARTITIONS_BY_SIZE, instructions / INSTRUCTIONS_PER_PARTITION);
        return (int) Math.max(1, Math.min(wanted, functions));
    }

    /**
     * Whether every global value can be given to one partition by name: aliases and ifuncs
     * (none in Mote's modules today) would need copying, and an unnamed value has no name
     * for a declaration to link to.
     */
    private static boolean splittable(LLVMModuleRef module) {
        if (LLVMGetFirstGlobalAlias(module) != null && !LLVMGetFirstGlobalAlias(module).isNull()) return false;
        if (LLVMGetFirstGlobalIFunc(module) != null && !LLVMGetFirstGlobalIFunc(module).isNull()) return false;
        for (LLVMValueRef f = LLVMGetFirstFunction(module); f != null && !f.isNull(); f = LLVMGetNextFunction(f))
            if (name(f).isEmpty()) return false;
        for (LLVMValueRef g = LLVMGetFirstGlobal(module); g != null && !g.isNull(); g = LLVMGetNextGlobal(g))
            if (name(g).isEmpty()) return false;
        return true;
    }

    /**
     * A module-local value (internal or private) used from a partition that does not own it
     * becomes a hidden global symbol, so that the partitions' objects link to one another; so
     * does one that inline assembly names (the fault handler's `ldr r0, =mote_active_irqs`),
     * a use LLVM does not see.
     */
    static void exportCrossPartitionReferences(LLVMModuleRef module, Plan plan) {
        for (LLVMValueRef v : WholeProgram.globals(module)) {   // a module that is cut has no aliases (splittable)
            if (LLVMIsDeclaration(v) != 0 || isLlvmSpecial(v)) continue;
            int linkage = LLVMGetLinkage(v);
            if (linkage != LLVMInternalLinkage && linkage != LLVMPrivateLinkage) continue;
            int own = plan.owner().get(name(v));
            boolean[] elsewhere = {plan.namedInAssembly().contains(name(v))};
            forEachUsingPartition(v, plan.owner(), p -> elsewhere[0] |= p != own);
            if (!elsewhere[0]) continue;
            LLVMSetLinkage(v, LLVMExternalLinkage);
            LLVMSetVisibility(v, LLVMHiddenVisibility);
        }
    }

    /**
     * Calls {@code action} with the partition of each use of {@code value}: the function of an
     * instruction, the variable whose initializer holds it (through constant expressions and
     * aggregates), `llvm.used` and its kind in partition 0.
     */
    private static void forEachUsingPartition(LLVMValueRef value, Map<String, Integer> owner, java.util.function.IntConsumer action) {
        for (LLVMUseRef use = LLVMGetFirstUse(value); use != null && !use.isNull(); use = LLVMGetNextUse(use)) {
            LLVMValueRef user = LLVMGetUser(use);
            if (isNonNull(LLVMIsAInstruction(user))) {
                action.accept(owner.getOrDefault(name(LLVMGetBasicBlockParent(LLVMGetInstructionParent(user))), 0));
            } else if (isNonNull(LLVMIsAGlobalVariable(user))) {
                action.accept(isLlvmSpecial(user) ? 0 : owner.getOrDefault(name(user), 0));
            } else if (isNonNull(LLVMIsAFunction(user))) {   // a personality or prefix: none in Mote, owned all the same
                action.accept(owner.getOrDefault(name(user), 0));
            } else if (isNonNull(LLVMIsAConstant(user))) {
                forEachUsingPartition(user, owner, action);
            }
        }
    }

    /**
     * Partition 0 is cut from {@code module} itself, on this thread (it saves reading the
     * module once more); every other one is read from {@code bitcode} into a context of its
     * own, on a helper thread while there are cores for it.
     */
    private static Emitted emitPartitions(LlvmBackend backend, LLVMModuleRef module, LLVMMemoryBufferRef bitcode, Plan plan,
                                          Path dir, String stem, Path assembly) {
        int n = plan.partitions();
        List<Path> objects = new ArrayList<>();
        List<Path> assemblies = new ArrayList<>();
        for (int p = 0; p < n; p++) {
            objects.add(dir.resolve(stem + "." + p + ".o"));
            assemblies.add(assembly == null ? null : dir.resolve(stem + "." + p + ".s"));
        }
        Map<String, Long> frames = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable worker = () -> {
            for (int p; failure.get() == null && (p = next.getAndIncrement()) < n; ) {
                try {
                    frames.putAll(emitReadPartition(backend, bitcode, plan, p, objects.get(p), assemblies.get(p)));
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }
        };
        List<Thread> helpers = new ArrayList<>();
        int threads = Math.min(n, Runtime.getRuntime().availableProcessors());
        for (int t = 1; t < threads; t++) {
            Thread helper = new Thread(null, worker, "mote-codegen-" + t, HELPER_STACK_BYTES);
            helper.setDaemon(true);
            helper.start();
            helpers.add(helper);
        }
        try {
            keepOnly(module, plan, 0);
            frames.putAll(emitPartition(backend, module, objects.get(0), assemblies.get(0)));
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
        worker.run();
        for (Thread helper : helpers) {
            try {
                helper.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while generating code", e);
            }
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException r) throw r;
        if (t instanceof Error e) throw e;
        if (t != null) throw new IllegalStateException(t);
        if (assembly != null) concatenateAssembly(assemblies, assembly);
        return new Emitted(objects, Map.copyOf(frames));
    }

    /** One partition other than 0: the module read again in a context of its own, cut down to what the partition owns. */
    private static Map<String, Long> emitReadPartition(LlvmBackend backend, LLVMMemoryBufferRef bitcode, Plan plan, int partition,
                                                       Path object, Path assembly) {
        LLVMContextRef ctx = LLVMContextCreate();
        try (LlvmBackend own = backend.copy()) {
            LLVMModuleRef module = new LLVMModuleRef();
            if (LLVMParseBitcodeInContext2(ctx, bitcode, module) != 0)
                throw new IllegalStateException("LLVM could not read back its own bitcode for code generation partition " + partition);
            try {
                keepOnly(module, plan, partition);
                return emitPartition(own, module, object, assembly);
            } finally {
                LLVMDisposeModule(module);
            }
        } finally {
            LLVMContextDispose(ctx);
        }
    }

    private static Map<String, Long> emitPartition(LlvmBackend backend, LLVMModuleRef module, Path object, Path assembly) {
        if (assembly != null) backend.emitAssembly(module, assembly);
        return backend.emitObject(module, object);
    }

    /**
     * Turns everything {@code partition} does not own into an external declaration. Functions
     * become fresh declarations carrying the old one's calling convention and attributes: the C
     * API can delete a function but not only its body.
     */
    static void keepOnly(LLVMModuleRef module, Plan plan, int partition) {
        List<LLVMValueRef> foreign = new ArrayList<>();
        for (LLVMValueRef f = LLVMGetFirstFunction(module); f != null && !f.isNull(); f = LLVMGetNextFunction(f))
            if (LLVMIsDeclaration(f) == 0 && plan.owner().getOrDefault(name(f), 0) != partition) foreign.add(f);
        List<LLVMValueRef> declarations = new ArrayList<>();
        for (LLVMValueRef f : foreign) {
            String name = name(f);
            LLVMSetValueName2(f, "", 0);
            LLVMValueRef d = LLVMAddFunction(module, name, LLVMGlobalGetValueType(f));
            LLVMSetFunctionCallConv(d, LLVMGetFunctionCallConv(f));
            copyFunctionAttributes(f, d);
            LLVMSetLinkage(d, LLVMGetLinkage(f));
            LLVMSetVisibility(d, LLVMGetVisibility(f));
            LLVMReplaceAllUsesWith(f, d);
            LLVMDeleteFunction(f);
            declarations.add(d);
        }
        List<LLVMValueRef> globals = new ArrayList<>();
        List<LLVMValueRef> special = new ArrayList<>();
        for (LLVMValueRef g = LLVMGetFirstGlobal(module); g != null && !g.isNull(); g = LLVMGetNextGlobal(g))
            (isLlvmSpecial(g) ? special : globals).add(g);
        if (partition != 0) for (LLVMValueRef g : special) LLVMDeleteGlobal(g);   // `llvm.used` and the like: once, in partition 0
        for (LLVMValueRef g : globals) {
            if (LLVMIsDeclaration(g) != 0 || plan.owner().getOrDefault(name(g), 0) == partition) continue;
            LLVMSetInitializer(g, null);
            LLVMGlobalClearMetadata(g);   // its DWARF location is the owner's
        }
        if (partition != 0) LLVMSetModuleInlineAsm2(module, "", 0);
        // A local declaration is not valid IR: a value local to its owner that this partition
        // still uses would be a planning error; one it does not use becomes an external
        // declaration, which emits nothing (constants LLVM keeps around may still name it).
        for (LLVMValueRef g : globals) if (LLVMIsDeclaration(g) != 0) declareExternally(g);
        for (LLVMValueRef d : declarations) declareExternally(d);
    }

    private static void declareExternally(LLVMValueRef declaration) {
        int linkage = LLVMGetLinkage(declaration);
        if (linkage != LLVMInternalLinkage && linkage != LLVMPrivateLinkage) return;
        if (hasLiveUse(declaration))
            throw new IllegalStateException("code generation partition uses `" + name(declaration) + "`, local to another partition");
        LLVMSetLinkage(declaration, LLVMExternalLinkage);
    }

    /** Whether code or a variable's initializer uses {@code value} (directly or through constants). */
    private static boolean hasLiveUse(LLVMValueRef value) {
        for (LLVMUseRef use = LLVMGetFirstUse(value); use != null && !use.isNull(); use = LLVMGetNextUse(use)) {
            LLVMValueRef user = LLVMGetUser(use);
            if (isNonNull(LLVMIsAInstruction(user)) || isNonNull(LLVMIsAGlobalValue(user))) return true;
            if (isNonNull(LLVMIsAConstant(user)) && hasLiveUse(user)) return true;
        }
        return false;
    }

    private static void copyFunctionAttributes(LLVMValueRef from, LLVMValueRef to) {
        int count = LLVMGetAttributeCountAtIndex(from, LLVMAttributeFunctionIndex);
        if (count == 0) return;
        org.bytedeco.javacpp.PointerPointer<LLVMAttributeRef> attrs = new org.bytedeco.javacpp.PointerPointer<>(count);
        LLVMGetAttributesAtIndex(from, LLVMAttributeFunctionIndex, attrs);
        for (int i = 0; i < count; i++) LLVMAddAttributeAtIndex(to, LLVMAttributeFunctionIndex, new LLVMAttributeRef(attrs.get(i)));
    }

    private static void concatenateAssembly(List<Path> parts, Path assembly) {
        try {
            StringBuilder sb = new StringBuilder();
            for (int p = 0; p < parts.size(); p++) {
                sb.append("@ ---- code generation partition ").append(p).append(" of ").append(parts.size()).append(" ----\n");
                sb.append(Files.readString(parts.get(p)));
                Files.delete(parts.get(p));
            }
            Files.writeString(assembly, sb);
        } catch (IOException e) {
            throw new mote.diag.ToolError("cannot write " + assembly + ": " + e.getMessage());
        }
    }

    /** The function's instructions; the symbols its inline assembly might name go to {@code namedInAssembly}. */
    private static int instructionCount(LLVMValueRef f, java.util.Set<String> namedInAssembly) {
        int n = 0;
        for (var b = LLVMGetFirstBasicBlock(f); b != null && !b.isNull(); b = LLVMGetNextBasicBlock(b))
            for (var i = LLVMGetFirstInstruction(b); i != null && !i.isNull(); i = LLVMGetNextInstruction(i)) {
                n++;
                if (isNonNull(LLVMIsACallInst(i)) && isNonNull(LLVMIsAInlineAsm(LLVMGetCalledValue(i)))) {
                    org.bytedeco.javacpp.SizeTPointer length = new org.bytedeco.javacpp.SizeTPointer(1);
                    BytePointer text = LLVMGetInlineAsmAsmString(LLVMGetCalledValue(i), length);
                    collectSymbols(text == null || text.isNull() ? "" : text.limit(length.get()).getString(), namedInAssembly);
                }
            }
        return n;
    }

    private static String moduleAssembly(LLVMModuleRef module) {
        org.bytedeco.javacpp.SizeTPointer length = new org.bytedeco.javacpp.SizeTPointer(1);
        BytePointer text = LLVMGetModuleInlineAsm(module, length);
        return text == null || text.isNull() ? "" : text.limit(length.get()).getString();
    }

    private static final java.util.regex.Pattern SYMBOL = java.util.regex.Pattern.compile("[A-Za-z_.$][A-Za-z0-9_.$]*");

    /** Every word of {@code assembly} that could be a symbol: more than it names, which only exports a little more. */
    private static void collectSymbols(String assembly, java.util.Set<String> into) {
        var m = SYMBOL.matcher(assembly);
        while (m.find()) into.add(m.group());
    }

    /** `llvm.used`, `llvm.compiler.used` and the other variables LLVM gives meaning by name. */
    private static boolean isLlvmSpecial(LLVMValueRef g) { return name(g).startsWith("llvm."); }

    private static boolean isNonNull(LLVMValueRef v) { return v != null && !v.isNull(); }

    static String name(LLVMValueRef v) { return LLVMGetValueName(v).getString(); }
}

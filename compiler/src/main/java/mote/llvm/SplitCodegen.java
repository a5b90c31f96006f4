package mote.llvm;

import static mote.llvm.PartitionPlan.isLlvmSpecial;
import static mote.llvm.PartitionPlan.isNonNull;
import static mote.llvm.PartitionPlan.name;
import static org.bytedeco.llvm.global.LLVM.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.llvm.LLVM.LLVMAttributeRef;
import org.bytedeco.llvm.LLVM.LLVMContextRef;
import org.bytedeco.llvm.LLVM.LLVMMemoryBufferRef;
import org.bytedeco.llvm.LLVM.LLVMModuleRef;
import org.bytedeco.llvm.LLVM.LLVMTypeRef;
import org.bytedeco.llvm.LLVM.LLVMUseRef;
import org.bytedeco.llvm.LLVM.LLVMValueRef;

/**
 * Optimisation and code generation of a large module on several threads (issue 13). LLVM's
 * optimiser and code generator work one module on one thread; a large module is therefore cut,
 * before optimisation, into partitions ({@link PartitionPlan}: what is worth inlining stays
 * together), each optimised and compiled to an object of its own on its own thread, in an LLVM
 * context of its own (a context is single-threaded). This is what rustc's codegen units are.
 *
 * <p>The partitions depend on the module alone, never on the machine: the same program gives
 * the same image on a laptop of 16 cores and a CI runner of 2. A module below
 * {@link PartitionPlan#INSTRUCTIONS_PER_PARTITION} twice over (every example, run test and
 * bench program of a few thousand lines) is one partition and compiles exactly as before. Cut,
 * the code differs a little: the optimiser sees one partition at a time, module-local values
 * used across partitions become hidden global symbols, ARM's global merging sees one
 * partition's variables at a time. `--codegen-units 1` never cuts: the smallest image.
 */
public final class SplitCodegen implements AutoCloseable {
    public static final int MAX_UNITS = 64;
    /** What `--codegen-units` and Mote.toml's `codegen-units` accept, as their errors say it. */
    public static final String UNITS_EXPECTED = "a whole number from 1 to " + MAX_UNITS;

    /** Whether {@code units} is a count of partitions one may ask for. */
    public static boolean validUnits(long units) { return units >= 1 && units <= MAX_UNITS; }
    /**
     * LLVM's optimiser and code generator recurse over deeply inlined code, so the helper
     * threads get as large a stack as the compile thread (mote.Compiler): address space, of
     * which the kernel backs only the pages touched.
     */
    static final long HELPER_STACK_BYTES = 1L << 30;

    /** The objects written and each function's stack frame (see {@link LlvmBackend#emitObject}). */
    public record Emitted(List<Path> objects, Map<String, Long> frames) {}

    /** One partition: its module, in its context, with its own target machine (partition 0: the caller's). */
    private record Partition(LLVMContextRef context, LLVMModuleRef module, LlvmBackend backend) {}

    private final LlvmBackend backend;
    private final LLVMModuleRef module;
    private final PartitionPlan plan;
    private final Partition[] partitions;

    private SplitCodegen(LlvmBackend backend, LLVMModuleRef module, PartitionPlan plan) {
        this.backend = backend;
        this.module = module;
        this.plan = plan;
        this.partitions = new Partition[plan.partitions()];
        partitions[0] = new Partition(null, module, backend);
    }

    /**
     * Plans the partitions of {@code module}, not yet optimised: by its size when {@code units}
     * is 0, else at most that many. Nothing is cut before {@link #optimise}; a module that is
     * cut keeps only partition 0 afterwards.
     */
    public static SplitCodegen plan(LlvmBackend backend, LLVMModuleRef module, int units) {
        return new SplitCodegen(backend, module, PartitionPlan.of(module, units));
    }

    public int partitions() { return plan.partitions(); }

    /** Cuts the module as planned and optimises each partition, on as many threads as there are cores for. */
    public void optimise() {
        if (plan.whole()) {
            backend.optimise(module);
            return;
        }
        exportCrossPartitionReferences(module, plan);
        LLVMMemoryBufferRef bitcode = LLVMWriteBitcodeToMemoryBuffer(module);
        try {
            inParallel(plan.partitions(), p -> {
                if (p == 0) {
                    keepOnly(module, plan, 0);
                    backend.optimise(module);
                    return;
                }
                LLVMContextRef ctx = LLVMContextCreate();
                LLVMModuleRef read = readHeld(ctx, bitcode, plan, p);
                Partition own = new Partition(ctx, read, backend.copy());
                partitions[p] = own;   // closed by close() from here on
                keepOnly(read, plan, p);
                own.backend().optimise(read);
            });
        } finally {
            LLVMDisposeMemoryBuffer(bitcode);
        }
    }

    /**
     * The module as {@code bitcode} holds it, read into {@code ctx} with the bodies of only the
     * functions partition {@code p} holds: the others stay unread (LLVM reads a function's
     * body when it is materialized, which a legacy function pass manager does before it runs)
     * and {@link #keepOnly} turns them into declarations. Reading half the bodies of a module
     * takes a third of the time of reading it all (the 10,000-line firmware: 30-60 ms against
     * 95-130 ms).
     */
    private static LLVMModuleRef readHeld(LLVMContextRef ctx, LLVMMemoryBufferRef bitcode, PartitionPlan plan, int p) {
        // The module takes the buffer it is read from: each gets its own copy.
        LLVMMemoryBufferRef copy = LLVMCreateMemoryBufferWithMemoryRangeCopy(LLVMGetBufferStart(bitcode), LLVMGetBufferSize(bitcode),
                new BytePointer("partition " + p));
        LLVMModuleRef read = new LLVMModuleRef();
        if (LLVMGetBitcodeModuleInContext2(ctx, copy, read) != 0) {
            LLVMDisposeMemoryBuffer(copy);
            LLVMContextDispose(ctx);
            throw new IllegalStateException("LLVM could not read back its own bitcode for partition " + p);
        }
        var materializer = LLVMCreateFunctionPassManagerForModule(read);
        try {
            LLVMInitializeFunctionPassManager(materializer);
            for (LLVMValueRef f = LLVMGetFirstFunction(read); f != null && !f.isNull(); f = LLVMGetNextFunction(f))
                if (LLVMIsDeclaration(f) == 0 && plan.holds(name(f), p)) LLVMRunFunctionPassManager(materializer, f);
            LLVMFinalizeFunctionPassManager(materializer);
        } finally {
            LLVMDisposePassManager(materializer);
        }
        return read;
    }

    /** The optimised IR of every partition, one after the other. */
    public String printIr() {
        StringBuilder sb = new StringBuilder();
        for (int p = 0; p < partitions.length; p++) {
            if (partitions.length > 1) sb.append("; ---- partition ").append(p).append(" of ").append(partitions.length).append(" ----\n");
            BytePointer text = LLVMPrintModuleToString(partitions[p].module());
            sb.append(text.getString());
            LLVMDisposeMessage(text);
        }
        return sb.toString();
    }

    /**
     * Who calls whom ({@link LlvmCallGraph}) in the optimised partitions together. A function
     * copied into several partitions ({@link PartitionPlan}) calls what any of its copies calls.
     */
    public Map<String, List<String>> callGraph() {
        Map<String, LinkedHashSet<String>> merged = new LinkedHashMap<>();
        for (Partition partition : partitions)
            LlvmCallGraph.of(partition.module()).forEach((f, callees) -> merged.computeIfAbsent(f, k -> new LinkedHashSet<>()).addAll(callees));
        Map<String, List<String>> graph = new LinkedHashMap<>();
        merged.forEach((f, callees) -> graph.put(f, new ArrayList<>(callees)));
        return graph;
    }

    /**
     * Emits the optimised module as one object {@code dir/stem.o}, or, cut, as
     * {@code dir/stem.N.o} for each partition N; with {@code assembly}, writes the assembly of
     * the same code there too (the partitions' one after the other). A function copied into
     * several partitions reports its largest frame.
     */
    public Emitted emit(Path dir, String stem, Path assembly) {
        if (plan.whole()) {
            if (assembly != null) backend.emitAssembly(module, assembly);
            Path object = dir.resolve(stem + ".o");
            return new Emitted(List.of(object), backend.emitObject(module, object));
        }
        int n = plan.partitions();
        List<Path> objects = new ArrayList<>();
        List<Path> assemblies = new ArrayList<>();
        for (int p = 0; p < n; p++) {
            objects.add(dir.resolve(stem + "." + p + ".o"));
            assemblies.add(assembly == null ? null : dir.resolve(stem + "." + p + ".s"));
        }
        Map<String, Long> frames = new ConcurrentHashMap<>();
        inParallel(n, p -> {
            Partition partition = partitions[p];
            if (assemblies.get(p) != null) partition.backend().emitAssembly(partition.module(), assemblies.get(p));
            partition.backend().emitObject(partition.module(), objects.get(p)).forEach((f, bytes) -> frames.merge(f, bytes, Math::max));
        });
        if (assembly != null) concatenateAssembly(assemblies, assembly);
        return new Emitted(objects, Map.copyOf(frames));
    }

    @Override
    public void close() {
        for (int p = 1; p < partitions.length; p++) {
            Partition partition = partitions[p];
            if (partition == null) continue;
            LLVMDisposeModule(partition.module());
            partition.backend().close();
            LLVMContextDispose(partition.context());
        }
    }

    /**
     * Runs {@code task} for 0 to n-1, partition 0 first on this thread, the others on helper
     * threads while there are cores for them; the first failure is rethrown once all stopped.
     */
    private static void inParallel(int n, IntConsumer task) {
        AtomicInteger next = new AtomicInteger(0);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable worker = () -> {
            for (int p; failure.get() == null && (p = next.getAndIncrement()) < n; ) {
                try {
                    task.accept(p);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }
        };
        List<Thread> helpers = new ArrayList<>();
        int threads = Math.min(n, Runtime.getRuntime().availableProcessors());
        // This thread takes partition 0 (the caller's module) before any helper starts.
        int first = next.getAndIncrement();
        for (int t = 1; t < threads; t++) {
            Thread helper = new Thread(null, worker, "mote-codegen-" + t, HELPER_STACK_BYTES);
            helper.setDaemon(true);
            helper.start();
            helpers.add(helper);
        }
        try {
            task.accept(first);
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
    }

    /**
     * A module-local value (internal or private) used from a partition that does not hold it
     * becomes a hidden global symbol, so that the partitions' objects link to one another; so
     * does one that inline assembly names (the fault handler's `ldr r0, =mote_active_irqs`),
     * a use LLVM does not see. Copied functions stay local: each partition has its own.
     */
    static void exportCrossPartitionReferences(LLVMModuleRef module, PartitionPlan plan) {
        // --backtrace: every partition's fns may store into mote_panic_from after optimisation
        // (PanicReturnAddresses), a use nothing shows yet.
        LLVMValueRef backtrace = LLVMGetNamedGlobal(module, "mote_panic_backtrace");
        boolean panicTrace = backtrace != null && !backtrace.isNull() && LLVMGetInitializer(backtrace) != null
                && !LLVMGetInitializer(backtrace).isNull() && LLVMConstIntGetZExtValue(LLVMGetInitializer(backtrace)) != 0;
        for (LLVMValueRef v : WholeProgram.globals(module)) {   // a module that is cut has no aliases
            if (LLVMIsDeclaration(v) != 0 || isLlvmSpecial(v) || plan.copies().containsKey(name(v))) continue;
            int linkage = LLVMGetLinkage(v);
            if (linkage != LLVMInternalLinkage && linkage != LLVMPrivateLinkage) continue;
            int own = plan.owner().get(name(v));
            boolean[] elsewhere = {plan.namedInAssembly().contains(name(v)) || panicTrace && name(v).equals("mote_panic_from")};
            PartitionPlan.forEachUsingPartition(v, plan.owner(), plan.copies(), p -> elsewhere[0] |= p != own);
            if (!elsewhere[0]) continue;
            LLVMSetLinkage(v, LLVMExternalLinkage);
            LLVMSetVisibility(v, LLVMHiddenVisibility);
        }
    }

    /**
     * Turns everything {@code partition} does not own into an external declaration. Functions
     * become fresh declarations carrying the old one's calling convention and attributes: the C
     * API can delete a function but not only its body.
     */
    static void keepOnly(LLVMModuleRef module, PartitionPlan plan, int partition) {
        List<LLVMValueRef> foreign = new ArrayList<>();
        for (LLVMValueRef f = LLVMGetFirstFunction(module); f != null && !f.isNull(); f = LLVMGetNextFunction(f))
            if (LLVMIsDeclaration(f) == 0 && !plan.holds(name(f), partition)) foreign.add(f);
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
            if (LLVMIsDeclaration(g) != 0 || plan.holds(name(g), partition)) continue;
            LLVMGlobalClearMetadata(g);   // its DWARF location is the owner's
            BitSet imported = plan.imported().get(name(g));
            if (imported != null && imported.get(partition)) LLVMSetLinkage(g, LLVMAvailableExternallyLinkage);   // its loads still fold
            else LLVMSetInitializer(g, null);
        }
        if (partition != 0) LLVMSetModuleInlineAsm2(module, "", 0);
        // A local declaration is not valid IR: a value local to its owner that this partition
        // still uses would be a planning error; one it does not use becomes an external
        // declaration, which emits nothing (constants LLVM keeps around may still name it).
        for (LLVMValueRef g : globals) if (LLVMIsDeclaration(g) != 0) declareExternally(g);
        for (LLVMValueRef d : declarations) declareExternally(d);
        keepWeakReferencesOfAssembly(module, plan);
    }

    /**
     * A weak symbol that inline assembly names and no definition provides (runtime-c's fault
     * handler loads `mote_active_irqs`, which only programs with interrupt handlers define, else
     * 0) must stay declared weak in each partition, or the assembler's reference is a strong one
     * the link cannot resolve: the optimiser drops a declaration no IR uses. `llvm.compiler.used`
     * keeps it (and makes the code generator write its `.weak`).
     */
    private static void keepWeakReferencesOfAssembly(LLVMModuleRef module, PartitionPlan plan) {
        List<LLVMValueRef> weak = new ArrayList<>();
        for (LLVMValueRef v : WholeProgram.globals(module))
            if (LLVMIsDeclaration(v) != 0 && LLVMGetLinkage(v) == LLVMExternalWeakLinkage && plan.namedInAssembly().contains(name(v))) weak.add(v);
        if (weak.isEmpty()) return;
        List<LLVMValueRef> used = new ArrayList<>();
        LLVMValueRef old = LLVMGetNamedGlobal(module, "llvm.compiler.used");
        if (isNonNull(old)) {
            LLVMValueRef init = LLVMGetInitializer(old);
            for (int i = 0, n = isNonNull(init) ? LLVMGetNumOperands(init) : 0; i < n; i++) used.add(LLVMGetOperand(init, i));
            LLVMDeleteGlobal(old);
        }
        used.addAll(weak);
        LLVMTypeRef ptr = LLVMPointerTypeInContext(LLVMGetModuleContext(module), 0);
        LLVMValueRef list = LLVMAddGlobal(module, LLVMArrayType2(ptr, used.size()), "llvm.compiler.used");
        LLVMSetLinkage(list, LLVMAppendingLinkage);
        LLVMSetSection(list, "llvm.metadata");
        LLVMSetInitializer(list, LLVMConstArray2(ptr, new org.bytedeco.javacpp.PointerPointer<>(used.toArray(new LLVMValueRef[0])), used.size()));
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
}

package mote.llvm;

import static org.bytedeco.llvm.global.LLVM.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import mote.diag.ToolError;
import org.bytedeco.llvm.LLVM.LLVMContextRef;
import org.bytedeco.llvm.LLVM.LLVMModuleRef;
import org.bytedeco.llvm.LLVM.LLVMValueRef;

/**
 * Makes runtime-c part of the program before LLVM optimises it: the runtime's bitcode is
 * linked into the program's module and everything not named from outside is internalized,
 * so the optimiser sees one program. It then folds what the program fixes (the task count,
 * whether `--panic=task` is on), inlines the runtime calls used once, and drops the rest.
 *
 * <p>Runtime files are linked the way {@code ld} takes members of an archive: a file comes in
 * only when it defines something the module so far uses but does not define (and
 * {@code startup} always, for the vector table). So a program without timers has no timer
 * code and keeps the default SysTick handler, one without channels no channel code.
 */
public final class WholeProgram {
    private WholeProgram() {}

    /** The file every image needs: the vector table and the reset entry point. */
    static final String ROOT = "startup.bc";

    /**
     * Symbols that stay external: what the linker script and the hardware start from, what
     * inline assembly names (the default handler branches to mote_fault), where qemu/gdbinit
     * sets breakpoints (but mote_panic_begin: never inlined, it keeps its name as a local
     * symbol where a program can panic, and leaves with its text where it cannot), and the
     * task count its `mote-task` and `mote-tasks` read (folded into the executor, it would
     * leave the image; 4 bytes). Everything else becomes internal. The
     * executor's variables that gdbinit reads (mote_tasks, mote_task_current, ...) keep their
     * names as local symbols while the program uses them (ARM's global merging leaves an alias
     * of the same name for each); a program of one task folds its table away, and there
     * `mote-task` cannot name the poll function.
     */
    static final Set<String> EXTERNAL = Set.of(
            "mote_vector_table", "Reset_Handler", "mote_fault", "mote_default_handler",
            "mote_exit", "mote_task_count");

    /**
     * Links the runtime files that {@code module} needs into it, then internalizes. The files
     * must be bitcode for the same target; they are read into the module's context.
     */
    public static Linked link(LLVMModuleRef module, List<Path> runtimeBitcode) {
        return link(module, runtimeBitcode, false, true);
    }

    /**
     * As {@link #link(LLVMModuleRef, List)}, for a build optimised for speed ({@code forSpeed},
     * -O 2: the program may inline any runtime function, {@link #shareCodeGenerationAttributes})
     * or for size (its calls to widely used ones stay calls, {@link #keepWidelyCalledRuntimeOutOfLine}).
     * {@code reportFaults} false: the program has no fault report ({@link mote.mir.FaultSources}), and
     * its vector table gets the default handler that only exits ({@link #withoutFaultReport}).
     */
    public static Linked link(LLVMModuleRef module, List<Path> runtimeBitcode, boolean forSpeed, boolean reportFaults) {
        LLVMContextRef ctx = LLVMGetModuleContext(module);
        String triple = LLVMGetTarget(module).getString();
        String layout = LLVMGetDataLayoutStr(module).getString();
        // Each file read lazily (function bodies only when linked), once: what it defines is
        // known without reading its code, and a file not needed is dropped unread.
        Map<String, LLVMModuleRef> pending = new LinkedHashMap<>();
        for (Path bc : runtimeBitcode) pending.put(bc.getFileName().toString(), BitcodeFile.read(bc, ctx, true));
        LLVMModuleRef root = pending.remove(ROOT);
        if (root == null) throw new ToolError("runtime-c has no " + ROOT.replace(".bc", ".c"));
        try {
            linkInto(module, root, ROOT, triple, layout);
            Map<String, Set<String>> defines = new LinkedHashMap<>();
            pending.forEach((name, file) -> defines.put(name, definedNames(file)));
            String needed;
            // Link the first file that defines something still undefined, until none does.
            while ((needed = firstNeeded(defines, undefinedNames(module))) != null) {
                defines.remove(needed);
                linkInto(module, pending.remove(needed), needed, triple, layout);
            }
        } finally {
            for (LLVMModuleRef unused : pending.values()) LLVMDisposeModule(unused);
        }
        if (forSpeed) shareCodeGenerationAttributes(module);
        decideHandlerUse(module);
        setFact(module, CStringTexts.DIGITS_CSTR, !forSpeed && CStringTexts.apply(module, reportFaults));
        boolean hasData = decideData(module);
        if (!reportFaults) withoutFaultReport(module);
        internalize(module);
        if (!forSpeed) {
            // So that calls in code a fact turns off do not count as uses. The channel facts only
            // in a direct program: there the list code is dead; folding a list program's direct
            // branches away left mote_wake_locked two callers, and inlined into both it grew
            // images by 4-16 bytes.
            List<String> facts = new ArrayList<>(FOLDED_FACTS);
            if (constantTrue(module, "mote_channels_direct")) facts.addAll(CHANNEL_FACTS);
            foldFacts(module, facts);
            dropUnused(module);   // so that only live calls count as uses
            if (decideSharedDigits(module)) {
                foldFacts(module, List.of(PRINT_DIGITS_SHARED));
                dropUnused(module);
            }
            keepWidelyCalledRuntimeOutOfLine(module);
        } else {
            setFact(module, PRINT_DIGITS_SHARED, false);   // each printer its own loop, its base a constant
        }
        return new Linked(hasData);
    }

    static final String DEFAULT_HANDLER = "mote_default_handler", QUIET_HANDLER = "mote_default_exit";

    /**
     * Puts startup.c's `mote_default_exit` where `mote_default_handler` was (every vector that
     * has no handler of its own, through the weak aliases), under that name, which the
     * debugger scripts and the monitor's gdb path break on. The reporting handler and
     * `mote_fault`, which only its inline assembly named, are then internal and unused, and
     * leave the image with the hex printer they call.
     */
    private static void withoutFaultReport(LLVMModuleRef module) {
        LLVMValueRef reporting = LLVMGetNamedFunction(module, DEFAULT_HANDLER);
        LLVMValueRef quiet = LLVMGetNamedFunction(module, QUIET_HANDLER);
        if (reporting == null || reporting.isNull() || quiet == null || quiet.isNull() || LLVMIsDeclaration(quiet) != 0)
            throw new ToolError("runtime-c's startup.c has no " + QUIET_HANDLER + "\n" + mote.home.MoteCache.clearHint());
        LLVMReplaceAllUsesWith(reporting, quiet);
        LLVMDeleteFunction(reporting);
        LLVMSetValueName2(quiet, DEFAULT_HANDLER, DEFAULT_HANDLER.length());
        LLVMValueRef fault = LLVMGetNamedFunction(module, "mote_fault");
        if (fault != null && !fault.isNull()) LLVMSetLinkage(fault, LLVMInternalLinkage);   // EXTERNAL keeps it otherwise
    }

    /** What the link decided: {@code hasData} false when startup copies no .data (see {@link #decideData}). */
    public record Linked(boolean hasData) {}

    /**
     * Sets startup.c's `mote_image_has_data`: false when no variable of the linked module starts
     * non-zero, so Reset_Handler's .data copy folds away. Optimisation only drops variables or
     * makes them constant; {@code mote.Compiler} checks the linked image has no .data then.
     */
    private static boolean decideData(LLVMModuleRef module) {
        boolean hasData = false;
        for (LLVMValueRef g = LLVMGetFirstGlobal(module); g != null && !g.isNull() && !hasData; g = LLVMGetNextGlobal(g)) {
            if (LLVMIsDeclaration(g) != 0 || LLVMIsGlobalConstant(g) != 0) continue;
            if (LLVMGetValueName(g).getString().startsWith("llvm.")) continue;
            LLVMValueRef init = LLVMGetInitializer(g);
            hasData = init != null && !init.isNull() && LLVMIsNull(init) == 0;
        }
        return setFact(module, IMAGE_HAS_DATA, hasData) ? hasData : true;
    }

    static final String IMAGE_HAS_DATA = "mote_image_has_data";

    /**
     * Sets runtime-c's `mote_handlers_use_runtime` (see mote_rt.h) from what was linked: only
     * interrupt handlers the program defines (`mote_irq_N`) may touch the channels, events and
     * mutexes. Without one, those are only touched in thread mode and their masking folds
     * away. The timers' SysTick handler does not count, in any of the three designs: it
     * changes only the timers' own state, which thread mode changes with interrupts masked by
     * the timer code itself (mote_irq_save, not mote_lock), and the sleepers' ready flags, one
     * byte store each.
     */
    private static void decideHandlerUse(LLVMModuleRef module) {
        boolean handlers = false;
        for (LLVMValueRef f = LLVMGetFirstFunction(module); f != null && !f.isNull() && !handlers; f = LLVMGetNextFunction(f)) {
            if (LLVMIsDeclaration(f) != 0) continue;
            handlers = LLVMGetValueName(f).getString().startsWith("mote_irq_");
        }
        setFact(module, HANDLERS_USE_RUNTIME, handlers);
    }

    /** Whether the module defines {@code name} as a constant integer other than zero. */
    private static boolean constantTrue(LLVMModuleRef module, String name) {
        LLVMValueRef g = LLVMGetNamedGlobal(module, name);
        if (g == null || g.isNull() || LLVMIsDeclaration(g) != 0 || LLVMIsGlobalConstant(g) == 0) return false;
        LLVMValueRef init = LLVMGetInitializer(g);
        return init != null && !init.isNull() && LLVMIsAConstantInt(init) != null && !LLVMIsAConstantInt(init).isNull()
                && LLVMConstIntGetZExtValue(init) != 0;
    }

    /**
     * Gives runtime-c's weak `const bool` {@code name} the value {@code value} and makes it
     * internal, so the optimiser folds it; false when the linked runtime does not define it
     * (the runtime's own default then stands).
     */
    private static boolean setFact(LLVMModuleRef module, String name, boolean value) {
        LLVMValueRef flag = LLVMGetNamedGlobal(module, name);
        if (flag == null || flag.isNull() || LLVMIsDeclaration(flag) != 0) return false;
        LLVMSetInitializer(flag, LLVMConstInt(LLVMGlobalGetValueType(flag), value ? 1 : 0, 0));
        LLVMSetLinkage(flag, LLVMInternalLinkage);   // no longer weak: its value may be folded
        return true;
    }

    static final String HANDLERS_USE_RUNTIME = "mote_handlers_use_runtime";

    /**
     * Sets print.c's `mote_print_digits_shared`: whether the program prints 32-bit values both
     * in decimal and in hex (both printers live once the unused functions are gone). Then they
     * share one digit loop; a program that prints only one kind keeps that printer's own loop,
     * whose base is a constant, so a print of a constant can fold away. Built for size only.
     * Measured over the run tests, examples and bench programs: -44 bytes on bench/firmware.mote
     * (its decimal and hex statistics), no program larger. False when it changed nothing to fold.
     */
    private static boolean decideSharedDigits(LLVMModuleRef module) {
        boolean shared = LlvmCodegen.isUsed(LLVMGetNamedFunction(module, "mote_print_hex32"))
                && usedOutsidePanics(LLVMGetNamedFunction(module, "mote_print_u32"));
        return setFact(module, PRINT_DIGITS_SHARED, shared);
    }

    /**
     * Whether {@code f} is called from somewhere other than runtime-c's panic functions: a
     * bounds check's message prints decimals, but the optimiser removes most checks, and with
     * them those calls (a program that then prints only hex, its fault report, kept 8 bytes).
     */
    private static boolean usedOutsidePanics(LLVMValueRef f) {
        if (f == null || f.isNull()) return false;
        for (var use = LLVMGetFirstUse(f); use != null && !use.isNull(); use = LLVMGetNextUse(use)) {
            LLVMValueRef user = LLVMGetUser(use);
            LLVMValueRef instruction = LLVMIsAInstruction(user);
            if (instruction == null || instruction.isNull()) return true;
            String caller = LLVMGetValueName(LLVMGetBasicBlockParent(LLVMGetInstructionParent(user))).getString();
            if (!caller.startsWith("mote_panic")) return true;
        }
        return false;
    }

    static final String PRINT_DIGITS_SHARED = "mote_print_digits_shared";

    /** The first file (in order) defining a name in {@code wanted}; null when none does. */
    private static String firstNeeded(Map<String, Set<String>> defines, Set<String> wanted) {
        for (var e : defines.entrySet())
            if (e.getValue().stream().anyMatch(wanted::contains)) return e.getKey();
        return null;
    }

    private static void linkInto(LLVMModuleRef module, LLVMModuleRef runtime, String name, String triple, String layout) {
        // clang spells the triple its own way (thumbv7m-unknown-none-eabi); the same target.
        LLVMSetTarget(runtime, triple);
        LLVMSetDataLayout(runtime, layout);
        if (LLVMLinkModules2(module, runtime) != 0) {   // consumes `runtime`
            throw new ToolError("cannot link runtime-c's " + name + " into the program\n" + mote.home.MoteCache.clearHint());
        }
    }

    /** The names a runtime file defines (functions, variables, aliases); a lazy module's unread bodies count. */
    private static Set<String> definedNames(LLVMModuleRef m) {
        Set<String> names = new HashSet<>();
        for (LLVMValueRef v : globals(m)) {
            if (LLVMIsDeclaration(v) == 0 && LLVMGetLinkage(v) != LLVMInternalLinkage && LLVMGetLinkage(v) != LLVMPrivateLinkage)
                names.add(LLVMGetValueName(v).getString());
        }
        return names;
    }

    /** Names the module uses without defining them (intrinsics aside). */
    private static Set<String> undefinedNames(LLVMModuleRef module) {
        Set<String> names = new HashSet<>();
        for (LLVMValueRef v : globals(module)) {
            // Declared and unused (code generation declares runtime functions up front) is not needed.
            if (LLVMIsDeclaration(v) == 0 || !LlvmCodegen.isUsed(v)) continue;
            String name = LLVMGetValueName(v).getString();
            if (!name.startsWith("llvm.")) names.add(name);
        }
        return names;
    }

    /** Every definition not in {@link #EXTERNAL} becomes internal: the optimiser may then drop or change it. */
    private static void internalize(LLVMModuleRef module) {
        for (LLVMValueRef v : globals(module)) {
            if (LLVMIsDeclaration(v) != 0) continue;
            String name = LLVMGetValueName(v).getString();
            if (EXTERNAL.contains(name) || name.startsWith("llvm.")) continue;
            int linkage = LLVMGetLinkage(v);
            if (linkage == LLVMInternalLinkage || linkage == LLVMPrivateLinkage) continue;
            LLVMSetLinkage(v, LLVMInternalLinkage);
            LLVMSetVisibility(v, LLVMDefaultVisibility);
        }
    }

    /** String attributes runtime-c's functions carry that the program's functions must share to be inlined into each other. */
    static final List<String> SHARED_ATTRIBUTES = List.of("target-cpu", "target-features", "no-builtins");

    /**
     * Lets the optimiser inline runtime-c into the program, in builds for speed (-O 2). LLVM
     * inlines a function only into one whose target features include its own and whose
     * builtins it agrees on: clang writes both on every runtime function, compiled Mote code has
     * neither (the target machine's are the same), so without this no runtime function is ever
     * inlined into a task's poll (mote_wake_current's four instructions stay a call at each
     * yield). The program's functions get runtime-c's attributes, which name the same target:
     * the code generated for a function does not change by itself.
     *
     * <p>Not when built for size: there the inliner weighs each call on its own and inlined
     * small helpers (mote_wake_current, mote_print_str) at every await and print, growing
     * programs by kilobytes; letting it inline only runtime functions called once still grew
     * 19 of 133 programs. Built for size, the program's calls to widely used runtime
     * functions are kept calls instead ({@link #keepWidelyCalledRuntimeOutOfLine}).
     */
    private static void shareCodeGenerationAttributes(LLVMModuleRef module) {
        Functions functions = Functions.of(module);
        if (functions.runtime().isEmpty()) return;
        List<org.bytedeco.llvm.LLVM.LLVMAttributeRef> shared = new ArrayList<>();
        for (String key : SHARED_ATTRIBUTES) {
            var a = stringAttribute(functions.runtime().get(0), key);
            if (a != null) shared.add(a);
        }
        for (LLVMValueRef f : functions.program())
            for (var a : shared) LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex, a);
    }

    /**
     * The module's defined functions: the program's (compiled Mote code) and runtime-c's, told
     * apart by the target features clang writes on every C function and Mote code lacks.
     */
    private record Functions(Set<LLVMValueRef> program, List<LLVMValueRef> runtime) {
        static Functions of(LLVMModuleRef module) {
            Set<LLVMValueRef> program = new HashSet<>();
            List<LLVMValueRef> runtime = new ArrayList<>();
            for (LLVMValueRef f = LLVMGetFirstFunction(module); f != null && !f.isNull(); f = LLVMGetNextFunction(f)) {
                if (LLVMIsDeclaration(f) != 0) continue;
                if (stringAttribute(f, "target-features") == null) program.add(f);
                else runtime.add(f);
            }
            return new Functions(program, runtime);
        }
    }

    /**
     * Runtime functions used in more than this many live places are not inlined into their
     * callers when built for size.
     */
    static final int WIDELY_CALLED = 2;

    /**
     * Built for size, every call to a runtime function used in more than {@link #WIDELY_CALLED}
     * places stays a call ({@code noinline} on each call site), whether the program or the
     * runtime makes it. The program's code cannot inline runtime code by itself (see above),
     * but a task's poll is often inlined into mote_executor_run, a runtime function, and its
     * calls then become runtime-to-runtime calls that the inliner weighs one at a time: it
     * inlined mote_print_str, mote_print_i32 and the console driver at every print
     * (format_specs' executor was 3 KB). Runtime-to-runtime calls count too: each number
     * printer carried its own copy of the console driver's wait loop. Uses are counted after
     * the functions nothing live calls are dropped (runtime-c brings many: print.c's u64
     * printers into a program that prints u32s), so a function the program calls once or twice
     * is still inlined where the inliner finds it pays. Measured on the 138 run tests,
     * examples and bench programs (lm3s6965evb): counting only the program's calls, with dead
     * ones, above 6: the previous rule; all calls above 6: -4.7 KB; live calls only: as much,
     * and one program larger instead of two; above 2: another -0.6 KB (122 smaller, 1 larger
     * by 20 bytes); above 1 or 3: larger than above 2.
     */
    private static void keepWidelyCalledRuntimeOutOfLine(LLVMModuleRef module) {
        Functions functions = Functions.of(module);
        int noinline = LLVMGetEnumAttributeKindForName("noinline", "noinline".length());
        var keepCall = LLVMCreateEnumAttribute(LLVMGetModuleContext(module), noinline, 0);
        for (LLVMValueRef f : functions.runtime()) {
            List<LLVMValueRef> calls = new ArrayList<>();
            int uses = 0;
            for (var use = LLVMGetFirstUse(f); use != null && !use.isNull(); use = LLVMGetNextUse(use)) {
                uses++;
                LLVMValueRef user = LLVMGetUser(use);
                LLVMValueRef call = LLVMIsACallInst(user);
                if (call != null && !call.isNull()) calls.add(user);
            }
            if (uses > WIDELY_CALLED)
                for (LLVMValueRef call : calls) LLVMAddCallSiteAttribute(call, LLVMAttributeFunctionIndex, keepCall);
        }
    }

    /**
     * Folds the timer's design facts (internal constants the program defines) into the runtime
     * functions that read them and drops the branches they turn off: the code of the design a
     * program does not use (the timer queue's, or one timer at a time's) then no longer calls
     * the helpers it shares with the rest of runtime-c, which would otherwise look more widely
     * called than they are. Only those functions: simplifying all of them here moved other
     * programs' inlining both ways.
     */
    private static void foldFacts(LLVMModuleRef module, List<String> facts) {
        Set<LLVMValueRef> readers = new java.util.LinkedHashSet<>();
        for (String fact : facts) {
            LLVMValueRef g = LLVMGetNamedGlobal(module, fact);
            if (g != null && !g.isNull()) collectReaders(g, readers);
        }
        if (readers.isEmpty()) return;
        var options = LLVMCreatePassBuilderOptions();
        try {
            for (LLVMValueRef f : readers) {
                var error = LLVMRunPassesOnFunction(f, "instsimplify,simplifycfg", null, options);
                if (error != null && !error.isNull())
                    throw new IllegalStateException("LLVM's fact folding failed: " + LLVMGetErrorMessage(error).getString());
            }
        } finally {
            LLVMDisposePassBuilderOptions(options);
        }
    }

    /** The program's facts that select one of two designs in runtime-c (timer.c, channel.c). */
    static final List<String> FOLDED_FACTS = List.of("mote_timer_single", "mote_timer_longest_us");
    /** The same for channel.c: lists or a task per side, full or compact headers, a closed flag or none. */
    static final List<String> CHANNEL_FACTS = List.of("mote_channels_direct", "mote_channels_compact", "mote_channels_close");

    /** The functions whose code uses {@code v}, through constant expressions too. */
    private static void collectReaders(LLVMValueRef v, Set<LLVMValueRef> readers) {
        for (var use = LLVMGetFirstUse(v); use != null && !use.isNull(); use = LLVMGetNextUse(use)) {
            LLVMValueRef user = LLVMGetUser(use);
            LLVMValueRef instruction = LLVMIsAInstruction(user);
            if (instruction != null && !instruction.isNull()) {
                LLVMValueRef f = LLVMGetBasicBlockParent(LLVMGetInstructionParent(user));
                if (LLVMIsDeclaration(f) == 0) readers.add(f);
            } else if (LLVMIsAConstantExpr(user) != null && !LLVMIsAConstantExpr(user).isNull()) {
                collectReaders(user, readers);
            }
        }
    }

    /** Global dead code elimination: the functions, variables and aliases nothing live uses leave the module. */
    static void dropUnused(LLVMModuleRef module) {
        LlvmBackend.runPasses(module, "globaldce", null, false, "LLVM's globaldce failed: ");
    }

    private static org.bytedeco.llvm.LLVM.LLVMAttributeRef stringAttribute(LLVMValueRef f, String key) {
        var a = LLVMGetStringAttributeAtIndex(f, LLVMAttributeFunctionIndex, key, key.length());
        return a == null || a.isNull() ? null : a;
    }

    /** Every function, variable and alias of {@code m}, declared or defined. */
    static List<LLVMValueRef> globals(LLVMModuleRef m) {
        List<LLVMValueRef> all = new ArrayList<>();
        for (LLVMValueRef f = LLVMGetFirstFunction(m); f != null && !f.isNull(); f = LLVMGetNextFunction(f)) all.add(f);
        for (LLVMValueRef g = LLVMGetFirstGlobal(m); g != null && !g.isNull(); g = LLVMGetNextGlobal(g)) all.add(g);
        for (LLVMValueRef a = LLVMGetFirstGlobalAlias(m); a != null && !a.isNull(); a = LLVMGetNextGlobalAlias(a)) all.add(a);
        return all;
    }
}

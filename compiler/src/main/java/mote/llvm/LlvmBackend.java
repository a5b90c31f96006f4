package mote.llvm;

import static org.bytedeco.llvm.global.LLVM.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mote.diag.ToolError;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.llvm.LLVM.LLVMContextRef;
import org.bytedeco.llvm.LLVM.LLVMDiagnosticHandler;
import org.bytedeco.llvm.LLVM.LLVMDiagnosticInfoRef;
import org.bytedeco.llvm.LLVM.LLVMValueRef;
import org.bytedeco.llvm.LLVM.LLVMModuleRef;
import org.bytedeco.llvm.LLVM.LLVMPassBuilderOptionsRef;
import org.bytedeco.llvm.LLVM.LLVMTargetMachineRef;
import org.bytedeco.llvm.LLVM.LLVMTargetRef;

/** Optimises a module with LLVM's pass pipeline and emits an object or assembly for a Cortex-M core. */
public final class LlvmBackend implements AutoCloseable {
    private static boolean initialised;

    private final LLVMTargetMachineRef machine;
    private final String triple;
    private final String cpu;
    private final String features;

    /** LLVM's level names: "s" (default), "z", "2", "0". */
    public enum OptLevel {
        S("default<Os>", LLVMCodeGenLevelDefault), Z("default<Oz>", LLVMCodeGenLevelDefault),
        O2("default<O2>", LLVMCodeGenLevelDefault), O0("default<O0>", LLVMCodeGenLevelNone);

        final String pipeline;
        final int codegenLevel;

        OptLevel(String pipeline, int codegenLevel) {
            this.pipeline = pipeline;
            this.codegenLevel = codegenLevel;
        }

        /**
         * Whether runtime-c is optimised with the program (linked into its module as bitcode).
         * Not at `-O 0`: unoptimised code generation would turn the runtime's -Os bitcode into
         * larger, slower machine code than its -Os objects, which such builds link instead.
         */
        public boolean optimisesRuntimeWithProgram() { return this != O0; }

        /** -O 2: runtime-c compiled for speed and inlined where it pays (mote.llvm.WholeProgram). */
        public boolean forSpeed() { return this == O2; }

        public static OptLevel parse(String s) {
            return switch (s) {
                case "s" -> S; case "z" -> Z; case "2" -> O2; case "0" -> O0;
                default -> null;
            };
        }
    }

    private final OptLevel level;

    public LlvmBackend(String triple, String cpu, String features, OptLevel level) {
        initTargets();
        // "thumbv7m-none-eabi" read by position would be vendor "none", OS "eabi", no
        // environment: LLVM would then use GNU libcall names (__udivdi3) instead of the AEABI
        // ones (__aeabi_uldivmod) runtime-c provides. Normalised, it is thumbv7m-unknown-none-eabi.
        BytePointer normalized = LLVMNormalizeTargetTriple(new BytePointer(triple));
        triple = normalized.getString();
        LLVMDisposeMessage(normalized);
        this.triple = triple;
        this.cpu = cpu;
        this.features = features;
        this.level = level;
        LLVMTargetRef target = new LLVMTargetRef();
        BytePointer err = new BytePointer();
        if (LLVMGetTargetFromTriple(new BytePointer(triple), target, err) != 0) {
            String msg = err.getString();
            LLVMDisposeMessage(err);
            throw new IllegalStateException("LLVM has no target for `" + triple + "`: " + msg);
        }
        machine = LLVMCreateTargetMachine(target, triple, cpu, codegenFeatures(features, level),
                level.codegenLevel, LLVMRelocStatic, LLVMCodeModelDefault);
    }

    /**
     * The board's target features, and built for size {@code +no-movt}: an address or a wide
     * constant comes from a literal pool (a 2-byte load, the 4-byte word shared in the function)
     * instead of a movw/movt pair (8 bytes at every use, which LLVM repeats rather than keep a
     * register: 236 bytes of bench/firmware.mote). runtime-c is compiled the same way
     * (mote.link.RuntimeBuilder). Built for speed, the pair: no load from flash.
     */
    static String codegenFeatures(String features, OptLevel level) {
        String board = features == null ? "" : features;
        if (level != OptLevel.S && level != OptLevel.Z) return board;
        return board.isEmpty() ? NO_MOVT : board + "," + NO_MOVT;
    }

    static final String NO_MOVT = "+no-movt";

    /** A backend of its own for the same target, for another thread (a target machine is not shared between threads). */
    public LlvmBackend copy() {
        LlvmBackend copy = new LlvmBackend(triple, cpu, features, level);
        copy.panicBacktrace = panicBacktrace;
        return copy;
    }

    /** The M-profile Thumb architectures: the cores runtime-c's startup and vector table are written for. */
    private static final java.util.Set<String> M_PROFILE = java.util.Set.of("thumbv6m", "thumbv7m", "thumbv7em",
            "thumbv8m.base", "thumbv8m.main", "thumbv8.1m.main");

    /**
     * What is wrong with {@code triple} as a Mote target, asked of LLVM itself (only its ARM
     * backend is registered here): empty when LLVM has a target for it and it is an M-profile
     * Thumb architecture.
     */
    public static java.util.Optional<String> targetProblem(String triple) {
        initTargets();
        BytePointer normalized = LLVMNormalizeTargetTriple(new BytePointer(triple));
        String full = normalized.getString();
        LLVMDisposeMessage(normalized);
        LLVMTargetRef target = new LLVMTargetRef();
        BytePointer err = new BytePointer();
        if (LLVMGetTargetFromTriple(new BytePointer(full), target, err) != 0) {
            String msg = err.getString();
            LLVMDisposeMessage(err);
            return java.util.Optional.of("the bundled LLVM has no target for `" + triple + "` (" + msg.strip()
                    + "); Mote builds for ARM Cortex-M, e.g. `thumbv7m-none-eabi`");
        }
        String arch = full.substring(0, full.indexOf('-') < 0 ? full.length() : full.indexOf('-'));
        if (!M_PROFILE.contains(arch)) {
            return java.util.Optional.of("`" + triple + "` is not a Cortex-M (M-profile Thumb) target; use one of "
                    + String.join(", ", new java.util.TreeSet<>(M_PROFILE)) + " with `-none-eabi`");
        }
        return java.util.Optional.empty();
    }

    private static synchronized void initTargets() {
        if (initialised) return;
        LLVMInitializeARMTargetInfo();
        LLVMInitializeARMTarget();
        LLVMInitializeARMTargetMC();
        LLVMInitializeARMAsmPrinter();
        LLVMInitializeARMAsmParser();
        setCodeGenerationOptions("-arm-global-merge=true", "-global-merge-on-const=true");
        initialised = true;
    }

    /**
     * LLVM's process-wide code generation options, set once before any target machine exists.
     * ARM's global merging (variables, and constants with it) places the globals a function
     * uses side by side and addresses them from one base register, where each would take its
     * own movw/movt pair (the task states, runtime-c's variables, strings and tables). LLVM
     * runs it on its own only in `minsize` functions below -O3; on every build it makes each of
     * the 133 run tests, examples and bench programs as small or smaller (8 KB in all: firmware
     * -136 B, hello -84 B) and costs no instruction on the speed cases. Each merged global keeps
     * its name (an alias) and its DWARF location, which gdb and the fault decoder read.
     */
    private static void setCodeGenerationOptions(String... options) {
        PointerPointer<BytePointer> argv = new PointerPointer<>(options.length + 1);
        argv.put(0, new BytePointer("mote"));
        for (int i = 0; i < options.length; i++) argv.put(i + 1, new BytePointer(options[i]));
        LLVMParseCommandLineOptions(options.length + 1, argv, (BytePointer) null);
    }

    /** Sets the module's triple and data layout; call before generating optimisable code. */
    public void prepare(LLVMModuleRef module) {
        LLVMSetTarget(module, triple);
        var layout = LLVMCreateTargetDataLayout(machine);
        BytePointer text = LLVMCopyStringRepOfTargetData(layout);
        LLVMSetDataLayout(module, text.getString());
        LLVMDisposeMessage(text);
        LLVMDisposeTargetData(layout);
    }

    public void optimise(LLVMModuleRef module) {
        markSizeLevel(module);
        // Built for size, functions whose code came out identical become one (a lock's poll
        // copied per state: run/mutex_nested 7,090 -> 6,746 B; no program of the suite grew).
        // Lowering the inliner's threshold below -Os's grew more programs than it shrank.
        boolean forSize = level == OptLevel.S || level == OptLevel.Z;
        runPasses(module, level.pipeline, machine, forSize, "LLVM pass pipeline failed: ");
        if (forSize) {
            mergeAcrossValueRanges(module);
            NarrowLookupTables.apply(module);
        }
        PanicSitePruning.prune(module);   // the rows of checks the optimiser removed
        if (panicBacktrace) PanicReturnAddresses.insert(module);
    }

    private boolean panicBacktrace;

    /**
     * Merges the functions whose code is the same but whose parameters the optimiser gave
     * different value ranges (`range` attributes, from each one's callers: runtime-c's
     * mote_task_start and mote_wake_locked both come down to one byte store, for tasks 1-3 and
     * for any task). After optimisation the ranges have served; code generation reads none.
     */
    private static void mergeAcrossValueRanges(LLVMModuleRef module) {
        int range = LLVMGetEnumAttributeKindForName("range", 5);
        boolean stripped = false;
        for (LLVMValueRef f = LLVMGetFirstFunction(module); f != null && !f.isNull(); f = LLVMGetNextFunction(f)) {
            if (LLVMIsDeclaration(f) != 0 || LLVMGetLinkage(f) != LLVMInternalLinkage) continue;
            for (int i = 1; i <= LLVMCountParams(f); i++) {
                var a = LLVMGetEnumAttributeAtIndex(f, i, range);
                if (a != null && !a.isNull()) {
                    LLVMRemoveEnumAttributeAtIndex(f, i, range);
                    stripped = true;
                }
            }
        }
        if (stripped) runPasses(module, "mergefunc", null, false, "LLVM's function merging failed: ");
    }

    /** --backtrace: after optimisation, the fns that panic and keep no return address store it ({@link PanicReturnAddresses}). */
    public void panicBacktrace(boolean on) { panicBacktrace = on; }

    /**
     * Runs an LLVM pass pipeline on {@code module} ({@code machine} may be null for passes that
     * need no target), merging identical functions when {@code mergeFunctions}; a failure is a
     * compiler bug, reported as {@code failure} and LLVM's message.
     */
    static void runPasses(LLVMModuleRef module, String pipeline, LLVMTargetMachineRef machine, boolean mergeFunctions, String failure) {
        LLVMPassBuilderOptionsRef options = LLVMCreatePassBuilderOptions();
        try {
            if (mergeFunctions) LLVMPassBuilderOptionsSetMergeFunctions(options, 1);
            var err = LLVMRunPasses(module, pipeline, machine, options);
            if (err != null && !err.isNull()) {
                BytePointer msg = LLVMGetErrorMessage(err);
                String text = msg.getString();
                LLVMDisposeErrorMessage(msg);
                throw new IllegalStateException(failure + text);
            }
        } finally {
            LLVMDisposePassBuilderOptions(options);
        }
    }

    /**
     * The pass pipeline's level is not all: code generation (instruction selection, literal
     * pools against movw/movt pairs, tail duplication) asks each function's `optsize` and
     * `minsize`, as clang sets them for -Os and -Oz. Functions that have their own (runtime-c's,
     * or the fault path's `minsize`) keep them.
     */
    private void markSizeLevel(LLVMModuleRef module) {
        List<String> attrs = switch (level) {
            case S -> List.of("optsize");
            case Z -> List.of("optsize", "minsize");
            default -> List.of();
        };
        if (attrs.isEmpty()) return;
        LLVMContextRef ctx = LLVMGetModuleContext(module);
        for (LLVMValueRef f = LLVMGetFirstFunction(module); f != null && !f.isNull(); f = LLVMGetNextFunction(f)) {
            if (LLVMIsDeclaration(f) != 0) continue;
            for (String attr : attrs) {
                int kind = LLVMGetEnumAttributeKindForName(attr, attr.length());
                if (LLVMGetEnumAttributeAtIndex(f, LLVMAttributeFunctionIndex, kind) == null
                        || LLVMGetEnumAttributeAtIndex(f, LLVMAttributeFunctionIndex, kind).isNull())
                    LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(ctx, kind, 0));
            }
        }
    }

    /** LLVM's warning for a frame over a function's `warn-stack-size`: with a limit of 0, every frame. */
    private static final Pattern FRAME = Pattern.compile("stack frame size \\((\\d+)\\) exceeds limit \\(0\\) in function '(.*)'");
    private static final String WARN_STACK_SIZE = "warn-stack-size";

    /**
     * Emits the object and returns the stack frame of each function as its code generator laid
     * it out, by linkage name (functions without a frame are left out): the worst-case stack
     * report's frame sizes, got from the one code generation the build does anyway. Every
     * function is given a `warn-stack-size` of 0 for the emission, so LLVM reports every frame
     * (the same number llc's `-stack-size-section` writes) to a diagnostic handler; the
     * attribute is removed again afterwards and changes no code.
     */
    public Map<String, Long> emitObject(LLVMModuleRef module, Path file) {
        LLVMContextRef ctx = LLVMGetModuleContext(module);
        List<LLVMValueRef> defined = new ArrayList<>();
        for (LLVMValueRef f = LLVMGetFirstFunction(module); f != null && !f.isNull(); f = LLVMGetNextFunction(f)) {
            if (LLVMIsDeclaration(f) == 0) defined.add(f);
        }
        for (LLVMValueRef f : defined) {
            LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex, LLVMCreateStringAttribute(ctx, WARN_STACK_SIZE, WARN_STACK_SIZE.length(), "0", 1));
        }
        Map<String, Long> frames = new HashMap<>();
        List<String> errors = new ArrayList<>();
        LLVMDiagnosticHandler previous = LLVMContextGetDiagnosticHandler(ctx);
        Pointer previousContext = LLVMContextGetDiagnosticContext(ctx);
        LLVMDiagnosticHandler handler = new LLVMDiagnosticHandler() {
            @Override
            public void call(LLVMDiagnosticInfoRef info, Pointer unused) {
                BytePointer text = LLVMGetDiagInfoDescription(info);
                String message = text.getString();
                LLVMDisposeMessage(text);
                Matcher m = FRAME.matcher(message);
                if (m.find()) frames.put(functionName(m.group(2)), Long.parseLong(m.group(1)));
                else if (LLVMGetDiagInfoSeverity(info) == LLVMDSError) errors.add(message);
                else if (LLVMGetDiagInfoSeverity(info) == LLVMDSWarning) System.err.println("warning: " + message);   // as LLVM's own handler
                // remarks and notes: LLVM's own handler shows them only when asked to (-pass-remarks)
            }
        };
        LLVMContextSetDiagnosticHandler(ctx, handler, null);
        try {
            emit(module, file, LLVMObjectFile);
        } finally {
            LLVMContextSetDiagnosticHandler(ctx, previous, previousContext);
            handler.close();
            for (LLVMValueRef f : defined) LLVMRemoveStringAttributeAtIndex(f, LLVMAttributeFunctionIndex, WARN_STACK_SIZE, WARN_STACK_SIZE.length());
        }
        if (!errors.isEmpty()) throw new IllegalStateException("LLVM code generation failed: " + String.join("; ", errors));
        return frames;
    }

    /** A function as LLVM prints it in a diagnostic: `@name` or `@"name with dots"`, maybe without the `@`. */
    static String functionName(String printed) {
        String name = printed.startsWith("@") ? printed.substring(1) : printed;
        if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) name = name.substring(1, name.length() - 1);
        return name;
    }

    /**
     * Writes the assembly of {@code module} from a copy of it: code generation changes the IR
     * it runs on (CodeGenPrepare), so the object emitted after it from the same module would
     * differ from a build without `--emit asm`, and from the assembly.
     */
    public void emitAssembly(LLVMModuleRef module, Path file) {
        LLVMModuleRef copy = LLVMCloneModule(module);
        try {
            emit(copy, file, LLVMAssemblyFile);
        } finally {
            LLVMDisposeModule(copy);
        }
    }

    private void emit(LLVMModuleRef module, Path file, int kind) {
        BytePointer err = new BytePointer();
        if (LLVMTargetMachineEmitToFile(machine, module, new BytePointer(file.toString()), kind, err) != 0) {
            String msg = err.getString();
            LLVMDisposeMessage(err);
            // LLVM fails here only when it cannot open or write the file (the module was verified).
            throw new ToolError("cannot write " + file + ": " + ToolError.plain(msg));
        }
    }

    @Override
    public void close() { LLVMDisposeTargetMachine(machine); }
}

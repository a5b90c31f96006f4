package mote.llvm;

import static org.bytedeco.llvm.global.LLVM.*;

import java.nio.file.Path;
import mote.diag.ToolError;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.llvm.LLVM.LLVMModuleRef;
import org.bytedeco.llvm.LLVM.LLVMPassBuilderOptionsRef;
import org.bytedeco.llvm.LLVM.LLVMTargetMachineRef;
import org.bytedeco.llvm.LLVM.LLVMTargetRef;

/** Optimises a module with LLVM's pass pipeline and emits an object or assembly for a Cortex-M core. */
public final class LlvmBackend implements AutoCloseable {
    private static boolean initialised;

    private final LLVMTargetMachineRef machine;
    private final String triple;

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
        this.level = level;
        LLVMTargetRef target = new LLVMTargetRef();
        BytePointer err = new BytePointer();
        if (LLVMGetTargetFromTriple(new BytePointer(triple), target, err) != 0) {
            String msg = err.getString();
            LLVMDisposeMessage(err);
            throw new IllegalStateException("LLVM has no target for `" + triple + "`: " + msg);
        }
        machine = LLVMCreateTargetMachine(target, triple, cpu, features == null ? "" : features,
                level.codegenLevel, LLVMRelocStatic, LLVMCodeModelDefault);
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
        initialised = true;
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
        LLVMPassBuilderOptionsRef options = LLVMCreatePassBuilderOptions();
        try {
            var err = LLVMRunPasses(module, level.pipeline, machine, options);
            if (err != null && !err.isNull()) {
                BytePointer msg = LLVMGetErrorMessage(err);
                String text = msg.getString();
                LLVMDisposeErrorMessage(msg);
                throw new IllegalStateException("LLVM pass pipeline failed: " + text);
            }
        } finally {
            LLVMDisposePassBuilderOptions(options);
        }
    }

    public void emitObject(LLVMModuleRef module, Path file) { emit(module, file, LLVMObjectFile); }

    public void emitAssembly(LLVMModuleRef module, Path file) { emit(module, file, LLVMAssemblyFile); }

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

package mote.llvm;

import static org.bytedeco.llvm.global.LLVM.*;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mote.async.StateMachine;
import mote.diag.Span;
import mote.mir.BasicBlock;
import mote.mir.BinOp;
import mote.mir.BlockId;
import mote.mir.Callee;
import mote.mir.Local;
import mote.mir.MirFn;
import mote.mir.MirProgram;
import mote.mir.Operand;
import mote.mir.Place;
import mote.mir.PrintItem;
import mote.mir.Rvalue;
import mote.mir.Statement;
import mote.mir.Terminator;
import mote.types.Type;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.llvm.LLVM.LLVMBasicBlockRef;
import org.bytedeco.llvm.LLVM.LLVMBuilderRef;
import org.bytedeco.llvm.LLVM.LLVMContextRef;
import org.bytedeco.llvm.LLVM.LLVMMetadataRef;
import org.bytedeco.llvm.LLVM.LLVMModuleRef;
import org.bytedeco.llvm.LLVM.LLVMTypeRef;
import org.bytedeco.llvm.LLVM.LLVMValueRef;

/**
 * DWARF line tables for `--debug` builds: a compile unit for the program, a file per source
 * file (named relative to the program's root, so builds are reproducible), and a subprogram
 * per function. {@code di} is null when debug info is off.
 */
final class DebugInfo {
    private final LlvmCodegen cg;

    DebugInfo(LlvmCodegen cg) {
        this.cg = cg;
    }

    /** Set by {@link LlvmCodegen#enableDebugInfo()}. */
    org.bytedeco.llvm.LLVM.LLVMDIBuilderRef di;
    org.bytedeco.llvm.LLVM.LLVMMetadataRef compileUnit;
    final Map<mote.diag.SourceFile, org.bytedeco.llvm.LLVM.LLVMMetadataRef> diFiles = new java.util.IdentityHashMap<>();

    org.bytedeco.llvm.LLVM.LLVMMetadataRef diFile(mote.diag.SourceFile f) {
        return diFiles.computeIfAbsent(f, k -> {
            // Relative to the program's root, with no directory: the same bytes from any
            // working directory (a debugger finds the file when run from the program's folder).
            String name = k.programPath(), dir = "";
            return LLVMDIBuilderCreateFile(di, name, name.getBytes(StandardCharsets.UTF_8).length, dir, dir.getBytes(StandardCharsets.UTF_8).length);
        });
    }

    void createCompileUnit(MirProgram program) {
        MirFn first = program.mainFunction() != null ? program.function(program.mainFunction()) : program.functions().isEmpty() ? null : program.functions().get(0);
        mote.diag.SourceFile file = first != null ? first.span().file() : mote.diag.SourceFile.of("program.mote", "");
        String producer = "mote 0.1.0";
        compileUnit = LLVMDIBuilderCreateCompileUnit(di, LLVMDWARFSourceLanguageC, diFile(file), producer, producer.length(), 1,
                "", 0, 0, "", 0, LLVMDWARFEmissionLineTablesOnly, 0, 0, 0, "", 0, "", 0);
    }

    /** A subprogram for {@code fn}'s LLVM function, and the builder's location at its first line. */
    org.bytedeco.llvm.LLVM.LLVMMetadataRef subprogram(MirFn fn, LLVMValueRef llvmFn) {
        return subprogram(fn.name(), fn.span(), llvmFn);
    }

    org.bytedeco.llvm.LLVM.LLVMMetadataRef subprogram(String name, Span span, LLVMValueRef llvmFn) {
        mote.diag.SourceFile file = span.file();
        org.bytedeco.llvm.LLVM.LLVMMetadataRef f = diFile(file);
        org.bytedeco.llvm.LLVM.LLVMMetadataRef type = LLVMDIBuilderCreateSubroutineType(di, f, new PointerPointer<org.bytedeco.llvm.LLVM.LLVMMetadataRef>(0), 0, LLVMDIFlagZero);
        String linkage = LLVMGetValueName(llvmFn).getString();
        int line = span.line();
        org.bytedeco.llvm.LLVM.LLVMMetadataRef sp = LLVMDIBuilderCreateFunction(di, f, name, name.getBytes(StandardCharsets.UTF_8).length,
                linkage, linkage.getBytes(StandardCharsets.UTF_8).length, f, line, type, 1, 1, line, LLVMDIFlagZero, 1);
        LLVMSetSubprogram(llvmFn, sp);
        LLVMSetCurrentDebugLocation2(cg.builder, LLVMDIBuilderCreateDebugLocation(cg.ctx, line, span.column(), sp, null));
        return sp;
    }
}

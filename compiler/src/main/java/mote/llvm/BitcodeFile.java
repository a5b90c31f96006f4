package mote.llvm;

import static org.bytedeco.llvm.global.LLVM.*;

import java.nio.file.Path;

import mote.diag.ToolError;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.llvm.LLVM.LLVMContextRef;
import org.bytedeco.llvm.LLVM.LLVMMemoryBufferRef;
import org.bytedeco.llvm.LLVM.LLVMModuleRef;

/** Reads a `.bc` file of runtime-c's cache into an LLVM context. */
public final class BitcodeFile {
    private BitcodeFile() {}

    /**
     * The module in {@code bc}, owned by the caller. {@code lazy}: function bodies are read only
     * when needed (linked or materialized), so what a file defines is known without its code.
     */
    public static LLVMModuleRef read(Path bc, LLVMContextRef ctx, boolean lazy) {
        LLVMMemoryBufferRef buffer = new LLVMMemoryBufferRef();
        BytePointer err = new BytePointer();
        if (LLVMCreateMemoryBufferWithContentsOfFile(new BytePointer(bc.toString()), buffer, err) != 0) {
            throw new ToolError("cannot read " + bc + ": " + err.getString() + "\n" + mote.home.MoteCache.clearHint());
        }
        LLVMModuleRef module = new LLVMModuleRef();
        // The module takes the buffer over.
        int failed = lazy ? LLVMGetBitcodeModuleInContext2(ctx, buffer, module) : LLVMParseBitcodeInContext2(ctx, buffer, module);
        if (failed != 0) throw new ToolError("cannot parse " + bc + "\n" + mote.home.MoteCache.clearHint());
        return module;
    }
}

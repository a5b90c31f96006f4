package mote.llvm;

import static org.bytedeco.llvm.global.LLVM.*;

import java.util.ArrayList;
import java.util.List;

import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.llvm.LLVM.LLVMBuilderRef;
import org.bytedeco.llvm.LLVM.LLVMContextRef;
import org.bytedeco.llvm.LLVM.LLVMModuleRef;
import org.bytedeco.llvm.LLVM.LLVMTypeRef;
import org.bytedeco.llvm.LLVM.LLVMValueRef;

/**
 * Constant tables of words whose entries all fit a byte (or a halfword) keep bytes: LLVM turns
 * a `match` that returns constants into a table of its result type (a u32 per case), and never
 * narrows it. Each read becomes a load of the narrow entry, widened with zeros: the same one
 * instruction on Cortex-M (`ldrb` for `ldr`), three bytes less an entry. bench/firmware.mote's
 * `arity` table: 20 bytes to 5.
 *
 * <p>After optimisation, on internal constant arrays of i32 or i16 whose every use is an
 * address into them that is only loaded whole (what LLVM's switch tables are); poison entries
 * (cases the switch never reads) become 0.
 */
final class NarrowLookupTables {
    private NarrowLookupTables() {}

    static void apply(LLVMModuleRef module) {
        List<LLVMValueRef> tables = new ArrayList<>();
        for (LLVMValueRef g = LLVMGetFirstGlobal(module); g != null && !g.isNull(); g = LLVMGetNextGlobal(g)) tables.add(g);
        for (LLVMValueRef table : tables) narrow(module, table);
    }

    private static void narrow(LLVMModuleRef module, LLVMValueRef table) {
        if (LLVMIsGlobalConstant(table) == 0 || LLVMIsDeclaration(table) != 0) return;
        int linkage = LLVMGetLinkage(table);
        if (linkage != LLVMPrivateLinkage && linkage != LLVMInternalLinkage) return;
        LLVMTypeRef type = LLVMGlobalGetValueType(table);
        if (LLVMGetTypeKind(type) != LLVMArrayTypeKind) return;
        LLVMTypeRef element = LLVMGetElementType(type);
        if (LLVMGetTypeKind(element) != LLVMIntegerTypeKind) return;
        int bits = LLVMGetIntTypeWidth(element);
        if (bits != 32 && bits != 16) return;
        int n = (int) LLVMGetArrayLength2(type);
        long[] values = entries(LLVMGetInitializer(table), n);
        if (values == null) return;
        long max = 0;
        for (long v : values) max = Math.max(max, v);
        int narrowBits = max <= 0xFF ? 8 : max <= 0xFFFF && bits == 32 ? 16 : 0;
        if (narrowBits == 0 || !onlyLoadedWhole(table, type, element)) return;

        LLVMContextRef ctx = LLVMGetModuleContext(module);
        LLVMTypeRef narrowType = LLVMIntTypeInContext(ctx, narrowBits);
        LLVMValueRef[] narrowed = new LLVMValueRef[n];
        for (int i = 0; i < n; i++) narrowed[i] = LLVMConstInt(narrowType, values[i], 0);
        LLVMValueRef init = LLVMConstArray2(narrowType, new PointerPointer<>(narrowed), n);
        LLVMValueRef replacement = LLVMAddGlobal(module, LLVMTypeOf(init), LLVMGetValueName(table).getString() + ".narrow");
        LLVMSetInitializer(replacement, init);
        LLVMSetLinkage(replacement, LLVMPrivateLinkage);
        LLVMSetGlobalConstant(replacement, 1);
        LLVMSetUnnamedAddr(replacement, 1);
        LLVMSetAlignment(replacement, narrowBits / 8);

        LLVMBuilderRef builder = LLVMCreateBuilderInContext(ctx);
        try {
            for (LLVMValueRef address : LlvmCodegen.users(table)) {
                LLVMPositionBuilderBefore(builder, address);
                int indices = LLVMGetNumIndices(address);
                LLVMValueRef[] operands = new LLVMValueRef[indices];
                for (int i = 0; i < indices; i++) operands[i] = LLVMGetOperand(address, i + 1);
                // the same indices, into the narrow array (or over its narrow entries)
                LLVMTypeRef source = LLVMGetTypeKind(LLVMGetGEPSourceElementType(address)) == LLVMArrayTypeKind
                        ? LLVMTypeOf(init) : narrowType;
                LLVMValueRef narrowAddress = LLVMBuildInBoundsGEP2(builder, source, replacement, new PointerPointer<>(operands), indices, "");
                for (LLVMValueRef load : LlvmCodegen.users(address)) {
                    LLVMPositionBuilderBefore(builder, load);
                    LLVMValueRef small = LLVMBuildLoad2(builder, narrowType, narrowAddress, "");
                    LLVMSetAlignment(small, narrowBits / 8);
                    LLVMValueRef wide = LLVMBuildZExt(builder, small, element, "");
                    LLVMReplaceAllUsesWith(load, wide);
                    LLVMInstructionEraseFromParent(load);
                }
                LLVMInstructionEraseFromParent(address);
            }
        } finally {
            LLVMDisposeBuilder(builder);
        }
        LLVMDeleteGlobal(table);
    }

    /** The entries as unsigned values (poison and undef read as 0); null if one is not a constant integer. */
    private static long[] entries(LLVMValueRef init, int n) {
        if (init == null || init.isNull()) return null;
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
            LLVMValueRef e = LLVMGetAggregateElement(init, i);
            if (e == null || e.isNull()) return null;
            if (LLVMIsPoison(e) != 0 || LLVMIsUndef(e) != 0) continue;
            if (LLVMIsAConstantInt(e) == null || LLVMIsAConstantInt(e).isNull()) return null;
            values[i] = LLVMConstIntGetZExtValue(e);
        }
        return values;
    }

    /**
     * Whether every use of {@code table} is an instruction computing an address of one entry
     * (`getelementptr [N x iK], @t, 0, i` or `getelementptr iK, @t, i`) that only loads of a
     * whole entry use.
     */
    private static boolean onlyLoadedWhole(LLVMValueRef table, LLVMTypeRef arrayType, LLVMTypeRef element) {
        List<LLVMValueRef> addresses = LlvmCodegen.users(table);
        if (addresses.isEmpty()) return false;
        for (LLVMValueRef address : addresses) {
            if (LLVMIsAGetElementPtrInst(address) == null || LLVMIsAGetElementPtrInst(address).isNull()) return false;
            if (!LLVMGetOperand(address, 0).equals(table)) return false;
            LLVMTypeRef source = LLVMGetGEPSourceElementType(address);
            int indices = LLVMGetNumIndices(address);
            boolean ofArray = source.equals(arrayType) && indices == 2 && isZero(LLVMGetOperand(address, 1));
            boolean ofEntries = source.equals(element) && indices == 1;
            if (!ofArray && !ofEntries) return false;
            List<LLVMValueRef> loads = LlvmCodegen.users(address);
            if (loads.isEmpty()) return false;
            for (LLVMValueRef load : loads)
                if (LLVMIsALoadInst(load) == null || LLVMIsALoadInst(load).isNull() || !LLVMTypeOf(load).equals(element)
                        || LLVMGetVolatile(load) != 0)
                    return false;
        }
        return true;
    }

    private static boolean isZero(LLVMValueRef v) {
        return LLVMIsAConstantInt(v) != null && !LLVMIsAConstantInt(v).isNull() && LLVMConstIntGetZExtValue(v) == 0;
    }
}

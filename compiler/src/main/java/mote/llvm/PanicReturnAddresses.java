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
 * --backtrace, after optimisation: a function whose only calls never return (panics) does not
 * save LR, since nothing returns to it, so the host's walk of a panic's stack stopped at the fn
 * that panicked. Before each panic call in such a function this stores the function's own
 * return address in runtime-c's {@code mote_panic_from[3]}, which the trace prints and the
 * walk uses for that frame (mote.decode.FaultDecoder). A function that makes any other call
 * saves LR where its call frame information says, and is left alone: the store would cost
 * flash at each of its panic sites for nothing.
 *
 * After optimisation, because only then is it known which calls are left in each function
 * (inlining removes some and brings others in).
 */
final class PanicReturnAddresses {
    private PanicReturnAddresses() {}

    static void insert(LLVMModuleRef module) {
        LLVMContextRef ctx = LLVMGetModuleContext(module);
        LLVMTypeRef i32 = LLVMInt32TypeInContext(ctx);
        LLVMValueRef from = null;
        int returnAddress = LLVMLookupIntrinsicID("llvm.returnaddress", "llvm.returnaddress".length());
        LLVMBuilderRef builder = LLVMCreateBuilderInContext(ctx);
        try {
            for (LLVMValueRef f = LLVMGetFirstFunction(module); f != null && !f.isNull(); f = LLVMGetNextFunction(f)) {
                if (LLVMIsDeclaration(f) != 0 || LLVMGetValueName(f).getString().startsWith("mote_panic")) continue;
                List<LLVMValueRef> panics = panicCallsIfOnlyThose(f);
                if (panics.isEmpty()) continue;
                if (from == null) {
                    // runtime-c's: in this module (whole-program builds), or an object's (-O 0
                    // links runtime-c as objects), or another partition's, which exports it
                    // (SplitCodegen.exportCrossPartitionReferences).
                    from = LLVMGetNamedGlobal(module, "mote_panic_from");
                    if (from == null || from.isNull()) from = LLVMAddGlobal(module, LLVMArrayType(i32, 4), "mote_panic_from");
                }
                LLVMValueRef intrinsic = LLVMGetIntrinsicDeclaration(module, returnAddress, new PointerPointer<LLVMTypeRef>(0), 0);
                LLVMTypeRef type = LLVMIntrinsicGetType(ctx, returnAddress, new PointerPointer<LLVMTypeRef>(0), 0);
                LLVMValueRef slot = LLVMConstInBoundsGEP2(LLVMInt8TypeInContext(ctx), from,
                        new PointerPointer<>(1).put(0, LLVMConstInt(i32, 12, 0)), 1);
                for (LLVMValueRef call : panics) {
                    LLVMPositionBuilderBefore(builder, call);
                    LLVMValueRef ra = LLVMBuildCall2(builder, type, intrinsic,
                            new PointerPointer<>(1).put(0, LLVMConstInt(i32, 0, 0)), 1, "return_address");
                    LLVMBuildStore(builder, LLVMBuildPtrToInt(builder, ra, i32, ""), slot);
                }
            }
        } finally {
            LLVMDisposeBuilder(builder);
        }
    }

    /** The calls of {@code f} to runtime-c's panic functions, when every call it makes never returns; else none. */
    private static List<LLVMValueRef> panicCallsIfOnlyThose(LLVMValueRef f) {
        List<LLVMValueRef> panics = new ArrayList<>();
        for (var b = LLVMGetFirstBasicBlock(f); b != null && !b.isNull(); b = LLVMGetNextBasicBlock(b))
            for (var i = LLVMGetFirstInstruction(b); i != null && !i.isNull(); i = LLVMGetNextInstruction(i)) {
                if (LLVMGetInstructionOpcode(i) != LLVMCall) continue;
                LLVMValueRef callee = LLVMGetCalledValue(i);
                if (LLVMIsAInlineAsm(callee) != null && !LLVMIsAInlineAsm(callee).isNull()) continue;
                boolean direct = LLVMIsAFunction(callee) != null && !LLVMIsAFunction(callee).isNull();
                if (direct && LLVMGetIntrinsicID(callee) != 0) continue;
                if (!direct || !neverReturns(i, callee)) return List.of();
                if (LLVMGetValueName(callee).getString().startsWith("mote_panic")) panics.add(i);
            }
        return panics;
    }

    private static boolean neverReturns(LLVMValueRef call, LLVMValueRef callee) {
        int noreturn = LLVMGetEnumAttributeKindForName("noreturn", "noreturn".length());
        var onFn = LLVMGetEnumAttributeAtIndex(callee, LLVMAttributeFunctionIndex, noreturn);
        var onCall = LLVMGetCallSiteEnumAttribute(call, LLVMAttributeFunctionIndex, noreturn);
        return (onFn != null && !onFn.isNull()) || (onCall != null && !onCall.isNull());
    }
}

package mote.llvm;

import static org.bytedeco.llvm.global.LLVM.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.llvm.LLVM.LLVMBasicBlockRef;
import org.bytedeco.llvm.LLVM.LLVMModuleRef;
import org.bytedeco.llvm.LLVM.LLVMValueRef;

/**
 * Who calls whom in an optimized module: every defined function and the functions its call
 * instructions name directly. A call through a pointer (Mote emits none; runtime-c's executor
 * does) is listed as the callee {@link #THROUGH_POINTER}, so the stack report can say it cannot
 * bound what it does not see. Read after LLVM's inliner ran, so it is the call graph of the code
 * that will run, for the worst-case stack report.
 */
public final class LlvmCallGraph {
    /** Stands for the unknown callee of a call through a function pointer. */
    public static final String THROUGH_POINTER = "(a call through a pointer)";

    private LlvmCallGraph() {}

    public static Map<String, List<String>> of(LLVMModuleRef module) {
        boolean v6m = LLVMGetTarget(module).getString().startsWith("thumbv6m");
        Map<String, List<String>> graph = new LinkedHashMap<>();
        for (LLVMValueRef f = LLVMGetFirstFunction(module); f != null && !f.isNull(); f = LLVMGetNextFunction(f)) {
            if (LLVMIsDeclaration(f) != 0) continue;
            Set<String> callees = new LinkedHashSet<>();
            for (LLVMBasicBlockRef b = LLVMGetFirstBasicBlock(f); b != null && !b.isNull(); b = LLVMGetNextBasicBlock(b)) {
                for (LLVMValueRef i = LLVMGetFirstInstruction(b); i != null && !i.isNull(); i = LLVMGetNextInstruction(i)) {
                    callees.addAll(libcalls(i, v6m));
                    if (LLVMGetInstructionOpcode(i) != LLVMCall) continue;
                    LLVMValueRef callee = LLVMGetCalledValue(i);
                    if (callee == null || callee.isNull()) continue;
                    if (LLVMIsAFunction(callee) == null || LLVMIsAFunction(callee).isNull()) {
                        boolean inlineAsm = LLVMIsAInlineAsm(callee) != null && !LLVMIsAInlineAsm(callee).isNull();
                        if (!inlineAsm) callees.add(THROUGH_POINTER);   // inline assembly calls nothing
                        continue;
                    }
                    String name = LLVMGetValueName(callee).getString();
                    if (!name.startsWith("llvm.")) callees.add(name);   // intrinsics use no stack of their own
                }
            }
            graph.put(LLVMGetValueName(f).getString(), new ArrayList<>(callees));
        }
        return graph;
    }

    /**
     * The functions code generation calls for {@code i}, which the IR does not show as calls: a
     * 64-bit division (and on v6-M, which has no divide instruction, a 32-bit one, and a 64-bit
     * multiply), a block copy or fill. Each name it may use, of runtime-c's (arith.c, mem.c):
     * the stack report takes the deepest. Floating point on a core without an FPU calls libgcc,
     * whose frames are not known here.
     */
    static List<String> libcalls(LLVMValueRef i, boolean v6m) {
        int op = LLVMGetInstructionOpcode(i);
        if (op == LLVMSDiv || op == LLVMSRem || op == LLVMUDiv || op == LLVMURem || op == LLVMMul) {
            int bits = LLVMGetTypeKind(LLVMTypeOf(i)) == LLVMIntegerTypeKind ? LLVMGetIntTypeWidth(LLVMTypeOf(i)) : 0;
            boolean signed = op == LLVMSDiv || op == LLVMSRem;
            if (op == LLVMMul) return v6m && bits == 64 ? List.of("__aeabi_lmul") : List.of();
            if (bits == 64) return signed ? List.of("__aeabi_ldivmod", "__divdi3", "__moddi3")
                    : List.of("__aeabi_uldivmod", "__udivdi3", "__umoddi3");
            // v6-M: a division by a constant may become a 64-bit multiply by its inverse.
            if (v6m && bits > 0) return signed ? List.of("__aeabi_idiv", "__aeabi_idivmod", "__aeabi_lmul")
                    : List.of("__aeabi_uidiv", "__aeabi_uidivmod", "__aeabi_lmul");
            return List.of();
        }
        if (op != LLVMCall) return List.of();
        LLVMValueRef callee = LLVMGetCalledValue(i);
        if (callee == null || callee.isNull() || LLVMIsAFunction(callee) == null || LLVMIsAFunction(callee).isNull()) return List.of();
        String name = LLVMGetValueName(callee).getString();
        if (name.startsWith("llvm.memcpy")) return List.of("memcpy", "__aeabi_memcpy", "__aeabi_memcpy4", "__aeabi_memcpy8");
        if (name.startsWith("llvm.memmove")) return List.of("memmove", "__aeabi_memmove", "__aeabi_memmove4", "__aeabi_memmove8");
        if (name.startsWith("llvm.memset")) return List.of("memset", "__aeabi_memset", "__aeabi_memset4", "__aeabi_memset8",
                "__aeabi_memclr", "__aeabi_memclr4", "__aeabi_memclr8");
        return List.of();
    }
}

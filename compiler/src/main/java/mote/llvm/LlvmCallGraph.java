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
        Map<String, List<String>> graph = new LinkedHashMap<>();
        for (LLVMValueRef f = LLVMGetFirstFunction(module); f != null && !f.isNull(); f = LLVMGetNextFunction(f)) {
            if (LLVMIsDeclaration(f) != 0) continue;
            Set<String> callees = new LinkedHashSet<>();
            for (LLVMBasicBlockRef b = LLVMGetFirstBasicBlock(f); b != null && !b.isNull(); b = LLVMGetNextBasicBlock(b)) {
                for (LLVMValueRef i = LLVMGetFirstInstruction(b); i != null && !i.isNull(); i = LLVMGetNextInstruction(i)) {
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
}

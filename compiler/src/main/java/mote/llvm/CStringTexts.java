package mote.llvm;

import static org.bytedeco.llvm.global.LLVM.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.llvm.LLVM.LLVMBuilderRef;
import org.bytedeco.llvm.LLVM.LLVMModuleRef;
import org.bytedeco.llvm.LLVM.LLVMTypeRef;
import org.bytedeco.llvm.LLVM.LLVMValueRef;

/**
 * The program's printed texts as C strings, where that makes the image smaller: a call
 * {@code mote_print_str(text, length)} becomes {@code mote_print_cstr(text)}, one argument
 * (two bytes of code a call) for one byte of terminator a text, and print.c's digit printers
 * end their numbers with a terminator too ({@link #DIGITS_CSTR}), so that mote_print_str can
 * leave the image (bench/firmware.mote: 5,440 -> 5,372 B).
 *
 * <p>Whole-program size builds only, once runtime-c is linked in, and only where the estimate
 * says the image gets smaller by {@link #MIN_SAVING} or more ({@link #saving}): a program that
 * prints a few texts keeps lengths (LLVM folds a text printed everywhere into the printer: a
 * program whose only text is the separator " " prints it with no argument), and so does one
 * that needs mote_print_str anyway and not mote_print_cstr. Calls in a function of more than
 * {@link #MOST_BLOCKS} blocks stay: there the register allocator's choices outweigh two bytes
 * a call (run/nested_join_race's main, the same code after optimisation, came out 256 bytes
 * larger). Measured over the run tests, examples and bench programs: some 3,600 bytes less,
 * none larger.
 */
final class CStringTexts {
    private CStringTexts() {}

    /** runtime-c's print.c: whether the digit printers end with mote_print_cstr. */
    static final String DIGITS_CSTR = "mote_print_digits_cstr";

    /** Bytes of code a call saves (its length argument); the two printers' sizes (lm3s6965evb). */
    static final int LENGTH_ARGUMENT = 2, CSTR_PRINTER = 18, STR_PRINTER = 22;
    static final int MIN_SAVING = 4, MOST_BLOCKS = 100;

    /** Runtime functions that print through mote_print_str and follow the texts' choice (print.c's digits). */
    static final Set<String> FOLLOWERS = Set.of("mote_print_u32", "mote_print_i32", "mote_print_hex32", "print_digits32");

    /** A call that prints a constant text: the text's global and its bytes. */
    private record TextCall(LLVMValueRef call, LLVMValueRef text, byte[] bytes) {}

    /**
     * Rewrites the text prints when that saves enough and returns whether it did (the caller
     * then sets {@link #DIGITS_CSTR}). {@code reportsFaults}: the fault report, which prints
     * with mote_print_cstr, is in the image.
     */
    static boolean apply(LLVMModuleRef module, boolean reportsFaults) {
        LLVMValueRef printStr = LLVMGetNamedFunction(module, "mote_print_str");
        LLVMValueRef printCstr = LLVMGetNamedFunction(module, "mote_print_cstr");
        if (printStr == null || printStr.isNull() || printCstr == null || printCstr.isNull()) return false;
        List<TextCall> calls = textCalls(printStr);
        if (calls.isEmpty() || saving(printStr, calls, reportsFaults) < MIN_SAVING) return false;
        LLVMTypeRef cstrType = LLVMGlobalGetValueType(printCstr);
        Map<LLVMValueRef, LLVMValueRef> terminated = new LinkedHashMap<>();
        LLVMBuilderRef builder = LLVMCreateBuilderInContext(LLVMGetModuleContext(module));
        try {
            for (TextCall c : calls) {
                LLVMValueRef text = terminated.computeIfAbsent(c.text(), t -> LlvmCodegen.privateBytes(module, PrintEmitter.nulTerminated(c.bytes())));
                LLVMPositionBuilderBefore(builder, c.call());
                LLVMValueRef replacement = LLVMBuildCall2(builder, cstrType, printCstr, new PointerPointer<>(1).put(0, text), 1, "");
                var debugLoc = LLVMInstructionGetDebugLoc(c.call());
                if (debugLoc != null && !debugLoc.isNull()) LLVMInstructionSetDebugLoc(replacement, debugLoc);
                LLVMInstructionEraseFromParent(c.call());
            }
        } finally {
            LLVMDisposeBuilder(builder);
        }
        for (LLVMValueRef old : terminated.keySet())
            if (!LlvmCodegen.isUsed(old)) LLVMDeleteGlobal(old);
        return true;
    }

    /**
     * Estimated bytes the rewrite saves: two a call, less a terminator a text, less the C-string
     * printer unless the fault report has it anyway (panics may not: the optimiser removes most
     * checks), plus the length printer when nothing else needs it (slices, 64-bit numbers,
     * widths, texts with a zero byte).
     */
    private static int saving(LLVMValueRef printStr, List<TextCall> calls, boolean reportsFaults) {
        int texts = (int) calls.stream().map(TextCall::text).distinct().count();
        int saving = LENGTH_ARGUMENT * calls.size() - texts;
        if (!reportsFaults) saving -= CSTR_PRINTER;
        if (!strNeededBesides(printStr, calls)) saving += STR_PRINTER;
        return saving;
    }

    /** Whether something other than the texts and print.c's digit printers calls mote_print_str. */
    private static boolean strNeededBesides(LLVMValueRef printStr, List<TextCall> calls) {
        Set<LLVMValueRef> texts = new HashSet<>();
        for (TextCall c : calls) texts.add(c.call());
        for (LLVMValueRef user : LlvmCodegen.users(printStr)) {
            if (texts.contains(user)) continue;
            LLVMValueRef call = LLVMIsACallInst(user);
            if (call == null || call.isNull()) return true;
            LLVMValueRef caller = LLVMGetBasicBlockParent(LLVMGetInstructionParent(call));
            String name = LLVMGetValueName(caller).getString();
            if (FOLLOWERS.contains(name)) continue;
            // a runtime printer that nothing calls (linked with its file) leaves with the unused code
            if (name.startsWith("mote_") && !LlvmCodegen.isUsed(caller)) continue;
            return true;
        }
        return false;
    }

    /**
     * The calls of {@code printStr} whose text is a constant of two bytes or more with no zero
     * byte (a one-byte text folds into the printer in more programs), outside functions of
     * more than {@link #MOST_BLOCKS} blocks.
     */
    private static List<TextCall> textCalls(LLVMValueRef printStr) {
        List<TextCall> calls = new ArrayList<>();
        for (LLVMValueRef user : LlvmCodegen.users(printStr)) {
            LLVMValueRef call = LLVMIsACallInst(user);
            if (call == null || call.isNull() || !LLVMGetCalledValue(call).equals(printStr)) continue;
            LLVMValueRef text = LLVMIsAGlobalVariable(LLVMGetArgOperand(call, 0));
            LLVMValueRef length = LLVMIsAConstantInt(LLVMGetArgOperand(call, 1));
            if (text == null || text.isNull() || length == null || length.isNull() || LLVMIsGlobalConstant(text) == 0) continue;
            byte[] bytes = constantBytes(LLVMGetInitializer(text));
            if (bytes == null || bytes.length < 2 || LLVMConstIntGetZExtValue(length) != bytes.length || PrintEmitter.containsNul(bytes)) continue;
            if (LLVMCountBasicBlocks(LLVMGetBasicBlockParent(LLVMGetInstructionParent(call))) > MOST_BLOCKS) continue;
            calls.add(new TextCall(call, text, bytes));
        }
        return calls;
    }

    private static byte[] constantBytes(LLVMValueRef init) {
        if (init == null || init.isNull() || LLVMIsConstantString(init) == 0) return null;
        SizeTPointer length = new SizeTPointer(1);
        BytePointer data = LLVMGetAsString(init, length);
        byte[] bytes = new byte[(int) length.get()];
        data.get(bytes);
        return bytes;
    }

}

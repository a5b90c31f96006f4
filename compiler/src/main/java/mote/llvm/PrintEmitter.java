package mote.llvm;

import static org.bytedeco.llvm.global.LLVM.*;

import java.nio.charset.StandardCharsets;
import java.util.List;
import mote.async.StateMachine;
import mote.diag.Span;
import mote.mir.MirFn;
import mote.mir.PrintItem;
import mote.types.FormatSpec;
import mote.types.Type;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.llvm.LLVM.LLVMBasicBlockRef;
import org.bytedeco.llvm.LLVM.LLVMTypeRef;
import org.bytedeco.llvm.LLVM.LLVMValueRef;


/**
 * Printing and panicking: a print's items as runtime-c calls (text, integers in any radix, padded
 * and truncated text, a C-like enum's variant name), or as one frame with `--log interned`; and a
 * panic's message and location (a fixed message, a bounds check or a formatted message).
 *
 * Separate because it is the body emitter's one conversation with runtime-c's console.
 */
abstract sealed class PrintEmitter extends BodyEmitterState permits AwaitEmitter {
    PrintEmitter(LlvmCodegen cg, MirFn fn, StateMachine machine) { super(cg, fn, machine); }

    void print(List<PrintItem> items) {
        if (cg.internedLog != null) {   // --log interned: frames instead of text
            if (!cg.framesMasked) {
                cg.internedLog.emit(items, this::operand, this::printAsText);
                return;
            }
            LLVMValueRef saved = maskInterrupts();
            cg.internedLog.emit(items, this::operand, this::printAsText);
            restoreInterrupts(saved);
            return;
        }
        printAsText(items);
    }

    /** Masks interrupts (what `critical {` does) and yields the PRIMASK to restore. */
    LLVMValueRef maskInterrupts() {
        LLVMTypeRef type = cg.fnType(cg.i32);
        LLVMValueRef asm = cg.inlineAsm(type, "mrs $0, primask\n\tcpsid i", "=r,~{memory}");
        return LLVMBuildCall2(cg.builder, type, asm, new PointerPointer<LLVMValueRef>(0), 0, "primask");
    }

    /** Restores the PRIMASK {@link #maskInterrupts} saved (what the end of `critical` does). */
    void restoreInterrupts(LLVMValueRef saved) {
        LLVMTypeRef type = cg.fnType(cg.voidType, cg.i32);
        LLVMBuildCall2(cg.builder, type, cg.inlineAsm(type, "msr primask, $0", "r,~{memory}"), LlvmCodegen.values(saved), 1, "");
    }

    void printAsText(List<PrintItem> items) {
        for (PrintItem item : items) {
            if (item instanceof PrintItem.Text t) {
                if (item == items.get(items.size() - 1) && t.bytes().length == 1 && t.bytes()[0] == '\n') {
                    // println's newline: one byte to the console driver, a constant in a register,
                    // where mote_print_str takes a string's address and length (every image that
                    // prints is smaller; separators and other one-byte texts are not: some grew).
                    cg.callRuntime("mote_console_putc", LLVMConstInt(cg.i8, '\n', 0));
                    continue;
                }
                cg.callRuntime("mote_print_str", cg.stringConstant(t.bytes()), cg.constInt(cg.i32, t.bytes().length));
                continue;
            }
            if (!(item instanceof PrintItem.Value v)) throw new IllegalStateException("unhandled print item " + item);
            LLVMValueRef value = operand(v.value());
            FormatSpec spec = v.spec();
            if (v.type() instanceof Type.Bool) {
                if (spec.isPlain()) cg.callRuntime("mote_print_bool", LLVMBuildZExt(cg.builder, value, cg.i32, ""));
                else printText(LLVMBuildSelect(cg.builder, value, cg.stringConstant(bytes("true")), cg.stringConstant(bytes("false")), ""),
                        LLVMBuildSelect(cg.builder, value, cg.constInt(cg.i32, 4), cg.constInt(cg.i32, 5), ""), spec);
            } else if (v.type() instanceof Type.Slice) {
                LLVMValueRef data = LLVMBuildLoad2(cg.builder, cg.ptr, value, "");
                LLVMValueRef len = LLVMBuildLoad2(cg.builder, cg.i32, cg.offsetPtr(value, 4), "");
                printText(data, len, spec);
            } else if (v.type() instanceof Type.Enum e && spec.debug()) {
                printVariantName(value, e);
            } else if (v.type() instanceof Type.Float32) {
                // Its bits, so runtime-c/float.c converts with integer arithmetic only.
                cg.callRuntime("mote_print_f32", LLVMBuildBitCast(cg.builder, value, cg.i32, ""),
                        cg.constInt(cg.i32, spec.packedFloat()), cg.constInt(cg.i32, spec.precision()));
            } else {
                printInteger(value, Type.intRepr(v.type()), spec);
            }
        }
    }

    static byte[] bytes(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    static boolean containsNul(byte[] text) {
        for (byte b : text) if (b == 0) return true;
        return false;
    }

    /** The text and a terminating zero, for mote_print_cstr. */
    static byte[] nulTerminated(byte[] text) { return java.util.Arrays.copyOf(text, text.length + 1); }

    /** Text, truncated to the precision and padded to the width when the spec has them. */
    void printText(LLVMValueRef data, LLVMValueRef len, FormatSpec spec) {
        if (spec.precision() >= 0) {
            LLVMValueRef max = cg.constInt(cg.i32, spec.precision());
            len = LLVMBuildSelect(cg.builder, LLVMBuildICmp(cg.builder, LLVMIntULT, len, max, ""), len, max, "");
        }
        if (spec.width() == 0) cg.callRuntime("mote_print_str", data, len);
        else cg.callRuntime("mote_print_fmt_str", data, len, cg.constInt(cg.i32, spec.packed(false, false)));
    }

    /** `{:?}` of a C-like enum: the variant's name (a switch LLVM turns into a table). */
    void printVariantName(LLVMValueRef value, Type.Enum e) {
        LLVMBasicBlockRef from = LLVMGetInsertBlock(cg.builder);
        LLVMValueRef fn = LLVMGetBasicBlockParent(from);
        LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(cg.ctx, fn, "variant_named");
        LLVMValueRef sw = LLVMBuildSwitch(cg.builder, value, done, e.variants().size());
        LLVMTypeRef reprType = LLVMTypeOf(value);
        List<LLVMBasicBlockRef> cases = new java.util.ArrayList<>();
        for (int i = 0; i < e.variants().size(); i++) {
            LLVMBasicBlockRef bb = LLVMAppendBasicBlockInContext(cg.ctx, fn, "variant" + i);
            LLVMAddCase(sw, LLVMConstInt(reprType, e.values().get(i), 0), bb);
            LLVMPositionBuilderAtEnd(cg.builder, bb);
            LLVMBuildBr(cg.builder, done);
            cases.add(bb);
        }
        LLVMPositionBuilderAtEnd(cg.builder, done);
        LLVMValueRef data = LLVMBuildPhi(cg.builder, cg.ptr, "");
        LLVMValueRef len = LLVMBuildPhi(cg.builder, cg.i32, "");
        for (int i = 0; i < cases.size(); i++) {
            byte[] name = bytes(e.variants().get(i));
            phiIncoming(data, cg.stringConstant(name), cases.get(i));
            phiIncoming(len, cg.constInt(cg.i32, name.length), cases.get(i));
        }
        phiIncoming(data, cg.stringConstant(bytes("?")), from);   // not a variant: only through a bad cast
        phiIncoming(len, cg.constInt(cg.i32, 1), from);
        // Rust's derived Debug writes a fieldless variant with `write_str`: width and fill do not apply.
        cg.callRuntime("mote_print_str", data, len);
    }

    static void phiIncoming(LLVMValueRef phi, LLVMValueRef value, LLVMBasicBlockRef block) {
        LLVMAddIncoming(phi, new PointerPointer<>(1).put(0, value), new PointerPointer<>(1).put(0, block), 1);
    }

    /**
     * 32 bits or fewer print through the 32-bit conversions: a program that prints no 64-bit value
     * links no 64-bit division. A spec with width, sign, prefix or another radix goes through
     * format.c, which only such programs link.
     */
    void printInteger(LLVMValueRef value, Type.Int it, FormatSpec spec) {
        boolean hex = spec.radix() != FormatSpec.Radix.DECIMAL;
        // Hex, binary and octal print a negative number's own bits, as Rust does: zero-extended.
        boolean sext = it.signed() && !hex;
        int bits = it.bits() > 32 ? 64 : 32;
        LLVMTypeRef wideType = bits == 64 ? cg.i64 : cg.i32;
        LLVMValueRef wide = it.bits() == bits ? value
                : sext ? LLVMBuildSExt(cg.builder, value, wideType, "") : LLVMBuildZExt(cg.builder, value, wideType, "");
        if (!spec.isPlain()) {
            cg.callRuntime("mote_print_fmt" + bits, wide, cg.constInt(cg.i32, spec.packed(true, it.signed())));
            return;
        }
        String conversion = hex ? "mote_print_hex" : it.signed() ? "mote_print_i" : "mote_print_u";
        cg.callRuntime(conversion + (hex ? (bits == 32 ? "32" : "") : String.valueOf(bits)), wide);
    }

    void panicWith(String message, Span span) {
        panic(List.of(new PrintItem.Text(message.getBytes(StandardCharsets.UTF_8))), span);
    }

    /**
     * `panic: <message> at <loc>`, the location as an index into the site table
     * ({@link PanicSites}). A fixed message is one runtime call, a bounds check one
     * call with the two numbers (as rustc's panic_bounds_check), anything else the message
     * printed between mote_panic_begin and mote_panic_end.
     */
    void panic(List<PrintItem> message, Span span) {
        if (cg.internedLog != null) {   // --log interned: message and location in one frame
            cg.internedLog.panic(message, span, this::operand, this::printAsText);
            LLVMBuildUnreachable(cg.builder);
            return;
        }
        LLVMValueRef site = cg.panicSites.site(span);
        if (message.size() == 1 && message.get(0) instanceof PrintItem.Text t && !containsNul(t.bytes())) {
            cg.callRuntime("mote_panic_at", cg.stringConstant(nulTerminated(t.bytes())), site);
        } else if (isBoundsMessage(message)) {
            cg.callRuntime("mote_panic_bounds_at", asU32(((PrintItem.Value) message.get(3))), asU32((PrintItem.Value) message.get(1)), site);
        } else {
            cg.callRuntime("mote_panic_begin");
            print(message);
            cg.callRuntime("mote_panic_end_at", site);
        }
        LLVMBuildUnreachable(cg.builder);
    }

    boolean isBoundsMessage(List<PrintItem> m) {
        return m.size() == 4 && m.get(0) instanceof PrintItem.Text a && m.get(2) instanceof PrintItem.Text b
                && new String(a.bytes(), StandardCharsets.UTF_8).equals("index out of bounds: the len is ")
                && new String(b.bytes(), StandardCharsets.UTF_8).equals(" but the index is ")
                && m.get(1) instanceof PrintItem.Value l && l.type() instanceof Type.Int li && !li.signed() && li.bits() <= 32
                && m.get(3) instanceof PrintItem.Value i && i.type() instanceof Type.Int ii && !ii.signed() && ii.bits() <= 32;
    }

    LLVMValueRef asU32(PrintItem.Value v) {
        LLVMValueRef x = operand(v.value());
        int bits = ((Type.Int) v.type()).bits();
        return bits == 32 ? x : LLVMBuildZExt(cg.builder, x, cg.i32, "");
    }
}

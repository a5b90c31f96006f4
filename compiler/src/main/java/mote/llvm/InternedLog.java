package mote.llvm;

import static org.bytedeco.llvm.global.LLVM.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import mote.mir.PrintItem;
import mote.types.FormatSpec;
import mote.types.Type;
import org.bytedeco.llvm.LLVM.LLVMTypeRef;
import org.bytedeco.llvm.LLVM.LLVMValueRef;

/**
 * `--log interned`: a print becomes a frame (runtime-c/log.c) instead of text (a value with a
 * width, sign, radix or `{:?}` spec is still printed as text, between frames). Its fixed text
 * and the kind of each value form a format, numbered in order of first use and written to the
 * ELF's non-loaded {@code .mote_log} section after linking ({@link #formats}); the device sends
 * the number and the values, and the host prints what the text build would have
 * ({@code mote.decode.LogDecoder}). Legal because the host decodes with the same ELF: the
 * bytes on the wire differ, the text a user reads does not.
 *
 * <p>Value kinds, as the text build formats them: {@code u}/{@code i}/{@code x} a 32-bit
 * unsigned, signed or hex value, {@code U}/{@code I}/{@code X} the 64-bit ones, {@code b} a
 * bool, {@code s} a byte slice.
 */
final class InternedLog {
    /** A format: text pieces and value kinds in order. */
    record Format(List<Object> parts) {}

    private final LlvmCodegen cg;
    private final Map<List<Object>, Integer> index = new LinkedHashMap<>();

    InternedLog(LlvmCodegen cg) {
        this.cg = cg;
    }

    /** Every format, by index. */
    List<Format> formats() {
        List<Format> out = new ArrayList<>();
        for (List<Object> parts : index.keySet()) out.add(new Format(parts));
        return out;
    }

    /**
     * The frames of one print: a format's index, then each value. A value with a format spec
     * beyond `{}` and `{:x}` (width, sign, radix, `{:?}`) is printed as text by {@code asText}
     * between two frames, so the output is the text build's by construction.
     */
    void emit(List<PrintItem> items, Function<mote.mir.Operand, LLVMValueRef> operand, Consumer<List<PrintItem>> asText) {
        List<Object> parts = new ArrayList<>();
        List<Runnable> values = new ArrayList<>();
        for (PrintItem item : items) {
            if (item instanceof PrintItem.Text t) {
                String text = new String(t.bytes(), StandardCharsets.UTF_8);
                if (!parts.isEmpty() && parts.get(parts.size() - 1) instanceof String last) parts.set(parts.size() - 1, last + text);
                else parts.add(text);
                continue;
            }
            if (!(item instanceof PrintItem.Value v)) throw new IllegalStateException("unhandled print item " + item);
            FormatSpec spec = v.spec();
            boolean plain = spec.isPlain() && !spec.debug()
                    && (v.type() instanceof Type.Bool || v.type() instanceof Type.Slice || v.type() instanceof Type.Int);
            if (!plain) {
                frame(parts, values);
                asText.accept(List.of(item));
                continue;
            }
            LLVMValueRef value = operand.apply(v.value());
            if (v.type() instanceof Type.Bool) {
                parts.add('b');
                LLVMValueRef wide = LLVMBuildZExt(cg.builder, value, cg.i32, "");
                values.add(() -> cg.callRuntime("mote_log_varint", wide));
            } else if (v.type() instanceof Type.Slice) {
                parts.add('s');
                LLVMValueRef data = LLVMBuildLoad2(cg.builder, cg.ptr, value, "");
                LLVMValueRef len = LLVMBuildLoad2(cg.builder, cg.i32, cg.offsetPtr(value, 4), "");
                values.add(() -> cg.callRuntime("mote_log_bytes", data, len));
            } else {
                // Widened as the text build widens (BodyEmitter.printInteger): the same digits come out.
                Type.Int it = Type.intRepr(v.type());
                boolean hex = spec.isHex();
                boolean sext = it.signed() && !hex;
                int bits = it.bits() > 32 ? 64 : 32;
                LLVMTypeRef wideType = bits == 64 ? cg.i64 : cg.i32;
                LLVMValueRef wide = it.bits() == bits ? value
                        : sext ? LLVMBuildSExt(cg.builder, value, wideType, "") : LLVMBuildZExt(cg.builder, value, wideType, "");
                char kind = hex ? 'x' : it.signed() ? 'i' : 'u';
                parts.add(bits == 64 ? Character.toUpperCase(kind) : kind);
                String fn = (kind == 'i' ? "mote_log_zigzag" : "mote_log_varint") + (bits == 64 ? "64" : "");
                values.add(() -> cg.callRuntime(fn, wide));
            }
        }
        frame(parts, values);
    }

    /** Sends what {@code parts} and {@code values} hold as one frame, if anything, and empties them. */
    private void frame(List<Object> parts, List<Runnable> values) {
        if (parts.isEmpty()) return;
        int n = index.computeIfAbsent(List.copyOf(parts), k -> index.size());
        cg.callRuntime("mote_log_frame", cg.constInt(cg.i32, n));
        values.forEach(Runnable::run);
        parts.clear();
        values.clear();
    }

    /**
     * A panic: `panic: ` from runtime-c, then one frame of the message and ` at FILE:LINE:COL`
     * (no site table, no location strings in flash), then runtime-c ends it as any panic.
     */
    void panic(List<PrintItem> message, mote.diag.Span span, Function<mote.mir.Operand, LLVMValueRef> operand,
               Consumer<List<PrintItem>> asText) {
        cg.callRuntime("mote_panic_begin");
        List<PrintItem> items = new ArrayList<>(message);
        items.add(new PrintItem.Text((" at " + span.programLocation()).getBytes(StandardCharsets.UTF_8)));
        emit(items, operand, asText);
        cg.callRuntime("mote_panic_end_interned");
    }

    /** The section's bytes: JSON, an array of formats, each an array of strings (text) and one-letter objects (values). */
    static String json(List<Format> formats) {
        StringBuilder sb = new StringBuilder("[");
        for (int f = 0; f < formats.size(); f++) {
            if (f > 0) sb.append(',');
            sb.append('[');
            List<Object> parts = formats.get(f).parts();
            for (int i = 0; i < parts.size(); i++) {
                if (i > 0) sb.append(',');
                if (parts.get(i) instanceof String s) sb.append(quote(s));
                else sb.append("{\"v\":\"").append(parts.get(i)).append("\"}");
            }
            sb.append(']');
        }
        return sb.append(']').toString();
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        return sb.append('"').toString();
    }
}

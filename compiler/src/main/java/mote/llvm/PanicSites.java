package mote.llvm;

import static org.bytedeco.llvm.global.LLVM.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import mote.diag.Span;
import org.bytedeco.llvm.LLVM.LLVMTypeRef;
import org.bytedeco.llvm.LLVM.LLVMValueRef;

/**
 * Where each panic of the program is, as a table rather than a `file:line:col` string per
 * site: a panic passes the index of its site, and runtime-c prints the location from
 * `mote_panic_sites` (line, column and file index per site) and `mote_panic_files` (each
 * source file's path once). A site is one packed word when every site fits one (line below
 * 2^17, column below 2^9, file index below 2^6: `mote_panic_sites_packed` says so), else 8
 * bytes; either way less than a 20-30 byte string, and its call passes one small number
 * instead of a pointer and a length.
 */
final class PanicSites {
    private final LlvmCodegen cg;
    /** A panic's place: line, column, file index, and the `path:line:column` string its string form prints. */
    private record Site(int line, int column, int file, byte[] location) {}

    /** `path:line:column` -> index: a location that panics twice (two checks in one expression) is one site. */
    private final Map<String, Integer> sites = new LinkedHashMap<>();
    private final List<Site> entries = new ArrayList<>();
    private final Map<String, Integer> files = new LinkedHashMap<>();

    PanicSites(LlvmCodegen cg) {
        this.cg = cg;
    }

    /** The index of {@code span}'s site, as the i32 a panic call passes. */
    LLVMValueRef site(Span span) {
        int file = files.computeIfAbsent(span.file().programPath(), p -> files.size());
        String location = span.programLocation();
        int index = sites.computeIfAbsent(location, k -> {
            entries.add(new Site(span.line(), span.column(), file, location.getBytes(StandardCharsets.UTF_8)));
            return entries.size() - 1;
        });
        return cg.constInt(cg.i32, index);
    }

    /**
     * The two tables, when the program has a panic site (runtime-c's mote_panic_end reads
     * them; without sites nothing does, and they are not emitted).
     */
    void emit() {
        if (entries.isEmpty()) return;
        if (!tableIsSmaller()) {
            useLocationStrings();
            return;
        }
        LLVMValueRef[] rows = new LLVMValueRef[entries.size()];
        boolean packed = packs();
        if (packed) {
            for (int i = 0; i < rows.length; i++) rows[i] = cg.constInt(cg.i32, packed(entries.get(i)));
            constant("mote_panic_sites", LLVMConstArray(cg.i32, LlvmCodegen.values(rows), rows.length));
        } else {
            LLVMTypeRef siteType = LLVMStructTypeInContext(cg.ctx, new org.bytedeco.javacpp.PointerPointer<>(cg.i32, i16(), i16()), 3, 0);
            for (int i = 0; i < rows.length; i++) {
                Site e = entries.get(i);
                // A column past 65535 is shown as 65535: no source line is that wide in practice.
                rows[i] = LLVMConstNamedStruct(siteType, LlvmCodegen.values(cg.constInt(cg.i32, e.line()),
                        cg.constInt(i16(), Math.min(e.column(), 0xFFFF)), cg.constInt(i16(), e.file())), 3);
            }
            constant("mote_panic_sites", LLVMConstArray(siteType, LlvmCodegen.values(rows), rows.length));
        }
        constant("mote_panic_sites_packed", cg.constInt(LLVMInt8TypeInContext(cg.ctx), packed ? 1 : 0));
        // Each file's path as a C string (runtime-c's struct mote_panic_file).
        LLVMValueRef[] names = new LLVMValueRef[files.size()];
        int i = 0;
        for (String path : files.keySet())
            names[i++] = cg.stringConstant(PrintEmitter.nulTerminated(path.getBytes(StandardCharsets.UTF_8)));
        constant("mote_panic_files", LLVMConstArray(cg.ptr, LlvmCodegen.values(names), names.length));
    }

    /**
     * A few panic sites cost less as strings: the table needs the code that prints a line and
     * a column (and the decimal conversion, if the program prints no number of its own).
     * Estimated in bytes of flash: a site is 8 bytes of table or its string plus what passing
     * it costs (the pointer's literal, the terminator); the fixed parts were measured on
     * lm3s6965evb.
     */
    private boolean tableIsSmaller() {
        int strings = 0;
        for (Site e : entries) strings += e.location().length + STRING_ARGUMENT;
        // A site counts as the wide form's 8 bytes even when packed: the sites are counted
        // before optimisation, which removes many (a program with three may keep one), and
        // the margin keeps such programs on strings, where a table would cost more.
        int table = SITE_BYTES * entries.size() + PRINT_LOCATION_CODE + (printsNumbers() ? 0 : DECIMAL_CONVERSION);
        for (String path : files.keySet()) table += path.getBytes(StandardCharsets.UTF_8).length + FILE_BYTES;
        return table < strings;
    }

    static final int SITE_BYTES = 8, FILE_BYTES = 5, STRING_ARGUMENT = 4, PRINT_LOCATION_CODE = 40, DECIMAL_CONVERSION = 90;

    /** The packed site word's fields, low bits first (runtime-c's panic.c unpacks the same). */
    static final int LINE_BITS = 17, COLUMN_BITS = 9, FILE_BITS = 6;

    /** Whether every site fits one word. */
    boolean packs() {
        for (Site e : entries)
            if (e.line() >= 1 << LINE_BITS || e.column() >= 1 << COLUMN_BITS || e.file() >= 1 << FILE_BITS) return false;
        return true;
    }

    static int packed(Site e) {
        return e.line() | e.column() << LINE_BITS | e.file() << (LINE_BITS + COLUMN_BITS);
    }

    private boolean printsNumbers() {
        return LlvmCodegen.isUsed(LLVMGetNamedFunction(cg.module, "mote_print_u32"))
                || LlvmCodegen.isUsed(LLVMGetNamedFunction(cg.module, "mote_print_i32"));
    }

    /** Turns every `..._at(..., site)` call into the string form `...(..., location)`, the location a C string. */
    private void useLocationStrings() {
        String[][] forms = {{"mote_panic_at", "mote_panic"}, {"mote_panic_bounds_at", "mote_panic_bounds"}, {"mote_panic_end_at", "mote_panic_end"}};
        for (String[] form : forms) {
            LLVMValueRef from = LLVMGetNamedFunction(cg.module, form[0]);
            if (!LlvmCodegen.isUsed(from)) continue;
            for (LLVMValueRef call : LlvmCodegen.users(from)) {
                int n = LLVMGetNumArgOperands(call);
                List<LLVMValueRef> args = new ArrayList<>();
                for (int i = 0; i < n - 1; i++) args.add(LLVMGetArgOperand(call, i));
                int site = (int) LLVMConstIntGetZExtValue(LLVMGetArgOperand(call, n - 1));
                byte[] loc = entries.get(site).location();
                args.add(cg.stringConstant(PrintEmitter.nulTerminated(loc)));
                LLVMPositionBuilderBefore(cg.builder, call);
                LLVMValueRef replacement = cg.callRuntime(form[1], args.toArray(LLVMValueRef[]::new));
                var debugLoc = LLVMInstructionGetDebugLoc(call);
                if (debugLoc != null && !debugLoc.isNull()) LLVMInstructionSetDebugLoc(replacement, debugLoc);
                LLVMInstructionEraseFromParent(call);
            }
        }
    }

    private LLVMTypeRef i16() { return LLVMInt16TypeInContext(cg.ctx); }

    private void constant(String name, LLVMValueRef init) {
        LLVMValueRef g = LLVMAddGlobal(cg.module, LLVMTypeOf(init), name);
        LLVMSetInitializer(g, init);
        LLVMSetGlobalConstant(g, 1);
        LlvmCodegen.naturalAlignment(g);
    }
}

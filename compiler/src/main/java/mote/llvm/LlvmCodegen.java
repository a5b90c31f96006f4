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
 * MIR + state machines -> one LLVM module, through the LLVM C API.
 *
 * Sync fns become plain functions. Each async fn F becomes `F.init(self, args..)`, which
 * stores the arguments and the Unresumed discriminant, and `F.poll(self, out) -> i1`, which
 * switches on the discriminant, restores the saved locals of the state it resumes, runs the
 * body until the next suspension, saves the locals that state keeps, and returns 0 (Pending)
 * or writes the result to `out` and returns 1 (Ready). Offsets come from the
 * {@link StateMachine}, never from LLVM, so the layout (and the size report) is exactly ours.
 * Every symbol except the runtime entry points is internal: LLVM sees the whole program.
 * Mote items have mangled linkage names ({@link SymbolNames}), debug info the readable ones.
 *
 * Aggregates (structs, arrays, slices) are `[N x i8]` in memory at our own offsets and are
 * copied with memcpy; they are passed by pointer (the callee copies), returned through a
 * hidden first pointer (sync) or the poll's `out`. Locals pinned by async lowering (borrowed
 * ones) are addressed inside the state object instead of an alloca. Registers are volatile
 * accesses; `critical` is inline PRIMASK save/restore; `--debug` adds DWARF line tables.
 */
public final class LlvmCodegen implements AutoCloseable {
    private final LLVMContextRef ctx;
    private final LLVMModuleRef module;
    private final LLVMBuilderRef builder;
    private final LLVMTypeRef i1, i8, i32, i64, ptr, voidType;
    private final Map<String, LLVMValueRef> syncFns = new HashMap<>();
    private final Map<String, LLVMValueRef> polls = new HashMap<>();
    private final Map<String, LLVMValueRef> inits = new HashMap<>();
    private final Map<String, LLVMValueRef> statics = new HashMap<>();
    private final Map<String, LLVMValueRef> strings = new HashMap<>();
    private final Map<String, LLVMValueRef> runtime = new HashMap<>();
    private final Map<String, LLVMTypeRef> runtimeTypes = new HashMap<>();
    private boolean moduleTaken;
    /** Set by {@link #enableDebugInfo()}: DWARF line tables for `--debug` builds. */
    private org.bytedeco.llvm.LLVM.LLVMDIBuilderRef di;
    private org.bytedeco.llvm.LLVM.LLVMMetadataRef compileUnit;
    private final Map<mote.diag.SourceFile, org.bytedeco.llvm.LLVM.LLVMMetadataRef> diFiles = new java.util.IdentityHashMap<>();

    public LlvmCodegen(String moduleName) {
        ctx = LLVMContextCreate();
        module = LLVMModuleCreateWithNameInContext(moduleName, ctx);
        builder = LLVMCreateBuilderInContext(ctx);
        i1 = LLVMInt1TypeInContext(ctx);
        i8 = LLVMInt8TypeInContext(ctx);
        i32 = LLVMInt32TypeInContext(ctx);
        i64 = LLVMInt64TypeInContext(ctx);
        ptr = LLVMPointerTypeInContext(ctx, 0);
        voidType = LLVMVoidTypeInContext(ctx);
        taskEntryType = LLVMStructTypeInContext(ctx, new PointerPointer<>(new LLVMTypeRef[] {ptr, ptr}), 2, 0);
        declareRuntime();
    }

    public LLVMModuleRef module() { return module; }

    private Map<String, Integer> irqNumbers = Map.of();

    /**
     * The board's interrupt numbers: the handler of `interrupt NAME()` (MIR fn `irq.NAME`) is
     * emitted as the strong symbol `mote_irq_<n>` runtime-c's vector table calls.
     */
    public void interruptNumbers(Map<String, Integer> irqs) { irqNumbers = Map.copyOf(irqs); }

    /**
     * Emit DWARF line information: a compile unit for the program, a subprogram per function,
     * and a location for every MIR {@code Line} statement (which debug builds emit per source
     * statement). Call before {@link #generate}.
     */
    public void enableDebugInfo() {
        di = LLVMCreateDIBuilder(module);
        LLVMAddModuleFlag(module, LLVMModuleFlagBehaviorWarning, "Debug Info Version", 18, LLVMValueAsMetadata(constInt(i32, 3)));
        LLVMAddModuleFlag(module, LLVMModuleFlagBehaviorWarning, "Dwarf Version", 13, LLVMValueAsMetadata(constInt(i32, 4)));
    }

    private org.bytedeco.llvm.LLVM.LLVMMetadataRef diFile(mote.diag.SourceFile f) {
        return diFiles.computeIfAbsent(f, k -> {
            // Relative to the program's root, with no directory: the same bytes from any
            // working directory (a debugger finds the file when run from the program's folder).
            String name = k.programPath(), dir = "";
            return LLVMDIBuilderCreateFile(di, name, name.getBytes(StandardCharsets.UTF_8).length, dir, dir.getBytes(StandardCharsets.UTF_8).length);
        });
    }

    private void createCompileUnit(MirProgram program) {
        MirFn first = program.mainFunction() != null ? program.function(program.mainFunction()) : program.functions().isEmpty() ? null : program.functions().get(0);
        mote.diag.SourceFile file = first != null ? first.span().file() : mote.diag.SourceFile.of("program.mote", "");
        String producer = "mote 0.1.0";
        compileUnit = LLVMDIBuilderCreateCompileUnit(di, LLVMDWARFSourceLanguageC, diFile(file), producer, producer.length(), 1,
                "", 0, 0, "", 0, LLVMDWARFEmissionLineTablesOnly, 0, 0, 0, "", 0, "", 0);
    }

    /** A subprogram for {@code fn}'s LLVM function, and the builder's location at its first line. */
    private org.bytedeco.llvm.LLVM.LLVMMetadataRef subprogram(MirFn fn, LLVMValueRef llvmFn) {
        return subprogram(fn.name(), fn.span(), llvmFn);
    }

    private org.bytedeco.llvm.LLVM.LLVMMetadataRef subprogram(String name, Span span, LLVMValueRef llvmFn) {
        mote.diag.SourceFile file = span.file();
        org.bytedeco.llvm.LLVM.LLVMMetadataRef f = diFile(file);
        org.bytedeco.llvm.LLVM.LLVMMetadataRef type = LLVMDIBuilderCreateSubroutineType(di, f, new PointerPointer<org.bytedeco.llvm.LLVM.LLVMMetadataRef>(0), 0, LLVMDIFlagZero);
        String linkage = LLVMGetValueName(llvmFn).getString();
        int line = span.line();
        org.bytedeco.llvm.LLVM.LLVMMetadataRef sp = LLVMDIBuilderCreateFunction(di, f, name, name.getBytes(StandardCharsets.UTF_8).length,
                linkage, linkage.getBytes(StandardCharsets.UTF_8).length, f, line, type, 1, 1, line, LLVMDIFlagZero, 1);
        LLVMSetSubprogram(llvmFn, sp);
        LLVMSetCurrentDebugLocation2(builder, LLVMDIBuilderCreateDebugLocation(ctx, line, span.column(), sp, null));
        return sp;
    }
    public LLVMContextRef context() { return ctx; }

    // ---------------------------------------------------------------- runtime declarations

    private void declareRuntime() {
        runtimeFn("mote_print_str", voidType, false, ptr, i32);
        runtimeFn("mote_print_i64", voidType, false, i64);
        runtimeFn("mote_print_u64", voidType, false, i64);
        runtimeFn("mote_print_hex", voidType, false, i64);
        runtimeFn("mote_print_bool", voidType, false, i32);
        runtimeFn("mote_exit", voidType, true, i32);
        runtimeFn("mote_panic_begin", voidType, false);
        runtimeFn("mote_panic_end", voidType, true, ptr, i32);
        runtimeFn("mote_panic", voidType, true, ptr, i32, ptr, i32);
        runtimeFn("mote_panic_bounds", voidType, true, i32, i32, ptr, i32);
        runtimeFn("mote_wake_current", voidType, false);
        runtimeFn("mote_task_claim", i32, false, i32, i32);
        runtimeFn("mote_sleep_us", i1, false, ptr, i64);
        runtimeFn("mote_ticks_us", i64, false);
        runtimeFn("mote_channel_send", i1, false, ptr, ptr, ptr, i32);
        runtimeFn("mote_channel_recv", i1, false, ptr, ptr, ptr, i32);
        runtimeFn("mote_channel_try_send", i1, false, ptr, ptr, i32);
        runtimeFn("mote_channel_try_recv", i1, false, ptr, ptr, i32);
        runtimeFn("mote_signal_raise", voidType, false, ptr, ptr, i32);
        runtimeFn("mote_timer_cancel", voidType, false, ptr);
        runtimeFn("mote_channel_cancel", voidType, false, ptr, ptr, i32);
    }

    private void runtimeFn(String name, LLVMTypeRef ret, boolean noreturn, LLVMTypeRef... params) {
        LLVMTypeRef type = fnType(ret, params);
        LLVMValueRef f = LLVMAddFunction(module, name, type);
        addFnAttr(f, "nounwind");
        if (noreturn) addFnAttr(f, "noreturn");
        runtime.put(name, f);
        runtimeTypes.put(name, type);
    }

    /**
     * An array argument for the C API. (Never `new PointerPointer<>(oneValue)`: with a single
     * argument Java picks javacpp's cast constructor, which does not build an array.)
     */
    private static PointerPointer<LLVMValueRef> values(LLVMValueRef... values) {
        return new PointerPointer<>(values);
    }

    private LLVMTypeRef fnType(LLVMTypeRef ret, LLVMTypeRef... params) {
        return LLVMFunctionType(ret, new PointerPointer<>(params), params.length, 0);
    }

    private void addFnAttr(LLVMValueRef f, String name) {
        int kind = LLVMGetEnumAttributeKindForName(name, name.length());
        LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(ctx, kind, 0));
    }

    private LLVMValueRef callRuntime(String name, LLVMValueRef... args) {
        return LLVMBuildCall2(builder, runtimeTypes.get(name), runtime.get(name), new PointerPointer<>(args), args.length, "");
    }

    // ---------------------------------------------------------------- types and constants

    /**
     * Scalars are LLVM integers (enums as their discriminant type), references pointers;
     * aggregates (arrays, structs, slices) are byte arrays of {@link Type#size()} bytes whose
     * fields sit at our own offsets, so every layout is the one the checker computed.
     */
    private LLVMTypeRef llvmType(Type t) {
        if (t instanceof Type.Int it) return LLVMIntTypeInContext(ctx, it.bits());
        if (t instanceof Type.Bool) return i1;
        if (t instanceof Type.Enum e) return LLVMIntTypeInContext(ctx, e.repr().bits());
        if (t instanceof Type.Ref) return ptr;
        if (Type.isAggregate(t)) return LLVMArrayType(i8, t.size());
        throw new IllegalStateException("no LLVM type for " + t);
    }

    /** The type of memory holding a {@code t}: a zero-sized one (`()`) is an empty byte array. */
    private LLVMTypeRef storageType(Type t) {
        return hasStorage(t) ? llvmType(t) : LLVMArrayType(i8, 0);
    }

    /** How a value of type {@code t} is passed to or returned from a function: aggregates by pointer. */
    private LLVMTypeRef paramType(Type t) {
        return Type.isAggregate(t) ? ptr : llvmType(t);
    }

    /** A channel's element size and capacity, passed with every runtime call (docs/runtime-abi.md). */
    private LLVMValueRef shape(Type.Channel ch) {
        return constInt(i32, ch.shape());
    }

    /** Side-effecting inline assembly (critical sections: see docs/runtime-abi.md). */
    private LLVMValueRef inlineAsm(LLVMTypeRef type, String code, String constraints) {
        byte[] c = code.getBytes(StandardCharsets.UTF_8), k = constraints.getBytes(StandardCharsets.UTF_8);
        return LLVMGetInlineAsm(type, new BytePointer(code), c.length, new BytePointer(constraints), k.length, 1, 0, LLVMInlineAsmDialectATT, 0);
    }

    private void copyBytes(LLVMValueRef dst, LLVMValueRef src, Type t) {
        if (t.size() == 0) return;
        LLVMBuildMemCpy(builder, dst, t.align(), src, t.align(), constInt(i32, t.size()));
    }

    private static boolean hasStorage(Type t) {
        return !(t instanceof Type.Unit || t instanceof Type.Never);
    }

    private LLVMValueRef constInt(LLVMTypeRef type, long v) { return LLVMConstInt(type, v, 0); }

    private LLVMValueRef offsetPtr(LLVMValueRef base, int offset) {
        if (offset == 0) return base;
        return LLVMBuildInBoundsGEP2(builder, i8, base, values(constInt(i32, offset)), 1, "");
    }

    /**
     * An aggregate static's initial value when slices in it point at string literals: its
     * bytes, cut at each such pointer, which becomes the string constant's address (a packed
     * struct of the same size and layout).
     */
    private LLVMValueRef imageWithStrings(MirProgram.Global g) {
        byte[] image = g.image();
        List<LLVMValueRef> parts = new java.util.ArrayList<>();
        int at = 0;
        for (var s : g.strings().entrySet()) {
            int offset = s.getKey();
            if (offset > at) parts.add(LLVMConstStringInContext(ctx, new BytePointer(java.util.Arrays.copyOfRange(image, at, offset)), offset - at, 1));
            parts.add(stringConstant(s.getValue()));
            at = offset + 4;   // a pointer on a 32-bit core
        }
        if (image.length > at) parts.add(LLVMConstStringInContext(ctx, new BytePointer(java.util.Arrays.copyOfRange(image, at, image.length)), image.length - at, 1));
        return LLVMConstStructInContext(ctx, values(parts.toArray(LLVMValueRef[]::new)), parts.size(), 1);
    }

    /** A private constant holding {@code bytes}; identical strings share one global. */
    private LLVMValueRef stringConstant(byte[] bytes) {
        String key = new String(bytes, StandardCharsets.ISO_8859_1);
        return strings.computeIfAbsent(key, k -> {
            LLVMValueRef init = LLVMConstStringInContext(ctx, new BytePointer(bytes), bytes.length, 1);
            LLVMValueRef g = LLVMAddGlobal(module, LLVMArrayType(i8, bytes.length), ".str");
            LLVMSetInitializer(g, init);
            LLVMSetLinkage(g, LLVMPrivateLinkage);
            LLVMSetGlobalConstant(g, 1);
            LLVMSetUnnamedAddr(g, 1);
            LLVMSetAlignment(g, 1);
            return g;
        });
    }

    // ---------------------------------------------------------------- whole program

    private Map<String, StateMachine> callees = Map.of();

    public void generate(MirProgram program, Map<String, StateMachine> machines) {
        generate(program, machines, true);
    }

    /** {@code panicAbort}: `--panic=abort` (else `--panic=task` selects runtime-c's catching poll). */
    public void generate(MirProgram program, Map<String, StateMachine> machines, boolean panicAbort) {
        this.callees = machines;
        this.program = program;
        declareTaskTable(program, machines);
        if (di != null) createCompileUnit(program);
        for (MirProgram.Global g : program.globals()) {
            LLVMValueRef withStrings = g.strings().isEmpty() ? null : imageWithStrings(g);
            LLVMValueRef v = LLVMAddGlobal(module, withStrings != null ? LLVMTypeOf(withStrings) : storageType(g.type()), SymbolNames.mangle(g.name()));
            if (withStrings != null) {
                LLVMSetInitializer(v, withStrings);
            } else if (Type.isAggregate(g.type())) {
                byte[] image = g.image() != null ? g.image() : new byte[g.type().size()];
                LLVMSetInitializer(v, LLVMConstStringInContext(ctx, new BytePointer(image), image.length, 1));
            } else if (g.type() instanceof Type.Ref || !hasStorage(g.type())) {
                LLVMSetInitializer(v, LLVMConstNull(LLVMGlobalGetValueType(v)));
            } else {
                LLVMSetInitializer(v, constInt(llvmType(g.type()), g.initialValue()));
            }
            LLVMSetAlignment(v, Math.max(1, g.type().align()));
            LLVMSetLinkage(v, LLVMInternalLinkage);
            // A channel changes through its methods although the static is not `mut`: it lives in
            // RAM, and starts empty, all zero bytes (.bss).
            if (!g.mutable() && !Type.containsChannel(g.type())) LLVMSetGlobalConstant(v, 1);
            statics.put(g.name(), v);
        }
        // Declare first: functions call each other in any order.
        for (MirFn f : program.functions()) {
            if (f.isAsync()) {
                // poll(self, out, start, args...): `start` and the arguments matter only to an
                // eager-start machine, whose first poll runs the body from its parameters.
                List<Local> params = storedParams(f);
                LLVMTypeRef[] pollParams = new LLVMTypeRef[3 + params.size()];
                pollParams[0] = ptr;
                pollParams[1] = ptr;
                pollParams[2] = i1;
                LLVMTypeRef[] initParams = new LLVMTypeRef[1 + params.size()];
                initParams[0] = ptr;
                for (int i = 0; i < params.size(); i++) {
                    initParams[i + 1] = paramType(f.typeOf(params.get(i)));
                    pollParams[i + 3] = initParams[i + 1];
                }
                if (!machines.get(f.name()).eagerStart())
                    inits.put(f.name(), internalFn(SymbolNames.mangle(f.name(), "init"), fnType(voidType, initParams)));
                polls.put(f.name(), internalFn(SymbolNames.mangle(f.name(), "poll"), fnType(i1, pollParams)));
            } else {
                // An aggregate result is written through a hidden first parameter (sret).
                List<Local> params = storedParams(f);
                int sret = Type.isAggregate(f.returnType()) ? 1 : 0;
                LLVMTypeRef[] ps = new LLVMTypeRef[params.size() + sret];
                if (sret == 1) ps[0] = ptr;
                for (int i = 0; i < params.size(); i++) ps[i + sret] = paramType(f.typeOf(params.get(i)));
                LLVMTypeRef ret = hasStorage(f.returnType()) && sret == 0 ? llvmType(f.returnType()) : voidType;
                Integer irq = f.interrupt() != null ? irqNumbers.get(f.interrupt()) : null;
                if (irq != null) {
                    LLVMValueRef handler = LLVMAddFunction(module, "mote_irq_" + irq, fnType(ret, ps));
                    addFnAttr(handler, "nounwind");
                    syncFns.put(f.name(), handler);
                } else {
                    syncFns.put(f.name(), internalFn(SymbolNames.mangle(f.name()), fnType(ret, ps)));
                }
            }
        }
        for (MirFn f : program.functions()) {
            if (f.isAsync()) {
                StateMachine m = machines.get(f.name());
                if (!m.eagerStart()) emitInit(f, m);
                new BodyEmitter(f, m).emit(polls.get(f.name()));
            } else {
                new BodyEmitter(f, null).emit(syncFns.get(f.name()));
            }
        }
        if (di != null) LLVMSetCurrentDebugLocation2(builder, null);
        if (program.mainFunction() != null) emitTaskTable(program, machines, panicAbort);
        if (di != null) LLVMDIBuilderFinalize(di);
    }

    private LLVMValueRef internalFn(String name, LLVMTypeRef type) {
        LLVMValueRef f = LLVMAddFunction(module, name, type);
        LLVMSetLinkage(f, LLVMInternalLinkage);
        addFnAttr(f, "nounwind");
        return f;
    }

    private static List<Local> storedParams(MirFn f) {
        return f.params().stream().filter(p -> hasStorage(f.typeOf(p))).toList();
    }

    private void emitInit(MirFn f, StateMachine m) {
        if (di != null) LLVMSetCurrentDebugLocation2(builder, null);   // no subprogram: no locations
        LLVMValueRef fn = inits.get(f.name());
        LLVMPositionBuilderAtEnd(builder, LLVMAppendBasicBlockInContext(ctx, fn, "entry"));
        LLVMValueRef self = LLVMGetParam(fn, 0);
        StateMachine.State unresumed = m.stateOf(StateMachine.Kind.UNRESUMED);
        List<Local> params = storedParams(f);
        for (int i = 0; i < params.size(); i++) {
            StateMachine.Slot slot = m.slot(unresumed, params.get(i));
            if (Type.isAggregate(slot.type())) copyBytes(offsetPtr(self, slot.offset()), LLVMGetParam(fn, i + 1), slot.type());
            else LLVMBuildStore(builder, LLVMGetParam(fn, i + 1), offsetPtr(self, slot.offset()));
        }
        storeTag(self, m, unresumed.index());
        LLVMBuildRetVoid(builder);
    }

    private void storeTag(LLVMValueRef self, StateMachine m, int state) {
        LLVMBuildStore(builder, constInt(LLVMIntTypeInContext(ctx, m.tagSize() * 8), state), offsetPtr(self, m.tagOffset()));
    }

    private final Map<String, LLVMValueRef> cancels = new HashMap<>();
    private MirProgram program;

    /**
     * Emits, where the builder is, what abandons the pending future of {@code callee} at
     * {@code child}: a sleep leaves the timer queue, a send/recv/wait leaves its channel's
     * waiter list, an async fn's future cancels whatever it waits on itself.
     */
    private void emitCancel(Callee callee, LLVMValueRef child) {
        if (callee == Callee.Builtin.SLEEP_MS || callee == Callee.Builtin.SLEEP_US) {
            callRuntime("mote_timer_cancel", child);
        } else if (callee instanceof Callee.Channel) {
            LLVMValueRef channel = LLVMBuildLoad2(builder, ptr, offsetPtr(child, Callee.Channel.CHANNEL_PTR), "channel");
            callRuntime("mote_channel_cancel", channel, child, shape(((Callee.Channel) callee).channel()));
        } else if (callee instanceof Callee.Function f) {
            // ready-fold made a never-suspending fn a plain call: it never waits, nothing to cancel.
            if (!callees.containsKey(f.name())) return;
            LLVMValueRef cancel = cancelFn(f.name());
            LLVMBuildCall2(builder, LLVMGlobalGetValueType(cancel), cancel, values(child), 1, "");
        } else if (callee != Callee.Builtin.YIELD_NOW) {   // yield_now registers nothing
            throw new IllegalStateException("unhandled callee " + callee);
        }
    }

    /**
     * `F.cancel(self)`: cancels what F's future waits on in the state it is in: its awaitee,
     * or, suspended in a `join`/`race`, every child that is still waiting.
     */
    private LLVMValueRef cancelFn(String name) {
        LLVMValueRef existing = cancels.get(name);
        if (existing != null) return existing;
        StateMachine m = callees.get(name);
        LLVMValueRef f = internalFn(SymbolNames.mangle(name, "cancel"), fnType(voidType, ptr));
        cancels.put(name, f);
        LLVMBasicBlockRef resumeAt = LLVMGetInsertBlock(builder);
        LLVMMetadataRef loc = LLVMGetCurrentDebugLocation2(builder);
        LLVMSetCurrentDebugLocation2(builder, null);
        LLVMValueRef self = LLVMGetParam(f, 0);
        LLVMPositionBuilderAtEnd(builder, LLVMAppendBasicBlockInContext(ctx, f, "entry"));
        LLVMTypeRef tagType = LLVMIntTypeInContext(ctx, m.tagSize() * 8);
        LLVMValueRef tag = LLVMBuildLoad2(builder, tagType, offsetPtr(self, m.tagOffset()), "state");
        LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(ctx, f, "done");
        LLVMValueRef sw = LLVMBuildSwitch(builder, tag, done, m.states().size());
        for (StateMachine.State st : m.states()) {
            if (st.awaitee() == null && st.children().isEmpty()) continue;
            LLVMBasicBlockRef arm = LLVMAppendBasicBlockInContext(ctx, f, st.name().toLowerCase());
            LLVMAddCase(sw, constInt(tagType, st.index()), arm);
            LLVMPositionBuilderAtEnd(builder, arm);
            if (st.awaitee() != null) emitCancel(st.awaitee().callee(), offsetPtr(self, st.awaitee().offset()));
            else cancelWaitingChildren(f, self, m, st, (Terminator.Suspend) program.function(name).block(st.awaitBlock()).terminator());
            LLVMBuildBr(builder, done);
        }
        LLVMPositionBuilderAtEnd(builder, done);
        LLVMBuildRetVoid(builder);
        if (resumeAt != null && !resumeAt.isNull()) LLVMPositionBuilderAtEnd(builder, resumeAt);
        LLVMSetCurrentDebugLocation2(builder, loc);
        return f;
    }

    /** In F.cancel, for state {@code st} (a `join`/`race` suspension): cancels each child still waiting. */
    private void cancelWaitingChildren(LLVMValueRef f, LLVMValueRef self, StateMachine m, StateMachine.State st, Terminator.Suspend su) {
        for (Terminator.ChildWait w : su.waits()) {
            // A branch without awaits never waits; a nested join/race's children are listed themselves.
            if (w.sites().stream().allMatch(java.util.Objects::isNull)) continue;
            StateMachine.Child child = st.children().stream().filter(c -> c.id() == w.child()).findFirst().orElseThrow();
            LLVMValueRef started = savedValue(self, m, st, w.started()), done = savedValue(self, m, st, w.done());
            LLVMValueRef waiting = LLVMBuildAnd(builder, started, LLVMBuildNot(builder, done, ""), "waiting");
            LLVMBasicBlockRef cancel = LLVMAppendBasicBlockInContext(ctx, f, "cancel.child" + w.child());
            LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(ctx, f, "after.child" + w.child());
            LLVMBuildCondBr(builder, waiting, cancel, next);
            LLVMPositionBuilderAtEnd(builder, cancel);
            LLVMValueRef pc = savedValue(self, m, st, w.pc());
            LLVMValueRef sw = LLVMBuildSwitch(builder, pc, next, w.sites().size());
            for (int k = 0; k < w.sites().size(); k++) {
                if (w.sites().get(k) == null) continue;
                LLVMBasicBlockRef site = LLVMAppendBasicBlockInContext(ctx, f, "cancel.child" + w.child() + ".site" + k);
                LLVMAddCase(sw, LLVMConstInt(LLVMTypeOf(pc), k, 0), site);
                LLVMPositionBuilderAtEnd(builder, site);
                emitCancel(w.sites().get(k), offsetPtr(self, child.offset()));
                LLVMBuildBr(builder, next);
            }
            LLVMPositionBuilderAtEnd(builder, next);
        }
    }

    /** A scalar local saved in state {@code st}, read from the state object. */
    private LLVMValueRef savedValue(LLVMValueRef self, StateMachine m, StateMachine.State st, Local local) {
        StateMachine.Slot slot = m.slot(st, local);
        if (slot == null) throw new IllegalStateException(m.function() + " " + st.name() + " does not save " + local);
        return LLVMBuildLoad2(builder, llvmType(slot.type()), offsetPtr(self, slot.offset()), "");
    }

    /** Slot range {first, count} of each task in the task table: main is slot 0. */
    private final Map<String, int[]> taskSlots = new HashMap<>();
    private final LLVMTypeRef taskEntryType;
    private LLVMValueRef taskTable;

    /** Each task's state objects, one per instance of its pool. */
    private final Map<String, LLVMValueRef[]> taskStates = new HashMap<>();

    /**
     * Lays out the task table and the state objects (declared before bodies: `spawn` indexes
     * the table, or names the state object directly when the pool has one instance).
     */
    private void declareTaskTable(MirProgram program, Map<String, StateMachine> machines) {
        int next = 0;
        if (program.mainFunction() != null) taskSlots.put(program.mainFunction(), new int[] {next++, 1});
        for (MirProgram.Task t : program.tasks()) {
            taskSlots.put(t.function(), new int[] {next, t.poolSize()});
            next += t.poolSize();
        }
        taskTable = LLVMAddGlobal(module, LLVMArrayType(taskEntryType, next), "mote_tasks");
        for (var e : taskSlots.entrySet()) {
            StateMachine m = machines.get(e.getKey());
            if (m == null) continue;
            LLVMValueRef[] states = new LLVMValueRef[e.getValue()[1]];
            for (int i = 0; i < states.length; i++) {
                // Externally visible on purpose: an internal global would be split by LLVM's
                // GlobalOpt into one global per field (larger code), and the state in memory
                // would no longer be the layout `mote explain` reports.
                String name = SymbolNames.mangle(e.getKey(), "state") + (states.length > 1 ? "." + i : "");
                LLVMTypeRef bytes = LLVMArrayType(i8, Math.max(1, m.size()));
                states[i] = LLVMAddGlobal(module, bytes, name);
                LLVMSetInitializer(states[i], LLVMConstNull(bytes));
                LLVMSetAlignment(states[i], Math.max(m.align(), 4));
            }
            taskStates.put(e.getKey(), states);
        }
    }

    /**
     * The executor ABI (docs/runtime-abi.md): one state object per task instance, a poll
     * wrapper per task, the table `mote_tasks` {poll, state} with main in slot 0, and the
     * status and ready arrays the runtime writes. A state object starts zeroed: Unresumed.
     */
    private void emitTaskTable(MirProgram program, Map<String, StateMachine> machines, boolean panicAbort) {
        int count = 0;
        for (int[] r : taskSlots.values()) count = Math.max(count, r[0] + r[1]);
        LLVMValueRef[] entries = new LLVMValueRef[count];
        for (var e : taskSlots.entrySet()) {
            MirFn task = program.function(e.getKey());
            StateMachine m = machines.get(e.getKey());
            LLVMValueRef poll = taskPoll(task, m, e.getKey().equals(program.mainFunction()));
            LLVMValueRef[] states = taskStates.get(e.getKey());
            for (int i = 0; i < states.length; i++)
                entries[e.getValue()[0] + i] = LLVMConstNamedStruct(taskEntryType, values(poll, states[i]), 2);
        }
        LLVMSetInitializer(taskTable, LLVMConstArray(taskEntryType, values(entries), count));
        LLVMSetGlobalConstant(taskTable, 1);
        LLVMValueRef status = LLVMAddGlobal(module, LLVMArrayType(i8, count), "mote_task_status");
        LLVMSetInitializer(status, LLVMConstNull(LLVMArrayType(i8, count)));
        LLVMValueRef ready = LLVMAddGlobal(module, LLVMArrayType(i32, (count + 31) / 32), "mote_task_ready");
        LLVMSetInitializer(ready, LLVMConstNull(LLVMArrayType(i32, (count + 31) / 32)));
        LLVMValueRef n = LLVMAddGlobal(module, i32, "mote_task_count");
        LLVMSetInitializer(n, constInt(i32, count));
        LLVMSetGlobalConstant(n, 1);
        if (!panicAbort) {
            // --panic=task: selects runtime-c's panic-catching poll at link time.
            LLVMTypeRef pollerType = fnType(i1, i32);
            LLVMValueRef catching = LLVMAddFunction(module, "mote_poll_catching", pollerType);
            LLVMValueRef poller = LLVMAddGlobal(module, ptr, "mote_task_poller");
            LLVMSetInitializer(poller, catching);
            LLVMSetGlobalConstant(poller, 1);
        }
    }

    /**
     * Calls `fn.poll(self, out, start, args...)`; without {@code startArgs} (every poll but an
     * eager-start first one) the argument parameters are undef.
     */
    private LLVMValueRef callPoll(String fn, LLVMValueRef self, LLVMValueRef out, boolean start, LLVMValueRef[] startArgs) {
        LLVMValueRef poll = polls.get(fn);
        LLVMTypeRef type = LLVMGlobalGetValueType(poll);
        int n = LLVMCountParamTypes(type);
        PointerPointer<LLVMTypeRef> paramTypes = new PointerPointer<>(n);
        LLVMGetParamTypes(type, paramTypes);
        LLVMValueRef[] args = new LLVMValueRef[n];
        args[0] = self;
        args[1] = out;
        args[2] = constInt(i1, start ? 1 : 0);
        for (int k = 3; k < n; k++)
            args[k] = startArgs != null ? startArgs[k - 3] : LLVMGetUndef(paramTypes.get(LLVMTypeRef.class, k));
        return LLVMBuildCall2(builder, type, poll, values(args), n, "ready");
    }

    /** `bool task(void *state)`: one poll; true when the task finished (main returning i32 exits instead). */
    private LLVMValueRef taskPoll(MirFn task, StateMachine m, boolean isMain) {
        LLVMValueRef f = internalFn(SymbolNames.mangle(task.name(), "task"), fnType(i1, ptr));
        // With debug info the wrapper gets a subprogram too: the task's code is inlined into it,
        // and inlining into a function without one would drop its line numbers.
        if (di != null) subprogram(task.name() + ".task", task.span(), f);
        LLVMPositionBuilderAtEnd(builder, LLVMAppendBasicBlockInContext(ctx, f, "entry"));
        Type result = task.returnType();
        LLVMValueRef out = hasStorage(result) ? LLVMBuildAlloca(builder, llvmType(result), "result") : LLVMConstNull(ptr);
        LLVMValueRef done = callPoll(task.name(), LLVMGetParam(f, 0), out, false, null);
        if (isMain && hasStorage(result)) {
            LLVMBasicBlockRef exit = LLVMAppendBasicBlockInContext(ctx, f, "exit");
            LLVMBasicBlockRef pending = LLVMAppendBasicBlockInContext(ctx, f, "pending");
            LLVMBuildCondBr(builder, done, exit, pending);
            LLVMPositionBuilderAtEnd(builder, exit);
            callRuntime("mote_exit", LLVMBuildLoad2(builder, i32, out, "code"));
            LLVMBuildUnreachable(builder);
            LLVMPositionBuilderAtEnd(builder, pending);
            LLVMBuildRet(builder, constInt(i1, 0));
        } else {
            LLVMBuildRet(builder, done);
        }
        return f;
    }

    // ---------------------------------------------------------------- function bodies

    /** Emits one MIR body: a sync fn's, or an async fn's poll function (when {@code machine} is set). */
    private final class BodyEmitter {
        private final MirFn fn;
        private final StateMachine machine;
        private final LLVMValueRef[] slots;
        private final LLVMBasicBlockRef[] blocks;
        private LLVMValueRef llvmFn;
        private LLVMValueRef self, out, sret;

        BodyEmitter(MirFn fn, StateMachine machine) {
            this.fn = fn;
            this.machine = machine;
            this.slots = new LLVMValueRef[fn.locals().size()];
            this.blocks = new LLVMBasicBlockRef[fn.blocks().size()];
        }

        private org.bytedeco.llvm.LLVM.LLVMMetadataRef scope;

        void emit(LLVMValueRef function) {
            llvmFn = function;
            if (di != null) scope = subprogram(fn, llvmFn);
            LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(ctx, llvmFn, "entry");
            LLVMPositionBuilderAtEnd(builder, entry);
            if (machine != null) self = LLVMGetParam(llvmFn, 0);
            for (int i = 0; i < slots.length; i++) {
                Type t = fn.locals().get(i).type();
                if (!hasStorage(t)) continue;
                StateMachine.Slot pinned = machine == null ? null : machine.pinnedSlot(new Local(i));
                if (pinned != null) {   // borrowed: lives in the state object, see AsyncLowering
                    slots[i] = offsetPtr(self, pinned.offset());
                    continue;
                }
                slots[i] = LLVMBuildAlloca(builder, llvmType(t), fn.locals().get(i).name() == null ? "" : fn.locals().get(i).name());
                LLVMSetAlignment(slots[i], Math.max(1, t.align()));
            }
            for (int i = 0; i < blocks.length; i++) blocks[i] = LLVMAppendBasicBlockInContext(ctx, llvmFn, "bb" + i);
            if (machine == null) {
                List<Local> params = storedParams(fn);
                sret = Type.isAggregate(fn.returnType()) ? LLVMGetParam(llvmFn, 0) : null;
                int first = sret != null ? 1 : 0;
                for (int i = 0; i < params.size(); i++) {
                    Local p = params.get(i);
                    if (Type.isAggregate(fn.typeOf(p))) copyBytes(slots[p.index()], LLVMGetParam(llvmFn, i + first), fn.typeOf(p));
                    else LLVMBuildStore(builder, LLVMGetParam(llvmFn, i + first), slots[p.index()]);
                }
                LLVMBuildBr(builder, blocks[0]);
            } else {
                emitDispatch();
            }
            for (int i = 0; i < blocks.length; i++) {
                LLVMPositionBuilderAtEnd(builder, blocks[i]);
                BasicBlock b = fn.blocks().get(i);
                for (Statement s : b.statements()) statement(s);
                terminator(b.terminator(), new BlockId(i));
            }
        }

        /** The poll function's entry: jump on the discriminant to the code that resumes each state. */
        private void emitDispatch() {
            self = LLVMGetParam(llvmFn, 0);
            out = LLVMGetParam(llvmFn, 1);
            if (machine.eagerStart()) {
                // The first poll starts the body from the arguments; later ones resume.
                LLVMBasicBlockRef begin = LLVMAppendBasicBlockInContext(ctx, llvmFn, "start");
                LLVMBasicBlockRef resume = LLVMAppendBasicBlockInContext(ctx, llvmFn, "resume");
                LLVMBuildCondBr(builder, LLVMGetParam(llvmFn, 2), begin, resume);
                LLVMPositionBuilderAtEnd(builder, begin);
                List<Local> params = storedParams(fn);
                for (int i = 0; i < params.size(); i++) {
                    Local p = params.get(i);
                    if (Type.isAggregate(fn.typeOf(p))) copyBytes(slots[p.index()], LLVMGetParam(llvmFn, i + 3), fn.typeOf(p));
                    else LLVMBuildStore(builder, LLVMGetParam(llvmFn, i + 3), slots[p.index()]);
                }
                LLVMBuildBr(builder, blocks[0]);
                LLVMPositionBuilderAtEnd(builder, resume);
            }
            LLVMTypeRef tagType = LLVMIntTypeInContext(ctx, machine.tagSize() * 8);
            LLVMValueRef tag = LLVMBuildLoad2(builder, tagType, offsetPtr(self, machine.tagOffset()), "state");
            LLVMBasicBlockRef invalid = LLVMAppendBasicBlockInContext(ctx, llvmFn, "invalid");
            LLVMValueRef sw = LLVMBuildSwitch(builder, tag, invalid, machine.states().size());
            for (StateMachine.State s : machine.states()) {
                LLVMBasicBlockRef target = LLVMAppendBasicBlockInContext(ctx, llvmFn, s.name().toLowerCase());
                LLVMAddCase(sw, constInt(tagType, s.index()), target);
                LLVMPositionBuilderAtEnd(builder, target);
                switch (s.kind()) {
                    case UNRESUMED -> {
                        for (StateMachine.Slot slot : s.saved()) restore(slot);
                        LLVMBuildBr(builder, blocks[0]);
                    }
                    case RETURNED -> {
                        if (machine.returnedPending()) LLVMBuildRet(builder, constInt(i1, 0));
                        else panicWith("`async fn` resumed after completion", fn.span());
                    }
                    case PANICKED -> panicWith("`async fn` resumed after panicking", fn.span());
                    case SUSPENDED -> {
                        for (StateMachine.Slot slot : s.saved()) restore(slot);
                        if (s.awaitee() != null) pollAndBranch(s, false, null);
                        else LLVMBuildBr(builder, blocks[((Terminator.Suspend) fn.block(s.awaitBlock()).terminator()).resume().index()]);
                    }
                }
            }
            LLVMPositionBuilderAtEnd(builder, invalid);
            LLVMBuildUnreachable(builder);
        }

        private void restore(StateMachine.Slot slot) {
            if (!hasStorage(slot.type())) return;
            if (Type.isAggregate(slot.type())) { copyBytes(slots[slot.local().index()], offsetPtr(self, slot.offset()), slot.type()); return; }
            LLVMTypeRef t = llvmType(slot.type());
            LLVMBuildStore(builder, LLVMBuildLoad2(builder, t, offsetPtr(self, slot.offset()), ""), slots[slot.local().index()]);
        }

        private void save(StateMachine.Slot slot) {
            if (!hasStorage(slot.type())) return;
            if (Type.isAggregate(slot.type())) { copyBytes(offsetPtr(self, slot.offset()), slots[slot.local().index()], slot.type()); return; }
            LLVMTypeRef t = llvmType(slot.type());
            LLVMBuildStore(builder, LLVMBuildLoad2(builder, t, slots[slot.local().index()], ""), offsetPtr(self, slot.offset()));
        }

        private final Map<Integer, LLVMBasicBlockRef> pendingBlocks = new HashMap<>();

        /**
         * Polls the awaitee of state {@code s} from the current block: on Ready, continue after
         * the await; on Pending, go to the state's pending block. {@code startArgs} (non-null
         * only for the first poll of an eager-start callee) are the callee's arguments.
         */
        private void pollAndBranch(StateMachine.State s, boolean start, LLVMValueRef[] startArgs) {
            Terminator.Await await = (Terminator.Await) fn.block(s.awaitBlock()).terminator();
            LLVMValueRef ready = pollFuture(await.callee(), offsetPtr(self, s.awaitee().offset()), await.dest(), start, startArgs);
            LLVMBuildCondBr(builder, ready, blocks[await.resume().index()], pendingBlock(s));
        }

        /** One poll of the future of {@code callee} stored at {@code child}; yields the i1 "ready". */
        private LLVMValueRef pollFuture(Callee callee, LLVMValueRef child, Local destLocal, boolean start, LLVMValueRef[] startArgs) {
            if (callee instanceof Callee.Function f) {
                LLVMValueRef dest = storage(destLocal);
                return callPoll(f.name(), child, dest, start, startArgs);
            }
            if (callee instanceof Callee.Channel ch) return pollChannel(ch, child, destLocal);
            if (callee instanceof Callee.Builtin b) return pollBuiltin(b, child);
            throw new IllegalStateException("unhandled callee " + callee);
        }

        /**
         * Creates the future of {@code callee} at {@code child} and polls it once: the first poll
         * of an await or of a `join`/`race` child. Yields the i1 "ready".
         */
        private LLVMValueRef startFuture(Callee callee, LLVMValueRef child, List<Operand> args, Local dest) {
            List<LLVMValueRef> argValues = new java.util.ArrayList<>();
            for (Operand op : args) {
                LLVMValueRef v = operand(op);
                if (v != null) argValues.add(v);
            }
            if (callee instanceof Callee.Function f && !callees.get(f.name()).eagerStart()) {
                LLVMValueRef init = inits.get(f.name());
                LLVMValueRef[] initArgs = new LLVMValueRef[1 + argValues.size()];
                initArgs[0] = child;
                for (int k = 0; k < argValues.size(); k++) initArgs[k + 1] = argValues.get(k);
                LLVMBuildCall2(builder, LLVMGlobalGetValueType(init), init, values(initArgs), initArgs.length, "");
                return pollFuture(callee, child, dest, false, null);
            }
            if (callee instanceof Callee.Function) return pollFuture(callee, child, dest, true, argValues.toArray(LLVMValueRef[]::new));
            if (callee instanceof Callee.Channel ch) {
                // An idle waiter node, the channel, and for a send the item (kept until sent).
                // The node is 8 bytes aligned to 4 (struct mote_waiter): say so, not i64's 8.
                LLVMSetAlignment(LLVMBuildStore(builder, constInt(i64, 0), child), 4);
                LLVMBuildStore(builder, argValues.get(0), offsetPtr(child, Callee.Channel.CHANNEL_PTR));
                if (ch.send()) storeOperand(offsetPtr(child, ch.itemOffset()), args.get(1), ch.channel().element());
            } else if (callee == Callee.Builtin.YIELD_NOW) {
                LLVMBuildStore(builder, constInt(i8, 0), child);
            } else if (callee == Callee.Builtin.SLEEP_MS || callee == Callee.Builtin.SLEEP_US) {
                // A sleep: an idle (zeroed) timer node, then the duration in microseconds.
                LLVMBuildStore(builder, constInt(i64, 0), child);
                LLVMBuildStore(builder, constInt(i64, 0), offsetPtr(child, 8));
                LLVMValueRef us = LLVMBuildZExt(builder, argValues.get(0), i64, "");
                if (callee == Callee.Builtin.SLEEP_MS) us = LLVMBuildMul(builder, us, constInt(i64, 1000), "");
                LLVMBuildStore(builder, us, offsetPtr(child, 16));
            } else {
                throw new IllegalStateException("unhandled callee " + callee);
            }
            return pollFuture(callee, child, dest, false, null);
        }

        /** Save what state {@code s} keeps, set the discriminant, return Pending: shared by all polls of s. */
        private LLVMBasicBlockRef pendingBlock(StateMachine.State s) {
            LLVMBasicBlockRef existing = pendingBlocks.get(s.index());
            if (existing != null) return existing;
            LLVMBasicBlockRef saved = LLVMGetInsertBlock(builder);
            LLVMBasicBlockRef pending = LLVMAppendBasicBlockInContext(ctx, llvmFn, "pending." + s.name().toLowerCase());
            pendingBlocks.put(s.index(), pending);
            LLVMPositionBuilderAtEnd(builder, pending);
            for (StateMachine.Slot slot : s.saved()) save(slot);
            storeTag(self, machine, s.index());
            LLVMBuildRet(builder, constInt(i1, 0));
            LLVMPositionBuilderAtEnd(builder, saved);
            return pending;
        }

        /** Abandons the pending future of {@code callee} at {@code child} (a losing `race` branch). */
        private void cancelFuture(Callee callee, LLVMValueRef child) {
            emitCancel(callee, child);
        }

        /** A channel send or receive: runtime-c is called at every poll with the same waiter node. */
        private LLVMValueRef pollChannel(Callee.Channel ch, LLVMValueRef state, Local dest) {
            LLVMValueRef channel = LLVMBuildLoad2(builder, ptr, offsetPtr(state, Callee.Channel.CHANNEL_PTR), "channel");
            if (ch.send()) return callRuntime("mote_channel_send", channel, offsetPtr(state, ch.itemOffset()), state, shape(ch.channel()));
            return callRuntime("mote_channel_recv", channel, storage(dest), state, shape(ch.channel()));
        }

        /** yield_now: the first poll wakes the task and returns Pending, the second is Ready. */
        private LLVMValueRef pollBuiltin(Callee.Builtin b, LLVMValueRef state) {
            switch (b) {
                case SLEEP_MS, SLEEP_US -> {
                    // runtime-c keeps the node in its timer queue until the deadline; same node every poll.
                    LLVMValueRef us = LLVMBuildLoad2(builder, i64, offsetPtr(state, 16), "us");
                    return callRuntime("mote_sleep_us", state, us);
                }
                case YIELD_NOW -> {
                    LLVMValueRef yielded = LLVMBuildLoad2(builder, i8, state, "yielded");
                    LLVMValueRef ready = LLVMBuildICmp(builder, LLVMIntNE, yielded, constInt(i8, 0), "");
                    LLVMBasicBlockRef first = LLVMAppendBasicBlockInContext(ctx, llvmFn, "yield.first");
                    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(ctx, llvmFn, "yield.join");
                    LLVMBuildCondBr(builder, ready, join, first);
                    LLVMPositionBuilderAtEnd(builder, first);
                    LLVMBuildStore(builder, constInt(i8, 1), state);
                    callRuntime("mote_wake_current");
                    LLVMBuildBr(builder, join);
                    LLVMPositionBuilderAtEnd(builder, join);
                    return ready;
                }
            }
            throw new IllegalStateException("builtin " + b);
        }

        /**
         * Claims a free instance of the task's pool; when there is one, initialises its state
         * object (Unresumed, with the arguments) before the executor polls it. Yields the i1 "claimed".
         */
        private LLVMValueRef spawn(Rvalue.Spawn sp) {
            int[] slots = taskSlots.get(sp.task());
            LLVMValueRef id = callRuntime("mote_task_claim", constInt(i32, slots[0]), constInt(i32, slots[1]));
            // A certain spawn always gets an instance: no test of the claim.
            LLVMValueRef claimed = sp.certain() ? LLVMConstInt(i1, 1, 0) : LLVMBuildICmp(builder, LLVMIntSGE, id, constInt(i32, 0), "claimed");
            LLVMBasicBlockRef start = LLVMAppendBasicBlockInContext(ctx, llvmFn, "spawn.start");
            LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(ctx, llvmFn, "spawn.done");
            if (sp.certain()) LLVMBuildBr(builder, start); else LLVMBuildCondBr(builder, claimed, start, done);
            LLVMPositionBuilderAtEnd(builder, start);
            LLVMValueRef[] states = taskStates.get(sp.task());
            LLVMValueRef state;
            if (states.length == 1) {
                state = states[0];   // one instance: its state object, no table lookup
            } else {
                LLVMValueRef entry = LLVMBuildInBoundsGEP2(builder, taskEntryType, taskTable, values(id), 1, "");
                state = LLVMBuildLoad2(builder, ptr, LLVMBuildStructGEP2(builder, taskEntryType, entry, 1, ""), "state");
            }
            LLVMValueRef init = inits.get(sp.task());
            List<LLVMValueRef> args = new java.util.ArrayList<>();
            args.add(state);
            for (Operand op : sp.args()) {
                LLVMValueRef v = operand(op);
                if (v != null) args.add(v);
            }
            LLVMBuildCall2(builder, LLVMGlobalGetValueType(init), init, values(args.toArray(LLVMValueRef[]::new)), args.size(), "");
            LLVMBuildBr(builder, done);
            LLVMPositionBuilderAtEnd(builder, done);
            return claimed;
        }

        /** try_send / try_recv / raise: the item goes through memory, as runtime-c copies bytes. */
        private LLVMValueRef channelOp(Rvalue.ChannelOp op) {
            LLVMValueRef channel = operand(op.args().get(0));
            Type element = op.channel().element();
            switch (op.op()) {
                case "try_recv":
                    return callRuntime("mote_channel_try_recv", channel, operand(op.args().get(1)), shape(op.channel()));
                case "try_send":
                case "raise": {
                    LLVMValueRef item = Type.isAggregate(element) ? operand(op.args().get(1)) : itemInMemory(op.args().get(1), element);
                    if (op.op().equals("raise")) {
                        callRuntime("mote_signal_raise", channel, item, shape(op.channel()));
                        return null;
                    }
                    return callRuntime("mote_channel_try_send", channel, item, shape(op.channel()));
                }
                default:
                    throw new IllegalStateException("channel op " + op.op());
            }
        }

        private LLVMValueRef itemInMemory(Operand value, Type element) {
            if (!hasStorage(element)) return LLVMConstNull(ptr);   // zero bytes: runtime-c copies none
            LLVMBasicBlockRef here = LLVMGetInsertBlock(builder);
            LLVMBasicBlockRef entry = LLVMGetEntryBasicBlock(llvmFn);
            LLVMValueRef first = LLVMGetFirstInstruction(entry);
            if (first != null && !first.isNull()) LLVMPositionBuilderBefore(builder, first); else LLVMPositionBuilderAtEnd(builder, entry);
            LLVMValueRef tmp = LLVMBuildAlloca(builder, llvmType(element), "item");
            LLVMPositionBuilderAtEnd(builder, here);
            LLVMBuildStore(builder, operand(value), tmp);
            return tmp;
        }

        // ------------------------------------------------------------ statements

        /** A scalar operand's value; for an aggregate, the address of its bytes (copied by the user). */
        private LLVMValueRef operand(Operand op) {
            if (op instanceof Operand.Copy c) {
                Type t = fn.typeOf(c.local());
                if (!hasStorage(t)) return null;
                if (Type.isAggregate(t)) return slots[c.local().index()];
                return LLVMBuildLoad2(builder, llvmType(t), slots[c.local().index()], "");
            }
            if (!(op instanceof Operand.Const k)) throw new IllegalStateException("unhandled operand " + op);
            if (!hasStorage(k.type())) return null;
            return constInt(llvmType(k.type()), k.bits());
        }

        private void store(Local dest, LLVMValueRef value) {
            if (slots[dest.index()] != null && value != null) LLVMBuildStore(builder, value, slots[dest.index()]);
        }

        /** Writes operand {@code op} of type {@code t} to memory at {@code dst}. */
        private void storeOperand(LLVMValueRef dst, Operand op, Type t) {
            LLVMValueRef v = operand(op);
            if (v == null) return;
            if (Type.isAggregate(t)) copyBytes(dst, v, t);
            else LLVMBuildStore(builder, v, dst);
        }

        private LLVMValueRef indexValue(Operand index) {
            LLVMValueRef v = operand(index);
            int bits = ((Type.Int) fn.typeOf(index)).bits();
            if (bits < 32) return LLVMBuildZExt(builder, v, i32, "");
            if (bits > 32) return LLVMBuildTrunc(builder, v, i32, "");
            return v;
        }

        /**
         * Where a local lives; a zero-sized one (`()`, `!`) has no storage, and any address
         * serves for its zero bytes: null.
         */
        private LLVMValueRef storage(Local local) {
            LLVMValueRef at = slots[local.index()];
            return at != null ? at : LLVMConstNull(ptr);
        }

        /** The address of a place: the local's storage, then each projection in turn. */
        private LLVMValueRef address(Place place) {
            LLVMValueRef addr = storage(place.local());
            Type t = fn.typeOf(place.local());
            for (Place.Projection p : place.projections()) {
                if (p instanceof Place.Projection.Deref) {
                    addr = LLVMBuildLoad2(builder, ptr, addr, "");
                } else if (p instanceof Place.Projection.Field f) {
                    int offset = t instanceof Type.Struct st ? st.fields().get(f.index()).offset() : f.index() * 4;
                    addr = offsetPtr(addr, offset);
                } else if (p instanceof Place.Projection.Index ix) {
                    Type elem = Place.step(t, p);
                    if (t instanceof Type.Slice) addr = LLVMBuildLoad2(builder, ptr, addr, "");
                    LLVMValueRef byteOffset = LLVMBuildMul(builder, indexValue(ix.index()), constInt(i32, elem.size()), "");
                    addr = LLVMBuildInBoundsGEP2(builder, i8, addr, values(byteOffset), 1, "");
                } else {
                    throw new IllegalStateException("unhandled projection " + p);
                }
                t = Place.step(t, p);
            }
            return addr;
        }

        private LLVMValueRef registerAddress(long address) {
            return LLVMConstIntToPtr(constInt(i32, address), ptr);
        }

        private void statement(Statement s) {
            if (s instanceof Statement.Assign a) {
                Type t = fn.typeOf(a.dest());
                if (Type.isAggregate(t)) { if (slots[a.dest().index()] != null) rvalueInto(slots[a.dest().index()], a.value(), t); }
                else if (hasStorage(t)) store(a.dest(), rvalue(a.value(), t));
                else if (!(a.value() instanceof Rvalue.Use || a.value() instanceof Rvalue.Load || a.value() instanceof Rvalue.ReadStatic))
                    rvalue(a.value(), t);   // a zero-sized result: only the side effects (a call, a channel op) remain
            } else if (s instanceof Statement.WriteStatic w) {
                Type t = fn.typeOf(w.value());
                if (hasStorage(t)) storeOperand(statics.get(w.name()), w.value(), t);
            } else if (s instanceof Statement.Store st) {
                Type t = fn.typeOf(st.value());
                if (hasStorage(t)) storeOperand(address(st.place()), st.value(), t);
            } else if (s instanceof Statement.WriteRegister w) {
                LLVMValueRef store = LLVMBuildStore(builder, operand(w.value()), registerAddress(w.address()));
                LLVMSetVolatile(store, 1);
            } else if (s instanceof Statement.InitChannel ic) {
                // An empty channel is all zero bytes: a lone one needs its header zeroed (its
                // buffer is written before it is read), an array or struct holding channels all of it.
                Type t = fn.typeOf(ic.local());
                int bytes = t instanceof Type.Channel ? Type.Channel.HEADER : t.size();
                LLVMBuildMemSet(builder, slots[ic.local().index()], constInt(i8, 0), constInt(i32, bytes), t.align());
            } else if (s instanceof Statement.CriticalExit c) {
                LLVMTypeRef type = fnType(voidType, i32);
                LLVMValueRef asm = inlineAsm(type, "msr primask, $0", "r,~{memory}");
                LLVMBuildCall2(builder, type, asm, values(operand(c.saved())), 1, "");
            } else if (s instanceof Statement.Print p) print(p.items());
            else if (s instanceof Statement.Line l) {
                if (scope != null) LLVMSetCurrentDebugLocation2(builder, LLVMDIBuilderCreateDebugLocation(ctx, l.span().line(), l.span().column(), scope, null));
            } else throw new IllegalStateException("statement " + s);
        }

        /** Computes an aggregate rvalue straight into memory at {@code dst}. */
        private void rvalueInto(LLVMValueRef dst, Rvalue r, Type t) {
            if (r instanceof Rvalue.Use u) { storeOperand(dst, u.operand(), t); return; }
            if (r instanceof Rvalue.Load l) { copyBytes(dst, address(l.place()), t); return; }
            if (r instanceof Rvalue.ReadStatic rs) { copyBytes(dst, statics.get(rs.name()), t); return; }
            if (r instanceof Rvalue.Aggregate a) {
                for (int k = 0; k < a.operands().size(); k++) {
                    Operand op = a.operands().get(k);
                    Type ft = fn.typeOf(op);
                    if (!hasStorage(ft)) continue;
                    int offset = t instanceof Type.Struct st ? st.fields().get(k).offset()
                            : t instanceof Type.Array arr ? k * arr.element().size() : k * 4;
                    storeOperand(offsetPtr(dst, offset), op, ft);
                }
                return;
            }
            if (r instanceof Rvalue.Repeat rep) { repeat(dst, rep, (Type.Array) t); return; }
            if (r instanceof Rvalue.Str str) {
                LLVMBuildStore(builder, stringConstant(str.bytes()), dst);
                LLVMBuildStore(builder, constInt(i32, str.bytes().length), offsetPtr(dst, 4));
                return;
            }
            if (r instanceof Rvalue.Call c) {
                LLVMValueRef callee = syncFns.get(c.function());
                List<LLVMValueRef> args = new java.util.ArrayList<>();
                args.add(dst);
                for (Operand op : c.args()) { LLVMValueRef v = operand(op); if (v != null) args.add(v); }
                LLVMBuildCall2(builder, LLVMGlobalGetValueType(callee), callee, new PointerPointer<>(args.toArray(new LLVMValueRef[0])), args.size(), "");
                return;
            }
            throw new IllegalStateException("aggregate rvalue " + r);
        }

        /** `[v; n]`: memset when every byte is the same, else a loop storing each element. */
        private void repeat(LLVMValueRef dst, Rvalue.Repeat r, Type.Array t) {
            Type elem = t.element();
            if (t.size() == 0) return;
            if (r.value() instanceof Operand.Const k && (k.bits() == 0 || elem.size() == 1)) {
                LLVMBuildMemSet(builder, dst, constInt(i8, k.bits() & 0xFF), constInt(i32, t.size()), Math.max(1, t.align()));
                return;
            }
            LLVMBasicBlockRef before = LLVMGetInsertBlock(builder);
            LLVMBasicBlockRef loop = LLVMAppendBasicBlockInContext(ctx, llvmFn, "repeat");
            LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(ctx, llvmFn, "repeat.done");
            LLVMBuildBr(builder, loop);
            LLVMPositionBuilderAtEnd(builder, loop);
            LLVMValueRef i = LLVMBuildPhi(builder, i32, "i");
            LLVMValueRef at = LLVMBuildInBoundsGEP2(builder, i8, dst, values(LLVMBuildMul(builder, i, constInt(i32, elem.size()), "")), 1, "");
            storeOperand(at, r.value(), elem);
            LLVMValueRef next = LLVMBuildAdd(builder, i, constInt(i32, 1), "");
            LLVMBasicBlockRef latch = LLVMGetInsertBlock(builder);
            LLVMAddIncoming(i, new PointerPointer<>(constInt(i32, 0), next), new PointerPointer<>(before, latch), 2);
            LLVMBuildCondBr(builder, LLVMBuildICmp(builder, LLVMIntULT, next, constInt(i32, t.length()), ""), loop, done);
            LLVMPositionBuilderAtEnd(builder, done);
        }

        private LLVMValueRef rvalue(Rvalue r, Type destType) {
            if (r instanceof Rvalue.Use u) return operand(u.operand());
            if (r instanceof Rvalue.Binary b) return binary(b);
            if (r instanceof Rvalue.Unary u) {
                LLVMValueRef v = operand(u.operand());
                Type t = fn.typeOf(u.operand());
                return switch (u.op()) {
                    case NEG -> LLVMBuildNeg(builder, v, "");
                    case NOT, BIT_NOT -> LLVMBuildNot(builder, v, "");
                    default -> throw new IllegalStateException("unary " + u.op() + " on " + t);
                };
            }
            if (r instanceof Rvalue.Cast c) {
                LLVMValueRef v = operand(c.operand());
                Type from = fn.typeOf(c.operand());
                Type.Int to = (Type.Int) c.target();
                Type.Int fromInt = Type.intRepr(from);
                int fromBits = fromInt != null ? fromInt.bits() : 1;
                LLVMTypeRef target = llvmType(to);
                if (fromBits == to.bits()) return v;
                if (fromBits > to.bits()) return LLVMBuildTrunc(builder, v, target, "");
                boolean signed = fromInt != null && fromInt.signed();
                return signed ? LLVMBuildSExt(builder, v, target, "") : LLVMBuildZExt(builder, v, target, "");
            }
            if (r instanceof Rvalue.ReadStatic rs) return LLVMBuildLoad2(builder, llvmType(rs.type()), statics.get(rs.name()), "");
            if (r instanceof Rvalue.Load l) return LLVMBuildLoad2(builder, llvmType(destType), address(l.place()), "");
            if (r instanceof Rvalue.AddressOf a) return address(a.place());
            if (r instanceof Rvalue.StaticAddr sa) return statics.get(sa.name());
            if (r instanceof Rvalue.ReadRegister rr) {
                LLVMValueRef load = LLVMBuildLoad2(builder, llvmType(rr.type()), registerAddress(rr.address()), rr.name());
                LLVMSetVolatile(load, 1);
                return load;
            }
            if (r instanceof Rvalue.Overflows o) {
                Type.Int it = (Type.Int) fn.typeOf(o.left());
                String name = "llvm." + (it.signed() ? "s" : "u") + switch (o.op()) {
                    case ADD -> "add"; case SUB -> "sub"; case MUL -> "mul";
                    default -> throw new IllegalStateException("overflow check of " + o.op());
                } + ".with.overflow.i" + it.bits();
                LLVMTypeRef t = llvmType(it);
                LLVMTypeRef pair = LLVMStructTypeInContext(ctx, new PointerPointer<>(t, i1), 2, 0);
                LLVMTypeRef type = fnType(pair, t, t);
                LLVMValueRef f = LLVMGetNamedFunction(module, name);
                if (f == null || f.isNull()) f = LLVMAddFunction(module, name, type);
                LLVMValueRef result = LLVMBuildCall2(builder, type, f, new PointerPointer<>(operand(o.left()), operand(o.right())), 2, "");
                return LLVMBuildExtractValue(builder, result, 1, "overflow");
            }
            if (r instanceof Rvalue.Ticks) return callRuntime("mote_ticks_us");
            if (r instanceof Rvalue.Spawn sp) return spawn(sp);
            if (r instanceof Rvalue.ChannelOp op) return channelOp(op);
            if (r instanceof Rvalue.CriticalEnter) {
                LLVMTypeRef type = fnType(i32);
                LLVMValueRef asm = inlineAsm(type, "mrs $0, primask\n\tcpsid i", "=r,~{memory}");
                return LLVMBuildCall2(builder, type, asm, new PointerPointer<LLVMValueRef>(0), 0, "primask");
            }
            if (r instanceof Rvalue.Call c) {
                LLVMValueRef callee = syncFns.get(c.function());
                LLVMValueRef[] args = c.args().stream().map(this::operand).filter(v -> v != null).toArray(LLVMValueRef[]::new);
                LLVMTypeRef type = LLVMGlobalGetValueType(callee);
                return LLVMBuildCall2(builder, type, callee, new PointerPointer<>(args), args.length, "");
            }
            throw new IllegalStateException("rvalue " + r);
        }

        private LLVMValueRef binary(Rvalue.Binary b) {
            Type t = fn.typeOf(b.left());
            boolean signed = t instanceof Type.Int it && it.signed();
            LLVMValueRef l = operand(b.left());
            LLVMValueRef r = operand(b.right());
            switch (b.op()) {
                case ADD: return LLVMBuildAdd(builder, l, r, "");
                case SUB: return LLVMBuildSub(builder, l, r, "");
                case MUL: return LLVMBuildMul(builder, l, r, "");
                case DIV: return signed ? LLVMBuildSDiv(builder, l, r, "") : LLVMBuildUDiv(builder, l, r, "");
                case REM: return signed ? LLVMBuildSRem(builder, l, r, "") : LLVMBuildURem(builder, l, r, "");
                case BIT_AND: return LLVMBuildAnd(builder, l, r, "");
                case BIT_OR: return LLVMBuildOr(builder, l, r, "");
                case BIT_XOR: return LLVMBuildXor(builder, l, r, "");
                case SHL: case SHR: {
                    // Release builds mask the shift amount to the operand width, as Rust does.
                    Type.Int it = (Type.Int) t;
                    LLVMTypeRef lt = llvmType(it);
                    Type.Int rt = (Type.Int) fn.typeOf(b.right());
                    LLVMValueRef amount = r;
                    if (rt.bits() > it.bits()) amount = LLVMBuildTrunc(builder, amount, lt, "");
                    else if (rt.bits() < it.bits()) amount = LLVMBuildZExt(builder, amount, lt, "");
                    amount = LLVMBuildAnd(builder, amount, constInt(lt, it.bits() - 1), "");
                    if (b.op() == BinOp.SHL) return LLVMBuildShl(builder, l, amount, "");
                    return signed ? LLVMBuildAShr(builder, l, amount, "") : LLVMBuildLShr(builder, l, amount, "");
                }
                case EQ: return LLVMBuildICmp(builder, LLVMIntEQ, l, r, "");
                case NE: return LLVMBuildICmp(builder, LLVMIntNE, l, r, "");
                case LT: return LLVMBuildICmp(builder, signed ? LLVMIntSLT : LLVMIntULT, l, r, "");
                case LE: return LLVMBuildICmp(builder, signed ? LLVMIntSLE : LLVMIntULE, l, r, "");
                case GT: return LLVMBuildICmp(builder, signed ? LLVMIntSGT : LLVMIntUGT, l, r, "");
                case GE: return LLVMBuildICmp(builder, signed ? LLVMIntSGE : LLVMIntUGE, l, r, "");
                default: throw new IllegalStateException("binary " + b.op());
            }
        }

        private void print(List<PrintItem> items) {
            for (PrintItem item : items) {
                if (item instanceof PrintItem.Text t) {
                    callRuntime("mote_print_str", stringConstant(t.bytes()), constInt(i32, t.bytes().length));
                    continue;
                }
                if (!(item instanceof PrintItem.Value v)) throw new IllegalStateException("unhandled print item " + item);
                LLVMValueRef value = operand(v.value());
                if (v.type() instanceof Type.Bool) {
                    callRuntime("mote_print_bool", LLVMBuildZExt(builder, value, i32, ""));
                } else if (v.type() instanceof Type.Slice) {
                    LLVMValueRef data = LLVMBuildLoad2(builder, ptr, value, "");
                    LLVMValueRef len = LLVMBuildLoad2(builder, i32, offsetPtr(value, 4), "");
                    callRuntime("mote_print_str", data, len);
                } else {
                    Type.Int it = Type.intRepr(v.type());
                    boolean sext = it.signed() && !v.hex();
                    LLVMValueRef wide = it.bits() == 64 ? value
                            : sext ? LLVMBuildSExt(builder, value, i64, "") : LLVMBuildZExt(builder, value, i64, "");
                    callRuntime(v.hex() ? "mote_print_hex" : it.signed() ? "mote_print_i64" : "mote_print_u64", wide);
                }
            }
        }

        private void panicWith(String message, Span span) {
            panic(List.of(new PrintItem.Text(message.getBytes(StandardCharsets.UTF_8))), span);
        }

        /**
         * `panic: <message> at <loc>`. A fixed message is one runtime call, a bounds check one
         * call with the two numbers (as rustc's panic_bounds_check), anything else the message
         * printed between mote_panic_begin and mote_panic_end.
         */
        private void panic(List<PrintItem> message, Span span) {
            byte[] loc = span.programLocation().getBytes(StandardCharsets.UTF_8);
            LLVMValueRef locPtr = stringConstant(loc), locLen = constInt(i32, loc.length);
            if (message.size() == 1 && message.get(0) instanceof PrintItem.Text t) {
                callRuntime("mote_panic", stringConstant(t.bytes()), constInt(i32, t.bytes().length), locPtr, locLen);
            } else if (isBoundsMessage(message)) {
                callRuntime("mote_panic_bounds", asU32(((PrintItem.Value) message.get(3))), asU32((PrintItem.Value) message.get(1)), locPtr, locLen);
            } else {
                callRuntime("mote_panic_begin");
                print(message);
                callRuntime("mote_panic_end", locPtr, locLen);
            }
            LLVMBuildUnreachable(builder);
        }

        private boolean isBoundsMessage(List<PrintItem> m) {
            return m.size() == 4 && m.get(0) instanceof PrintItem.Text a && m.get(2) instanceof PrintItem.Text b
                    && new String(a.bytes(), StandardCharsets.UTF_8).equals("index out of bounds: the len is ")
                    && new String(b.bytes(), StandardCharsets.UTF_8).equals(" but the index is ")
                    && m.get(1) instanceof PrintItem.Value l && l.type() instanceof Type.Int li && !li.signed() && li.bits() <= 32
                    && m.get(3) instanceof PrintItem.Value i && i.type() instanceof Type.Int ii && !ii.signed() && ii.bits() <= 32;
        }

        private LLVMValueRef asU32(PrintItem.Value v) {
            LLVMValueRef x = operand(v.value());
            int bits = ((Type.Int) v.type()).bits();
            return bits == 32 ? x : LLVMBuildZExt(builder, x, i32, "");
        }

        // ------------------------------------------------------------ terminators

        private void terminator(Terminator t, BlockId here) {
            if (t instanceof Terminator.Goto g) LLVMBuildBr(builder, blocks[g.target().index()]);
            else if (t instanceof Terminator.If i) LLVMBuildCondBr(builder, operand(i.cond()), blocks[i.then().index()], blocks[i.otherwise().index()]);
            else if (t instanceof Terminator.Switch s) {
                LLVMValueRef v = operand(s.value());
                LLVMValueRef sw = LLVMBuildSwitch(builder, v, blocks[s.otherwise().index()], s.values().size());
                LLVMTypeRef type = llvmType(fn.typeOf(s.value()));
                for (int k = 0; k < s.values().size(); k++) LLVMAddCase(sw, constInt(type, s.values().get(k)), blocks[s.targets().get(k).index()]);
            } else if (t instanceof Terminator.Return) {
                LLVMValueRef v = operand(Operand.of(fn.returnLocal()));
                if (Type.isAggregate(fn.returnType())) {
                    copyBytes(machine != null ? out : sret, v, fn.returnType());
                    if (machine != null) {
                        storeTag(self, machine, machine.stateOf(StateMachine.Kind.RETURNED).index());
                        LLVMBuildRet(builder, constInt(i1, 1));
                    } else {
                        LLVMBuildRetVoid(builder);
                    }
                } else if (machine != null) {
                    if (v != null) LLVMBuildStore(builder, v, out);
                    storeTag(self, machine, machine.stateOf(StateMachine.Kind.RETURNED).index());
                    LLVMBuildRet(builder, constInt(i1, 1));
                } else if (v != null) {
                    LLVMBuildRet(builder, v);
                } else {
                    LLVMBuildRetVoid(builder);
                }
            } else if (t instanceof Terminator.Await a) {
                StateMachine.State s = machine.state(machine.stateOfAwait().get(here));
                LLVMValueRef ready = startFuture(a.callee(), offsetPtr(self, s.awaitee().offset()), a.args(), a.dest());
                LLVMBuildCondBr(builder, ready, blocks[a.resume().index()], pendingBlock(s));
            } else if (t instanceof Terminator.PollChild pc) {
                LLVMValueRef child = offsetPtr(self, machine.child(pc.child()).offset());
                LLVMValueRef ready = pc.start() ? startFuture(pc.callee(), child, pc.args(), pc.dest())
                        : pollFuture(pc.callee(), child, pc.dest(), false, null);
                LLVMBuildCondBr(builder, ready, blocks[pc.ready().index()], blocks[pc.pending().index()]);
            } else if (t instanceof Terminator.Suspend) {
                LLVMBuildBr(builder, pendingBlock(machine.state(machine.stateOfAwait().get(here))));
            } else if (t instanceof Terminator.CancelChild cc) {
                cancelFuture(cc.callee(), offsetPtr(self, machine.child(cc.child()).offset()));
                LLVMBuildBr(builder, blocks[cc.next().index()]);
            } else if (t instanceof Terminator.Assert a) {
                LLVMBasicBlockRef fail = LLVMAppendBasicBlockInContext(ctx, llvmFn, "assert.fail");
                LLVMBuildCondBr(builder, operand(a.cond()), blocks[a.target().index()], fail);
                LLVMPositionBuilderAtEnd(builder, fail);
                panic(a.message(), a.span());
            } else if (t instanceof Terminator.Panic p) {
                panic(p.message(), p.span());
            } else if (t instanceof Terminator.Exit e) {
                callRuntime("mote_exit", operand(e.code()));
                LLVMBuildUnreachable(builder);
            } else if (t instanceof Terminator.Unreachable) {
                LLVMBuildUnreachable(builder);
            } else {
                throw new IllegalStateException("terminator " + t);
            }
        }
    }

    /** The module as LLVM IR text. */
    public String printIr() {
        BytePointer s = LLVMPrintModuleToString(module);
        try {
            return s.getString();
        } finally {
            LLVMDisposeMessage(s);
        }
    }

    /**
     * Runs LLVM's verifier; a failure is a compiler bug, reported with the verifier's first
     * line only: the lines after it are the offending IR, kilobytes for a large function, which
     * would bury the message in the terminal.
     */
    public void verify() {
        BytePointer err = new BytePointer();
        if (LLVMVerifyModule(module, LLVMReturnStatusAction, err) != 0) {
            String msg = err.getString().strip();
            LLVMDisposeMessage(err);
            int eol = msg.indexOf('\n');
            throw new IllegalStateException("LLVM verifier rejected the generated module: " + (eol < 0 ? msg : msg.substring(0, eol)));
        }
        LLVMDisposeMessage(err);
    }

    @Override
    public void close() {
        if (di != null) LLVMDisposeDIBuilder(di);
        LLVMDisposeBuilder(builder);
        if (!moduleTaken) LLVMDisposeModule(module);
        LLVMContextDispose(ctx);
    }
}

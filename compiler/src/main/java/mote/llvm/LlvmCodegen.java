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
    final LLVMContextRef ctx;
    final LLVMModuleRef module;
    final LLVMBuilderRef builder;
    final LLVMTypeRef i1, i8, i32, i64, ptr, voidType;
    final Map<String, LLVMValueRef> syncFns = new HashMap<>();
    final Map<String, LLVMValueRef> polls = new HashMap<>();
    final Map<String, LLVMValueRef> inits = new HashMap<>();
    final Map<String, LLVMValueRef> statics = new HashMap<>();
    final Map<String, LLVMValueRef> strings = new HashMap<>();
    final Map<String, LLVMValueRef> runtime = new HashMap<>();
    final Map<String, LLVMTypeRef> runtimeTypes = new HashMap<>();
    boolean moduleTaken;
    /** Set by {@link #enableDebugInfo()}: DWARF line tables for `--debug` builds. */
    org.bytedeco.llvm.LLVM.LLVMDIBuilderRef di;
    org.bytedeco.llvm.LLVM.LLVMMetadataRef compileUnit;
    final Map<mote.diag.SourceFile, org.bytedeco.llvm.LLVM.LLVMMetadataRef> diFiles = new java.util.IdentityHashMap<>();

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

    Map<String, Integer> irqNumbers = Map.of();

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

    org.bytedeco.llvm.LLVM.LLVMMetadataRef diFile(mote.diag.SourceFile f) {
        return diFiles.computeIfAbsent(f, k -> {
            // Relative to the program's root, with no directory: the same bytes from any
            // working directory (a debugger finds the file when run from the program's folder).
            String name = k.programPath(), dir = "";
            return LLVMDIBuilderCreateFile(di, name, name.getBytes(StandardCharsets.UTF_8).length, dir, dir.getBytes(StandardCharsets.UTF_8).length);
        });
    }

    void createCompileUnit(MirProgram program) {
        MirFn first = program.mainFunction() != null ? program.function(program.mainFunction()) : program.functions().isEmpty() ? null : program.functions().get(0);
        mote.diag.SourceFile file = first != null ? first.span().file() : mote.diag.SourceFile.of("program.mote", "");
        String producer = "mote 0.1.0";
        compileUnit = LLVMDIBuilderCreateCompileUnit(di, LLVMDWARFSourceLanguageC, diFile(file), producer, producer.length(), 1,
                "", 0, 0, "", 0, LLVMDWARFEmissionLineTablesOnly, 0, 0, 0, "", 0, "", 0);
    }

    /** A subprogram for {@code fn}'s LLVM function, and the builder's location at its first line. */
    org.bytedeco.llvm.LLVM.LLVMMetadataRef subprogram(MirFn fn, LLVMValueRef llvmFn) {
        return subprogram(fn.name(), fn.span(), llvmFn);
    }

    org.bytedeco.llvm.LLVM.LLVMMetadataRef subprogram(String name, Span span, LLVMValueRef llvmFn) {
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

    void declareRuntime() {
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

    void runtimeFn(String name, LLVMTypeRef ret, boolean noreturn, LLVMTypeRef... params) {
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
    static PointerPointer<LLVMValueRef> values(LLVMValueRef... values) {
        return new PointerPointer<>(values);
    }

    LLVMTypeRef fnType(LLVMTypeRef ret, LLVMTypeRef... params) {
        return LLVMFunctionType(ret, new PointerPointer<>(params), params.length, 0);
    }

    void addFnAttr(LLVMValueRef f, String name) {
        int kind = LLVMGetEnumAttributeKindForName(name, name.length());
        LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(ctx, kind, 0));
    }

    LLVMValueRef callRuntime(String name, LLVMValueRef... args) {
        return LLVMBuildCall2(builder, runtimeTypes.get(name), runtime.get(name), new PointerPointer<>(args), args.length, "");
    }

    // ---------------------------------------------------------------- types and constants

    /**
     * Scalars are LLVM integers (enums as their discriminant type), references pointers;
     * aggregates (arrays, structs, slices) are byte arrays of {@link Type#size()} bytes whose
     * fields sit at our own offsets, so every layout is the one the checker computed.
     */
    LLVMTypeRef llvmType(Type t) {
        if (t instanceof Type.Int it) return LLVMIntTypeInContext(ctx, it.bits());
        if (t instanceof Type.Bool) return i1;
        if (t instanceof Type.Enum e) return LLVMIntTypeInContext(ctx, e.repr().bits());
        if (t instanceof Type.Ref) return ptr;
        if (Type.isAggregate(t)) return LLVMArrayType(i8, t.size());
        throw new IllegalStateException("no LLVM type for " + t);
    }

    /** The type of memory holding a {@code t}: a zero-sized one (`()`) is an empty byte array. */
    LLVMTypeRef storageType(Type t) {
        return hasStorage(t) ? llvmType(t) : LLVMArrayType(i8, 0);
    }

    /** How a value of type {@code t} is passed to or returned from a function: aggregates by pointer. */
    LLVMTypeRef paramType(Type t) {
        return Type.isAggregate(t) ? ptr : llvmType(t);
    }

    /** A channel's element size and capacity, passed with every runtime call (docs/runtime-abi.md). */
    LLVMValueRef shape(Type.Channel ch) {
        return constInt(i32, ch.shape());
    }

    /** Side-effecting inline assembly (critical sections: see docs/runtime-abi.md). */
    LLVMValueRef inlineAsm(LLVMTypeRef type, String code, String constraints) {
        byte[] c = code.getBytes(StandardCharsets.UTF_8), k = constraints.getBytes(StandardCharsets.UTF_8);
        return LLVMGetInlineAsm(type, new BytePointer(code), c.length, new BytePointer(constraints), k.length, 1, 0, LLVMInlineAsmDialectATT, 0);
    }

    void copyBytes(LLVMValueRef dst, LLVMValueRef src, Type t) {
        if (t.size() == 0) return;
        LLVMBuildMemCpy(builder, dst, t.align(), src, t.align(), constInt(i32, t.size()));
    }

    static boolean hasStorage(Type t) {
        return !(t instanceof Type.Unit || t instanceof Type.Never);
    }

    LLVMValueRef constInt(LLVMTypeRef type, long v) { return LLVMConstInt(type, v, 0); }

    LLVMValueRef offsetPtr(LLVMValueRef base, int offset) {
        if (offset == 0) return base;
        return LLVMBuildInBoundsGEP2(builder, i8, base, values(constInt(i32, offset)), 1, "");
    }

    /**
     * An aggregate static's initial value when slices in it point at string literals: its
     * bytes, cut at each such pointer, which becomes the string constant's address (a packed
     * struct of the same size and layout).
     */
    LLVMValueRef imageWithStrings(MirProgram.Global g) {
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
    LLVMValueRef stringConstant(byte[] bytes) {
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

    Map<String, StateMachine> callees = Map.of();

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
                new BodyEmitter(this, f, m).emit(polls.get(f.name()));
            } else {
                new BodyEmitter(this, f, null).emit(syncFns.get(f.name()));
            }
        }
        if (di != null) LLVMSetCurrentDebugLocation2(builder, null);
        if (program.mainFunction() != null) emitTaskTable(program, machines, panicAbort);
        if (di != null) LLVMDIBuilderFinalize(di);
    }

    LLVMValueRef internalFn(String name, LLVMTypeRef type) {
        LLVMValueRef f = LLVMAddFunction(module, name, type);
        LLVMSetLinkage(f, LLVMInternalLinkage);
        addFnAttr(f, "nounwind");
        return f;
    }

    static List<Local> storedParams(MirFn f) {
        return f.params().stream().filter(p -> hasStorage(f.typeOf(p))).toList();
    }

    void emitInit(MirFn f, StateMachine m) {
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

    void storeTag(LLVMValueRef self, StateMachine m, int state) {
        LLVMBuildStore(builder, constInt(LLVMIntTypeInContext(ctx, m.tagSize() * 8), state), offsetPtr(self, m.tagOffset()));
    }

    final Map<String, LLVMValueRef> cancels = new HashMap<>();
    MirProgram program;

    /**
     * Emits, where the builder is, what abandons the pending future of {@code callee} at
     * {@code child}: a sleep leaves the timer queue, a send/recv/wait leaves its channel's
     * waiter list, an async fn's future cancels whatever it waits on itself.
     */
    void emitCancel(Callee callee, LLVMValueRef child) {
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
    LLVMValueRef cancelFn(String name) {
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
    void cancelWaitingChildren(LLVMValueRef f, LLVMValueRef self, StateMachine m, StateMachine.State st, Terminator.Suspend su) {
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
    LLVMValueRef savedValue(LLVMValueRef self, StateMachine m, StateMachine.State st, Local local) {
        StateMachine.Slot slot = m.slot(st, local);
        if (slot == null) throw new IllegalStateException(m.function() + " " + st.name() + " does not save " + local);
        return LLVMBuildLoad2(builder, llvmType(slot.type()), offsetPtr(self, slot.offset()), "");
    }

    /** Slot range {first, count} of each task in the task table: main is slot 0. */
    final Map<String, int[]> taskSlots = new HashMap<>();
    final LLVMTypeRef taskEntryType;
    LLVMValueRef taskTable;

    /** Each task's state objects, one per instance of its pool. */
    final Map<String, LLVMValueRef[]> taskStates = new HashMap<>();

    /**
     * Lays out the task table and the state objects (declared before bodies: `spawn` indexes
     * the table, or names the state object directly when the pool has one instance).
     */
    void declareTaskTable(MirProgram program, Map<String, StateMachine> machines) {
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
    void emitTaskTable(MirProgram program, Map<String, StateMachine> machines, boolean panicAbort) {
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
    LLVMValueRef callPoll(String fn, LLVMValueRef self, LLVMValueRef out, boolean start, LLVMValueRef[] startArgs) {
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
    LLVMValueRef taskPoll(MirFn task, StateMachine m, boolean isMain) {
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

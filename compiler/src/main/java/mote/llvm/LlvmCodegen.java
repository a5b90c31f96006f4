package mote.llvm;

import static org.bytedeco.llvm.global.LLVM.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
 * accesses; `critical` is inline PRIMASK save/restore; {@link DebugInfo} adds DWARF.
 */
public final class LlvmCodegen implements AutoCloseable {
    final LLVMContextRef ctx;
    final LLVMModuleRef module;
    final LLVMBuilderRef builder;
    final LLVMTypeRef i1, i8, i32, i64, f32, ptr, voidType;
    final Map<String, LLVMValueRef> syncFns = new HashMap<>();
    final Map<String, LLVMValueRef> polls = new HashMap<>();
    final Map<String, LLVMValueRef> inits = new HashMap<>();
    final Map<String, LLVMValueRef> statics = new HashMap<>();
    final Map<String, LLVMValueRef> strings = new HashMap<>();
    final Map<String, LLVMValueRef> runtime = new HashMap<>();
    final Map<String, LLVMTypeRef> runtimeTypes = new HashMap<>();
    boolean moduleTaken;

    /** The state machines' code beside the poll bodies, and the task table. */
    final StateMachineEmitter sm;
    final TaskTable tasks;
    final PanicSites panicSites;
    final DebugInfo debug;

    public LlvmCodegen(String moduleName) {
        ctx = LLVMContextCreate();
        module = LLVMModuleCreateWithNameInContext(moduleName, ctx);
        builder = LLVMCreateBuilderInContext(ctx);
        i1 = LLVMInt1TypeInContext(ctx);
        i8 = LLVMInt8TypeInContext(ctx);
        i32 = LLVMInt32TypeInContext(ctx);
        i64 = LLVMInt64TypeInContext(ctx);
        f32 = LLVMFloatTypeInContext(ctx);
        ptr = LLVMPointerTypeInContext(ctx, 0);
        voidType = LLVMVoidTypeInContext(ctx);
        declareRuntime();
        sm = new StateMachineEmitter(this);
        tasks = new TaskTable(this);
        panicSites = new PanicSites(this);
        debug = new DebugInfo(this);
    }

    public LLVMModuleRef module() { return module; }

    Map<String, Integer> irqNumbers = Map.of();

    /**
     * The board's interrupt numbers: the handler of `interrupt NAME()` (MIR fn `irq.NAME`) is
     * emitted as the strong symbol `mote_irq_<n>` runtime-c's vector table calls.
     */
    public void interruptNumbers(Map<String, Integer> irqs) { irqNumbers = Map.copyOf(irqs); }

    /**
     * v6-M cores have no NVIC active bits (IABR), which name the handler that ran off the stack
     * on other cores (runtime-c/startup.c): there each `mote_irq_<n>` sets its bit in
     * {@code mote_active_irqs} (eight words, IABR's layout) around the handler, and the fault
     * report prints those words instead. Only programs with interrupt handlers pay for it.
     */
    public void trackActiveInterrupts(boolean on) { trackActiveInterrupts = on; }

    private boolean trackActiveInterrupts;

    int faultStackWords;
    boolean panicBacktrace;

    /** `--log interned` (null: text). */
    InternedLog internedLog;

    /**
     * `--log interned` in a program whose interrupt handlers print: each print goes out with
     * interrupts masked, or a handler's frame would land inside the frame it preempted and the
     * host could decode neither. (Text needs no such care: characters interleave, none is lost.)
     */
    boolean framesMasked;

    /** `--log interned`: prints become frames; {@link #internedFormats} is then the ELF's .mote_log section. */
    public void internLogs() { internedLog = new InternedLog(this); }

    /**
     * The task names by slot, as JSON, for the ELF's non-loaded .mote_tasks section: built for
     * speed, LLVM may fold the `mote_tasks` table into the executor, and the decoders then find
     * no poll function to name a slot by (call after {@link #generate}). Null with one task.
     */
    public String taskNamesJson() {
        List<String> names = tasks.slotNames();
        if (names.size() < 2) return null;
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(names);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The formats the prints use, for the .mote_log section (call after {@link #generate}). */
    public String internedFormats() { return InternedLog.json(internedLog.formats()); }

    /**
     * Stack words runtime-c's fault report adds for a backtrace (`mote_fault_stack_words`; 0:
     * none, and whole-program optimisation drops the code that would print them).
     */
    public void faultStackWords(int words) { faultStackWords = words; }

    /**
     * `--backtrace`: runtime-c notes where a panic started and prints the stack above it
     * (`mote_panic_backtrace`; false: whole-program optimisation drops that code).
     */
    public void panicBacktrace(boolean on) { panicBacktrace = on; }

    /**
     * `--debug` builds, whose code may carry what a debugger needs (release code does not
     * change for it):
     * <ul>
     * <li>an await saves what its state keeps before the first poll of its future, not only
     *     when the poll is pending, and the DWARF describes each kept local at its slot in the
     *     state object from there and from each resume on (DebugInfo.keptInState): a debugger
     *     finds it whichever way the await was reached, where the optimiser dropped the value;</li>
     * <li>each task's poll is measured: runtime-c paints the stack below it and finds how deep
     *     it went (runtime-c/stack_marks.c), the deepest per task in {@code mote_task_stack_marks}
     *     (qemu/gdbinit's `mote tasks`).</li>
     * </ul>
     */
    boolean debugBuild;
    /** One timer at a time (mote.mir.TimerUse): runtime-c records the sleeping task; a sleep's state is its state byte. */
    boolean singleTimer;
    /** One deadline per task (mote.opt.TaskTimers): a sleep's state is its state byte alone. */
    boolean taskTimers;
    /** With taskTimers: where each task slot's timers start, and the timer count last (TaskTimers.timerFirsts). */
    int[] timerFirsts;

    /** Whether temporaries are values rather than stack slots ({@link BlockTemps}); see {@link #temporariesAsValues}. */
    boolean temporariesAsValues;

    /**
     * Emits the temporaries {@link BlockTemps} finds as values instead of stack slots: for
     * builds that are not optimised (-O 0), where every slot stays on the stack. An optimising
     * build gets its slots as before: LLVM removes them anyway (it compiles no faster without
     * them), and the code it makes of the two forms differs by a few bytes either way.
     */
    public void temporariesAsValues(boolean on) {
        temporariesAsValues = on;
    }

    /**
     * Whether runtime-c is linked into this module and optimised with it (every level but
     * -O 0, which links its objects, compiled apart): only then may the channels have compact
     * headers, which the objects do not read.
     */
    public void runtimeWithProgram(boolean on) {
        runtimeWithProgram = on;
    }

    private boolean runtimeWithProgram = true;

    public void debugBuild(boolean on) {
        debugBuild = on;
        if (on && !runtime.containsKey("mote_stack_mark_begin")) {   // declared only where called
            runtimeFn("mote_stack_mark_begin", voidType, false);
            runtimeFn("mote_stack_mark_end", voidType, false);
        }
    }

    /**
     * Emit DWARF ({@link DebugInfo}): a compile unit for the program, a subprogram per function,
     * the statics, task states and locals, and a location for every MIR {@code Line} statement
     * (one per source statement, in every build: see {@code MirBuilder.build}). Call before {@link #generate}.
     */
    public void enableDebugInfo() {
        debug.di = LLVMCreateDIBuilder(module);
        LLVMAddModuleFlag(module, LLVMModuleFlagBehaviorWarning, "Debug Info Version", 18, LLVMValueAsMetadata(constInt(i32, 3)));
        LLVMAddModuleFlag(module, LLVMModuleFlagBehaviorWarning, "Dwarf Version", 13, LLVMValueAsMetadata(constInt(i32, 4)));
    }

    public LLVMContextRef context() { return ctx; }

    // ---------------------------------------------------------------- runtime declarations

    void declareRuntime() {
        runtimeFn("mote_print_str", voidType, false, ptr, i32);
        runtimeFn("mote_console_putc", voidType, false, i8);
        runtimeFn("mote_print_i32", voidType, false, i32);
        runtimeFn("mote_print_u32", voidType, false, i32);
        runtimeFn("mote_print_hex32", voidType, false, i32);
        runtimeFn("mote_print_i64", voidType, false, i64);
        runtimeFn("mote_print_u64", voidType, false, i64);
        runtimeFn("mote_print_hex", voidType, false, i64);
        runtimeFn("mote_print_bool", voidType, false, i32);
        runtimeFn("mote_print_fmt32", voidType, false, i32, i32);
        runtimeFn("mote_print_fmt64", voidType, false, i64, i32);
        runtimeFn("mote_print_fmt_str", voidType, false, ptr, i32, i32);
        runtimeFn("mote_print_f32", voidType, false, i32, i32, i32);
        runtimeFn("mote_log_frame", voidType, false, i32);
        runtimeFn("mote_panic_end_interned", voidType, true);
        runtimeFn("mote_log_varint", voidType, false, i32);
        runtimeFn("mote_log_zigzag", voidType, false, i32);
        runtimeFn("mote_log_varint64", voidType, false, i64);
        runtimeFn("mote_log_zigzag64", voidType, false, i64);
        runtimeFn("mote_log_bytes", voidType, false, ptr, i32);
        runtimeFn("mote_exit", voidType, true, i32);
        runtimeFn("mote_panic_begin", voidType, false);
        runtimeFn("mote_panic_end", voidType, true, ptr);
        runtimeFn("mote_panic", voidType, true, ptr, ptr);
        runtimeFn("mote_panic_bounds", voidType, true, i32, i32, ptr);
        runtimeFn("mote_panic_end_at", voidType, true, i32);
        runtimeFn("mote_panic_at", voidType, true, ptr, i32);
        runtimeFn("mote_panic_bounds_at", voidType, true, i32, i32, i32);
        runtimeFn("mote_wake_current", voidType, false);
        runtimeFn("mote_task_claim", i32, false, i32, i32);
        runtimeFn("mote_task_start", voidType, false, i32);
        runtimeFn("mote_sleep_us", i1, false, ptr, i64);
        runtimeFn("mote_sleep_until_us", i1, false, ptr, i64);
        runtimeFn("mote_task_sleep_us", i1, false, ptr, i32);
        runtimeFn("mote_single_sleep_us", i1, false, ptr, i64);
        runtimeFn("mote_single_timer_cancel", voidType, false, ptr);
        runtimeFn("mote_task_timer_cancel", voidType, false, ptr);
        runtimeFn("mote_event_emit", voidType, false, ptr, ptr, i32);
        runtimeFn("mote_channel_close", voidType, false, ptr, i32);
        runtimeFn("mote_channel_closed", i1, false, ptr);
        runtimeFn("mote_channel_drained", i1, false, ptr);
        runtimeFn("mote_event_wait", i1, false, ptr, ptr, ptr, i32);
        runtimeFn("mote_event_cancel", voidType, false, ptr, ptr);
        runtimeFn("mote_mutex_lock", i1, false, ptr, ptr);
        runtimeFn("mote_mutex_unlock", voidType, false, ptr);
        runtimeFn("mote_mutex_cancel", voidType, false, ptr, ptr);
        runtimeFn("mote_ticks_us", i64, false);
        runtimeFn("mote_channel_send", i1, false, ptr, ptr, ptr, i32);
        runtimeFn("mote_channel_recv", i1, false, ptr, ptr, ptr, i32);
        runtimeFn("mote_channel_try_send", i1, false, ptr, ptr, i32);
        runtimeFn("mote_channel_try_recv", i1, false, ptr, ptr, i32);
        runtimeFn("mote_signal_raise", voidType, false, ptr, ptr, i32);
        runtimeFn("mote_signal_try_recv", i1, false, ptr, ptr, i32);
        runtimeFn("mote_signal_wait", i1, false, ptr, ptr, ptr, i32);
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

    /** What refers to {@code v}, each once a use, gathered first (so the caller may change them). */
    static List<LLVMValueRef> users(LLVMValueRef v) {
        List<LLVMValueRef> users = new ArrayList<>();
        for (var use = LLVMGetFirstUse(v); use != null && !use.isNull(); use = LLVMGetNextUse(use)) users.add(LLVMGetUser(use));
        return users;
    }

    /** Whether anything in the module refers to {@code v} (a function or global; null: no). */
    static boolean isUsed(LLVMValueRef v) {
        if (v == null || v.isNull()) return false;
        var use = LLVMGetFirstUse(v);
        return use != null && !use.isNull();
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
        if (t instanceof Type.Float32) return f32;
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

    /** A channel's element size and capacity (a signal's value size), passed with every runtime call (docs/runtime-abi.md). */
    LLVMValueRef shape(Type.Channel ch) {
        return constInt(i32, ch.shape());
    }

    /** Side-effecting inline assembly (critical sections: see docs/runtime-abi.md). */
    LLVMValueRef inlineAsm(LLVMTypeRef type, String code, String constraints) {
        byte[] c = code.getBytes(StandardCharsets.UTF_8), k = constraints.getBytes(StandardCharsets.UTF_8);
        return LLVMGetInlineAsm(type, new BytePointer(code), c.length, new BytePointer(constraints), k.length, 1, 0, LLVMInlineAsmDialectATT, 0);
    }

    void copyBytes(LLVMValueRef dst, LLVMValueRef src, Type t) {
        copyBytes(dst, t.align(), src, t.align(), t);
    }

    /** As above, where one side may be less aligned than {@code t} (a packed state slot). */
    void copyBytes(LLVMValueRef dst, int dstAlign, LLVMValueRef src, int srcAlign, Type t) {
        if (t.size() == 0) return;
        LLVMBuildMemCpy(builder, dst, dstAlign, src, srcAlign, constInt(i32, t.size()));
    }

    /** Loads or stores a value of {@code t} in a state slot, at the alignment the layout guarantees. */
    LLVMValueRef loadSlot(LLVMTypeRef t, LLVMValueRef at, int align) {
        LLVMValueRef load = LLVMBuildLoad2(builder, t, at, "");
        LLVMSetAlignment(load, align);
        return load;
    }

    void storeSlot(LLVMValueRef value, LLVMValueRef at, int align) {
        LLVMSetAlignment(LLVMBuildStore(builder, value, at), align);
    }

    static boolean hasStorage(Type t) {
        return !(t instanceof Type.Unit || t instanceof Type.Never);
    }

    LLVMValueRef constInt(LLVMTypeRef type, long v) { return LLVMConstInt(type, v, 0); }

    /** A scalar constant of type {@code t} from its bits: integers, bools, enums, and f32 by its IEEE bits. */
    LLVMValueRef constScalar(Type t, long bits) {
        if (t instanceof Type.Float32) return LLVMConstBitCast(constInt(i32, bits), f32);
        return constInt(llvmType(t), bits);
    }

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

    /**
     * Gives {@code global} the alignment of its elements. Without an explicit one, LLVM aligns a
     * global over 16 bytes to 16, and each such global pads the flash or RAM before it.
     */
    static void naturalAlignment(LLVMValueRef global) {
        LLVMTypeRef t = LLVMGlobalGetValueType(global);
        while (LLVMGetTypeKind(t) == LLVMArrayTypeKind) t = LLVMGetElementType(t);
        LLVMSetAlignment(global, LLVMABIAlignmentOfType(LLVMGetModuleDataLayout(LLVMGetGlobalParent(global)), t));
    }

    /** A private constant holding {@code bytes}; identical strings share one global. */
    LLVMValueRef stringConstant(byte[] bytes) {
        String key = new String(bytes, StandardCharsets.ISO_8859_1);
        return strings.computeIfAbsent(key, k -> privateBytes(module, bytes));
    }

    /** A new private constant of exactly {@code bytes} (a terminator only if they end with one), byte-aligned. */
    static LLVMValueRef privateBytes(LLVMModuleRef module, byte[] bytes) {
        LLVMValueRef init = LLVMConstStringInContext(LLVMGetModuleContext(module), new BytePointer(bytes), bytes.length, 1);
        LLVMValueRef g = LLVMAddGlobal(module, LLVMTypeOf(init), ".str");
        LLVMSetInitializer(g, init);
        LLVMSetLinkage(g, LLVMPrivateLinkage);
        LLVMSetGlobalConstant(g, 1);
        LLVMSetUnnamedAddr(g, 1);
        LLVMSetAlignment(g, 1);
        return g;
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
        closesChannels = program.closesChannels();
        closedStatics = closesChannels ? program.closedStatics() : java.util.Set.of();
        framesMasked = internedLog != null && program.printsInInterruptHandlers();
        startsTasksInTheirSlots = startsTasksInTheirSlots(program);
        // runtime-c reads it to know whether a channel's count carries a closed flag: constant,
        // so a program that never closes a channel pays nothing for `close`.
        LLVMValueRef closes = LLVMAddGlobal(module, i8, "mote_channels_close");
        LLVMSetInitializer(closes, constInt(i8, closesChannels ? 1 : 0));
        LLVMSetGlobalConstant(closes, 1);
        // One waiting task per side of each channel: runtime-c keeps its id, not a list. Debug
        // builds keep the lists, which the debugger shows as each channel's waiters.
        LLVMValueRef direct = LLVMAddGlobal(module, i8, "mote_channels_direct");
        boolean directChannels = mote.opt.DirectChannels.applies(program, debugBuild);
        if (!directChannels && marksDirectWaits(program))
            throw new IllegalStateException("channel waits laid out without waiter nodes in a program whose channels keep lists");
        LLVMSetInitializer(direct, constInt(i8, directChannels ? 1 : 0));
        LLVMSetGlobalConstant(direct, 1);
        // Their headers a byte per field where everything fits: static channels take 8 bytes less,
        // static signals one byte and their value, at any address.
        compactChannels = runtimeWithProgram && mote.opt.CompactChannels.applies(program, debugBuild);
        LLVMValueRef compact = LLVMAddGlobal(module, i8, "mote_channels_compact");
        LLVMSetInitializer(compact, constInt(i8, compactChannels ? 1 : 0));
        LLVMSetGlobalConstant(compact, 1);
        // One timer at a time: runtime-c needs no clock and no timer queue. Debug builds keep
        // them, for the deadlines the debugger shows.
        // The sleeps' layout decides (mote.opt.TaskTimers marks them; debug builds never do).
        taskTimers = mote.opt.TaskTimers.perTaskClock(program);
        timerFirsts = taskTimers ? mote.opt.TaskTimers.timerFirsts(program) : null;
        singleTimer = mote.opt.TaskTimers.marked(program) && !taskTimers;
        LLVMValueRef single = LLVMAddGlobal(module, i8, "mote_timer_single");
        LLVMSetInitializer(single, constInt(i8, singleTimer ? 1 : 0));
        LLVMSetGlobalConstant(single, 1);
        // With it, whether a sleep can outlast one SysTick period (runtime-c compares).
        LLVMValueRef longest = LLVMAddGlobal(module, i64, "mote_timer_longest_us");
        LLVMSetInitializer(longest, constInt(i64, mote.mir.TimerUse.longestSleepUs(program)));
        LLVMSetGlobalConstant(longest, 1);
        if (debug.di != null) debug.createCompileUnit(program, machines, compactChannels);
        tasks.declareTaskTable(program, machines);
        LLVMValueRef stackWords = LLVMAddGlobal(module, i32, "mote_fault_stack_words");
        LLVMSetInitializer(stackWords, constInt(i32, faultStackWords));
        LLVMSetGlobalConstant(stackWords, 1);
        LLVMValueRef backtrace = LLVMAddGlobal(module, i8, "mote_panic_backtrace");
        LLVMSetInitializer(backtrace, constInt(i8, panicBacktrace ? 1 : 0));
        LLVMSetGlobalConstant(backtrace, 1);
        for (MirProgram.Global g : program.globals()) {
            LLVMValueRef withStrings = g.strings().isEmpty() ? null : imageWithStrings(g);
            int compactBytes = mote.opt.CompactChannels.staticSize(g.type(), compactChannels);
            LLVMTypeRef type = withStrings != null ? LLVMTypeOf(withStrings)
                    : compactBytes != g.type().size() ? LLVMArrayType(i8, compactBytes) : storageType(g.type());
            LLVMValueRef v = LLVMAddGlobal(module, type, SymbolNames.mangle(g.name()));
            if (withStrings != null) {
                LLVMSetInitializer(v, withStrings);
            } else if (Type.isAggregate(g.type())) {
                byte[] image = g.image() != null ? g.image() : new byte[compactBytes];
                LLVMSetInitializer(v, LLVMConstStringInContext(ctx, new BytePointer(image), image.length, 1));
            } else if (g.type() instanceof Type.Ref || !hasStorage(g.type())) {
                LLVMSetInitializer(v, LLVMConstNull(LLVMGlobalGetValueType(v)));
            } else {
                LLVMSetInitializer(v, constScalar(g.type(), g.initialValue()));
            }
            LLVMSetAlignment(v, mote.opt.CompactChannels.staticAlign(g.type(), compactChannels));
            LLVMSetLinkage(v, LLVMInternalLinkage);
            // A channel changes through its methods although the static is not `mut`: it lives in
            // RAM, and starts empty, all zero bytes (.bss).
            if (!g.mutable() && !Type.containsChannel(g.type())) LLVMSetGlobalConstant(v, 1);
            statics.put(g.name(), v);
            if (debug.di != null) debug.declareStatic(g, v);
        }
        if (debug.di != null) debug.declareRegisters(program);
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
                if (irq != null && trackActiveInterrupts) {
                    LLVMValueRef handler = internalFn(SymbolNames.mangle(f.name()), fnType(ret, ps));
                    syncFns.put(f.name(), handler);
                    activeInterruptWrapper(irq, handler);
                } else if (irq != null) {
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
                if (!m.eagerStart()) sm.emitInit(f, m);
                new BodyEmitter(this, f, m).emit(polls.get(f.name()));
            } else {
                new BodyEmitter(this, f, null).emit(syncFns.get(f.name()));
            }
        }
        if (debug.di != null) LLVMSetCurrentDebugLocation2(builder, null);
        if (program.mainFunction() != null) tasks.emitTaskTable(program, machines, panicAbort);
        panicSites.emit();
        if (debug.di != null) LLVMDIBuilderFinalize(debug.di);
    }

    /** {@code mote_irq_<irq>}: its bit set in {@code mote_active_irqs} while {@code handler} runs (see {@link #trackActiveInterrupts}). */
    private void activeInterruptWrapper(int irq, LLVMValueRef handler) {
        LLVMValueRef bits = LLVMGetNamedGlobal(module, "mote_active_irqs");
        if (bits == null || bits.isNull()) {
            LLVMTypeRef words = LLVMArrayType(i32, 8);
            bits = LLVMAddGlobal(module, words, "mote_active_irqs");
            LLVMSetInitializer(bits, LLVMConstNull(words));
            LLVMSetAlignment(bits, 4);
        }
        LLVMValueRef wrapper = LLVMAddFunction(module, "mote_irq_" + irq, fnType(voidType));
        addFnAttr(wrapper, "nounwind");
        LLVMPositionBuilderAtEnd(builder, LLVMAppendBasicBlockInContext(ctx, wrapper, "entry"));
        LLVMValueRef word = offsetPtr(bits, 4 * (irq / 32));
        long bit = 1L << (irq % 32);
        LLVMValueRef before = LLVMBuildLoad2(builder, i32, word, "");
        LLVMSetVolatile(before, 1);
        LLVMSetVolatile(LLVMBuildStore(builder, LLVMBuildOr(builder, before, constInt(i32, bit), ""), word), 1);
        LLVMBuildCall2(builder, LLVMGlobalGetValueType(handler), handler, new PointerPointer<LLVMValueRef>(0), 0, "");
        LLVMValueRef after = LLVMBuildLoad2(builder, i32, word, "");
        LLVMSetVolatile(after, 1);
        LLVMSetVolatile(LLVMBuildStore(builder, LLVMBuildAnd(builder, after, constInt(i32, ~bit & 0xFFFF_FFFFL), ""), word), 1);
        LLVMBuildRetVoid(builder);
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

    MirProgram program;
    /** Whether runtime-c reads channel headers as four bytes (mote.opt.CompactChannels). */
    boolean compactChannels;

    /** Whether any code closes a channel (`ch.close()`): sends and receives then check for it. */
    boolean closesChannels;
    /** The channel statics the program closes; null when a close names no one static (any may be closed). */
    java.util.Set<String> closedStatics;

    /** Whether the channel a send or receive waits on may be closed (and the await must check). */
    boolean mayBeClosed(mote.mir.Callee.Channel ch) {
        return closesChannels && (ch.fixed() == null || closedStatics == null || closedStatics.contains(ch.fixed()));
    }

    /**
     * Whether every `spawn` of the program is certain (CertainSpawns) and of a task with one
     * instance: each then starts its known slot (mote_task_start) and mote_task_claim is not
     * linked. A program with any other spawn claims at every spawn: one runtime function, not two.
     */
    boolean startsTasksInTheirSlots;

    private static boolean startsTasksInTheirSlots(MirProgram program) {
        Map<String, Integer> pools = new HashMap<>();
        for (MirProgram.Task t : program.tasks()) pools.put(t.function(), t.poolSize());
        List<mote.mir.Rvalue.Spawn> spawns = assigned(program).filter(v -> v instanceof mote.mir.Rvalue.Spawn)
                .map(v -> (mote.mir.Rvalue.Spawn) v).toList();
        return !spawns.isEmpty() && spawns.stream().allMatch(sp -> sp.certain() && pools.getOrDefault(sp.task(), 0) == 1);
    }

    /** Whether some channel wait's state was laid out without a waiter node (mote.opt.DirectChannels). */
    private static boolean marksDirectWaits(MirProgram program) {
        return program.functions().stream().flatMap(f -> f.blocks().stream()).map(b -> b.terminator())
                .map(t -> t instanceof mote.mir.Terminator.Await a ? a.callee() : t instanceof mote.mir.Terminator.PollChild pc ? pc.callee() : null)
                .anyMatch(c -> c instanceof Callee.Channel ch && ch.direct());
    }

    /** Every value the program's statements assign, function by function, in order. */
    private static java.util.stream.Stream<mote.mir.Rvalue> assigned(MirProgram program) {
        return program.functions().stream().flatMap(f -> f.blocks().stream()).flatMap(b -> b.statements().stream())
                .filter(st -> st instanceof mote.mir.Statement.Assign).map(st -> ((mote.mir.Statement.Assign) st).value());
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
        if (debug.di != null) LLVMDisposeDIBuilder(debug.di);
        LLVMDisposeBuilder(builder);
        if (!moduleTaken) LLVMDisposeModule(module);
        LLVMContextDispose(ctx);
    }
}

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
 * The task table runtime-c polls (`mote_tasks`: one poll function and state object per task
 * instance, main first), each task's static state objects, and the `F.task` wrapper that polls
 * a task once.
 */
final class TaskTable {
    private final LlvmCodegen cg;

    TaskTable(LlvmCodegen cg) {
        this.cg = cg;
        taskEntryType = LLVMStructTypeInContext(cg.ctx, new PointerPointer<>(new LLVMTypeRef[] {cg.ptr, cg.ptr}), 2, 0);
    }

    /** Slot range {first, count} of each task in the task table: main is slot 0. */
    final Map<String, int[]> taskSlots = new HashMap<>();
    final LLVMTypeRef taskEntryType;
    LLVMValueRef taskTable;

    /** Each task's state objects, one per instance of its pool. */
    final Map<String, LLVMValueRef[]> taskStates = new HashMap<>();

    /** Each task slot's task name, by slot (a pool's name once per instance). */
    List<String> slotNames() {
        int count = 0;
        for (int[] r : taskSlots.values()) count = Math.max(count, r[0] + r[1]);
        String[] names = new String[count];
        for (var e : taskSlots.entrySet())
            for (int i = 0; i < e.getValue()[1]; i++) names[e.getValue()[0] + i] = e.getKey();
        return java.util.Arrays.asList(names);
    }

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
        taskTable = LLVMAddGlobal(cg.module, LLVMArrayType(taskEntryType, next), "mote_tasks");
        LlvmCodegen.naturalAlignment(taskTable);
        for (var e : taskSlots.entrySet()) {
            StateMachine m = machines.get(e.getKey());
            if (m == null) continue;
            LLVMValueRef[] states = new LLVMValueRef[e.getValue()[1]];
            for (int i = 0; i < states.length; i++) {
                // Externally visible on purpose: an internal global would be split by LLVM's
                // GlobalOpt into one global per field (larger code), and the state in memory
                // would no longer be the layout `mote explain` reports.
                String name = SymbolNames.mangle(e.getKey(), "state") + (states.length > 1 ? "." + i : "");
                LLVMTypeRef bytes = LLVMArrayType(cg.i8, Math.max(1, m.size()));
                states[i] = LLVMAddGlobal(cg.module, bytes, name);
                LLVMSetInitializer(states[i], LLVMConstNull(bytes));
                LLVMSetAlignment(states[i], m.align());   // a packed state may need none: its bytes go where they fit
            }
            taskStates.put(e.getKey(), states);
            if (cg.debug.di != null) cg.debug.declareTaskStates(e.getKey(), states);
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
        LLVMValueRef[] polls = new LLVMValueRef[count];
        for (var e : taskSlots.entrySet()) {
            MirFn task = program.function(e.getKey());
            StateMachine m = machines.get(e.getKey());
            LLVMValueRef poll = taskPoll(task, m, e.getKey().equals(program.mainFunction()));
            LLVMValueRef[] states = taskStates.get(e.getKey());
            for (int i = 0; i < states.length; i++)
                entries[e.getValue()[0] + i] = LLVMConstNamedStruct(taskEntryType, LlvmCodegen.values(poll, states[i]), 2);
            if (states.length == 1) polls[e.getValue()[0]] = poll;
        }
        LLVMSetInitializer(taskTable, LLVMConstArray(taskEntryType, LlvmCodegen.values(entries), count));
        LLVMSetGlobalConstant(taskTable, 1);
        emitDirectPoll(program, polls, entries);
        LLVMValueRef status = LLVMAddGlobal(cg.module, LLVMArrayType(cg.i8, count), "mote_task_status");
        LlvmCodegen.naturalAlignment(status);
        LLVMSetInitializer(status, LLVMConstNull(LLVMArrayType(cg.i8, count)));
        LLVMValueRef ready = LLVMAddGlobal(cg.module, LLVMArrayType(cg.i8, count), "mote_task_ready");
        LlvmCodegen.naturalAlignment(ready);
        LLVMSetInitializer(ready, LLVMConstNull(LLVMArrayType(cg.i8, count)));
        if (cg.debugBuild) {   // each task's stack high-water mark (runtime-c/stack_marks.c), for `mote tasks`
            LLVMValueRef marks = LLVMAddGlobal(cg.module, LLVMArrayType(cg.i32, count), "mote_task_stack_marks");
            LlvmCodegen.naturalAlignment(marks);
            LLVMSetInitializer(marks, LLVMConstNull(LLVMArrayType(cg.i32, count)));
        }
        if (cg.taskTimers) emitTimers(count, cg.timerFirsts);
        LLVMValueRef n = LLVMAddGlobal(cg.module, cg.i32, "mote_task_count");
        LLVMSetInitializer(n, cg.constInt(cg.i32, count));
        LLVMSetGlobalConstant(n, 1);
        // --panic=task selects runtime-c's panic-catching poll; null otherwise. Defined either
        // way, so the optimiser knows which poll the executor makes.
        LLVMValueRef poller = LLVMAddGlobal(cg.module, cg.ptr, "mote_task_poller");
        LLVMSetInitializer(poller, panicAbort ? LLVMConstNull(cg.ptr)
                : LLVMAddFunction(cg.module, "mote_poll_catching", cg.fnType(cg.i1, cg.i32)));
        LLVMSetGlobalConstant(poller, 1);
        // Whether the executor may poll a task whatever its status (runtime-c/executor.c): only
        // when a poll of a task that finished is a no-op (returned-pending: its Returned arm
        // answers Pending) and no task is ever poisoned (--panic=task leaves a poisoned task's
        // state mid-way). A never-started slot is never woken: no waiter holds its id.
        boolean harmless = panicAbort && machines.values().stream().allMatch(StateMachine::returnedPending);
        LLVMValueRef stale = LLVMAddGlobal(cg.module, cg.i8, "mote_stale_polls_harmless");
        LLVMSetInitializer(stale, cg.constInt(cg.i8, harmless ? 1 : 0));
        LLVMSetGlobalConstant(stale, 1);
        // main returning an exit code ends the program itself: runtime-c counts no live tasks.
        LLVMValueRef exits = LLVMAddGlobal(cg.module, cg.i8, "mote_main_exits");
        LLVMSetInitializer(exits, cg.constInt(cg.i8, LlvmCodegen.hasStorage(program.function(program.mainFunction()).returnType()) ? 1 : 0));
        LLVMSetGlobalConstant(exits, 1);
    }


    /**
     * `bool mote_poll_task(uint32_t id)`, which runtime-c's executor calls when built for speed:
     * a switch with a direct call of each task whose pool has one instance (its state a
     * constant), so that the optimiser may inline the task into the executor and fold what
     * depends on the task's id (the ready bit its yield sets); pools' slots go through the
     * table, whose calls are indirect. {@code polls}: by slot, null for a pool's slot.
     */
    private void emitDirectPoll(MirProgram program, LLVMValueRef[] polls, LLVMValueRef[] entries) {
        LLVMValueRef f = LLVMAddFunction(cg.module, "mote_poll_task", cg.fnType(cg.i1, cg.i32));
        cg.addFnAttr(f, "nounwind");   // else ARM's unwind tables would link libgcc's unwinder
        // Inlined at each slot the executor's sweep writes out, where the id is a constant:
        // the switch folds to the one task's poll, called once, so that is inlined too.
        cg.addFnAttr(f, "alwaysinline");
        if (cg.debug.di != null) cg.debug.subprogram("mote_poll_task", program.function(program.mainFunction()).span(), f);
        LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(cg.ctx, f, "entry");
        LLVMBasicBlockRef table = LLVMAppendBasicBlockInContext(cg.ctx, f, "table");
        LLVMPositionBuilderAtEnd(cg.builder, entry);
        LLVMValueRef id = LLVMGetParam(f, 0);
        int direct = 0;
        for (LLVMValueRef p : polls) if (p != null) direct++;
        LLVMValueRef sw = LLVMBuildSwitch(cg.builder, id, table, direct);
        LLVMTypeRef pollType = cg.fnType(cg.i1, cg.ptr);
        for (int slot = 0; slot < polls.length; slot++) {
            if (polls[slot] == null) continue;
            LLVMBasicBlockRef b = LLVMAppendBasicBlockInContext(cg.ctx, f, "slot" + slot);
            LLVMAddCase(sw, cg.constInt(cg.i32, slot), b);
            LLVMPositionBuilderAtEnd(cg.builder, b);
            LLVMValueRef state = LLVMGetOperand(entries[slot], 1);
            LLVMBuildRet(cg.builder, LLVMBuildCall2(cg.builder, pollType, polls[slot], LlvmCodegen.values(state), 1, "done"));
        }
        LLVMPositionBuilderAtEnd(cg.builder, table);
        LLVMValueRef slotPtr = LLVMBuildInBoundsGEP2(cg.builder, taskEntryType, taskTable, LlvmCodegen.values(id), 1, "slot");
        LLVMValueRef poll = LLVMBuildLoad2(cg.builder, cg.ptr, LLVMBuildStructGEP2(cg.builder, taskEntryType, slotPtr, 0, "poll.at"), "poll");
        LLVMValueRef state = LLVMBuildLoad2(cg.builder, cg.ptr, LLVMBuildStructGEP2(cg.builder, taskEntryType, slotPtr, 1, "state.at"), "state");
        LLVMBuildRet(cg.builder, LLVMBuildCall2(cg.builder, pollType, poll, LlvmCodegen.values(state), 1, "done"));
    }

    /** `bool task(void *state)`: one poll; true when the task finished (main returning i32 exits instead). */
    LLVMValueRef taskPoll(MirFn task, StateMachine m, boolean isMain) {
        LLVMValueRef f = cg.internalFn(SymbolNames.mangle(task.name(), "task"), cg.fnType(cg.i1, cg.ptr));
        // With debug info the wrapper gets a subprogram too: the task's code is inlined into it,
        // and inlining into a function without one would drop its line numbers.
        if (cg.debug.di != null) cg.debug.subprogram(task.name() + ".task", task.span(), f);
        LLVMPositionBuilderAtEnd(cg.builder, LLVMAppendBasicBlockInContext(cg.ctx, f, "entry"));
        Type result = task.returnType();
        LLVMValueRef out = LlvmCodegen.hasStorage(result) ? LLVMBuildAlloca(cg.builder, cg.llvmType(result), "result") : LLVMConstNull(cg.ptr);
        if (cg.debugBuild) cg.callRuntime("mote_stack_mark_begin");
        LLVMValueRef done = cg.sm.callPoll(task.name(), LLVMGetParam(f, 0), out, false, null);
        if (cg.debugBuild) cg.callRuntime("mote_stack_mark_end");
        if (isMain && m.returnedPending() && m.states().stream().noneMatch(s -> s.kind() == StateMachine.Kind.SUSPENDED)) {
            // A `main` that never suspends is polled once, from one place: its poll and wrapper
            // go into the executor whole. LLVM would not inline them itself: returning an exit
            // code, each call leads to mote_exit and `unreachable` (no size growth allowed there);
            // returning nothing, the inliner took the body for cold and kept its calls out of line
            // (run/slices.mote: 1,410 B, 1,312 with this).
            cg.addFnAttr(f, "alwaysinline");
            cg.addFnAttr(cg.polls.get(task.name()), "alwaysinline");
        }
        if (isMain && LlvmCodegen.hasStorage(result)) {
            LLVMBasicBlockRef exit = LLVMAppendBasicBlockInContext(cg.ctx, f, "exit");
            LLVMBasicBlockRef pending = LLVMAppendBasicBlockInContext(cg.ctx, f, "pending");
            LLVMBuildCondBr(cg.builder, done, exit, pending);
            LLVMPositionBuilderAtEnd(cg.builder, exit);
            cg.callRuntime("mote_exit", LLVMBuildLoad2(cg.builder, cg.i32, out, "code"));
            LLVMBuildUnreachable(cg.builder);
            LLVMPositionBuilderAtEnd(cg.builder, pending);
            LLVMBuildRet(cg.builder, cg.constInt(cg.i1, 0));
        } else {
            LLVMBuildRet(cg.builder, done);
        }
        return f;
    }

    /**
     * runtime-c/timer_task.c's deadlines: one per task slot, or, where a task can have several
     * sleeps pending at once, as many as {@code first} gives each slot, with the tables that say
     * which are whose (mote.opt.TaskTimers.timerFirsts).
     */
    private void emitTimers(int slots, int[] first) {
        boolean several = mote.opt.TaskTimers.severalPerTask(first);
        int timers = several ? first[slots] : slots;
        LLVMValueRef deadlines = LLVMAddGlobal(cg.module, LLVMArrayType(cg.i32, timers), "mote_task_deadlines");
        LlvmCodegen.naturalAlignment(deadlines);
        LLVMSetInitializer(deadlines, LLVMConstNull(LLVMArrayType(cg.i32, timers)));
        LLVMValueRef flag = LLVMAddGlobal(cg.module, cg.i8, "mote_timers_several");
        LLVMSetInitializer(flag, cg.constInt(cg.i8, several ? 1 : 0));
        LLVMSetGlobalConstant(flag, 1);
        if (!several) return;
        LLVMValueRef[] firsts = new LLVMValueRef[slots + 1];
        for (int i = 0; i <= slots; i++) firsts[i] = cg.constInt(cg.i8, first[i]);
        LLVMValueRef[] owners = new LLVMValueRef[timers];
        for (int slot = 0; slot < slots; slot++)
            for (int t = first[slot]; t < first[slot + 1]; t++) owners[t] = cg.constInt(cg.i8, slot);
        constantTable("mote_timer_first", firsts);
        constantTable("mote_timer_owner", owners);
    }

    private void constantTable(String name, LLVMValueRef[] bytes) {
        LLVMValueRef table = LLVMAddGlobal(cg.module, LLVMArrayType(cg.i8, bytes.length), name);
        LLVMSetInitializer(table, LLVMConstArray(cg.i8, LlvmCodegen.values(bytes), bytes.length));
        LLVMSetGlobalConstant(table, 1);
    }
}

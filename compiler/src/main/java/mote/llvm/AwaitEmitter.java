package mote.llvm;

import static org.bytedeco.llvm.global.LLVM.*;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mote.async.StateMachine;
import mote.diag.Span;
import mote.mir.Callee;
import mote.mir.Local;
import mote.mir.MirFn;
import mote.mir.Operand;
import mote.mir.Rvalue;
import mote.mir.Terminator;
import mote.types.Type;
import org.bytedeco.llvm.LLVM.LLVMBasicBlockRef;
import org.bytedeco.llvm.LLVM.LLVMTypeRef;
import org.bytedeco.llvm.LLVM.LLVMValueRef;


/**
 * Awaits in a poll function: the dispatch on the state discriminant that resumes each state
 * (restoring what it kept), saving and returning Pending, and one poll of an awaited future, be it
 * an async fn's state machine, a channel/signal/event wait, a lock or a built-in (sleep, yield_now);
 * starting and cancelling the futures of `join`/`race` children.
 *
 * Separate because it is where the state machine meets the body: the rest of the emitter emits
 * straight-line MIR.
 */
abstract sealed class AwaitEmitter extends PrintEmitter permits BodyEmitter {
    AwaitEmitter(LlvmCodegen cg, MirFn fn, StateMachine machine) { super(cg, fn, machine); }

    /** The poll function's entry: jump on the discriminant to the code that resumes each state. */
    void emitDispatch() {
        self = LLVMGetParam(llvmFn, 0);
        out = LLVMGetParam(llvmFn, 1);
        if (machine.eagerStart()) {
            // The first poll starts the body from the arguments; later ones resume.
            LLVMBasicBlockRef begin = LLVMAppendBasicBlockInContext(cg.ctx, llvmFn, "start");
            LLVMBasicBlockRef resume = LLVMAppendBasicBlockInContext(cg.ctx, llvmFn, "resume");
            LLVMBuildCondBr(cg.builder, LLVMGetParam(llvmFn, 2), begin, resume);
            LLVMPositionBuilderAtEnd(cg.builder, begin);
            List<Local> params = LlvmCodegen.storedParams(fn);
            for (int i = 0; i < params.size(); i++) {
                Local p = params.get(i);
                if (Type.isAggregate(fn.typeOf(p))) cg.copyBytes(slots[p.index()], LLVMGetParam(llvmFn, i + 3), fn.typeOf(p));
                else LLVMBuildStore(cg.builder, LLVMGetParam(llvmFn, i + 3), slots[p.index()]);
            }
            LLVMBuildBr(cg.builder, blocks[0]);
            LLVMPositionBuilderAtEnd(cg.builder, resume);
        }
        LLVMTypeRef tagType = LLVMIntTypeInContext(cg.ctx, machine.tagSize() * 8);
        LLVMValueRef tag = LLVMBuildLoad2(cg.builder, tagType, cg.offsetPtr(self, machine.tagOffset()), "state");
        LLVMBasicBlockRef invalid = LLVMAppendBasicBlockInContext(cg.ctx, llvmFn, "invalid");
        LLVMValueRef sw = LLVMBuildSwitch(cg.builder, tag, invalid, machine.states().size());
        for (StateMachine.State s : machine.states()) {
            LLVMBasicBlockRef target = LLVMAppendBasicBlockInContext(cg.ctx, llvmFn, s.name().toLowerCase());
            LLVMAddCase(sw, cg.constInt(tagType, s.index()), target);
            LLVMPositionBuilderAtEnd(cg.builder, target);
            switch (s.kind()) {
                case UNRESUMED -> {
                    for (StateMachine.Slot slot : s.saved()) restore(slot);
                    LLVMBuildBr(cg.builder, blocks[0]);
                }
                case RETURNED -> {
                    // `main` returning an exit code ends the program when it returns, and is
                    // never awaited: the arm is dead, and saying so leaves the executor's
                    // inlined dispatch one compare shorter. (Other tasks may see a stale
                    // wake-up after they finished: TaskTable's mote_stale_polls_harmless.)
                    if (machine.returnedPending() && exitsProgram()) LLVMBuildUnreachable(cg.builder);
                    else if (machine.returnedPending()) LLVMBuildRet(cg.builder, cg.constInt(cg.i1, 0));
                    else panicWith("`async fn` resumed after completion", fn.span());
                }
                case PANICKED -> panicWith("`async fn` resumed after panicking", fn.span());
                case SUSPENDED -> {
                    if (scope != null) cg.debug.atAwait(fn, s.awaitBlock(), scope);
                    for (StateMachine.Slot slot : s.saved()) restore(slot);
                    if (describesKeptLocals()) cg.debug.keptInState(declared, self, s, LLVMGetInsertBlock(cg.builder));
                    if (s.awaitee() != null) pollAndBranch(s, false, null);
                    else LLVMBuildBr(cg.builder, blocks[((Terminator.Suspend) fn.block(s.awaitBlock()).terminator()).resume().index()]);
                }
            }
        }
        LLVMPositionBuilderAtEnd(cg.builder, invalid);
        LLVMBuildUnreachable(cg.builder);
        if (scope != null) LLVMSetCurrentDebugLocation2(cg.builder, cg.debug.fnLocation(fn, scope));
    }

    /** This is `main` returning an exit code: its return ends the program (mote_exit). */
    private boolean exitsProgram() {
        return fn.name().equals(cg.program.mainFunction()) && LlvmCodegen.hasStorage(fn.returnType());
    }

    void restore(StateMachine.Slot slot) {
        if (!LlvmCodegen.hasStorage(slot.type())) return;
        int align = machine.accessAlign(slot);
        if (Type.isAggregate(slot.type())) {
            cg.copyBytes(slots[slot.local().index()], slot.type().align(), cg.offsetPtr(self, slot.offset()), align, slot.type());
            return;
        }
        LLVMBuildStore(cg.builder, cg.sm.loadSaved(self, machine, slot), slots[slot.local().index()]);
    }

    void save(StateMachine.Slot slot) {
        if (!LlvmCodegen.hasStorage(slot.type())) return;
        int align = machine.accessAlign(slot);
        if (Type.isAggregate(slot.type())) {
            cg.copyBytes(cg.offsetPtr(self, slot.offset()), align, slots[slot.local().index()], slot.type().align(), slot.type());
            return;
        }
        LLVMTypeRef t = cg.llvmType(slot.type());
        LLVMValueRef value = LLVMBuildLoad2(cg.builder, t, slots[slot.local().index()], "");
        if (slot.narrowed()) value = LLVMBuildTrunc(cg.builder, value, cg.llvmType(slot.storage()), "");
        cg.storeSlot(value, cg.offsetPtr(self, slot.offset()), align);
    }

    final Map<Integer, LLVMBasicBlockRef> pendingBlocks = new HashMap<>();

    /**
     * Polls the awaitee of state {@code s} from the current block: on Ready, continue after
     * the await; on Pending, go to the state's pending block. {@code startArgs} (non-null
     * only for the first poll of an eager-start callee) are the callee's arguments.
     */
    void pollAndBranch(StateMachine.State s, boolean start, LLVMValueRef[] startArgs) {
        Terminator.Await await = (Terminator.Await) fn.block(s.awaitBlock()).terminator();
        if (await.callee() == Callee.Builtin.YIELD_NOW) {
            // Only the await's first poll suspends in s (yieldOnce), so every poll in s is the second.
            LLVMBuildBr(cg.builder, blocks[await.resume().index()]);
            return;
        }
        LLVMValueRef ready = pollFuture(await.callee(), cg.offsetPtr(self, s.awaitee().offset()), await.dest(), start, startArgs, await.span());
        LLVMBuildCondBr(cg.builder, ready, blocks[await.resume().index()], pendingBlock(s));
    }

    /** One poll of the future of {@code callee} stored at {@code child}; yields the i1 "ready". */
    LLVMValueRef pollFuture(Callee callee, LLVMValueRef child, Local destLocal, boolean start, LLVMValueRef[] startArgs, Span span) {
        if (callee instanceof Callee.Function f) {
            LLVMValueRef dest = storage(destLocal);
            Type t = fn.typeOf(destLocal);
            if (!sharesResultSlots() || !ownStackSlot(destLocal) || Type.isAggregate(t))
                return cg.sm.callPoll(f.name(), child, dest, start, startArgs);
            // The result goes through the function's shared scratch slot: see scratch(). Only a
            // Ready poll's result moves to the destination: after a Pending one the slot holds
            // another await's value, and a `join` sibling may still read the destination.
            LLVMValueRef shared = scratch(t);
            LLVMValueRef ready = cg.sm.callPoll(f.name(), child, shared, start, startArgs);
            LLVMTypeRef type = cg.llvmType(t);
            LLVMValueRef value = LLVMBuildSelect(cg.builder, ready, LLVMBuildLoad2(cg.builder, type, shared, ""),
                    LLVMBuildLoad2(cg.builder, type, dest, ""), "");
            LLVMBuildStore(cg.builder, value, dest);
            return ready;
        }
        if (callee instanceof Callee.Channel ch) return pollChannel(ch, child, destLocal, span);
        if (callee instanceof Callee.Builtin b) return pollBuiltin(b, child);
        if (callee instanceof Callee.Lock) {
            LLVMValueRef mutex = LLVMBuildLoad2(cg.builder, cg.ptr, cg.offsetPtr(child, Callee.Lock.MUTEX_PTR), "mutex");
            return cg.callRuntime("mote_mutex_lock", mutex, child);
        }
        throw new IllegalStateException("unhandled callee " + callee);
    }

    /**
     * Awaits of async fns in this function past which their results share one slot per type
     * ({@link #scratch}). A slot per await costs a stack word per await where the callee is not
     * inlined, nothing where it is; the shared slot costs a copy after each poll. A handful of
     * awaits keep their own slots (smaller code); a function awaiting this many results or more,
     * as generated or long hand-written sequences do, shares them.
     */
    static final int SHARED_RESULT_SLOTS_FROM = 16;

    private Boolean sharesResultSlots;

    private boolean sharesResultSlots() {
        if (sharesResultSlots == null) {
            int results = 0;
            for (var b : fn.blocks()) {
                Terminator t = b.terminator();
                if (t instanceof Terminator.Await a && a.callee() instanceof Callee.Function && !Type.isAggregate(fn.typeOf(a.dest()))) results++;
                if (t instanceof Terminator.PollChild c && c.callee() instanceof Callee.Function && !Type.isAggregate(fn.typeOf(c.dest()))) results++;
            }
            sharesResultSlots = results >= SHARED_RESULT_SLOTS_FROM;
        }
        return sharesResultSlots;
    }

    /** Whether {@code local} has a stack slot of its own (not a place in the state object, not a value without storage). */
    private boolean ownStackSlot(Local local) {
        if (!LlvmCodegen.hasStorage(fn.typeOf(local)) || temps[local.index()] || slots[local.index()] == null) return false;
        return machine == null || machine.pinnedSlot(local) == null;
    }

    /**
     * Creates the future of {@code callee} at {@code child} and polls it once: the first poll
     * of an await or of a `join`/`race` child. Yields the i1 "ready".
     */
    LLVMValueRef startFuture(Callee callee, LLVMValueRef child, List<Operand> args, Local dest, Span span) {
        List<LLVMValueRef> argValues = new java.util.ArrayList<>();
        for (Operand op : args) {
            LLVMValueRef v = operand(op);
            if (v != null) argValues.add(v);
        }
        if (callee instanceof Callee.Function f && !cg.callees.get(f.name()).eagerStart()) {
            LLVMValueRef init = cg.inits.get(f.name());
            LLVMValueRef[] initArgs = new LLVMValueRef[1 + argValues.size()];
            initArgs[0] = child;
            for (int k = 0; k < argValues.size(); k++) initArgs[k + 1] = argValues.get(k);
            LLVMBuildCall2(cg.builder, LLVMGlobalGetValueType(init), init, LlvmCodegen.values(initArgs), initArgs.length, "");
            return pollFuture(callee, child, dest, false, null, span);
        }
        if (callee instanceof Callee.Function) return pollFuture(callee, child, dest, true, argValues.toArray(LLVMValueRef[]::new), span);
        if (callee instanceof Callee.Channel ch) {
            // An idle waiter node (none for a direct channel), the channel (none for a fixed
            // one), and for a send the item (kept until sent). The node is 8 bytes aligned to 4
            // (struct mote_waiter): say so, not i64's 8.
            if (!ch.direct()) LLVMSetAlignment(LLVMBuildStore(cg.builder, cg.constInt(cg.i64, 0), child), 4);
            if (ch.keepsPointer()) LLVMBuildStore(cg.builder, argValues.get(0), cg.offsetPtr(child, ch.channelOffset()));
            if (ch.send()) storeOperand(cg.offsetPtr(child, ch.itemOffset()), args.get(1), ch.channel().element());
        } else if (callee instanceof Callee.Lock) {
            // An idle waiter node (8 bytes, align 4), then the mutex.
            LLVMSetAlignment(LLVMBuildStore(cg.builder, cg.constInt(cg.i64, 0), child), 4);
            LLVMBuildStore(cg.builder, argValues.get(0), cg.offsetPtr(child, Callee.Lock.MUTEX_PTR));
        } else if (callee == Callee.Builtin.YIELD_NOW) {
            LLVMBuildStore(cg.builder, cg.constInt(cg.i8, 0), child);
        } else if (callee instanceof Callee.Builtin b && b.isSleep()) {
            // A sleep: an idle (zeroed) timer node, polled with the duration (the deadline for
            // sleep_until) in microseconds, from which the idle node takes its deadline. One
            // timer at a time or one per task (TaskTimers), the state is the node's state byte.
            if (b.perTask()) {
                LLVMBuildStore(cg.builder, cg.constInt(cg.i8, 0), child);
            } else {
                LLVMBuildStore(cg.builder, cg.constInt(cg.i64, 0), child);
                LLVMBuildStore(cg.builder, cg.constInt(cg.i64, 0), cg.offsetPtr(child, 8));
            }
            LLVMValueRef us = LLVMBuildZExt(cg.builder, argValues.get(0), cg.i64, "");
            if (b.millis()) us = LLVMBuildMul(cg.builder, us, cg.constInt(cg.i64, 1000), "");
            return pollSleep(b, child, us);
        } else {
            throw new IllegalStateException("unhandled callee " + callee);
        }
        return pollFuture(callee, child, dest, false, null, span);
    }

    /**
     * The first poll of an awaited yield_now, which always suspends: wake the task, go to the
     * pending block of {@code s}. Its resume in s needs no flag to know it is the second poll
     * (pollAndBranch), so a yield costs a wake and the state's tag, not a byte to load and store.
     * A `join`/`race` child, polled again whenever a sibling wakes the task, keeps the flag.
     * Debug builds still set it, for the debugger's view of the future.
     */
    void yieldOnce(StateMachine.State s, LLVMValueRef child) {
        if (cg.debugBuild) LLVMBuildStore(cg.builder, cg.constInt(cg.i8, 1), child);
        cg.callRuntime("mote_wake_current");
        LLVMBuildBr(cg.builder, pendingBlock(s));
    }

    /** Save what state {@code s} keeps, set the discriminant, return Pending: shared by all polls of s. */
    LLVMBasicBlockRef pendingBlock(StateMachine.State s) {
        LLVMBasicBlockRef existing = pendingBlocks.get(s.index());
        if (existing != null) return existing;
        LLVMBasicBlockRef saved = LLVMGetInsertBlock(cg.builder);
        LLVMBasicBlockRef pending = LLVMAppendBasicBlockInContext(cg.ctx, llvmFn, "pending." + s.name().toLowerCase());
        pendingBlocks.put(s.index(), pending);
        LLVMPositionBuilderAtEnd(cg.builder, pending);
        for (StateMachine.Slot slot : s.saved()) save(slot);
        cg.sm.storeTag(self, machine, s.index());
        LLVMBuildRet(cg.builder, cg.constInt(cg.i1, 0));
        LLVMPositionBuilderAtEnd(cg.builder, saved);
        return pending;
    }

    /** Abandons the pending future of {@code callee} at {@code child} (a losing `race` branch). */
    void cancelFuture(Callee callee, LLVMValueRef child) {
        cg.sm.emitCancel(callee, child);
    }

    /**
     * A channel send or receive: runtime-c is called at every poll with the same waiter node.
     * In a program that closes channels, a send to a closed channel and a receive from a
     * closed, drained one panic here (where the location is known), and `next` gives None;
     * not on a static the program never closes ({@link LlvmCodegen#mayBeClosed}).
     */
    LLVMValueRef pollChannel(Callee.Channel ch, LLVMValueRef state, Local dest, Span span) {
        LLVMValueRef channel = cg.sm.channelOf(ch, state);
        if (ch.next()) return pollNext(ch, channel, state, dest);
        if (cg.mayBeClosed(ch) && !ch.channel().signal() && !ch.channel().isEvent()) {
            LLVMValueRef stop = cg.callRuntime(ch.send() ? "mote_channel_closed" : "mote_channel_drained", channel);
            LLVMValueRef function = LLVMGetBasicBlockParent(LLVMGetInsertBlock(cg.builder));
            LLVMBasicBlockRef fail = LLVMAppendBasicBlockInContext(cg.ctx, function, "closed"), go = LLVMAppendBasicBlockInContext(cg.ctx, function, "open");
            LLVMBuildCondBr(cg.builder, stop, fail, go);
            LLVMPositionBuilderAtEnd(cg.builder, fail);
            panicWith(ch.send() ? "send on a closed channel" : "receive on a closed and empty channel", span);
            LLVMPositionBuilderAtEnd(cg.builder, go);
        }
        if (ch.send()) return cg.callRuntime("mote_channel_send", channel, cg.offsetPtr(state, ch.itemOffset()), state, cg.shape(ch.channel()));
        if (ch.channel().isEvent()) return cg.callRuntime("mote_event_wait", channel, storage(dest), state, eventShape(ch.channel()));
        return cg.callRuntime(ch.channel().signal() ? "mote_signal_wait" : "mote_channel_recv", channel, storage(dest), state, cg.shape(ch.channel()));
    }

    /** `ch.next()`: None (at once) when the channel is closed and drained, else a receive into Some's payload. */
    LLVMValueRef pollNext(Callee.Channel ch, LLVMValueRef channel, LLVMValueRef state, Local dest) {
        Type.Sum option = (Type.Sum) fn.typeOf(dest);
        LLVMValueRef out = storage(dest);
        LLVMValueRef function = LLVMGetBasicBlockParent(LLVMGetInsertBlock(cg.builder));
        LLVMBasicBlockRef none = LLVMAppendBasicBlockInContext(cg.ctx, function, "next.none"), poll = LLVMAppendBasicBlockInContext(cg.ctx, function, "next.poll");
        LLVMBasicBlockRef some = LLVMAppendBasicBlockInContext(cg.ctx, function, "next.some"), done = LLVMAppendBasicBlockInContext(cg.ctx, function, "next.done");
        LLVMBuildCondBr(cg.builder, cg.callRuntime("mote_channel_drained", channel), none, poll);
        LLVMPositionBuilderAtEnd(cg.builder, none);
        cg.callRuntime("mote_channel_cancel", channel, state, cg.shape(ch.channel()));   // leaves the waiters if it was one
        variantInto(out, new Rvalue.Variant(option, 0, List.of()));
        LLVMBuildBr(cg.builder, done);
        LLVMPositionBuilderAtEnd(cg.builder, poll);
        LLVMValueRef got = cg.callRuntime("mote_channel_recv", channel, cg.offsetPtr(out, option.fieldOffset(1, 0)), state, cg.shape(ch.channel()));
        LLVMBasicBlockRef pollEnd = LLVMGetInsertBlock(cg.builder);
        LLVMBuildCondBr(cg.builder, got, some, done);
        LLVMPositionBuilderAtEnd(cg.builder, some);
        variantInto(out, new Rvalue.Variant(option, 1, List.of()));
        LLVMBuildBr(cg.builder, done);
        LLVMPositionBuilderAtEnd(cg.builder, done);
        LLVMValueRef ready = LLVMBuildPhi(cg.builder, cg.i1, "ready");
        phiIncoming(ready, LLVMConstInt(cg.i1, 1, 0), none);
        phiIncoming(ready, LLVMConstInt(cg.i1, 0, 0), pollEnd);
        phiIncoming(ready, LLVMConstInt(cg.i1, 1, 0), some);
        return ready;
    }

    /** An Event's shape for runtime-c: the value's size, and where a waiter node keeps it (bits 16 up). */
    LLVMValueRef eventShape(Type.Channel event) {
        return cg.constInt(cg.i32, event.element().size() | (long) new Callee.Channel(false, event).itemOffset() << 16);
    }

    /** A poll of the sleep at {@code node}: {@code us} (a deadline for sleep_until) is read only while the node is idle. */
    LLVMValueRef pollSleep(Callee.Builtin sleep, LLVMValueRef node, LLVMValueRef us) {
        if (sleep.perTask() && cg.singleTimer) return cg.callRuntime("mote_single_sleep_us", node, us);
        if (sleep.perTask())   // TaskTimers.LONGEST_US: the duration fits 32 bits
            return cg.callRuntime("mote_task_sleep_us", node, LLVMBuildTrunc(cg.builder, us, cg.i32, ""));
        return cg.callRuntime(sleep == Callee.Builtin.SLEEP_UNTIL ? "mote_sleep_until_us" : "mote_sleep_us", node, us);
    }

    /** yield_now: the first poll wakes the task and returns Pending, the second is Ready. */
    LLVMValueRef pollBuiltin(Callee.Builtin b, LLVMValueRef state) {
        switch (b) {
            case SLEEP_MS, SLEEP_US, SLEEP_UNTIL, TASK_SLEEP_MS, TASK_SLEEP_US -> {
                // The same node (or state byte) every poll: runtime-c keeps it linked until the
                // deadline, so after the first poll it has no use for the duration.
                return pollSleep(b, state, cg.constInt(cg.i64, 0));
            }
            case YIELD_NOW -> {
                LLVMValueRef yielded = LLVMBuildLoad2(cg.builder, cg.i8, state, "yielded");
                LLVMValueRef ready = LLVMBuildICmp(cg.builder, LLVMIntNE, yielded, cg.constInt(cg.i8, 0), "");
                LLVMBasicBlockRef first = LLVMAppendBasicBlockInContext(cg.ctx, llvmFn, "yield.first");
                LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(cg.ctx, llvmFn, "yield.join");
                LLVMBuildCondBr(cg.builder, ready, join, first);
                LLVMPositionBuilderAtEnd(cg.builder, first);
                LLVMBuildStore(cg.builder, cg.constInt(cg.i8, 1), state);
                cg.callRuntime("mote_wake_current");
                LLVMBuildBr(cg.builder, join);
                LLVMPositionBuilderAtEnd(cg.builder, join);
                return ready;
            }
        }
        throw new IllegalStateException("builtin " + b);
    }
}

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
import mote.types.FormatSpec;
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
 * Emits one function's body: a sync fn, or the poll function of an async fn's state machine
 * (whose dispatch, saving and resuming it drives through {@link StateMachineEmitter}). One per
 * function; the module-wide state (types, runtime declarations, symbols) is {@link LlvmCodegen}'s.
 */
final class BodyEmitter {
    private final LlvmCodegen cg;
    private final MirFn fn;
    private final StateMachine machine;
    private final LLVMValueRef[] slots;
    private final LLVMBasicBlockRef[] blocks;
    private LLVMValueRef llvmFn;
    private LLVMValueRef self, out, sret;

    BodyEmitter(LlvmCodegen cg, MirFn fn, StateMachine machine) {
        this.cg = cg;
        this.fn = fn;
        this.machine = machine;
        this.slots = new LLVMValueRef[fn.locals().size()];
        this.blocks = new LLVMBasicBlockRef[fn.blocks().size()];
    }

    private org.bytedeco.llvm.LLVM.LLVMMetadataRef scope;
    /** The named locals' DWARF variables; null without debug info. */
    private Map<Local, DebugInfo.Declared> declared;

    /** `--debug` builds with DWARF describe a kept local at its slot in the state object (DebugInfo.keptInState). */
    private boolean describesKeptLocals() {
        return declared != null && cg.debugBuild && machine != null;
    }

    void emit(LLVMValueRef function) {
        llvmFn = function;
        if (cg.debug.di != null) scope = cg.debug.subprogram(fn, llvmFn);
        LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(cg.ctx, llvmFn, "entry");
        LLVMPositionBuilderAtEnd(cg.builder, entry);
        if (machine != null) self = LLVMGetParam(llvmFn, 0);
        for (int i = 0; i < slots.length; i++) {
            Type t = fn.locals().get(i).type();
            if (!LlvmCodegen.hasStorage(t)) continue;
            StateMachine.Slot pinned = machine == null ? null : machine.pinnedSlot(new Local(i));
            if (pinned != null) {   // borrowed: lives in the state object, see AsyncLowering
                slots[i] = cg.offsetPtr(self, pinned.offset());
                continue;
            }
            slots[i] = LLVMBuildAlloca(cg.builder, cg.llvmType(t), fn.locals().get(i).name() == null ? "" : fn.locals().get(i).name());
            LLVMSetAlignment(slots[i], Math.max(1, t.align()));
        }
        if (scope != null) declared = cg.debug.declareLocals(fn, machine, slots, self, scope, entry);
        for (int i = 0; i < blocks.length; i++) blocks[i] = LLVMAppendBasicBlockInContext(cg.ctx, llvmFn, "bb" + i);
        if (machine == null) {
            List<Local> params = LlvmCodegen.storedParams(fn);
            sret = Type.isAggregate(fn.returnType()) ? LLVMGetParam(llvmFn, 0) : null;
            int first = sret != null ? 1 : 0;
            for (int i = 0; i < params.size(); i++) {
                Local p = params.get(i);
                if (Type.isAggregate(fn.typeOf(p))) cg.copyBytes(slots[p.index()], LLVMGetParam(llvmFn, i + first), fn.typeOf(p));
                else LLVMBuildStore(cg.builder, LLVMGetParam(llvmFn, i + first), slots[p.index()]);
            }
            LLVMBuildBr(cg.builder, blocks[0]);
        } else {
            emitDispatch();
        }
        for (int i = 0; i < blocks.length; i++) {
            LLVMPositionBuilderAtEnd(cg.builder, blocks[i]);
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
                    if (machine.returnedPending()) LLVMBuildRet(cg.builder, cg.constInt(cg.i1, 0));
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

    private void restore(StateMachine.Slot slot) {
        if (!LlvmCodegen.hasStorage(slot.type())) return;
        if (Type.isAggregate(slot.type())) { cg.copyBytes(slots[slot.local().index()], cg.offsetPtr(self, slot.offset()), slot.type()); return; }
        LLVMTypeRef t = cg.llvmType(slot.type());
        LLVMBuildStore(cg.builder, LLVMBuildLoad2(cg.builder, t, cg.offsetPtr(self, slot.offset()), ""), slots[slot.local().index()]);
    }

    private void save(StateMachine.Slot slot) {
        if (!LlvmCodegen.hasStorage(slot.type())) return;
        if (Type.isAggregate(slot.type())) { cg.copyBytes(cg.offsetPtr(self, slot.offset()), slots[slot.local().index()], slot.type()); return; }
        LLVMTypeRef t = cg.llvmType(slot.type());
        LLVMBuildStore(cg.builder, LLVMBuildLoad2(cg.builder, t, slots[slot.local().index()], ""), cg.offsetPtr(self, slot.offset()));
    }

    private final Map<Integer, LLVMBasicBlockRef> pendingBlocks = new HashMap<>();

    /**
     * Polls the awaitee of state {@code s} from the current block: on Ready, continue after
     * the await; on Pending, go to the state's pending block. {@code startArgs} (non-null
     * only for the first poll of an eager-start callee) are the callee's arguments.
     */
    private void pollAndBranch(StateMachine.State s, boolean start, LLVMValueRef[] startArgs) {
        Terminator.Await await = (Terminator.Await) fn.block(s.awaitBlock()).terminator();
        LLVMValueRef ready = pollFuture(await.callee(), cg.offsetPtr(self, s.awaitee().offset()), await.dest(), start, startArgs, await.span());
        LLVMBuildCondBr(cg.builder, ready, blocks[await.resume().index()], pendingBlock(s));
    }

    /** One poll of the future of {@code callee} stored at {@code child}; yields the i1 "ready". */
    private LLVMValueRef pollFuture(Callee callee, LLVMValueRef child, Local destLocal, boolean start, LLVMValueRef[] startArgs, Span span) {
        if (callee instanceof Callee.Function f) {
            LLVMValueRef dest = storage(destLocal);
            return cg.sm.callPoll(f.name(), child, dest, start, startArgs);
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
     * Creates the future of {@code callee} at {@code child} and polls it once: the first poll
     * of an await or of a `join`/`race` child. Yields the i1 "ready".
     */
    private LLVMValueRef startFuture(Callee callee, LLVMValueRef child, List<Operand> args, Local dest, Span span) {
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
            // An idle waiter node, the channel, and for a send the item (kept until sent).
            // The node is 8 bytes aligned to 4 (struct mote_waiter): say so, not i64's 8.
            LLVMSetAlignment(LLVMBuildStore(cg.builder, cg.constInt(cg.i64, 0), child), 4);
            LLVMBuildStore(cg.builder, argValues.get(0), cg.offsetPtr(child, Callee.Channel.CHANNEL_PTR));
            if (ch.send()) storeOperand(cg.offsetPtr(child, ch.itemOffset()), args.get(1), ch.channel().element());
        } else if (callee instanceof Callee.Lock) {
            // An idle waiter node (8 bytes, align 4), then the mutex.
            LLVMSetAlignment(LLVMBuildStore(cg.builder, cg.constInt(cg.i64, 0), child), 4);
            LLVMBuildStore(cg.builder, argValues.get(0), cg.offsetPtr(child, Callee.Lock.MUTEX_PTR));
        } else if (callee == Callee.Builtin.YIELD_NOW) {
            LLVMBuildStore(cg.builder, cg.constInt(cg.i8, 0), child);
        } else if (callee instanceof Callee.Builtin b && b.isSleep()) {
            // A sleep: an idle (zeroed) timer node, then the duration (the deadline for sleep_until) in microseconds.
            LLVMBuildStore(cg.builder, cg.constInt(cg.i64, 0), child);
            LLVMBuildStore(cg.builder, cg.constInt(cg.i64, 0), cg.offsetPtr(child, 8));
            LLVMValueRef us = LLVMBuildZExt(cg.builder, argValues.get(0), cg.i64, "");
            if (callee == Callee.Builtin.SLEEP_MS) us = LLVMBuildMul(cg.builder, us, cg.constInt(cg.i64, 1000), "");
            LLVMBuildStore(cg.builder, us, cg.offsetPtr(child, 16));
        } else {
            throw new IllegalStateException("unhandled callee " + callee);
        }
        return pollFuture(callee, child, dest, false, null, span);
    }

    /** Save what state {@code s} keeps, set the discriminant, return Pending: shared by all polls of s. */
    private LLVMBasicBlockRef pendingBlock(StateMachine.State s) {
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
    private void cancelFuture(Callee callee, LLVMValueRef child) {
        cg.sm.emitCancel(callee, child);
    }

    /**
     * A channel send or receive: runtime-c is called at every poll with the same waiter node.
     * In a program that closes channels, a send to a closed channel and a receive from a
     * closed, drained one panic here (where the location is known), and `next` gives None.
     */
    private LLVMValueRef pollChannel(Callee.Channel ch, LLVMValueRef state, Local dest, Span span) {
        LLVMValueRef channel = LLVMBuildLoad2(cg.builder, cg.ptr, cg.offsetPtr(state, Callee.Channel.CHANNEL_PTR), "channel");
        if (ch.next()) return pollNext(ch, channel, state, dest);
        if (cg.closesChannels && !ch.channel().signal() && !ch.channel().isEvent()) {
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
        return cg.callRuntime("mote_channel_recv", channel, storage(dest), state, cg.shape(ch.channel()));
    }

    /** `ch.next()`: None (at once) when the channel is closed and drained, else a receive into Some's payload. */
    private LLVMValueRef pollNext(Callee.Channel ch, LLVMValueRef channel, LLVMValueRef state, Local dest) {
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
    private LLVMValueRef eventShape(Type.Channel event) {
        return cg.constInt(cg.i32, event.element().size() | (long) new Callee.Channel(false, event).itemOffset() << 16);
    }

    /** yield_now: the first poll wakes the task and returns Pending, the second is Ready. */
    private LLVMValueRef pollBuiltin(Callee.Builtin b, LLVMValueRef state) {
        switch (b) {
            case SLEEP_MS, SLEEP_US -> {
                // runtime-c keeps the node in its timer queue until the deadline; same node every poll.
                LLVMValueRef us = LLVMBuildLoad2(cg.builder, cg.i64, cg.offsetPtr(state, 16), "us");
                return cg.callRuntime("mote_sleep_us", state, us);
            }
            case SLEEP_UNTIL -> {
                LLVMValueRef at = LLVMBuildLoad2(cg.builder, cg.i64, cg.offsetPtr(state, 16), "at");
                return cg.callRuntime("mote_sleep_until_us", state, at);
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

    /**
     * Claims a free instance of the task's pool; when there is one, initialises its state
     * object (Unresumed, with the arguments) before the executor polls it. Yields the i1 "claimed".
     */
    private LLVMValueRef spawn(Rvalue.Spawn sp) {
        int[] slots = cg.tasks.taskSlots.get(sp.task());
        LLVMValueRef id = cg.callRuntime("mote_task_claim", cg.constInt(cg.i32, slots[0]), cg.constInt(cg.i32, slots[1]));
        // A certain spawn always gets an instance: no test of the claim.
        LLVMValueRef claimed = sp.certain() ? LLVMConstInt(cg.i1, 1, 0) : LLVMBuildICmp(cg.builder, LLVMIntSGE, id, cg.constInt(cg.i32, 0), "claimed");
        LLVMBasicBlockRef start = LLVMAppendBasicBlockInContext(cg.ctx, llvmFn, "spawn.start");
        LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(cg.ctx, llvmFn, "spawn.done");
        if (sp.certain()) LLVMBuildBr(cg.builder, start); else LLVMBuildCondBr(cg.builder, claimed, start, done);
        LLVMPositionBuilderAtEnd(cg.builder, start);
        LLVMValueRef[] states = cg.tasks.taskStates.get(sp.task());
        LLVMValueRef state;
        if (states.length == 1) {
            state = states[0];   // one instance: its state object, no table lookup
        } else {
            LLVMValueRef entry = LLVMBuildInBoundsGEP2(cg.builder, cg.tasks.taskEntryType, cg.tasks.taskTable, LlvmCodegen.values(id), 1, "");
            state = LLVMBuildLoad2(cg.builder, cg.ptr, LLVMBuildStructGEP2(cg.builder, cg.tasks.taskEntryType, entry, 1, ""), "state");
        }
        LLVMValueRef init = cg.inits.get(sp.task());
        List<LLVMValueRef> args = new java.util.ArrayList<>();
        args.add(state);
        for (Operand op : sp.args()) {
            LLVMValueRef v = operand(op);
            if (v != null) args.add(v);
        }
        LLVMBuildCall2(cg.builder, LLVMGlobalGetValueType(init), init, LlvmCodegen.values(args.toArray(LLVMValueRef[]::new)), args.size(), "");
        LLVMBuildBr(cg.builder, done);
        LLVMPositionBuilderAtEnd(cg.builder, done);
        return claimed;
    }

    /** try_send / try_recv / raise: the item goes through memory, as runtime-c copies bytes. */
    private LLVMValueRef channelOp(Rvalue.ChannelOp op) {
        LLVMValueRef channel = operand(op.args().get(0));
        Type element = op.channel().element();
        switch (op.op()) {
            case "close":
                cg.callRuntime("mote_channel_close", channel, cg.shape(op.channel()));
                return null;
            case "try_recv":
                return cg.callRuntime("mote_channel_try_recv", channel, operand(op.args().get(1)), cg.shape(op.channel()));
            case "try_send":
            case "emit":
            case "raise": {
                LLVMValueRef item = Type.isAggregate(element) ? operand(op.args().get(1)) : itemInMemory(op.args().get(1), element);
                if (op.op().equals("raise")) {
                    cg.callRuntime("mote_signal_raise", channel, item, cg.shape(op.channel()));
                    return null;
                }
                if (op.op().equals("emit")) {
                    cg.callRuntime("mote_event_emit", channel, item, eventShape(op.channel()));
                    return null;
                }
                return cg.callRuntime("mote_channel_try_send", channel, item, cg.shape(op.channel()));
            }
            default:
                throw new IllegalStateException("channel op " + op.op());
        }
    }

    private LLVMValueRef itemInMemory(Operand value, Type element) {
        if (!LlvmCodegen.hasStorage(element)) return LLVMConstNull(cg.ptr);   // zero bytes: runtime-c copies none
        LLVMBasicBlockRef here = LLVMGetInsertBlock(cg.builder);
        LLVMBasicBlockRef entry = LLVMGetEntryBasicBlock(llvmFn);
        LLVMValueRef first = LLVMGetFirstInstruction(entry);
        if (first != null && !first.isNull()) LLVMPositionBuilderBefore(cg.builder, first); else LLVMPositionBuilderAtEnd(cg.builder, entry);
        LLVMValueRef tmp = LLVMBuildAlloca(cg.builder, cg.llvmType(element), "item");
        LLVMPositionBuilderAtEnd(cg.builder, here);
        LLVMBuildStore(cg.builder, operand(value), tmp);
        return tmp;
    }

    // ------------------------------------------------------------ statements

    /** A scalar operand's value; for an aggregate, the address of its bytes (copied by the user). */
    private LLVMValueRef operand(Operand op) {
        if (op instanceof Operand.Copy c) {
            Type t = fn.typeOf(c.local());
            if (!LlvmCodegen.hasStorage(t)) return null;
            if (Type.isAggregate(t)) return slots[c.local().index()];
            return LLVMBuildLoad2(cg.builder, cg.llvmType(t), slots[c.local().index()], "");
        }
        if (!(op instanceof Operand.Const k)) throw new IllegalStateException("unhandled operand " + op);
        if (!LlvmCodegen.hasStorage(k.type())) return null;
        return cg.constScalar(k.type(), k.bits());
    }

    private void store(Local dest, LLVMValueRef value) {
        if (slots[dest.index()] != null && value != null) LLVMBuildStore(cg.builder, value, slots[dest.index()]);
    }

    /** Writes operand {@code op} of type {@code t} to memory at {@code dst}. */
    private void storeOperand(LLVMValueRef dst, Operand op, Type t) {
        LLVMValueRef v = operand(op);
        if (v == null) return;
        if (Type.isAggregate(t)) cg.copyBytes(dst, v, t);
        else LLVMBuildStore(cg.builder, v, dst);
    }

    private LLVMValueRef indexValue(Operand index) {
        LLVMValueRef v = operand(index);
        int bits = ((Type.Int) fn.typeOf(index)).bits();
        if (bits < 32) return LLVMBuildZExt(cg.builder, v, cg.i32, "");
        if (bits > 32) return LLVMBuildTrunc(cg.builder, v, cg.i32, "");
        return v;
    }

    /**
     * Where a local lives; a zero-sized one (`()`, `!`) has no storage, and any address
     * serves for its zero bytes: null.
     */
    private LLVMValueRef storage(Local local) {
        LLVMValueRef at = slots[local.index()];
        return at != null ? at : LLVMConstNull(cg.ptr);
    }

    /** The address of a place: the local's storage, then each projection in turn. */
    private LLVMValueRef address(Place place) {
        LLVMValueRef addr = storage(place.local());
        Type t = fn.typeOf(place.local());
        for (Place.Projection p : place.projections()) {
            if (p instanceof Place.Projection.Deref) {
                addr = LLVMBuildLoad2(cg.builder, cg.ptr, addr, "");
            } else if (p instanceof Place.Projection.VariantField vf) {
                addr = cg.offsetPtr(addr, ((Type.Sum) t).fieldOffset(vf.variant(), vf.index()));
            } else if (p instanceof Place.Projection.Field f) {
                addr = cg.offsetPtr(addr, Type.fieldOffset(t, f.index()));
            } else if (p instanceof Place.Projection.Index ix) {
                Type elem = Place.step(t, p);
                if (t instanceof Type.Slice) addr = LLVMBuildLoad2(cg.builder, cg.ptr, addr, "");
                LLVMValueRef byteOffset = LLVMBuildMul(cg.builder, indexValue(ix.index()), cg.constInt(cg.i32, elem.size()), "");
                addr = LLVMBuildInBoundsGEP2(cg.builder, cg.i8, addr, LlvmCodegen.values(byteOffset), 1, "");
            } else {
                throw new IllegalStateException("unhandled projection " + p);
            }
            t = Place.step(t, p);
        }
        return addr;
    }

    private LLVMValueRef registerAddress(long address) {
        return LLVMConstIntToPtr(cg.constInt(cg.i32, address), cg.ptr);
    }

    private void statement(Statement s) {
        if (s instanceof Statement.Assign a) {
            Type t = fn.typeOf(a.dest());
            if (Type.isAggregate(t)) { if (slots[a.dest().index()] != null) rvalueInto(slots[a.dest().index()], a.value(), t); }
            else if (LlvmCodegen.hasStorage(t)) store(a.dest(), rvalue(a.value(), t));
            else if (!(a.value() instanceof Rvalue.Use || a.value() instanceof Rvalue.Load || a.value() instanceof Rvalue.ReadStatic))
                rvalue(a.value(), t);   // a zero-sized result: only the side effects (a call, a channel op) remain
        } else if (s instanceof Statement.WriteStatic w) {
            Type t = fn.typeOf(w.value());
            if (LlvmCodegen.hasStorage(t)) storeOperand(cg.statics.get(w.name()), w.value(), t);
        } else if (s instanceof Statement.Store st) {
            Type t = fn.typeOf(st.value());
            if (LlvmCodegen.hasStorage(t)) storeOperand(address(st.place()), st.value(), t);
        } else if (s instanceof Statement.WriteRegister w) {
            LLVMValueRef store = LLVMBuildStore(cg.builder, operand(w.value()), registerAddress(w.address()));
            LLVMSetVolatile(store, 1);
        } else if (s instanceof Statement.InitChannel ic) {
            // An empty channel is all zero bytes: a lone one needs its header zeroed (its
            // buffer is written before it is read), an array or struct holding channels all of it.
            Type t = fn.typeOf(ic.local());
            int bytes = t instanceof Type.Channel ? Type.Channel.HEADER : t.size();
            LLVMBuildMemSet(cg.builder, slots[ic.local().index()], cg.constInt(cg.i8, 0), cg.constInt(cg.i32, bytes), t.align());
        } else if (s instanceof Statement.Unlock u) {
            cg.callRuntime("mote_mutex_unlock", operand(u.mutex()));
        } else if (s instanceof Statement.CriticalExit c) {
            LLVMTypeRef type = cg.fnType(cg.voidType, cg.i32);
            LLVMValueRef asm = cg.inlineAsm(type, "msr primask, $0", "r,~{memory}");
            LLVMBuildCall2(cg.builder, type, asm, LlvmCodegen.values(operand(c.saved())), 1, "");
        } else if (s instanceof Statement.Print p) print(p.items());
        else if (s instanceof Statement.Line l) {
            if (scope != null) LLVMSetCurrentDebugLocation2(cg.builder, cg.debug.location(l, scope));
        } else throw new IllegalStateException("statement " + s);
    }

    /** Computes an aggregate rvalue straight into memory at {@code dst}. */
    private void rvalueInto(LLVMValueRef dst, Rvalue r, Type t) {
        if (r instanceof Rvalue.Use u) { storeOperand(dst, u.operand(), t); return; }
        if (r instanceof Rvalue.Load l) { cg.copyBytes(dst, address(l.place()), t); return; }
        if (r instanceof Rvalue.ReadStatic rs) { cg.copyBytes(dst, cg.statics.get(rs.name()), t); return; }
        if (r instanceof Rvalue.Aggregate a) {
            for (int k = 0; k < a.operands().size(); k++) {
                Operand op = a.operands().get(k);
                Type ft = fn.typeOf(op);
                if (!LlvmCodegen.hasStorage(ft)) continue;
                storeOperand(cg.offsetPtr(dst, Type.fieldOffset(t, k)), op, ft);
            }
            return;
        }
        if (r instanceof Rvalue.Repeat rep) { repeat(dst, rep, (Type.Array) t); return; }
        if (r instanceof Rvalue.Variant v) { variantInto(dst, v); return; }
        if (r instanceof Rvalue.Str str) {
            LLVMBuildStore(cg.builder, cg.stringConstant(str.bytes()), dst);
            LLVMBuildStore(cg.builder, cg.constInt(cg.i32, str.bytes().length), cg.offsetPtr(dst, 4));
            return;
        }
        if (r instanceof Rvalue.Call c) {
            LLVMValueRef callee = cg.syncFns.get(c.function());
            List<LLVMValueRef> args = new java.util.ArrayList<>();
            args.add(dst);
            for (Operand op : c.args()) { LLVMValueRef v = operand(op); if (v != null) args.add(v); }
            LLVMBuildCall2(cg.builder, LLVMGlobalGetValueType(callee), callee, new PointerPointer<>(args.toArray(new LLVMValueRef[0])), args.size(), "");
            return;
        }
        throw new IllegalStateException("aggregate rvalue " + r);
    }

    /** `[v; n]`: memset when every byte is the same, else a loop storing each element. */
    private void repeat(LLVMValueRef dst, Rvalue.Repeat r, Type.Array t) {
        Type elem = t.element();
        if (t.size() == 0) return;
        if (r.value() instanceof Operand.Const k && (k.bits() == 0 || elem.size() == 1)) {
            LLVMBuildMemSet(cg.builder, dst, cg.constInt(cg.i8, k.bits() & 0xFF), cg.constInt(cg.i32, t.size()), Math.max(1, t.align()));
            return;
        }
        LLVMBasicBlockRef before = LLVMGetInsertBlock(cg.builder);
        LLVMBasicBlockRef loop = LLVMAppendBasicBlockInContext(cg.ctx, llvmFn, "repeat");
        LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(cg.ctx, llvmFn, "repeat.done");
        LLVMBuildBr(cg.builder, loop);
        LLVMPositionBuilderAtEnd(cg.builder, loop);
        LLVMValueRef i = LLVMBuildPhi(cg.builder, cg.i32, "i");
        LLVMValueRef at = LLVMBuildInBoundsGEP2(cg.builder, cg.i8, dst, LlvmCodegen.values(LLVMBuildMul(cg.builder, i, cg.constInt(cg.i32, elem.size()), "")), 1, "");
        storeOperand(at, r.value(), elem);
        LLVMValueRef next = LLVMBuildAdd(cg.builder, i, cg.constInt(cg.i32, 1), "");
        LLVMBasicBlockRef latch = LLVMGetInsertBlock(cg.builder);
        LLVMAddIncoming(i, new PointerPointer<>(cg.constInt(cg.i32, 0), next), new PointerPointer<>(before, latch), 2);
        LLVMBuildCondBr(cg.builder, LLVMBuildICmp(cg.builder, LLVMIntULT, next, cg.constInt(cg.i32, t.length()), ""), loop, done);
        LLVMPositionBuilderAtEnd(cg.builder, done);
    }

    /** `llvm.ctpop.iN(v)`, or ctlz/cttz with `is_zero_poison` false (zero gives the width, as Rust's). */
    private LLVMValueRef bitCount(String intrinsic, LLVMValueRef v, Type t, boolean zeroFlag) {
        LLVMTypeRef it = cg.llvmType(t);
        String name = intrinsic + ".i" + Type.intRepr(t).bits();
        LLVMTypeRef type = zeroFlag ? cg.fnType(it, it, cg.i1) : cg.fnType(it, it);
        LLVMValueRef f = LLVMGetNamedFunction(cg.module, name);
        if (f == null || f.isNull()) f = LLVMAddFunction(cg.module, name, type);
        // Not `new PointerPointer<>(v)`: with one argument that is the constructor that reinterprets v.
        PointerPointer<LLVMValueRef> args = zeroFlag ? new PointerPointer<>(v, LLVMConstInt(cg.i1, 0, 0)) : new PointerPointer<LLVMValueRef>(1).put(0, v);
        return LLVMBuildCall2(cg.builder, type, f, args, zeroFlag ? 2 : 1, "");
    }

    private Type placeType(Place p) { return p.type(fn); }

    /** Stores the tag (or, niche-encoded, the other variants' niche value) and the fields. */
    private void variantInto(LLVMValueRef dst, Rvalue.Variant v) {
        Type.Sum sum = v.type();
        if (sum.tag() != null) {
            LLVMBuildStore(cg.builder, cg.constInt(cg.llvmType(sum.tag()), v.variant()), cg.offsetPtr(dst, sum.tagOffset()));
        } else if (v.variant() != sum.dataful()) {
            LLVMValueRef at = cg.offsetPtr(dst, sum.nicheOffset());
            if (sum.nicheType() instanceof Type.Ref) LLVMBuildStore(cg.builder, LLVMConstNull(cg.ptr), at);
            else LLVMBuildStore(cg.builder, cg.constInt(cg.i8, sum.nicheValue(v.variant())), at);
        }
        List<Type> fields = sum.variants().get(v.variant()).fields();
        for (int k = 0; k < v.operands().size(); k++) {
            Type ft = fields.get(k);
            if (!LlvmCodegen.hasStorage(ft)) continue;
            storeOperand(cg.offsetPtr(dst, sum.fieldOffset(v.variant(), k)), v.operands().get(k), ft);
        }
    }

    /** The variant's index: the tag, or decoded from the niche (values past the niche are the dataful variant). */
    private LLVMValueRef discriminant(LLVMValueRef addr, Type.Sum sum) {
        if (sum.tag() != null) {
            LLVMValueRef tag = LLVMBuildLoad2(cg.builder, cg.llvmType(sum.tag()), cg.offsetPtr(addr, sum.tagOffset()), "tag");
            return sum.tag().bits() == 32 ? tag : LLVMBuildZExt(cg.builder, tag, cg.i32, "");
        }
        LLVMValueRef at = cg.offsetPtr(addr, sum.nicheOffset());
        LLVMValueRef raw = sum.nicheType() instanceof Type.Ref
                ? LLVMBuildPtrToInt(cg.builder, LLVMBuildLoad2(cg.builder, cg.ptr, at, ""), cg.i32, "")
                : LLVMBuildZExt(cg.builder, LLVMBuildLoad2(cg.builder, cg.i8, at, "niche"), cg.i32, "");
        int others = sum.variants().size() - 1;
        long start = sum.nicheValue(sum.dataful() == 0 ? 1 : 0);
        LLVMValueRef relative = LLVMBuildSub(cg.builder, raw, cg.constInt(cg.i32, start), "");
        LLVMValueRef inNiche = LLVMBuildICmp(cg.builder, LLVMIntULT, relative, cg.constInt(cg.i32, others), "");
        // The k-th other variant is index k, or k + 1 from the dataful one on.
        LLVMValueRef afterDataful = LLVMBuildICmp(cg.builder, LLVMIntUGE, relative, cg.constInt(cg.i32, sum.dataful()), "");
        LLVMValueRef index = LLVMBuildAdd(cg.builder, relative, LLVMBuildZExt(cg.builder, afterDataful, cg.i32, ""), "");
        return LLVMBuildSelect(cg.builder, inNiche, index, cg.constInt(cg.i32, sum.dataful()), "");
    }

    private LLVMValueRef rvalue(Rvalue r, Type destType) {
        if (r instanceof Rvalue.Use u) return operand(u.operand());
        if (r instanceof Rvalue.Binary b) return binary(b);
        if (r instanceof Rvalue.Unary u) {
            LLVMValueRef v = operand(u.operand());
            Type t = fn.typeOf(u.operand());
            return switch (u.op()) {
                case NEG -> t instanceof Type.Float32 ? LLVMBuildFNeg(cg.builder, v, "") : LLVMBuildNeg(cg.builder, v, "");
                case NOT, BIT_NOT -> LLVMBuildNot(cg.builder, v, "");
                case COUNT_ONES -> bitCount("llvm.ctpop", v, t, false);
                case LEADING_ZEROS -> bitCount("llvm.ctlz", v, t, true);
                case TRAILING_ZEROS -> bitCount("llvm.cttz", v, t, true);
                case FLOAT_ABS -> {
                    LLVMTypeRef type = cg.fnType(cg.f32, cg.f32);
                    LLVMValueRef f = LLVMGetNamedFunction(cg.module, "llvm.fabs.f32");
                    if (f == null || f.isNull()) f = LLVMAddFunction(cg.module, "llvm.fabs.f32", type);
                    yield LLVMBuildCall2(cg.builder, type, f, new PointerPointer<>(1).put(0, v), 1, "");
                }
            };
        }
        if (r instanceof Rvalue.Cast c) {
            LLVMValueRef v = operand(c.operand());
            Type from = fn.typeOf(c.operand());
            if (from instanceof Type.Float32 || c.target() instanceof Type.Float32) return floatCast(v, from, c.target());
            Type.Int to = (Type.Int) c.target();
            Type.Int fromInt = Type.intRepr(from);
            int fromBits = fromInt != null ? fromInt.bits() : 1;
            LLVMTypeRef target = cg.llvmType(to);
            if (fromBits == to.bits()) return v;
            if (fromBits > to.bits()) return LLVMBuildTrunc(cg.builder, v, target, "");
            boolean signed = fromInt != null && fromInt.signed();
            return signed ? LLVMBuildSExt(cg.builder, v, target, "") : LLVMBuildZExt(cg.builder, v, target, "");
        }
        if (r instanceof Rvalue.ReadStatic rs) return LLVMBuildLoad2(cg.builder, cg.llvmType(rs.type()), cg.statics.get(rs.name()), "");
        if (r instanceof Rvalue.Load l) return LLVMBuildLoad2(cg.builder, cg.llvmType(destType), address(l.place()), "");
        if (r instanceof Rvalue.AddressOf a) return address(a.place());
        if (r instanceof Rvalue.StaticAddr sa) return cg.statics.get(sa.name());
        if (r instanceof Rvalue.ReadRegister rr) {
            LLVMValueRef load = LLVMBuildLoad2(cg.builder, cg.llvmType(rr.type()), registerAddress(rr.address()), rr.name());
            LLVMSetVolatile(load, 1);
            return load;
        }
        if (r instanceof Rvalue.Overflows o) {
            Type.Int it = (Type.Int) fn.typeOf(o.left());
            String name = "llvm." + (it.signed() ? "s" : "u") + switch (o.op()) {
                case ADD -> "add"; case SUB -> "sub"; case MUL -> "mul";
                default -> throw new IllegalStateException("overflow check of " + o.op());
            } + ".with.overflow.i" + it.bits();
            LLVMTypeRef t = cg.llvmType(it);
            LLVMTypeRef pair = LLVMStructTypeInContext(cg.ctx, new PointerPointer<>(t, cg.i1), 2, 0);
            LLVMTypeRef type = cg.fnType(pair, t, t);
            LLVMValueRef f = LLVMGetNamedFunction(cg.module, name);
            if (f == null || f.isNull()) f = LLVMAddFunction(cg.module, name, type);
            LLVMValueRef result = LLVMBuildCall2(cg.builder, type, f, new PointerPointer<>(operand(o.left()), operand(o.right())), 2, "");
            return LLVMBuildExtractValue(cg.builder, result, 1, "overflow");
        }
        if (r instanceof Rvalue.Ticks) return cg.callRuntime("mote_ticks_us");
        if (r instanceof Rvalue.Discriminant d) return discriminant(address(d.place()), (Type.Sum) placeType(d.place()));
        if (r instanceof Rvalue.Spawn sp) return spawn(sp);
        if (r instanceof Rvalue.ChannelOp op) return channelOp(op);
        if (r instanceof Rvalue.CriticalEnter) {
            LLVMTypeRef type = cg.fnType(cg.i32);
            LLVMValueRef asm = cg.inlineAsm(type, "mrs $0, primask\n\tcpsid i", "=r,~{memory}");
            return LLVMBuildCall2(cg.builder, type, asm, new PointerPointer<LLVMValueRef>(0), 0, "primask");
        }
        if (r instanceof Rvalue.Call c) {
            LLVMValueRef callee = cg.syncFns.get(c.function());
            LLVMValueRef[] args = c.args().stream().map(this::operand).filter(v -> v != null).toArray(LLVMValueRef[]::new);
            LLVMTypeRef type = LLVMGlobalGetValueType(callee);
            return LLVMBuildCall2(cg.builder, type, callee, new PointerPointer<>(args), args.length, "");
        }
        throw new IllegalStateException("rvalue " + r);
    }

    /**
     * `as` to or from f32, as Rust defines it: float to integer truncates and saturates, NaN
     * giving 0 (LLVM's fpto[su]i.sat); integer to float rounds to nearest.
     */
    private LLVMValueRef floatCast(LLVMValueRef v, Type from, Type to) {
        if (from.equals(to)) return v;
        if (to instanceof Type.Float32) {
            Type.Int fi = Type.intRepr(from);
            return fi.signed() ? LLVMBuildSIToFP(cg.builder, v, cg.f32, "") : LLVMBuildUIToFP(cg.builder, v, cg.f32, "");
        }
        Type.Int it = (Type.Int) to;
        LLVMTypeRef target = cg.llvmType(it);
        String name = "llvm.fpto" + (it.signed() ? "s" : "u") + "i.sat.i" + it.bits() + ".f32";
        LLVMTypeRef type = cg.fnType(target, cg.f32);
        LLVMValueRef f = LLVMGetNamedFunction(cg.module, name);
        if (f == null || f.isNull()) f = LLVMAddFunction(cg.module, name, type);
        return LLVMBuildCall2(cg.builder, type, f, new PointerPointer<>(1).put(0, v), 1, "");
    }

    private LLVMValueRef floatBinary(BinOp op, LLVMValueRef l, LLVMValueRef r) {
        return switch (op) {
            case ADD -> LLVMBuildFAdd(cg.builder, l, r, "");
            case SUB -> LLVMBuildFSub(cg.builder, l, r, "");
            case MUL -> LLVMBuildFMul(cg.builder, l, r, "");
            case DIV -> LLVMBuildFDiv(cg.builder, l, r, "");
            // IEEE comparisons: any comparison with NaN is false, except `!=`, as in Rust.
            case EQ -> LLVMBuildFCmp(cg.builder, LLVMRealOEQ, l, r, "");
            case NE -> LLVMBuildFCmp(cg.builder, LLVMRealUNE, l, r, "");
            case LT -> LLVMBuildFCmp(cg.builder, LLVMRealOLT, l, r, "");
            case LE -> LLVMBuildFCmp(cg.builder, LLVMRealOLE, l, r, "");
            case GT -> LLVMBuildFCmp(cg.builder, LLVMRealOGT, l, r, "");
            case GE -> LLVMBuildFCmp(cg.builder, LLVMRealOGE, l, r, "");
            default -> throw new IllegalStateException("f32 " + op);
        };
    }

    private LLVMValueRef binary(Rvalue.Binary b) {
        Type t = fn.typeOf(b.left());
        if (t instanceof Type.Float32) return floatBinary(b.op(), operand(b.left()), operand(b.right()));
        boolean signed = t instanceof Type.Int it && it.signed();
        LLVMValueRef l = operand(b.left());
        LLVMValueRef r = operand(b.right());
        switch (b.op()) {
            case ADD: return LLVMBuildAdd(cg.builder, l, r, "");
            case SUB: return LLVMBuildSub(cg.builder, l, r, "");
            case MUL: return LLVMBuildMul(cg.builder, l, r, "");
            case DIV: return signed ? LLVMBuildSDiv(cg.builder, l, r, "") : LLVMBuildUDiv(cg.builder, l, r, "");
            case REM: return signed ? LLVMBuildSRem(cg.builder, l, r, "") : LLVMBuildURem(cg.builder, l, r, "");
            case BIT_AND: return LLVMBuildAnd(cg.builder, l, r, "");
            case BIT_OR: return LLVMBuildOr(cg.builder, l, r, "");
            case BIT_XOR: return LLVMBuildXor(cg.builder, l, r, "");
            case SHL: case SHR: {
                // Release builds mask the shift amount to the operand width, as Rust does.
                Type.Int it = (Type.Int) t;
                LLVMTypeRef lt = cg.llvmType(it);
                Type.Int rt = (Type.Int) fn.typeOf(b.right());
                LLVMValueRef amount = r;
                if (rt.bits() > it.bits()) amount = LLVMBuildTrunc(cg.builder, amount, lt, "");
                else if (rt.bits() < it.bits()) amount = LLVMBuildZExt(cg.builder, amount, lt, "");
                amount = LLVMBuildAnd(cg.builder, amount, cg.constInt(lt, it.bits() - 1), "");
                if (b.op() == BinOp.SHL) return LLVMBuildShl(cg.builder, l, amount, "");
                return signed ? LLVMBuildAShr(cg.builder, l, amount, "") : LLVMBuildLShr(cg.builder, l, amount, "");
            }
            case EQ: return LLVMBuildICmp(cg.builder, LLVMIntEQ, l, r, "");
            case NE: return LLVMBuildICmp(cg.builder, LLVMIntNE, l, r, "");
            case LT: return LLVMBuildICmp(cg.builder, signed ? LLVMIntSLT : LLVMIntULT, l, r, "");
            case LE: return LLVMBuildICmp(cg.builder, signed ? LLVMIntSLE : LLVMIntULE, l, r, "");
            case GT: return LLVMBuildICmp(cg.builder, signed ? LLVMIntSGT : LLVMIntUGT, l, r, "");
            case GE: return LLVMBuildICmp(cg.builder, signed ? LLVMIntSGE : LLVMIntUGE, l, r, "");
            default: throw new IllegalStateException("binary " + b.op());
        }
    }

    private void print(List<PrintItem> items) {
        if (cg.internedLog != null) {   // --log interned: frames instead of text
            cg.internedLog.emit(items, this::operand, this::printAsText);
            return;
        }
        printAsText(items);
    }

    private void printAsText(List<PrintItem> items) {
        for (PrintItem item : items) {
            if (item instanceof PrintItem.Text t) {
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
                printVariantName(value, e, spec);
            } else if (v.type() instanceof Type.Float32) {
                // Its bits, so runtime-c/float.c converts with integer arithmetic only.
                cg.callRuntime("mote_print_f32", LLVMBuildBitCast(cg.builder, value, cg.i32, ""),
                        cg.constInt(cg.i32, spec.packedFloat()), cg.constInt(cg.i32, spec.precision()));
            } else {
                printInteger(value, Type.intRepr(v.type()), spec);
            }
        }
    }

    private static byte[] bytes(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    /** Text, truncated to the precision and padded to the width when the spec has them. */
    private void printText(LLVMValueRef data, LLVMValueRef len, FormatSpec spec) {
        if (spec.precision() >= 0) {
            LLVMValueRef max = cg.constInt(cg.i32, spec.precision());
            len = LLVMBuildSelect(cg.builder, LLVMBuildICmp(cg.builder, LLVMIntULT, len, max, ""), len, max, "");
        }
        if (spec.width() == 0) cg.callRuntime("mote_print_str", data, len);
        else cg.callRuntime("mote_print_fmt_str", data, len, cg.constInt(cg.i32, spec.packed(false, false)));
    }

    /** `{:?}` of a C-like enum: the variant's name (a switch LLVM turns into a table). */
    private void printVariantName(LLVMValueRef value, Type.Enum e, FormatSpec spec) {
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
        printText(data, len, spec);
    }

    private static void phiIncoming(LLVMValueRef phi, LLVMValueRef value, LLVMBasicBlockRef block) {
        LLVMAddIncoming(phi, new PointerPointer<>(1).put(0, value), new PointerPointer<>(1).put(0, block), 1);
    }

    /**
     * 32 bits or fewer print through the 32-bit conversions: a program that prints no 64-bit value
     * links no 64-bit division. A spec with width, sign, prefix or another radix goes through
     * format.c, which only such programs link.
     */
    private void printInteger(LLVMValueRef value, Type.Int it, FormatSpec spec) {
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

    private void panicWith(String message, Span span) {
        panic(List.of(new PrintItem.Text(message.getBytes(StandardCharsets.UTF_8))), span);
    }

    /**
     * `panic: <message> at <loc>`, the location as an index into the site table
     * ({@link PanicSites}). A fixed message is one runtime call, a bounds check one
     * call with the two numbers (as rustc's panic_bounds_check), anything else the message
     * printed between mote_panic_begin and mote_panic_end.
     */
    private void panic(List<PrintItem> message, Span span) {
        if (cg.internedLog != null) {   // --log interned: message and location in one frame
            cg.internedLog.panic(message, span, this::operand, this::printAsText);
            LLVMBuildUnreachable(cg.builder);
            return;
        }
        LLVMValueRef site = cg.panicSites.site(span);
        if (message.size() == 1 && message.get(0) instanceof PrintItem.Text t) {
            cg.callRuntime("mote_panic_at", cg.stringConstant(t.bytes()), cg.constInt(cg.i32, t.bytes().length), site);
        } else if (isBoundsMessage(message)) {
            cg.callRuntime("mote_panic_bounds_at", asU32(((PrintItem.Value) message.get(3))), asU32((PrintItem.Value) message.get(1)), site);
        } else {
            cg.callRuntime("mote_panic_begin");
            print(message);
            cg.callRuntime("mote_panic_end_at", site);
        }
        LLVMBuildUnreachable(cg.builder);
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
        return bits == 32 ? x : LLVMBuildZExt(cg.builder, x, cg.i32, "");
    }

    // ------------------------------------------------------------ terminators

    private void terminator(Terminator t, BlockId here) {
        if (t instanceof Terminator.Goto g) LLVMBuildBr(cg.builder, blocks[g.target().index()]);
        else if (t instanceof Terminator.If i) LLVMBuildCondBr(cg.builder, operand(i.cond()), blocks[i.then().index()], blocks[i.otherwise().index()]);
        else if (t instanceof Terminator.Switch s) {
            LLVMValueRef v = operand(s.value());
            LLVMValueRef sw = LLVMBuildSwitch(cg.builder, v, blocks[s.otherwise().index()], s.values().size());
            LLVMTypeRef type = cg.llvmType(fn.typeOf(s.value()));
            for (int k = 0; k < s.values().size(); k++) LLVMAddCase(sw, cg.constInt(type, s.values().get(k)), blocks[s.targets().get(k).index()]);
        } else if (t instanceof Terminator.Return) {
            LLVMValueRef v = operand(Operand.of(fn.returnLocal()));
            if (Type.isAggregate(fn.returnType())) {
                cg.copyBytes(machine != null ? out : sret, v, fn.returnType());
                if (machine != null) {
                    cg.sm.storeTag(self, machine, machine.stateOf(StateMachine.Kind.RETURNED).index());
                    LLVMBuildRet(cg.builder, cg.constInt(cg.i1, 1));
                } else {
                    LLVMBuildRetVoid(cg.builder);
                }
            } else if (machine != null) {
                if (v != null) LLVMBuildStore(cg.builder, v, out);
                cg.sm.storeTag(self, machine, machine.stateOf(StateMachine.Kind.RETURNED).index());
                LLVMBuildRet(cg.builder, cg.constInt(cg.i1, 1));
            } else if (v != null) {
                LLVMBuildRet(cg.builder, v);
            } else {
                LLVMBuildRetVoid(cg.builder);
            }
        } else if (t instanceof Terminator.Await a) {
            StateMachine.State s = machine.state(machine.stateOfAwait().get(here));
            if (cg.debugBuild) {
                // `--debug`: what s keeps is saved before the first poll too (the pending block
                // saves it again), so the state object holds it however the await is reached
                // and the debugger finds it there on both paths (DebugInfo.keptInState).
                if (describesKeptLocals()) cg.debug.backInFrame(declared, fn, machine, slots, LLVMGetInsertBlock(cg.builder));
                for (StateMachine.Slot slot : s.saved()) save(slot);
                if (describesKeptLocals()) cg.debug.keptInState(declared, self, s, LLVMGetInsertBlock(cg.builder));
            }
            LLVMValueRef ready = startFuture(a.callee(), cg.offsetPtr(self, s.awaitee().offset()), a.args(), a.dest(), a.span());
            LLVMBuildCondBr(cg.builder, ready, blocks[a.resume().index()], pendingBlock(s));
        } else if (t instanceof Terminator.PollChild pc) {
            LLVMValueRef child = cg.offsetPtr(self, machine.child(pc.child()).offset());
            if (pc.start() && describesKeptLocals()) cg.debug.backInFrame(declared, fn, machine, slots, LLVMGetInsertBlock(cg.builder));
            LLVMValueRef ready = pc.start() ? startFuture(pc.callee(), child, pc.args(), pc.dest(), pc.span())
                    : pollFuture(pc.callee(), child, pc.dest(), false, null, pc.span());
            LLVMBuildCondBr(cg.builder, ready, blocks[pc.ready().index()], blocks[pc.pending().index()]);
        } else if (t instanceof Terminator.Suspend) {
            LLVMBuildBr(cg.builder, pendingBlock(machine.state(machine.stateOfAwait().get(here))));
        } else if (t instanceof Terminator.CancelChild cc) {
            cancelFuture(cc.callee(), cg.offsetPtr(self, machine.child(cc.child()).offset()));
            LLVMBuildBr(cg.builder, blocks[cc.next().index()]);
        } else if (t instanceof Terminator.Assert a) {
            LLVMBasicBlockRef fail = LLVMAppendBasicBlockInContext(cg.ctx, llvmFn, "assert.fail");
            LLVMBuildCondBr(cg.builder, operand(a.cond()), blocks[a.target().index()], fail);
            LLVMPositionBuilderAtEnd(cg.builder, fail);
            panic(a.message(), a.span());
        } else if (t instanceof Terminator.Panic p) {
            panic(p.message(), p.span());
        } else if (t instanceof Terminator.Exit e) {
            cg.callRuntime("mote_exit", operand(e.code()));
            LLVMBuildUnreachable(cg.builder);
        } else if (t instanceof Terminator.Unreachable) {
            LLVMBuildUnreachable(cg.builder);
        } else {
            throw new IllegalStateException("terminator " + t);
        }
    }
}

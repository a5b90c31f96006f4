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
 * The code of state machines beside the poll body: `F.init` (store the arguments and the
 * Unresumed discriminant), writing a discriminant, cancelling a pending child future (its
 * timer, its channel or lock wait, or its own awaitee, through `F.cancel`, which also releases
 * the mutexes F holds where it is suspended), reading a saved value, and
 * calling a poll function (a first, eager-start poll passes the arguments). The dispatch on
 * the discriminant and the save/restore around each await are in {@link BodyEmitter}.
 */
final class StateMachineEmitter {
    private final LlvmCodegen cg;

    StateMachineEmitter(LlvmCodegen cg) {
        this.cg = cg;
    }

    void emitInit(MirFn f, StateMachine m) {
        if (cg.debug.di != null) LLVMSetCurrentDebugLocation2(cg.builder, null);   // no subprogram: no locations
        LLVMValueRef fn = cg.inits.get(f.name());
        LLVMPositionBuilderAtEnd(cg.builder, LLVMAppendBasicBlockInContext(cg.ctx, fn, "entry"));
        LLVMValueRef self = LLVMGetParam(fn, 0);
        List<LLVMValueRef> args = new java.util.ArrayList<>();
        for (int i = 1; i < LLVMCountParams(fn); i++) args.add(LLVMGetParam(fn, i));
        storeArguments(self, f, m, args);
        storeTag(self, m, m.stateOf(StateMachine.Kind.UNRESUMED).index());
        LLVMBuildRetVoid(cg.builder);
    }

    /** Stores {@code args}, f's stored parameters in order, where its Unresumed state keeps them in {@code self}. */
    void storeArguments(LLVMValueRef self, MirFn f, StateMachine m, List<LLVMValueRef> args) {
        StateMachine.State unresumed = m.stateOf(StateMachine.Kind.UNRESUMED);
        List<Local> params = LlvmCodegen.storedParams(f);
        for (int i = 0; i < params.size(); i++) {
            StateMachine.Slot slot = m.slot(unresumed, params.get(i));
            int align = m.accessAlign(slot);
            if (Type.isAggregate(slot.type())) cg.copyBytes(cg.offsetPtr(self, slot.offset()), align, args.get(i), slot.type().align(), slot.type());
            else cg.storeSlot(args.get(i), cg.offsetPtr(self, slot.offset()), align);
        }
    }

    void storeTag(LLVMValueRef self, StateMachine m, int state) {
        LLVMBuildStore(cg.builder, cg.constInt(LLVMIntTypeInContext(cg.ctx, m.tagSize() * 8), state), cg.offsetPtr(self, m.tagOffset()));
    }

    final Map<String, LLVMValueRef> cancels = new HashMap<>();

    /** The channel a pending wait at {@code child} waits on: its static, or the pointer its state keeps. */
    LLVMValueRef channelOf(Callee.Channel wait, LLVMValueRef child) {
        if (!wait.keepsPointer()) return cg.statics.get(wait.fixed());
        return LLVMBuildLoad2(cg.builder, cg.ptr, cg.offsetPtr(child, wait.channelOffset()), "channel");
    }

    /**
     * Emits, where the builder is, what abandons the pending future of {@code callee} at
     * {@code child}: a sleep leaves the timer queue, a send/recv/wait leaves its channel's
     * waiter list, an async fn's future cancels whatever it waits on itself.
     */
    void emitCancel(Callee callee, LLVMValueRef child) {
        if (callee instanceof Callee.Builtin b && b.isSleep()) {
            cg.callRuntime(!b.perTask() ? "mote_timer_cancel" : cg.singleTimer ? "mote_single_timer_cancel" : "mote_task_timer_cancel", child);
        } else if (callee instanceof Callee.Channel wait) {
            LLVMValueRef channel = channelOf(wait, child);
            Type.Channel ch = wait.channel();
            if (ch.isEvent()) cg.callRuntime("mote_event_cancel", channel, child);
            else cg.callRuntime("mote_channel_cancel", channel, child, cg.shape(ch));
        } else if (callee instanceof Callee.Lock) {
            LLVMValueRef mutex = LLVMBuildLoad2(cg.builder, cg.ptr, cg.offsetPtr(child, Callee.Lock.MUTEX_PTR), "mutex");
            cg.callRuntime("mote_mutex_cancel", mutex, child);
        } else if (callee instanceof Callee.Function f) {
            // ready-fold made a never-suspending fn a plain call: it never waits, nothing to cancel.
            if (!cg.callees.containsKey(f.name())) return;
            LLVMValueRef cancel = cancelFn(f.name());
            LLVMBuildCall2(cg.builder, LLVMGlobalGetValueType(cancel), cancel, LlvmCodegen.values(child), 1, "");
        } else if (callee != Callee.Builtin.YIELD_NOW) {   // yield_now registers nothing
            throw new IllegalStateException("unhandled callee " + callee);
        }
    }

    /**
     * `F.cancel(self)`: cancels what F's future waits on in the state it is in: its awaitee,
     * or, suspended in a `join`/`race`, every child that is still waiting; then releases the
     * mutexes held there (each branch's, then those around the await), innermost first.
     */
    LLVMValueRef cancelFn(String name) {
        LLVMValueRef existing = cancels.get(name);
        if (existing != null) return existing;
        StateMachine m = cg.callees.get(name);
        LLVMValueRef f = cg.internalFn(SymbolNames.mangle(name, "cancel"), cg.fnType(cg.voidType, cg.ptr));
        cancels.put(name, f);
        LLVMBasicBlockRef resumeAt = LLVMGetInsertBlock(cg.builder);
        LLVMMetadataRef loc = LLVMGetCurrentDebugLocation2(cg.builder);
        LLVMSetCurrentDebugLocation2(cg.builder, null);
        LLVMValueRef self = LLVMGetParam(f, 0);
        LLVMPositionBuilderAtEnd(cg.builder, LLVMAppendBasicBlockInContext(cg.ctx, f, "entry"));
        LLVMTypeRef tagType = LLVMIntTypeInContext(cg.ctx, m.tagSize() * 8);
        LLVMValueRef tag = LLVMBuildLoad2(cg.builder, tagType, cg.offsetPtr(self, m.tagOffset()), "state");
        LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(cg.ctx, f, "done");
        LLVMValueRef sw = LLVMBuildSwitch(cg.builder, tag, done, m.states().size());
        for (StateMachine.State st : m.states()) {
            if (st.awaitee() == null && st.children().isEmpty()) continue;
            LLVMBasicBlockRef arm = LLVMAppendBasicBlockInContext(cg.ctx, f, st.name().toLowerCase());
            LLVMAddCase(sw, cg.constInt(tagType, st.index()), arm);
            LLVMPositionBuilderAtEnd(cg.builder, arm);
            Terminator at = cg.program.function(name).block(st.awaitBlock()).terminator();
            if (st.awaitee() != null) {
                emitCancel(st.awaitee().callee(), cg.offsetPtr(self, st.awaitee().offset()));
                unlockHeld(self, m, st, ((Terminator.Await) at).held());
            } else {
                cancelWaitingChildren(f, self, m, st, (Terminator.Suspend) at);
                unlockHeld(self, m, st, ((Terminator.Suspend) at).held());
            }
            LLVMBuildBr(cg.builder, done);
        }
        LLVMPositionBuilderAtEnd(cg.builder, done);
        LLVMBuildRetVoid(cg.builder);
        if (resumeAt != null && !resumeAt.isNull()) LLVMPositionBuilderAtEnd(cg.builder, resumeAt);
        LLVMSetCurrentDebugLocation2(cg.builder, loc);
        return f;
    }

    /** In F.cancel, for state {@code st} (a `join`/`race` suspension): cancels each child still waiting. */
    void cancelWaitingChildren(LLVMValueRef f, LLVMValueRef self, StateMachine m, StateMachine.State st, Terminator.Suspend su) {
        for (Terminator.ChildWait w : su.waits()) {
            // A branch without awaits never waits; a nested join/race's children are listed themselves.
            if (w.sites().stream().allMatch(java.util.Objects::isNull) && w.allHeld().isEmpty()) continue;
            StateMachine.Child child = st.children().stream().filter(c -> c.id() == w.child()).findFirst().orElseThrow();
            LLVMValueRef started = savedValue(self, m, st, w.started()), done = savedValue(self, m, st, w.done());
            LLVMValueRef waiting = LLVMBuildAnd(cg.builder, started, LLVMBuildNot(cg.builder, done, ""), "waiting");
            LLVMBasicBlockRef cancel = LLVMAppendBasicBlockInContext(cg.ctx, f, "cancel.child" + w.child());
            LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(cg.ctx, f, "after.child" + w.child());
            LLVMBuildCondBr(cg.builder, waiting, cancel, next);
            LLVMPositionBuilderAtEnd(cg.builder, cancel);
            LLVMValueRef pc = savedValue(self, m, st, w.pc());
            LLVMValueRef sw = LLVMBuildSwitch(cg.builder, pc, next, w.sites().size());
            for (int k = 0; k < w.sites().size(); k++) {
                if (w.sites().get(k) == null && w.held().get(k).isEmpty()) continue;
                LLVMBasicBlockRef site = LLVMAppendBasicBlockInContext(cg.ctx, f, "cancel.child" + w.child() + ".site" + k);
                LLVMAddCase(sw, LLVMConstInt(LLVMTypeOf(pc), k, 0), site);
                LLVMPositionBuilderAtEnd(cg.builder, site);
                if (w.sites().get(k) != null) emitCancel(w.sites().get(k), cg.offsetPtr(self, child.offset()));
                unlockHeld(self, m, st, w.held().get(k));
                LLVMBuildBr(cg.builder, next);
            }
            LLVMPositionBuilderAtEnd(cg.builder, next);
        }
    }

    /** Releases the Mutexes held in state {@code st} (pointers saved there), innermost first. */
    private void unlockHeld(LLVMValueRef self, StateMachine m, StateMachine.State st, List<Local> held) {
        for (int i = held.size() - 1; i >= 0; i--) cg.callRuntime("mote_mutex_unlock", savedValue(self, m, st, held.get(i)));
    }

    /** A scalar local saved in state {@code st}, read from the state object. */
    LLVMValueRef savedValue(LLVMValueRef self, StateMachine m, StateMachine.State st, Local local) {
        StateMachine.Slot slot = m.slot(st, local);
        if (slot == null) throw new IllegalStateException(m.function() + " " + st.name() + " does not save " + local);
        return loadSaved(self, m, slot);
    }

    /** A scalar slot's value as its local's type: read at the alignment the layout guarantees, zero-extended if narrowed. */
    LLVMValueRef loadSaved(LLVMValueRef self, StateMachine m, StateMachine.Slot slot) {
        LLVMValueRef kept = cg.loadSlot(cg.llvmType(slot.storage()), cg.offsetPtr(self, slot.offset()), m.accessAlign(slot));
        return slot.narrowed() ? LLVMBuildZExt(cg.builder, kept, cg.llvmType(slot.type()), "") : kept;
    }

    /**
     * Calls `fn.poll(self, out, start, args...)`; without {@code startArgs} (every poll but an
     * eager-start first one) the argument parameters are undef.
     */
    LLVMValueRef callPoll(String fn, LLVMValueRef self, LLVMValueRef out, boolean start, LLVMValueRef[] startArgs) {
        LLVMValueRef poll = cg.polls.get(fn);
        LLVMTypeRef type = LLVMGlobalGetValueType(poll);
        int n = LLVMCountParamTypes(type);
        PointerPointer<LLVMTypeRef> paramTypes = new PointerPointer<>(n);
        LLVMGetParamTypes(type, paramTypes);
        LLVMValueRef[] args = new LLVMValueRef[n];
        args[0] = self;
        args[1] = out;
        args[2] = cg.constInt(cg.i1, start ? 1 : 0);
        for (int k = 3; k < n; k++)
            args[k] = startArgs != null ? startArgs[k - 3] : LLVMGetUndef(paramTypes.get(LLVMTypeRef.class, k));
        return LLVMBuildCall2(cg.builder, type, poll, LlvmCodegen.values(args), n, "ready");
    }
}

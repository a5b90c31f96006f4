package mote.llvm;

import static org.bytedeco.llvm.global.LLVM.*;

import java.util.List;
import mote.async.StateMachine;
import mote.mir.BasicBlock;
import mote.mir.BinOp;
import mote.mir.BlockId;
import mote.mir.Callee;
import mote.mir.Local;
import mote.mir.MirFn;
import mote.mir.Operand;
import mote.mir.Rvalue;
import mote.mir.Statement;
import mote.mir.Terminator;
import mote.types.Type;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.llvm.LLVM.LLVMBasicBlockRef;
import org.bytedeco.llvm.LLVM.LLVMTypeRef;
import org.bytedeco.llvm.LLVM.LLVMValueRef;

/**
 * Emits one function's body: a sync fn, or the poll function of an async fn's state machine
 * (whose dispatch, saving and resuming it drives through {@link StateMachineEmitter}). One per
 * function; the module-wide state (types, runtime declarations, symbols) is {@link LlvmCodegen}'s.
 *
 * This file emits statements, rvalues and terminators; beneath it in a sealed chain (see
 * {@link BodyEmitterState}) are the function's slots and operand access, printing and panics
 * ({@link PrintEmitter}) and the poll function's dispatch and awaits ({@link AwaitEmitter}).
 */
final class BodyEmitter extends AwaitEmitter {
    BodyEmitter(LlvmCodegen cg, MirFn fn, StateMachine machine) { super(cg, fn, machine); }

    void emit(LLVMValueRef function) {
        llvmFn = function;
        if (cg.debug.di != null) scope = cg.debug.subprogram(fn, llvmFn);
        LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(cg.ctx, llvmFn, "entry");
        LLVMPositionBuilderAtEnd(cg.builder, entry);
        if (machine != null) self = LLVMGetParam(llvmFn, 0);
        if (cg.temporariesAsValues) temps = BlockTemps.of(fn, machine);
        for (int i = 0; i < slots.length; i++) {
            Type t = fn.locals().get(i).type();
            if (!LlvmCodegen.hasStorage(t) || temps[i]) continue;
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
        Statement.Line[] linesAtEntry = scope != null ? DebugInfo.linesAtEntry(fn) : null;
        for (int i = 0; i < blocks.length; i++) {
            LLVMPositionBuilderAtEnd(cg.builder, blocks[i]);
            BasicBlock b = fn.blocks().get(i);
            if (linesAtEntry != null && linesAtEntry[i] != null) statement(linesAtEntry[i]);
            for (Statement s : b.statements()) statement(s);
            terminator(b.terminator(), new BlockId(i));
        }
    }

    /**
     * Claims a free instance of the task's pool; when there is one, initialises its state
     * object (Unresumed, with the arguments) before the executor polls it. Yields the i1 "claimed".
     */
    private LLVMValueRef spawn(Rvalue.Spawn sp) {
        int[] slots = cg.tasks.taskSlots.get(sp.task());
        if (cg.startsTasksInTheirSlots) return startOnlyInstance(sp, slots[0]);
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
        initialise(sp, state, false);
        LLVMBuildBr(cg.builder, done);
        LLVMPositionBuilderAtEnd(cg.builder, done);
        return claimed;
    }

    /**
     * A certain spawn of a task with one instance, which it starts once (CertainSpawns), in a
     * program whose every spawn is one (LlvmCodegen.startsTasksInTheirSlots): the slot is known
     * and free, so runtime-c only marks it LIVE and ready (no search of a pool), and its state
     * object is still zero since reset.
     */
    private LLVMValueRef startOnlyInstance(Rvalue.Spawn sp, int taskSlot) {
        cg.callRuntime("mote_task_start", cg.constInt(cg.i32, taskSlot));
        initialise(sp, cg.tasks.taskStates.get(sp.task())[0], true);
        return LLVMConstInt(cg.i1, 1, 0);
    }

    /**
     * The spawned task's state object made Unresumed with the spawn's arguments (`F.init`).
     * A state object {@code zeroed} since reset is Unresumed already when that is state 0: then
     * only the arguments are stored.
     */
    private void initialise(Rvalue.Spawn sp, LLVMValueRef state, boolean zeroed) {
        List<LLVMValueRef> args = new java.util.ArrayList<>();
        for (Operand op : sp.args()) {
            LLVMValueRef v = operand(op);
            if (v != null) args.add(v);
        }
        StateMachine m = cg.callees.get(sp.task());
        if (zeroed && m.stateOf(StateMachine.Kind.UNRESUMED).index() == 0) {
            cg.sm.storeArguments(state, cg.program.function(sp.task()), m, args);
            return;
        }
        args.add(0, state);
        LLVMValueRef init = cg.inits.get(sp.task());
        LLVMBuildCall2(cg.builder, LLVMGlobalGetValueType(init), init, LlvmCodegen.values(args.toArray(LLVMValueRef[]::new)), args.size(), "");
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
                return cg.callRuntime(op.channel().signal() ? "mote_signal_try_recv" : "mote_channel_try_recv", channel, operand(op.args().get(1)), cg.shape(op.channel()));
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
        LLVMValueRef tmp = entryAlloca(element, "item");
        LLVMBuildStore(cg.builder, operand(value), tmp);
        return tmp;
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
            int bytes = t instanceof Type.Channel ch ? ch.header() : t.size();
            LLVMBuildMemSet(cg.builder, slots[ic.local().index()], cg.constInt(cg.i8, 0), cg.constInt(cg.i32, bytes), t.align());
        } else if (s instanceof Statement.Unlock u) {
            cg.callRuntime("mote_mutex_unlock", operand(u.mutex()));
        } else if (s instanceof Statement.CriticalExit c) {
            restoreInterrupts(operand(c.saved()));
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
        String name = intrinsic + ".i" + Type.intRepr(t).bits();
        return zeroFlag ? callIntrinsic(name, cg.llvmType(t), v, LLVMConstInt(cg.i1, 0, 0)) : callIntrinsic(name, cg.llvmType(t), v);
    }

    /** Calls LLVM intrinsic {@code name} (declared at its first use), its parameters typed as {@code args} are. */
    private LLVMValueRef callIntrinsic(String name, LLVMTypeRef result, LLVMValueRef... args) {
        LLVMTypeRef[] params = new LLVMTypeRef[args.length];
        for (int i = 0; i < args.length; i++) params[i] = LLVMTypeOf(args[i]);
        LLVMTypeRef type = cg.fnType(result, params);
        LLVMValueRef f = LLVMGetNamedFunction(cg.module, name);
        if (f == null || f.isNull()) f = LLVMAddFunction(cg.module, name, type);
        return LLVMBuildCall2(cg.builder, type, f, LlvmCodegen.values(args), args.length, "");
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
                case FLOAT_ABS -> callIntrinsic("llvm.fabs.f32", cg.f32, v);
            };
        }
        if (r instanceof Rvalue.Cast c) {
            LLVMValueRef v = operand(c.operand());
            Type from = fn.typeOf(c.operand());
            if (from instanceof Type.Float32 || c.target() instanceof Type.Float32) return floatCast(v, from, c.target());
            Type.Int to = (Type.Int) c.target();
            if (from instanceof Type.Ref) return LLVMBuildPtrToInt(cg.builder, v, cg.llvmType(to), "");   // an address, to order two (copy_from_slice)
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
            LLVMTypeRef pair = LLVMStructTypeInContext(cg.ctx, new PointerPointer<>(cg.llvmType(it), cg.i1), 2, 0);
            LLVMValueRef result = callIntrinsic(name, pair, operand(o.left()), operand(o.right()));
            return LLVMBuildExtractValue(cg.builder, result, 1, "overflow");
        }
        if (r instanceof Rvalue.Ticks) return cg.callRuntime("mote_ticks_us");
        if (r instanceof Rvalue.Discriminant d) return discriminant(address(d.place()), (Type.Sum) placeType(d.place()));
        if (r instanceof Rvalue.Spawn sp) return spawn(sp);
        if (r instanceof Rvalue.ChannelOp op) return channelOp(op);
        if (r instanceof Rvalue.CriticalEnter) return maskInterrupts();
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
        return callIntrinsic("llvm.fpto" + (it.signed() ? "s" : "u") + "i.sat.i" + it.bits() + ".f32", cg.llvmType(it), v);
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
            if (a.callee() == Callee.Builtin.YIELD_NOW) {
                yieldOnce(s, cg.offsetPtr(self, s.awaitee().offset()));
                return;
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

package mote.llvm;

import static org.bytedeco.llvm.global.LLVM.*;

import java.util.List;
import java.util.Map;
import mote.async.StateMachine;
import mote.mir.Local;
import mote.mir.MirFn;
import mote.mir.Operand;
import mote.mir.Place;
import mote.mir.Rvalue;
import mote.types.Type;
import org.bytedeco.llvm.LLVM.LLVMBasicBlockRef;
import org.bytedeco.llvm.LLVM.LLVMMetadataRef;
import org.bytedeco.llvm.LLVM.LLVMValueRef;


/**
 * One function's body while {@link BodyEmitter} emits it: the LLVM function, each local's slot
 * (an alloca, or its place in the state object when it is borrowed across an await), the blocks,
 * the poll function's {@code self}/{@code out}, and reading and writing operands and places.
 *
 * The emitter of one body is one object whose methods are split by responsibility into a sealed
 * chain, one a file: BodyEmitterState, {@link PrintEmitter}, {@link AwaitEmitter} and on top
 * {@link BodyEmitter} (statements, rvalues, terminators). Members are package-private, so all
 * of them work on this one function.
 */
abstract sealed class BodyEmitterState permits PrintEmitter {
    final LlvmCodegen cg;
    final MirFn fn;
    final StateMachine machine;
    final LLVMValueRef[] slots;
    /** The temporaries kept as values, not in slots ({@link BlockTemps}), and each one's value once assigned. */
    boolean[] temps;
    final LLVMValueRef[] values;
    final LLVMBasicBlockRef[] blocks;
    LLVMValueRef llvmFn;
    LLVMValueRef self, out, sret;

    BodyEmitterState(LlvmCodegen cg, MirFn fn, StateMachine machine) {
        this.cg = cg;
        this.fn = fn;
        this.machine = machine;
        this.slots = new LLVMValueRef[fn.locals().size()];
        this.values = new LLVMValueRef[fn.locals().size()];
        this.temps = new boolean[fn.locals().size()];
        this.blocks = new LLVMBasicBlockRef[fn.blocks().size()];
    }

    org.bytedeco.llvm.LLVM.LLVMMetadataRef scope;
    /** The named locals' DWARF variables; null without debug info. */
    Map<Local, DebugInfo.Declared> declared;

    /** Scratch memory in the entry block, one per LLVM type ({@link #scratch}). */
    private final Map<Type, LLVMValueRef> scratch = new java.util.HashMap<>();

    /**
     * A stack slot of type {@code t} that the awaits of this function pass their callees' polls
     * for the result (AwaitEmitter.sharesResultSlots). A slot per await would escape into the call
     * and stay distinct: where the callee is not inlined (split code generation), a poll awaiting
     * a callee 3,000 times had a 12 KB frame. The value moves to its local after the call, which
     * keeps the local's own slot promotable to a register.
     */
    LLVMValueRef scratch(Type t) {
        LLVMValueRef slot = scratch.get(t);
        if (slot != null) return slot;
        slot = entryAlloca(t, "scratch");
        LLVMSetAlignment(slot, Math.max(1, t.align()));
        scratch.put(t, slot);
        return slot;
    }

    /** A stack slot of type {@code t} allocated in the entry block (so LLVM sees a fixed frame), built from anywhere. */
    LLVMValueRef entryAlloca(Type t, String name) {
        LLVMBasicBlockRef here = LLVMGetInsertBlock(cg.builder);
        LLVMBasicBlockRef entry = LLVMGetEntryBasicBlock(llvmFn);
        LLVMValueRef first = LLVMGetFirstInstruction(entry);
        if (first != null && !first.isNull()) LLVMPositionBuilderBefore(cg.builder, first);
        else LLVMPositionBuilderAtEnd(cg.builder, entry);
        LLVMValueRef slot = LLVMBuildAlloca(cg.builder, cg.llvmType(t), name);
        LLVMPositionBuilderAtEnd(cg.builder, here);
        return slot;
    }

    /** `--debug` builds with DWARF describe a kept local at its slot in the state object (DebugInfo.keptInState). */
    boolean describesKeptLocals() {
        return declared != null && cg.debugBuild && machine != null;
    }

    // ------------------------------------------------------------ statements

    /** A scalar operand's value; for an aggregate, the address of its bytes (copied by the user). */
    LLVMValueRef operand(Operand op) {
        if (op instanceof Operand.Copy c) {
            Type t = fn.typeOf(c.local());
            if (!LlvmCodegen.hasStorage(t)) return null;
            if (Type.isAggregate(t)) return slots[c.local().index()];
            if (temps[c.local().index()]) {
                LLVMValueRef v = values[c.local().index()];
                if (v == null) throw new IllegalStateException(fn.name() + ": temporary " + c.local() + " read before it is assigned");
                return v;
            }
            return LLVMBuildLoad2(cg.builder, cg.llvmType(t), slots[c.local().index()], "");
        }
        if (!(op instanceof Operand.Const k)) throw new IllegalStateException("unhandled operand " + op);
        if (!LlvmCodegen.hasStorage(k.type())) return null;
        return cg.constScalar(k.type(), k.bits());
    }

    void store(Local dest, LLVMValueRef value) {
        if (temps[dest.index()]) {
            if (values[dest.index()] != null) throw new IllegalStateException(fn.name() + ": temporary " + dest + " assigned twice");
            values[dest.index()] = value;
            return;
        }
        if (slots[dest.index()] != null && value != null) LLVMBuildStore(cg.builder, value, slots[dest.index()]);
    }

    /** Writes operand {@code op} of type {@code t} to memory at {@code dst}. */
    void storeOperand(LLVMValueRef dst, Operand op, Type t) {
        LLVMValueRef v = operand(op);
        if (v == null) return;
        if (Type.isAggregate(t)) cg.copyBytes(dst, v, t);
        else LLVMBuildStore(cg.builder, v, dst);
    }

    LLVMValueRef indexValue(Operand index) {
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
    LLVMValueRef storage(Local local) {
        if (temps[local.index()]) throw new IllegalStateException(fn.name() + ": temporary " + local + " has no storage");
        LLVMValueRef at = slots[local.index()];
        return at != null ? at : LLVMConstNull(cg.ptr);
    }

    /** The address of a place: the local's storage, then each projection in turn. */
    LLVMValueRef address(Place place) {
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

    LLVMValueRef registerAddress(long address) {
        return LLVMConstIntToPtr(cg.constInt(cg.i32, address), cg.ptr);
    }

    Type placeType(Place p) { return p.type(fn); }

    /** Stores the tag (or, niche-encoded, the other variants' niche value) and the fields. */
    void variantInto(LLVMValueRef dst, Rvalue.Variant v) {
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
}

package mote.llvm;

import static org.bytedeco.llvm.global.LLVM.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import mote.async.StateMachine;
import mote.mir.Callee;
import mote.types.Type;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.llvm.LLVM.LLVMDIBuilderRef;
import org.bytedeco.llvm.LLVM.LLVMMetadataRef;

/**
 * DWARF types for Mote types and for state machines, named as Mote names them, laid out at
 * the checker's own offsets (every aggregate is bytes at our offsets in LLVM, so DWARF is the
 * only place the fields have names).
 *
 * <ul>
 * <li>integers and bool are base types (`u32`, `bool`); an enum is an enumeration type with
 *     its variants' names; a struct a structure with its fields; `[T; N]` an array;
 *     `&T` a pointer; `&[T]` a struct {@code {data: *T, len: u32}};</li>
 * <li>`Channel<T, N>` / `Signal<T>`: runtime-c's header, then {@code items: [T; N]}, a ring
 *     starting at {@code head} of which {@code count} are in use;</li>
 * <li>a state machine ({@link #stateMachine}) is a struct named {@code F_state}: the
 *     discriminant {@code state}, an enumeration named after the states (`Suspend0`, ...), and
 *     one member per state named as the state, a struct of what that state keeps at its
 *     offsets (the saved locals by name, and {@code awaiting}: the child future, itself typed:
 *     a callee's state machine, a sleep's timer, a channel wait's waiter node; in a
 *     `join`/`race`, each branch's future {@code childN} and its flags). The members overlap
 *     as the states' slots do; only the one the discriminant names is meaningful, which the
 *     printer in qemu/gdbinit shows alone.</li>
 * <li>a type without a description here is its bytes, never a failed build.</li>
 * </ul>
 */
final class DebugTypes {
    private static final int DW_ATE_BOOLEAN = 0x02, DW_ATE_FLOAT = 0x04, DW_ATE_SIGNED = 0x05, DW_ATE_UNSIGNED = 0x08;
    private static final int DW_TAG_STRUCTURE_TYPE = 0x13, DW_TAG_VOLATILE_TYPE = 0x35;

    private final LLVMDIBuilderRef di;
    private final LLVMMetadataRef scope, file;
    private final Map<String, StateMachine> machines;
    private final Map<Type, LLVMMetadataRef> byValue = new HashMap<>();
    private final Map<Type.Struct, LLVMMetadataRef> structs = new IdentityHashMap<>();
    private final Map<String, LLVMMetadataRef> named = new HashMap<>();

    private final mote.mir.MirProgram program;
    /** Whether channel headers are compact (mote.opt.CompactChannels): byte fields, items at 4. */
    private final boolean compactChannels;

    DebugTypes(LLVMDIBuilderRef di, LLVMMetadataRef compileUnit, LLVMMetadataRef file, Map<String, StateMachine> machines,
               mote.mir.MirProgram program, boolean compactChannels) {
        this.di = di;
        this.scope = compileUnit;
        this.file = file;
        this.machines = machines;
        this.program = program;
        this.compactChannels = compactChannels;
    }

    /**
     * The DWARF type of a static of type {@code t}: as {@link #of}, but a lone channel or signal
     * with a compact header is the size of its static, under its type's.
     */
    LLVMMetadataRef ofStatic(Type t) {
        int bytes = mote.opt.CompactChannels.staticSize(t, compactChannels);
        if (!(t instanceof Type.Channel ch) || bytes == t.size()) return of(t);
        return named.computeIfAbsent("static " + ch, k -> channel(ch, bytes, mote.opt.CompactChannels.staticAlign(ch, compactChannels)));
    }

    LLVMMetadataRef file() { return file; }

    /** The DWARF type of {@code t}; null for `()` and `!`, which have no storage. */
    LLVMMetadataRef of(Type t) {
        if (t instanceof Type.Unit || t instanceof Type.Never) return null;
        if (t instanceof Type.Struct s) return struct(s);
        LLVMMetadataRef known = byValue.get(t);
        if (known != null) return known;
        LLVMMetadataRef made;
        if (t instanceof Type.Int i) made = base(i.toString(), i.bits(), i.signed() ? DW_ATE_SIGNED : DW_ATE_UNSIGNED);
        else if (t instanceof Type.Bool) made = base("bool", 8, DW_ATE_BOOLEAN);
        else if (t instanceof Type.Float32) made = base("f32", 32, DW_ATE_FLOAT);
        else if (t instanceof Type.Enum e) made = enumeration(e);
        else if (t instanceof Type.Array a) made = array(a.element(), a.length());
        else if (t instanceof Type.Ref r) made = pointer(r.target());
        else if (t instanceof Type.Slice s) made = struct(t.toString(), 64, 32, List.of(
                member("data", pointer(s.element()), 0, 32), member("len", of(Type.U32), 4, 32)));
        else if (t instanceof Type.Channel ch) made = channel(ch);
        else if (t instanceof Type.Mutex mx) made = mutex(mx);
        else if (t instanceof Type.Tuple tu) made = tuple(tu);
        else if (t instanceof Type.Sum sum) return sum(sum);
        else made = bytes(t.size());   // a type without a description yet: its bytes, never a failed build
        byValue.put(t, made);
        return made;
    }

    /** A tuple as rustc describes one: a struct with members `__0`, `__1`, .... */
    private LLVMMetadataRef tuple(Type.Tuple tu) {
        List<LLVMMetadataRef> members = new ArrayList<>();
        for (int i = 0; i < tu.elements().size(); i++) {
            Type e = tu.elements().get(i);
            LLVMMetadataRef et = of(e);
            if (et != null) members.add(member("__" + i, et, tu.offset(i), 8L * e.size()));
        }
        return struct(tu.toString(), 8L * tu.size(), 8 * tu.align(), members);
    }

    /**
     * A data enum, Option or Result: its tag (when it has one: an enumeration of the variants'
     * names, `tag = Some`) and every variant's fields as overlapping members named
     * `Variant.field`; the tag says which are meaningful.
     */
    private LLVMMetadataRef sum(Type.Sum sum) {
        // An enum may refer to itself through references (`Fork(&Tree, &Tree)`): as for structs, a
        // placeholder stands in until the members are known.
        String name = sum.toString();
        LLVMMetadataRef placeholder = LLVMDIBuilderCreateReplaceableCompositeType(di, DW_TAG_STRUCTURE_TYPE, name, utf8(name),
                scope, file, 0, 0, 8L * sum.size(), 8 * sum.align(), LLVMDIFlagZero, "", 0);
        byValue.put(sum, placeholder);
        List<LLVMMetadataRef> members = new ArrayList<>();
        if (sum.tag() != null) {   // the variant's index: an enumeration of the variants' names
            List<LLVMMetadataRef> names = new ArrayList<>();
            for (int v = 0; v < sum.variants().size(); v++)
                names.add(LLVMDIBuilderCreateEnumerator(di, sum.variants().get(v).name(), utf8(sum.variants().get(v).name()), v, 1));
            LLVMMetadataRef tag = enumeration(sum + ".tag", names, of(sum.tag()), sum.tag().bits());
            members.add(member("tag", tag, sum.tagOffset(), 8L * sum.tag().size()));
        }
        for (int v = 0; v < sum.variants().size(); v++) {
            Type.Sum.Variant variant = sum.variants().get(v);
            if (sum.tag() == null && v != sum.dataful()) continue;
            for (int i = 0; i < variant.fields().size(); i++) {
                Type f = variant.fields().get(i);
                LLVMMetadataRef ft = of(f);
                String memberName = variant.name() + "." + (variant.isStructLike() ? variant.fieldNames().get(i) : String.valueOf(i));
                if (ft != null) members.add(member(memberName, ft, sum.fieldOffset(v, i), 8L * f.size()));
            }
        }
        LLVMMetadataRef made = struct(name, 8L * sum.size(), 8 * sum.align(), members);
        LLVMMetadataReplaceAllUsesWith(placeholder, made);
        byValue.put(sum, made);
        return made;
    }

    /** `volatile T`: what a register is. */
    LLVMMetadataRef volatileOf(Type t) {
        return LLVMDIBuilderCreateQualifiedType(di, DW_TAG_VOLATILE_TYPE, of(t));
    }

    private LLVMMetadataRef base(String name, int bits, int encoding) {
        return LLVMDIBuilderCreateBasicType(di, name, utf8(name), bits, encoding, LLVMDIFlagZero);
    }

    private LLVMMetadataRef enumeration(Type.Enum e) {
        List<LLVMMetadataRef> enumerators = new ArrayList<>();
        for (int k = 0; k < e.variants().size(); k++)
            enumerators.add(LLVMDIBuilderCreateEnumerator(di, e.variants().get(k), utf8(e.variants().get(k)), e.values().get(k), e.repr().signed() ? 0 : 1));
        return enumeration(e.name(), enumerators, of(e.repr()), e.repr().bits());
    }

    private LLVMMetadataRef enumeration(String name, List<LLVMMetadataRef> enumerators, LLVMMetadataRef underlying, int bits) {
        return LLVMDIBuilderCreateEnumerationType(di, scope, name, utf8(name), file, 0, bits, bits,
                new PointerPointer<>(enumerators.toArray(LLVMMetadataRef[]::new)), enumerators.size(), underlying);
    }

    private LLVMMetadataRef array(Type element, long length) {
        LLVMMetadataRef e = element instanceof Type.Unit || element instanceof Type.Never ? of(Type.U8) : of(element);
        long elementBits = 8L * Math.max(0, element.size());
        LLVMMetadataRef range = LLVMDIBuilderGetOrCreateSubrange(di, 0, length);
        return LLVMDIBuilderCreateArrayType(di, elementBits * length, 8 * Math.max(1, element.align()), e, new PointerPointer<>(new LLVMMetadataRef[] {range}), 1);
    }

    private LLVMMetadataRef bytes(int n) {
        return array(Type.U8, n);
    }

    private LLVMMetadataRef pointer(Type target) {
        LLVMMetadataRef pointee = target instanceof Type.Unit || target instanceof Type.Never ? null : of(target);
        return LLVMDIBuilderCreatePointerType(di, pointee, 32, 32, 0, "", 0);
    }

    /** Structs may refer to themselves through references: a placeholder stands in until the fields are known. */
    private LLVMMetadataRef struct(Type.Struct s) {
        LLVMMetadataRef known = structs.get(s);
        if (known != null) return known;
        LLVMMetadataRef placeholder = LLVMDIBuilderCreateReplaceableCompositeType(di, DW_TAG_STRUCTURE_TYPE, s.name(), utf8(s.name()),
                scope, file, 0, 0, 8L * s.size(), 8 * s.align(), LLVMDIFlagZero, "", 0);
        structs.put(s, placeholder);
        List<LLVMMetadataRef> members = new ArrayList<>();
        for (Type.Struct.Field f : s.fields()) {
            LLVMMetadataRef ft = of(f.type());
            if (ft != null) members.add(member(f.name(), ft, f.offset(), 8L * f.type().size()));
        }
        LLVMMetadataRef made = struct(s.name(), 8L * s.size(), 8 * s.align(), members);
        LLVMMetadataReplaceAllUsesWith(placeholder, made);
        structs.put(s, made);
        return made;
    }

    private LLVMMetadataRef struct(String name, long bits, int alignBits, List<LLVMMetadataRef> members) {
        return LLVMDIBuilderCreateStructType(di, scope, name, utf8(name), file, 0, bits, alignBits, LLVMDIFlagZero, null,
                new PointerPointer<>(members.toArray(LLVMMetadataRef[]::new)), members.size(), 0, null, "", 0);
    }

    private LLVMMetadataRef member(String name, LLVMMetadataRef type, int offset, long bits) {
        return LLVMDIBuilderCreateMemberType(di, scope, name, utf8(name), file, 0, bits, 0, 8L * offset, LLVMDIFlagZero, type);
    }

    /** runtime-c's `struct mote_channel` (docs/runtime-abi.md), then the items. */
    private LLVMMetadataRef channel(Type.Channel ch) {
        return channel(ch, ch.size(), ch.align());
    }

    /** The same in {@code bytes} at {@code align}: a static's, with a compact header (mote.opt.CompactChannels) where the program has them. */
    private LLVMMetadataRef channel(Type.Channel ch, int bytes, int align) {
        List<LLVMMetadataRef> members = new ArrayList<>();
        int items;
        if (compactChannels && ch.signal()) {
            // one byte: the waiting task (id + 1) in bits 0-6, the count in bit 7 (runtime-c's channel.c)
            LLVMMetadataRef u8 = of(Type.U8);
            members.add(LLVMDIBuilderCreateBitFieldMemberType(di, scope, "receiver_task", 13, file, 0, 7, 0, 0, LLVMDIFlagZero, u8));
            members.add(LLVMDIBuilderCreateBitFieldMemberType(di, scope, "count", 5, file, 0, 1, 7, 0, LLVMDIFlagZero, u8));
            items = mote.opt.CompactChannels.SIGNAL_HEADER;
        } else if (compactChannels && !ch.isEvent()) {
            LLVMMetadataRef u8 = of(Type.U8);
            members.add(member("head", u8, 0, 8));
            members.addAll(count(u8, 1, 8));
            members.add(member("receiver_task", u8, 2, 8));
            if (!ch.signal()) members.add(member("sender_task", u8, 3, 8));
            items = mote.opt.CompactChannels.HEADER;
        } else {
            LLVMMetadataRef waiter = pointer(Type.U32);
            members.add(member("head", of(Type.U16), 0, 16));
            members.addAll(count(of(Type.U16), 2, 16));
            members.add(member("receivers", waiter, 4, 32));
            if (!ch.signal()) members.add(member("senders", waiter, 8, 32));   // a Signal's value takes their word
            items = ch.header();
        }
        if (ch.element().size() > 0) members.add(member("items", array(ch.element(), ch.capacity()), items, 8L * ch.element().size() * ch.capacity()));
        return struct(ch.toString(), 8L * bytes, 8 * align, members);
    }

    /**
     * A channel header's item count, {@code bits} wide at byte {@code offset}. In a program that
     * closes channels its top bit is the closed flag (runtime-c's closed_flag): then two bit
     * fields, so that a debugger's `count` (qemu/gdbinit's "N queued") is the items alone.
     */
    private List<LLVMMetadataRef> count(LLVMMetadataRef type, int offset, int bits) {
        if (!program.closesChannels()) return List.of(member("count", type, offset, bits));
        long at = 8L * offset;
        return List.of(
                LLVMDIBuilderCreateBitFieldMemberType(di, scope, "count", 5, file, 0, bits - 1, at, at, LLVMDIFlagZero, type),
                LLVMDIBuilderCreateBitFieldMemberType(di, scope, "closed", 6, file, 0, 1, at + bits - 1, at, LLVMDIFlagZero, type));
    }

    /** runtime-c's `struct mote_mutex` (docs/runtime-abi.md), then the value. */
    private LLVMMetadataRef mutex(Type.Mutex m) {
        List<LLVMMetadataRef> members = new ArrayList<>(List.of(
                member("waiters", pointer(Type.U32), 0, 32), member("locked", of(Type.BOOL), 4, 8)));
        if (m.element().size() > 0) members.add(member("value", of(m.element()), Type.Mutex.VALUE, 8L * m.element().size()));
        return struct(m.toString(), 8L * m.size(), 8 * m.align(), members);
    }

    /** runtime-c's `struct mote_timer`: a pending `sleep_ms`/`sleep_us` (its duration went to the first poll). */
    private LLVMMetadataRef sleep(String name) {
        return named.computeIfAbsent(name, k -> struct(k, 8 * 16, 32, List.of(
                member("deadline", of(Type.U64), 0, 64), member("next", pointer(Type.U32), 8, 32),
                member("task", of(Type.U16), 12, 16), member("node", of(Type.U8), 14, 8))));
    }

    /** A sleep whose deadline runtime-c keeps outside the future (mote.opt.TaskTimers): its state byte alone. */
    private LLVMMetadataRef sleepByte(String name) {
        return named.computeIfAbsent(name + " (state byte)", k -> struct(name, 8, 8, List.of(member("node", of(Type.U8), 0, 8))));
    }

    /** runtime-c's `struct mote_waiter` (none when direct), the channel (none when fixed), and for a send the item: a pending channel wait. */
    private LLVMMetadataRef channelWait(Callee.Channel c) {
        List<LLVMMetadataRef> members = new ArrayList<>();
        if (!c.direct())
            members.addAll(List.of(member("next", pointer(Type.U32), 0, 32), member("task", of(Type.U16), 4, 16),
                    member("node", of(Type.U8), 6, 8)));
        if (c.keepsPointer()) members.add(member("channel", pointer(c.channel()), c.channelOffset(), 32));
        if (c.send() && c.channel().element().size() > 0)
            members.add(member("item", of(c.channel().element()), c.itemOffset(), 8L * c.channel().element().size()));
        // A fixed wait names its static in the type's name, for qemu/gdbinit's `mote tasks`.
        String name = c.keepsPointer() ? c.toString() : c + " on " + c.fixed();
        return struct(name, 8L * c.stateSize(), 8 * c.stateAlign(), members);
    }

    /** The type of a pending child future of {@code callee} taking {@code size} bytes. */
    private LLVMMetadataRef future(Callee callee, int size) {
        if (callee instanceof Callee.Function f && machines.containsKey(f.name())) return stateMachine(f.name());
        if (callee instanceof Callee.Builtin b && b.perTask()) return sleepByte(b.toString());
        if (callee == Callee.Builtin.SLEEP_MS || callee == Callee.Builtin.SLEEP_US) return sleep(callee.toString());
        if (callee == Callee.Builtin.YIELD_NOW) return struct("yield_now", 8, 8, List.of(member("yielded", of(Type.BOOL), 0, 8)));
        if (callee instanceof Callee.Channel c) return channelWait(c);
        if (callee instanceof Callee.Lock l) return struct(l.toString(), 8L * Callee.Lock.STATE_SIZE, 8 * Callee.Lock.STATE_ALIGN, List.of(
                member("next", pointer(Type.U32), 0, 32), member("task", of(Type.U16), 4, 16),
                member("node", of(Type.U8), 6, 8), member("mutex", pointer(l.mutex()), Callee.Lock.MUTEX_PTR, 32)));
        return bytes(size);
    }

    /** A `join`/`race` branch's future: typed when every await of the branch waits on the same kind of future. */
    private LLVMMetadataRef childFuture(mote.mir.Terminator.ChildWait w, int size) {
        if (w == null) return bytes(size);
        List<Callee> sites = w.sites().stream().filter(java.util.Objects::nonNull).distinct().toList();
        if (sites.size() != 1) return bytes(size);
        int own = sites.get(0) instanceof Callee.Function f && machines.containsKey(f.name()) ? machines.get(f.name()).size()
                : sites.get(0) instanceof Callee.Builtin b ? b.stateSize : sites.get(0) instanceof Callee.Channel c ? c.stateSize()
                : sites.get(0) instanceof Callee.Lock ? Callee.Lock.STATE_SIZE : Integer.MAX_VALUE;
        return own <= size ? future(sites.get(0), size) : bytes(size);
    }

    /** The state object of async fn or task {@code fn}: see the class comment. */
    LLVMMetadataRef stateMachine(String fn) {
        LLVMMetadataRef known = named.get(stateName(fn));
        if (known != null) return known;
        // A state object's type holds its awaitees' (a member per pending child future), so
        // those are made first, callees before callers, walked with a stack of our own: made
        // by recursion, a 2,000-deep await chain overflowed the JVM's stack. Each is then
        // made with its children's types already known, one level deep.
        for (String callee : calleesFirst(fn)) {
            if (!named.containsKey(stateName(callee))) makeStateMachine(callee);
        }
        return named.get(stateName(fn));
    }

    private static String stateName(String fn) {
        return fn.replace('.', '_') + "_state";
    }

    /** {@code fn} and every state machine its states await, transitively, each after those it awaits. */
    private List<String> calleesFirst(String fn) {
        List<String> order = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>(java.util.Set.of(fn));
        java.util.Deque<java.util.Iterator<String>> stack = new java.util.ArrayDeque<>();
        java.util.Deque<String> path = new java.util.ArrayDeque<>();
        path.push(fn);
        stack.push(awaited(fn).iterator());
        while (!stack.isEmpty()) {
            java.util.Iterator<String> next = stack.peek();
            if (next.hasNext()) {
                String callee = next.next();
                if (seen.add(callee) && !named.containsKey(stateName(callee))) {
                    path.push(callee);
                    stack.push(awaited(callee).iterator());
                }
            } else {
                stack.pop();
                order.add(path.pop());
            }
        }
        return order;
    }

    /** The state machines whose types {@code fn}'s state object names: its awaitees' and its `join`/`race` branches'. */
    private List<String> awaited(String fn) {
        StateMachine m = machines.get(fn);
        List<String> out = new ArrayList<>();
        mote.mir.MirFn f = program.function(fn);
        for (StateMachine.State s : m.states()) {
            if (s.awaitee() != null && s.awaitee().callee() instanceof Callee.Function c && machines.containsKey(c.name())) out.add(c.name());
            if (f != null && s.awaitBlock() != null && f.block(s.awaitBlock()).terminator() instanceof mote.mir.Terminator.Suspend su)
                for (mote.mir.Terminator.ChildWait w : su.waits())
                    for (Callee site : w.sites())
                        if (site instanceof Callee.Function c && machines.containsKey(c.name())) out.add(c.name());
        }
        return out;
    }

    private void makeStateMachine(String fn) {
        String name = stateName(fn);
        StateMachine m = machines.get(fn);
        List<LLVMMetadataRef> enumerators = new ArrayList<>();
        for (StateMachine.State s : m.states()) enumerators.add(LLVMDIBuilderCreateEnumerator(di, s.name(), utf8(s.name()), s.index(), 1));
        LLVMMetadataRef tag = enumeration(fn.replace('.', '_') + "_states", enumerators, of(Type.intNamed("u" + m.tagSize() * 8)), m.tagSize() * 8);
        List<LLVMMetadataRef> members = new ArrayList<>();
        members.add(member("state", tag, m.tagOffset(), 8L * m.tagSize()));
        for (StateMachine.Slot p : m.pinned()) {
            LLVMMetadataRef t = of(p.type());
            if (t != null) members.add(member(slotName(p), t, p.offset(), 8L * p.size()));
        }
        for (StateMachine.State s : m.states()) {
            // A `join`/`race` suspension: its branches' futures, and the flags that track them.
            Map<Integer, mote.mir.Terminator.ChildWait> waits = new HashMap<>();
            Map<mote.mir.Local, String> flags = new HashMap<>();
            mote.mir.MirFn f = program.function(fn);
            if (f != null && s.awaitBlock() != null && f.block(s.awaitBlock()).terminator() instanceof mote.mir.Terminator.Suspend su) {
                for (mote.mir.Terminator.ChildWait w : su.waits()) {
                    waits.put(w.child(), w);
                    flags.put(w.started(), "child" + w.child() + "_started");
                    flags.put(w.done(), "child" + w.child() + "_done");
                    flags.put(w.pc(), "child" + w.child() + "_at");
                }
            }
            List<LLVMMetadataRef> kept = new ArrayList<>();
            for (StateMachine.Slot slot : s.saved()) {
                LLVMMetadataRef t = of(slot.storage());   // a narrowed one as the bytes it is kept in
                String field = slot.name() == null && flags.containsKey(slot.local()) ? flags.get(slot.local()) : slotName(slot);
                if (t != null) kept.add(member(field, t, slot.offset(), 8L * slot.size()));
            }
            if (s.awaitee() != null)
                kept.add(member("awaiting", future(s.awaitee().callee(), s.awaitee().size()), s.awaitee().offset(), 8L * s.awaitee().size()));
            for (StateMachine.Child c : s.children())
                kept.add(member("child" + c.id(), childFuture(waits.get(c.id()), c.size()), c.offset(), 8L * c.size()));
            if (kept.isEmpty()) continue;
            String stateType = fn.replace('.', '_') + "_" + s.name();
            members.add(member(s.name(), struct(stateType, 8L * m.size(), 8 * m.align(), kept), 0, 8L * m.size()));
        }
        LLVMMetadataRef made = struct(name, 8L * m.size(), 8 * m.align(), members);
        named.put(name, made);
    }

    /** A saved local's name as written; a temporary's as MIR prints it (`_7`). */
    private static String slotName(StateMachine.Slot slot) {
        return slot.name() != null ? slot.name() : "_" + slot.local().index();
    }

    static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}

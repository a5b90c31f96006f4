package mote.mir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mote.types.Type;

/**
 * Whole-program intervals ({@link ValueRanges.Facts}): the values each unsigned struct field
 * may hold wherever a struct of its kind lives, and the values each parameter of a sync fn
 * receives from its callers. `struct Line { buf: [u8; 24], len: u32 }`, whose `len` is only
 * ever set to 0 or to itself plus one under `len < 24`, has `len` in 0..=24 everywhere, so
 * `line.buf[i]` under `i < line.len` needs no bounds check.
 *
 * Solved as a fixed point: assume the facts, analyse every fn under them, collect what every
 * store, struct literal and call can put in a field or a parameter, and repeat with the union
 * until nothing grows (widening to the program's compared constants, then to the type's
 * bound, so it ends). The result then holds inductively: the first value of every field
 * (zeroed memory or a static's initializer) is in it, and every write puts a value in it.
 *
 * Sound where Mote's memory is typed: a field changes only through a store to that field of a
 * struct of that kind, or by copying a whole struct that already held a value in range. A
 * field whose address is taken for writing (`&mut line.len`), of a struct a constant operand
 * stands for, is left unknown. A parameter is only narrowed for sync fns, whose every caller is
 * a call statement of the program; a fn never called keeps its parameters unknown. Reading
 * through a dangling reference (which Mote does not catch) reads whatever is there, as it
 * already does.
 */
public final class ProgramRanges implements ValueRanges.Facts {
    private static final int WIDEN_AFTER = 2;
    private static final ValueRanges.Range ZERO = new ValueRanges.Range(0, 0);
    private static final int GIVE_UP_AFTER = 40;   // rounds: then nothing is known (a guard: widening ends it sooner)

    private final MirProgram program;
    private final Map<ValueRanges.FieldRef, ValueRanges.Range> fields = new HashMap<>();
    private final Set<ValueRanges.FieldRef> unknownFields = new HashSet<>();
    private final Map<String, ValueRanges.Range[]> params = new HashMap<>();
    private final Map<String, AvailableLoads> loads = new HashMap<>();
    private boolean gaveUp;

    private ProgramRanges(MirProgram program) {
        this.program = program;
    }

    /** Solves the facts of {@code program}. */
    public static ProgramRanges of(MirProgram program) {
        ProgramRanges r = new ProgramRanges(program);
        r.solve();
        return r;
    }

    @Override
    public ValueRanges.Range field(Type.Struct s, int index) {
        ValueRanges.FieldRef f = new ValueRanges.FieldRef(s, index);
        if (gaveUp || unknownFields.contains(f)) return null;
        ValueRanges.Range r = fields.get(f);
        return r == null ? ZERO : r;   // never written: only zeroed memory holds it
    }

    @Override
    public ValueRanges.Range param(String fn, int index) {
        ValueRanges.Range[] ps = params.get(fn);
        return gaveUp || ps == null ? null : ps[index];
    }

    /**
     * What sync fn {@code fn} returns for arguments in {@code args}: its return value's range
     * over every return the analysis by cases reaches with the parameters in those ranges
     * (and in what every call gives them). Null when unknown: a fn that is async, a task, a
     * handler or not the program's, an argument or the result not an integer, bool or C-like
     * enum, no return reached, or calls nested too deep (recursion).
     */
    @Override
    public ValueRanges.Range callResult(String fn, List<ValueRanges.Range> args) {
        MirFn callee = program.function(fn);
        if (gaveUp || callee == null || !narrowable.contains(fn) || callDepth >= MAX_CALL_DEPTH
                || (ValueRanges.caseTop(callee.returnType()) < 0 && unsignedTop(callee.returnType()) < 0)) return null;
        List<Object> key = new ArrayList<>();
        key.add(fn);
        key.addAll(args);
        if (results.containsKey(key)) return results.get(key);
        ValueRanges.Range result = null;
        callDepth++;
        try {
            ValueRanges.Facts given = withParameters((f, index) -> {
                ValueRanges.Range known = param(f, index);
                if (!f.equals(fn) || index >= args.size() || args.get(index) == null) return known;
                ValueRanges.Range a = args.get(index);
                return known == null ? a : new ValueRanges.Range(Math.max(a.lo(), known.lo()), Math.min(a.hi(), known.hi()));
            });
            ValueRanges r = ValueRanges.computeByCases(callee, given, loads(callee));
            for (int i = 0; i < callee.blocks().size(); i++) {
                BlockId b = new BlockId(i);
                if (!(callee.blocks().get(i).terminator() instanceof Terminator.Return) || !r.reached(b)) continue;
                ValueRanges.Range at = r.atEnd(b, callee.returnLocal());
                if (at == null) { result = null; break; }
                result = result == null ? at : hull(result, at);
            }
        } finally {
            callDepth--;
        }
        results.put(key, result);
        return result;
    }

    private static final int MAX_CALL_DEPTH = 3;
    private int callDepth;
    private final Map<List<Object>, ValueRanges.Range> results = new HashMap<>();

    /**
     * The ranges of {@code fn}, a fn made from one of the program's that starts somewhere in
     * its middle, by cases ({@link ValueRanges#computeByCases}), with {@code loads}
     * ({@link #loadsByCases}); not kept. Its parameters start unknown: what callers pass holds
     * where the fn starts, not where this one does.
     */
    public ValueRanges rangesByCases(MirFn fn, AvailableLoads loads) {
        return ValueRanges.computeByCases(fn, withParameters((f, index) -> null), loads);
    }

    /** These facts with the parameters' ranges {@code param} gives instead. */
    private ValueRanges.Facts withParameters(java.util.function.BiFunction<String, Integer, ValueRanges.Range> param) {
        return new ValueRanges.Facts() {
            @Override public ValueRanges.Range field(Type.Struct s, int index) { return ProgramRanges.this.field(s, index); }
            @Override public ValueRanges.Range param(String f, int index) { return param.apply(f, index); }
            @Override public ValueRanges.Range callResult(String f, List<ValueRanges.Range> args) { return ProgramRanges.this.callResult(f, args); }
        };
    }

    /** The loads of {@code fn} by cases, counting only the edges {@code mayTake} allows (all when null). */
    public AvailableLoads loadsByCases(MirFn fn, java.util.function.BiPredicate<Integer, Integer> mayTake) {
        return AvailableLoads.byCases(fn, handlerWrites(), localsReachable(), payloadReferences(), mayTake);
    }

    /** The loads of {@code fn} that read a value a local already holds. */
    public AvailableLoads loads(MirFn fn) {
        return loads.computeIfAbsent(fn.name(), n -> AvailableLoads.of(fn, handlerWrites(), localsReachable(), payloadReferences()));
    }

    /** The ranges of {@code fn} under the program's facts. */
    public ValueRanges ranges(MirFn fn) {
        ValueRanges r = solved.get(fn.name());
        return r != null ? r : ValueRanges.compute(fn, this, loads(fn));
    }

    /** Each fn's ranges under the facts as they stand, from the last round (cleared when they change). */
    private final Map<String, ValueRanges> solved = new HashMap<>();

    /** What one round of analysis saw: every value put in a field, every argument of a narrowable fn. */
    private record Seen(Map<ValueRanges.FieldRef, ValueRanges.Range> fields, Map<String, ValueRanges.Range[]> params) {}

    /**
     * Up: join what is seen into the facts until nothing grows, widening what still grows after
     * {@link #WIDEN_AFTER} rounds to its type's bound. Then down: the facts become exactly what
     * the last round saw (and the first values), kept only while a round under them sees
     * nothing outside them, each such a fixed point again; this is what brings a `len` widened
     * to 2^32 - 1 back to the 24 its stores allow.
     */
    private void solve() {
        initialValues();
        initial = new HashMap<>(fields);
        markUnknownFields();
        narrowable = narrowableFns();
        Seen seen;
        for (int round = 1; ; round++) {
            if (round > GIVE_UP_AFTER) { gaveUp = true; solved.clear(); return; }
            seen = observeAll();
            if (!grow(seen, round > WIDEN_AFTER)) break;
        }
        for (int step = 0; step < NARROWING_STEPS; step++) {
            Map<ValueRanges.FieldRef, ValueRanges.Range> oldFields = new HashMap<>(fields);
            Map<String, ValueRanges.Range[]> oldParams = new HashMap<>(params);
            fields.clear();
            fields.putAll(initial);
            // Zeroed memory holds every kind of struct (a mutex or a channel slot not yet
            // written): 0 stays in every field.
            for (var e : seen.fields().entrySet()) fields.merge(e.getKey(), hull(e.getValue(), ZERO), ProgramRanges::hull);
            params.clear();
            params.putAll(seen.params());
            if (fields.equals(oldFields) && sameParams(oldParams)) return;
            Seen next = observeAll();
            if (!within(next)) {   // not a fixed point: keep the last one that was
                fields.clear();
                fields.putAll(oldFields);
                params.clear();
                params.putAll(oldParams);
                solved.clear();   // solved under the facts just dropped
                return;
            }
            seen = next;
        }
    }

    private static final int NARROWING_STEPS = 8;
    private Map<ValueRanges.FieldRef, ValueRanges.Range> initial;
    private Set<String> narrowable;

    private Seen observeAll() {
        solved.clear();
        Seen seen = new Seen(new HashMap<>(), new HashMap<>());
        for (MirFn fn : program.functions()) {
            // A narrowable fn no call reaches does not run (under these facts): nothing to see.
            if (narrowable.contains(fn.name()) && !params.containsKey(fn.name())) continue;
            if (!observes(fn)) continue;   // puts nothing in a field or a parameter
            Observed o = observed.get(fn.name());
            List<Object> inputs = inputs(fn);
            if (o == null || !o.inputs().equals(inputs)) {
                // Only the facts the fn reads change what it sees: else last round's still holds.
                ValueRanges r = ValueRanges.compute(fn, this, loads(fn));
                o = new Observed(inputs, new Seen(new HashMap<>(), new HashMap<>()));
                observe(fn, r, o.seen().fields(), o.seen().params());
                observed.put(fn.name(), o);
                solved.put(fn.name(), r);
            }
            for (var e : o.seen().fields().entrySet()) seen.fields().merge(e.getKey(), e.getValue(), ProgramRanges::hull);
            for (var e : o.seen().params().entrySet()) seen.params().merge(e.getKey(), e.getValue(), ProgramRanges::hullEach);
        }
        return seen;
    }

    /** What one fn saw, and the facts it read to see it. */
    private record Observed(List<Object> inputs, Seen seen) {}

    private final Map<String, Observed> observed = new HashMap<>();

    /** The facts {@code fn}'s analysis reads: its parameters', and the fields it loads. */
    private List<Object> inputs(MirFn fn) {
        List<Object> out = new ArrayList<>();
        ValueRanges.Range[] ps = params.get(fn.name());
        out.add(ps == null ? List.of() : java.util.Arrays.asList(ps.clone()));
        for (ValueRanges.FieldRef f : loadedFields.computeIfAbsent(fn.name(), n -> loadedFields(fn))) out.add(field(f.struct(), f.index()) == null ? "?" : field(f.struct(), f.index()));
        return out;
    }

    private final Map<String, List<ValueRanges.FieldRef>> loadedFields = new HashMap<>();

    private static List<ValueRanges.FieldRef> loadedFields(MirFn fn) {
        List<ValueRanges.FieldRef> out = new ArrayList<>();
        for (BasicBlock b : fn.blocks())
            for (Statement st : b.statements())
                if (st instanceof Statement.Assign a && a.value() instanceof Rvalue.Load ld) {
                    ValueRanges.FieldRef f = ValueRanges.fieldOf(fn, ld.place());
                    if (f != null && !out.contains(f)) out.add(f);
                }
        return out;
    }

    private static ValueRanges.Range[] hullEach(ValueRanges.Range[] x, ValueRanges.Range[] y) {
        ValueRanges.Range[] out = new ValueRanges.Range[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i] == null || y[i] == null ? null : hull(x[i], y[i]);
        return out;
    }

    /** Joins what was seen into the facts; whether anything grew. */
    private boolean grow(Seen seen, boolean widen) {
        boolean changed = false;
        for (var e : seen.fields().entrySet()) {
            ValueRanges.Range old = fields.getOrDefault(e.getKey(), ZERO);
            ValueRanges.Range h = hull(old, e.getValue());
            if (widen && !h.equals(old)) h = new ValueRanges.Range(0, fieldTop(e.getKey()));
            if (!h.equals(fields.get(e.getKey()))) { fields.put(e.getKey(), h); changed = true; }
        }
        for (var e : seen.params().entrySet()) {
            ValueRanges.Range[] old = params.get(e.getKey()), now = e.getValue();
            ValueRanges.Range[] merged = new ValueRanges.Range[now.length];
            for (int i = 0; i < now.length; i++) {
                if (now[i] == null || (old != null && old[i] == null)) continue;   // unknown stays unknown
                ValueRanges.Range h = old == null ? now[i] : hull(old[i], now[i]);
                merged[i] = widen && old != null && !h.equals(old[i]) ? null : h;
            }
            if (old == null || !java.util.Arrays.equals(old, merged)) { params.put(e.getKey(), merged); changed = true; }
        }
        return changed;
    }

    /** Whether everything {@code seen} lies within the facts. */
    private boolean within(Seen seen) {
        for (var e : seen.fields().entrySet())
            if (!fields.getOrDefault(e.getKey(), ZERO).contains(e.getValue())) return false;
        for (var e : seen.params().entrySet()) {
            ValueRanges.Range[] known = params.get(e.getKey()), now = e.getValue();
            if (known == null) return false;
            for (int i = 0; i < now.length; i++)
                if (known[i] != null && (now[i] == null || !known[i].contains(now[i]))) return false;
        }
        return true;
    }

    private boolean sameParams(Map<String, ValueRanges.Range[]> other) {
        if (!other.keySet().equals(params.keySet())) return false;
        for (var e : params.entrySet()) if (!java.util.Arrays.equals(e.getValue(), other.get(e.getKey()))) return false;
        return true;
    }

    /** What one fn can put in fields and in the parameters of the sync fns it calls. */
    private void observe(MirFn fn, ValueRanges vr, Map<ValueRanges.FieldRef, ValueRanges.Range> seenFields,
                         Map<String, ValueRanges.Range[]> seenParams) {
        vr.replay((block, index, st, before) -> {
            if (st instanceof Statement.Store store) {
                ValueRanges.FieldRef f = ValueRanges.fieldOf(fn, store.place());
                if (f != null) seenFields.merge(f, orTop(before.of(store.value()), fieldTop(f)), ProgramRanges::hull);
            } else if (st instanceof Statement.Assign a && a.value() instanceof Rvalue.Aggregate agg && agg.type() instanceof Type.Struct s) {
                for (int i = 0; i < agg.operands().size(); i++) {
                    ValueRanges.FieldRef f = new ValueRanges.FieldRef(s, i);
                    long top = fieldTop(f);
                    if (top >= 0) seenFields.merge(f, orTop(before.of(agg.operands().get(i)), top), ProgramRanges::hull);
                }
            } else if (st instanceof Statement.Assign a && a.value() instanceof Rvalue.Call call && narrowable.contains(call.function())) {
                MirFn callee = program.function(call.function());
                ValueRanges.Range[] args = new ValueRanges.Range[call.args().size()];
                for (int i = 0; i < args.length; i++) {
                    long top = unsignedTop(callee.typeOf(callee.params().get(i)));
                    args[i] = top < 0 ? null : orTop(before.of(call.args().get(i)), top);
                }
                seenParams.merge(call.function(), args, ProgramRanges::hullEach);
            }
        });
    }

    /** Whether {@code fn} stores to a tracked field, builds a struct or calls a narrowable fn. */
    private boolean observes(MirFn fn) {
        return observers.computeIfAbsent(fn.name(), n -> {
            for (BasicBlock b : fn.blocks())
                for (Statement st : b.statements()) {
                    if (st instanceof Statement.Store s && ValueRanges.fieldOf(fn, s.place()) != null) return true;
                    if (st instanceof Statement.Assign a && (a.value() instanceof Rvalue.Aggregate agg && agg.type() instanceof Type.Struct
                            || a.value() instanceof Rvalue.Call c && narrowable.contains(c.function()))) return true;
                }
            return false;
        });
    }

    private final Map<String, Boolean> observers = new HashMap<>();

    /** Sync fns with parameters: every call to one is a call statement the analysis sees. */
    private Set<String> narrowableFns() {
        Set<String> out = new HashSet<>();
        for (MirFn fn : program.functions())
            if (!fn.isAsync() && fn.interrupt() == null && !fn.params().isEmpty() && !program.isTaskEntry(fn.name())) out.add(fn.name());
        return out;
    }

    /** Zeroed memory, and the values statics start with. */
    private void initialValues() {
        for (MirProgram.Global g : program.globals())
            if (g.image() != null) scanImage(g.type(), g.image(), 0);
    }

    private void scanImage(Type t, byte[] image, int offset) {
        if (t instanceof Type.Struct s) {
            for (int i = 0; i < s.fields().size(); i++) {
                Type.Struct.Field f = s.fields().get(i);
                ValueRanges.FieldRef ref = new ValueRanges.FieldRef(s, i);
                int at = offset + f.offset();
                if (fieldTop(ref) >= 0 && at + f.type().size() <= image.length) {
                    long v = 0;
                    for (int b = f.type().size() - 1; b >= 0; b--) v = v << 8 | (image[at + b] & 0xFF);
                    fields.merge(ref, new ValueRanges.Range(v, v), ProgramRanges::hull);
                } else {
                    scanImage(f.type(), image, at);
                }
            }
        } else if (t instanceof Type.Array a && a.length() > 0 && containsStruct(a.element())) {
            int size = a.element().size();
            for (long i = 0; i < a.length() && offset + (i + 1) * size <= image.length; i++) scanImage(a.element(), image, (int) (offset + i * size));
        } else if (t instanceof Type.Tuple tu && containsStruct(t)) {
            for (int i = 0; i < tu.elements().size(); i++) scanImage(tu.elements().get(i), image, offset + tu.offset(i));
        } else if (containsStruct(t)) {
            unknownStructs(t);   // a data enum or a mutex holding one: not read apart here
        }
    }

    /**
     * Fields written other than through a store to them: borrowed for writing (`&mut s.len`),
     * of a struct a constant operand stands for, or reached through a reference into a data
     * enum's payload; and every field of a struct an interrupt handler reads or writes (a copy
     * of the whole struct, byte by byte, that a handler's store interrupts holds a value made
     * of two).
     */
    private void markUnknownFields() {
        for (MirFn fn : handlerFns())
            for (BasicBlock b : fn.blocks())
                for (Statement st : b.statements()) {
                    List<Place> places = new ArrayList<>();
                    if (st instanceof Statement.Store s) places.add(s.place());
                    if (st instanceof Statement.Assign a && a.value() instanceof Rvalue.Load ld) places.add(ld.place());
                    for (Place p : places) {
                        Type t = fn.typeOf(p.local());
                        unknownStructs(t);
                        for (Place.Projection pr : p.projections()) { t = Place.step(t, pr); unknownStructs(t); }
                    }
                    if (st instanceof Statement.WriteStatic w) unknownStructs(fn.typeOf(w.value()));
                    if (st instanceof Statement.Assign a && a.value() instanceof Rvalue.AddressOf ref) unknownStructs(ref.place().type(fn));
                    if (st instanceof Statement.Assign a && a.value() instanceof Rvalue.ChannelOp c) unknownStructs(c.channel().element());
                    if (st instanceof Statement.Assign a && a.value() instanceof Rvalue.ReadStatic rs) unknownStructs(rs.type());
                }
        for (MirFn fn : program.functions())
            for (BasicBlock b : fn.blocks()) {
                for (Statement st : b.statements()) {
                    if (st instanceof Statement.Assign a && a.value() instanceof Rvalue.AddressOf ref && ref.mutable()) {
                        ValueRanges.FieldRef f = ValueRanges.fieldOf(fn, ref.place());
                        if (f != null) unknownFields.add(f);
                    }
                    // A reference into a data enum's payload reads what a later variant wrote
                    // over it, and writes over what a later variant holds: the structs of every
                    // variant are not typed memory any more.
                    if (st instanceof Statement.Assign a && a.value() instanceof Rvalue.AddressOf ref) {
                        Type t = fn.typeOf(ref.place().local());
                        for (Place.Projection pr : ref.place().projections()) {
                            if (pr instanceof Place.Projection.VariantField) unknownStructs(t);
                            t = Place.step(t, pr);
                        }
                    }
                    for (Operand o : operands(st)) if (o instanceof Operand.Const k && containsStruct(k.type())) unknownStructs(k.type());
                }
            }
    }

    private static List<Operand> operands(Statement st) {
        List<Operand> out = new ArrayList<>();
        if (st instanceof Statement.Store s) out.add(s.value());
        if (st instanceof Statement.WriteStatic w) out.add(w.value());
        if (st instanceof Statement.Assign a) {
            Rvalue v = a.value();
            if (v instanceof Rvalue.Use u) out.add(u.operand());
            if (v instanceof Rvalue.Aggregate g) out.addAll(g.operands());
            if (v instanceof Rvalue.Variant g) out.addAll(g.operands());
            if (v instanceof Rvalue.Repeat r) out.add(r.value());
            if (v instanceof Rvalue.Call c) out.addAll(c.args());
            if (v instanceof Rvalue.Spawn s) out.addAll(s.args());
            if (v instanceof Rvalue.ChannelOp c) out.addAll(c.args());
        }
        return out;
    }

    private void unknownStructs(Type t) {
        forEachStruct(t, s -> { for (int i = 0; i < s.fields().size(); i++) unknownFields.add(new ValueRanges.FieldRef(s, i)); }, new HashSet<>());
    }

    private static boolean containsStruct(Type t) {
        boolean[] found = {false};
        forEachStruct(t, s -> found[0] = true, new HashSet<>());
        return found[0];
    }

    private static void forEachStruct(Type t, java.util.function.Consumer<Type.Struct> f, Set<Type> seen) {
        if (!seen.add(t)) return;
        if (t instanceof Type.Struct s) f.accept(s);
        for (Type p : Type.inside(t)) forEachStruct(p, f, seen);
    }

    /** The types interrupt handlers, and the fns they call, write: stores, statics, channel items. */
    private Set<Type> handlerWrites;

    private Set<Type> handlerWrites() {
        if (handlerWrites != null) return handlerWrites;
        Set<Type> out = new HashSet<>();
        for (MirFn f : handlerFns())
            for (BasicBlock b : f.blocks())
                for (Statement st : b.statements()) {
                    if (st instanceof Statement.Store s) out.add(s.place().type(f));
                    if (st instanceof Statement.WriteStatic w) out.add(f.typeOf(w.value()));
                    if (st instanceof Statement.Assign a && a.value() instanceof Rvalue.ChannelOp c) out.add(c.channel().element());
                }
        return handlerWrites = out;
    }

    /** Interrupt handlers and the fns they call. */
    private List<MirFn> handlerFns() {
        List<MirFn> out = new ArrayList<>();
        java.util.ArrayDeque<String> work = new java.util.ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        for (MirFn f : program.functions()) if (f.interrupt() != null && seen.add(f.name())) work.add(f.name());
        while (!work.isEmpty()) {
            MirFn f = program.function(work.pop());
            if (f == null) continue;
            out.add(f);
            for (BasicBlock b : f.blocks())
                for (Statement st : b.statements())
                    if (st instanceof Statement.Assign a && a.value() instanceof Rvalue.Call c && seen.add(c.function())) work.add(c.function());
        }
        return out;
    }

    /**
     * Whether every C-like enum value in memory is one of its type's: not where the program
     * takes a reference into a data enum's payload, through which a later variant's bytes read
     * as a struct of the earlier one (an enum field holding 77).
     */
    public boolean enumsHoldTheirValues() {
        return !payloadReferences();
    }

    /** Whether the program takes a reference into a data enum's payload (see {@link AvailableLoads}). */
    private boolean payloadReferences() {
        if (payloadReferences == null) {
            payloadReferences = false;
            for (MirFn fn : program.functions())
                for (BasicBlock b : fn.blocks())
                    for (Statement st : b.statements())
                        if (st instanceof Statement.Assign a && a.value() instanceof Rvalue.AddressOf ref
                                && ref.place().projections().stream().anyMatch(p -> p instanceof Place.Projection.VariantField))
                            payloadReferences = true;
        }
        return payloadReferences;
    }

    private Boolean payloadReferences;

    /** Whether some static holds a reference or slice one could write through: a handler could reach a task's locals. */
    private boolean localsReachable() {
        for (MirProgram.Global g : program.globals()) if (holdsWritableReference(g.type(), new HashSet<>())) return true;
        return false;
    }

    private static boolean holdsWritableReference(Type t, Set<Type> seen) {
        if (!seen.add(t)) return false;
        if (t instanceof Type.Ref r) return r.mutable() || holdsWritableReference(r.target(), seen);
        if (t instanceof Type.Slice s) return s.mutable();
        for (Type p : Type.inside(t)) if (holdsWritableReference(p, seen)) return true;
        return false;
    }

    private long fieldTop(ValueRanges.FieldRef f) {
        return unsignedTop(f.struct().fields().get(f.index()).type());
    }

    private static long unsignedTop(Type t) {
        return t instanceof Type.Int i && !i.signed() && i.bits() <= 32 ? (1L << i.bits()) - 1 : -1;
    }

    private static ValueRanges.Range orTop(ValueRanges.Range r, long top) {
        return r == null || r.lo() < 0 || r.hi() > top || r.lo() > r.hi() ? new ValueRanges.Range(0, top) : r;
    }

    private static ValueRanges.Range hull(ValueRanges.Range a, ValueRanges.Range b) {
        return new ValueRanges.Range(Math.min(a.lo(), b.lo()), Math.max(a.hi(), b.hi()));
    }

}

package mote.testutil;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import mote.diag.SourceFile;
import mote.diag.Span;
import mote.mir.BasicBlock;
import mote.mir.BinOp;
import mote.mir.BlockId;
import mote.mir.Callee;
import mote.mir.Local;
import mote.mir.LocalDecl;
import mote.mir.MirFn;
import mote.mir.Operand;
import mote.mir.Place;
import mote.mir.PrintItem;
import mote.mir.Rvalue;
import mote.mir.Statement;
import mote.mir.Terminator;
import mote.mir.UnOp;

/**
 * One well-formed instance of every kind of every sealed MIR family, for the tests that drive
 * each kind through every MIR walker (renaming, liveness, verifier, printer, ...).
 *
 * The families are not listed by hand: {@link #families()} finds, by reflection from
 * {@link MirFn}, every sealed interface of {@code mote.mir} a function can hold, and
 * {@link #kinds} every concrete permitted subclass. A new kind without an entry in
 * {@link #SAMPLES} fails {@link #samples}: add one here, then handle the kind in every walker.
 *
 * Each sample comes with a carrier (the statement or terminator that holds it: an Rvalue is
 * assigned, a PrintItem printed, a Callee awaited) and a small async fn around the carrier.
 * Its locals are all distinct, so what a walker does with each one can be told apart.
 */
public final class MirSamples {
    private MirSamples() {}

    /** A sample, the statement or terminator carrying it, and the fn: bb0 holds the carrier. */
    public record Sample(Object node, Object carrier, Frame frame) {
        public String name() {
            return node.getClass().getSimpleName() + (node instanceof Enum<?> e ? "." + e.name() : "");
        }

        /** The fn: bb0 is the carrier, bb1..bb3 the blocks it may jump to (each reads {@code after}). */
        public MirFn fn(List<Local> after) { return frame.fn(carrier, after); }

        public MirFn fn() { return fn(List.of()); }

        /** The same fn with {@code other} (say, the carrier with one local replaced) in bb0. */
        public MirFn fnWith(Object other) { return frame.fn(other, List.of()); }

        /** Every local of the fn. */
        public List<Local> allLocals() {
            List<Local> out = new ArrayList<>();
            for (int i = 0; i < frame.decls.size(); i++) out.add(new Local(i));
            return out;
        }
    }

    /** The locals of one sample's fn, each allocated with its type. */
    public static final class Frame {
        final List<LocalDecl> decls = new ArrayList<>();
        final Local returnLocal = local(mote.types.Type.U32);

        public Local local(mote.types.Type type) {
            decls.add(new LocalDecl(null, type, null));
            return new Local(decls.size() - 1);
        }

        public Operand copy(mote.types.Type type) { return Operand.of(local(type)); }

        public List<LocalDecl> decls() { return List.copyOf(decls); }

        /**
         * An async fn: bb0 {@code carrier} (a statement then goto bb1, or a terminator), bb1..bb3
         * print {@code after} and stop. A carrier that polls or cancels a `join` child gets a
         * Suspend owning child 0 in bb4, as the verifier requires.
         */
        MirFn fn(Object carrier, List<Local> after) {
            List<LocalDecl> locals = new ArrayList<>(decls);
            List<BasicBlock> blocks = new ArrayList<>();
            blocks.add(carrier instanceof Statement s ? new BasicBlock(List.of(s), new Terminator.Goto(new BlockId(1)))
                    : new BasicBlock(List.of(), (Terminator) carrier));
            List<PrintItem> reads = new ArrayList<>();
            for (Local l : after) reads.add(new PrintItem.Value(Operand.of(l), decls.get(l.index()).type()));
            for (int i = 1; i <= 3; i++)
                blocks.add(new BasicBlock(reads.isEmpty() ? List.of() : List.of(new Statement.Print(reads)), new Terminator.Unreachable()));
            if (!children(carrier).isEmpty() && nodes(carrier, Terminator.ChildWait.class).isEmpty()) {
                locals.add(new LocalDecl(null, mote.types.Type.BOOL, null));
                locals.add(new LocalDecl(null, mote.types.Type.BOOL, null));
                locals.add(new LocalDecl(null, mote.types.Type.U32, null));
                int n = locals.size();
                blocks.add(new BasicBlock(List.of(), new Terminator.Suspend(new BlockId(1), List.of(new Terminator.ChildWait(0,
                        new Local(n - 3), new Local(n - 2), new Local(n - 1), List.of(Callee.Builtin.YIELD_NOW))))));
            }
            return new MirFn("sample", true, List.of(), returnLocal, mote.types.Type.U32, locals, blocks, SPAN);
        }
    }

    public static final Span SPAN = new Span(SourceFile.of("sample.mote", "async fn main() {}\n"), 0, 5);
    private static final mote.types.Type U32 = mote.types.Type.U32, BOOL = mote.types.Type.BOOL;
    private static final mote.types.Type.Array ARRAY = new mote.types.Type.Array(U32, 4);
    private static final mote.types.Type.Slice SLICE = new mote.types.Type.Slice(mote.types.Type.U8);
    private static final mote.types.Type.Channel CHANNEL = new mote.types.Type.Channel(U32, 2, false);
    private static final mote.types.Type.Ref MUTEX = new mote.types.Type.Ref(true, new mote.types.Type.Mutex(U32));
    private static final mote.types.Type.Sum OPTION = mote.types.Type.Sum.option(U32);
    private static final BlockId BB1 = new BlockId(1), BB2 = new BlockId(2), BB3 = new BlockId(3);

    private static byte[] bytes(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    /** One instance per kind, in a fresh frame (an enum kind: handled per constant, see {@link #samples}). */
    private static final Map<Class<?>, Function<Frame, Object>> SAMPLES = new LinkedHashMap<>();

    static {
        // Statements
        SAMPLES.put(Statement.Assign.class, f -> new Statement.Assign(f.local(U32), new Rvalue.Use(f.copy(U32))));
        SAMPLES.put(Statement.WriteStatic.class, f -> new Statement.WriteStatic("S", f.copy(U32)));
        SAMPLES.put(Statement.Store.class, f -> new Statement.Store(
                new Place(f.local(ARRAY), List.of(new Place.Projection.Index(f.copy(U32)))), f.copy(U32)));
        SAMPLES.put(Statement.WriteRegister.class, f -> new Statement.WriteRegister("R", 0x4000_0000L, f.copy(U32)));
        SAMPLES.put(Statement.CriticalExit.class, f -> new Statement.CriticalExit(f.copy(U32)));
        SAMPLES.put(Statement.Line.class, f -> new Statement.Line(SPAN));
        SAMPLES.put(Statement.Print.class, f -> new Statement.Print(List.of(new PrintItem.Text(bytes("x = ")),
                new PrintItem.Value(f.copy(U32), U32))));
        SAMPLES.put(Statement.InitChannel.class, f -> new Statement.InitChannel(f.local(CHANNEL)));
        SAMPLES.put(Statement.Unlock.class, f -> new Statement.Unlock(f.copy(MUTEX)));
        // Rvalues (carried by an assignment)
        SAMPLES.put(Rvalue.Use.class, f -> new Rvalue.Use(f.copy(U32)));
        SAMPLES.put(Rvalue.Binary.class, f -> new Rvalue.Binary(BinOp.ADD, f.copy(U32), f.copy(U32)));
        SAMPLES.put(Rvalue.Unary.class, f -> new Rvalue.Unary(UnOp.BIT_NOT, f.copy(U32)));
        SAMPLES.put(Rvalue.Cast.class, f -> new Rvalue.Cast(f.copy(mote.types.Type.U8), U32));
        SAMPLES.put(Rvalue.ReadStatic.class, f -> new Rvalue.ReadStatic("S", U32));
        SAMPLES.put(Rvalue.Load.class, f -> new Rvalue.Load(new Place(f.local(ARRAY), List.of(new Place.Projection.Index(f.copy(U32))))));
        SAMPLES.put(Rvalue.AddressOf.class, f -> new Rvalue.AddressOf(true,
                new Place(f.local(ARRAY), List.of(new Place.Projection.Index(f.copy(U32))))));
        SAMPLES.put(Rvalue.StaticAddr.class, f -> new Rvalue.StaticAddr("S", U32));
        SAMPLES.put(Rvalue.Aggregate.class, f -> new Rvalue.Aggregate(ARRAY, List.of(f.copy(U32), f.copy(U32), f.copy(U32), f.copy(U32))));
        SAMPLES.put(Rvalue.Variant.class, f -> new Rvalue.Variant(OPTION, 1, List.of(f.copy(U32))));
        SAMPLES.put(Rvalue.Discriminant.class, f -> new Rvalue.Discriminant(Place.of(f.local(OPTION))));
        SAMPLES.put(Rvalue.Repeat.class, f -> new Rvalue.Repeat(f.copy(U32), 4));
        SAMPLES.put(Rvalue.Str.class, f -> new Rvalue.Str(bytes("hi")));
        SAMPLES.put(Rvalue.ReadRegister.class, f -> new Rvalue.ReadRegister("R", 0x4000_0000L, U32));
        SAMPLES.put(Rvalue.Overflows.class, f -> new Rvalue.Overflows(BinOp.ADD, f.copy(U32), f.copy(U32)));
        SAMPLES.put(Rvalue.CriticalEnter.class, f -> new Rvalue.CriticalEnter());
        SAMPLES.put(Rvalue.Call.class, f -> new Rvalue.Call("g", List.of(f.copy(U32), f.copy(U32))));
        SAMPLES.put(Rvalue.Spawn.class, f -> new Rvalue.Spawn("t", List.of(f.copy(U32)), false));
        SAMPLES.put(Rvalue.Ticks.class, f -> new Rvalue.Ticks());
        SAMPLES.put(Rvalue.ChannelOp.class, f -> new Rvalue.ChannelOp("try_send", CHANNEL,
                List.of(f.copy(new mote.types.Type.Ref(true, CHANNEL)), f.copy(U32))));
        // Operands (carried by `_d = op`)
        SAMPLES.put(Operand.Copy.class, f -> new Operand.Copy(f.local(U32)));
        SAMPLES.put(Operand.Const.class, f -> new Operand.Const(U32, 7));
        // Projections (carried by `_d = copy place`)
        SAMPLES.put(Place.Projection.Field.class, f -> new Place.Projection.Field(1));
        SAMPLES.put(Place.Projection.Index.class, f -> new Place.Projection.Index(f.copy(U32)));
        SAMPLES.put(Place.Projection.Deref.class, f -> new Place.Projection.Deref());
        SAMPLES.put(Place.Projection.VariantField.class, f -> new Place.Projection.VariantField(1, 0));
        // Print items (carried by a print)
        SAMPLES.put(PrintItem.Text.class, f -> new PrintItem.Text(bytes("text")));
        SAMPLES.put(PrintItem.Value.class, f -> new PrintItem.Value(f.copy(U32), U32, mote.types.FormatSpec.HEX));
        // Callees (carried by an await); an enum kind's constants are filled in by samples()
        SAMPLES.put(Callee.Function.class, f -> new Callee.Function("g"));
        SAMPLES.put(Callee.Builtin.class, f -> Callee.Builtin.YIELD_NOW);
        SAMPLES.put(Callee.Channel.class, f -> new Callee.Channel(true, CHANNEL));
        SAMPLES.put(Callee.Lock.class, f -> new Callee.Lock((mote.types.Type.Mutex) MUTEX.target()));
        // Terminators
        SAMPLES.put(Terminator.Goto.class, f -> new Terminator.Goto(BB1));
        SAMPLES.put(Terminator.If.class, f -> new Terminator.If(f.copy(BOOL), BB1, BB2));
        SAMPLES.put(Terminator.Switch.class, f -> new Terminator.Switch(f.copy(U32), List.of(1L, 2L), List.of(BB1, BB2), BB3));
        SAMPLES.put(Terminator.Return.class, f -> new Terminator.Return());
        SAMPLES.put(Terminator.Await.class, f -> new Terminator.Await(new Callee.Function("g"), List.of(f.copy(U32), f.copy(U32)),
                f.local(U32), BB1, SPAN, List.of(f.local(MUTEX))));
        SAMPLES.put(Terminator.Assert.class, f -> new Terminator.Assert(f.copy(BOOL),
                List.of(new PrintItem.Text(bytes("bad ")), new PrintItem.Value(f.copy(U32), U32)), SPAN, BB1));
        SAMPLES.put(Terminator.Panic.class, f -> new Terminator.Panic(List.of(new PrintItem.Value(f.copy(U32), U32)), SPAN));
        SAMPLES.put(Terminator.Exit.class, f -> new Terminator.Exit(f.copy(mote.types.Type.I32)));
        SAMPLES.put(Terminator.Unreachable.class, f -> new Terminator.Unreachable());
        SAMPLES.put(Terminator.PollChild.class, f -> new Terminator.PollChild(new Callee.Function("g"), List.of(f.copy(U32)), true,
                f.local(U32), BB1, BB2, 0, SPAN));
        SAMPLES.put(Terminator.Suspend.class, f -> new Terminator.Suspend(BB1, List.of(
                new Terminator.ChildWait(0, f.local(BOOL), f.local(BOOL), f.local(U32), List.of(Callee.Builtin.SLEEP_MS)),
                new Terminator.ChildWait(1, f.local(BOOL), f.local(BOOL), f.local(U32), List.of())), List.of(f.local(MUTEX))));
        SAMPLES.put(Terminator.CancelChild.class, f -> new Terminator.CancelChild(Callee.Builtin.SLEEP_MS, 0, BB1));
    }

    /** The statement or terminator that holds {@code node} (allocating what it needs in {@code f}). */
    private static Object carrier(Object node, Frame f) {
        if (node instanceof Statement || node instanceof Terminator) return node;
        if (node instanceof Rvalue r) return new Statement.Assign(f.local(U32), r);
        if (node instanceof Operand op) return new Statement.Assign(f.local(U32), new Rvalue.Use(op));
        if (node instanceof Place.Projection p) {
            Local base = f.local(p instanceof Place.Projection.Deref ? new mote.types.Type.Ref(false, U32)
                    : p instanceof Place.Projection.Field ? SLICE : p instanceof Place.Projection.VariantField ? OPTION : ARRAY);
            return new Statement.Assign(f.local(U32), new Rvalue.Load(new Place(base, List.of(p))));
        }
        if (node instanceof PrintItem item) return new Statement.Print(List.of(item));
        if (node instanceof Callee c) return new Terminator.Await(c, List.of(f.copy(U32)), f.local(U32), BB1, SPAN);
        throw new IllegalStateException("no carrier for " + node.getClass().getName() + ": add one to MirSamples.carrier");
    }

    // ---------------------------------------------------------------- families and kinds

    /** Every sealed interface of {@code mote.mir} reachable from {@link MirFn}'s components. */
    public static Set<Class<?>> families() {
        Set<Class<?>> families = new LinkedHashSet<>();
        Set<Class<?>> seen = new LinkedHashSet<>();
        Deque<Class<?>> work = new ArrayDeque<>(List.of(MirFn.class));
        while (!work.isEmpty()) {
            Class<?> c = work.pop();
            if (!seen.add(c) || !c.getPackageName().equals("mote.mir")) continue;
            if (c.isSealed()) {
                families.add(c);
                work.addAll(List.of(c.getPermittedSubclasses()));
            }
            if (c.isRecord()) for (RecordComponent rc : c.getRecordComponents()) addClasses(rc.getGenericType(), work);
        }
        return families;
    }

    private static void addClasses(Type t, Deque<Class<?>> work) {
        if (t instanceof Class<?> c) work.add(c);
        else if (t instanceof ParameterizedType p) {
            addClasses(p.getRawType(), work);
            for (Type a : p.getActualTypeArguments()) addClasses(a, work);
        }
    }

    /** The concrete kinds of a sealed family: its permitted subclasses, through nested sealed ones. */
    public static List<Class<?>> kinds(Class<?> family) {
        List<Class<?>> out = new ArrayList<>();
        for (Class<?> sub : family.getPermittedSubclasses()) {
            if (sub.isSealed() && sub.isInterface()) out.addAll(kinds(sub));
            else out.add(sub);
        }
        return out;
    }

    /** Samples of one kind: one instance, or every constant of an enum kind. */
    public static List<Sample> samples(Class<?> kind) {
        Function<Frame, Object> make = SAMPLES.get(kind);
        if (make == null)
            throw new AssertionError("MIR kind " + kind.getName() + " has no sample: add one to MirSamples.SAMPLES, and handle"
                    + " the kind in every MIR walker (MirEdit, Liveness, MirVerifier, Renumber, Inline, LlvmCodegen, ...)");
        List<Sample> out = new ArrayList<>();
        if (kind.isEnum()) {
            for (Object constant : kind.getEnumConstants()) {
                Frame f = new Frame();
                out.add(new Sample(constant, carrier(constant, f), f));
            }
        } else {
            Frame f = new Frame();
            Object node = make.apply(f);
            out.add(new Sample(node, carrier(node, f), f));
        }
        return out;
    }

    /** Every sample of every kind of every family. */
    public static List<Sample> all() {
        List<Sample> out = new ArrayList<>();
        for (Class<?> family : families()) for (Class<?> kind : kinds(family)) out.addAll(samples(kind));
        return out;
    }

    // ---------------------------------------------------------------- what a node names

    /**
     * The locals a statement or terminator writes: those it holds directly (`dest`,
     * `init_channel`'s local). Every other local in it (in an operand, a place, a child's
     * flags) is read.
     */
    public static Set<Local> writes(Object node) {
        Set<Local> out = new LinkedHashSet<>();
        if (node.getClass().isRecord())
            for (RecordComponent rc : node.getClass().getRecordComponents())
                if (get(rc, node) instanceof Local l) out.add(l);
        return out;
    }

    public static Set<Local> reads(Object node) {
        Set<Local> out = new LinkedHashSet<>();
        if (node.getClass().isRecord())
            for (RecordComponent rc : node.getClass().getRecordComponents())
                if (!(get(rc, node) instanceof Local)) out.addAll(nodes(get(rc, node), Local.class));
        return out;
    }

    /** Every value of type {@code type} inside {@code node} (records and lists searched), in order. */
    public static <T> List<T> nodes(Object node, Class<T> type) {
        List<T> out = new ArrayList<>();
        collect(node, type, out);
        return out;
    }

    private static <T> void collect(Object node, Class<T> type, List<T> out) {
        if (type.isInstance(node)) { out.add(type.cast(node)); return; }
        if (node instanceof List<?> list) for (Object o : list) collect(o, type, out);
        else if (node != null && node.getClass().isRecord())
            for (RecordComponent rc : node.getClass().getRecordComponents()) collect(get(rc, node), type, out);
    }

    /** The `join`/`race` child numbers a node names (its record components called `child`). */
    public static List<Integer> children(Object node) {
        List<Integer> out = new ArrayList<>();
        if (node instanceof List<?> list) for (Object o : list) out.addAll(children(o));
        else if (node != null && node.getClass().isRecord())
            for (RecordComponent rc : node.getClass().getRecordComponents()) {
                Object v = get(rc, node);
                if (rc.getName().equals("child") && v instanceof Integer i) out.add(i);
                else out.addAll(children(v));
            }
        return out;
    }

    /**
     * {@code node} rebuilt with {@code f} applied to every Local and BlockId in it (records
     * through their canonical constructors): a renaming that knows no node kind, to check the
     * walkers' own renamings against.
     */
    @SuppressWarnings("unchecked")
    public static <T> T replace(T node, UnaryOperator<Object> f) {
        if (node instanceof Local || node instanceof BlockId) return (T) f.apply(node);
        if (node instanceof List<?> list) return (T) list.stream().map(o -> replace(o, f)).toList();
        if (node == null || !node.getClass().isRecord() || !node.getClass().getPackageName().equals("mote.mir")) return node;
        RecordComponent[] rcs = node.getClass().getRecordComponents();
        Object[] args = new Object[rcs.length];
        Class<?>[] types = new Class<?>[rcs.length];
        for (int i = 0; i < rcs.length; i++) {
            args[i] = replace(get(rcs[i], node), f);
            types[i] = rcs[i].getType();
        }
        try {
            Constructor<?> canonical = node.getClass().getDeclaredConstructor(types);
            canonical.setAccessible(true);
            return (T) canonical.newInstance(args);
        } catch (NoSuchMethodException | InstantiationException | IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object get(RecordComponent rc, Object node) {
        try {
            rc.getAccessor().setAccessible(true);
            return rc.getAccessor().invoke(node);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException(e);
        }
    }
}

package mote.fuzz;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Random valid, deterministic Mote programs for differential testing: the same seed gives the
 * same program. A program prints a trace of the values it computes and exits with a code
 * derived from its state, so any two builds of it must print and return exactly the same.
 *
 * <p>Defined behaviour only. Arithmetic cannot overflow (debug builds would panic where
 * release builds wrap): every operator comes in a shape that is safe for any operand values,
 * e.g. {@code (a >> 1) + (b >> 1)}, {@code (a & 7) * (b & 7)}, {@code a / ((b & 15) + 1)},
 * {@code a << (n & 31)}, {@code -(a | 1)}. Indexes are reduced modulo the length; loops have
 * bounded trip counts. A few programs end in a deliberate panic, the same in every build.
 *
 * <p>Deterministic timing. Under QEMU {@code -icount} virtual time is the instruction count,
 * which differs between builds, so no output may depend on how long code takes. Every sleep
 * lasts a multiple of {@link #UNIT_MS}, far longer than all the program's computation, so the
 * program runs as if computation took no time, and the only thing left to decide is the
 * order in which timers fire. The generator keeps a timeline of each timed piece of code
 * (when its timers fire, relative to its start) and gives concurrent branches of a
 * {@code join}/{@code race} start offsets so that no two of their timers fire at the same
 * (ideal) instant and no two race branches end together. Timed code sits only where its
 * timeline is known statically: not under a data-dependent {@code if}/{@code match}/loop exit.
 * Spawned tasks never sleep: they run on channel, signal and yield events, which are
 * ordered by the executor alone. Races on a channel receive against a timeout are generated
 * only where the outcome is forced (an item is sure to come, or sure not to).
 *
 * <p>Constructs not generated (their issue 10 bugs are fixed and covered by their own tests;
 * generating them is left for later):
 * <ul>
 * <li>const overflow: const values are computed here and kept small (an overflow is a compile error now);</li>
 * <li>reading unassigned locals: every {@code let} has an initializer (reading one is a compile error now);</li>
 * <li>channels in struct locals: channels are statics, alone or in arrays;</li>
 * <li>user fns named like {@code __aeabi_*}: generated names are {@code f3}, {@code af4}, ...;</li>
 * <li>more than 250 awaits in one function: at most {@link #MAX_AWAITS} per function (ManyAwaitsTest covers more);</li>
 * <li>unit-type channel payloads: channels carry integers.</li>
 * </ul>
 */
public final class ProgramGenerator {
    /** The time unit of every sleep: long enough that computation never decides timer order. */
    public static final int UNIT_MS = 100;
    static final int MAX_AWAITS = 60;
    private static final int MAX_DEPTH = 3;
    private static final int FN_COST_LIMIT = 4000;

    // ---- types ----------------------------------------------------------------------------

    enum IntTy {
        U8(8, false), U16(16, false), U32(32, false), U64(64, false), I8(8, true), I16(16, true), I32(32, true), I64(64, true);
        final int bits;
        final boolean signed;
        IntTy(int bits, boolean signed) { this.bits = bits; this.signed = signed; }
        String text() { return name().toLowerCase(); }
        long max() { return signed ? (bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1) : (bits == 64 ? -1L : (1L << bits) - 1); }
        long min() { return signed ? (bits == 64 ? Long.MIN_VALUE : -(1L << (bits - 1))) : 0; }
        /** A mask that makes a product of two masked operands fit. */
        long mulMask() { return switch (bits) { case 8 -> 7; case 16 -> 127; case 32 -> 32767; default -> 2147483647L; }; }
        /** A mask that makes a sum of two masked operands fit. */
        long addMask() { return switch (bits) { case 8 -> 31; case 16 -> 8191; case 32 -> 0x1fffffff; default -> 0x1fffffffffffffffL; }; }
    }

    sealed interface Ty permits Int, Bool, Arr, St, En {}
    record Int(IntTy t) implements Ty {}
    record Bool() implements Ty {}
    record Arr(Ty elem, int len) implements Ty {}
    record St(StructDef def) implements Ty {}
    record En(EnumDef def) implements Ty {}

    record Field(String name, Ty ty) {}
    record StructDef(String name, List<Field> fields) {}
    record EnumDef(String name, List<String> variants, List<Long> values) {}

    /** A name in scope. {@code ref}: a `&mut` parameter of type {@code ty} (fields and elements see through it). */
    record Var(String name, Ty ty, boolean mutable, boolean ref) {}

    /** {@code depth}: the longest chain of calls it starts (1: calls nothing), kept short for the stack at -O 0. */
    record FnDef(String name, List<Var> params, Ty ret, boolean async, Timeline timeline, long cost, int depth) {
        boolean timed() { return timeline != null && !timeline.fires.isEmpty(); }
    }

    /** When timers fire (ideal ms from the start of a piece of code) and when it ends. */
    static final class Timeline {
        long now;
        final TreeSet<Long> fires = new TreeSet<>();

        void sleep(long ms) { now += ms; fires.add(now); }

        void append(Timeline child) {
            for (long f : child.fires) fires.add(now + f);
            now += child.now;
        }
    }

    /** The function being generated: scope, loop nesting, awaits and cost so far. */
    private final class Ctx {
        final boolean async;
        final boolean task;
        final List<List<Var>> scopes = new ArrayList<>();
        int awaits;
        long cost;
        int calleeDepth;
        long mult = 1;
        int loops;
        boolean timedOk;          // timed statements allowed here (structural position in timed code)
        Timeline timeline;        // of the code being generated, when timedOk

        Ctx(boolean async, boolean task, List<Var> params) {
            this.async = async;
            this.task = task;
            scopes.add(new ArrayList<>(params));
        }

        List<Var> visible() {
            List<Var> all = new ArrayList<>(statics);
            for (List<Var> s : scopes) all.addAll(s);
            return all;
        }

        void declare(Var v) { scopes.get(scopes.size() - 1).add(v); }
        boolean canAwait() { return async && awaits < MAX_AWAITS; }
    }

    // ---- state ----------------------------------------------------------------------------

    private final Random rnd;
    private final long seed;
    private int names;
    private final List<StructDef> structs = new ArrayList<>();
    private final List<EnumDef> enums = new ArrayList<>();
    private final List<Var> statics = new ArrayList<>();
    private final List<Var> consts = new ArrayList<>();
    private final List<FnDef> fns = new ArrayList<>();
    private final StringBuilder decls = new StringBuilder();
    private final StringBuilder bodies = new StringBuilder();
    private Ctx ctx;
    private StringBuilder out;
    private int indent;

    private ProgramGenerator(long seed) {
        this.seed = seed;
        this.rnd = new Random(seed);
    }

    /** The program for {@code seed}. */
    public static String generate(long seed) {
        return new ProgramGenerator(seed).program();
    }

    private String program() {
        int nStructs = rnd.nextInt(3);
        for (int i = 0; i < nStructs; i++) structDecl();
        int nEnums = rnd.nextInt(3);
        for (int i = 0; i < nEnums; i++) enumDecl();
        int nConsts = rnd.nextInt(4);
        for (int i = 0; i < nConsts; i++) constDecl();
        int nStatics = 1 + rnd.nextInt(4);
        for (int i = 0; i < nStatics; i++) staticDecl();
        int nSync = 1 + rnd.nextInt(3);
        for (int i = 0; i < nSync; i++) syncFn();
        int nAsync = 1 + rnd.nextInt(3);
        for (int i = 0; i < nAsync; i++) asyncFn(rnd.nextInt(3) > 0 ? false : true);
        if (rnd.nextBoolean()) asyncFn(true);
        if (rnd.nextBoolean()) forwardingFn();
        String main = mainFn();
        return "// generated by mote.fuzz.ProgramGenerator, seed " + seed + "\n" + decls + bodies + main;
    }

    // ---- declarations ---------------------------------------------------------------------

    private String fresh(String prefix) { return prefix + (names++); }

    private void structDecl() {
        String name = fresh("S");
        List<Field> fields = new ArrayList<>();
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            Ty t = switch (rnd.nextInt(8)) {
                case 0 -> new Bool();
                case 1 -> new Arr(new Int(intTy()), 2 + rnd.nextInt(4));
                case 2 -> !structs.isEmpty() ? new St(pick(structs)) : new Int(intTy());
                case 3 -> !enums.isEmpty() ? new En(pick(enums)) : new Int(intTy());
                default -> new Int(intTy());
            };
            fields.add(new Field("f" + i, t));
        }
        StructDef d = new StructDef(name, fields);
        structs.add(d);
        decls.append("struct ").append(name).append(" { ");
        for (int i = 0; i < fields.size(); i++)
            decls.append(i == 0 ? "" : ", ").append(fields.get(i).name()).append(": ").append(tyText(fields.get(i).ty()));
        decls.append(" }\n");
    }

    private void enumDecl() {
        String name = fresh("E");
        int n = 2 + rnd.nextInt(4);
        List<String> vs = new ArrayList<>();
        List<Long> vals = new ArrayList<>();
        StringBuilder sb = new StringBuilder("enum " + name + " { ");
        long next = 0;
        for (int i = 0; i < n; i++) {
            String v = "V" + i;
            if (rnd.nextInt(4) == 0) {
                next += rnd.nextInt(40);
                sb.append(i == 0 ? "" : ", ").append(v).append(" = ").append(next);
            } else sb.append(i == 0 ? "" : ", ").append(v);
            vs.add(v);
            vals.add(next);
            next++;
        }
        enums.add(new EnumDef(name, vs, vals));
        decls.append(sb).append(" }\n");
    }

    private void constDecl() {
        String name = fresh("C");
        IntTy t = intTy();
        long v = rnd.nextInt(100);
        String value;
        // Small values: no overflow in the constant expression. Each const goes before the
        // ones generated earlier, so those it names are forward references (items in any order).
        List<Var> earlier = consts.stream().filter(c -> ((Int) c.ty()).t() == t).toList();
        if (!earlier.isEmpty() && rnd.nextBoolean()) value = "(" + pick(earlier).name() + " / 2) + " + v;
        else value = Long.toString(v);
        decls.insert(0, "const " + name + ": " + t.text() + " = " + value + ";\n");
        consts.add(new Var(name, new Int(t), false, false));
    }

    private void staticDecl() {
        String name = fresh("G");
        Ty t = rnd.nextInt(3) == 0 ? anyDataTy() : new Int(intTy());
        boolean mutable = rnd.nextInt(4) != 0;
        decls.append("static ").append(mutable ? "mut " : "").append(name).append(": ").append(tyText(t))
                .append(" = ").append(constValue(t)).append(";\n");
        statics.add(new Var(name, t, mutable, false));
    }

    /** A constant initializer for a static: literals only. */
    private String constValue(Ty t) {
        if (t instanceof Int i) return literal(i.t(), true);
        if (t instanceof Bool) return Boolean.toString(rnd.nextBoolean());
        if (t instanceof En e) return e.def().name() + "." + pick(e.def().variants());
        if (t instanceof Arr a) return rnd.nextBoolean() ? "[" + constValue(a.elem()) + "; " + a.len() + "]" : list(a.len(), () -> constValue(a.elem()), "[", "]");
        return structLit(((St) t).def(), f -> constValue(f.ty()));
    }

    private String structLit(StructDef d, java.util.function.Function<Field, String> value) {
        List<Field> fs = new ArrayList<>(d.fields());
        Collections.shuffle(fs, rnd);
        StringBuilder sb = new StringBuilder(d.name() + " { ");
        for (int i = 0; i < fs.size(); i++) sb.append(i == 0 ? "" : ", ").append(fs.get(i).name()).append(": ").append(value.apply(fs.get(i)));
        return sb.append(" }").toString();
    }

    // ---- functions ------------------------------------------------------------------------

    private void syncFn() {
        String name = fresh("f");
        List<Var> params = params(false);
        Ty ret = rnd.nextInt(5) == 0 ? null : retTy();
        begin(new Ctx(false, false, params));
        StringBuilder header = new StringBuilder("fn " + name + paramText(params) + (ret != null ? " -> " + tyText(ret) : "") + " {");
        line(header.toString());
        indent++;
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) stmt(2);
        if (ret != null) line(expr(ret, 3, true));
        indent--;
        line("}");
        fns.add(new FnDef(name, params, ret, false, null, ctx.cost + 1, ctx.calleeDepth + 1));
        bodies.append(out).append('\n');
    }

    private void asyncFn(boolean timed) {
        String name = fresh("af");
        List<Var> params = params(true);
        Ty ret = rnd.nextInt(4) == 0 ? null : retTy();
        begin(new Ctx(true, false, params));
        Timeline tl = new Timeline();
        if (timed) {
            ctx.timedOk = true;
            ctx.timeline = tl;
        }
        line("async fn " + name + paramText(params) + (ret != null ? " -> " + tyText(ret) : "") + " {");
        indent++;
        int n = 2 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            if (rnd.nextInt(3) == 0) asyncStmt(2); else stmt(2);
        }
        if (timed && tl.fires.isEmpty()) timedStmt(1);
        if (ret != null) line(expr(ret, 3, true));
        indent--;
        line("}");
        fns.add(new FnDef(name, params, ret, true, timed ? tl : null, ctx.cost + 1, ctx.calleeDepth + 1));
        bodies.append(out).append('\n');
    }

    /**
     * An async fn that awaits another with a little work before and after (or none: pure
     * forwarding), the shape `inline` takes apart.
     */
    private void forwardingFn() {
        List<FnDef> targets = fns.stream().filter(f -> f.async() && f.ret() instanceof Int && f.depth() < MAX_DEPTH - 1).toList();
        if (targets.isEmpty()) return;
        FnDef target = pick(targets);
        String name = fresh("fwd");
        List<Var> params = params(true);
        IntTy t = ((Int) target.ret()).t();
        begin(new Ctx(true, false, params));
        Timeline tl = new Timeline();
        ctx.timedOk = target.timed();
        ctx.timeline = tl;
        line("async fn " + name + paramText(params) + " -> " + t.text() + " {");
        indent++;
        boolean pure = rnd.nextBoolean();
        if (!pure && rnd.nextBoolean()) stmt(1);
        called(target);
        if (target.timed()) tl.append(target.timeline());
        String call = target.name() + args(target) + ".await";
        if (pure) line(call);
        else {
            String r = fresh("r");
            line("let " + r + " = " + call + ";");
            ctx.declare(new Var(r, new Int(t), false, false));
            line(safeCombine(t, r, expr(new Int(t), 1, false)));
        }
        indent--;
        line("}");
        fns.add(new FnDef(name, params, new Int(t), true, target.timed() ? tl : null, ctx.cost + 1, ctx.calleeDepth + 1));
        bodies.append(out).append('\n');
    }

    private List<Var> params(boolean async) {
        List<Var> ps = new ArrayList<>();
        int n = rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            String name = "p" + i;
            int k = rnd.nextInt(10);
            if (k == 0 && !structs.isEmpty()) ps.add(new Var(name, new St(pick(structs)), false, true));
            else if (k == 1) ps.add(new Var(name, new Arr(new Int(intTy()), 2 + rnd.nextInt(4)), false, true));
            else if (k == 2 && !structs.isEmpty()) ps.add(new Var(name, new St(pick(structs)), rnd.nextBoolean(), false));
            else if (k == 3) ps.add(new Var(name, new Bool(), false, false));
            else ps.add(new Var(name, new Int(intTy()), rnd.nextInt(3) == 0, false));
        }
        return ps;
    }

    private String paramText(List<Var> ps) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < ps.size(); i++) {
            Var p = ps.get(i);
            sb.append(i == 0 ? "" : ", ").append(p.mutable() ? "mut " : "").append(p.name()).append(": ")
                    .append(p.ref() ? "&mut " : "").append(tyText(p.ty()));
        }
        return sb.append(")").toString();
    }

    private Ty retTy() {
        return switch (rnd.nextInt(8)) {
            case 0 -> new Bool();
            case 1 -> !structs.isEmpty() ? new St(pick(structs)) : new Int(intTy());
            default -> new Int(intTy());
        };
    }

    private void begin(Ctx c) {
        ctx = c;
        out = new StringBuilder();
        indent = 0;
    }

    // ---- main and its segments ------------------------------------------------------------

    private String mainFn() {
        StringBuilder taskText = new StringBuilder();
        begin(new Ctx(true, false, List.of()));
        Timeline tl = new Timeline();
        ctx.timedOk = true;
        ctx.timeline = tl;
        StringBuilder mainOut = out;
        line("async fn main() -> i32 {");
        indent++;
        line("let mut acc: u32 = " + (rnd.nextInt(1000)) + ";");
        ctx.declare(new Var("acc", new Int(IntTy.U32), false, false));   // not a target of random writes
        int n = 3 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            int k = rnd.nextInt(12);
            switch (k) {
                case 0, 1 -> segmentProducer(taskText);
                case 2 -> segmentWorker(taskText);
                case 3 -> segmentSignal(taskText);
                case 4 -> segmentRaceRecv(taskText);
                case 5 -> segmentStaticTask(taskText);
                case 6 -> segmentChannelJoin();
                case 7, 8 -> { for (int j = 0; j < 2; j++) timedStmt(2); mix(); }
                default -> {
                    for (int j = 0; j < 2; j++) if (rnd.nextBoolean()) asyncStmt(2); else stmt(2);
                    mix();
                }
            }
        }
        if (rnd.nextInt(20) == 0) deliberatePanic();
        line("println(\"acc {}\", acc);");
        line("(acc % 128) as i32");
        indent--;
        line("}");
        return taskText + mainOut.toString();
    }

    /** Folds some visible value into `acc`, and prints it. */
    private void mix() {
        String v = expr(new Int(intTy()), 2, false);
        String tmp = fresh("m");
        line("let " + tmp + " = " + v + ";");
        line("acc = (acc >> 1) + ((" + tmp + " as u32) >> 1);");
        line("println(\"" + tmp + " {} {:x} acc {}\", " + tmp + ", " + tmp + ", acc);");
    }

    private Ctx saveCtx;
    private StringBuilder saveOut;
    private int saveIndent;

    /** Closes a task's `for` loop (and its scope) and the task, files it with the tasks, and goes back to main. */
    private void endTaskLoop(StringBuilder tasks) {
        ctx.scopes.remove(ctx.scopes.size() - 1);
        indent--;
        line("}");
        indent--;
        line("}");
        tasks.append(out).append('\n');
        resumeMain();
    }

    /** Generates a task (or helper) into {@code into} while main is half written. */
    private void suspendMain() { saveCtx = ctx; saveOut = out; saveIndent = indent; }
    private void resumeMain() { ctx = saveCtx; out = saveOut; indent = saveIndent; }

    private void segmentProducer(StringBuilder tasks) {
        IntTy t = intTy();
        String base = fresh("CH");
        int cap = 1 + rnd.nextInt(3);
        // Sometimes the channel is one of an array of them (each starts empty, issue 10 item 4).
        boolean inArray = rnd.nextInt(3) == 0;
        String ch = inArray ? base + "[1]" : base;
        String chTy = "Channel<" + t.text() + ", " + cap + ">";
        decls.append("static ").append(base).append(": ").append(inArray ? "[" + chTy + "; 2]" : chTy).append(";\n");
        String task = fresh("producer");
        int count = 1 + rnd.nextInt(5);
        suspendMain();
        begin(new Ctx(true, true, List.of(new Var("n", new Int(IntTy.U32), false, false), new Var("seed", new Int(t), false, false))));
        line("task fn " + task + "(n: u32, seed: " + t.text() + ") {");
        indent++;
        line("let mut x: " + t.text() + " = seed;");
        ctx.declare(new Var("x", new Int(t), true, false));
        line("for i in 0..n {");
        indent++;
        ctx.scopes.add(new ArrayList<>(List.of(new Var("i", new Int(IntTy.U32), false, false))));
        ctx.mult *= count;   // no `break` here: main receives exactly `count` items
        if (rnd.nextBoolean()) stmt(1);
        line("x = " + safeCombine(t, "x", expr(new Int(t), 2, false)) + ";");
        if (rnd.nextBoolean()) awaitLine("yield_now().await;");
        awaitLine(ch + ".send(x).await;");
        line("println(\"" + task + " sent {}\", x);");
        endTaskLoop(tasks);
        line("spawn " + task + "(" + count + ", " + literal(t, true) + ");");
        String v = fresh("r");
        line("for _k in 0.." + count + " {");
        indent++;
        if (rnd.nextBoolean()) awaitLine("yield_now().await;");
        awaitLine("let " + v + " = " + ch + ".recv().await;");
        line("acc = (acc >> 1) + ((" + v + " as u32) >> 1);");
        line("println(\"main got {} acc {}\", " + v + ", acc);");
        indent--;
        line("}");
    }

    private void segmentWorker(StringBuilder tasks) {
        IntTy t = intTy();
        String req = fresh("REQ"), rep = fresh("REP");
        decls.append("static ").append(req).append(": Channel<").append(t.text()).append(", 1>;\n");
        decls.append("static ").append(rep).append(": Channel<").append(t.text()).append(", ").append(1 + rnd.nextInt(2)).append(">;\n");
        String task = fresh("worker");
        int count = 1 + rnd.nextInt(4);
        suspendMain();
        begin(new Ctx(true, true, List.of(new Var("n", new Int(IntTy.U32), false, false))));
        line("task fn " + task + "(n: u32) {");
        indent++;
        line("for _i in 0..n {");
        indent++;
        ctx.scopes.add(new ArrayList<>());
        ctx.mult *= count;
        awaitLine("let q = " + req + ".recv().await;");
        ctx.declare(new Var("q", new Int(t), false, false));
        if (rnd.nextBoolean()) asyncStmt(1);
        awaitLine(rep + ".send(" + expr(new Int(t), 2, true) + ").await;");
        endTaskLoop(tasks);
        line("spawn " + task + "(" + count + ");");
        line("for _k in 0.." + count + " {");
        indent++;
        ctx.scopes.add(new ArrayList<>());
        awaitLine(req + ".send(" + expr(new Int(t), 2, true) + ").await;");
        String v = fresh("r");
        awaitLine("let " + v + " = " + rep + ".recv().await;");
        line("acc = (acc >> 1) + ((" + v + " as u32) >> 1);");
        line("println(\"reply {} acc {}\", " + v + ", acc);");
        ctx.scopes.remove(ctx.scopes.size() - 1);
        indent--;
        line("}");
    }

    private void segmentSignal(StringBuilder tasks) {
        String sig = fresh("SIG");
        decls.append("static ").append(sig).append(": Signal<u32>;\n");
        String task = fresh("notifier");
        suspendMain();
        begin(new Ctx(true, true, List.of(new Var("v", new Int(IntTy.U32), false, false))));
        line("task fn " + task + "(v: u32) {");
        indent++;
        int n = 1 + rnd.nextInt(3);
        for (int i = 0; i < n; i++) if (rnd.nextBoolean()) asyncStmt(2); else stmt(2);
        line(sig + ".raise(" + safeCombine(IntTy.U32, "v", expr(new Int(IntTy.U32), 2, false)) + ");");
        if (rnd.nextBoolean()) line(sig + ".raise(v ^ 1);");   // the latest value wins
        indent--;
        line("}");
        tasks.append(out).append('\n');
        resumeMain();
        line("spawn " + task + "(acc);");
        if (rnd.nextBoolean()) awaitLine("yield_now().await;");
        String v = fresh("s");
        awaitLine("let " + v + " = " + sig + ".wait().await;");
        line("acc = (acc >> 1) + (" + v + " >> 1);");
        line("println(\"signal {} acc {}\", " + v + ", acc);");
    }

    /** A race of a receive against a timeout whose outcome is forced either way. */
    private void segmentRaceRecv(StringBuilder tasks) {
        IntTy t = intTy();
        String ch = fresh("RX");
        decls.append("static ").append(ch).append(": Channel<").append(t.text()).append(", 2>;\n");
        boolean itemComes = rnd.nextBoolean();
        String got = fresh("got"), timedOut = fresh("timeout");
        if (itemComes) {
            String task = fresh("sender");
            suspendMain();
            begin(new Ctx(true, true, List.of(new Var("v", new Int(t), false, false))));
            line("task fn " + task + "(v: " + t.text() + ") {");
            indent++;
            int yields = rnd.nextInt(3);
            for (int i = 0; i < yields; i++) awaitLine("yield_now().await;");
            awaitLine(ch + ".send(v).await;");
            indent--;
            line("}");
            tasks.append(out).append('\n');
            resumeMain();
            line("spawn " + task + "(" + literal(t, true) + ");");
        }
        line("let mut " + got + ": " + t.text() + " = " + literal(t, true) + ";");
        line("let mut " + timedOut + " = false;");
        boolean viaFn = rnd.nextBoolean();
        String recv = ch + ".recv().await";
        if (viaFn) {
            String helper = fresh("receive");
            suspendMain();
            begin(new Ctx(true, false, List.of()));
            line("async fn " + helper + "() -> " + t.text() + " {");
            indent++;
            if (rnd.nextBoolean()) awaitLine("yield_now().await;");
            awaitLine(ch + ".recv().await");
            indent--;
            line("}");
            tasks.append(out).append('\n');
            resumeMain();
            recv = helper + "().await";
        }
        long d = UNIT_MS * (1 + rnd.nextInt(3));
        line("race {");
        indent++;
        awaitLine(got + " = " + recv + ";");
        line("println(\"received {}\", " + got + ");");
        indent--;
        line("} or {");
        indent++;
        awaitLine("sleep_ms(" + d + ").await;");
        line(timedOut + " = true;");
        indent--;
        line("}");
        if (!itemComes) ctx.timeline.sleep(d);
        line("println(\"race {} {}\", " + got + ", " + timedOut + ");");
        // The abandoned receive left no waiter behind: the channel works as before.
        line("println(\"try_send {}\", " + ch + ".try_send(" + literal(t, true) + "));");
        String tmp = fresh("o");
        line("let mut " + tmp + ": " + t.text() + " = 0;");
        line("println(\"try_recv {} {}\", " + ch + ".try_recv(&mut " + tmp + "), " + tmp + ");");
        line("acc = (acc >> 1) + ((" + got + " as u32) >> 1) + (" + timedOut + " as u32);");
    }

    /** A task changes a static between yields; main yields and watches it change. */
    private void segmentStaticTask(StringBuilder tasks) {
        String g = fresh("W");
        IntTy t = intTy();
        decls.append("static mut ").append(g).append(": ").append(t.text()).append(" = ").append(literal(t, true)).append(";\n");
        String task = fresh("bumper");
        int k = 1 + rnd.nextInt(4);
        suspendMain();
        begin(new Ctx(true, true, List.of(new Var("k", new Int(IntTy.U32), false, false))));
        line("task fn " + task + "(k: u32) {");
        indent++;
        line("for i in 0..k {");
        indent++;
        ctx.scopes.add(new ArrayList<>(List.of(new Var("i", new Int(IntTy.U32), false, false))));
        ctx.mult *= k;
        line(g + " = " + safeCombine(t, g, "(i as " + t.text() + ")") + ";");
        awaitLine("yield_now().await;");
        endTaskLoop(tasks);
        line("spawn " + task + "(" + k + ");");
        line("for _w in 0.." + (k + 1) + " {");
        indent++;
        awaitLine("yield_now().await;");
        line("println(\"" + g + " {}\", " + g + ");");
        indent--;
        line("}");
        line("acc = acc ^ (" + g + " as u32);");
    }

    /** One fn sends, a sibling join branch receives, on a small channel: ordered by the executor. */
    private void segmentChannelJoin() {
        IntTy t = intTy();
        String ch = fresh("PIPE");
        int cap = 1 + rnd.nextInt(2);
        decls.append("static ").append(ch).append(": Channel<").append(t.text()).append(", ").append(cap).append(">;\n");
        int n = 1 + rnd.nextInt(4);
        String sum = fresh("sum");
        line("let mut " + sum + ": u32 = 0;");
        line("join {");
        indent++;
        line("for j in 0.." + n + " {");
        indent++;
        ctx.scopes.add(new ArrayList<>(List.of(new Var("j", new Int(IntTy.U32), false, false))));
        awaitLine(ch + ".send(" + safeCombine(t, "(j as " + t.text() + ")", expr(new Int(t), 1, false)) + ").await;");
        line("println(\"sent {}\", j);");
        ctx.scopes.remove(ctx.scopes.size() - 1);
        indent--;
        line("}");
        indent--;
        line("} and {");
        indent++;
        line("for _j in 0.." + n + " {");
        indent++;
        String v = fresh("v");
        awaitLine("let " + v + " = " + ch + ".recv().await;");
        line(sum + " = (" + sum + " >> 1) + ((" + v + " as u32) >> 1);");
        line("println(\"piped {}\", " + v + ");");
        indent--;
        line("}");
        indent--;
        line("}");
        line("acc = acc ^ " + sum + ";");
    }

    private void deliberatePanic() {
        line(Differential.DELIBERATE_PANIC);
        switch (rnd.nextInt(3)) {
            case 0 -> {
                line("let arr = [1u8, 2, 3];");
                line("let idx = (acc % 4) + 3;");
                line("println(\"{}\", arr[idx]);");
            }
            case 1 -> {
                line("let zero = acc - acc;");
                line("println(\"{}\", acc / zero);");
            }
            default -> line("assert(acc == acc + 1);");
        }
    }

    // ---- statements -----------------------------------------------------------------------

    /** One line of the function being written; its awaits count toward the function's limit. */
    private void line(String s) {
        if (ctx != null) ctx.awaits += count(s, ".await");
        out.append("    ".repeat(Math.max(0, indent))).append(s).append('\n');
    }

    private void awaitLine(String s) { line(s); }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }

    private void pushScope() { ctx.scopes.add(new ArrayList<>()); }
    private void popScope() { ctx.scopes.remove(ctx.scopes.size() - 1); }

    /** A sync statement (in async code, its expressions may still await untimed fns). */
    private void stmt(int depth) {
        ctx.cost += ctx.mult;
        int k = rnd.nextInt(depth > 0 ? 16 : 9);
        switch (k) {
            case 0, 1, 2 -> letStmt();
            case 3, 4, 5 -> assignStmt();
            case 6, 7 -> printStmt();
            case 8 -> callStmt();
            case 9, 10 -> ifStmt(depth);
            case 11, 12 -> forStmt(depth);
            case 13 -> whileStmt(depth);
            case 14 -> matchStmt(depth);
            default -> { if (ctx.loops > 0) breakStmt(); else criticalStmt(depth); }
        }
    }

    private void block(int depth, int n) {
        pushScope();
        indent++;
        for (int i = 0; i < n; i++) {
            if (ctx.async && rnd.nextInt(3) == 0) asyncStmt(depth); else stmt(depth);
        }
        indent--;
        popScope();
    }

    private void letStmt() {
        Ty t = rnd.nextInt(3) == 0 ? anyDataTy() : new Int(intTy());
        String name = fresh("v");
        boolean mutable = rnd.nextInt(3) != 0;
        boolean annotate = !(t instanceof Int) || rnd.nextInt(3) != 0;
        String value = expr(t, 2, annotate);
        awaitLine("let " + (mutable ? "mut " : "") + name + (annotate ? ": " + tyText(t) : "") + " = " + value + ";");
        ctx.declare(new Var(name, t, mutable, false));
        if (rnd.nextInt(3) == 0) line("println(\"" + name + " {}\", " + printable(name, t) + ");");
    }

    /** Something printable made of a value of type {@code t} (enums as numbers, aggregates by one part). */
    private String printable(String e, Ty t) {
        if (t instanceof En) return e + " as u8";
        if (t instanceof Arr a) return printable(e + "[" + (a.len() - 1) + "]", a.elem());
        if (t instanceof St s) return printable(e + "." + s.def().fields().get(0).name(), s.def().fields().get(0).ty());
        return e;
    }

    private void assignStmt() {
        List<String[]> targets = places(v -> v.mutable() || v.ref(), true);
        if (targets.isEmpty()) { letStmt(); return; }
        String[] p = pick(targets);
        Ty t = parseTy(p[1]);
        String place = p[0];
        if (t instanceof Int i) {
            IntTy it = i.t();
            String e = expr(t, 2, true);
            int form = rnd.nextInt(9);
            // The forms that read the place to stay in range (6, 7, the safe combine) must not
            // await between that read and the write: another branch of a join/race may change
            // the place meanwhile, and a debug build would then rightly panic on overflow where
            // the release build wraps (seed 20261903). The operand is computed first.
            String prefix = "";
            if ((form >= 6) && e.contains(".await")) {
                String operand = fresh("q");
                prefix = "let " + operand + ": " + it.text() + " = " + e + "; ";
                e = operand;
            }
            String s = prefix + switch (form) {
                case 0 -> place + " = " + e + ";";
                case 1 -> place + " ^= " + e + ";";
                case 2 -> place + " |= " + e + ";";
                case 3 -> place + " &= " + e + ";";
                case 4 -> place + " >>= " + e + " & " + (it.bits - 1) + ";";
                case 5 -> place + " <<= " + "(" + e + ") & " + (it.bits - 1) + ";";
                case 6 -> place + " &= " + it.addMask() + "; " + place + " += (" + e + ") & " + it.addMask() + ";";
                case 7 -> place + " -= " + place + " & (" + e + ");";
                default -> place + " = " + safeCombine(it, place, e) + ";";
            };
            awaitLine(s);
        } else {
            awaitLine(place + " = " + expr(t, 2, true) + ";");
        }
    }

    private void printStmt() {
        int n = 1 + rnd.nextInt(3);
        StringBuilder fmt = new StringBuilder("L" + (names++));
        List<String> args = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Ty t = rnd.nextInt(4) == 0 ? new Bool() : new Int(intTy());
            boolean hex = t instanceof Int && rnd.nextInt(3) == 0;
            fmt.append(hex ? " {:x}" : " {}");
            args.add(expr(t, 2, false));
        }
        if (ctx.mult > 8) return;   // bounded output
        awaitLine("println(\"" + fmt + "\", " + String.join(", ", args) + ");");
    }

    private void callStmt() {
        List<FnDef> callable = fns.stream().filter(f -> !f.async() && f.ret() == null && affordable(f)).toList();
        if (callable.isEmpty() || rnd.nextBoolean()) {
            List<FnDef> any = fns.stream().filter(f -> !f.async() && affordable(f)).toList();
            if (any.isEmpty()) { printStmt(); return; }
            FnDef f = pick(any);
            called(f);
            String call = f.name() + args(f);
            if (f.ret() == null) { awaitLine(call + ";"); return; }
            String name = fresh("c");
            awaitLine("let " + name + " = " + call + ";");
            ctx.declare(new Var(name, f.ret(), false, false));
            line("println(\"" + name + " {}\", " + printable(name, f.ret()) + ");");
            return;
        }
        FnDef f = pick(callable);
        called(f);
        awaitLine(f.name() + args(f) + ";");
    }

    /** May the function being written call {@code f}? Within the cost budget and call depth; notes the depth. */
    private boolean affordable(FnDef f) {
        return ctx.cost + ctx.mult * f.cost() < FN_COST_LIMIT && f.depth() < MAX_DEPTH;
    }

    /** Accounts for a call of {@code f} just generated. */
    private void called(FnDef f) {
        ctx.cost += ctx.mult * f.cost();
        ctx.calleeDepth = Math.max(ctx.calleeDepth, f.depth());
    }

    /** How many call argument lists are being generated inside each other: leaves call fns only near the top. */
    private int argNesting;

    private String args(FnDef f) {
        argNesting++;
        try {
            return argList(f);
        } finally {
            argNesting--;
        }
    }

    private String argList(FnDef f) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < f.params().size(); i++) {
            Var p = f.params().get(i);
            sb.append(i == 0 ? "" : ", ");
            if (p.ref()) sb.append(refTo(p.ty()));
            else sb.append(expr(p.ty(), 1, true));
        }
        return sb.append(")").toString();
    }

    /** `&mut x` for a mutable x of that type, a `&mut` param passed on, or `&mut` a fresh temporary. */
    private String refTo(Ty t) {
        List<Var> cands = ctx.visible().stream().filter(v -> v.ty().equals(t) && (v.mutable() || v.ref())).toList();
        if (!cands.isEmpty() && rnd.nextInt(4) != 0) {
            Var v = pick(cands);
            return v.ref() ? v.name() : "&mut " + v.name();
        }
        // A temporary: a literal, never a place (which might not be mutable).
        if (t instanceof Arr a) return "&mut " + list(a.len(), () -> expr(a.elem(), 1, true), "[", "]");
        return "&mut " + structLit(((St) t).def(), f -> expr(f.ty(), 1, true));
    }

    private void ifStmt(int depth) {
        boolean saved = ctx.timedOk;
        ctx.timedOk = false;
        awaitLine("if " + boolExpr(2) + " {");
        block(depth - 1, 1 + rnd.nextInt(3));
        if (rnd.nextBoolean()) {
            awaitLine(rnd.nextBoolean() ? "} else {" : "} else if " + boolExpr(1) + " {");
            block(depth - 1, 1 + rnd.nextInt(3));
        }
        line("}");
        ctx.timedOk = saved;
    }

    private void forStmt(int depth) {
        int n = 1 + rnd.nextInt(5);
        IntTy t = rnd.nextBoolean() ? IntTy.U32 : intTy();
        String var = fresh("i");
        int start = rnd.nextInt(3);
        boolean inclusive = rnd.nextBoolean();
        int end = inclusive ? start + n - 1 : start + n;
        boolean timed = ctx.timedOk && rnd.nextBoolean();
        boolean saved = ctx.timedOk;
        ctx.timedOk = timed;   // timed bodies: a constant trip count, and no break
        Timeline outer = ctx.timeline;
        Timeline body = new Timeline();
        if (timed) ctx.timeline = body;
        line("for " + var + " in " + start + t.text() + (inclusive ? "..=" : "..") + end + " {");
        ctx.mult *= n;
        ctx.loops += timed ? 0 : 1;
        pushScope();
        ctx.declare(new Var(var, new Int(t), false, false));
        indent++;
        int stmts = 1 + rnd.nextInt(3);
        for (int i = 0; i < stmts; i++) {
            if (timed && rnd.nextInt(3) == 0) timedStmt(depth - 1);
            else if (ctx.async && rnd.nextInt(3) == 0) asyncStmt(depth - 1);
            else stmt(depth - 1);
        }
        indent--;
        popScope();
        line("}");
        ctx.mult /= n;
        ctx.loops -= timed ? 0 : 1;
        ctx.timedOk = saved;
        ctx.timeline = outer;
        if (timed) for (int i = 0; i < n; i++) outer.append(body);
    }

    private void whileStmt(int depth) {
        boolean saved = ctx.timedOk;
        ctx.timedOk = false;
        int n = 1 + rnd.nextInt(5);
        String c = fresh("w");
        line("let mut " + c + ": u8 = 0;");
        if (rnd.nextBoolean()) {
            line("while " + c + " < " + n + " { " + c + " += 1;");
        } else {
            line("loop { " + c + " += 1; if " + c + " > " + n + " { break; }");
        }
        ctx.mult *= n;
        ctx.loops++;
        block(depth - 1, 1 + rnd.nextInt(3));
        ctx.loops--;
        ctx.mult /= n;
        line("}");
        ctx.timedOk = saved;
    }

    private void breakStmt() {
        awaitLine("if " + boolExpr(1) + " { " + (rnd.nextBoolean() ? "break" : "continue") + "; }");
    }

    private void criticalStmt(int depth) {
        line("critical {");
        boolean savedTimed = ctx.timedOk;
        ctx.timedOk = false;
        // A critical section is sync code: no awaits inside.
        Ctx c = ctx;
        int awaits = c.awaits;
        int loops = c.loops;
        c.awaits = MAX_AWAITS;
        c.loops = 0;   // no break out of a critical section
        pushScope();
        indent++;
        stmt(depth - 1);
        if (rnd.nextBoolean()) stmt(depth - 1);
        indent--;
        popScope();
        c.awaits = awaits;
        c.loops = loops;
        ctx.timedOk = savedTimed;
        line("}");
    }

    private void matchStmt(int depth) {
        boolean saved = ctx.timedOk;
        ctx.timedOk = false;
        if (!enums.isEmpty() && rnd.nextBoolean()) {
            EnumDef e = pick(enums);
            awaitLine("match " + expr(new En(e), 1, true) + " {");
            indent++;
            List<String> vs = new ArrayList<>(e.variants());
            Collections.shuffle(vs, rnd);
            int covered = 1 + rnd.nextInt(vs.size());
            for (int i = 0; i < covered; i++) {
                line(e.name() + "." + vs.get(i) + " => {");
                block(depth - 1, 1);
                line("}");
            }
            if (covered < vs.size()) {
                line("_ => {");
                block(depth - 1, 1);
                line("}");
            }
            indent--;
            line("}");
        } else {
            IntTy t = intTy();
            awaitLine("match " + expr(new Int(t), 2, false) + " {");
            indent++;
            for (String pat : intPatterns(t)) {
                line(pat + " => {");
                block(depth - 1, 1 + rnd.nextInt(2));
                line("}");
            }
            line("_ => {");
            block(depth - 1, 1);
            line("}");
            indent--;
            line("}");
        }
        ctx.timedOk = saved;
    }

    /** Disjoint patterns over small values: literals, alternatives, ranges. */
    private List<String> intPatterns(IntTy t) {
        List<String> pats = new ArrayList<>();
        long lo = t.signed ? -6 : 0;
        long v = lo + rnd.nextInt(3);
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            switch (rnd.nextInt(3)) {
                case 0 -> { pats.add(Long.toString(v)); v += 1 + rnd.nextInt(3); }
                case 1 -> { long w = v + 1 + rnd.nextInt(2); pats.add(v + " | " + w); v = w + 1 + rnd.nextInt(2); }
                default -> {
                    long w = v + 1 + rnd.nextInt(4);
                    if (rnd.nextBoolean()) { pats.add(v + "..=" + w); v = w + 1; }
                    else { pats.add(v + ".." + w); v = w; }
                }
            }
        }
        return pats;
    }

    /** An async statement: an await of an untimed fn, yield, untimed join or race, a borrow across an await. */
    private void asyncStmt(int depth) {
        if (!ctx.canAwait()) { stmt(depth); return; }
        switch (rnd.nextInt(depth > 0 ? 8 : 4)) {
            case 0 -> awaitLine("yield_now().await;");
            case 1, 2 -> awaitCall(false);
            case 3 -> borrowAcrossAwait();
            case 7 -> awaitInBothArms();
            case 4, 5 -> concurrent(depth, rnd.nextBoolean(), false);
            default -> { if (ctx.timedOk) timedStmt(depth); else awaitCall(false); }
        }
    }

    /** The same await in both arms of an `if` (what merge-states merges), into an outer local. */
    private void awaitInBothArms() {
        List<FnDef> cands = fns.stream().filter(f -> f.async() && !f.timed() && f.ret() instanceof Int && affordable(f)).toList();
        if (cands.isEmpty()) { awaitLine("yield_now().await;"); return; }
        FnDef f = pick(cands);
        called(f);
        String call = f.name() + args(f) + ".await";
        String v = fresh("mv");
        line("let mut " + v + ": " + tyText(f.ret()) + " = " + expr(f.ret(), 0, true) + ";");
        line("if " + boolExpr(1) + " {");
        indent++;
        pushScope();
        if (rnd.nextBoolean()) stmt(0);
        popScope();
        line(v + " = " + call + ";");
        indent--;
        line("} else {");
        indent++;
        line(v + " = " + call + ";");
        indent--;
        line("}");
        ctx.declare(new Var(v, f.ret(), true, false));
        line("println(\"" + v + " {}\", " + v + ");");
    }

    private void awaitCall(boolean timedAllowed) {
        List<FnDef> cands = fns.stream().filter(f -> f.async() && (timedAllowed || !f.timed()) && affordable(f)).toList();
        if (cands.isEmpty()) { awaitLine("yield_now().await;"); return; }
        FnDef f = pick(cands);
        called(f);
        String call = f.name() + args(f) + ".await";
        if (f.timed()) ctx.timeline.append(f.timeline());
        if (f.ret() == null) { awaitLine(call + ";"); return; }
        String name = fresh("a");
        awaitLine("let " + name + " = " + call + ";");
        ctx.declare(new Var(name, f.ret(), false, false));
        line("println(\"" + name + " {}\", " + printable(name, f.ret()) + ");");
    }

    private void borrowAcrossAwait() {
        List<Var> cands = ctx.visible().stream().filter(v -> v.mutable() && !v.ref() && v.ty() instanceof Int
                && !statics.contains(v)).toList();
        if (cands.isEmpty()) { awaitLine("yield_now().await;"); return; }
        Var v = pick(cands);
        IntTy t = ((Int) v.ty()).t();
        String r = fresh("r");
        line("let " + r + " = &mut " + v.name() + ";");
        awaitLine("yield_now().await;");
        awaitLine("*" + r + " = " + safeCombine(t, "*" + r, expr(v.ty(), 1, false)) + ";");
    }

    /** A statement whose timeline is known: a sleep, a timed fn, or a timed join/race. */
    private void timedStmt(int depth) {
        if (!ctx.timedOk || !ctx.canAwait()) { stmt(depth); return; }
        switch (rnd.nextInt(depth > 0 ? 6 : 3)) {
            case 0 -> {
                long d = UNIT_MS * (1 + rnd.nextInt(3));
                awaitLine(rnd.nextInt(4) == 0 ? "sleep_us(" + d * 1000 + ").await;" : "sleep_ms(" + d + ").await;");
                ctx.timeline.sleep(d);
            }
            case 1, 2 -> awaitCall(true);
            case 3 -> {
                String t0 = fresh("t");
                line("let " + t0 + " = ticks();");
                long before = ctx.timeline.now;
                concurrent(depth, rnd.nextBoolean(), true);
                long units = (ctx.timeline.now - before) / UNIT_MS;
                // Elapsed whole units: exact, because computation takes far less than one unit.
                line("println(\"elapsed {} of " + units + "\", (ticks() - " + t0 + ") / " + (UNIT_MS * 1000L) + ");");
            }
            default -> concurrent(depth, rnd.nextBoolean(), true);
        }
    }

    /**
     * `join` or `race` with 2-3 branches that write outer locals. Timed branches get a leading
     * sleep that keeps their timers apart from the other branches' (and race ends distinct).
     */
    private void concurrent(int depth, boolean race, boolean timed) {
        int n = 2 + (rnd.nextInt(4) == 0 ? 1 : 0);
        List<Var> outs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (rnd.nextBoolean()) {
                IntTy t = intTy();
                String name = fresh("b");
                line("let mut " + name + ": " + t.text() + " = " + literal(t, true) + ";");
                outs.add(new Var(name, new Int(t), true, false));
            }
        }
        for (Var v : outs) ctx.declare(v);
        boolean savedTimed = ctx.timedOk;
        Timeline outer = ctx.timeline;
        StringBuilder savedOut = out;
        int savedIndent = indent;
        List<String> texts = new ArrayList<>();
        List<Timeline> lines = new ArrayList<>();
        int savedLoops = ctx.loops;
        ctx.loops = 0;   // no break out of a branch
        for (int i = 0; i < n; i++) {
            out = new StringBuilder();
            indent = savedIndent + 1;
            ctx.timedOk = timed && savedTimed;
            Timeline tl = new Timeline();
            ctx.timeline = ctx.timedOk ? tl : null;
            pushScope();
            int stmts = 1 + rnd.nextInt(3);
            for (int s = 0; s < stmts; s++) {
                if (ctx.timedOk && rnd.nextInt(2) == 0) timedStmt(depth - 1);
                else if (rnd.nextBoolean()) asyncStmt(depth - 1);
                else stmt(depth - 1);
            }
            if (!outs.isEmpty() && rnd.nextBoolean()) {
                Var o = pick(outs);
                awaitLine(o.name() + " = " + expr(o.ty(), 1, true) + ";");
            }
            line("println(\"branch " + i + "\");");
            popScope();
            texts.add(out.toString());
            lines.add(tl);
        }
        out = savedOut;
        indent = savedIndent;
        ctx.loops = savedLoops;
        ctx.timedOk = savedTimed;
        ctx.timeline = outer;
        // Offsets: no timer of one branch fires with another's; race branches end apart.
        TreeSet<Long> taken = new TreeSet<>();
        TreeSet<Long> ends = new TreeSet<>();
        Timeline combined = new Timeline();
        long minEnd = Long.MAX_VALUE;
        List<Timeline> shifted = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Timeline tl = lines.get(i);
            long offset = 0;
            if (!tl.fires.isEmpty()) {
                // The leading sleep is a timer too: it must not fire with another branch's either.
                while (clash(tl, offset, taken) || (offset > 0 && taken.contains(offset))
                        || (race && ends.contains(tl.now + offset))) offset += UNIT_MS;
            }
            Timeline s = new Timeline();
            if (offset > 0) {
                s.sleep(offset);
                texts.set(i, "    ".repeat(savedIndent + 1) + "sleep_ms(" + offset + ").await;\n" + texts.get(i));
                ctx.awaits++;
            }
            s.append(tl);
            for (long f : s.fires) taken.add(f);
            if (!s.fires.isEmpty()) ends.add(s.now);
            shifted.add(s);
            minEnd = Math.min(minEnd, s.now);
        }
        if (race) {
            for (Timeline s : shifted) for (long f : s.fires) if (f <= minEnd) combined.fires.add(f);
            combined.now = minEnd;
        } else {
            for (Timeline s : shifted) { combined.fires.addAll(s.fires); combined.now = Math.max(combined.now, s.now); }
        }
        if (ctx.timeline != null) ctx.timeline.append(combined);
        line(race ? "race {" : "join {");
        for (int i = 0; i < n; i++) {
            if (i > 0) line(race ? "} or {" : "} and {");
            out.append(texts.get(i));
        }
        line("}");
        if (!outs.isEmpty()) {
            StringBuilder fmt = new StringBuilder(race ? "race" : "join");
            List<String> args = new ArrayList<>();
            for (Var v : outs) { fmt.append(" {}"); args.add(v.name()); }
            line("println(\"" + fmt + "\", " + String.join(", ", args) + ");");
        }
    }

    private static boolean clash(Timeline tl, long offset, TreeSet<Long> taken) {
        for (long f : tl.fires) if (taken.contains(f + offset)) return true;
        return false;
    }

    // ---- expressions ----------------------------------------------------------------------

    /** An expression of type {@code t}; {@code anchored}: the context fixes its type (unsuffixed literals are fine). */
    private String expr(Ty t, int depth, boolean anchored) {
        if (t instanceof Int i) return intExpr(i.t(), depth, anchored);
        if (t instanceof Bool) return boolExpr(depth);
        if (t instanceof En e) return enumExpr(e.def(), depth);
        if (rnd.nextInt(3) == 0) {
            String place = placeOf(t);
            if (place != null) return place;
        }
        if (t instanceof Arr a) {
            return rnd.nextInt(3) == 0 ? "[" + expr(a.elem(), depth - 1, true) + "; " + a.len() + "]"
                    : list(a.len(), () -> expr(a.elem(), depth - 1, true), "[", "]");
        }
        if (rnd.nextInt(4) == 0 && argNesting <= 1) {
            List<FnDef> makers = fns.stream().filter(f -> !f.async() && t.equals(f.ret()) && affordable(f)).toList();
            if (!makers.isEmpty()) {
                FnDef f = pick(makers);
                called(f);
                return f.name() + args(f);
            }
        }
        return structLit(((St) t).def(), f -> expr(f.ty(), depth - 1, true));
    }

    private String enumExpr(EnumDef e, int depth) {
        String place = rnd.nextBoolean() ? placeOf(new En(e)) : null;
        if (place != null) return place;
        if (depth > 0 && rnd.nextInt(3) == 0)
            return "(if " + boolExpr(depth - 1) + " { " + e.name() + "." + pick(e.variants()) + " } else { " + e.name() + "." + pick(e.variants()) + " })";
        return e.name() + "." + pick(e.variants());
    }

    private String intExpr(IntTy t, int depth, boolean anchored) {
        if (depth <= 0 || rnd.nextInt(4) == 0) return intLeaf(t, anchored);
        int d = depth - 1;
        String a = intExpr(t, d, false);
        return switch (rnd.nextInt(17)) {
            case 0 -> "(" + a + " ^ " + intExpr(t, d, true) + ")";
            case 1 -> "(" + a + " | " + intExpr(t, d, true) + ")";
            case 2 -> "(" + a + " & " + intExpr(t, d, true) + ")";
            case 3, 4 -> safeCombine(t, a, intExpr(t, d, false));
            case 5 -> t.signed ? "((" + a + " >> 1) - (" + intExpr(t, d, false) + " >> 1))" : subtractPart(t, d);
            case 6 -> "((" + a + " & " + t.mulMask() + ") * (" + intExpr(t, d, false) + " & " + t.mulMask() + "))";
            case 7 -> "(" + a + " / ((" + intExpr(t, d, false) + " & 15) + 1))";
            case 8 -> "(" + a + " % ((" + intExpr(t, d, false) + " & 15) + 1))";
            case 9 -> "(" + a + " / " + (2 + rnd.nextInt(9)) + ")";
            case 10 -> "(" + a + (rnd.nextBoolean() ? " << " : " >> ") + "(" + intExpr(intTy(), d, false) + " & " + (t.bits - 1) + "))";
            case 11 -> "(" + (rnd.nextBoolean() ? "!" : "~") + a + ")";
            case 12 -> t.signed ? "(-(" + a + " | 1))" : "(" + a + " >> " + rnd.nextInt(t.bits) + ")";
            case 13 -> "(if " + boolExpr(d) + " { " + a + " } else { " + intExpr(t, d, true) + " })";
            case 14 -> matchExpr(t, d);
            case 15 -> "(" + intExpr(intTy(), d, false) + " as " + t.text() + ")";
            default -> {
                // A block with its own local.
                IntTy u = intTy();
                String v = fresh("k");
                String init = intExpr(u, d, true);
                pushScope();
                ctx.declare(new Var(v, new Int(u), false, false));
                String body = "{ let " + v + ": " + u.text() + " = " + init + "; " + safeCombine(t, "(" + v + " as " + t.text() + ")", intExpr(t, d, false)) + " }";
                popScope();
                yield body;
            }
        };
    }

    /** `p - (p & b)`: never below zero, for unsigned p. */
    private String subtractPart(IntTy t, int d) {
        String p = placeOf(new Int(t));
        if (p == null) p = literal(t, false);
        return "(" + p + " - (" + p + " & " + intExpr(t, d, true) + "))";
    }

    /** `(a >> 1) + (b >> 1)`: a sum that fits for any a and b. */
    private static String safeCombine(IntTy t, String a, String b) {
        return "((" + a + " >> 1) + (" + b + " >> 1))";
    }

    private String matchExpr(IntTy t, int d) {
        if (!enums.isEmpty() && rnd.nextInt(3) == 0) {
            EnumDef e = pick(enums);
            StringBuilder sb = new StringBuilder("(match " + enumExpr(e, d) + " { ");
            List<String> vs = new ArrayList<>(e.variants());
            Collections.shuffle(vs, rnd);
            int covered = 1 + rnd.nextInt(vs.size());
            for (int i = 0; i < covered; i++) sb.append(e.name()).append('.').append(vs.get(i)).append(" => ").append(intExpr(t, d, true)).append(", ");
            if (covered < vs.size()) sb.append("_ => ").append(intExpr(t, d, true)).append(", ");
            return sb.append("})").toString();
        }
        if (rnd.nextInt(4) == 0) {
            return "(match " + boolExpr(d) + " { true => " + intExpr(t, d, true) + ", false => " + intExpr(t, d, true) + " })";
        }
        IntTy s = intTy();
        StringBuilder sb = new StringBuilder("(match " + intExpr(s, d, false) + " { ");
        for (String p : intPatterns(s)) sb.append(p).append(" => ").append(intExpr(t, d, true)).append(", ");
        return sb.append("_ => ").append(intExpr(t, d, true)).append(" })").toString();
    }

    private String intLeaf(IntTy t, boolean anchored) {
        switch (rnd.nextInt(10)) {
            case 0, 1, 2 -> {
                String p = placeOf(new Int(t));
                if (p != null) return p;
            }
            case 3 -> {
                List<Var> cs = consts.stream().filter(c -> c.ty().equals(new Int(t))).toList();
                if (!cs.isEmpty()) return pick(cs).name();
            }
            case 4 -> {
                List<FnDef> cands = argNesting > 1 ? List.of()
                        : fns.stream().filter(f -> !f.async() && new Int(t).equals(f.ret()) && affordable(f)).toList();
                if (!cands.isEmpty()) {
                    FnDef f = pick(cands);
                    called(f);
                    return f.name() + args(f);
                }
            }
            case 5 -> {
                if (ctx.canAwait() && ctx.mult <= 8 && argNesting <= 1) {
                    List<FnDef> cands = fns.stream().filter(f -> f.async() && !f.timed() && new Int(t).equals(f.ret()) && affordable(f)).toList();
                    if (!cands.isEmpty()) {
                        FnDef f = pick(cands);
                        called(f);
                        return f.name() + args(f) + ".await";
                    }
                }
            }
            case 6 -> {
                if (rnd.nextBoolean()) return "(" + boolExpr(0) + " as " + t.text() + ")";
                if (!enums.isEmpty()) return "(" + enumExpr(pick(enums), 0) + " as " + t.text() + ")";
            }
            case 7 -> {
                IntTy u = intTy();
                String p = placeOf(new Int(u));
                if (p != null) return "(" + p + " as " + t.text() + ")";
            }
            default -> { }
        }
        return literal(t, anchored);
    }

    private String boolExpr(int depth) {
        if (depth <= 0 || rnd.nextInt(4) == 0) {
            String p = rnd.nextBoolean() ? placeOf(new Bool()) : null;
            if (p != null) return p;
            if (rnd.nextInt(4) == 0) return Boolean.toString(rnd.nextBoolean());
            IntTy t = intTy();
            return "(" + intExpr(t, 0, false) + " " + cmp() + " " + intExpr(t, 0, true) + ")";
        }
        int d = depth - 1;
        return switch (rnd.nextInt(7)) {
            case 0 -> "(" + boolExpr(d) + " && " + boolExpr(d) + ")";
            case 1 -> "(" + boolExpr(d) + " || " + boolExpr(d) + ")";
            case 2 -> "(!" + boolExpr(d) + ")";
            case 3 -> {
                if (!enums.isEmpty()) {
                    EnumDef e = pick(enums);
                    yield "(" + enumExpr(e, d) + (rnd.nextBoolean() ? " == " : " != ") + enumExpr(e, d) + ")";
                }
                yield "(" + boolExpr(d) + " == " + boolExpr(d) + ")";
            }
            case 4 -> "(" + boolExpr(d) + (rnd.nextBoolean() ? " ^ " : " & ") + boolExpr(d) + ")";
            default -> {
                IntTy t = intTy();
                yield "(" + intExpr(t, d, false) + " " + cmp() + " " + intExpr(t, d, true) + ")";
            }
        };
    }

    private String cmp() { return pick(List.of("==", "!=", "<", "<=", ">", ">=")); }

    // ---- places ---------------------------------------------------------------------------

    /** A readable place of type {@code t}, or null. */
    private String placeOf(Ty t) {
        List<String[]> ps = places(v -> true, false);
        List<String> ok = new ArrayList<>();
        String want = tyKey(t);
        for (String[] p : ps) if (p[1].equals(want)) ok.add(p[0]);
        return ok.isEmpty() ? null : pick(ok);
    }

    private final List<Ty> keyed = new ArrayList<>();

    private String tyKey(Ty t) {
        int i = keyed.indexOf(t);
        if (i < 0) { keyed.add(t); i = keyed.size() - 1; }
        return Integer.toString(i);
    }

    private Ty parseTy(String key) { return keyed.get(Integer.parseInt(key)); }

    /** Places reachable from visible names ({@code filter} on the root): {text, type key}. */
    private List<String[]> places(Predicate<Var> filter, boolean writable) {
        List<String[]> out = new ArrayList<>();
        List<Var> roots = new ArrayList<>(ctx.visible());
        if (!writable) roots.addAll(consts);
        for (Var v : roots) {
            if (!filter.test(v)) continue;
            if (writable && v.name().equals("acc")) continue;
            collect(v.name(), v.ty(), 2, out, !v.ref());
        }
        return out;
    }

    private void collect(String text, Ty t, int depth, List<String[]> out, boolean wholeOk) {
        if (wholeOk) out.add(new String[] {text, tyKey(t)});
        if (depth <= 0) return;
        if (t instanceof St s) {
            for (Field f : s.def().fields()) collect(text + "." + f.name(), f.ty(), depth - 1, out, true);
        } else if (t instanceof Arr a) {
            String idx = rnd.nextBoolean() ? Integer.toString(rnd.nextInt(a.len()))
                    : "(" + indexSource() + " as u32) % " + a.len();
            collect(text + "[" + idx + "]", a.elem(), depth - 1, out, true);
        }
    }

    /** A simple integer for an index: a visible int name or a literal. */
    private String indexSource() {
        List<Var> ints = ctx.visible().stream().filter(v -> v.ty() instanceof Int && !v.ref()).toList();
        if (ints.isEmpty() || rnd.nextInt(4) == 0) return Integer.toString(rnd.nextInt(20));
        return pick(ints).name();
    }

    // ---- small helpers --------------------------------------------------------------------

    private IntTy intTy() {
        IntTy[] all = IntTy.values();
        return rnd.nextInt(3) == 0 ? IntTy.U32 : all[rnd.nextInt(all.length)];
    }

    private Ty anyDataTy() {
        return switch (rnd.nextInt(5)) {
            case 0 -> new Bool();
            case 1 -> new Arr(new Int(intTy()), 2 + rnd.nextInt(4));
            case 2 -> !structs.isEmpty() ? new St(pick(structs)) : new Int(intTy());
            case 3 -> !enums.isEmpty() ? new En(pick(enums)) : new Int(intTy());
            default -> !structs.isEmpty() && rnd.nextBoolean() ? new Arr(new St(pick(structs)), 2 + rnd.nextInt(2)) : new Int(intTy());
        };
    }

    private String tyText(Ty t) {
        if (t instanceof Int i) return i.t() == IntTy.U32 && rnd.nextInt(6) == 0 ? "usize" : i.t().text();
        if (t instanceof Bool) return "bool";
        if (t instanceof Arr a) return "[" + tyText(a.elem()) + "; " + a.len() + "]";
        if (t instanceof St s) return s.def().name();
        return ((En) t).def().name();
    }

    /** A literal of type {@code t}: small, a boundary, or anything; in several notations. */
    private String literal(IntTy t, boolean anchored) {
        long v = switch (rnd.nextInt(6)) {
            case 0, 1, 2 -> rnd.nextInt(t.signed ? 41 : 21) - (t.signed ? 20 : 0);
            case 3 -> pick(List.of(t.max(), t.signed ? t.min() + 1 : 1, 0L, t.signed ? -1L : t.max() - 1));
            default -> t.bits == 64 ? rnd.nextLong() : (t.signed ? t.min() + 1 + (long) (rnd.nextDouble() * (t.max() - t.min() - 1))
                    : (long) (rnd.nextDouble() * (t.max() + 1.0)));
        };
        if (t.signed && v == t.min()) v++;
        if (!t.signed && t.bits < 64) v &= t.max();
        boolean negative = t.signed && v < 0;
        long mag = negative ? -v : v;
        String digits;
        int form = rnd.nextInt(6);
        if (form == 0) digits = "0x" + Long.toHexString(mag);
        else if (form == 1 && t.bits <= 16) digits = "0b" + Long.toBinaryString(mag);
        else if (form == 2 && !negative && Long.compareUnsigned(mag, 10000) > 0) digits = underscored(Long.toUnsignedString(mag));
        else digits = Long.toUnsignedString(mag);
        // Unsuffixed only where the context fixes the type, or where the default (i32) is the type.
        boolean suffix = !(anchored || t == IntTy.I32) || rnd.nextInt(3) == 0;
        if (!suffix && t != IntTy.I32 && Long.compareUnsigned(mag, Integer.MAX_VALUE) > 0) suffix = true;
        String lit = digits + (suffix ? t.text() : "");
        return negative ? "(-" + lit + ")" : lit;
    }

    private static String underscored(String d) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < d.length(); i++) {
            if (i > 0 && (d.length() - i) % 3 == 0) sb.append('_');
            sb.append(d.charAt(i));
        }
        return sb.toString();
    }

    private String list(int n, java.util.function.Supplier<String> item, String open, String close) {
        StringBuilder sb = new StringBuilder(open);
        for (int i = 0; i < n; i++) sb.append(i == 0 ? "" : ", ").append(item.get());
        return sb.append(close).toString();
    }

    private <T> T pick(List<T> xs) { return xs.get(rnd.nextInt(xs.size())); }
}

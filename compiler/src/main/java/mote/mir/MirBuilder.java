package mote.mir;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import mote.ast.Expr;
import mote.ast.Item;
import mote.ast.Pattern;
import mote.ast.Stmt;
import mote.diag.Span;
import mote.types.FormatSpec;
import mote.types.Symbol;
import mote.types.Type;
import mote.types.TypedProgram;

/**
 * AST + types -> MIR: one control-flow graph per function. Expressions become three-address
 * assignments to locals; `&&`, `||`, `if`, `match` and loops become branches; every
 * `f(..).await` becomes an Await terminator, the suspension point async lowering works on;
 * division by zero and signed division overflow become explicit Assert terminators.
 *
 * Memory is addressed through {@link Place}s (local + field/index/deref projections, with the
 * auto-deref of `p.x` made explicit); struct and array literals are Aggregate rvalues; every
 * Index is preceded by its bounds-check Assert. Debug builds add overflow Asserts and a
 * {@code Line} marker per source statement (DWARF line tables).
 */
public final class MirBuilder {
    private final TypedProgram program;

    private MirBuilder(TypedProgram program) { this.program = program; }

    /** A release build: arithmetic wraps. */
    public static MirProgram build(TypedProgram program) { return build(program, false); }

    /** {@code debug}: add, sub, mul, neg and shifts check for overflow and panic as Rust's debug builds do. */
    public static MirProgram build(TypedProgram program, boolean debug) { return build(program, debug, null); }

    /** The name of the entry task of a test image (not a possible Mote name: `test` is a keyword). */
    public static final String TEST_ENTRY = "test.main";

    /**
     * With {@code test} set (a `test fn` or `test async fn` of the root module), the program's
     * entry is a synthetic {@value #TEST_ENTRY} that runs that test and returns 0 (a failing
     * test panics): what `mote test` builds, one image per test.
     */
    public static MirProgram build(TypedProgram program, boolean debug, Symbol.Fn test) {
        return build(program, debug, debug, test);
    }

    /**
     * As above; {@code lineMarks} adds a {@link Statement.Line} per source statement, from which
     * codegen writes the DWARF line table (every image built for a device has one: it is in
     * non-loaded sections, and fault reports name source lines with it).
     */
    public static MirProgram build(TypedProgram program, boolean debug, boolean lineMarks, Symbol.Fn test) {
        MirBuilder b = new MirBuilder(program);
        List<MirFn> fns = new ArrayList<>();
        for (Symbol.Fn f : program.functions) fns.add(new FnBuilder(b.program, f, debug, lineMarks).build());
        List<MirProgram.Global> globals = new ArrayList<>();
        for (Symbol.Static s : program.statics) globals.add(new MirProgram.Global(s.qualifiedName(), s.type(), s.mutable(), s.initialValue(), s.image(), s.strings()));
        List<MirProgram.Task> tasks = new ArrayList<>();
        for (Symbol.Fn f : program.functions)
            if (f.decl().kind() == mote.ast.Item.FnKind.TASK) tasks.add(new MirProgram.Task(f.qualifiedName(), program.poolSize(f.decl())));
        if (test != null) {
            fns.add(testEntry(test));
            return new MirProgram(fns, globals, TEST_ENTRY, tasks);
        }
        boolean hasMain = program.functions.stream().anyMatch(f -> f.qualifiedName().equals("main"));
        return new MirProgram(fns, globals, hasMain ? "main" : null, tasks);
    }

    /** `async fn test.main() -> i32 { test(); 0 }`, awaiting the test when it is async. */
    private static MirFn testEntry(Symbol.Fn test) {
        Span span = test.decl().span();
        Local ret = new Local(0), unit = new Local(1);
        List<LocalDecl> locals = List.of(new LocalDecl("return", Type.I32, span), new LocalDecl(null, Type.UNIT, null));
        List<Statement> done = List.of(new Statement.Assign(ret, new Rvalue.Use(new Operand.Const(Type.I32, 0))));
        List<BasicBlock> blocks = test.isAsync()
                ? List.of(new BasicBlock(List.of(), new Terminator.Await(new Callee.Function(test.qualifiedName()), List.of(), unit, new BlockId(1), span)),
                          new BasicBlock(done, new Terminator.Return()))
                : List.of(new BasicBlock(List.of(new Statement.Assign(unit, new Rvalue.Call(test.qualifiedName(), List.of())), done.get(0)),
                          new Terminator.Return()));
        return new MirFn(TEST_ENTRY, true, List.of(), ret, Type.I32, locals, blocks, span);
    }

    private static final class BlockData {
        final List<Statement> statements = new ArrayList<>();
        Terminator terminator;
    }

    /** {@code exits}: how many `critical` and `lock` blocks were open where the loop started. */
    private record LoopTarget(BlockId breakTo, BlockId continueTo, Local breakValue, int exits) {}

    private static final class FnBuilder {
        private final TypedProgram program;
        private final Symbol.Fn fn;
        private final List<LocalDecl> locals = new ArrayList<>();
        private final List<BlockData> blocks = new ArrayList<>();
        private final Map<Symbol.LocalVar, Local> vars = new IdentityHashMap<>();
        /** The loops being lowered, by their AST node (a `break` names its loop through TypedProgram.loopTarget). */
        private final Map<Expr, LoopTarget> loops = new IdentityHashMap<>();
        private final boolean debug;
        private final boolean lineMarks;
        /**
         * What leaving each `critical` or `lock` block being lowered runs (restoring the saved
         * interrupt mask, releasing the mutex), innermost last: a break, continue, return or `?`
         * out of some of them runs theirs.
         */
        private final List<Statement> scopeExits = new ArrayList<>();
        /** The Mutexes the `lock` blocks being lowered hold (pointers), innermost last. */
        private final List<Local> locks = new ArrayList<>();
        private BlockId current;
        private Local returnLocal;

        FnBuilder(TypedProgram program, Symbol.Fn fn, boolean debug, boolean lineMarks) {
            this.program = program;
            this.fn = fn;
            this.debug = debug;
            this.lineMarks = lineMarks;
        }

        /** Leaves the `critical` and `lock` blocks above depth {@code depth} (on break, continue, return, `?`). */
        private void exitScopes(int depth) {
            for (int i = scopeExits.size() - 1; i >= depth; i--) emit(scopeExits.get(i));
        }

        MirFn build() {
            Item.Fn decl = fn.decl();
            returnLocal = newLocal("return", fn.result(), decl.name().span());
            List<Local> params = new ArrayList<>();
            for (Symbol.LocalVar v : program.params(decl)) {
                Local l = newLocal(v.name(), v.type(), v.span());
                vars.put(v, l);
                params.add(l);
            }
            current = newBlock();
            Operand result = lower(decl.body());
            if (!isTerminated()) {
                assign(returnLocal, new Rvalue.Use(result));
                terminate(new Terminator.Return());
            }
            return finish(params);
        }

        // ------------------------------------------------------------ blocks and locals

        private Local newLocal(String name, Type type, Span span) {
            locals.add(new LocalDecl(name, type, span));
            return new Local(locals.size() - 1);
        }

        private Local temp(Type type) { return newLocal(null, type, null); }

        private BlockId newBlock() {
            blocks.add(new BlockData());
            return new BlockId(blocks.size() - 1);
        }

        private boolean isTerminated() { return blocks.get(current.index()).terminator != null; }

        private void emit(Statement s) {
            if (!isTerminated()) blocks.get(current.index()).statements.add(s);
        }

        private void assign(Local dest, Rvalue value) { emit(new Statement.Assign(dest, value)); }

        private void terminate(Terminator t) {
            BlockData b = blocks.get(current.index());
            if (b.terminator == null) b.terminator = t;
        }

        /** Ends the current block with {@code t} and continues in a fresh one (dead unless jumped to). */
        private void terminateAndContinueDead(Terminator t) {
            terminate(t);
            current = newBlock();
        }

        private void gotoBlock(BlockId target) {
            terminate(new Terminator.Goto(target));
            current = target;
        }

        private Type typeOf(Expr e) { return program.typeOf(e); }

        private Type opType(Operand op) {
            return op instanceof Operand.Copy c ? locals.get(c.local().index()).type() : ((Operand.Const) op).type();
        }

        /** Drops blocks that cannot be reached from the entry and renumbers the rest. */
        private MirFn finish(List<Local> params) {
            int n = blocks.size();
            boolean[] reachable = new boolean[n];
            Deque<Integer> work = new ArrayDeque<>();
            work.push(0);
            reachable[0] = true;
            while (!work.isEmpty()) {
                BlockData b = blocks.get(work.pop());
                if (b.terminator == null) b.terminator = new Terminator.Unreachable();
                for (BlockId s : b.terminator.successors()) {
                    if (!reachable[s.index()]) { reachable[s.index()] = true; work.push(s.index()); }
                }
            }
            int[] renumber = new int[n];
            int next = 0;
            for (int i = 0; i < n; i++) renumber[i] = reachable[i] ? next++ : -1;
            List<BasicBlock> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (!reachable[i]) continue;
                BlockData b = blocks.get(i);
                out.add(new BasicBlock(b.statements, Renumber.terminator(b.terminator, renumber)));
            }
            return new MirFn(fn.qualifiedName(), fn.isAsync(), params, returnLocal, fn.result(), locals, out, fn.decl().span(), fn.interrupt());
        }

        // ------------------------------------------------------------ expressions

        private Operand constant(Type t, long bits) {
            Type.Int it = Type.intRepr(t);
            return new Operand.Const(t, it != null ? it.normalize(bits) : bits);
        }

        /** Lowers {@code e} and returns its value, converted where the checker recorded a coercion. */
        private Operand lower(Expr e) {
            Operand v = lowerValue(e);
            Type to = program.coercion(e);
            if (to instanceof Type.Slice && typeOf(e) instanceof Type.Ref r && r.target() instanceof Type.Array a) {
                Local s = temp(to);
                assign(s, new Rvalue.Aggregate(to, List.of(v, constant(Type.U32, a.length()))));
                return Operand.of(s);
            }
            return v;
        }

        /** Lowers {@code e} and returns its value (UNIT for unit and for diverging expressions). */
        private Operand lowerValue(Expr e) {
            if ((e instanceof Expr.Name || e instanceof Expr.Field || e instanceof Expr.Call || e instanceof Expr.StructLit || e instanceof Expr.MethodCall)
                    && program.resolution(e) instanceof Symbol.SumVariant sv) return lowerVariant(e, sv);
            if (e instanceof Expr.IntLit lit) return constant(typeOf(e), lit.value());
            if (e instanceof Expr.FloatLit f) return constant(Type.F32, mote.types.Floats.bits(f.value()));
            if (e instanceof Expr.BoolLit b) return constant(Type.BOOL, b.value() ? 1 : 0);
            if (e instanceof Expr.Name n) return lowerName(n);
            if (e instanceof Expr.Unary u) {
                if (u.op() == Expr.UnaryOp.NEG && u.operand() instanceof Expr.IntLit lit) return constant(typeOf(e), -lit.value());
                if (u.op() == Expr.UnaryOp.DEREF) {
                    Place p = lowerPlace(e);
                    return typeOf(e) instanceof Type.Never ? Operand.UNIT : load(p, typeOf(e));
                }
                Operand v = lower(u.operand());
                if (debug && u.op() == Expr.UnaryOp.NEG && typeOf(e) instanceof Type.Int it && it.signed()) {
                    Local ok = temp(Type.BOOL);
                    assign(ok, new Rvalue.Binary(BinOp.NE, v, constant(it, it.min())));
                    assertThat(Operand.of(ok), "attempt to negate with overflow", u.span());
                }
                Local t = temp(typeOf(e));
                assign(t, new Rvalue.Unary(UnOp.valueOf(u.op().name()), v));
                return Operand.of(t);
            }
            if (e instanceof Expr.Binary b) return lowerBinary(b);
            if (e instanceof Expr.Assign a) { lowerAssign(a); return Operand.UNIT; }
            if (e instanceof Expr.Call c) return lowerCall(c);
            if (e instanceof Expr.Await a) return lowerAwait(a);
            if (e instanceof Expr.Cast c) {
                Operand v = lower(c.value());
                Type target = typeOf(e);
                if (program.typeOf(c.value()).equals(target)) return v;
                Local t = temp(target);
                assign(t, new Rvalue.Cast(v, target));
                return Operand.of(t);
            }
            if (e instanceof Expr.Block b) return lowerBlock(b);
            if (e instanceof Expr.StrLit s) {
                Local t = temp(typeOf(e));
                assign(t, new Rvalue.Str(s.bytes()));
                return Operand.of(t);
            }
            if (e instanceof Expr.Field f) {
                if (program.resolution(f) instanceof Symbol.Variant v) return constant(v.type(), v.value());
                if (qualifiedItem(f) != null) return lowerName(f);
                Place p = lowerPlace(f);
                return typeOf(f) instanceof Type.Never ? Operand.UNIT : load(p, typeOf(f));
            }
            if (e instanceof Expr.Index ix) {
                Place p = lowerPlace(ix);
                return typeOf(ix) instanceof Type.Never ? Operand.UNIT : load(p, typeOf(ix));
            }
            if (e instanceof Expr.Ref r && r.target() instanceof Expr.SliceOf so) return lowerSlice(so, (Type.Slice) typeOf(e));
            if (e instanceof Expr.ForIn f) { lowerForIn(f); return Operand.UNIT; }
            if (e instanceof Expr.Ref r) {
                Local t = temp(typeOf(e));
                assign(t, new Rvalue.AddressOf(r.mutable(), lowerPlace(r.target())));
                return Operand.of(t);
            }
            if (e instanceof Expr.StructLit sl) {
                Type.Struct st = (Type.Struct) typeOf(e);
                Operand[] fields = new Operand[st.fields().size()];
                for (Expr.FieldInit fi : sl.fields()) fields[st.fieldIndex(fi.name().name())] = lower(fi.value());
                Local t = temp(st);
                assign(t, new Rvalue.Aggregate(st, List.of(fields)));
                return Operand.of(t);
            }
            if (e instanceof Expr.ArrayLit || e instanceof Expr.Tuple) {
                List<Operand> elements = new ArrayList<>();
                for (Expr x : e instanceof Expr.ArrayLit al ? al.elements() : ((Expr.Tuple) e).elements()) elements.add(lower(x));
                Local t = temp(typeOf(e));
                assign(t, new Rvalue.Aggregate(typeOf(e), elements));
                return Operand.of(t);
            }
            if (e instanceof Expr.ArrayRepeat ar) {
                Operand v = lower(ar.value());
                Type.Array at = (Type.Array) typeOf(e);
                Local t = temp(at);
                assign(t, new Rvalue.Repeat(v, at.length()));
                return Operand.of(t);
            }
            if (e instanceof Expr.MethodCall mc && isIntegerFunction(mc)) return lowerIntegerFunction(mc);
            if (e instanceof Expr.MethodCall mc && program.resolution(mc) instanceof Symbol.Fn f) {   // `uart.write(x)`, `p.len()`
                List<Operand> args = new ArrayList<>();
                if (program.methodSelf(mc) != null) args.add(selfArgument(mc));
                for (Expr a : mc.args()) args.add(lower(a));
                Local t = temp(f.result());
                assign(t, new Rvalue.Call(f.qualifiedName(), args));
                return Operand.of(t);
            }
            if (e instanceof Expr.MethodCall mc && !(program.resolution(mc) instanceof Symbol.Fn)
                    && derefType(typeOf(mc.receiver())) instanceof Type.Channel ch) {
                // try_send(v), try_recv(&mut out), raise(v): runtime-c calls that never wait.
                List<Operand> args = new ArrayList<>();
                args.add(channelPointer(mc.receiver(), ch));
                for (Expr a : mc.args()) args.add(lower(a));
                Local t = temp(typeOf(e));
                assign(t, new Rvalue.ChannelOp(mc.method().name(), ch, args));
                return typeOf(e) instanceof Type.Unit ? Operand.UNIT : Operand.of(t);
            }
            if (e instanceof Expr.MethodCall mc && typeOf(mc.receiver()) instanceof Type.Int it) return lowerIntegerMethod(mc, it);
            if (e instanceof Expr.MethodCall mc && typeOf(mc.receiver()) instanceof Type.Float32) return lowerFloatMethod(mc);
            if (e instanceof Expr.MethodCall mc && typeOf(mc.receiver()) instanceof Type.Sum sum) return lowerSumMethod(mc, sum);
            if (e instanceof Expr.MethodCall mc && (mc.method().name().equals("fill") || mc.method().name().equals("copy_from_slice"))) {
                lowerFillOrCopy(mc);
                return Operand.UNIT;
            }
            if (e instanceof Expr.MethodCall mc) {   // `.len()` of arrays and slices
                Type rt = derefType(typeOf(mc.receiver()));
                if (rt instanceof Type.Never) { lower(mc.receiver()); return Operand.UNIT; }
                if (rt instanceof Type.Array a) {
                    if (!isPlaceExpr(mc.receiver())) lower(mc.receiver());
                    return constant(Type.U32, a.length());
                }
                Place p = autoDeref(lowerPlace(mc.receiver()), typeOf(mc.receiver()));
                return load(p.project(new Place.Projection.Field(1)), Type.U32);
            }
            if (e instanceof Expr.Join j) {
                if (!(typeOf(j) instanceof Type.Tuple tu)) { lowerBranches(j.branches(), false, j.span(), null); return Operand.UNIT; }
                // `let (a, b) = join { .. } and { .. };`: each branch's value, then the tuple.
                List<Local> values = new ArrayList<>();
                for (Type t : tu.elements()) values.add(temp(t));
                lowerBranches(j.branches(), false, j.span(), values);
                Local tuple = temp(tu);
                assign(tuple, new Rvalue.Aggregate(tu, values.stream().map(Operand::of).toList()));
                return Operand.of(tuple);
            }
            if (e instanceof Expr.Race r) {
                Local winner = resultLocal(r);   // the value of the branch that ended first
                List<Local> values = new ArrayList<>();
                for (int i = 0; i < r.branches().size(); i++) values.add(winner);
                lowerBranches(r.branches(), true, r.span(), winner == null ? null : values);
                return winner == null ? Operand.UNIT : Operand.of(winner);
            }
            if (e instanceof Expr.Spawn sp) {
                Symbol.Fn task = (Symbol.Fn) program.resolution(sp.call());
                List<Operand> args = new ArrayList<>();
                for (Expr a : sp.call().args()) args.add(lower(a));
                Local claimed = temp(Type.BOOL);
                assign(claimed, new Rvalue.Spawn(task.qualifiedName(), args));
                if (sp.isTry()) return Operand.of(claimed);
                // One shared message: the location names the spawn (and so the task).
                assertThat(Operand.of(claimed), "task pool exhausted", sp.span());
                return Operand.UNIT;
            }
            if (e instanceof Expr.Critical cr) {
                Local saved = temp(Type.U32);
                assign(saved, new Rvalue.CriticalEnter());
                scopeExits.add(new Statement.CriticalExit(Operand.of(saved)));
                Operand v = lower(cr.body());
                scopeExits.remove(scopeExits.size() - 1);
                emit(new Statement.CriticalExit(Operand.of(saved)));
                return v;
            }
            if (e instanceof Expr.Lock l) return lowerLock(l);
            if (e instanceof Expr.If i) return lowerIf(i);
            if (e instanceof Expr.Match m) return lowerMatch(m);
            if (e instanceof Expr.While w) { lowerWhile(w); return Operand.UNIT; }
            if (e instanceof Expr.Loop l) return lowerLoop(l);
            if (e instanceof Expr.For f) { lowerFor(f); return Operand.UNIT; }
            if (e instanceof Expr.Break b) {
                LoopTarget target = loops.get(program.loopTarget(b));
                if (b.value() != null) {
                    Operand v = lower(b.value());
                    if (target.breakValue() != null) assign(target.breakValue(), new Rvalue.Use(v));
                }
                exitScopes(target.exits());
                terminateAndContinueDead(new Terminator.Goto(target.breakTo()));
                return Operand.UNIT;
            }
            if (e instanceof Expr.Continue c) {
                LoopTarget target = loops.get(program.loopTarget(c));
                exitScopes(target.exits());
                terminateAndContinueDead(new Terminator.Goto(target.continueTo()));
                return Operand.UNIT;
            }
            if (e instanceof Expr.IfLet il) return lowerIfLet(il);
            if (e instanceof Expr.WhileLet wl) { lowerWhileLet(wl); return Operand.UNIT; }
            if (e instanceof Expr.Try t) return lowerTry(t);
            if (e instanceof Expr.Return r) {
                Operand v = r.value() == null ? Operand.UNIT : lower(r.value());
                assign(returnLocal, new Rvalue.Use(v));
                exitScopes(0);
                terminateAndContinueDead(new Terminator.Return());
                return Operand.UNIT;
            }
            throw new IllegalStateException("MIR lowering of " + e.getClass().getSimpleName() + " is not implemented");
        }

        /** A qualified item of another module, `uart.BAUD` (a const, static or register), or null. */
        private Symbol qualifiedItem(Expr e) {
            Symbol s = e instanceof Expr.Field f ? program.resolution(f) : null;
            return s instanceof Symbol.Const || s instanceof Symbol.Static || s instanceof Symbol.Register ? s : null;
        }

        private Operand lowerName(Expr n) {
            Symbol s = program.resolution(n);
            if (s instanceof Symbol.LocalVar v) return Operand.of(vars.get(v));
            if (s instanceof Symbol.Const c) return constant(c.type(), c.value());
            if (s instanceof Symbol.Static st) {
                Local t = temp(st.type());
                assign(t, new Rvalue.ReadStatic(st.qualifiedName(), st.type()));
                return Operand.of(t);
            }
            if (s instanceof Symbol.Register r) {
                Local t = temp(r.type());
                assign(t, new Rvalue.ReadRegister(r.name(), r.address(), r.type()));
                return Operand.of(t);
            }
            throw new IllegalStateException("unresolved name at " + n.span());
        }

        private Operand lowerBinary(Expr.Binary b) {
            if (b.op().isLogical()) {
                Local result = temp(Type.BOOL);
                Operand l = lower(b.left());
                BlockId evalRight = newBlock(), shortCircuit = newBlock(), join = newBlock();
                boolean isAnd = b.op() == Expr.BinaryOp.AND;
                terminate(new Terminator.If(l, isAnd ? evalRight : shortCircuit, isAnd ? shortCircuit : evalRight));
                current = shortCircuit;
                assign(result, new Rvalue.Use(constant(Type.BOOL, isAnd ? 0 : 1)));
                gotoBlock(join);
                current = evalRight;
                Operand r = lower(b.right());
                assign(result, new Rvalue.Use(r));
                gotoBlock(join);
                return Operand.of(result);
            }
            Operand l = lower(b.left());
            Operand r = lower(b.right());
            return arithmetic(BinOp.valueOf(b.op().name()), l, r, typeOf(b.left()), typeOf(b), b.span());
        }

        /** A method's receiver as its `self`: borrowed (unless it already is a reference) or copied. */
        private Operand selfArgument(Expr.MethodCall mc) {
            Type rt = typeOf(mc.receiver());
            TypedProgram.SelfMode mode = program.methodSelf(mc);
            if (mode == TypedProgram.SelfMode.VALUE) {
                if (!(rt instanceof Type.Ref r)) return lower(mc.receiver());
                return load(lowerPlace(mc.receiver()).project(new Place.Projection.Deref()), r.target());
            }
            if (rt instanceof Type.Ref) return lower(mc.receiver());
            boolean mutable = mode == TypedProgram.SelfMode.REF_MUT;
            Place p = lowerPlace(mc.receiver());
            Local ref = temp(new Type.Ref(mutable, rt));
            assign(ref, new Rvalue.AddressOf(mutable, p));
            return Operand.of(ref);
        }

        // ------------------------------------------------ slices (0.2)

        /** The length of the array or slice at {@code base} (already dereferenced). */
        private Operand lengthOf(Place base, Type t) {
            if (t instanceof Type.Array a) return constant(Type.U32, a.length());
            return load(base.project(new Place.Projection.Field(1)), Type.U32);
        }

        /** `&a[lo..hi]`: Rust's checks (end within the length, start not past the end), then pointer and length. */
        private Operand lowerSlice(Expr.SliceOf so, Type.Slice type) {
            Type bt = derefType(typeOf(so.target()));
            Place base = autoDeref(lowerPlace(so.target()), typeOf(so.target()));
            Operand len = lengthOf(base, bt);
            Operand lo = so.low() == null ? constant(Type.U32, 0) : lower(so.low());
            Operand hi = so.high() == null ? len : lower(so.high());
            if (so.inclusive()) hi = binaryTemp(BinOp.ADD, hi, constant(Type.U32, 1), Type.U32);
            if (so.high() != null) {
                BlockId ok = newBlock();
                terminate(new Terminator.Assert(binaryTemp(BinOp.LE, hi, len, Type.BOOL), List.of(text("range end index "),
                        new PrintItem.Value(hi, Type.U32), text(" out of range for slice of length "), new PrintItem.Value(len, Type.U32)), so.span(), ok));
                current = ok;
            }
            if (so.low() != null) {
                BlockId ok = newBlock();
                terminate(new Terminator.Assert(binaryTemp(BinOp.LE, lo, hi, Type.BOOL), List.of(text("slice index starts at "),
                        new PrintItem.Value(lo, Type.U32), text(" but ends at "), new PrintItem.Value(hi, Type.U32)), so.span(), ok));
                current = ok;
            }
            Local ptr = temp(new Type.Ref(type.mutable(), type.element()));
            assign(ptr, new Rvalue.AddressOf(type.mutable(), base.project(new Place.Projection.Index(lo))));
            Local slice = temp(type);
            assign(slice, new Rvalue.Aggregate(type, List.of(Operand.of(ptr), binaryTemp(BinOp.SUB, hi, lo, Type.U32))));
            return Operand.of(slice);
        }

        /** A counted loop over {@code len} elements: {@code body} gets the index, in the loop's body block. */
        private void eachIndex(Operand len, java.util.function.Consumer<Operand> body, Expr loop, BlockId[] exitOut) {
            Local i = temp(Type.U32);
            assign(i, new Rvalue.Use(constant(Type.U32, 0)));
            BlockId header = newBlock(), bodyBlock = newBlock(), latch = newBlock(), exit = newBlock();
            gotoBlock(header);
            terminate(new Terminator.If(binaryTemp(BinOp.LT, Operand.of(i), len, Type.BOOL), bodyBlock, exit));
            current = bodyBlock;
            if (loop != null) loops.put(loop, new LoopTarget(exit, latch, null, scopeExits.size()));
            body.accept(Operand.of(i));
            if (loop != null) loops.remove(loop);
            gotoBlock(latch);
            assign(i, new Rvalue.Binary(BinOp.ADD, Operand.of(i), constant(Type.U32, 1)));
            terminate(new Terminator.Goto(header));
            current = exit;
        }

        /** `for x in &arr { }`: each element copied into `x`. */
        private void lowerForIn(Expr.ForIn f) {
            Symbol.LocalVar v = program.forInVar(f);
            Type it = typeOf(f.iterable());
            Type bt = derefType(it);
            Place base = autoDeref(valuePlace(f.iterable()), it);
            Operand len = lengthOf(base, bt);
            eachIndex(len, i -> {
                Local var = bindingLocal(v);
                assign(var, new Rvalue.Use(load(base.project(new Place.Projection.Index(i)), v.type())));
                lower(f.body());
            }, f, null);
        }

        /** `dst.fill(v)`, `dst.copy_from_slice(src)` (lengths must match: Rust's panic otherwise). */
        private void lowerFillOrCopy(Expr.MethodCall mc) {
            Type rt = typeOf(mc.receiver());
            Type bt = derefType(rt);
            Type element = bt instanceof Type.Array a ? a.element() : ((Type.Slice) bt).element();
            Place dst = autoDeref(lowerPlace(mc.receiver()), rt);
            Operand len = lengthOf(dst, bt);
            Operand arg = lower(mc.args().get(0));
            if (mc.method().name().equals("fill")) {
                eachIndex(len, i -> emit(new Statement.Store(dst.project(new Place.Projection.Index(i)), arg)), null, null);
                return;
            }
            Local srcLocal = temp(new Type.Slice(element));
            assign(srcLocal, new Rvalue.Use(arg));
            Place src = Place.of(srcLocal);
            Operand srcLen = load(src.project(new Place.Projection.Field(1)), Type.U32);
            BlockId ok = newBlock();
            terminate(new Terminator.Assert(binaryTemp(BinOp.EQ, srcLen, len, Type.BOOL), List.of(text("source slice length ("),
                    new PrintItem.Value(srcLen, Type.U32), text(") does not match destination slice length ("), new PrintItem.Value(len, Type.U32),
                    text(")")), mc.span(), ok));
            current = ok;
            eachIndex(len, i -> emit(new Statement.Store(dst.project(new Place.Projection.Index(i)),
                    load(src.project(new Place.Projection.Index(i)), element))), null, null);
        }

        // ------------------------------------------------ integer methods (types/IntegerMethods)

        /** `u32.from_le_bytes(b)`: the receiver names a type, not a value. */
        private boolean isIntegerFunction(Expr.MethodCall mc) {
            return mc.receiver() instanceof Expr.Name n && program.resolution(n) == null && Type.intNamed(n.ident().name()) != null;
        }

        /** The bytes, widened and shifted into place and or-ed together: LLVM folds it to one load when it can. */
        private Operand lowerIntegerFunction(Expr.MethodCall mc) {
            Type.Int it = (Type.Int) typeOf(mc);
            Place bytes = lowerPlace(mc.args().get(0));
            boolean little = mc.method().name().equals("from_le_bytes");
            Operand value = constant(it, 0);
            for (int i = 0; i < it.size(); i++) {
                Operand b = load(bytes.project(new Place.Projection.Index(constant(Type.U32, i))), Type.U8);
                Local wide = temp(it), shifted = temp(it), sum = temp(it);
                assign(wide, new Rvalue.Cast(b, it));
                int shift = 8 * (little ? i : it.size() - 1 - i);
                assign(shifted, new Rvalue.Binary(BinOp.SHL, Operand.of(wide), constant(it, shift)));
                assign(sum, new Rvalue.Binary(BinOp.BIT_OR, value, Operand.of(shifted)));
                value = Operand.of(sum);
            }
            return value;
        }

        /** f32's methods (0.2) with Rust's meaning: `min`/`max` return the other value when one is NaN. */
        private Operand lowerFloatMethod(Expr.MethodCall mc) {
            Operand x = lower(mc.receiver());
            Operand y = mc.args().isEmpty() ? null : lower(mc.args().get(0));
            return switch (mc.method().name()) {
                case "abs" -> {
                    Local t = temp(Type.F32);
                    assign(t, new Rvalue.Unary(UnOp.FLOAT_ABS, x));
                    yield Operand.of(t);
                }
                case "is_nan" -> binaryTemp(BinOp.NE, x, x, Type.BOOL);
                case "min", "max" -> {
                    Operand better = binaryTemp(mc.method().name().equals("min") ? BinOp.LT : BinOp.GT, x, y, Type.BOOL);
                    Operand otherIsNan = binaryTemp(BinOp.NE, y, y, Type.BOOL);
                    yield choose(binaryTemp(BinOp.BIT_OR, better, otherIsNan, Type.BOOL), x, y, Type.F32);
                }
                default -> throw new IllegalStateException("f32 method " + mc.method().name());
            };
        }

        private Operand lowerIntegerMethod(Expr.MethodCall mc, Type.Int it) {
            String m = mc.method().name();
            Operand x = lower(mc.receiver());
            Operand y = mc.args().isEmpty() ? null : lower(mc.args().get(0));
            Span span = mc.span();
            return switch (m) {
                case "wrapping_add" -> binaryTemp(BinOp.ADD, x, y, it);
                case "wrapping_sub" -> binaryTemp(BinOp.SUB, x, y, it);
                case "wrapping_mul" -> binaryTemp(BinOp.MUL, x, y, it);
                case "checked_add" -> checked(BinOp.ADD, x, y, it);
                case "checked_sub" -> checked(BinOp.SUB, x, y, it);
                case "checked_mul" -> checked(BinOp.MUL, x, y, it);
                case "checked_div" -> checkedDiv(x, y, it);
                case "saturating_add" -> saturating(BinOp.ADD, x, y, it);
                case "saturating_sub" -> saturating(BinOp.SUB, x, y, it);
                case "min" -> choose(binaryTemp(BinOp.LT, x, y, Type.BOOL), x, y, it);
                case "max" -> choose(binaryTemp(BinOp.GT, x, y, Type.BOOL), x, y, it);
                case "abs" -> {
                    Operand negative = binaryTemp(BinOp.LT, x, constant(it, 0), Type.BOOL);
                    BlockId negate = newBlock(), join = newBlock();
                    Local result = temp(it);
                    assign(result, new Rvalue.Use(x));
                    terminate(new Terminator.If(negative, negate, join));
                    current = negate;
                    if (debug) {
                        Local ok = temp(Type.BOOL);
                        assign(ok, new Rvalue.Binary(BinOp.NE, x, constant(it, it.min())));
                        assertThat(Operand.of(ok), "attempt to negate with overflow", span);
                    }
                    assign(result, new Rvalue.Unary(UnOp.NEG, x));
                    gotoBlock(join);
                    current = join;
                    yield Operand.of(result);
                }
                case "pow" -> pow(x, y, it, span);
                case "count_ones" -> bitCount(UnOp.COUNT_ONES, x, it);
                case "leading_zeros" -> bitCount(UnOp.LEADING_ZEROS, x, it);
                case "trailing_zeros" -> bitCount(UnOp.TRAILING_ZEROS, x, it);
                case "to_le_bytes", "to_be_bytes" -> {
                    List<Operand> bytes = new ArrayList<>();
                    for (int i = 0; i < it.size(); i++) {
                        int shift = 8 * (m.equals("to_le_bytes") ? i : it.size() - 1 - i);
                        Operand shifted = shift == 0 ? x : binaryTemp(BinOp.SHR, x, constant(it, shift), it);
                        Local b = temp(Type.U8);
                        assign(b, new Rvalue.Cast(shifted, Type.U8));
                        bytes.add(Operand.of(b));
                    }
                    Local arr = temp(new Type.Array(Type.U8, it.size()));
                    assign(arr, new Rvalue.Aggregate(new Type.Array(Type.U8, it.size()), bytes));
                    yield Operand.of(arr);
                }
                default -> throw new IllegalStateException("integer method " + m);
            };
        }

        private Operand binaryTemp(BinOp op, Operand l, Operand r, Type result) {
            Local t = temp(result);
            assign(t, new Rvalue.Binary(op, l, r));
            return Operand.of(t);
        }

        /** `cond ? a : b` as a branch (LLVM makes it a select). */
        private Operand choose(Operand cond, Operand a, Operand b, Type t) {
            Local result = temp(t);
            BlockId first = newBlock(), second = newBlock(), join = newBlock();
            terminate(new Terminator.If(cond, first, second));
            current = first;
            assign(result, new Rvalue.Use(a));
            gotoBlock(join);
            current = second;
            assign(result, new Rvalue.Use(b));
            gotoBlock(join);
            current = join;
            return Operand.of(result);
        }

        /** On overflow the bound the result went past: MAX, or MIN when a signed sum went below it. */
        private Operand saturating(BinOp op, Operand x, Operand y, Type.Int it) {
            Local overflows = temp(Type.BOOL);
            assign(overflows, new Rvalue.Overflows(op, x, y));
            Operand wrapped = binaryTemp(op, x, y, it);
            Operand bound;
            if (!it.signed()) {
                bound = constant(it, op == BinOp.ADD ? it.max() : 0);
            } else {
                // x + y overflows downwards when y < 0; x - y when y > 0.
                Operand down = binaryTemp(op == BinOp.ADD ? BinOp.LT : BinOp.GT, y, constant(it, 0), Type.BOOL);
                bound = choose(down, constant(it, it.min()), constant(it, it.max()), it);
            }
            return choose(Operand.of(overflows), bound, wrapped, it);
        }

        /** `Some(x op y)`, or `None` where it overflows. */
        private Operand checked(BinOp op, Operand x, Operand y, Type.Int it) {
            Local overflows = temp(Type.BOOL);
            assign(overflows, new Rvalue.Overflows(op, x, y));
            return someUnless(Operand.of(overflows), () -> binaryTemp(op, x, y, it), it);
        }

        /** `None` for a zero divisor and for MIN / -1; the division runs only otherwise. */
        private Operand checkedDiv(Operand x, Operand y, Type.Int it) {
            Operand bad = binaryTemp(BinOp.EQ, y, constant(it, 0), Type.BOOL);
            if (it.signed()) {
                Operand min = binaryTemp(BinOp.EQ, x, constant(it, it.min()), Type.BOOL);
                Operand minusOne = binaryTemp(BinOp.EQ, y, constant(it, -1), Type.BOOL);
                bad = binaryTemp(BinOp.BIT_OR, bad, binaryTemp(BinOp.BIT_AND, min, minusOne, Type.BOOL), Type.BOOL);
            }
            return someUnless(bad, () -> binaryTemp(BinOp.DIV, x, y, it), it);
        }

        private Operand someUnless(Operand none, java.util.function.Supplier<Operand> value, Type.Int it) {
            Type.Sum option = Type.Sum.option(it);
            Local result = temp(option);
            BlockId isNone = newBlock(), isSome = newBlock(), join = newBlock();
            terminate(new Terminator.If(none, isNone, isSome));
            current = isNone;
            assign(result, new Rvalue.Variant(option, 0, List.of()));
            gotoBlock(join);
            current = isSome;
            assign(result, new Rvalue.Variant(option, 1, List.of(value.get())));
            gotoBlock(join);
            return Operand.of(result);
        }

        private Operand bitCount(UnOp op, Operand x, Type.Int it) {
            Local count = temp(it);
            assign(count, new Rvalue.Unary(op, x));
            if (it.equals(Type.U32)) return Operand.of(count);
            Local u = temp(Type.U32);
            assign(u, new Rvalue.Cast(Operand.of(count), Type.U32));
            return Operand.of(u);
        }

        /**
         * Exponentiation by squaring. The base is squared only while bits of the exponent remain,
         * so a debug build panics exactly when the result overflows, as Rust's `pow` does.
         */
        private Operand pow(Operand x, Operand exp, Type.Int it, Span span) {
            Local result = temp(it), base = temp(it), e = temp(Type.U32);
            assign(result, new Rvalue.Use(constant(it, 1)));
            assign(base, new Rvalue.Use(x));
            assign(e, new Rvalue.Use(exp));
            BlockId header = newBlock(), body = newBlock(), multiply = newBlock(), shift = newBlock(), square = newBlock(), exit = newBlock();
            gotoBlock(header);
            terminate(new Terminator.If(binaryTemp(BinOp.NE, Operand.of(e), constant(Type.U32, 0), Type.BOOL), body, exit));
            current = body;
            Operand odd = binaryTemp(BinOp.NE, binaryTemp(BinOp.BIT_AND, Operand.of(e), constant(Type.U32, 1), Type.U32),
                    constant(Type.U32, 0), Type.BOOL);
            terminate(new Terminator.If(odd, multiply, shift));
            current = multiply;
            assign(result, new Rvalue.Use(arithmetic(BinOp.MUL, Operand.of(result), Operand.of(base), it, it, span)));
            gotoBlock(shift);
            assign(e, new Rvalue.Binary(BinOp.SHR, Operand.of(e), constant(Type.U32, 1)));
            terminate(new Terminator.If(binaryTemp(BinOp.NE, Operand.of(e), constant(Type.U32, 0), Type.BOOL), square, exit));
            current = square;
            assign(base, new Rvalue.Use(arithmetic(BinOp.MUL, Operand.of(base), Operand.of(base), it, it, span)));
            gotoBlock(header);
            current = exit;
            return Operand.of(result);
        }

        /** Emits `l op r`, with the division checks Rust makes in every build. */
        private Operand arithmetic(BinOp op, Operand l, Operand r, Type operandType, Type resultType, Span span) {
            boolean constantSafeDivisor = r instanceof Operand.Const k && k.bits() != 0 && k.bits() != -1;
            if ((op == BinOp.DIV || op == BinOp.REM) && operandType instanceof Type.Int it && !constantSafeDivisor) {
                boolean isDiv = op == BinOp.DIV;
                Local nonZero = temp(Type.BOOL);
                assign(nonZero, new Rvalue.Binary(BinOp.NE, r, constant(it, 0)));
                assertThat(Operand.of(nonZero), isDiv ? "attempt to divide by zero"
                        : "attempt to calculate the remainder with a divisor of zero", span);
                if (it.signed()) {
                    // MIN / -1 overflows: Rust panics on it in every build.
                    Local isMin = temp(Type.BOOL), isMinusOne = temp(Type.BOOL), both = temp(Type.BOOL), ok = temp(Type.BOOL);
                    assign(isMin, new Rvalue.Binary(BinOp.EQ, l, constant(it, it.min())));
                    assign(isMinusOne, new Rvalue.Binary(BinOp.EQ, r, constant(it, -1)));
                    assign(both, new Rvalue.Binary(BinOp.BIT_AND, Operand.of(isMin), Operand.of(isMinusOne)));
                    assign(ok, new Rvalue.Unary(UnOp.NOT, Operand.of(both)));
                    assertThat(Operand.of(ok), isDiv ? "attempt to divide with overflow"
                            : "attempt to calculate the remainder with overflow", span);
                }
            }
            if (debug && operandType instanceof Type.Int it) overflowCheck(op, l, r, it, span);
            Local t = temp(resultType);
            assign(t, new Rvalue.Binary(op, l, r));
            return Operand.of(t);
        }

        /** Debug builds: `attempt to add with overflow` and friends, with Rust's messages. */
        private void overflowCheck(BinOp op, Operand l, Operand r, Type.Int it, Span span) {
            String verb = switch (op) {
                case ADD -> "add"; case SUB -> "subtract"; case MUL -> "multiply";
                case SHL -> "shift left"; case SHR -> "shift right";
                default -> null;
            };
            if (verb == null) return;
            Local ok = temp(Type.BOOL);
            if (op.isShift()) {
                if (!(opType(r) instanceof Type.Int rt)) return;   // the amount diverges: dead code
                if (rt.bits() < 64 && rt.max() < it.bits() && !rt.signed()) return;   // cannot reach the width
                if (r instanceof Operand.Const k && k.bits() >= 0 && k.bits() < it.bits()) return;
                Local inRange = temp(Type.BOOL);
                assign(inRange, new Rvalue.Binary(BinOp.LT, r, constant(rt, it.bits())));
                if (rt.signed()) {
                    Local nonNegative = temp(Type.BOOL);
                    assign(nonNegative, new Rvalue.Binary(BinOp.GE, r, constant(rt, 0)));
                    assign(ok, new Rvalue.Binary(BinOp.BIT_AND, Operand.of(inRange), Operand.of(nonNegative)));
                } else {
                    assign(ok, new Rvalue.Use(Operand.of(inRange)));
                }
            } else {
                Local overflows = temp(Type.BOOL);
                assign(overflows, new Rvalue.Overflows(op, l, r));
                assign(ok, new Rvalue.Unary(UnOp.NOT, Operand.of(overflows)));
            }
            assertThat(Operand.of(ok), "attempt to " + verb + " with overflow", span);
        }

        private void assertThat(Operand cond, String message, Span span) {
            BlockId ok = newBlock();
            terminate(new Terminator.Assert(cond, List.of(text(message)), span, ok));
            current = ok;
        }

        private static PrintItem text(String s) { return new PrintItem.Text(s.getBytes(StandardCharsets.UTF_8)); }

        private void lowerAssign(Expr.Assign a) {
            Type type = typeOf(a.target());
            Operand value = lower(a.value());
            if (a.target() instanceof Expr.Name || qualifiedItem(a.target()) != null) {
                Expr target = a.target();
                Symbol s = program.resolution(target);
                if (a.op() != null) {
                    Operand oldValue = lowerName(target);
                    value = arithmetic(BinOp.valueOf(a.op().name()), oldValue, value, type, type, a.span());
                }
                if (s instanceof Symbol.LocalVar v) assign(vars.get(v), new Rvalue.Use(value));
                else if (s instanceof Symbol.Static st) emit(new Statement.WriteStatic(st.qualifiedName(), value));
                else if (s instanceof Symbol.Register r) emit(new Statement.WriteRegister(r.name(), r.address(), value));
                else throw new IllegalStateException("assignment to " + s);
                return;
            }
            Place place = lowerPlace(a.target());
            if (a.op() != null) value = arithmetic(BinOp.valueOf(a.op().name()), load(place, type), value, type, type, a.span());
            if (place.isLocal()) assign(place.local(), new Rvalue.Use(value));
            else emit(new Statement.Store(place, value));
        }

        // ------------------------------------------------------------ places

        private static boolean isPlaceExpr(Expr e) {
            return e instanceof Expr.Name || e instanceof Expr.Field || e instanceof Expr.Index
                    || e instanceof Expr.Unary u && u.op() == Expr.UnaryOp.DEREF;
        }

        private static Type derefType(Type t) {
            while (t instanceof Type.Ref r) t = r.target();
            return t;
        }

        /** Field access and indexing see through references: adds a Deref per reference. */
        private static Place autoDeref(Place p, Type t) {
            while (t instanceof Type.Ref r) {
                p = p.project(new Place.Projection.Deref());
                t = r.target();
            }
            return p;
        }

        /** The value at a place: the local itself when there is no projection, else a copy. */
        private Operand load(Place p, Type t) {
            if (p.isLocal()) return Operand.of(p.local());
            Local tmp = temp(t);
            assign(tmp, new Rvalue.Load(p));
            return Operand.of(tmp);
        }

        /**
         * The place an expression denotes; an expression that is not a place (a call, a
         * literal) is evaluated into a temporary, which becomes the place (`&5`, `f().x`).
         */
        private Place lowerPlace(Expr e) {
            if (qualifiedItem(e) instanceof Symbol.Static st) {
                Local t = temp(new Type.Ref(st.mutable(), st.type()));
                assign(t, new Rvalue.StaticAddr(st.qualifiedName(), st.type()));
                return Place.of(t).project(new Place.Projection.Deref());
            }
            if (typeOf(e) instanceof Type.Never && (e instanceof Expr.Field || e instanceof Expr.Index || e instanceof Expr.Unary)) {
                // Its base diverges (`loop {}[0]`, `(return 1).x`): control never gets here.
                if (e instanceof Expr.Field f) lower(f.target());
                else if (e instanceof Expr.Index ix) { lower(ix.target()); lower(ix.index()); }
                else lower(((Expr.Unary) e).operand());
                return Place.of(temp(Type.NEVER));
            }
            if (e instanceof Expr.Name n) {
                Symbol s = program.resolution(n);
                if (s instanceof Symbol.LocalVar v) return Place.of(vars.get(v));
                if (s instanceof Symbol.Static st) {
                    Local t = temp(new Type.Ref(st.mutable(), st.type()));
                    assign(t, new Rvalue.StaticAddr(st.qualifiedName(), st.type()));
                    return Place.of(t).project(new Place.Projection.Deref());
                }
            } else if (e instanceof Expr.Field f && !(program.resolution(f) instanceof Symbol.Variant) && qualifiedItem(f) == null) {
                Place base = autoDeref(lowerPlace(f.target()), typeOf(f.target()));
                Type target = derefType(typeOf(f.target()));
                int index = target instanceof Type.Struct st ? st.fieldIndex(f.field().name()) : Integer.parseInt(f.field().name());
                return base.project(new Place.Projection.Field(index));
            } else if (e instanceof Expr.Index ix) {
                Place base = autoDeref(lowerPlace(ix.target()), typeOf(ix.target()));
                Operand index = lower(ix.index());
                if (!(typeOf(ix.index()) instanceof Type.Int)) return Place.of(temp(typeOf(e)));   // the index diverges
                boundsCheck(base, derefType(typeOf(ix.target())), index, (Type.Int) typeOf(ix.index()), ix.span());
                return base.project(new Place.Projection.Index(index));
            } else if (e instanceof Expr.Unary u && u.op() == Expr.UnaryOp.DEREF) {
                return lowerPlace(u.operand()).project(new Place.Projection.Deref());
            }
            Operand v = lower(e);
            if (v instanceof Operand.Copy c) return Place.of(c.local());
            Local t = temp(typeOf(e));
            assign(t, new Rvalue.Use(v));
            return Place.of(t);
        }

        /** `index < len`, else panic as Rust does; elided when every value of the index type is in range. */
        private void boundsCheck(Place base, Type indexed, Operand index, Type.Int it, Span span) {
            Operand len;
            Operand idx = index;
            if (indexed instanceof Type.Array a) {
                boolean alwaysInBounds = it.bits() < 64 && a.length() > it.max();
                if (alwaysInBounds || index instanceof Operand.Const k && Long.compareUnsigned(k.bits(), a.length()) < 0) return;
                len = constant(it, a.length());
            } else {
                Local l = temp(Type.U32);
                assign(l, new Rvalue.Load(base.project(new Place.Projection.Field(1))));
                len = Operand.of(l);
                if (it.bits() < 32) {
                    Local wide = temp(Type.U32);
                    assign(wide, new Rvalue.Cast(index, Type.U32));
                    idx = Operand.of(wide);
                } else if (it.bits() == 64) {
                    Local wide = temp(Type.U64);
                    assign(wide, new Rvalue.Cast(len, Type.U64));
                    len = Operand.of(wide);
                }
            }
            Local ok = temp(Type.BOOL);
            assign(ok, new Rvalue.Binary(BinOp.LT, idx, len));
            BlockId next = newBlock();
            terminate(new Terminator.Assert(Operand.of(ok), List.of(
                    text("index out of bounds: the len is "), new PrintItem.Value(len, opType(len)),
                    text(" but the index is "), new PrintItem.Value(index, it)), span, next));
            current = next;
        }

        private Operand lowerCall(Expr.Call c) {
            Symbol s = program.resolution(c);
            if (s instanceof Symbol.Builtin b) return lowerBuiltin(c, b);
            Symbol.Fn f = (Symbol.Fn) s;
            List<Operand> args = new ArrayList<>();
            for (Expr a : c.args()) args.add(lower(a));
            Local t = temp(f.result());
            assign(t, new Rvalue.Call(f.qualifiedName(), args));
            return Operand.of(t);
        }

        /**
         * `lock M as s { body }`: waits for M (an await: at once when M is free), then runs the
         * body with `s` pointing at M's value. Every way out releases M: the block's end, and
         * a break, continue, return or `?` (scopeExits); every suspension inside lists M as held,
         * so that a `race` abandoning the block, or a cancel of this fn, releases it too.
         */
        private Operand lowerLock(Expr.Lock l) {
            Type.Mutex type = (Type.Mutex) derefType(typeOf(l.mutex()));
            Place p = autoDeref(lowerPlace(l.mutex()), typeOf(l.mutex()));
            Local mutex = temp(new Type.Ref(true, type));
            assign(mutex, new Rvalue.AddressOf(true, p));
            suspendOn(new Callee.Lock(type), List.of(Operand.of(mutex)), Type.UNIT, l.span());
            Symbol.LocalVar v = program.lockVar(l);
            Local value = newLocal(v.name(), v.type(), v.span());
            vars.put(v, value);
            assign(value, new Rvalue.AddressOf(true, new Place(mutex, List.of(new Place.Projection.Deref(), new Place.Projection.Field(0)))));
            Statement unlock = new Statement.Unlock(Operand.of(mutex));
            scopeExits.add(unlock);
            locks.add(mutex);
            Operand result = lower(l.body());
            locks.remove(locks.size() - 1);
            scopeExits.remove(scopeExits.size() - 1);
            emit(unlock);
            return result;
        }

        /** The address of the channel a method is called on (seeing through references). */
        private Operand channelPointer(Expr receiver, Type.Channel ch) {
            Place p = autoDeref(lowerPlace(receiver), typeOf(receiver));
            Local ptr = temp(new Type.Ref(true, ch));
            assign(ptr, new Rvalue.AddressOf(true, p));
            return Operand.of(ptr);
        }

        private Operand lowerAwait(Expr.Await a) {
            if (a.inner() instanceof Expr.MethodCall mc && !(program.resolution(mc) instanceof Symbol.Fn)
                    && derefType(typeOf(mc.receiver())) instanceof Type.Channel ch) {
                List<Operand> args = new ArrayList<>();
                args.add(channelPointer(mc.receiver(), ch));
                for (Expr arg : mc.args()) args.add(lower(arg));
                return suspendOn(new Callee.Channel(mc.method().name().equals("send"), ch, mc.method().name().equals("next")), args, typeOf(a), a.span());
            }
            Symbol s = program.resolution(a.inner());
            List<Expr> argExprs = a.inner() instanceof Expr.Call call ? call.args() : ((Expr.MethodCall) a.inner()).args();
            List<Operand> args = new ArrayList<>();
            if (a.inner() instanceof Expr.MethodCall mc && program.methodSelf(mc) != null) args.add(selfArgument(mc));
            for (Expr arg : argExprs) args.add(lower(arg));
            Callee callee;
            if (s instanceof Symbol.Builtin b) callee = switch (b.name()) {
                case "yield_now" -> Callee.Builtin.YIELD_NOW;
                case "sleep_ms" -> Callee.Builtin.SLEEP_MS;
                case "sleep_us" -> Callee.Builtin.SLEEP_US;
                case "sleep_until" -> Callee.Builtin.SLEEP_UNTIL;
                default -> throw new IllegalStateException("builtin future " + b.name());
            };
            else callee = new Callee.Function(((Symbol.Fn) s).qualifiedName());
            return suspendOn(callee, args, typeOf(a), a.span());
        }

        /**
         * Waits for {@code callee}: an Await (a suspension point of this fn), or inside a
         * `join`/`race` branch a first poll of the branch's child that, when pending, goes back
         * to the branch dispatcher instead of suspending.
         */
        private Operand suspendOn(Callee callee, List<Operand> args, Type result, Span span) {
            Local dest = temp(result);
            BlockId resume = newBlock();
            if (branch == null) {
                terminate(new Terminator.Await(callee, args, dest, resume, span, locks));
            } else {
                BlockId pending = newBlock();
                terminate(new Terminator.PollChild(callee, args, true, dest, resume, pending, branch.child, span));
                int site = branch.sites.size();
                if (site > MAX_BRANCH_SITES) throw tooManySites(span);
                branch.sites.add(new ChildSite(callee, dest, resume, span, branchLocks()));
                current = pending;
                assign(branch.pc, new Rvalue.Use(constant(Type.U8, site)));
                terminate(new Terminator.Goto(branch.next));
            }
            current = resume;
            return Operand.of(dest);
        }

        /** A branch's position is one byte of state: sites 0..255. */
        private static final int MAX_BRANCH_SITES = 255;

        private static mote.diag.ToolError tooManySites(Span span) {
            return new mote.diag.ToolError("a `join`/`race` branch may wait in at most " + (MAX_BRANCH_SITES + 1)
                    + " places; this one has more (" + span.location() + "): move part of it into an async fn and await that");
        }

        /** Where a branch can be waiting: on its child future, or in a `join`/`race` nested in it. */
        private sealed interface Site permits ChildSite, NestedSite {}

        /**
         * An await inside a branch: what a later poll of the branch's child needs. {@code held}:
         * the Mutexes the branch holds there, which abandoning the branch releases.
         */
        private record ChildSite(Callee callee, Local dest, BlockId ready, Span span, List<Local> held) implements Site {}

        /** A `join`/`race` inside a branch: a later poll re-enters its dispatcher. */
        private record NestedSite(BlockId dispatcher, List<BranchInfo> branches, List<Local> held) implements Site {}

        /** The Mutexes the current branch took itself (not those held around its `join`/`race`). */
        private List<Local> branchLocks() {
            return List.copyOf(locks.subList(branch.locksBefore, locks.size()));
        }

        /** One lowered branch: its child slot, whether it started or ended, where it waits. */
        private record BranchInfo(int child, Local started, Local done, Local pc, List<Site> sites, int parent, int group) {
            Terminator.ChildWait childWait() {
                List<Callee> callees = new ArrayList<>();
                List<List<Local>> held = new ArrayList<>();
                for (Site s : sites) {
                    callees.add(s instanceof ChildSite c ? c.callee() : null);
                    held.add(s instanceof ChildSite c ? c.held() : ((NestedSite) s).held());
                }
                return new Terminator.ChildWait(child, started, done, pc, callees, parent, group, held);
            }
        }

        /** The `join`/`race` branch being lowered: its child slot, where it is (pc), where pending goes. */
        private static final class Branch {
            final int child;
            final Local pc;
            final BlockId next;
            final List<Site> sites = new ArrayList<>();
            /** How many Mutexes were held where the branch's `join`/`race` started. */
            final int locksBefore;
            Branch(int child, Local pc, BlockId next, int locksBefore) {
                this.child = child; this.pc = pc; this.next = next; this.locksBefore = locksBefore;
            }
        }

        private Branch branch;
        private int nextChild;
        /**
         * While an outermost `join`/`race` is lowered: the flags of the ones nested in it, cleared
         * where the outermost one starts (a cancel must see "not started" before they run), and
         * their children's waits, which its Suspend holds.
         */
        private List<Statement> nestedInits;
        private List<Terminator.ChildWait> nestedWaits;

        /**
         * `join` / `race`: the branches run inside this fn, interleaved by a dispatcher. Each
         * branch runs until its next await is pending (remembering which: pc) or it ends; when
         * every unfinished branch is pending the fn suspends once, with all branch children in
         * its state; on resume the dispatcher polls each pending child and continues its branch
         * when it is ready. A join ends when every branch has ended; a race when the first one
         * does, after cancelling the children of the others (so a timer, channel or signal they
         * wait on forgets them).
         *
         * Nested in a branch of another one, a join/race does not suspend: when all its branches
         * are pending, the enclosing branch is pending at it, and re-polling that branch re-enters
         * its dispatcher. Its children live beside the outer ones in the outermost Suspend.
         */
        /** {@code results}: where each branch's value goes (null: the branches have none). */
        private void lowerBranches(List<Expr.Block> branchBlocks, boolean race, Span span, List<Local> results) {
            int n = branchBlocks.size();
            Branch outer = branch;
            boolean outermost = outer == null;
            if (outermost) {
                nestedInits = new ArrayList<>();
                nestedWaits = new ArrayList<>();
            }
            BlockId initBlock = current;
            int initAt = this.blocks.get(current.index()).statements.size();
            List<Local> pcs = new ArrayList<>(), started = new ArrayList<>(), done = new ArrayList<>();
            List<Integer> children = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                pcs.add(temp(Type.U8));   // a branch position: one byte of state (at most 255 awaits a branch)
                started.add(temp(Type.BOOL));
                done.add(temp(Type.BOOL));
                children.add(nextChild++);
                assign(pcs.get(i), new Rvalue.Use(constant(Type.U8, 0)));
                assign(started.get(i), new Rvalue.Use(constant(Type.BOOL, 0)));
                assign(done.get(i), new Rvalue.Use(constant(Type.BOOL, 0)));
                if (!outermost) {
                    nestedInits.add(new Statement.Assign(pcs.get(i), new Rvalue.Use(constant(Type.U8, 0))));
                    nestedInits.add(new Statement.Assign(started.get(i), new Rvalue.Use(constant(Type.BOOL, 0))));
                    nestedInits.add(new Statement.Assign(done.get(i), new Rvalue.Use(constant(Type.BOOL, 0))));
                }
            }
            List<BlockId> dispatch = new ArrayList<>();
            for (int i = 0; i <= n; i++) dispatch.add(newBlock());
            BlockId exit = newBlock();
            terminate(new Terminator.Goto(dispatch.get(0)));
            List<List<Site>> sites = new ArrayList<>();
            List<BlockId> starts = new ArrayList<>(), wins = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                BlockId start = newBlock();
                starts.add(start);
                current = start;
                branch = new Branch(children.get(i), pcs.get(i), dispatch.get(i + 1), locks.size());
                Operand value = lower(branchBlocks.get(i));
                if (results != null && !(typeOf(branchBlocks.get(i)) instanceof Type.Never))
                    assign(results.get(i), new Rvalue.Use(value));
                sites.add(branch.sites);
                branch = outer;
                assign(done.get(i), new Rvalue.Use(constant(Type.BOOL, 1)));
                BlockId after = race ? newBlock() : dispatch.get(i + 1);
                wins.add(after);
                terminate(new Terminator.Goto(after));
            }
            List<BranchInfo> infos = new ArrayList<>();
            for (int i = 0; i < n; i++)
                infos.add(new BranchInfo(children.get(i), started.get(i), done.get(i), pcs.get(i), sites.get(i),
                        outermost ? -1 : outer.child, children.get(0)));
            for (int i = 0; i < n; i++) {
                // dispatch i: skip a finished branch, start a new one, or poll where it waits.
                current = dispatch.get(i);
                BlockId notDone = newBlock(), firstRun = newBlock(), repoll = newBlock();
                terminate(new Terminator.If(Operand.of(done.get(i)), dispatch.get(i + 1), notDone));
                current = notDone;
                terminate(new Terminator.If(Operand.of(started.get(i)), repoll, firstRun));
                current = firstRun;
                assign(started.get(i), new Rvalue.Use(constant(Type.BOOL, 1)));
                terminate(new Terminator.Goto(starts.get(i)));
                current = repoll;
                List<Site> branchSites = sites.get(i);
                if (branchSites.isEmpty()) {
                    terminate(new Terminator.Unreachable());   // a branch without awaits never pends
                    continue;
                }
                List<Long> values = new ArrayList<>();
                List<BlockId> targets = new ArrayList<>();
                for (int k = 0; k < branchSites.size(); k++) {
                    values.add((long) k);
                    if (branchSites.get(k) instanceof NestedSite nested) {
                        targets.add(nested.dispatcher());
                        continue;
                    }
                    ChildSite site = (ChildSite) branchSites.get(k);
                    BlockId poll = newBlock();
                    targets.add(poll);
                    terminateBlock(poll, new Terminator.PollChild(site.callee(), List.of(), false, site.dest(), site.ready(),
                            dispatch.get(i + 1), children.get(i), site.span()));
                }
                BlockId bad = newBlock();
                terminateBlock(bad, new Terminator.Unreachable());
                terminate(new Terminator.Switch(Operand.of(pcs.get(i)), values, targets, bad));
            }
            // After the last branch: done (join: all ended), else wait until a child wakes us.
            current = dispatch.get(n);
            BlockId suspend = newBlock();
            if (race) {
                terminate(new Terminator.Goto(suspend));
            } else {
                Operand all = Operand.of(done.get(0));
                for (int i = 1; i < n; i++) {
                    Local both = temp(Type.BOOL);
                    assign(both, new Rvalue.Binary(BinOp.BIT_AND, all, Operand.of(done.get(i))));
                    all = Operand.of(both);
                }
                terminate(new Terminator.If(all, exit, suspend));
            }
            current = suspend;
            List<Terminator.ChildWait> waits = new ArrayList<>();
            for (BranchInfo b : infos) waits.add(b.childWait());
            if (outermost) {
                waits.addAll(nestedWaits);
                terminate(new Terminator.Suspend(dispatch.get(0), waits, locks));
                // A nested join/race's flags start cleared here, before any of it can run.
                this.blocks.get(initBlock.index()).statements.addAll(initAt, nestedInits);
                nestedInits = null;
                nestedWaits = null;
            } else {
                nestedWaits.addAll(waits);
                int site = outer.sites.size();
                if (site > MAX_BRANCH_SITES) throw tooManySites(span);
                outer.sites.add(new NestedSite(dispatch.get(0), infos, List.copyOf(locks.subList(outer.locksBefore, locks.size()))));
                assign(outer.pc, new Rvalue.Use(constant(Type.U8, site)));
                terminate(new Terminator.Goto(outer.next));
            }
            if (race) {
                // The winner cancels every other branch that is waiting (started, not ended).
                for (int i = 0; i < n; i++) {
                    current = wins.get(i);
                    for (int j = 0; j < n; j++) if (j != i) cancelBranch(infos.get(j));
                    terminate(new Terminator.Goto(exit));
                }
            }
            current = exit;
        }

        /**
         * Where {@code current} is: if the branch is waiting (started, not ended), abandons what
         * it waits on (its child, or every waiting branch of the join/race nested where it
         * waits) and marks it ended, so a later cancel of this fn does not abandon it twice.
         */
        private void cancelBranch(BranchInfo b) {
            if (b.sites().isEmpty()) return;
            Local waiting = temp(Type.BOOL), notDone = temp(Type.BOOL);
            assign(notDone, new Rvalue.Unary(UnOp.NOT, Operand.of(b.done())));
            assign(waiting, new Rvalue.Binary(BinOp.BIT_AND, Operand.of(b.started()), Operand.of(notDone)));
            BlockId cancel = newBlock(), cancelled = newBlock(), next = newBlock();
            terminate(new Terminator.If(Operand.of(waiting), cancel, next));
            current = cancel;
            List<Long> values = new ArrayList<>();
            List<BlockId> targets = new ArrayList<>();
            BlockId saved = current;
            for (int k = 0; k < b.sites().size(); k++) {
                BlockId c = newBlock();
                values.add((long) k);
                targets.add(c);
                current = c;
                if (b.sites().get(k) instanceof ChildSite site && site.held().isEmpty()) {
                    terminate(new Terminator.CancelChild(site.callee(), b.child(), cancelled));
                    continue;
                }
                if (b.sites().get(k) instanceof ChildSite site) {
                    BlockId release = newBlock();
                    terminate(new Terminator.CancelChild(site.callee(), b.child(), release));
                    current = release;
                    unlockAll(site.held());
                } else {
                    NestedSite nested = (NestedSite) b.sites().get(k);
                    for (BranchInfo inner : nested.branches()) cancelBranch(inner);
                    unlockAll(nested.held());
                }
                terminate(new Terminator.Goto(cancelled));
            }
            current = saved;
            BlockId bad = newBlock();
            terminateBlock(bad, new Terminator.Unreachable());
            terminate(new Terminator.Switch(Operand.of(b.pc()), values, targets, bad));
            current = cancelled;
            assign(b.done(), new Rvalue.Use(constant(Type.BOOL, 1)));
            terminate(new Terminator.Goto(next));
            current = next;
        }

        /** Releases the Mutexes an abandoned branch holds, innermost first (as its blocks would end). */
        private void unlockAll(List<Local> held) {
            for (int i = held.size() - 1; i >= 0; i--) emit(new Statement.Unlock(Operand.of(held.get(i))));
        }

        /** Ends block {@code b} (not the current one) with {@code t}; the current block stays current. */
        private void terminateBlock(BlockId b, Terminator t) {
            BlockId saved = current;
            current = b;
            terminate(t);
            current = saved;
        }

        private Operand lowerBuiltin(Expr.Call c, Symbol.Builtin b) {
            List<Expr> args = c.args();
            switch (b.name()) {
                case "print", "println" -> {
                    lowerPrint(c, b.name().equals("println"));
                    return Operand.UNIT;
                }
                case "exit" -> {
                    Operand code = lower(args.get(0));
                    terminateAndContinueDead(new Terminator.Exit(code));
                    return Operand.UNIT;
                }
                case "assert" -> {
                    Operand cond = lower(args.get(0));
                    String source = sourceText(args.get(0).span());
                    assertThat(cond, "assertion failed: " + source, c.span());
                    return Operand.UNIT;
                }
                case "assert_eq" -> {
                    Operand l = lower(args.get(0));
                    Operand r = lower(args.get(1));
                    Type t = typeOf(args.get(0));
                    Local eq = temp(Type.BOOL);
                    assign(eq, new Rvalue.Binary(BinOp.EQ, l, r));
                    BlockId ok = newBlock();
                    terminate(new Terminator.Assert(Operand.of(eq), List.of(
                            text("assertion `left == right` failed: left: "), new PrintItem.Value(l, t),
                            text(", right: "), new PrintItem.Value(r, t)), c.span(), ok));
                    current = ok;
                    return Operand.UNIT;
                }
                case "panic" -> {
                    byte[] msg = args.get(0) instanceof Expr.StrLit s ? s.bytes() : new byte[0];
                    terminateAndContinueDead(new Terminator.Panic(List.of(new PrintItem.Text(msg)), c.span()));
                    return Operand.UNIT;
                }
                case "ticks" -> {
                    Local t = temp(Type.U64);
                    assign(t, new Rvalue.Ticks());
                    return Operand.of(t);
                }
                case "unreachable" -> {
                    terminateAndContinueDead(new Terminator.Panic(List.of(text("internal error: entered unreachable code")), c.span()));
                    return Operand.UNIT;
                }
                default -> throw new IllegalStateException("builtin " + b.name() + " outside .await");
            }
        }

        /**
         * Every argument is evaluated first (as Rust does), then printed. `{:?}` of a struct, array
         * or slice expands here into its fields and elements (arrays and slices as a loop), each
         * printed with the placeholder's spec, as Rust's derived Debug passes its formatter on.
         */
        private void lowerPrint(Expr.Call c, boolean newline) {
            List<Expr> args = c.args();
            List<TypedProgram.FormatPart> parts = program.format(c);
            List<Object> values = new ArrayList<>();   // an Operand, or a Place to expand
            int argIndex = 1;
            for (TypedProgram.FormatPart part : parts) {
                if (!(part instanceof TypedProgram.FormatPart.Placeholder ph)) continue;
                Expr arg = args.get(argIndex++);
                values.add(ph.spec().debug() && expandsInDebug(typeOf(arg)) ? lowerPlace(arg) : lower(arg));
            }
            List<PrintItem> items = new ArrayList<>();
            argIndex = 1;
            int valueIndex = 0;
            for (TypedProgram.FormatPart part : parts) {
                if (part instanceof TypedProgram.FormatPart.Literal lit) { items.add(new PrintItem.Text(lit.bytes())); continue; }
                FormatSpec spec = ((TypedProgram.FormatPart.Placeholder) part).spec();
                Type t = typeOf(args.get(argIndex++));
                Object v = values.get(valueIndex++);
                if (v instanceof Place place) debugItems(items, place, t, spec);
                else items.add(new PrintItem.Value((Operand) v, t, spec));
            }
            if (newline) items.add(text("\n"));
            flushPrint(items);
        }

        private static boolean expandsInDebug(Type t) {
            return t instanceof Type.Struct || t instanceof Type.Array || t instanceof Type.Slice || t instanceof Type.Ref
                    || t instanceof Type.Tuple || t instanceof Type.Sum;
        }

        private void flushPrint(List<PrintItem> items) {
            if (!items.isEmpty()) emit(new Statement.Print(mergeText(items)));
            items.clear();
        }

        private void debugItems(List<PrintItem> items, Place p, Type t, FormatSpec spec) {
            if (t instanceof Type.Ref r) {
                debugItems(items, p.project(new Place.Projection.Deref()), r.target(), spec);
            } else if (t instanceof Type.Struct st) {
                String name = st.name().substring(st.name().lastIndexOf('.') + 1);   // as Rust: no module path
                if (st.fields().isEmpty()) { items.add(text(name)); return; }
                for (int i = 0; i < st.fields().size(); i++) {
                    Type.Struct.Field f = st.fields().get(i);
                    items.add(text((i == 0 ? name + " { " : ", ") + f.name() + ": "));
                    debugItems(items, p.project(new Place.Projection.Field(i)), f.type(), spec);
                }
                items.add(text(" }"));
            } else if (t instanceof Type.Sum sum) {
                // One arm per variant: `Some(3)`, `None`, `Release { pin: 1, ms: 20 }`, as Rust's derived Debug.
                flushPrint(items);
                Local disc = temp(Type.U32);
                assign(disc, new Rvalue.Discriminant(p));
                List<Long> values = new ArrayList<>();
                List<BlockId> arms = new ArrayList<>();
                for (int v = 0; v < sum.variants().size(); v++) { values.add((long) v); arms.add(newBlock()); }
                BlockId join = newBlock(), otherwise = newBlock();
                terminate(new Terminator.Switch(Operand.of(disc), values, arms, otherwise));
                current = otherwise;
                terminate(new Terminator.Unreachable());
                for (int v = 0; v < sum.variants().size(); v++) {
                    current = arms.get(v);
                    Type.Sum.Variant variant = sum.variants().get(v);
                    items.add(text(variant.name()));
                    for (int i = 0; i < variant.fields().size(); i++) {
                        String before = variant.isStructLike() ? (i == 0 ? " { " : ", ") + variant.fieldNames().get(i) + ": " : i == 0 ? "(" : ", ";
                        items.add(text(before));
                        debugItems(items, p.project(new Place.Projection.VariantField(v, i)), variant.fields().get(i), spec);
                    }
                    if (!variant.fields().isEmpty()) items.add(text(variant.isStructLike() ? " }" : ")"));
                    flushPrint(items);
                    gotoBlock(join);
                }
                current = join;
            } else if (t instanceof Type.Tuple tu) {
                for (int i = 0; i < tu.elements().size(); i++) {
                    items.add(text(i == 0 ? "(" : ", "));
                    debugItems(items, p.project(new Place.Projection.Field(i)), tu.elements().get(i), spec);
                }
                items.add(text(tu.elements().size() == 1 ? ",)" : ")"));
            } else if (t instanceof Type.Array || t instanceof Type.Slice) {
                Type element = t instanceof Type.Array a ? a.element() : ((Type.Slice) t).element();
                items.add(text("["));
                if (t instanceof Type.Array a && a.length() == 0) { items.add(text("]")); return; }
                flushPrint(items);
                Operand len = t instanceof Type.Array a ? constant(Type.U32, a.length())
                        : load(p.project(new Place.Projection.Field(1)), Type.U32);
                Local counter = temp(Type.U32);
                assign(counter, new Rvalue.Use(constant(Type.U32, 0)));
                BlockId header = newBlock(), body = newBlock(), separator = newBlock(), element0 = newBlock(), exit = newBlock();
                gotoBlock(header);
                Local more = temp(Type.BOOL);
                assign(more, new Rvalue.Binary(BinOp.LT, Operand.of(counter), len));
                terminate(new Terminator.If(Operand.of(more), body, exit));
                current = body;
                Local notFirst = temp(Type.BOOL);
                assign(notFirst, new Rvalue.Binary(BinOp.NE, Operand.of(counter), constant(Type.U32, 0)));
                terminate(new Terminator.If(Operand.of(notFirst), separator, element0));
                current = separator;
                emit(new Statement.Print(List.of(text(", "))));
                gotoBlock(element0);
                debugItems(items, p.project(new Place.Projection.Index(Operand.of(counter))), element, spec);
                flushPrint(items);
                assign(counter, new Rvalue.Binary(BinOp.ADD, Operand.of(counter), constant(Type.U32, 1)));
                terminate(new Terminator.Goto(header));
                current = exit;
                items.add(text("]"));
            } else {
                items.add(new PrintItem.Value(load(p, t), t, spec));
            }
        }

        private static List<PrintItem> mergeText(List<PrintItem> items) {
            List<PrintItem> out = new ArrayList<>();
            for (PrintItem item : items) {
                if (item instanceof PrintItem.Text t && !out.isEmpty() && out.get(out.size() - 1) instanceof PrintItem.Text prev) {
                    byte[] joined = new byte[prev.bytes().length + t.bytes().length];
                    System.arraycopy(prev.bytes(), 0, joined, 0, prev.bytes().length);
                    System.arraycopy(t.bytes(), 0, joined, prev.bytes().length, t.bytes().length);
                    out.set(out.size() - 1, new PrintItem.Text(joined));
                } else {
                    out.add(item);
                }
            }
            return out;
        }

        private static String sourceText(Span span) {
            String text = span.file().text();
            return text.substring(Math.max(0, span.start()), Math.min(text.length(), span.end()));
        }

        /** Marks where the code of {@code span} starts, for the DWARF line table. */
        private void line(Span span) {
            if (lineMarks && span != null) emit(new Statement.Line(span));
        }

        private Operand lowerBlock(Expr.Block b) {
            for (Stmt s : b.stmts()) {
                line(s.span());
                if (s instanceof Stmt.Let let) {
                    Symbol.LocalVar v = program.letVar(let);
                    Operand init = let.init() == null ? null : lower(let.init());
                    Local l = newLocal(v.name(), v.type(), v.span());
                    vars.put(v, l);
                    if (init != null && v.type() instanceof Type.Mutex) {
                        // `let m: Mutex<T> = v;`: a free mutex (zeroed header) holding v.
                        emit(new Statement.InitChannel(l));
                        emit(new Statement.Store(new Place(l, List.of(new Place.Projection.Field(0))), init));
                    } else if (init != null) assign(l, new Rvalue.Use(init));
                    else if (Type.containsChannel(v.type())) emit(new Statement.InitChannel(l));
                } else if (s instanceof Stmt.LetPattern lp) {
                    Place value = valuePlace(lp.init());
                    Type t = program.patternType(lp.pattern());
                    if (lp.otherwise() == null) {
                        matchPattern(lp.pattern(), value, t, null);
                    } else {
                        BlockId otherwise = newBlock(), matched = newBlock();
                        matchPattern(lp.pattern(), value, t, otherwise);
                        gotoBlock(matched);
                        current = otherwise;
                        lower(lp.otherwise());   // diverges (checked)
                        if (!isTerminated()) terminate(new Terminator.Unreachable());
                        current = matched;
                    }
                } else if (s instanceof Stmt.ExprStmt es) {
                    lower(es.expr());
                }
            }
            if (b.tail() != null) line(b.tail().span());
            return b.tail() == null ? Operand.UNIT : lower(b.tail());
        }

        /** A local to collect a branching expression's value, or null when it has none. */
        private Local resultLocal(Expr e) {
            Type t = typeOf(e);
            return t instanceof Type.Unit || t instanceof Type.Never ? null : temp(t);
        }

        private Operand lowerIf(Expr.If i) {
            Local result = resultLocal(i);
            Operand cond = lower(i.cond());
            BlockId thenB = newBlock(), elseB = newBlock(), join = newBlock();
            terminate(new Terminator.If(cond, thenB, elseB));
            current = thenB;
            Operand tv = lower(i.then());
            if (result != null) assign(result, new Rvalue.Use(tv));
            gotoBlock(join);
            current = elseB;
            if (i.otherwise() != null) {
                Operand ev = lower(i.otherwise());
                if (result != null) assign(result, new Rvalue.Use(ev));
            }
            gotoBlock(join);
            return result == null ? Operand.UNIT : Operand.of(result);
        }

        private Operand lowerMatch(Expr.Match m) {
            if (!isClassicMatch(m)) return lowerPatternMatch(m);
            Local result = resultLocal(m);
            Operand scrutinee = lower(m.scrutinee());
            Type st = typeOf(m.scrutinee());
            BlockId join = newBlock();
            List<BlockId> armBlocks = new ArrayList<>();
            for (int i = 0; i < m.arms().size(); i++) armBlocks.add(newBlock());
            if (m.arms().stream().allMatch(a -> a.pattern() instanceof Pattern.Value || a.pattern() instanceof Pattern.Wildcard)) {
                // Single values: one switch, as rustc emits SwitchInt.
                List<Long> values = new ArrayList<>();
                List<BlockId> targets = new ArrayList<>();
                BlockId otherwise = null;
                for (int i = 0; i < m.arms().size(); i++) {
                    Pattern p = m.arms().get(i).pattern();
                    if (matchesAll(m.arms().get(i))) { otherwise = armBlocks.get(i); break; }
                    long v = program.patternRange(p)[0];
                    if (!values.contains(v)) { values.add(v); targets.add(armBlocks.get(i)); }
                }
                if (otherwise == null) {
                    otherwise = newBlock();
                    blocks.get(otherwise.index()).terminator = new Terminator.Unreachable();
                }
                terminate(new Terminator.Switch(scrutinee, values, targets, otherwise));
            } else {
                for (int i = 0; i < m.arms().size(); i++) {
                    Pattern p = m.arms().get(i).pattern();
                    if (matchesAll(m.arms().get(i))) { terminate(new Terminator.Goto(armBlocks.get(i))); break; }
                    Operand test = patternTest(p, scrutinee, st);
                    BlockId next = newBlock();
                    terminate(new Terminator.If(test, armBlocks.get(i), next));
                    current = next;
                }
                terminate(new Terminator.Unreachable());   // exhaustiveness was checked
            }
            for (int i = 0; i < m.arms().size(); i++) {
                current = armBlocks.get(i);
                Symbol.LocalVar binding = program.patternBinding(m.arms().get(i).pattern());
                if (binding != null) assign(bindingLocal(binding), new Rvalue.Use(scrutinee));
                line(m.arms().get(i).body().span());
                Operand v = lower(m.arms().get(i).body());
                if (result != null) assign(result, new Rvalue.Use(v));
                gotoBlock(join);
            }
            current = join;
            return result == null ? Operand.UNIT : Operand.of(result);
        }

        /**
         * A match on an integer, bool or C-like enum by values, ranges and a catch-all, without
         * guards: tested on the value itself, as 0.1 did (a switch where it can).
         */
        private boolean isClassicMatch(Expr.Match m) {
            Type st = typeOf(m.scrutinee());
            if (!(st instanceof Type.Int || st instanceof Type.Bool || st instanceof Type.Enum)) return false;
            for (Expr.MatchArm arm : m.arms()) {
                if (arm.guard() != null) return false;
                Pattern p = arm.pattern();
                boolean topBinding = p instanceof Pattern.Value && program.patternBinding(p) != null;
                if (!topBinding && !isValueTest(p)) return false;
            }
            return true;
        }

        private boolean isValueTest(Pattern p) {
            if (p instanceof Pattern.Wildcard) return true;
            if (p instanceof Pattern.Or or) return or.alternatives().stream().allMatch(this::isValueTest);
            return (p instanceof Pattern.Value || p instanceof Pattern.Range) && program.patternRange(p) != null;
        }

        private Local bindingLocal(Symbol.LocalVar v) {
            Local l = vars.get(v);
            if (l == null) {
                l = newLocal(v.name(), v.type(), v.span());
                vars.put(v, l);
            }
            return l;
        }

        // ------------------------------------------------ patterns (0.2): tests and bindings as control flow

        /** The arms in order: each tests its pattern (binding as it goes), then its guard; a failure tries the next. */
        private Operand lowerPatternMatch(Expr.Match m) {
            Local result = resultLocal(m);
            Place scrutinee = valuePlace(m.scrutinee());
            Type st = typeOf(m.scrutinee());
            BlockId join = newBlock();
            for (Expr.MatchArm arm : m.arms()) {
                BlockId next = newBlock();
                matchPattern(arm.pattern(), scrutinee, st, next);
                if (arm.guard() != null) {
                    Operand ok = lower(arm.guard());
                    BlockId body = newBlock();
                    terminate(new Terminator.If(ok, body, next));
                    current = body;
                }
                line(arm.body().span());
                Operand v = lower(arm.body());
                if (result != null) assign(result, new Rvalue.Use(v));
                gotoBlock(join);
                current = next;
            }
            terminate(new Terminator.Unreachable());   // exhaustiveness was checked
            current = join;
            return result == null ? Operand.UNIT : Operand.of(result);
        }

        /** The scrutinee as a place: a variable's own, or a temporary holding the value. */
        private Place valuePlace(Expr e) {
            if (typeOf(e) instanceof Type.Never) { lower(e); return Place.of(temp(Type.NEVER)); }
            return lowerPlace(e);
        }

        /**
         * Tests {@code p} against the value at {@code place}, jumping to {@code fail} when it does not
         * match (null: it cannot fail) and going on in the current block when it does; bindings are
         * assigned on the way.
         */
        private void matchPattern(Pattern p, Place place, Type t, BlockId fail) {
            if (t instanceof Type.Never || p instanceof Pattern.Wildcard) return;
            Symbol.LocalVar binding = program.patternBinding(p);
            if (binding != null) {
                Local l = bindingLocal(binding);
                assign(l, new Rvalue.Use(load(place, t)));
                if (p instanceof Pattern.Binding b && b.sub() != null) matchPattern(b.sub(), place, t, fail);
                return;
            }
            if (p instanceof Pattern.Binding b) {   // bound through another alternative's variable
                if (b.sub() != null) matchPattern(b.sub(), place, t, fail);
                return;
            }
            Symbol.SumVariant sv = program.patternVariant(p);
            if (sv != null) {
                Type.Sum sum = (Type.Sum) t;
                if (fail != null && sum.variants().size() > 1) {
                    Local disc = temp(Type.U32), is = temp(Type.BOOL);
                    assign(disc, new Rvalue.Discriminant(place));
                    assign(is, new Rvalue.Binary(BinOp.EQ, Operand.of(disc), constant(Type.U32, sv.index())));
                    BlockId ok = newBlock();
                    terminate(new Terminator.If(Operand.of(is), ok, fail));
                    current = ok;
                }
                List<Type> fields = sum.variants().get(sv.index()).fields();
                if (p instanceof Pattern.Variant vp) {
                    for (int i = 0; i < vp.args().size() && i < fields.size(); i++)
                        matchPattern(vp.args().get(i), place.project(new Place.Projection.VariantField(sv.index(), i)), fields.get(i), fail);
                } else if (p instanceof Pattern.StructVariant sp) {
                    Type.Sum.Variant v = sum.variants().get(sv.index());
                    for (Pattern.FieldPattern f : sp.fields()) {
                        int i = v.fieldIndex(f.name().name());
                        if (i >= 0) matchPattern(f.pattern(), place.project(new Place.Projection.VariantField(sv.index(), i)), fields.get(i), fail);
                    }
                }
                return;
            }
            if (p instanceof Pattern.StructVariant sp && t instanceof Type.Struct st) {   // `P { x, .. }`
                for (Pattern.FieldPattern f : sp.fields()) {
                    int i = st.fieldIndex(f.name().name());
                    if (i >= 0) matchPattern(f.pattern(), place.project(new Place.Projection.Field(i)), st.fields().get(i).type(), fail);
                }
                return;
            }
            if (p instanceof Pattern.Tuple tp) {
                if (t instanceof Type.Tuple tu)
                    for (int i = 0; i < tp.elements().size(); i++)
                        matchPattern(tp.elements().get(i), place.project(new Place.Projection.Field(i)), tu.elements().get(i), fail);
                return;
            }
            if (p instanceof Pattern.Or or) {
                BlockId matched = newBlock();
                for (int i = 0; i < or.alternatives().size(); i++) {
                    boolean last = i == or.alternatives().size() - 1;
                    BlockId next = last ? fail : newBlock();
                    matchPattern(or.alternatives().get(i), place, t, next);
                    gotoBlock(matched);
                    if (!last) current = next;
                }
                current = matched;
                return;
            }
            if (fail == null) return;   // a constant in an irrefutable position was reported
            Operand value = load(place, t);
            Operand test = patternTest(p, value, t);
            BlockId ok = newBlock();
            terminate(new Terminator.If(test, ok, fail));
            current = ok;
        }

        private Operand lowerVariant(Expr e, Symbol.SumVariant sv) {
            List<Operand> fields = new ArrayList<>();
            Type.Sum sum = (Type.Sum) typeOf(e);
            Type.Sum.Variant v = sum.variants().get(sv.index());
            if (e instanceof Expr.Call c) {
                for (Expr a : c.args()) fields.add(lower(a));
            } else if (e instanceof Expr.MethodCall mc) {
                for (Expr a : mc.args()) fields.add(lower(a));
            } else if (e instanceof Expr.StructLit sl) {
                Operand[] byIndex = new Operand[v.fields().size()];
                for (Expr.FieldInit fi : sl.fields()) byIndex[v.fieldIndex(fi.name().name())] = lower(fi.value());
                fields.addAll(List.of(byIndex));
            }
            Local t = temp(sum);
            assign(t, new Rvalue.Variant(sum, sv.index(), fields));
            return Operand.of(t);
        }

        private Operand lowerIfLet(Expr.IfLet il) {
            Local result = resultLocal(il);
            Place value = valuePlace(il.scrutinee());
            BlockId otherwise = newBlock(), join = newBlock();
            matchPattern(il.pattern(), value, program.patternType(il.pattern()), otherwise);
            Operand tv = lower(il.then());
            if (result != null) assign(result, new Rvalue.Use(tv));
            gotoBlock(join);
            current = otherwise;
            if (il.otherwise() != null) {
                Operand ev = lower(il.otherwise());
                if (result != null) assign(result, new Rvalue.Use(ev));
            }
            gotoBlock(join);
            return result == null ? Operand.UNIT : Operand.of(result);
        }

        private void lowerWhileLet(Expr.WhileLet w) {
            BlockId header = newBlock(), exit = newBlock();
            gotoBlock(header);
            Place value = valuePlace(w.scrutinee());
            matchPattern(w.pattern(), value, program.patternType(w.pattern()), exit);
            loops.put(w, new LoopTarget(exit, header, null, scopeExits.size()));
            lower(w.body());
            loops.remove(w);
            gotoBlock(header);
            current = exit;
        }

        /** `e?`: the payload of Some/Ok, else return None / Err(e) from the function. */
        private Operand lowerTry(Expr.Try t) {
            Place value = valuePlace(t.inner());
            Type.Sum sum = (Type.Sum) typeOf(t.inner());
            Type.Sum ret = (Type.Sum) fn.result();
            int good = sum.isOption() ? 1 : 0;   // Some, Ok
            Local disc = temp(Type.U32), isGood = temp(Type.BOOL);
            assign(disc, new Rvalue.Discriminant(value));
            assign(isGood, new Rvalue.Binary(BinOp.EQ, Operand.of(disc), constant(Type.U32, good)));
            BlockId bad = newBlock(), ok = newBlock();
            terminate(new Terminator.If(Operand.of(isGood), ok, bad));
            current = bad;
            List<Operand> payload = new ArrayList<>();
            if (sum.isResult()) payload.add(load(value.project(new Place.Projection.VariantField(1, 0)), sum.args().get(1)));
            Local early = temp(ret);
            assign(early, new Rvalue.Variant(ret, sum.isOption() ? 0 : 1, payload));
            assign(returnLocal, new Rvalue.Use(Operand.of(early)));
            exitScopes(0);
            terminate(new Terminator.Return());
            current = ok;
            return load(value.project(new Place.Projection.VariantField(good, 0)), sum.args().get(0));
        }

        /** is_some/is_none/is_ok/is_err, unwrap (panics as Rust's does), unwrap_or. */
        private Operand lowerSumMethod(Expr.MethodCall mc, Type.Sum sum) {
            String m = mc.method().name();
            Place value = valuePlace(mc.receiver());
            Operand fallback = m.equals("unwrap_or") ? lower(mc.args().get(0)) : null;
            int good = sum.isOption() ? 1 : 0;
            Local disc = temp(Type.U32), isGood = temp(Type.BOOL);
            assign(disc, new Rvalue.Discriminant(value));
            assign(isGood, new Rvalue.Binary(BinOp.EQ, Operand.of(disc), constant(Type.U32, good)));
            switch (m) {
                case "is_some", "is_ok" -> { return Operand.of(isGood); }
                case "is_none", "is_err" -> {
                    Local not = temp(Type.BOOL);
                    assign(not, new Rvalue.Unary(UnOp.NOT, Operand.of(isGood)));
                    return Operand.of(not);
                }
                case "unwrap" -> {
                    assertThat(Operand.of(isGood), sum.isOption() ? "called `Option::unwrap()` on a `None` value"
                            : "called `Result::unwrap()` on an `Err` value", mc.span());
                    return load(value.project(new Place.Projection.VariantField(good, 0)), sum.args().get(0));
                }
                default -> {   // unwrap_or
                    Local result = temp(sum.args().get(0));
                    BlockId some = newBlock(), none = newBlock(), join = newBlock();
                    terminate(new Terminator.If(Operand.of(isGood), some, none));
                    current = some;
                    assign(result, new Rvalue.Use(load(value.project(new Place.Projection.VariantField(good, 0)), sum.args().get(0))));
                    gotoBlock(join);
                    current = none;
                    assign(result, new Rvalue.Use(fallback));
                    gotoBlock(join);
                    return Operand.of(result);
                }
            }
        }

        /** `_ => ...` and `name => ...` arms match every value. */
        private boolean matchesAll(Expr.MatchArm arm) {
            return arm.pattern() instanceof Pattern.Wildcard || program.patternBinding(arm.pattern()) != null;
        }

        private Operand patternTest(Pattern p, Operand scrutinee, Type t) {
            if (p instanceof Pattern.Or or) {
                Operand acc = null;
                for (Pattern alt : or.alternatives()) {
                    Operand test = patternTest(alt, scrutinee, t);
                    if (acc == null) { acc = test; continue; }
                    Local both = temp(Type.BOOL);
                    assign(both, new Rvalue.Binary(BinOp.BIT_OR, acc, test));
                    acc = Operand.of(both);
                }
                return acc;
            }
            if (p instanceof Pattern.Wildcard) return constant(Type.BOOL, 1);
            long[] range = program.patternRange(p);
            if (range[0] == range[1]) {
                Local eq = temp(Type.BOOL);
                assign(eq, new Rvalue.Binary(BinOp.EQ, scrutinee, constant(t, range[0])));
                return Operand.of(eq);
            }
            Local lo = temp(Type.BOOL), hi = temp(Type.BOOL), both = temp(Type.BOOL);
            assign(lo, new Rvalue.Binary(BinOp.GE, scrutinee, constant(t, range[0])));
            assign(hi, new Rvalue.Binary(BinOp.LE, scrutinee, constant(t, range[1])));
            assign(both, new Rvalue.Binary(BinOp.BIT_AND, Operand.of(lo), Operand.of(hi)));
            return Operand.of(both);
        }

        private void lowerWhile(Expr.While w) {
            BlockId header = newBlock(), body = newBlock(), exit = newBlock();
            gotoBlock(header);
            Operand cond = lower(w.cond());
            terminate(new Terminator.If(cond, body, exit));
            current = body;
            loops.put(w, new LoopTarget(exit, header, null, scopeExits.size()));
            lower(w.body());
            loops.remove(w);
            gotoBlock(header);
            current = exit;
        }

        private Operand lowerLoop(Expr.Loop l) {
            Local result = resultLocal(l);
            BlockId body = newBlock(), exit = newBlock();
            gotoBlock(body);
            loops.put(l, new LoopTarget(exit, body, result, scopeExits.size()));
            lower(l.body());
            loops.remove(l);
            terminate(new Terminator.Goto(body));
            current = exit;
            return result == null ? Operand.UNIT : Operand.of(result);
        }

        private void lowerFor(Expr.For f) {
            Symbol.LocalVar v = program.forVar(f);
            Type t = v.type();
            Operand start = lower(f.start());
            Operand end = lower(f.end());
            Local endValue = temp(t);
            assign(endValue, new Rvalue.Use(end));
            Local counter = temp(t);
            assign(counter, new Rvalue.Use(start));
            BlockId header = newBlock(), body = newBlock(), latch = newBlock(), exit = newBlock();
            gotoBlock(header);
            Local inRange = temp(Type.BOOL);
            assign(inRange, new Rvalue.Binary(f.inclusive() ? BinOp.LE : BinOp.LT, Operand.of(counter), Operand.of(endValue)));
            terminate(new Terminator.If(Operand.of(inRange), body, exit));
            current = body;
            Local var = newLocal(v.name(), t, v.span());
            vars.put(v, var);
            assign(var, new Rvalue.Use(Operand.of(counter)));
            loops.put(f, new LoopTarget(exit, latch, null, scopeExits.size()));
            lower(f.body());
            loops.remove(f);
            gotoBlock(latch);
            if (f.inclusive()) {
                // `a..=MAX` must stop at MAX without the counter wrapping around.
                Local atEnd = temp(Type.BOOL);
                assign(atEnd, new Rvalue.Binary(BinOp.EQ, Operand.of(counter), Operand.of(endValue)));
                BlockId step = newBlock();
                terminate(new Terminator.If(Operand.of(atEnd), exit, step));
                current = step;
            }
            assign(counter, new Rvalue.Binary(BinOp.ADD, Operand.of(counter), constant(t, 1)));
            terminate(new Terminator.Goto(header));
            current = exit;
        }
    }
}

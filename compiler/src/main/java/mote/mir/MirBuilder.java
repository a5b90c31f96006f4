package mote.mir;

import java.util.ArrayList;
import java.util.List;
import mote.ast.Expr;
import mote.ast.Item;
import mote.ast.Stmt;
import mote.diag.Span;
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

    /** The walk over one function's body: each expression to MIR, with the help of the files below it in the chain (see {@link CfgBuilder}). */
    static final class FnBuilder extends JoinRaceLowering {
        FnBuilder(TypedProgram program, Symbol.Fn fn, boolean debug, boolean lineMarks) { super(program, fn, debug, lineMarks); }

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

        /** Lowers {@code e} and returns its value, converted where the checker recorded a coercion. */
        Operand lower(Expr e) {
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
                Operand v = operand(u.operand());
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
            // Built-in methods see through references, as Rust's auto-deref (`v.wrapping_add(1)` with `v: &u8`).
            if (e instanceof Expr.MethodCall mc && derefType(typeOf(mc.receiver())) instanceof Type.Int it) return lowerIntegerMethod(mc, it);
            if (e instanceof Expr.MethodCall mc && derefType(typeOf(mc.receiver())) instanceof Type.Float32) return lowerFloatMethod(mc);
            if (e instanceof Expr.MethodCall mc && derefType(typeOf(mc.receiver())) instanceof Type.Sum sum) return lowerSumMethod(mc, sum);
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
            Operand l = operand(b.left());
            Operand r = operand(b.right());
            if (typeOf(b.left()) instanceof Type.Unit) {   // `() == ()`: always equal, never less
                boolean holds = b.op() == Expr.BinaryOp.EQ || b.op() == Expr.BinaryOp.LE || b.op() == Expr.BinaryOp.GE;
                return constant(Type.BOOL, holds ? 1 : 0);
            }
            return arithmetic(BinOp.valueOf(b.op().name()), l, r, valueType(b.left()), typeOf(b), b.span());
        }

        /** A method's receiver as its `self`: borrowed (unless it already is a reference) or copied. */
        private Operand selfArgument(Expr.MethodCall mc) {
            Type rt = typeOf(mc.receiver());
            TypedProgram.SelfMode mode = program.methodSelf(mc);
            if (mode == TypedProgram.SelfMode.VALUE) {
                if (!(rt instanceof Type.Ref)) return lower(mc.receiver());
                return load(autoDeref(lowerPlace(mc.receiver()), rt), derefType(rt));   // through every reference
            }
            if (rt instanceof Type.Ref r && !(r.target() instanceof Type.Ref)) return lower(mc.receiver());
            if (rt instanceof Type.Ref) {
                // `&&T` or `&mut &mut T`: the innermost reference is `self` (the outer one's address was passed).
                Place p = lowerPlace(mc.receiver());
                Type t = rt;
                while (t instanceof Type.Ref outer && outer.target() instanceof Type.Ref) {
                    p = p.project(new Place.Projection.Deref());
                    t = outer.target();
                }
                return load(p, t);
            }
            boolean mutable = mode == TypedProgram.SelfMode.REF_MUT;
            Place p = lowerPlace(mc.receiver());
            Local ref = temp(new Type.Ref(mutable, rt));
            assign(ref, new Rvalue.AddressOf(mutable, p));
            return Operand.of(ref);
        }

        private void lowerAssign(Expr.Assign a) {
            Type type = typeOf(a.target());
            Operand value = operand(a.value());
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
                    Operand l = operand(args.get(0));
                    Operand r = operand(args.get(1));
                    Type t = valueType(args.get(0));
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

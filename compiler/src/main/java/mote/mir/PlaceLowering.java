package mote.mir;

import java.util.List;
import mote.ast.Expr;
import mote.diag.Span;
import mote.types.Symbol;
import mote.types.Type;
import mote.types.TypedProgram;

/**
 * Places: an expression as the memory it names (local, field, index, deref projections, with the
 * auto-deref of `p.x` made explicit), the bounds check before every index, loads, and what is
 * done with arrays and slices as a whole: `&a[lo..hi]`, `for x in &arr`, `fill`, `copy_from_slice`.
 *
 * Separate from the walk because it lowers to {@link Place}s rather than to values.
 */
abstract sealed class PlaceLowering extends CfgBuilder permits ArithmeticLowering {
    PlaceLowering(TypedProgram program, Symbol.Fn fn, boolean debug, boolean lineMarks) { super(program, fn, debug, lineMarks); }

    // ------------------------------------------------ slices (0.2)

    /** The length of the array or slice at {@code base} (already dereferenced). */
    Operand lengthOf(Place base, Type t) {
        if (t instanceof Type.Array a) return constant(Type.U32, a.length());
        return load(base.project(new Place.Projection.Field(1)), Type.U32);
    }

    /** `&a[lo..hi]`: Rust's checks (end within the length, start not past the end), then pointer and length. */
    Operand lowerSlice(Expr.SliceOf so, Type.Slice type) {
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
    void eachIndex(Operand len, java.util.function.Consumer<Operand> body, Expr loop, BlockId[] exitOut) {
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

    /**
     * `for x in &arr { }`: each element copied into `x`. The iterable is evaluated once, as
     * Rust's is: a reference or slice is held in a temporary, and the indices of an array place
     * (`grid[i]`) are read before the loop, so a body that changes them does not move it. `for
     * x in arr` over an array by value runs over a copy taken before the loop when the array may
     * be written while it runs (writes then do not show in later elements); otherwise over the
     * array itself.
     */
    void lowerForIn(Expr.ForIn f) {
        Symbol.LocalVar v = program.forInVar(f);
        Type it = typeOf(f.iterable());
        Type bt = derefType(it);
        Place base;
        if ((it instanceof Type.Ref || it instanceof Type.Slice) && program.coercion(f.iterable()) == null) {
            Local held = temp(it);
            assign(held, new Rvalue.Use(lower(f.iterable())));
            base = autoDeref(Place.of(held), it);
        } else {
            base = indicesReadNow(autoDeref(valuePlace(f.iterable()), it));
        }
        if (it instanceof Type.Array && bodyMayWrite(f.iterable(), f.body())) {
            Local copy = temp(it);
            assign(copy, new Rvalue.Use(load(base, it)));
            base = Place.of(copy);
        }
        Place elements = base;
        Operand len = lengthOf(base, bt);
        eachIndex(len, i -> {
            Local var = bindingLocal(v);
            assign(var, new Rvalue.Use(load(elements.project(new Place.Projection.Index(i)), v.type())));
            lower(f.body());
        }, f, null);
    }

    /** {@code p} with each index that is a variable replaced by a temporary holding its value now. */
    private Place indicesReadNow(Place p) {
        List<Place.Projection> out = new java.util.ArrayList<>();
        boolean changed = false;
        for (Place.Projection pr : p.projections()) {
            if (pr instanceof Place.Projection.Index ix && ix.index() instanceof Operand.Copy c) {
                Local now = temp(locals.get(c.local().index()).type());
                assign(now, new Rvalue.Use(ix.index()));
                out.add(new Place.Projection.Index(Operand.of(now)));
                changed = true;
            } else {
                out.add(pr);
            }
        }
        return changed ? new Place(p.local(), out) : p;
    }

    /**
     * Whether the memory of the place {@code iterable} may be written while the loop runs: the
     * body assigns to, borrows mutably or calls a method on a place of the same variable; or,
     * when other code can reach that memory (a `static mut`, memory behind a reference, a local
     * the fn borrows mutably anywhere), the body calls or awaits anything or writes through any
     * reference; or a body that suspends in a fn with a `join`/`race` lets a sibling branch run,
     * and the fn writes the variable anywhere; or an interrupt handler may write a
     * `static mut` at any time. An immutable static is never written.
     */
    private boolean bodyMayWrite(Expr iterable, Expr body) {
        if (!isPlaceExpr(iterable)) return false;   // a value just made (`[1, 2]`, a call's result): the loop's own
        Expr root = iterable;
        boolean owned = true;
        while (!(root instanceof Expr.Name)) {
            Expr inner = root instanceof Expr.Field fl ? fl.target() : root instanceof Expr.Index ix ? ix.target()
                    : root instanceof Expr.SliceOf so ? so.target() : null;
            if (inner == null || program.resolution(root) instanceof Symbol.Static) break;
            if (typeOf(inner) instanceof Type.Ref || typeOf(inner) instanceof Type.Slice) owned = false;
            root = inner;
        }
        Symbol sym = program.resolution(root);
        if (sym instanceof Symbol.Const) return false;   // never written
        if (sym instanceof Symbol.Static st) {
            if (!st.mutable()) return false;
            if (hasInterruptHandlers()) return true;
            owned = false;
        } else if (!(sym instanceof Symbol.LocalVar lv)) {
            return true;   // not a named place: assume the worst
        } else if (lv.type() instanceof Type.Ref || lv.type() instanceof Type.Slice) {
            owned = false;
        }
        if (suspends(body) && hasJoinOrRace(fn.decl().body()) && writesAnywhere(fn.decl().body(), sym)) return true;
        boolean reachable = !owned || addressTaken(sym);
        return mote.ast.Exprs.anyMatch(body, e -> {
            Expr target = writtenPlace(e);
            if (target != null && sameRoot(target, sym)) return true;
            return reachable && (e instanceof Expr.Call || e instanceof Expr.MethodCall || e instanceof Expr.Await || e instanceof Expr.Spawn
                    || e instanceof Expr.Assign a && !(program.resolution(a.target()) instanceof Symbol.LocalVar));
        });
    }

    /** The place {@code e} may write: an assignment's target, what `&mut` borrows, a method's receiver (`len` aside); else null. */
    private static Expr writtenPlace(Expr e) {
        return e instanceof Expr.Assign a ? a.target() : e instanceof Expr.Ref r && r.mutable() ? r.target()
                : e instanceof Expr.MethodCall mc && !mc.method().name().equals("len") ? mc.receiver() : null;
    }

    /** Whether the fn being lowered borrows (a part of) local {@code sym} mutably anywhere: a reference may then write it (none can through a `&`). */
    private boolean addressTaken(Symbol sym) {
        return mote.ast.Exprs.anyMatch(fn.decl().body(), e -> !(e instanceof Expr.Assign) && writtenPlace(e) != null && sameRoot(writtenPlace(e), sym));
    }

    /** Whether {@code code} writes (a part of) {@code sym}: assigns to it, borrows it mutably or calls a method on it. */
    private boolean writesAnywhere(Expr code, Symbol sym) {
        return mote.ast.Exprs.anyMatch(code, e -> writtenPlace(e) != null && sameRoot(writtenPlace(e), sym));
    }

    /** Whether {@code body} may suspend, letting other code of the fn run meanwhile. */
    private static boolean suspends(Expr body) {
        return mote.ast.Exprs.anyMatch(body, e -> e instanceof Expr.Await || e instanceof Expr.Join || e instanceof Expr.Race || e instanceof Expr.Lock);
    }

    /** Whether {@code code} runs branches side by side: only then can other code of the fn run while a loop in it is suspended. */
    private static boolean hasJoinOrRace(Expr code) {
        return mote.ast.Exprs.anyMatch(code, e -> e instanceof Expr.Join || e instanceof Expr.Race);
    }

    private boolean hasInterruptHandlers() {
        for (Symbol.Fn f : program.functions) if (f.interrupt() != null) return true;
        return false;
    }

    /** Whether the place {@code e} is (a part of) the variable or static {@code sym}, directly or through references. */
    private boolean sameRoot(Expr e, Symbol sym) {
        while (true) {
            Symbol s = program.resolution(e);
            if (s != null && s == sym) return true;
            if (e instanceof Expr.Field fl && !(s instanceof Symbol.Static)) e = fl.target();
            else if (e instanceof Expr.Index ix) e = ix.target();
            else if (e instanceof Expr.SliceOf so) e = so.target();
            else if (e instanceof Expr.Unary u && u.op() == Expr.UnaryOp.DEREF) e = u.operand();
            else return false;
        }
    }

    /** `dst.fill(v)`, `dst.copy_from_slice(src)` (lengths must match: Rust's panic otherwise). */
    void lowerFillOrCopy(Expr.MethodCall mc) {
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
        // Mote has no borrow rules, so the two may overlap (`d = &mut a[1..4]; d.copy_from_slice(&a[0..3])`):
        // copy as memmove does, backwards when the destination starts after the source.
        Type.Int word = Type.U32;
        Operand dstAt = bt instanceof Type.Array ? tempOf(new Rvalue.AddressOf(false, dst), new Type.Ref(false, bt))
                : load(dst.project(new Place.Projection.Field(0)), new Type.Ref(false, element));
        Operand srcAt = load(src.project(new Place.Projection.Field(0)), new Type.Ref(false, element));
        Operand after = binaryTemp(BinOp.GT, tempOf(new Rvalue.Cast(dstAt, word), word), tempOf(new Rvalue.Cast(srcAt, word), word), Type.BOOL);
        BlockId backwards = newBlock(), forwards = newBlock(), done = newBlock();
        terminate(new Terminator.If(after, backwards, forwards));
        current = forwards;
        eachIndex(len, i -> emit(new Statement.Store(dst.project(new Place.Projection.Index(i)),
                load(src.project(new Place.Projection.Index(i)), element))), null, null);
        gotoBlock(done);
        current = backwards;
        eachIndex(len, i -> {
            Operand j = binaryTemp(BinOp.SUB, binaryTemp(BinOp.SUB, len, i, word), constant(word, 1), word);
            emit(new Statement.Store(dst.project(new Place.Projection.Index(j)), load(src.project(new Place.Projection.Index(j)), element)));
        }, null, null);
        gotoBlock(done);
        current = done;
    }

    private Operand tempOf(Rvalue value, Type type) {
        Local t = temp(type);
        assign(t, value);
        return Operand.of(t);
    }

    // ------------------------------------------------------------ places

    static boolean isPlaceExpr(Expr e) {
        return e instanceof Expr.Name || e instanceof Expr.Field || e instanceof Expr.Index
                || e instanceof Expr.Unary u && u.op() == Expr.UnaryOp.DEREF;
    }

    static Type derefType(Type t) {
        while (t instanceof Type.Ref r) t = r.target();
        return t;
    }

    /** An operand: what it refers to when the checker noted it is used through a reference. */
    Operand operand(Expr e) {
        return program.usedThroughReference(e) ? receiverValue(e) : lower(e);
    }

    /** The type of {@link #operand}'s value: what {@code e} refers to, when used through a reference. */
    Type valueType(Expr e) {
        return program.usedThroughReference(e) ? derefType(typeOf(e)) : typeOf(e);
    }

    /** A built-in method's receiver as a value: what it refers to, when it is a reference. */
    Operand receiverValue(Expr receiver) {
        Type t = typeOf(receiver);
        if (!(t instanceof Type.Ref)) return lower(receiver);
        return load(autoDeref(valuePlace(receiver), t), derefType(t));
    }

    /** Field access and indexing see through references: adds a Deref per reference. */
    static Place autoDeref(Place p, Type t) {
        while (t instanceof Type.Ref r) {
            p = p.project(new Place.Projection.Deref());
            t = r.target();
        }
        return p;
    }

    /** The value at a place: the local itself when there is no projection, else a copy. */
    Operand load(Place p, Type t) {
        if (p.isLocal()) return Operand.of(p.local());
        Local tmp = temp(t);
        assign(tmp, new Rvalue.Load(p));
        return Operand.of(tmp);
    }

    /**
     * The place an expression denotes; an expression that is not a place (a call, a
     * literal) is evaluated into a temporary, which becomes the place (`&5`, `f().x`).
     */
    Place lowerPlace(Expr e) {
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
        } else if (e instanceof Expr.Field f && !(program.resolution(f) instanceof Symbol.Variant)
                && !(program.resolution(f) instanceof Symbol.SumVariant) && qualifiedItem(f) == null) {
            // (`Shape.Dot`, a variant of a data enum, is a value: evaluated into a temporary below.)
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
    void boundsCheck(Place base, Type indexed, Operand index, Type.Int it, Span span) {
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

    /** The scrutinee as a place: a variable's own, or a temporary holding the value. */
    Place valuePlace(Expr e) {
        if (typeOf(e) instanceof Type.Never) { lower(e); return Place.of(temp(Type.NEVER)); }
        return lowerPlace(e);
    }

    /** A qualified item of another module, `uart.BAUD` (a const, static or register), or null. */
    Symbol qualifiedItem(Expr e) {
        Symbol s = e instanceof Expr.Field f ? program.resolution(f) : null;
        return s instanceof Symbol.Const || s instanceof Symbol.Static || s instanceof Symbol.Register ? s : null;
    }
}

package mote.mir;

import java.util.ArrayList;
import java.util.List;
import mote.ast.Expr;
import mote.ast.Pattern;
import mote.types.Symbol;
import mote.types.Type;
import mote.types.TypedProgram;

/**
 * Patterns and the data enums they take apart: `match` (a switch when every arm tests one value,
 * otherwise arm by arm, binding as it goes, then the guard), `if let`, `while let`, `?`, building
 * a variant, and the methods of Option and Result.
 *
 * Separate because matching a pattern against a place is a recursion of its own.
 */
abstract sealed class MatchLowering extends PrintLowering permits JoinRaceLowering {
    MatchLowering(TypedProgram program, Symbol.Fn fn, boolean debug, boolean lineMarks) { super(program, fn, debug, lineMarks); }

    Operand lowerMatch(Expr.Match m) {
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
    boolean isClassicMatch(Expr.Match m) {
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

    boolean isValueTest(Pattern p) {
        if (p instanceof Pattern.Wildcard) return true;
        if (p instanceof Pattern.Or or) return or.alternatives().stream().allMatch(this::isValueTest);
        return (p instanceof Pattern.Value || p instanceof Pattern.Range) && program.patternRange(p) != null;
    }

    // ------------------------------------------------ patterns (0.2): tests and bindings as control flow

    /** The arms in order: each tests its pattern (binding as it goes), then its guard; a failure tries the next. */
    Operand lowerPatternMatch(Expr.Match m) {
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

    /**
     * Tests {@code p} against the value at {@code place}, jumping to {@code fail} when it does not
     * match (null: it cannot fail) and going on in the current block when it does; bindings are
     * assigned on the way.
     */
    void matchPattern(Pattern p, Place place, Type t, BlockId fail) {
        if (t instanceof Type.Never || p instanceof Pattern.Wildcard) return;
        for (int i = program.patternDerefs(p); i > 0; i--) {   // default binding modes: match what it points to
            t = ((Type.Ref) t).target();
            place = place.project(new Place.Projection.Deref());
        }
        Symbol.LocalVar binding = program.patternBinding(p);
        if (binding != null) {
            Local l = bindingLocal(binding);
            Boolean byRef = program.refBinding(p);
            assign(l, byRef != null ? new Rvalue.AddressOf(byRef, place) : new Rvalue.Use(load(place, t)));
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

    Operand lowerVariant(Expr e, Symbol.SumVariant sv) {
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

    Operand lowerIfLet(Expr.IfLet il) {
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

    void lowerWhileLet(Expr.WhileLet w) {
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
    Operand lowerTry(Expr.Try t) {
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
    Operand lowerSumMethod(Expr.MethodCall mc, Type.Sum sum) {
        String m = mc.method().name();
        Place value = autoDeref(valuePlace(mc.receiver()), typeOf(mc.receiver()));
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
    boolean matchesAll(Expr.MatchArm arm) {
        return arm.pattern() instanceof Pattern.Wildcard || program.patternBinding(arm.pattern()) != null;
    }

    Operand patternTest(Pattern p, Operand scrutinee, Type t) {
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
}

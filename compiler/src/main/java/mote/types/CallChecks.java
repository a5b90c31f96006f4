package mote.types;

import java.util.List;
import java.util.Map;
import mote.ast.Expr;
import mote.ast.Item;
import mote.diag.Diagnostics;
import mote.diag.Span;
import mote.diag.Suggest;

/**
 * Calls: of fns (awaited or not, as their kind requires), of the built-in functions, and of
 * methods: a struct's or enum's `impl` methods, the integer methods and functions
 * ({@link IntegerMethods}), f32's, Option's and Result's, a channel's or signal's, and an array's
 * or slice's (`len`, `fill`, `copy_from_slice`).
 *
 * Separate from the walk because each kind of callee has its own signatures and its own rules
 * about awaiting; the walk hands it every call and method call.
 */
abstract sealed class CallChecks extends FormatChecks permits AsyncChecks {
    CallChecks(Diagnostics diags) { super(diags); }

    Type checkMethodCall(Expr.MethodCall mc, boolean awaited) {
        Symbol.Fn associated = null;
        if (mc.receiver() instanceof Expr.Name tn && typeNames.containsKey(tn.ident().name())
                && scopes.stream().noneMatch(sc -> sc.containsKey(tn.ident().name()))
                && globals.get(tn.ident().name() + "." + mc.method().name()) instanceof Symbol.Fn f) associated = f;   // `Point.new(1)`
        ModuleScope owner = mc.receiver() instanceof Expr.Field tf ? moduleNamed(tf.target()) : null;
        if (owner != null && mc.receiver() instanceof Expr.Field tf && owner.types().containsKey(tf.field().name())
                && owner.globals().get(tf.field().name() + "." + mc.method().name()) instanceof Symbol.Fn f)
            associated = f;   // `geo.Point.new(1)`
        if (associated != null) {
            Symbol.Fn f = associated;
            if (hasSelf(f)) {
                diags.error("E0398", mc.span(), "`" + mc.method().name() + "` takes `self`: call it on a value, `x." + mc.method().name() + "(..)`");
                for (Expr a : mc.args()) check(a, null);
                return f.result();
            }
            return checkCallTo(mc, f.name(), f, false, mc.method().span(), mc.args(), awaited);
        }
        if (sumNamed(mc.receiver()) != null) {   // `Event.Press(3)`
            if (awaited) diags.error("E0402", mc.span(), "only a call to an async function can be awaited", "building an enum value is not async: drop the `.await`");
            return checkVariantCall(mc, mc.method().name(), mc.receiver(), mc.args(), null);
        }
        if (reportNotImported(mc.receiver())) {
            for (Expr a : mc.args()) check(a, null);
            return Type.NEVER;
        }
        ModuleScope ms = moduleNamed(mc.receiver());
        if (ms != null) {
            String name = mc.method().name();
            Symbol g = ms.globals().get(name);
            String shown = ms.module().name() + "." + name;
            if (g == null && !ms.globals().containsKey(name)) {
                diags.error("E0209", mc.method().span(), "module `" + ms.module().name() + "` has no function `" + name + "`", hintFrom(name, ms.globals().keySet()));
                for (Expr a : mc.args()) check(a, null);
                return Type.NEVER;
            }
            return checkCallTo(mc, shown, g, false, mc.method().span(), mc.args(), awaited);
        }
        if (associatedIntType(mc) != null) return checkIntegerFunction(mc, associatedIntType(mc), awaited);
        Type receiverType = check(mc.receiver(), null);
        Type t = derefAll(receiverType);
        Symbol.Fn method = methodOf(t, mc.method().name());
        if (method != null) return checkMethod(mc, method, receiverType, awaited);
        if (t instanceof Type.Channel ch) return checkChannelMethod(mc, ch, awaited);
        if (isInt(t) || (t instanceof Type.Var && !isGeneral(t) && IntegerMethods.isMethod(mc.method().name()))) return checkIntegerMethod(mc, t, awaited);
        if (t instanceof Type.Float32 && FLOAT_METHODS.contains(mc.method().name())) {
            notAwaitable(mc, awaited);
            String m = mc.method().name();
            int want = m.equals("min") || m.equals("max") ? 1 : 0;
            if (mc.args().size() != want) argumentCount(mc.span(), m, want, mc.args().size());
            for (int i = 0; i < mc.args().size(); i++) {
                Expr a = mc.args().get(i);
                if (i < want) unify(Type.F32, check(a, Type.F32), a.span()); else check(a, null);
            }
            return m.equals("is_nan") ? Type.BOOL : Type.F32;
        }
        if (t instanceof Type.Sum s && s.isBuiltin()) return checkSumMethod(mc, s, awaited);
        if ((t instanceof Type.Array || t instanceof Type.Slice) && mc.method().name().equals("len")) {
            if (awaited) diags.error("E0402", mc.span(), "only a call to an async function can be awaited", "`len()` is not async: drop the `.await`");
            if (!mc.args().isEmpty()) argumentCount(mc.span(), "len", 0, mc.args().size());
            for (Expr a : mc.args()) check(a, null);
            return Type.U32;
        }
        if ((t instanceof Type.Array || t instanceof Type.Slice) && (mc.method().name().equals("fill") || mc.method().name().equals("copy_from_slice"))) {
            notAwaitable(mc, awaited);
            boolean fill = mc.method().name().equals("fill");
            Type element = t instanceof Type.Array a ? a.element() : ((Type.Slice) t).element();
            Type direct = shallow(receiverType);
            if (direct instanceof Type.Slice sl) { if (!sl.mutable()) diags.error("E0356", mc.receiver().span(), "`" + mc.method().name() + "` writes, and this slice is read-only", "take a `&mut` slice"); }
            else if (direct instanceof Type.Ref rr) { if (!rr.mutable()) diags.error("E0356", mc.receiver().span(), "`" + mc.method().name() + "` writes through a `&` reference"); }
            else mutablePlace(mc.receiver(), true);
            if (mc.args().size() != 1) argumentCount(mc.span(), mc.method().name(), 1, mc.args().size());
            if (!mc.args().isEmpty()) {
                Type want = fill ? element : new Type.Slice(element);
                coerce(want, mc.args().get(0), check(mc.args().get(0), want));
            }
            return Type.UNIT;
        }
        for (Expr a : mc.args()) check(a, null);
        if (!(t instanceof Type.Never))
            diags.error("E0385", mc.method().span(), "no method `" + mc.method().name() + "` on type `" + resolveForMessage(t) + "`",
                    t instanceof Type.Array || t instanceof Type.Slice ? "arrays and slices have `.len()`, `.fill(v)` and `.copy_from_slice(s)`"
                            : t instanceof Type.Float32 ? "`f32` has " + String.join(", ", FLOAT_METHODS) + " (0.2)"
                            : "give the type an `impl` block with the method, or call a function: `f(x)`");
        return Type.NEVER;
    }

    /** `u32.from_le_bytes(b)`: a call on an integer type's name, when no value of that name is in scope. */
    Type.Int associatedIntType(Expr.MethodCall mc) {
        if (!(mc.receiver() instanceof Expr.Name n)) return null;
        String name = n.ident().name();
        for (Map<String, Symbol.LocalVar> scope : scopes) if (scope.containsKey(name)) return null;
        return globals.containsKey(name) ? null : Type.intNamed(name);
    }

    Type checkIntegerFunction(Expr.MethodCall mc, Type.Int it, boolean awaited) {
        String m = mc.method().name();
        if (!IntegerMethods.isFunction(m)) {
            diags.error("E0385", mc.method().span(), "no function `" + m + "` on `" + it + "`",
                    "integer types have " + String.join(", ", IntegerMethods.FUNCTIONS) + "; methods are called on values: `x.pow(2)`");
            for (Expr a : mc.args()) check(a, null);
            return Type.NEVER;
        }
        notAwaitable(mc, awaited);
        if (mc.args().size() != 1) argumentCount(mc.span(), m, 1, mc.args().size());
        Type bytes = new Type.Array(Type.U8, it.size());
        if (!mc.args().isEmpty()) unify(bytes, check(mc.args().get(0), bytes), mc.args().get(0).span());
        for (int i = 1; i < mc.args().size(); i++) check(mc.args().get(i), null);
        return it;
    }

    /** The integer methods of 0.2 (IntegerMethods): Rust's signatures; the integer's type must be known, as in Rust. */
    Type checkIntegerMethod(Expr.MethodCall mc, Type receiver, boolean awaited) {
        String m = mc.method().name();
        Type t = shallow(receiver);
        if (!IntegerMethods.isMethod(m)) {
            for (Expr a : mc.args()) check(a, null);
            String best = Suggest.closest(m, IntegerMethods.METHODS);
            diags.error("E0385", mc.method().span(), "no method `" + m + "` on type `" + resolveForMessage(t) + "`",
                    best != null ? "did you mean `" + best + "`?" : "integers have " + String.join(", ", IntegerMethods.METHODS));
            return Type.NEVER;
        }
        notAwaitable(mc, awaited);
        if (!(t instanceof Type.Int it)) {
            for (Expr a : mc.args()) check(a, null);
            diags.error("E0394", mc.receiver().span(), "the type of this integer must be known to call `" + m + "`",
                    "give it a type: `5u32`, or `let x: u32 = ...`");
            return Type.NEVER;
        }
        int want = IntegerMethods.arity(m);
        if (mc.args().size() != want) argumentCount(mc.span(), m, want, mc.args().size());
        Type argType = m.equals("pow") ? Type.U32 : it;
        for (int i = 0; i < mc.args().size(); i++) {
            Expr a = mc.args().get(i);
            if (i < want) unify(argType, check(a, argType), a.span()); else check(a, null);
        }
        if (m.equals("abs") && !it.signed()) {
            diags.error("E0385", mc.method().span(), "`abs` needs a signed integer, found `" + it + "`", "an unsigned value is its own absolute value");
        }
        return IntegerMethods.resultType(m, it);
    }

    // ---------------------------------------------------------------- methods (0.2)

    static boolean hasSelf(Symbol.Fn f) {
        return !f.decl().params().isEmpty() && f.decl().params().get(0).name().name().equals("self");
    }

    /** The method `m` of a struct or enum type (from the module that declares the type), or null. */
    Symbol.Fn methodOf(Type t, String m) {
        String name = t instanceof Type.Struct st ? st.name() : t instanceof Type.Sum s && !s.isBuiltin() ? s.name() : t instanceof Type.Enum e ? e.name() : null;
        if (name == null) return null;
        int dot = name.lastIndexOf('.');
        ModuleScope home = null;
        for (ModuleScope ms : modulesByName.values()) if (ms.prefix().equals(dot < 0 ? "" : name.substring(0, dot + 1))) home = ms;
        if (home == null) return null;
        Symbol s = (home == current ? globals : home.globals()).get(name.substring(dot + 1) + "." + m);
        return s instanceof Symbol.Fn f ? f : null;
    }

    /** `p.len()`: the receiver becomes `self`, borrowed or copied as the method's first parameter says. */
    Type checkMethod(Expr.MethodCall mc, Symbol.Fn f, Type receiverType, boolean awaited) {
        String shown = mc.method().name();
        if (!hasSelf(f)) {
            diags.error("E0398", mc.span(), "`" + shown + "` takes no `self`: call it on the type, `" + f.name() + "(..)`");
            for (Expr a : mc.args()) check(a, null);
            return f.result();
        }
        out.resolutions.put(mc, f);
        noteCall(f);
        if (f.isAsync() && !awaited) reportNotAwaited(mc, shown);
        else if (!f.isAsync() && awaited) reportNotAsync(mc, shown);
        Type self = f.params().get(0);
        TypedProgram.SelfMode mode = self instanceof Type.Ref r ? (r.mutable() ? TypedProgram.SelfMode.REF_MUT : TypedProgram.SelfMode.REF) : TypedProgram.SelfMode.VALUE;
        Type rt = shallow(receiverType);
        if (mode == TypedProgram.SelfMode.REF_MUT) {
            if (rt instanceof Type.Ref r && !r.mutable())
                diags.error("E0356", mc.receiver().span(), "`" + shown + "` takes `&mut self`, but this is a shared reference", "pass a `&mut` reference");
            else if (!(rt instanceof Type.Ref)) mutablePlace(mc.receiver(), true);
        }
        out.methodSelf.put(mc, mode);
        if (mode == TypedProgram.SelfMode.VALUE) notCopied(mc.receiver(), derefAll(rt));   // `self` by value copies the receiver
        if (mc.args().size() != f.params().size() - 1) argumentCount(mc.span(), shown, f.params().size() - 1, mc.args().size());
        for (int i = 0; i < mc.args().size(); i++) {
            Type want = i + 1 < f.params().size() ? f.params().get(i + 1) : null;
            Type got = check(mc.args().get(i), want);
            if (want != null) coerce(want, mc.args().get(i), got);
        }
        return f.result();
    }

    void notAwaitable(Expr.MethodCall mc, boolean awaited) {
        if (awaited) diags.error("E0402", mc.span(), "only a call to an async function can be awaited",
                "`" + mc.method().name() + "()` is not async: drop the `.await`");
    }

    /** The closed flag is the top bit of a channel's 16-bit item count (runtime-c/channel.c). */
    static final long CLOSABLE_CAPACITY = 32767;

    /**
     * The built-in methods of `Channel<T, N>` and `Signal<T>`: `send(v)`/`recv()` (async),
     * `try_send(v) -> bool`, `try_recv(&mut out) -> bool`; `raise(v)` and `wait()` (async) on
     * signals. The receiver must be a place (a static or a local: the channel lives there).
     */
    Type checkChannelMethod(Expr.MethodCall mc, Type.Channel ch, boolean awaited) {
        String m = mc.method().name();
        boolean async = m.equals("send") || m.equals("recv") || m.equals("wait") || m.equals("next");
        boolean known = ch.isEvent() ? m.equals("emit") || m.equals("wait")
                : ch.signal() ? m.equals("raise") || m.equals("wait") || m.equals("try_recv")
                : m.equals("send") || m.equals("recv") || m.equals("try_send") || m.equals("try_recv") || m.equals("close") || m.equals("next");
        if (m.equals("close") && ch.capacity() > CLOSABLE_CAPACITY)
            diags.error("E0391", mc.span(), "a channel that is closed holds at most " + CLOSABLE_CAPACITY + " items, and this one " + ch.capacity(),
                    "its item count shares a 16-bit word with the closed flag");
        if (!known) {
            for (Expr a : mc.args()) check(a, null);
            diags.error("E0392", mc.method().span(), "no method `" + m + "` on `" + ch + "`",
                    ch.isEvent() ? "an Event has emit(v) and wait().await"
                            : ch.signal() ? "a Signal has raise(v), wait().await and try_recv(&mut out)"
                            : "a Channel has send(v).await, recv().await, next().await, try_send(v), try_recv(&mut out) and close()");
            return Type.NEVER;
        }
        if (async && !awaited) {
            diags.error("E0405", mc.span(), "`" + m + "` is async and its call is not awaited",
                    "write `" + m + "(...).await`, or use the non-blocking try_ form");
        } else if (!async && awaited) {
            diags.error("E0406", mc.span(), "`" + m + "` does not wait, so its result cannot be awaited", "remove `.await`");
        }
        int want = m.equals("recv") || m.equals("wait") || m.equals("next") || m.equals("close") ? 0 : 1;
        if (mc.args().size() != want) {
            argumentCount(mc.span(), m, want, mc.args().size());
        }
        if (!mc.args().isEmpty()) {
            Expr arg = mc.args().get(0);
            if (m.equals("try_recv")) {
                Type got = check(arg, new Type.Ref(true, ch.element()));
                unify(new Type.Ref(true, ch.element()), got, arg.span());
            } else {
                coerce(ch.element(), arg, check(arg, ch.element()));
            }
            for (int i = 1; i < mc.args().size(); i++) check(mc.args().get(i), null);
        }
        return switch (m) {
            case "recv", "wait" -> ch.element();
            case "next" -> Type.Sum.option(ch.element());
            case "try_send", "try_recv" -> Type.BOOL;
            default -> Type.UNIT;
        };
    }

    Type checkCall(Expr.Call c, boolean awaited) {
        if (!(c.callee() instanceof Expr.Name n)) {
            diags.error("E0305", c.callee().span(), "only named functions can be called");
            for (Expr arg : c.args()) check(arg, null);
            return Type.NEVER;
        }
        String name = n.ident().name();
        boolean shadowedByLocal = scopes.stream().anyMatch(s -> s.containsKey(name));
        Symbol g = shadowedByLocal ? null : globals.get(name);
        if (g == null && !shadowedByLocal && TypeChecker.BUILTINS.containsKey(name)) g = TypeChecker.BUILTINS.get(name);
        return checkCallTo(c, name, g, shadowedByLocal, n.span(), c.args(), awaited);
    }

    /** A call of {@code g} (named {@code name} as written) at {@code c}: a Call or a qualified MethodCall. */
    Type checkCallTo(Expr c, String name, Symbol g, boolean shadowedByLocal, Span nameSpan, List<Expr> args, boolean awaited) {
        if (g instanceof Symbol.Builtin b) {
            out.resolutions.put(c, b);
            if (b.async() && !awaited) reportNotAwaited(c, name);
            if (!b.async() && awaited) reportNotAsync(c, name);
            return checkBuiltin((Expr.Call) c, b);
        }
        if (!(g instanceof Symbol.Fn f)) {
            if (g == null && !shadowedByLocal && !globals.containsKey(name))
                diags.error("E0204", nameSpan, "cannot find function `" + name + "` in this scope", suggestion(name));
            else if (g != null || shadowedByLocal)
                diags.error("E0305", nameSpan, "`" + name + "` is not a function",
                        shadowedByLocal && globals.get(name) instanceof Symbol.Fn
                                ? new String[] {"a local variable `" + name + "` hides the function of that name here; rename one of them"}
                                : new String[0]);
            for (Expr arg : args) check(arg, null);
            return Type.NEVER;
        }
        out.resolutions.put(c, f);
        noteCall(f);
        Item.FnKind kind = f.decl().kind();
        if (kind == Item.FnKind.TASK || kind == Item.FnKind.TEST || kind == Item.FnKind.TEST_ASYNC) {
            diags.error("E0403", c.span(), "`" + name + "` is a " + (kind == Item.FnKind.TASK ? "task; start it with `spawn " + name + "(...)`" : "test and cannot be called"));
        } else if (f.isAsync() && !awaited) {
            reportNotAwaited(c, name);
        } else if (!f.isAsync() && awaited) {
            reportNotAsync(c, name);
        }
        if (f.qualifiedName().equals("main") && f.isAsync()) diags.error("E0404", c.span(), "`main` is the entry task and cannot be called");
        if (args.size() != f.params().size()) {
            argumentCount(c.span(), name, f.params().size(), args.size());
        }
        for (int i = 0; i < args.size(); i++) {
            Type want = i < f.params().size() ? f.params().get(i) : null;
            Type got = check(args.get(i), want);
            if (want != null) coerce(want, args.get(i), got);
        }
        return f.result();
    }

    void reportNotAwaited(Expr c, String name) {
        // A method call reads best as written (`p.settle().await`); a long one by its shape.
        String call = c instanceof Expr.MethodCall && !sourceText(c).contains("\n") && sourceText(c).length() <= 40
                ? sourceText(c) : c instanceof Expr.MethodCall mc ? "x." + mc.method().name() + "(...)" : name + "(...)";
        diags.error("E0405", c.span(), "`" + name + "` is async and its call is not awaited",
                "a future is not a value in Mote: write `" + call + ".await`");
    }

    void reportNotAsync(Expr c, String name) {
        diags.error("E0406", c.span(), "`" + name + "` is not async, so its result cannot be awaited", "remove `.await`");
    }

    Type checkBuiltin(Expr.Call c, Symbol.Builtin b) {
        List<Expr> args = c.args();
        switch (b.name()) {
            case "print", "println" -> {
                if (args.isEmpty() || !(args.get(0) instanceof Expr.StrLit fmt)) {
                    diags.error("E0360", c.span(), "`" + b.name() + "` needs a string literal as its first argument",
                            "e.g. " + b.name() + "(\"x = {}\", x)");
                    for (Expr a : args) if (!(a instanceof Expr.StrLit)) check(a, null);
                    return Type.UNIT;
                }
                List<TypedProgram.FormatPart> parts = parseFormat(fmt);
                if (parts == null) {   // already reported; don't add a count mismatch on top
                    for (int i = 1; i < args.size(); i++) check(args.get(i), null);
                    return Type.UNIT;
                }
                out.formats.put(c, parts);
                long holes = parts.stream().filter(p -> p instanceof TypedProgram.FormatPart.Placeholder).count();
                if (holes != args.size() - 1) {
                    diags.error("E0361", c.span(), "the format string has " + holes + " placeholder" + (holes == 1 ? "" : "s")
                            + " but " + (args.size() - 1) + " argument" + (args.size() == 2 ? " was" : "s were") + " given");
                }
                int argIndex = 1;
                for (TypedProgram.FormatPart p : parts) {
                    if (!(p instanceof TypedProgram.FormatPart.Placeholder ph) || argIndex >= args.size()) continue;
                    Expr arg = args.get(argIndex++);
                    checkPrintable(arg, shallow(check(arg, null)), ph.spec());
                }
                for (int i = argIndex; i < args.size(); i++) check(args.get(i), null);
                return Type.UNIT;
            }
            case "exit" -> {
                expectArgs(c, b, 1);
                if (!args.isEmpty()) unify(Type.I32, check(args.get(0), Type.I32), args.get(0).span());
                return Type.NEVER;
            }
            case "assert" -> {
                expectArgs(c, b, 1);
                if (!args.isEmpty()) unify(Type.BOOL, check(args.get(0), Type.BOOL), args.get(0).span());
                return Type.UNIT;
            }
            case "assert_eq" -> {
                expectArgs(c, b, 2);
                if (args.size() >= 2) {
                    Type l = check(args.get(0), null);
                    Type r = check(args.get(1), l);
                    Type s;
                    if (shallow(l) instanceof Type.Ref && shallow(r) instanceof Type.Ref) {
                        // Two references: what they point to, as Rust's assert_eq! compares.
                        Type lv = referent(l);
                        unify(lv, referent(r), args.get(1).span());
                        out.operandDerefs.add(args.get(0));
                        out.operandDerefs.add(args.get(1));
                        s = shallow(lv);
                    } else {
                        unify(l, r, args.get(1).span());
                        s = shallow(l);
                    }
                    if (!(isInt(s) || s instanceof Type.Bool || s instanceof Type.Enum || s instanceof Type.Never))
                        diags.error("E0363", c.span(), "`assert_eq` compares integers, bools or enums, not `" + resolveForMessage(s) + "`");
                }
                return Type.UNIT;
            }
            case "panic" -> {
                if (args.size() != 1 || !(args.get(0) instanceof Expr.StrLit))
                    diags.error("E0364", c.span(), "`panic` takes one string literal: panic(\"what went wrong\")");
                return Type.NEVER;
            }
            case "unreachable" -> { expectArgs(c, b, 0); return Type.NEVER; }
            case "sleep_ms", "sleep_us" -> {
                expectArgs(c, b, 1);
                if (!args.isEmpty()) unify(Type.U32, check(args.get(0), Type.U32), args.get(0).span());
                return Type.UNIT;
            }
            case "sleep_until" -> {
                expectArgs(c, b, 1);
                if (!args.isEmpty()) unify(Type.U64, check(args.get(0), Type.U64), args.get(0).span());
                return Type.UNIT;
            }
            case "ticks" -> { expectArgs(c, b, 0); return Type.U64; }
            case "yield_now" -> { expectArgs(c, b, 0); return Type.UNIT; }
            default -> throw new IllegalStateException("builtin " + b.name());
        }
    }

    void expectArgs(Expr.Call c, Symbol.Builtin b, int n) {
        if (c.args().size() != n) {
            argumentCount(c.span(), b.name(), n, c.args().size());
            for (int i = n; i < c.args().size(); i++) check(c.args().get(i), null);
        }
    }

    /** f32's methods (0.2): those that need no libm. */
    static final List<String> FLOAT_METHODS = List.of("abs", "min", "max", "is_nan");

    /** Integer methods' `Option` results and the methods of Option and Result. */
    Type checkSumMethod(Expr.MethodCall mc, Type.Sum s, boolean awaited) {
        String m = mc.method().name();
        List<String> known = s.isOption() ? List.of("is_some", "is_none", "unwrap", "unwrap_or") : List.of("is_ok", "is_err", "unwrap", "unwrap_or");
        if (!known.contains(m)) {
            for (Expr a : mc.args()) check(a, null);
            String best = Suggest.closest(m, known);
            diags.error("E0385", mc.method().span(), "no method `" + m + "` on type `" + resolveForMessage(s) + "`",
                    best != null ? "did you mean `" + best + "`?" : "it has " + String.join(", ", known) + "; or `match` on it");
            return Type.NEVER;
        }
        notAwaitable(mc, awaited);
        int want = m.equals("unwrap_or") ? 1 : 0;
        if (mc.args().size() != want) argumentCount(mc.span(), m, want, mc.args().size());
        for (int i = 0; i < mc.args().size(); i++) {
            Expr a = mc.args().get(i);
            if (i < want) coerce(s.args().get(0), a, check(a, s.args().get(0))); else check(a, null);
        }
        return m.startsWith("is_") ? Type.BOOL : s.args().get(0);
    }
}

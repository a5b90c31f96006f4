package mote.types;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mote.ast.Expr;
import mote.ast.Ident;
import mote.ast.Item;
import mote.ast.Module;
import mote.ast.Pattern;
import mote.ast.Stmt;
import mote.ast.TypeExpr;
import mote.diag.Diagnostics;
import mote.diag.Span;
import mote.parse.Parser;
import mote.diag.Suggest;

/**
 * Names and types: resolves every name, infers the type of every expression and checks the
 * async rules (a future is awaited where it is made; `.await` only in async code).
 *
 * Integer literals without a suffix get an inference variable; variables are unified as in
 * Rust across the whole function body and default to `i32` when nothing decides them. Errors
 * are reported and checking goes on, so one run shows every independent error; a type that
 * could not be resolved becomes the error type (Never), which accepts anything, so one
 * mistake is reported once.
 *
 * Items are declared in phases so that they may be used in any order: type names, then value
 * names, consts and enum discriminants (array lengths use them) in {@link ItemOrder}'s order,
 * struct layouts, fn signatures, statics (in that order too) and registers, then bodies. Each module of a multi-file program has its own scope; another
 * module's items are reached as `m.item` where `m` is imported.
 */
public final class TypeChecker {
    private static final Map<String, Symbol.Builtin> BUILTINS = new LinkedHashMap<>();
    static {
        for (String s : List.of("print", "println", "exit", "assert", "assert_eq", "panic", "unreachable"))
            BUILTINS.put(s, new Symbol.Builtin(s, false));
        BUILTINS.put("yield_now", new Symbol.Builtin("yield_now", true));
        BUILTINS.put("sleep_ms", new Symbol.Builtin("sleep_ms", true));
        BUILTINS.put("sleep_us", new Symbol.Builtin("sleep_us", true));
        BUILTINS.put("sleep_until", new Symbol.Builtin("sleep_until", true));
        BUILTINS.put("ticks", new Symbol.Builtin("ticks", false));
    }

    private final Diagnostics diags;
    /** The items of the module being checked (each module has its own; see {@link ModuleScope}). */
    private Map<String, Symbol> globals = new LinkedHashMap<>();
    private Map<String, Type> typeNames = new LinkedHashMap<>();
    private ModuleScope current;
    private final Map<String, ModuleScope> modulesByName = new LinkedHashMap<>();
    private final Map<Symbol.Fn, ModuleScope> fnModules = new java.util.IdentityHashMap<>();

    /**
     * One module's names. Inside a module its own items are named plainly; another module's
     * items are named `m.item`, and only in a module that imports `m`. Symbols of the root
     * module keep their plain names; the others are qualified (`uart.write`), so names may
     * clash across modules.
     */
    private record ModuleScope(Module module, Map<String, Symbol> globals, Map<String, Type> types, java.util.Set<String> imports, String prefix) {}

    private void enter(ModuleScope m) {
        current = m;
        globals = m.globals();
        typeNames = m.types();
    }

    private void enter(Module m) { enter(modulesByName.get(m.name())); }
    private TypedProgram out;

    // Per-function state.
    private Symbol.Fn currentFn;
    private final Deque<Map<String, Symbol.LocalVar>> scopes = new ArrayDeque<>();
    private final Deque<LoopCtx> loops = new ArrayDeque<>();
    private final List<Type> varBindings = new ArrayList<>();   // index = Var id; null = unbound
    private final List<int[]> varParents = new ArrayList<>();
    private final List<Expr> checkedExprs = new ArrayList<>();
    /** Data enums (0.2) and their declarations, whose variants {@link #defineSums} fills in. */
    private final Map<Type.Sum, Item.Enum> sumDecls = new LinkedHashMap<>();
    /** Type variables of any type (as opposed to integer literals'): `None`'s T until something decides it. */
    private final java.util.Set<Integer> generalVars = new java.util.HashSet<>();
    private record GeneralUse(Type.Var var, Span at, String what) {}
    private final List<GeneralUse> generalUses = new ArrayList<>();
    /** Patterns checked in this body, resolved (and their constants evaluated) at its end. */
    private final List<Pattern> bodyPatterns = new ArrayList<>();
    /** Patterns that must match every value (`let (a, b) = t;`), and matches, checked at the body's end. */
    private final List<Pattern> irrefutable = new ArrayList<>();
    private final Map<Symbol.LocalVar, Pattern> bindingPatterns = new java.util.IdentityHashMap<>();
    private final List<Symbol.LocalVar> fnLocals = new ArrayList<>();
    /** Locals declared without a value (`let x: T;`): assigning one that is not `mut` needs its own wording. */
    private final java.util.Set<Symbol.LocalVar> declaredWithoutValue = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    private final List<LiteralUse> literals = new ArrayList<>();

    private record LiteralUse(Expr.IntLit lit, boolean negated) {}

    private static final class LoopCtx {
        final Expr loop;
        final boolean isLoop;   // `loop` can break with a value; while/for cannot
        final Ident label;
        Type breakType;
        LoopCtx(Expr loop, boolean isLoop, Ident label) { this.loop = loop; this.isLoop = isLoop; this.label = label; }
    }

    /**
     * The loop a `break`/`continue` leaves: the innermost, or the one its label names. Null
     * (reported) when there is none, or when it lies outside the `join`/`race` branch it is in.
     */
    private LoopCtx loopTarget(Expr jump, Ident label, String what) {
        if (loops.isEmpty()) {
            diags.error("E0340", jump.span(), "`" + what + "` outside of a loop");
            return null;
        }
        int depth = loops.size();
        LoopCtx found = null;
        for (LoopCtx ctx : loops) {   // innermost first
            if (label == null || (ctx.label != null && ctx.label.name().equals(label.name()))) { found = ctx; break; }
            depth--;
        }
        if (found == null) {
            List<String> known = new ArrayList<>();
            for (LoopCtx ctx : loops) if (ctx.label != null) known.add(ctx.label.name());
            String best = Suggest.closest(label.name(), known);
            diags.error("E0344", label.span(), "no enclosing loop is labelled `'" + label.name() + "`",
                    best != null ? "did you mean `'" + best + "`?" : known.isEmpty() ? "label the loop: `'" + label.name() + ": loop { }`"
                            : "the enclosing loops are labelled " + String.join(", ", known.stream().map(k -> "`'" + k + "`").toList()));
            return null;
        }
        if (branchLoopDepth >= 0 && depth <= branchLoopDepth) {
            diags.error("E0409", jump.span(), "`" + what + "` cannot leave a `join`/`race` branch", "let the branch end instead");
            return null;
        }
        out.loopTargets.put(jump, found.loop);
        return found;
    }

    private TypeChecker(Diagnostics diags) { this.diags = diags; }

    public static TypedProgram check(List<Module> modules, Diagnostics diags) {
        return new TypeChecker(diags).run(modules);
    }

    private TypedProgram run(List<Module> modules) {
        List<Symbol.Fn> fns = new ArrayList<>();
        List<Symbol.Static> statics = new ArrayList<>();
        out = new TypedProgram(modules, fns, statics);
        for (int i = 0; i < modules.size(); i++) {
            Module m = modules.get(i);
            java.util.Set<String> imports = new java.util.LinkedHashSet<>();
            for (Item item : m.items()) if (item instanceof Item.Import imp) imports.add(imp.name().name());
            modulesByName.putIfAbsent(m.name(), new ModuleScope(m, new LinkedHashMap<>(), new LinkedHashMap<>(), imports, i == 0 ? "" : m.name() + "."));
        }
        // Type names first: every signature, field and local may use them.
        for (Module m : modules) {
            enter(m);
            for (Item item : m.items()) {
                if (item instanceof Item.Struct st) declareType(st.name(), new Type.Struct(current.prefix() + st.name().name()));
                else if (item instanceof Item.Enum en && en.variants().stream().anyMatch(Item.Variant::hasData)) {
                    Type.Sum sum = new Type.Sum(current.prefix() + en.name().name(), List.of());
                    if (declareType(en.name(), sum)) sumDecls.put(sum, en);
                } else if (item instanceof Item.Enum en && declareType(en.name(), unnumbered(en))) numberedLater.add(en);
            }
        }
        // Then every value name: items may be used before they are declared.
        List<Item.Fn> fnDecls = new ArrayList<>();
        List<ModuleScope> fnScopes = new ArrayList<>();
        for (Module m : modules) {
            enter(m);
            for (Item item : m.items()) {
                if (item instanceof Item.Fn f) { if (declare(f.name().name(), null, f.name().span())) { fnDecls.add(f); fnScopes.add(current); }
                } else if (item instanceof Item.Const c) { declare(c.name().name(), null, c.name().span());
                } else if (item instanceof Item.Static st) { declare(st.name().name(), null, st.name().span());
                } else if (item instanceof Item.Register r) { declare(r.name().name(), null, r.name().span());
                } else if (item instanceof Item.Interrupt irq) { declareInterrupt(irq, fnDecls, fnScopes);
                } else if (item instanceof Item.Impl impl) {
                    Type t = typeNames.get(impl.type().name());
                    if (!(t instanceof Type.Struct || t instanceof Type.Sum || t instanceof Type.Enum)) {
                        diags.error("E0301", impl.type().span(), "`impl` needs a struct or enum declared in this file, and `" + impl.type().name() + "` is not one");
                        continue;
                    }
                    for (Item.Fn f : impl.methods()) {
                        if (declare(f.name().name(), null, f.name().span())) { fnDecls.add(f); fnScopes.add(current); }
                    }
                } else if (item instanceof Item.Struct || item instanceof Item.Enum || item instanceof Item.Import) { // declared above
                } else { diags.error("E0399", item.span(), "this kind of item is not supported yet");
                }
            }
        }
        // Constants and enum discriminants next, each after the items it names (ItemOrder), so
        // array lengths, statics and functions see their values.
        ItemOrder.Order order = ItemOrder.of(modules, diags);
        for (Module m : modules) {   // an item in a cycle (E0508) has no value: the error type, so nothing more is said about it
            enter(m);
            for (Item item : m.items()) {
                if (!order.cyclic().contains(item)) continue;
                if (item instanceof Item.Const c) globals.put(c.name().name(), new Symbol.Const(c.name().name(), c, Type.NEVER, 0));
                else if (item instanceof Item.Static st) globals.put(st.name().name(), new Symbol.Static(st.name().name(), current.prefix() + st.name().name(), st, Type.NEVER, st.mutable(), 0));
            }
        }
        for (ItemOrder.Node n : order.nodes()) {
            enter(n.module());
            if (n.item() instanceof Item.Const c) globals.put(c.name().name(), checkConst(c));
            else if (n.item() instanceof Item.Enum en && numberedLater.contains(en)) typeNames.put(en.name().name(), checkEnum(en));
        }
        defineSums(modules);
        defineStructs(modules);
        for (int i = 0; i < fnDecls.size(); i++) {
            Item.Fn f = fnDecls.get(i);
            enter(fnScopes.get(i));
            List<Type> params = new ArrayList<>();
            for (Item.Param p : f.params()) params.add(resolveType(p.type()));
            Type result = f.returnType() == null ? Type.UNIT : resolveType(f.returnType());
            String irq = handlerOf.get(f);
            boolean handler = irq != null;
            Symbol.Fn sym = new Symbol.Fn(f.name().name(), handler ? f.name().name() : current.prefix() + f.name().name(), f, params, result, irq);
            if (!handler) globals.put(f.name().name(), sym);
            fnModules.put(sym, current);
            fns.add(sym);
            if ((f.kind() == Item.FnKind.TEST || f.kind() == Item.FnKind.TEST_ASYNC) && (!params.isEmpty() || !(result instanceof Type.Unit)))
                diags.error("E0414", f.name().span(), "test `" + f.name().name() + "` must take no parameters and return nothing",
                        "a test passes by returning and fails by panicking: use `assert`/`assert_eq`");
        }
        // Statics in the same order (an initializer may read an earlier-computed immutable static), then registers.
        for (ItemOrder.Node n : order.nodes()) {
            if (!(n.item() instanceof Item.Static st)) continue;
            enter(n.module());
            Symbol.Static sym = checkStatic(st);
            globals.put(st.name().name(), sym);
            statics.add(sym);
        }
        for (Module m : modules) {
            enter(m);
            for (Item item : m.items()) if (item instanceof Item.Register r) globals.put(r.name().name(), checkRegister(r));
        }
        for (Symbol.Fn f : fns) {
            enter(fnModules.get(f));
            checkFn(f);
        }
        enter(modules.get(0));
        checkMain(modules);
        checkTasks();
        return out;
    }


    /** Interrupt handlers by board IRQ name; their bodies are checked as sync fns named `irq.NAME`. */
    private final Map<String, Item.Interrupt> interrupts = new LinkedHashMap<>();
    /** The IRQ name of each handler's fn declaration. */
    private final Map<Item.Fn, String> handlerOf = new java.util.IdentityHashMap<>();

    private void declareInterrupt(Item.Interrupt irq, List<Item.Fn> fnDecls, List<ModuleScope> fnScopes) {
        String name = irq.name().name();
        if (interrupts.containsKey(name)) {
            diags.error("E0211", irq.name().span(), "two handlers for interrupt `" + name + "`");
            return;
        }
        interrupts.put(name, irq);
        // The handler is a sync fn without parameters; `irq.` cannot clash with a Mote name.
        Item.Fn handler = new Item.Fn(irq.span(), Item.FnKind.SYNC, 1, new Ident(INTERRUPT_PREFIX + name, irq.name().span()), List.of(), null, irq.body());
        handlerOf.put(handler, name);
        fnDecls.add(handler);
        fnScopes.add(current);
    }

    /** The prefix of the name of `interrupt NAME() { }`'s fn, {@code irq.NAME} (its linkage name too); whether a fn is a handler is {@link Symbol.Fn#interrupt}. */
    private static final String INTERRUPT_PREFIX = "irq.";

    private boolean declareType(Ident name, Type t) {
        if (typeNames.containsKey(name.name()) || Type.intNamed(name.name()) != null || name.name().equals("bool") || name.name().equals("f32")) {
            diags.error("E0201", name.span(), "type `" + name.name() + "` is defined more than once");
            return false;
        }
        typeNames.put(name.name(), t);
        return true;
    }

    /** Enums declared by name, whose discriminants {@link #checkEnum} computes in ItemOrder's order. */
    private final java.util.Set<Item.Enum> numberedLater = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    /**
     * An enum's type before its discriminants are known (they may name consts): what it stands
     * for until ItemOrder reaches it, and for good when it is in a cycle (E0508). Nothing reads
     * its values meanwhile, as whatever names the enum comes after it in that order.
     */
    private Type.Enum unnumbered(Item.Enum en) {
        List<String> names = en.variants().stream().map(v -> v.name().name()).toList();
        List<Long> values = new ArrayList<>();
        for (long i = 0; i < names.size(); i++) values.add(i);
        return new Type.Enum(current.prefix() + en.name().name(), names, values, Type.U8);
    }

    /** Discriminants as in Rust: written values, otherwise one more than the previous one. */
    private Type.Enum checkEnum(Item.Enum en) {
        List<String> names = new ArrayList<>();
        List<Long> values = new ArrayList<>();
        long next = 0;
        for (Item.Variant v : en.variants()) {
            long value = next;
            if (v.value() != null) {
                beginBody(null);
                check(v.value(), Type.I64);
                endBody();
                value = new ConstEval(out, globals, diags).eval(v.value(), Type.I64);
            }
            if (names.contains(v.name().name())) diags.error("E0205", v.name().span(), "variant `" + v.name().name() + "` is declared twice in `" + en.name().name() + "`");
            else if (values.contains(value)) diags.error("E0506", v.span(), "discriminant " + value + " is used twice in `" + en.name().name() + "`",
                    "give each variant its own value");
            names.add(v.name().name());
            values.add(value);
            next = value + 1;
        }
        if (names.isEmpty()) diags.error("E0206", en.name().span(), "enum `" + en.name().name() + "` has no variants");
        long min = values.stream().mapToLong(Long::longValue).min().orElse(0), max = values.stream().mapToLong(Long::longValue).max().orElse(0);
        Type.Int repr = min >= 0 ? (max <= 0xFF ? Type.U8 : max <= 0xFFFF ? Type.U16 : max <= 0xFFFF_FFFFL ? Type.U32 : Type.U64)
                : (min >= -128 && max <= 127 ? Type.I8 : min >= -32768 && max <= 32767 ? Type.I16
                : min >= Integer.MIN_VALUE && max <= Integer.MAX_VALUE ? Type.I32 : Type.I64);
        return new Type.Enum(current.prefix() + en.name().name(), names, values, repr);
    }

    /** Resolves struct fields, then lays structs out, inner ones first; a struct containing itself is an error. */
    private void defineStructs(List<Module> modules) {
        Map<Type.Struct, Item.Struct> decls = new LinkedHashMap<>();
        Map<Type.Struct, List<Type>> fieldTypes = new LinkedHashMap<>();
        for (Module m : modules) {
            enter(m);
            for (Item item : m.items()) {
                if (!(item instanceof Item.Struct st) || !(typeNames.get(st.name().name()) instanceof Type.Struct t) || decls.containsKey(t)) continue;
                decls.put(t, st);
                List<Type> types = new ArrayList<>();
                List<String> seen = new ArrayList<>();
                for (Item.FieldDecl f : st.fields()) {
                    if (seen.contains(f.name().name())) diags.error("E0207", f.name().span(), "field `" + f.name().name() + "` is declared twice");
                    seen.add(f.name().name());
                    types.add(resolveType(f.type()));
                }
                fieldTypes.put(t, types);
            }
        }
        Map<Type.Struct, Integer> state = new java.util.HashMap<>();   // 1 in progress, 2 done
        Map<Type.Struct, Integer> depth = new java.util.HashMap<>();
        for (Type.Struct t : decls.keySet()) layout(t, 0, decls, fieldTypes, state, depth);
    }

    /** Structs held by value inside a tuple or an enum variant (not {@code t} itself). */
    private static List<Type.Struct> structsInside(Type t, java.util.Set<Type> seen) {
        List<Type.Struct> found = new ArrayList<>();
        if (!seen.add(t)) return found;
        List<Type> parts = t instanceof Type.Tuple tu ? tu.elements() : t instanceof Type.Array a ? List.of(a.element())
                : t instanceof Type.Sum s ? (s.isBuiltin() ? s.args() : s.variants().stream().flatMap(v -> v.fields().stream()).toList()) : List.of();
        for (Type p : parts) {
            if (p instanceof Type.Struct st) found.add(st);
            found.addAll(structsInside(p, seen));
        }
        return found;
    }

    /**
     * Lays out {@code t} after the structs it holds by value; returns its depth (1 + its deepest
     * field, each array level counting one). {@code above} is how deep the struct that led here
     * sits: past {@link Parser#MAX_NESTING} levels of structs and arrays the field is E0039, so
     * that this recursion and every later walk over the type stay shallow.
     */
    private int layout(Type.Struct t, int above, Map<Type.Struct, Item.Struct> decls, Map<Type.Struct, List<Type>> fieldTypes,
                       Map<Type.Struct, Integer> state, Map<Type.Struct, Integer> depth) {
        Integer st = state.get(t);
        if (st != null && st == 2) return depth.get(t);
        state.put(t, 1);
        List<Type> types = fieldTypes.get(t);
        Item.Struct decl = decls.get(t);
        int deepest = 0;
        for (int i = 0; i < types.size(); i++) {
            Type inner = types.get(i);
            int arrays = 0;
            while (inner instanceof Type.Array a) {
                inner = a.element();
                arrays++;
            }
            int fieldDepth = arrays;
            boolean cyclic = false;
            for (Type.Struct nested : structsInside(inner, new java.util.HashSet<>())) {   // in tuples and enum variants: laid out first
                if (!decls.containsKey(nested)) continue;
                if (Integer.valueOf(1).equals(state.get(nested))) {
                    diags.error("E0303", decl.fields().get(i).type().span(), "struct `" + t.name() + "` contains itself, so its size is infinite",
                            "store a reference instead: `&" + nested.name() + "`");
                    cyclic = true;
                    break;
                }
                layout(nested, Math.min(above + 1, Parser.MAX_NESTING), decls, fieldTypes, state, depth);
            }
            if (cyclic) { types.set(i, Type.I32); continue; }
            if (inner instanceof Type.Struct s && decls.containsKey(s)) {
                if (Integer.valueOf(1).equals(state.get(s))) {
                    diags.error("E0303", decl.fields().get(i).type().span(), "struct `" + t.name() + "` contains itself, so its size is infinite",
                            "store a reference instead: `&" + s.name() + "`");
                    types.set(i, Type.I32);
                    continue;
                }
                int below = above + 1 + arrays;
                int sDepth = below >= Parser.MAX_NESTING ? Parser.MAX_NESTING : layout(s, below, decls, fieldTypes, state, depth);
                if (below + sDepth > Parser.MAX_NESTING) {
                    diags.error("E0039", decl.fields().get(i).type().span(), "struct `" + s.name() + "` is nested too deeply to compile here",
                            "a type may hold structs and arrays in each other at most " + Parser.MAX_NESTING
                                    + " levels deep; store a reference (`&" + s.name() + "`) instead");
                    types.set(i, Type.I32);
                    continue;
                }
                fieldDepth += sDepth;
            }
            deepest = Math.max(deepest, fieldDepth);
        }
        t.define(decl.fields().stream().map(f -> f.name().name()).toList(), types);
        state.put(t, 2);
        depth.put(t, deepest + 1);
        return deepest + 1;
    }

    private boolean declare(String name, Symbol sym, Span span) {
        if (globals.containsKey(name)) {
            diags.error("E0201", span, "`" + name + "` is defined more than once");
            return false;
        }
        if (BUILTINS.containsKey(name)) {
            diags.error("E0202", span, "`" + name + "` is a built-in function and cannot be redefined");
            return false;
        }
        globals.put(name, sym);
        return true;
    }

    /** E0306: "`f` takes 2 arguments but 1 was given". */
    private void argumentCount(Span at, String name, int want, int given) {
        diags.error("E0306", at, "`" + name + "` takes " + want + " argument" + (want == 1 ? "" : "s")
                + " but " + given + (given == 1 ? " was" : " were") + " given");
    }

    /** Loop depth at the start of the `join`/`race` branch being checked; -1 outside branches. */
    private int branchLoopDepth = -1;

    /**
     * `join { } and { }` / `race { } or { }`: each branch is a unit block of the enclosing
     * async fn; control may not jump out of a branch (it would abandon the others silently).
     */
    /**
     * A `join` or `race`. As an expression (0.2) a `race` takes the type its branches share (the
     * winner's value) and a `join` a tuple of its branches' values; when every branch is `()`
     * (or never ends) both are `()`, the 0.1 statement forms.
     */
    private Type checkBranches(Span span, String what, List<Expr.Block> branches, Type expected) {
        if (currentFn == null || !currentFn.isAsync())
            diags.error("E0401", span, "`" + what + "` is only allowed inside async functions and tasks");
        if (criticalDepth > 0)
            diags.error("E0407", span, "`" + what + "` inside a `critical` block", "end the critical block first");
        if (branches.size() < 2)
            diags.error("E0418", span, "a `" + what + "` needs at least two branches");
        int saved = branchLoopDepth;
        branchLoopDepth = loops.size();
        boolean race = what.equals("race");
        List<Type> hints = !race && shallow(expected) instanceof Type.Tuple et && et.elements().size() == branches.size() ? et.elements() : null;
        Type shared = null;
        List<Type> types = new ArrayList<>();
        try {
            for (int i = 0; i < branches.size(); i++) {
                Expr.Block b = branches.get(i);
                if (race) {
                    Type t = check(b, shared != null && !(shallow(shared) instanceof Type.Never) ? shared : expected);
                    shared = shared == null ? t : joinBranches(shared, t, b.tail() != null ? b.tail().span() : b.span());
                } else {
                    types.add(check(b, hints == null ? null : hints.get(i)));
                }
            }
        } finally {
            branchLoopDepth = saved;
        }
        if (race) return shared == null || shallow(shared) instanceof Type.Never ? Type.UNIT : shared;
        if (types.stream().allMatch(t -> shallow(t) instanceof Type.Unit || shallow(t) instanceof Type.Never)) return Type.UNIT;
        return new Type.Tuple(types.stream().map(t -> shallow(t) instanceof Type.Never ? (Type) Type.UNIT : t).toList());
    }

    /** `spawn task(args)` (unit; panics when the pool is exhausted) or `try_spawn task(args)` (bool). */
    private Type checkSpawn(Expr.Spawn sp) {
        Expr.Call call = sp.call();
        Symbol target = call.callee() instanceof Expr.Name n ? globals.get(n.ident().name()) : null;
        if (!(target instanceof Symbol.Fn f) || f.decl().kind() != Item.FnKind.TASK) {
            String what = call.callee() instanceof Expr.Name n ? "`" + n.ident().name() + "`" : "this";
            diags.error("E0415", call.callee().span(), what + " is not a task; only a `task fn` can be spawned",
                    "declare it `task fn ...` (or `task(N) fn` for N instances)");
            for (Expr a : call.args()) check(a, null);
            return sp.isTry() ? Type.BOOL : Type.UNIT;
        }
        out.resolutions.put(call, f);
        if (call.args().size() != f.params().size()) {
            argumentCount(call.span(), f.name(), f.params().size(), call.args().size());
        }
        for (int i = 0; i < call.args().size(); i++) {
            Type want = i < f.params().size() ? f.params().get(i) : null;
            Type got = check(call.args().get(i), want);
            if (want != null) coerce(want, call.args().get(i), got);   // as for a call: &[T; N] passes as &[T]
        }
        record(call, Type.UNIT);
        return sp.isTry() ? Type.BOOL : Type.UNIT;
    }

    private void checkTasks() {
        for (Symbol s : globals.values()) {
            if (s instanceof Symbol.Fn f && f.decl().kind() == Item.FnKind.TASK) {
                if (!(f.result() instanceof Type.Unit))
                    diags.error("E0419", f.decl().returnType().span(), "a task returns nothing; `" + f.name() + "` returns `" + f.result() + "`",
                            "send results through a Channel or a static instead");
                if (f.decl().poolExpr() != null) {
                    Expr size = f.decl().poolExpr();
                    beginBody(null);
                    check(size, Type.U32);
                    endBody();
                    long n = new ConstEval(out, globals, diags).eval(size, Type.U32);
                    if (n < 1 || n > 65535) diags.error("E0416", size.span(), "a task pool needs 1 to 65535 instances, and this is " + n);
                    else out.poolSizes.put(f.decl(), (int) n);
                } else if (f.decl().poolSize() < 1)
                    diags.error("E0416", f.decl().name().span(), "a task pool needs at least one instance");
            }
        }
    }

    private void checkMain(List<Module> modules) {
        Symbol s = globals.get("main");
        if (s instanceof Symbol.Fn main) {
            if (main.decl().kind() != Item.FnKind.ASYNC)
                diags.error("E0410", main.decl().name().span(), "`main` must be declared `async fn main()`");
            else if (!main.params().isEmpty())
                diags.error("E0411", main.decl().name().span(), "`main` takes no parameters");
            else if (!(main.result() instanceof Type.Unit) && !main.result().equals(Type.I32))
                diags.error("E0412", main.decl().returnType().span(), "`main` returns `i32` or nothing, not `" + main.result() + "`");
        }
    }

    // ---------------------------------------------------------------- types as written

    private Type resolveType(TypeExpr te) {
        if (te instanceof TypeExpr.Unit u) { return Type.UNIT;
        } else if (te instanceof TypeExpr.Tuple tu) {
            List<Type> elements = new ArrayList<>();
            for (TypeExpr el : tu.elements()) elements.add(resolveType(el));
            if (elements.stream().anyMatch(Type::containsChannel)) {
                diags.error("E0393", tu.span(), "a tuple cannot hold a Channel, Signal, Event or Mutex", "put it in a struct or a static");
                return Type.NEVER;
            }
            return new Type.Tuple(elements);
        } else if (te instanceof TypeExpr.Named n && n.path().size() == 1 && !typeNames.containsKey(n.simpleName())
                && (n.simpleName().equals("Option") || n.simpleName().equals("Result"))) {
            boolean option = n.simpleName().equals("Option");
            if (n.args().size() != (option ? 1 : 2) || n.args().stream().anyMatch(a -> a instanceof TypeExpr.ConstArg)) {
                diags.error("E0393", n.span(), option ? "`Option` takes one type: `Option<u8>`" : "`Result` takes two types: `Result<u8, Error>`");
                return Type.NEVER;
            }
            List<Type> args = new ArrayList<>();
            for (TypeExpr a : n.args()) args.add(resolveType(a));
            if (args.stream().anyMatch(Type::containsChannel)) {
                diags.error("E0393", n.span(), "an `" + n.simpleName() + "` cannot hold a Channel, Signal, Event or Mutex");
                return Type.NEVER;
            }
            return option ? Type.Sum.option(args.get(0)) : Type.Sum.result(args.get(0), args.get(1));
        } else if (te instanceof TypeExpr.Named n) {
            if (n.path().size() == 1 && n.args().isEmpty()) {
                String name = n.simpleName();
                if (name.equals("bool")) return Type.BOOL;
                if (name.equals("f32")) return Type.F32;
                Type.Int t = Type.intNamed(name);
                if (t != null) return t;
                Type named = typeNames.get(name);
                if (named != null) return named;
            }
            if (n.path().size() == 2 && n.args().isEmpty()) {
                ModuleScope ms = importedModule(n.path().get(0).name());
                if (ms != null) {
                    Type named = ms.types().get(n.simpleName());
                    if (named != null) return named;
                    diags.error("E0209", n.path().get(1).span(), "module `" + ms.module().name() + "` has no type `" + n.simpleName() + "`",
                            hintFrom(n.simpleName(), ms.types().keySet()));
                    return Type.NEVER;   // the error type: accepts anything, so no follow-on errors
                }
            }
            if (n.path().size() == 1 && n.simpleName().equals("Channel")) {
                if (n.args().size() != 2 || n.args().get(1) instanceof TypeExpr.Named == false && !(n.args().get(1) instanceof TypeExpr.ConstArg)) {
                    diags.error("E0393", te.span(), "`Channel` takes an item type and a capacity: `Channel<u8, 16>`");
                    return Type.NEVER;
                }
                Type element = resolveType(n.args().get(0));
                Long cap = channelCapacity(n.args().get(1));
                if (cap == null) return Type.NEVER;
                return new Type.Channel(element, cap, false);
            }
            if (n.path().size() == 1 && n.simpleName().equals("Event")) {
                if (n.args().size() != 1 || n.args().get(0) instanceof TypeExpr.ConstArg) {
                    diags.error("E0393", te.span(), "`Event` takes one value type: `Event<u8>` (`Event<()>` for none)");
                    return Type.NEVER;
                }
                return new Type.Channel(resolveType(n.args().get(0)), 0, false);
            }
            if (n.path().size() == 1 && n.simpleName().equals("Mutex")) {
                if (n.args().size() != 1 || n.args().get(0) instanceof TypeExpr.ConstArg) {
                    diags.error("E0393", te.span(), "`Mutex` takes one value type: `Mutex<u32>`, `Mutex<State>`");
                    return Type.NEVER;
                }
                Type value = resolveType(n.args().get(0));
                if (Type.containsChannel(value)) {
                    diags.error("E0393", te.span(), "a `Mutex` holds plain data, not `" + value + "`",
                            "channels, signals, events and mutexes are safe to share as they are: keep them beside the mutex");
                    return Type.NEVER;
                }
                return new Type.Mutex(value);
            }
            if (n.path().size() == 1 && n.simpleName().equals("Signal")) {
                if (n.args().size() != 1) {
                    diags.error("E0393", te.span(), "`Signal` takes one item type: `Signal<u32>`");
                    return Type.NEVER;
                }
                return new Type.Channel(resolveType(n.args().get(0)), 1, true);
            }
            String missing = switch (n.simpleName()) {
                case "Box", "Vec", "String", "Rc", "Arc", "HashMap", "BTreeMap", "VecDeque" ->
                        "Mote has no heap (0.2): `" + n.simpleName() + "` does not exist; use an array `[T; N]`, a `&[u8]` or a `Channel<T, N>`";
                case "f64" -> "Mote has no `f64` (0.2): its one floating-point type is `f32`";
                case "str", "char" -> "Mote text is `&[u8]` (bytes); a character literal `'a'` is a `u8`";
                default -> null;
            };
            if (missing != null) {
                diags.error("E0301", te.span(), "unknown type `" + n.simpleName() + "`", missing);
                return Type.NEVER;
            }
            List<String> candidates = new ArrayList<>(List.of("bool", "f32", "u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "usize"));
            candidates.addAll(typeNames.keySet());
            String best = Suggest.closest(n.simpleName(), candidates);
            diags.error("E0301", te.span(), "unknown type `" + String.join(".", n.path().stream().map(i -> i.name()).toList()) + "`",
                    best != null ? "did you mean `" + best + "`?" : "the built-in types are bool, u8, u16, u32, u64, i8, i16, i32, i64, usize and f32");
            return Type.NEVER;   // the error type: accepts anything, so no follow-on errors
        } else if (te instanceof TypeExpr.Array a) {
            Type element = resolveType(a.element());
            Long n = constLength(a.length());
            if (n != null && (long) element.size() * n > MAX_ARRAY_BYTES) {
                diags.error("E0505", a.length().span(), "an array of " + n + " `" + element + "` is " + (long) element.size() * n
                        + " bytes, more than any board's memory", "arrays go up to " + MAX_ARRAY_BYTES + " bytes");
                n = null;
            }
            return n == null ? Type.NEVER : new Type.Array(element, n);   // the error type: no follow-on errors
        } else if (te instanceof TypeExpr.Slice sl) { return new Type.Slice(resolveType(sl.element()), sl.mutable());
        } else if (te instanceof TypeExpr.Ref r) { return new Type.Ref(r.mutable(), resolveType(r.target()));
        } else {
            diags.error("E0399", te.span(), "this type is not supported yet");
            return Type.NEVER;   // the error type: accepts anything, so no follow-on errors
        }
    }

    /** A channel's capacity: a constant expression (a literal or a const's name), 1 to 65535. */
    private Long channelCapacity(TypeExpr arg) {
        Expr value = arg instanceof TypeExpr.ConstArg c ? c.value()
                : new Expr.Name(arg.span(), ((TypeExpr.Named) arg).path().get(0));
        Long n = constLength(value);
        if (n == null) return null;
        if (n < 1 || n > 65535) {
            diags.error("E0391", arg.span(), "a channel's capacity must be between 1 and 65535, not " + n);
            return null;
        }
        return n;
    }

    /** The module {@code name} when the current module imports it, else null. */
    private ModuleScope importedModule(String name) {
        return current != null && current.imports().contains(name) ? modulesByName.get(name) : null;
    }

    /** The module a plain name denotes (`uart` in `uart.write`), unless a local hides it. */
    private ModuleScope moduleNamed(Expr e) {
        if (!(e instanceof Expr.Name n)) return null;
        String name = n.ident().name();
        if (scopes.stream().anyMatch(sc -> sc.containsKey(name)) || typeNames.containsKey(name) || globals.containsKey(name)) return null;
        return importedModule(name);
    }

    private static String[] hintFrom(String name, java.util.Collection<String> candidates) {
        String best = Suggest.closest(name, new ArrayList<>(candidates));
        return best == null ? new String[0] : new String[] {"did you mean `" + best + "`?"};
    }

    /** Beyond any Cortex-M's memory, and small enough that sizes stay exact in an int. */
    static final long MAX_ARRAY_LENGTH = 1L << 24, MAX_ARRAY_BYTES = 1L << 28;

    /** An array length or repeat count: a constant integer expression (literals, consts, + - * / % << >>, casts). */
    private Long constLength(Expr e) {
        Long v = new ConstEval(out, globals, diags).length(e, this::lengthName);
        if (v == null) return null;   // reported
        if (v < 0 || v > MAX_ARRAY_LENGTH) {
            diags.error("E0505", e.span(), "array length " + v + " is out of range", "lengths go from 0 to " + MAX_ARRAY_LENGTH);
            return null;
        }
        return v;
    }

    /** What a name in an array length denotes: a const (one of type Never when it is broken), or null. */
    private Symbol lengthName(Expr e) {
        if (e instanceof Expr.Name n) return globals.get(n.ident().name());
        if (e instanceof Expr.Field f && moduleNamed(f.target()) != null) return moduleNamed(f.target()).globals().get(f.field().name());
        return null;
    }

    // ---------------------------------------------------------------- consts and statics

    private Symbol.Const checkConst(Item.Const c) {
        Type declared = c.type() == null ? null : resolveType(c.type());
        if (Type.isAggregate(declared == null ? Type.UNIT : declared) || c.value() instanceof Expr.StructLit
                || c.value() instanceof Expr.ArrayLit || c.value() instanceof Expr.ArrayRepeat || c.value() instanceof Expr.StrLit
                || c.value() instanceof Expr.Tuple) {
            // Checked before struct fields are known (array lengths may use consts): reject early.
            diags.error("E0507", c.type() != null ? c.type().span() : c.value().span(),
                    "a `const` is an integer, a bool or an enum" + (declared != null ? ", not `" + declared + "`" : ""), "use a `static` for arrays, structs and strings");
            return new Symbol.Const(c.name().name(), c, Type.NEVER, 0);
        }
        beginBody(null);
        Type t = check(c.value(), declared);
        if (declared != null) unify(declared, t, c.value().span());
        endBody();
        Type resolved = resolve(declared != null ? declared : t);
        if (resolved instanceof Type.Never) return new Symbol.Const(c.name().name(), c, resolved, 0);   // already reported
        if (!(resolved instanceof Type.Int || resolved instanceof Type.Float32 || resolved instanceof Type.Bool || resolved instanceof Type.Enum)) {
            diags.error("E0507", c.type() != null ? c.type().span() : c.value().span(),
                    "a `const` is an integer, an f32, a bool or an enum, not `" + resolved + "`", "use a `static` for arrays, structs and strings");
            return new Symbol.Const(c.name().name(), c, Type.NEVER, 0);
        }
        long value = new ConstEval(out, globals, diags).eval(c.value(), resolved);
        return new Symbol.Const(c.name().name(), c, resolved, value);
    }

    private Symbol.Static checkStatic(Item.Static s) {
        Type declared = resolveType(s.type());
        long value = 0;
        byte[] image = null;
        java.util.SortedMap<Integer, byte[]> strings = new java.util.TreeMap<>();
        if (s.init() == null && (Type.startsZeroed(declared) || declared instanceof Type.Never)) {
            // Channels and signals start empty, which is all zero bytes; so do integers and
            // bools beside them in a struct (0, false): such a static has no initializer to write.
        } else if (s.init() == null) {
            diags.error("E0302", s.span(), "static `" + s.name().name() + "` needs an initializer",
                    Type.containsChannel(declared)
                            ? "a static without one starts zeroed, which only channels, signals, events, mutexes, integers and bools can"
                            : "only statics holding a `Channel<T, N>` or `Signal<T>` start without one");
        } else {
            beginBody(null);
            Type written = Type.valueOfMutexes(declared);   // `static M: Mutex<T> = v;`: v is a T
            Type t = check(s.init(), written);
            coerce(written, s.init(), t);
            endBody();
            ConstEval eval = new ConstEval(out, globals, diags, true);
            if (Type.isAggregate(declared)) { image = eval.image(s.init(), declared); strings = eval.strings; }
            else if (!(declared instanceof Type.Never)) value = eval.eval(s.init(), declared);   // Never: already reported
        }
        return new Symbol.Static(s.name().name(), current.prefix() + s.name().name(), s, declared, s.mutable(), value, image, strings);
    }

    private Symbol.Register checkRegister(Item.Register r) {
        Type t = resolveType(r.type());
        if (!(t.equals(Type.U8) || t.equals(Type.U16) || t.equals(Type.U32))) {
            diags.error("E0307", r.type().span(), "a register is a `u8`, `u16` or `u32`, not `" + t + "`");
            t = Type.U32;
        }
        beginBody(null);
        check(r.address(), Type.U32);
        endBody();
        long address = new ConstEval(out, globals, diags).eval(r.address(), Type.U32);
        if (address % t.size() != 0)
            diags.error("E0307", r.address().span(), "register address 0x" + Long.toHexString(address) + " is not aligned for `" + t + "`");
        return new Symbol.Register(r.name().name(), r, t, address);
    }

    // ---------------------------------------------------------------- functions

    private void beginBody(Symbol.Fn fn) {
        currentFn = fn;
        scopes.clear();
        loops.clear();
        branchLoopDepth = -1;
        varBindings.clear();
        varParents.clear();
        checkedExprs.clear();
        fnLocals.clear();
        literals.clear();
        pendingMatches.clear();
        generalVars.clear();
        generalUses.clear();
        bodyPatterns.clear();
        irrefutable.clear();
        scopes.push(new HashMap<>());
    }

    private void checkFn(Symbol.Fn fn) {
        Item.Fn decl = fn.decl();
        beginBody(fn);
        List<Symbol.LocalVar> params = new ArrayList<>();
        for (int i = 0; i < decl.params().size(); i++) {
            Item.Param p = decl.params().get(i);
            Symbol.LocalVar v = new Symbol.LocalVar(p.name().name(), fn.params().get(i), p.mutable(), p.name().span());
            if (scopes.peek().containsKey(v.name()))
                diags.error("E0203", p.name().span(), "parameter `" + v.name() + "` is declared twice");
            scopes.peek().put(v.name(), v);
            params.add(v);
        }
        out.paramVars.put(decl, params);
        Type bodyType = check(decl.body(), fn.result());
        if (!(bodyType instanceof Type.Never)) {
            Span at = decl.body().tail() != null ? decl.body().tail().span() : closingBrace(decl.body());
            if (!(fn.result() instanceof Type.Unit) && decl.body().tail() == null && !(bodyType instanceof Type.Never)) {
                diags.error("E0310", at, "function `" + fn.name() + "` must return `" + fn.result() + "` but its body ends without a value",
                        "end the body with an expression of type `" + fn.result() + "`, or `return` one");
            } else {
                if (decl.body().tail() != null) coerce(fn.result(), decl.body().tail(), bodyType);
                else unify(fn.result(), bodyType, at);
            }
        }
        endBody();
    }

    private static Span closingBrace(Expr.Block b) {
        return new Span(b.span().file(), Math.max(b.span().start(), b.span().end() - 1), b.span().end());
    }

    /** Resolves every recorded type, defaulting undecided integers to i32, and checks literals. */
    private void endBody() {
        for (Expr e : checkedExprs) out.types.put(e, resolve(out.types.get(e)));
        for (Symbol.LocalVar v : fnLocals) v.type = resolve(v.type);
        for (LiteralUse use : literals) {
            // `-1` as an unsigned type is already E0331 (the negation); the literal needs no second error.
            if (use.negated() && out.types.get(use.lit()) instanceof Type.Int u && !u.signed()) continue;
            if (out.types.get(use.lit()) instanceof Type.Int it && !it.fits(use.lit().value(), use.negated()))
                diags.error("E0320", use.lit().span(), "literal out of range for `" + it + "`",
                        "the range of `" + it + "` is " + rangeText(it));
        }
        for (GeneralUse g : generalUses) {
            if (shallow(g.var()) instanceof Type.Var) {
                diags.error("E0395", g.at(), "cannot infer the type of " + g.what(), "give it a type: `let x: Option<u8> = None;`");
                varBindings.set(find(g.var().id()), Type.UNIT);
            }
        }
        for (Pattern p : bodyPatterns) {
            Type t = resolve(out.patternTypes.get(p));
            out.patternTypes.put(p, t);
            Symbol.LocalVar b = out.patternBindings.get(p);
            if (b != null) b.type = resolve(b.type);
        }
        for (Expr e : checkedExprs) out.types.put(e, resolve(out.types.get(e)));
        for (Symbol.LocalVar v : fnLocals) v.type = resolve(v.type);
        ConstEval patternEval = new ConstEval(out, globals, diags);
        for (Pattern p : bodyPatterns) patternConstants(p, out.patternTypes.get(p), patternEval);
        for (Expr.Match m : pendingMatches) checkExhaustive(m);
        for (Pattern p : irrefutable) {
            List<String> missing = Exhaustiveness.missing(List.of(p), out.patternTypes.get(p), out);
            if (!missing.isEmpty())
                diags.error("E0373", p.span(), "this pattern does not match every value: " + String.join(", ", missing)
                        + (missing.size() == 1 ? " is" : " are") + " not matched", "use `let PATTERN = value else { return; };`, `if let` or `match`");
        }
        for (Map.Entry<Expr, Type> c : out.coercions.entrySet()) c.setValue(resolve(c.getValue()));
    }

    /** Checks that the arms without a guard cover every value (Exhaustiveness). */
    private void checkExhaustive(Expr.Match m) {
        Type t = out.types.get(m.scrutinee());
        if (t instanceof Type.Never) return;
        List<Pattern> rows = new ArrayList<>();
        for (Expr.MatchArm arm : m.arms()) if (arm.guard() == null) rows.add(arm.pattern());
        List<String> missing = Exhaustiveness.missing(rows, t, out);
        if (missing.isEmpty()) return;
        boolean guarded = m.arms().stream().anyMatch(a -> a.guard() != null);
        diags.error("E0371", m.scrutinee().span(), "`match` does not cover every value: " + String.join(", ", missing)
                        + (missing.size() == 1 ? " is" : " are") + " not covered",
                "add an arm for " + (missing.size() == 1 ? "it" : "them") + ", or a `_ => ...` arm"
                        + (guarded ? " (arms with an `if` guard do not count)" : ""));
    }

    private static int cmp(long a, long b, boolean signed) {
        return signed ? Long.compare(a, b) : Long.compareUnsigned(a, b);
    }

    private static String rangeText(Type.Int t) {
        if (!t.signed() && t.bits() == 64) return "0..=18446744073709551615";
        return t.min() + "..=" + t.max();
    }

    // ---------------------------------------------------------------- inference variables

    private Type freshVar() {
        int id = varBindings.size();
        varBindings.add(null);
        varParents.add(new int[] {id});
        return new Type.Var(id);
    }

    private int find(int id) {
        int p = varParents.get(id)[0];
        if (p == id) return id;
        int root = find(p);
        varParents.get(id)[0] = root;
        return root;
    }

    /** The current best knowledge of a type: a bound var becomes its binding. */
    private Type shallow(Type t) {
        if (t instanceof Type.Var v) {
            int r = find(v.id());
            Type b = varBindings.get(r);
            return b != null ? b : new Type.Var(r);
        }
        return t;
    }

    private Type resolve(Type t) {
        if (t == null) return null;
        Type s = shallow(t);
        if (s instanceof Type.Var) return isGeneral(s) ? Type.UNIT : Type.I32;
        if (s instanceof Type.Sum sum && sum.isBuiltin()) {
            return sum.isOption() ? Type.Sum.option(resolve(sum.args().get(0))) : Type.Sum.result(resolve(sum.args().get(0)), resolve(sum.args().get(1)));
        }
        if (s instanceof Type.Array a) return new Type.Array(resolve(a.element()), a.length());
        if (s instanceof Type.Ref r) return new Type.Ref(r.mutable(), resolve(r.target()));
        if (s instanceof Type.Slice sl) return new Type.Slice(resolve(sl.element()), sl.mutable());
        if (s instanceof Type.Tuple tu) return new Type.Tuple(tu.elements().stream().map(this::resolve).toList());
        return s;
    }

    /** Makes {@code actual} agree with {@code expected}; reports a mismatch at {@code at}. */
    private void unify(Type expected, Type actual, Span at) {
        Type a = shallow(expected), b = shallow(actual);
        if (a instanceof Type.Never || b instanceof Type.Never) return;
        if (a instanceof Type.Var va && b instanceof Type.Var vb) {
            // The integer variable stays the root when a general one meets it: the pair is an integer.
            if (va.id() != vb.id()) {
                if (isGeneral(vb) && !isGeneral(va)) varParents.get(vb.id())[0] = va.id();
                else varParents.get(va.id())[0] = vb.id();
            }
            return;
        }
        if (a instanceof Type.Var va) { bindVar(va, b, at); return; }
        if (b instanceof Type.Var vb) { bindVar(vb, a, at); return; }
        if (!sameShape(a, b)) {
            diags.error("E0308", at, "mismatched types: expected `" + resolveForMessage(a) + "`, found `" + resolveForMessage(b) + "`",
                    mismatchHelp(a, b));
            return;
        }
        // Same shape: unify what is inside (integer variables in array elements, ...).
        if (a instanceof Type.Array x && b instanceof Type.Array y) { unify(x.element(), y.element(), at); return; }
        if (a instanceof Type.Ref x && b instanceof Type.Ref y) { unify(x.target(), y.target(), at); return; }
        if (a instanceof Type.Slice x && b instanceof Type.Slice y) { unify(x.element(), y.element(), at); return; }
        if (a instanceof Type.Tuple x && b instanceof Type.Tuple y) {
            for (int i = 0; i < x.elements().size(); i++) unify(x.elements().get(i), y.elements().get(i), at);
            return;
        }
        if (a instanceof Type.Sum x && b instanceof Type.Sum y && x.isBuiltin()) {
            for (int i = 0; i < x.args().size(); i++) unify(x.args().get(i), y.args().get(i), at);
            return;
        }
        if (!a.equals(b)) {
            diags.error("E0308", at, "mismatched types: expected `" + a + "`, found `" + b + "`",
                    a instanceof Type.Int && b instanceof Type.Int ? new String[] {"convert with `as " + a + "`"} : new String[0]);
        }
    }

    /** Equal type constructors (element types are unified separately); `&mut T` is accepted where `&T` is expected. */
    private boolean sameShape(Type expected, Type actual) {
        if (expected instanceof Type.Array x) return actual instanceof Type.Array y && x.length() == y.length();
        if (expected instanceof Type.Ref x) return actual instanceof Type.Ref y && (!x.mutable() || y.mutable());
        if (expected instanceof Type.Slice x) return actual instanceof Type.Slice y && (!x.mutable() || y.mutable());
        if (expected instanceof Type.Tuple x) return actual instanceof Type.Tuple y && x.elements().size() == y.elements().size();
        if (expected instanceof Type.Sum x && x.isBuiltin()) return actual instanceof Type.Sum y && y.isBuiltin() && x.name().equals(y.name());
        return expected.equals(actual) || expected.getClass() == actual.getClass() && expected instanceof Type.Int;
    }

    private String[] mismatchHelp(Type a, Type b) {
        if (Type.intRepr(a) != null && Type.intRepr(b) != null) return new String[] {"convert with `as " + a + "`"};
        if (a instanceof Type.Ref x && b instanceof Type.Ref y && x.mutable() && !y.mutable())
            return new String[] {"a `&mut` reference is needed here: write `&mut`"};
        if (a instanceof Type.Ref x && !(b instanceof Type.Ref) && sameShape(x.target(), b)) return new String[] {"borrow it: `&" + (x.mutable() ? "mut " : "") + "...`"};
        if (a instanceof Type.Slice && b instanceof Type.Array) return new String[] {"borrow the array to pass it as a slice: `&...`"};
        if (a instanceof Type.Array && b instanceof Type.Slice) return new String[] {"a slice has no fixed length; take `&[T]` instead of `[T; N]`"};
        if (b instanceof Type.Ref y && !(a instanceof Type.Ref) && sameShape(a, y.target())) return new String[] {"dereference it: `*...`"};
        return new String[0];
    }

    private String resolveForMessage(Type t) {
        Type s = shallow(t);
        if (s instanceof Type.Var) return isGeneral(s) ? "_" : "{integer}";
        if (s instanceof Type.Sum sum && sum.isBuiltin())
            return sum.name() + "<" + String.join(", ", sum.args().stream().map(this::resolveForMessage).toList()) + ">";
        if (s instanceof Type.Array a) return "[" + resolveForMessage(a.element()) + "; " + a.length() + "]";
        if (s instanceof Type.Ref r) return (r.mutable() ? "&mut " : "&") + resolveForMessage(r.target());
        if (s instanceof Type.Slice sl) return (sl.mutable() ? "&mut [" : "&[") + resolveForMessage(sl.element()) + "]";
        if (s instanceof Type.Tuple tu) {
            List<String> parts = tu.elements().stream().map(this::resolveForMessage).toList();
            return "(" + String.join(", ", parts) + (parts.size() == 1 ? ",)" : ")");
        }
        return s.toString();
    }

    /**
     * Where a value of type {@code got} flows into a place of type {@code want}: unifies, and
     * records the one implicit conversion, `&[T; N]` to `&[T]`.
     */
    private void coerce(Type want, Expr e, Type got) {
        Type w = shallow(want), g = shallow(got);
        if (notCopied(e, g)) return;
        if (w instanceof Type.Slice sl && g instanceof Type.Ref r && shallow(r.target()) instanceof Type.Array a && (!sl.mutable() || r.mutable())) {
            unify(sl.element(), a.element(), e.span());
            out.coercions.put(e, w);
            return;
        }
        unify(want, got, e.span());
    }

    /**
     * A value holding a Mutex does not move: its waiters point into it, and a copy would
     * duplicate its lock. Reports (E0423) and says true when {@code e}, of type {@code t},
     * would be copied.
     */
    private boolean notCopied(Expr e, Type t) {
        if (!Type.holdsMutex(t)) return false;
        diags.error("E0423", e.span(), "a value holding a `Mutex` cannot be copied or moved (this is `" + t + "`)",
                "lock it where it is (`lock M as v { .. }`), or pass a reference (`&M`)");
        return true;
    }

    private Type freshGeneral(Span at, String what) {
        Type.Var v = (Type.Var) freshVar();
        generalVars.add(v.id());
        generalUses.add(new GeneralUse(v, at, what));
        return v;
    }

    private boolean isGeneral(Type t) { return t instanceof Type.Var v && generalVars.contains(find(v.id())); }

    private void bindVar(Type.Var v, Type t, Span at) {
        if (generalVars.contains(find(v.id()))) varBindings.set(find(v.id()), t);
        else if (t instanceof Type.Int) varBindings.set(find(v.id()), t);
        else diags.error("E0308", at, "mismatched types: expected `" + t + "`, found integer");
    }

    private boolean isInt(Type t) {
        Type s = shallow(t);
        return s instanceof Type.Int || (s instanceof Type.Var && !isGeneral(s));
    }

    // ---------------------------------------------------------------- expressions

    private Type record(Expr e, Type t) {
        out.types.put(e, t);
        checkedExprs.add(e);
        return t;
    }

    /** Checks {@code e}, using {@code expected} (may be null) to decide literal types. */
    private Type check(Expr e, Type expected) {
        return record(e, infer(e, expected));
    }

    private Type infer(Expr e, Type expected) {
        if (e instanceof Expr.IntLit lit) {
            literals.add(new LiteralUse(lit, false));
            return literalType(lit, expected);
        } else if (e instanceof Expr.FloatLit) { return Type.F32;
        } else if (e instanceof Expr.BoolLit b) { return Type.BOOL;
        } else if (e instanceof Expr.StrLit s) { return new Type.Slice(Type.U8);
        } else if (e instanceof Expr.Field f) { return checkField(f);
        } else if (e instanceof Expr.Index ix) { return checkIndex(ix);
        } else if (e instanceof Expr.SliceOf so) {
            checkSliceOf(so, false);
            diags.error("E0388", so.span(), "a slice is taken by reference", "write `&" + sourceText(so) + "` (or `&mut`)");
            return Type.NEVER;
        } else if (e instanceof Expr.ForIn f) { return checkForIn(f);
        } else if (e instanceof Expr.Ref r) { return checkRef(r, expected);
        } else if (e instanceof Expr.StructLit sl) { return checkStructLit(sl);
        } else if (e instanceof Expr.ArrayLit al) { return checkArrayLit(al, expected);
        } else if (e instanceof Expr.Tuple tu) {
            List<Type> hints = shallow(expected) instanceof Type.Tuple et && et.elements().size() == tu.elements().size() ? et.elements() : null;
            List<Type> elements = new ArrayList<>();
            for (int i = 0; i < tu.elements().size(); i++) elements.add(check(tu.elements().get(i), hints == null ? null : hints.get(i)));
            if (elements.stream().anyMatch(t -> shallow(t) instanceof Type.Never)) return Type.NEVER;
            return new Type.Tuple(elements);
        } else if (e instanceof Expr.ArrayRepeat ar) {
            Type elem = shallow(expected) instanceof Type.Array a ? a.element() : null;
            Type t = check(ar.value(), elem);
            if (elem != null) unify(elem, t, ar.value().span());
            Long n = constLength(ar.count());
            return n == null ? Type.NEVER : new Type.Array(t, n);
        } else if (e instanceof Expr.MethodCall mc) { return checkMethodCall(mc, false);
        } else if (e instanceof Expr.Spawn sp) { return checkSpawn(sp);
        } else if (e instanceof Expr.Join j) { return checkBranches(j.span(), "join", j.branches(), expected);
        } else if (e instanceof Expr.Race r) { return checkBranches(r.span(), "race", r.branches(), expected);
        } else if (e instanceof Expr.Lock l) { return checkLock(l, expected);
        } else if (e instanceof Expr.Critical cr) {
            criticalDepth++;
            try { return checkBlock(cr.body(), expected); } finally { criticalDepth--; }
        } else if (e instanceof Expr.Name n && isBuiltinVariant(n.ident().name()) && n.ident().name().equals("None")) {
            Type.Sum option = Type.Sum.option(optionArg(expected, e.span(), "`None`"));
            out.resolutions.put(n, new Symbol.SumVariant("None", option, 0));
            return option;
        } else if (e instanceof Expr.Name n) { return checkName(n);
        } else if (e instanceof Expr.Try t) { return checkTry(t);
        } else if (e instanceof Expr.IfLet il) { return checkIfLet(il, expected);
        } else if (e instanceof Expr.WhileLet wl) {
            Type scrutinee = check(wl.scrutinee(), null);
            scopes.push(new HashMap<>());
            checkPat(wl.pattern(), scrutinee);
            loops.push(new LoopCtx(wl, false, wl.label()));
            checkUnitBlock(wl.body());
            loops.pop();
            scopes.pop();
            return Type.UNIT;
        } else if (e instanceof Expr.Unary u) { return checkUnary(u, expected);
        } else if (e instanceof Expr.Binary b) { return checkBinary(b, expected);
        } else if (e instanceof Expr.Assign a) { return checkAssign(a);
        } else if (e instanceof Expr.Call c && variantConstructor(c.callee()) != null) {
            return checkVariantCall(c, variantConstructor(c.callee()), c.callee(), c.args(), expected);

        } else if (e instanceof Expr.Call c) { return checkCall(c, false);
        } else if (e instanceof Expr.Await a) { return checkAwait(a);
        } else if (e instanceof Expr.Cast c) {
            Type target = resolveType(c.type());
            Type from = check(c.value(), null);
            Type s = shallow(from);
            boolean numeric = s instanceof Type.Int || s instanceof Type.Var || s instanceof Type.Float32;
            boolean legal = target instanceof Type.Int
                    ? numeric || s instanceof Type.Bool || s instanceof Type.Enum || s instanceof Type.Never
                    : target instanceof Type.Float32 && (numeric || s instanceof Type.Never);
            if (!legal) {
                diags.error("E0330", c.span(), "cannot cast `" + resolveForMessage(s) + "` as `" + target + "`",
                        "`as` converts between integer types and `f32`, and from a bool or an enum to an integer");
            }
            return target;
        } else if (e instanceof Expr.Block b) { return checkBlock(b, expected);
        } else if (e instanceof Expr.If i) { return checkIf(i, expected);
        } else if (e instanceof Expr.Match m) { return checkMatch(m, expected);
        } else if (e instanceof Expr.While w) {
            unify(Type.BOOL, check(w.cond(), Type.BOOL), w.cond().span());
            loops.push(new LoopCtx(w, false, w.label()));
            checkUnitBlock(w.body());
            loops.pop();
            return Type.UNIT;
        } else if (e instanceof Expr.Loop l) {
            LoopCtx ctx = new LoopCtx(l, true, l.label());
            loops.push(ctx);
            checkUnitBlock(l.body());
            loops.pop();
            return ctx.breakType == null ? Type.NEVER : ctx.breakType;
        } else if (e instanceof Expr.For f) { return checkFor(f);
        } else if (e instanceof Expr.Break b) {
            LoopCtx ctx = loopTarget(b, b.label(), b.label() == null ? "break" : "break '" + b.label().name());
            if (ctx == null) {
                if (b.value() != null) check(b.value(), null);
                return Type.NEVER;
            }
            if (b.value() != null) {
                if (!ctx.isLoop) diags.error("E0341", b.value().span(), "`break` with a value is only allowed in `loop`");
                Type t = check(b.value(), ctx.breakType);
                if (ctx.breakType == null) ctx.breakType = t; else unify(ctx.breakType, t, b.value().span());
            } else if (ctx.isLoop) {
                if (ctx.breakType == null) ctx.breakType = Type.UNIT; else unify(ctx.breakType, Type.UNIT, b.span());
            }
            return Type.NEVER;
        } else if (e instanceof Expr.Continue c) {
            loopTarget(c, c.label(), c.label() == null ? "continue" : "continue '" + c.label().name());
            return Type.NEVER;
        } else if (e instanceof Expr.Return r) {
            if (branchLoopDepth >= 0)
                diags.error("E0409", r.span(), "`return` cannot leave a `join`/`race` branch",
                        "set a variable in the branch and return after the `join`/`race`");
            if (currentFn == null) {
                diags.error("E0342", r.span(), "`return` outside of a function");
                return Type.NEVER;
            }
            Type want = currentFn.result();
            if (r.value() == null) {
                if (!(want instanceof Type.Unit))
                    diags.error("E0308", r.span(), "mismatched types: `return` without a value in a function returning `" + want + "`");
            } else {
                coerce(want, r.value(), check(r.value(), want));
            }
            return Type.NEVER;
        } else {
            diags.error("E0399", e.span(), "this expression is not supported yet");
            return Type.NEVER;
        }
    }

    private Type literalType(Expr.IntLit lit, Type expected) {
        if (lit.suffix() != null) {
            Type.Int t = Type.intNamed(lit.suffix());
            if (t != null) return t;
        }
        if (expected != null) {
            Type s = shallow(expected);
            if (s instanceof Type.Int || s instanceof Type.Var) return s;
            if (s instanceof Type.Float32 && lit.suffix() == null) {
                // Rust's rule: an integer literal is never an f32 (`3` is not `3.0`).
                diags.error("E0308", lit.span(), "mismatched types: expected `f32`, found integer literal `" + sourceText(lit) + "`",
                        "write it as a floating-point literal: `" + sourceText(lit) + ".0`");
                return Type.F32;
            }
        }
        return freshVar();
    }

    private Type checkName(Expr.Name n) {
        String name = n.ident().name();
        for (Map<String, Symbol.LocalVar> scope : scopes) {
            Symbol.LocalVar v = scope.get(name);
            if (v != null) {
                out.resolutions.put(n, v);
                return v.type;
            }
        }
        Symbol g = globals.get(name);
        if (g instanceof Symbol.Const c) { out.resolutions.put(n, c); return c.type(); }
        if (g instanceof Symbol.Static s) {
            out.resolutions.put(n, s);
            return s.type();
        }
        if (g instanceof Symbol.Register r) { out.resolutions.put(n, r); return r.type(); }
        if (typeNames.containsKey(name)) {
            diags.error("E0387", n.span(), "`" + name + "` is a type, not a value",
                    typeNames.get(name) instanceof Type.Enum en ? "name a variant: `" + name + "." + en.variants().get(0) + "`" : "make one with `" + name + " { ... }`");
            return Type.NEVER;
        }
        if (g instanceof Symbol.Fn || BUILTINS.containsKey(name)) {
            diags.error("E0304", n.span(), "`" + name + "` is a function; call it with `" + name + "(...)`");
            return Type.NEVER;
        }
        if (g == null && globals.containsKey(name)) {
            // A fn, static or register whose symbol is made after the constants (ItemOrder): named in one.
            if (currentFn == null) diags.error("E0501", n.span(), "`" + name + "` is not a constant, so it cannot be used here",
                    "a constant is computed at compile time from literals and other constants");
            return Type.NEVER;
        }
        diags.error("E0204", n.span(), "cannot find `" + name + "` in this scope", suggestion(name));
        return Type.NEVER;
    }

    /** "did you mean `x`?" from the names in scope, when one is close. */
    private String[] suggestion(String name) {
        List<String> candidates = new ArrayList<>();
        for (Map<String, Symbol.LocalVar> scope : scopes) candidates.addAll(scope.keySet());
        candidates.addAll(globals.keySet());
        candidates.addAll(BUILTINS.keySet());
        String best = Suggest.closest(name, candidates);
        return best == null ? new String[0] : new String[] {"did you mean `" + best + "`?"};
    }

    private Type checkUnary(Expr.Unary u, Type expected) {
        switch (u.op()) {
            case NEG -> {
                Type t;
                if (u.operand() instanceof Expr.IntLit lit) {
                    t = record(lit, literalType(lit, expected));
                    literals.add(new LiteralUse(lit, true));
                } else {
                    t = check(u.operand(), expected);
                }
                Type s = shallow(t);
                if (s instanceof Type.Int it && !it.signed())
                    diags.error("E0331", u.span(), "cannot negate a value of unsigned type `" + it + "`");
                else if (!isInt(t) && !(s instanceof Type.Float32) && !(s instanceof Type.Never))
                    diags.error("E0331", u.span(), "cannot negate a value of type `" + s + "`");
                return t;
            }
            case NOT -> {
                Type t = check(u.operand(), expected);
                Type s = shallow(t);
                if (!(s instanceof Type.Bool || isInt(s) || s instanceof Type.Never))
                    diags.error("E0331", u.span(), "`!` needs a bool or an integer, found `" + s + "`");
                return t;
            }
            case BIT_NOT -> {
                Type t = check(u.operand(), expected);
                if (!isInt(t) && !(shallow(t) instanceof Type.Never))
                    diags.error("E0331", u.span(), "`~` needs an integer, found `" + shallow(t) + "`");
                return t;
            }
            default -> {   // DEREF
                Type t = shallow(check(u.operand(), null));
                if (t instanceof Type.Ref r) return r.target();
                if (!(t instanceof Type.Never))
                    diags.error("E0334", u.span(), "cannot dereference a value of type `" + resolveForMessage(t) + "`", "only references `&T` can be dereferenced");
                return Type.NEVER;
            }
        }
    }

    private Type checkBinary(Expr.Binary b, Type expected) {
        Expr.BinaryOp op = b.op();
        if (op.isLogical()) {
            unify(Type.BOOL, check(b.left(), Type.BOOL), b.left().span());
            unify(Type.BOOL, check(b.right(), Type.BOOL), b.right().span());
            return Type.BOOL;
        }
        if (op.isShift()) {
            Type l = check(b.left(), expected);
            Type r = check(b.right(), null);
            requireInt(l, b.left().span(), op);
            requireInt(r, b.right().span(), op);
            return l;
        }
        if (op.isComparison()) {
            Type l = check(b.left(), null);
            Type r = check(b.right(), l);
            unify(l, r, b.right().span());
            Type s = shallow(l);
            if (op != Expr.BinaryOp.EQ && op != Expr.BinaryOp.NE && s instanceof Type.Bool)
                diags.error("E0332", b.span(), "`" + op.symbol + "` compares integers, not bools");
            else if (s instanceof Type.Enum && op != Expr.BinaryOp.EQ && op != Expr.BinaryOp.NE)
                diags.error("E0332", b.span(), "`" + op.symbol + "` does not order enums", "compare their discriminants: `a as u8 < b as u8`");
            else if (!(isInt(s) || s instanceof Type.Float32 || s instanceof Type.Bool || s instanceof Type.Enum || s instanceof Type.Never))
                diags.error("E0332", b.span(), "cannot compare values of type `" + resolveForMessage(s) + "`");
            return Type.BOOL;
        }
        // Arithmetic and bitwise: both sides the same integer type (bitwise also on bools).
        Type l = check(b.left(), expected);
        Type r = check(b.right(), l);
        unify(l, r, b.right().span());
        Type s = shallow(l);
        boolean bitwise = op == Expr.BinaryOp.BIT_AND || op == Expr.BinaryOp.BIT_OR || op == Expr.BinaryOp.BIT_XOR;
        if (s instanceof Type.Float32 && op == Expr.BinaryOp.REM)
            diags.error("E0333", b.span(), "Mote has no `%` for `f32` (0.2)",
                    "for a whole-number remainder convert first: `(a as i32) % (b as i32)`");
        else if (s instanceof Type.Float32 && !bitwise) { }   // + - * /: IEEE arithmetic
        else if (!(isInt(s) || s instanceof Type.Never || (bitwise && s instanceof Type.Bool)))
            diags.error("E0333", b.span(), "cannot apply `" + op.symbol + "` to `" + s + "`");
        return l;
    }

    private void requireInt(Type t, Span at, Expr.BinaryOp op) {
        Type s = shallow(t);
        if (!isInt(s) && !(s instanceof Type.Never)) diags.error("E0333", at, "`" + op.symbol + "` needs integers, found `" + s + "`");
    }

    private int criticalDepth;

    /** Strips references: field access and indexing see through them. */
    private Type derefAll(Type t) {
        Type s = shallow(t);
        while (s instanceof Type.Ref r) s = shallow(r.target());
        return s;
    }

    /** `Cmd.Reset` when {@code target} names an enum type (and no local hides it), else null. */
    private Type.Enum enumNamed(Expr target) {
        if (target instanceof Expr.Field f) {
            ModuleScope ms = moduleNamed(f.target());
            return ms != null && ms.types().get(f.field().name()) instanceof Type.Enum en ? en : null;
        }
        if (!(target instanceof Expr.Name n)) return null;
        String name = n.ident().name();
        if (scopes.stream().anyMatch(sc -> sc.containsKey(name))) return null;
        return typeNames.get(name) instanceof Type.Enum en ? en : null;
    }

    /** `m.item` for a module `m` this module imports: its const, static or register. */
    private Type checkQualified(Expr.Field f, ModuleScope ms) {
        String name = f.field().name();
        Symbol sym = ms.globals().get(name);
        if (sym instanceof Symbol.Const || sym instanceof Symbol.Static || sym instanceof Symbol.Register) {
            out.resolutions.put(f, sym);
            return sym instanceof Symbol.Const c ? c.type() : sym instanceof Symbol.Static st ? st.type() : ((Symbol.Register) sym).type();
        }
        if (sym instanceof Symbol.Fn) {
            diags.error("E0304", f.span(), "`" + ms.module().name() + "." + name + "` is a function; call it with `" + ms.module().name() + "." + name + "(...)`");
            return Type.NEVER;
        }
        if (ms.types().containsKey(name)) {
            diags.error("E0387", f.span(), "`" + ms.module().name() + "." + name + "` is a type, not a value");
            return Type.NEVER;
        }
        if (sym == null && ms.globals().containsKey(name)) return Type.NEVER;   // broken item: already reported
        diags.error("E0209", f.field().span(), "module `" + ms.module().name() + "` has no item `" + name + "`", hintFrom(name, ms.globals().keySet()));
        return Type.NEVER;
    }

    private Type checkField(Expr.Field f) {
        ModuleScope module = moduleNamed(f.target());
        if (module != null) return checkQualified(f, module);
        if (reportNotImported(f.target())) return Type.NEVER;
        Type.Sum sum = sumNamed(f.target());
        if (sum != null) {
            int index = sum.indexOf(f.field().name());
            if (index < 0) {
                List<String> names = sum.variants().stream().map(Type.Sum.Variant::name).toList();
                String best = Suggest.closest(f.field().name(), names);
                diags.error("E0386", f.field().span(), "no variant `" + f.field().name() + "` in enum `" + sum.name() + "`",
                        best != null ? "did you mean `" + sum.name() + "." + best + "`?" : "its variants are " + String.join(", ", names));
                return Type.NEVER;
            }
            Type.Sum.Variant v = sum.variants().get(index);
            if (!v.fields().isEmpty() || v.isStructLike()) {
                diags.error("E0397", f.span(), "`" + sum.name() + "." + v.name() + "` carries data",
                        v.isStructLike() ? "build it with `" + sum.name() + "." + v.name() + " { " + String.join(": .., ", v.fieldNames()) + ": .. }`"
                                : "build it with `" + sum.name() + "." + v.name() + "(..)`");
                return Type.NEVER;
            }
            out.resolutions.put(f, new Symbol.SumVariant(v.name(), sum, index));
            return sum;
        }
        Type.Enum en = enumNamed(f.target());
        if (en != null) {
            int index = en.indexOf(f.field().name());
            if (index < 0) {
                String best = Suggest.closest(f.field().name(), en.variants());
                diags.error("E0386", f.field().span(), "no variant `" + f.field().name() + "` in enum `" + en.name() + "`",
                        best != null ? "did you mean `" + en.name() + "." + best + "`?" : "its variants are " + String.join(", ", en.variants()));
                return Type.NEVER;
            }
            out.resolutions.put(f, new Symbol.Variant(f.field().name(), en, index));
            return en;
        }
        if (f.target() instanceof Expr.Name n && typeNames.get(n.ident().name()) instanceof Type.Struct
                && scopes.stream().noneMatch(sc -> sc.containsKey(n.ident().name()))) {
            diags.error("E0387", f.span(), "`" + n.ident().name() + "` is a struct type, not a value", "make one with `" + n.ident().name() + " { ... }`");
            return Type.NEVER;
        }
        Type t = derefAll(check(f.target(), null));
        if (t instanceof Type.Never) return Type.NEVER;
        if (t instanceof Type.Tuple tu) {
            String name = f.field().name();
            int index = name.chars().allMatch(Character::isDigit) && name.length() < 4 ? Integer.parseInt(name) : -1;
            if (index >= 0 && index < tu.elements().size()) return tu.elements().get(index);
            diags.error("E0380", f.field().span(), "no field `" + name + "` on type `" + resolveForMessage(tu) + "`",
                    "its fields are " + String.join(", ", java.util.stream.IntStream.range(0, tu.elements().size()).mapToObj(i -> "`." + i + "`").toList()));
            return Type.NEVER;
        }
        if (t instanceof Type.Struct st) {
            int index = st.fieldIndex(f.field().name());
            if (index >= 0) return st.fields().get(index).type();
            String best = Suggest.closest(f.field().name(), st.fields().stream().map(Type.Struct.Field::name).toList());
            diags.error("E0380", f.field().span(), "no field `" + f.field().name() + "` on type `" + st + "`",
                    best != null ? "did you mean `" + best + "`?" : "its fields are " + String.join(", ", st.fields().stream().map(Type.Struct.Field::name).toList()));
            return Type.NEVER;
        }
        String help = (t instanceof Type.Array || t instanceof Type.Slice) && f.field().name().equals("len") ? "the length is a method: `.len()`" : null;
        diags.error("E0380", f.field().span(), "`" + resolveForMessage(t) + "` has no field `" + f.field().name() + "`",
                help == null ? new String[0] : new String[] {help});
        return Type.NEVER;
    }

    private Type checkIndex(Expr.Index ix) {
        Type t = derefAll(check(ix.target(), null));
        Type idx = check(ix.index(), null);
        Type is = shallow(idx);
        if (is instanceof Type.Var v) bindVar(v, Type.U32, ix.index().span());   // an undecided index is a usize
        else if (!(is instanceof Type.Never) && !(is instanceof Type.Int it && !it.signed()))
            diags.error("E0381", ix.index().span(), "an index must be an unsigned integer, not `" + resolveForMessage(is) + "`",
                    is instanceof Type.Int ? "convert it: `as usize`" : "indexes are u8, u16, u32, u64 or usize");
        if (t instanceof Type.Array a) return a.element();
        if (t instanceof Type.Slice sl) return sl.element();
        if (!(t instanceof Type.Never)) diags.error("E0388", ix.target().span(), "cannot index a value of type `" + resolveForMessage(t) + "`",
                "only arrays `[T; N]` and slices `&[T]` can be indexed");
        return Type.NEVER;
    }

    /** `&a[i..j]` / `&mut a[i..j]` (0.2): a slice of an array or slice; the bounds are usize. */
    private Type checkSliceOf(Expr.SliceOf so, boolean mutable) {
        Type base = derefAll(check(so.target(), null));
        for (Expr bound : java.util.Arrays.asList(so.low(), so.high())) {
            if (bound == null) continue;
            Type bt = shallow(check(bound, Type.U32));
            if (bt instanceof Type.Var v) bindVar(v, Type.U32, bound.span());
            else if (!(bt instanceof Type.Never || bt.equals(Type.U32)))
                diags.error("E0381", bound.span(), "a slice bound must be a `usize`, not `" + resolveForMessage(bt) + "`", "convert it: `as usize`");
        }
        if (mutable) {
            Type direct = shallow(out.types.get(so.target()));
            if (direct instanceof Type.Slice sl) { if (!sl.mutable()) diags.error("E0356", so.span(), "cannot take a `&mut` slice of a read-only slice"); }
            else if (direct instanceof Type.Ref rr) { if (!rr.mutable()) diags.error("E0356", so.span(), "cannot take a `&mut` slice through a `&` reference"); }
            else mutablePlace(so.target(), true);
        }
        if (base instanceof Type.Array a) return new Type.Slice(a.element(), mutable);
        if (base instanceof Type.Slice sl) return new Type.Slice(sl.element(), mutable);
        if (!(base instanceof Type.Never)) diags.error("E0388", so.target().span(), "cannot slice a value of type `" + resolveForMessage(base) + "`",
                "only arrays `[T; N]` and slices `&[T]` can be sliced");
        return Type.NEVER;
    }

    private Type checkRef(Expr.Ref r, Type expected) {
        if (r.target() instanceof Expr.SliceOf so) return record(so, checkSliceOf(so, r.mutable()));
        Type want = shallow(expected) instanceof Type.Ref er ? er.target() : null;
        if (r.target() instanceof Expr.Name n && globals.get(n.ident().name()) instanceof Symbol.Register reg
                && scopes.stream().noneMatch(sc -> sc.containsKey(n.ident().name()))) {
            check(r.target(), null);
            diags.error("E0355", r.span(), "cannot take the address of register `" + reg.name() + "`",
                    "every access to a register is volatile: read it into a local first");
            return Type.NEVER;
        }
        Type t = check(r.target(), want);
        if (want != null && isInt(t)) unify(want, t, r.target().span());
        if (r.mutable()) mutablePlace(r.target(), true);
        return new Type.Ref(r.mutable(), t);
    }

    private Type checkStructLit(Expr.StructLit sl) {
        if (sl.type().path().size() == 2 && typeNames.get(sl.type().path().get(0).name()) instanceof Type.Sum sum) return checkVariantLit(sl, sum);
        String name = sl.type().simpleName();
        Type t = sl.type().path().size() == 1 ? typeNames.get(name)
                : sl.type().path().size() == 2 && importedModule(sl.type().path().get(0).name()) != null
                ? importedModule(sl.type().path().get(0).name()).types().get(name) : null;
        if (!(t instanceof Type.Struct st)) {
            if (t == null) resolveType(sl.type());   // reports the unknown type
            else diags.error("E0389", sl.type().span(), "`" + name + "` is not a struct");
            for (Expr.FieldInit fi : sl.fields()) check(fi.value(), null);
            return Type.NEVER;
        }
        List<String> given = new ArrayList<>();
        for (Expr.FieldInit fi : sl.fields()) {
            int index = st.fieldIndex(fi.name().name());
            if (index < 0) {
                String best = Suggest.closest(fi.name().name(), st.fields().stream().map(Type.Struct.Field::name).toList());
                diags.error("E0382", fi.name().span(), "struct `" + st + "` has no field named `" + fi.name().name() + "`",
                        best != null ? new String[] {"did you mean `" + best + "`?"} : new String[0]);
                check(fi.value(), null);
                continue;
            }
            if (given.contains(fi.name().name())) diags.error("E0384", fi.name().span(), "field `" + fi.name().name() + "` is given twice");
            given.add(fi.name().name());
            Type ft = st.fields().get(index).type();
            coerce(ft, fi.value(), check(fi.value(), ft));
        }
        List<String> missing = st.fields().stream().map(Type.Struct.Field::name).filter(n -> !given.contains(n)).toList();
        if (!missing.isEmpty())
            diags.error("E0383", sl.type().span(), "missing field" + (missing.size() == 1 ? " " : "s ") + missing.stream().map(m -> "`" + m + "`").collect(java.util.stream.Collectors.joining(", "))
                    + " in `" + st + "` literal", "every field needs a value");
        return st;
    }

    private Type checkArrayLit(Expr.ArrayLit al, Type expected) {
        Type elem = shallow(expected) instanceof Type.Array a ? a.element() : null;
        if (al.elements().isEmpty()) {
            if (elem == null) {
                diags.error("E0390", al.span(), "cannot infer the element type of an empty array", "give the variable a type: `let a: [u8; 0] = [];`");
                return Type.NEVER;
            }
            return new Type.Array(elem, 0);
        }
        Type first = null;
        for (Expr x : al.elements()) {
            Type t = check(x, first != null ? first : elem);
            if (first == null) { first = t; if (elem != null) unify(elem, t, x.span()); }
            else unify(first, t, x.span());
        }
        return new Type.Array(first, al.elements().size());
    }

    /** `m.x` where `m` is a module of the program or of the std lib that this module does not import: E0210. */
    private boolean reportNotImported(Expr target) {
        if (!(target instanceof Expr.Name mn)) return false;
        String name = mn.ident().name();
        if (scopes.stream().anyMatch(sc -> sc.containsKey(name)) || globals.containsKey(name) || typeNames.containsKey(name)
                || !(modulesByName.containsKey(name) || mote.parse.Modules.stdSource(name) != null)   // loaded, or in the std lib
                || current.imports().contains(name)) return false;
        diags.error("E0210", mn.span(), "module `" + name + "` is not imported here", "add `import " + name + ";` at the top of this file");
        return true;
    }

    private Type checkMethodCall(Expr.MethodCall mc, boolean awaited) {
        if (mc.receiver() instanceof Expr.Name tn && typeNames.containsKey(tn.ident().name())
                && scopes.stream().noneMatch(sc -> sc.containsKey(tn.ident().name()))
                && globals.get(tn.ident().name() + "." + mc.method().name()) instanceof Symbol.Fn f) {   // `Point.new(1)`
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
    private Type.Int associatedIntType(Expr.MethodCall mc) {
        if (!(mc.receiver() instanceof Expr.Name n)) return null;
        String name = n.ident().name();
        for (Map<String, Symbol.LocalVar> scope : scopes) if (scope.containsKey(name)) return null;
        return globals.containsKey(name) ? null : Type.intNamed(name);
    }

    private Type checkIntegerFunction(Expr.MethodCall mc, Type.Int it, boolean awaited) {
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
    private Type checkIntegerMethod(Expr.MethodCall mc, Type receiver, boolean awaited) {
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

    private static boolean hasSelf(Symbol.Fn f) {
        return !f.decl().params().isEmpty() && f.decl().params().get(0).name().name().equals("self");
    }

    /** The method `m` of a struct or enum type (from the module that declares the type), or null. */
    private Symbol.Fn methodOf(Type t, String m) {
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
    private Type checkMethod(Expr.MethodCall mc, Symbol.Fn f, Type receiverType, boolean awaited) {
        String shown = mc.method().name();
        if (!hasSelf(f)) {
            diags.error("E0398", mc.span(), "`" + shown + "` takes no `self`: call it on the type, `" + f.name() + "(..)`");
            for (Expr a : mc.args()) check(a, null);
            return f.result();
        }
        out.resolutions.put(mc, f);
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

    private void notAwaitable(Expr.MethodCall mc, boolean awaited) {
        if (awaited) diags.error("E0402", mc.span(), "only a call to an async function can be awaited",
                "`" + mc.method().name() + "()` is not async: drop the `.await`");
    }

    /**
     * The built-in methods of `Channel<T, N>` and `Signal<T>`: `send(v)`/`recv()` (async),
     * `try_send(v) -> bool`, `try_recv(&mut out) -> bool`; `raise(v)` and `wait()` (async) on
     * signals. The receiver must be a place (a static or a local: the channel lives there).
     */
    /** The closed flag is the top bit of a channel's 16-bit item count (runtime-c/channel.c). */
    static final long CLOSABLE_CAPACITY = 32767;

    private Type checkChannelMethod(Expr.MethodCall mc, Type.Channel ch, boolean awaited) {
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

    /**
     * Checks that {@code target} (already type-checked) names memory that may be written:
     * a `mut` local or static, a register, or anything behind a `&mut`. {@code borrow} words
     * the error for `&mut x` rather than for an assignment.
     */
    private void mutablePlace(Expr target, boolean borrow) {
        Symbol qualified = target instanceof Expr.Field qf ? out.resolutions.get(qf) : null;
        if (target instanceof Expr.Name || qualified instanceof Symbol.Static || qualified instanceof Symbol.Const || qualified instanceof Symbol.Register) {
            Symbol sym = out.resolutions.get(target);
            if (sym instanceof Symbol.LocalVar v && !v.mutable()) {
                String message = borrow ? "cannot borrow `" + v.name() + "` as mutable, as it is not declared as mutable"
                        : declaredWithoutValue.contains(v) ? "cannot assign to `" + v.name() + "`: it is declared without a value and without `mut`"
                        : "cannot assign twice to immutable variable `" + v.name() + "`";
                String help = !borrow && declaredWithoutValue.contains(v)
                        ? "a local that gets its value later must be mutable (Mote has no deferred initialization of an immutable `let`): `let mut " + v.name() + "`"
                        : "make it mutable: `let mut " + v.name() + "`";
                diags.error(borrow ? "E0354" : "E0350", target.span(), message, help);
            } else if (sym instanceof Symbol.Static st && !st.mutable()) {
                diags.error("E0351", target.span(), "cannot " + (borrow ? "borrow" : "assign to") + " `" + st.name() + "`" + (borrow ? " as mutable" : "") + ": it is a `static` without `mut`");
            } else if (sym instanceof Symbol.Const c) {
                diags.error("E0352", target.span(), "cannot " + (borrow ? "borrow constant `" + c.name() + "` as mutable" : "assign to constant `" + c.name() + "`"));
            }
            return;
        }
        Expr inner = null;
        if (target instanceof Expr.Field f && !(out.resolutions.get(f) instanceof Symbol.Variant) && moduleNamed(f.target()) == null) inner = f.target();
        else if (target instanceof Expr.Index ix) inner = ix.target();
        else if (target instanceof Expr.Unary u && u.op() == Expr.UnaryOp.DEREF) {
            Type t = shallow(out.types.get(u.operand()));
            if (t instanceof Type.Ref r && !r.mutable())
                diags.error("E0356", target.span(), "cannot " + (borrow ? "borrow" : "assign") + " through a `&` reference", "take a `&mut` reference instead");
            return;
        }
        if (inner == null) {
            if (!borrow) diags.error("E0353", target.span(), "cannot assign to this expression", "assign to a variable, a field, an element or `*reference`");
            return;
        }
        Type t = shallow(out.types.get(inner));
        if (t instanceof Type.Slice sl) {
            if (!sl.mutable()) diags.error("E0356", target.span(), "cannot " + (borrow ? "borrow" : "assign") + " through a slice `&[T]`: it is read-only",
                    "take a `&mut [T]` slice (`&mut a[..]`), or index the array itself");
        } else if (t instanceof Type.Ref r) {
            while (shallow(r.target()) instanceof Type.Ref rr) r = rr;
            if (!r.mutable()) diags.error("E0356", target.span(), "cannot " + (borrow ? "borrow" : "assign") + " through a `&` reference", "take a `&mut` reference instead");
            else if (shallow(r.target()) instanceof Type.Slice sl && !sl.mutable()) diags.error("E0356", target.span(), "cannot " + (borrow ? "borrow" : "assign") + " through a slice `&[T]`: it is read-only");
        } else if (t != null && !(t instanceof Type.Never)) {
            mutablePlace(inner, borrow);
        }
    }

    private Type checkAssign(Expr.Assign a) {
        Expr tgt = a.target();
        boolean place = tgt instanceof Expr.Name || tgt instanceof Expr.Index
                || (tgt instanceof Expr.Field f && enumNamed(f.target()) == null)
                || (tgt instanceof Expr.Unary u && u.op() == Expr.UnaryOp.DEREF);
        Type target = check(tgt, null);
        if (place) mutablePlace(tgt, false);
        else diags.error("E0353", tgt.span(), "cannot assign to this expression", "assign to a variable, a field, an element or `*reference`");
        if (a.op() == null) {
            coerce(target, a.value(), check(a.value(), target));
        } else if (a.op().isShift()) {
            requireInt(target, a.target().span(), a.op());
            requireInt(check(a.value(), null), a.value().span(), a.op());
        } else {
            unify(target, check(a.value(), target), a.value().span());
            Type s = shallow(target);
            boolean bitwise = a.op() == Expr.BinaryOp.BIT_AND || a.op() == Expr.BinaryOp.BIT_OR || a.op() == Expr.BinaryOp.BIT_XOR;
            if (s instanceof Type.Float32 && a.op() == Expr.BinaryOp.REM)
                diags.error("E0333", a.span(), "Mote has no `%=` for `f32` (0.2)");
            else if (s instanceof Type.Float32 && !bitwise) { }   // += -= *= /=
            else if (!(isInt(s) || s instanceof Type.Never || (bitwise && s instanceof Type.Bool)))
                diags.error("E0333", a.span(), "cannot apply `" + a.op().symbol + "=` to `" + s + "`");
        }
        return Type.UNIT;
    }

    /**
     * `lock M as s { .. }` (0.2): M is a place of type `Mutex<T>` (seen through references);
     * `s` is `&mut T` in the block only. Taking the lock may wait, so it is an await point:
     * only async fns and tasks lock, never inside `critical`.
     */
    private Type checkLock(Expr.Lock l, Type expected) {
        if (currentFn == null || !currentFn.isAsync()) {
            boolean handler = currentFn != null && currentFn.interrupt() != null;
            String where = currentFn == null ? "here" : handler ? "in an interrupt handler" : "in `" + currentFn.name() + "`, which is not async";
            diags.error("E0421", l.span(), "`lock` is only allowed inside async functions and tasks; not " + where,
                    handler ? "an interrupt handler cannot wait for a lock: send the work to a task through a Channel or Signal"
                            : currentFn == null ? "lock inside an async fn or task"
                            : "taking a lock may wait for its holder: declare it `async fn " + currentFn.name() + "`");
        }
        if (criticalDepth > 0)
            diags.error("E0407", l.span(), "`lock` inside a `critical` block",
                    "taking a lock may wait, and interrupts would stay masked meanwhile; end the critical block first");
        Type t = derefAll(check(l.mutex(), null));
        Type value = Type.NEVER;
        if (t instanceof Type.Mutex m) value = m.element();
        else if (!(t instanceof Type.Never))
            diags.error("E0422", l.mutex().span(), "`lock` needs a `Mutex<T>`, and this is `" + resolveForMessage(t) + "`",
                    "declare the shared value as `static NAME: Mutex<" + resolveForMessage(t) + "> = ..;`");
        scopes.push(new HashMap<>());
        Symbol.LocalVar v = new Symbol.LocalVar(l.binding().name(), new Type.Ref(true, value), false, l.binding().span());
        fnLocals.add(v);
        scopes.peek().put(v.name(), v);
        out.lockVars.put(l, v);
        try {
            return checkBlock(l.body(), expected);
        } finally {
            scopes.pop();
        }
    }

    private Type checkAwait(Expr.Await a) {
        if (currentFn == null || !currentFn.isAsync()) {
            boolean handler = currentFn != null && currentFn.interrupt() != null;
            String where = currentFn == null ? "here" : handler ? "in an interrupt handler"
                    : "in `" + currentFn.name() + "`, which is not async";
            diags.error("E0401", a.span(), "`.await` is only allowed inside async functions and tasks; not " + where,
                    currentFn == null ? new String[0] : handler ? new String[] {"an interrupt handler runs to completion: hand the work to a task"}
                    : new String[] {"declare it `async fn " + currentFn.name() + "`"});
        }
        if (criticalDepth > 0)
            diags.error("E0407", a.span(), "`.await` inside a `critical` block",
                    "interrupts stay masked while the task is suspended; end the critical block before awaiting");
        if (a.inner() instanceof Expr.Call call) {
            Type t = checkCall(call, true);
            record(call, t);
            return t;
        }
        if (a.inner() instanceof Expr.MethodCall mc) {
            Type t = checkMethodCall(mc, true);
            record(mc, t);
            return t;
        }
        check(a.inner(), null);
        diags.error("E0402", a.inner().span(), "only a call to an async function can be awaited",
                "a future is not a value in Mote: write `f(args).await`");
        return Type.NEVER;
    }

    private Type checkCall(Expr.Call c, boolean awaited) {
        if (!(c.callee() instanceof Expr.Name n)) {
            diags.error("E0305", c.callee().span(), "only named functions can be called");
            for (Expr arg : c.args()) check(arg, null);
            return Type.NEVER;
        }
        String name = n.ident().name();
        boolean shadowedByLocal = scopes.stream().anyMatch(s -> s.containsKey(name));
        Symbol g = shadowedByLocal ? null : globals.get(name);
        if (g == null && !shadowedByLocal && BUILTINS.containsKey(name)) g = BUILTINS.get(name);
        return checkCallTo(c, name, g, shadowedByLocal, n.span(), c.args(), awaited);
    }

    /** A call of {@code g} (named {@code name} as written) at {@code c}: a Call or a qualified MethodCall. */
    private Type checkCallTo(Expr c, String name, Symbol g, boolean shadowedByLocal, Span nameSpan, List<Expr> args, boolean awaited) {
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

    private void reportNotAwaited(Expr c, String name) {
        diags.error("E0405", c.span(), "`" + name + "` is async and its call is not awaited",
                "a future is not a value in Mote: write `" + name + "(...).await`");
    }

    private void reportNotAsync(Expr c, String name) {
        diags.error("E0406", c.span(), "`" + name + "` is not async, so its result cannot be awaited", "remove `.await`");
    }

    private Type checkBuiltin(Expr.Call c, Symbol.Builtin b) {
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
                    unify(l, check(args.get(1), l), args.get(1).span());
                    Type s = shallow(l);
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

    private void expectArgs(Expr.Call c, Symbol.Builtin b, int n) {
        if (c.args().size() != n) {
            argumentCount(c.span(), b.name(), n, c.args().size());
            for (int i = n; i < c.args().size(); i++) check(c.args().get(i), null);
        }
    }

    /**
     * What each placeholder can print: `{}` integers, bools and `&[u8]` text; `{:?}` those and enums,
     * structs, arrays and slices of printable things; radix, sign and `#` only integers; a precision
     * only text (it truncates, as in Rust).
     */
    /** f32's methods (0.2): those that need no libm. */
    private static final List<String> FLOAT_METHODS = List.of("abs", "min", "max", "is_nan");

    /** `{:.N}` of an f32 goes up to this many decimals (runtime-c/float.c's buffer). */
    static final int MAX_FLOAT_PRECISION = 40;

    private void checkPrintable(Expr arg, Type t, FormatSpec spec) {
        if (t instanceof Type.Never) return;
        boolean text = t.equals(new Type.Slice(Type.U8));
        String shown = "`" + spec.text() + "`";
        if (spec.debug() && spec.alternate()) {
            diags.error("E0362", arg.span(), "`{:#?}` (pretty debug output) is not supported", "use `{:?}`");
        } else if ((spec.radix() != FormatSpec.Radix.DECIMAL || (spec.plus() && !(t instanceof Type.Float32)) || spec.alternate()) && !isInt(t)
                && !(spec.debug() && debugPrintable(t))) {
            diags.error("E0362", arg.span(), shown + " needs an integer, found `" + resolveForMessage(t) + "`",
                    "radix, `+` and `#` apply to integers; `{}` prints bools and text");
        } else if (spec.precision() > MAX_FLOAT_PRECISION && t instanceof Type.Float32) {
            diags.error("E0362", arg.span(), "Mote prints an f32 with at most " + MAX_FLOAT_PRECISION + " decimals",
                    "an f32 has about 7 significant digits: `{:.6}` is plenty");
        } else if (spec.precision() >= 0 && !text && !(t instanceof Type.Float32)) {
            diags.error("E0362", arg.span(), "a precision (`." + spec.precision() + "`) applies to text, not `" + resolveForMessage(t) + "`",
                    spec.width() > 0 ? "write `{:" + spec.width() + "}` for integers" : "write `{}` for integers");
        } else if (spec.debug()) {
            if (!debugPrintable(t))
                diags.error("E0362", arg.span(), "`{:?}` cannot print a value of type `" + resolveForMessage(t) + "`",
                        "`{:?}` prints integers, bools, text, enums, and structs, arrays and slices of those");
        } else if (!(isInt(t) || t instanceof Type.Float32 || t instanceof Type.Bool || text)) {
            diags.error("E0362", arg.span(), shown + " cannot print a value of type `" + resolveForMessage(t) + "`",
                    t instanceof Type.Enum || t instanceof Type.Struct || t instanceof Type.Array || t instanceof Type.Slice || t instanceof Type.Sum || t instanceof Type.Tuple
                            ? "use `{:?}` for its debug form" : "`{}` prints integers, bools and `&[u8]` text");
        }
    }

    private boolean debugPrintable(Type t) {
        t = shallow(t);
        if (isInt(t) || t instanceof Type.Float32 || t instanceof Type.Bool || t instanceof Type.Enum || t instanceof Type.Never) return true;
        if (t instanceof Type.Array a) return debugPrintable(a.element());
        if (t instanceof Type.Slice sl) return debugPrintable(sl.element());
        if (t instanceof Type.Ref r) return debugPrintable(r.target());
        if (t instanceof Type.Struct st) return st.fields().stream().allMatch(f -> debugPrintable(f.type()));
        if (t instanceof Type.Tuple tu) return tu.elements().stream().allMatch(this::debugPrintable);
        if (t instanceof Type.Sum s) return s.variants().stream().allMatch(v -> v.fields().stream().allMatch(this::debugPrintable));
        return false;
    }

    /** Splits a format string into literal bytes and `{…}` placeholders with their specs; `{{` and `}}` escape. */
    private List<TypedProgram.FormatPart> parseFormat(Expr.StrLit fmt) {
        List<TypedProgram.FormatPart> parts = new ArrayList<>();
        byte[] s = fmt.bytes();
        ByteArrayOutputStream lit = new ByteArrayOutputStream();
        for (int i = 0; i < s.length; i++) {
            byte ch = s[i];
            if (ch == '{' && i + 1 < s.length && s[i + 1] == '{') { lit.write('{'); i++; continue; }
            if (ch == '}' && i + 1 < s.length && s[i + 1] == '}') { lit.write('}'); i++; continue; }
            if (ch == '{') {
                int close = i + 1;
                while (close < s.length && s[close] != '}') close++;
                if (close >= s.length) {
                    diags.error("E0365", fmt.span(), "unclosed `{` in format string", "write `{{` for a literal brace");
                    return null;
                }
                String text = new String(s, i + 1, close - i - 1, StandardCharsets.UTF_8);
                Object spec = text.isEmpty() ? FormatSpec.DISPLAY
                        : text.startsWith(":") ? FormatSpec.parse(text.substring(1))
                        : "positional and named arguments (`{" + text + "}`) are not supported";
                if (spec instanceof String problem) {
                    diags.error("E0365", fmt.span(), "bad format `{" + text + "}`: " + problem,
                            "placeholders are `{}` or `{:SPEC}`: fill and alignment `{:>6}` `{:*^8}`, zero padding `{:04}`, "
                                    + "`{:x}` `{:X}` `{:b}` `{:o}` `{:#x}`, `{:?}`; write `{{` for a literal brace");
                    return null;
                }
                if (lit.size() > 0) { parts.add(new TypedProgram.FormatPart.Literal(lit.toByteArray())); lit.reset(); }
                parts.add(new TypedProgram.FormatPart.Placeholder((FormatSpec) spec));
                i = close;
                continue;
            }
            if (ch == '}') {
                diags.error("E0365", fmt.span(), "unmatched `}` in format string", "write `}}` for a literal brace");
                return null;
            }
            lit.write(ch);
        }
        if (lit.size() > 0) parts.add(new TypedProgram.FormatPart.Literal(lit.toByteArray()));
        return parts;
    }

    // ---------------------------------------------------------------- blocks, if, match, loops

    private Type checkBlock(Expr.Block b, Type expected) {
        scopes.push(new HashMap<>());
        boolean diverges = false;
        for (Stmt s : b.stmts()) {
            Type t = checkStmt(s);
            if (t instanceof Type.Never) diverges = true;
        }
        Type result;
        if (b.tail() != null) result = check(b.tail(), expected);
        else result = diverges ? Type.NEVER : Type.UNIT;
        scopes.pop();
        return result;
    }

    private void checkUnitBlock(Expr.Block b) {
        Type t = check(b, Type.UNIT);
        if (b.tail() != null) unify(Type.UNIT, t, b.tail().span());
    }

    private Type checkStmt(Stmt s) {
        if (s instanceof Stmt.Let let) {
            Type declared = let.type() == null ? null : resolveType(let.type());
            Type t = declared;
            if (let.init() != null && declared instanceof Type.Mutex m) {
                // `let m: Mutex<T> = v;`: v is a T, as for a static (the header starts zeroed).
                coerce(m.element(), let.init(), check(let.init(), m.element()));
            } else if (let.init() != null) {
                Type init = check(let.init(), declared);
                if (declared != null) coerce(declared, let.init(), init);
                else if (notCopied(let.init(), shallow(init))) t = Type.NEVER;
                else t = init;
                if (shallow(init) instanceof Type.Never && declared == null) t = freshVar();
            } else if (t == null) {
                diags.error("E0311", let.name().span(), "`let " + let.name().name() + "` needs a type or an initializer");
                t = Type.I32;
            }
            if (shallow(t) instanceof Type.Unit && let.init() != null && !(let.init() instanceof Expr.Block))
                ; // `let x = ();` is legal, if odd
            Symbol.LocalVar v = new Symbol.LocalVar(let.name().name(), t, let.mutable(), let.name().span());
            fnLocals.add(v);
            if (let.init() == null) declaredWithoutValue.add(v);
            out.letVars.put(let, v);
            scopes.peek().put(v.name(), v);
            return (let.init() != null && shallow(out.types.get(let.init())) instanceof Type.Never) ? Type.NEVER : Type.UNIT;
        } else if (s instanceof Stmt.LetPattern lp) {
            Type declared = lp.type() == null ? null : resolveType(lp.type());
            Type init = check(lp.init(), declared);
            if (declared != null) coerce(declared, lp.init(), init);
            Type t = declared != null ? declared : init;
            if (lp.otherwise() != null) {
                Type other = check(lp.otherwise(), null);
                if (!(shallow(other) instanceof Type.Never))
                    diags.error("E0376", lp.otherwise().span(), "the `else` of `let ... else` must not end normally",
                            "end it with `return`, `break`, `continue` or a call that never returns (`panic`, `exit`)");
            }
            checkPat(lp.pattern(), t);   // the bindings are in scope after the statement
            if (lp.otherwise() == null) irrefutable.add(lp.pattern());
            return shallow(init) instanceof Type.Never ? Type.NEVER : Type.UNIT;
        } else if (s instanceof Stmt.ExprStmt es) {
            Type t = check(es.expr(), null);
            Type st = shallow(t);
            if (!es.semicolon() && !(st instanceof Type.Unit || st instanceof Type.Never)) {
                diags.error("E0308", es.expr().span(), "mismatched types: expected `()`, found `" + st + "`",
                        "add `;` to discard the value");
            }
            return st instanceof Type.Never ? Type.NEVER : Type.UNIT;
        }
        throw new IllegalStateException("unknown statement " + s);
    }

    private Type checkIf(Expr.If i, Type expected) {
        unify(Type.BOOL, check(i.cond(), Type.BOOL), i.cond().span());
        if (i.otherwise() == null) {
            Type t = check(i.then(), Type.UNIT);
            if (!(shallow(t) instanceof Type.Unit || shallow(t) instanceof Type.Never)) {
                diags.error("E0312", i.then().tail() != null ? i.then().tail().span() : i.span(),
                        "`if` without `else` cannot have a value of type `" + shallow(t) + "`",
                        "add an `else` branch, or end the block with `;`");
            }
            return Type.UNIT;
        }
        Type a = check(i.then(), expected);
        Type b = check(i.otherwise(), shallow(a) instanceof Type.Never ? expected : a);
        return joinBranches(a, b, i.otherwise().span());
    }

    private Type joinBranches(Type a, Type b, Span at) {
        if (shallow(a) instanceof Type.Never) return b;
        if (shallow(b) instanceof Type.Never) return a;
        unify(a, b, at);
        return a;
    }

    private Type checkMatch(Expr.Match m, Type expected) {
        Type scrutinee = check(m.scrutinee(), null);
        Type st = shallow(scrutinee);
        if (st instanceof Type.Channel || st instanceof Type.Slice)
            diags.error("E0370", m.scrutinee().span(), "cannot match on a value of type `" + resolveForMessage(st) + "`",
                    "`match` works on integers, bools, enums, `Option`, `Result` and tuples of them");
        Type result = null;
        for (Expr.MatchArm arm : m.arms()) {
            scopes.push(new HashMap<>());
            checkPat(arm.pattern(), scrutinee);
            if (arm.guard() != null) unify(Type.BOOL, check(arm.guard(), Type.BOOL), arm.guard().span());
            Type t = check(arm.body(), result != null && !(shallow(result) instanceof Type.Never) ? result : expected);
            scopes.pop();
            result = result == null ? t : joinBranches(result, t, arm.body().span());
        }
        // Exhaustiveness needs the final scrutinee type: decided after the function body.
        pendingMatches.add(m);
        return result == null ? Type.NEVER : result;
    }

    private final List<Expr.Match> pendingMatches = new ArrayList<>();

    /** `for x in &arr`, `for x in arr`, `for x in slice` (0.2): each element by value. */
    private Type checkForIn(Expr.ForIn f) {
        Type t = derefAll(check(f.iterable(), null));
        Type element = t instanceof Type.Array a ? a.element() : t instanceof Type.Slice sl ? sl.element() : Type.NEVER;
        if (!(t instanceof Type.Array || t instanceof Type.Slice || t instanceof Type.Never))
            diags.error("E0343", f.iterable().span(), "`for` runs over a range, an array or a slice, not `" + resolveForMessage(t) + "`",
                    "write `for i in 0..n { }` to count");
        if (notCopied(f.iterable(), element)) element = Type.NEVER;   // `for x in s` copies each element out
        out.forInVars.put(f, forBody(f, f.var(), element, f.label(), f.body()));
        return Type.UNIT;
    }

    /** A `for` loop's variable (in a scope of its own) and body, for both kinds of `for`. */
    private Symbol.LocalVar forBody(Expr loop, Ident var, Type t, Ident label, Expr.Block body) {
        scopes.push(new HashMap<>());
        Symbol.LocalVar v = new Symbol.LocalVar(var.name(), t, false, var.span());
        fnLocals.add(v);
        scopes.peek().put(v.name(), v);
        loops.push(new LoopCtx(loop, false, label));
        checkUnitBlock(body);
        loops.pop();
        scopes.pop();
        return v;
    }

    private Type checkFor(Expr.For f) {
        Type start = check(f.start(), null);
        Type end = check(f.end(), start);
        unify(start, end, f.end().span());
        if (!isInt(start) && !(shallow(start) instanceof Type.Never))
            diags.error("E0343", f.start().span(), "a `for` range needs integers, found `" + shallow(start) + "`");
        out.forVars.put(f, forBody(f, f.var(), start, f.label(), f.body()));
        return Type.UNIT;
    }

    // ---------------------------------------------------------------- data enums, Option, Result (0.2)

    /** Resolves each data enum's variant fields (layouts come later, on first use). */
    private void defineSums(List<Module> modules) {
        for (Module m : modules) {
            enter(m);
            for (Item item : m.items()) {
                if (!(item instanceof Item.Enum en) || !(typeNames.get(en.name().name()) instanceof Type.Sum sum) || sumDecls.get(sum) != en) continue;
                List<Type.Sum.Variant> variants = new ArrayList<>();
                List<String> seen = new ArrayList<>();
                for (Item.Variant v : en.variants()) {
                    if (seen.contains(v.name().name())) diags.error("E0205", v.name().span(), "variant `" + v.name().name() + "` is declared twice in `" + en.name().name() + "`");
                    seen.add(v.name().name());
                    if (v.value() != null) diags.error("E0399", v.value().span(), "a discriminant is only allowed when no variant of the enum carries data",
                            "drop `= ...`, or move the data into a struct");
                    List<Type> fields = new ArrayList<>();
                    List<String> names = null;
                    if (v.tupleFields() != null) for (TypeExpr te : v.tupleFields()) fields.add(resolveType(te));
                    if (v.structFields() != null) {
                        names = new ArrayList<>();
                        for (Item.FieldDecl f : v.structFields()) {
                            if (names.contains(f.name().name())) diags.error("E0207", f.name().span(), "field `" + f.name().name() + "` is declared twice");
                            names.add(f.name().name());
                            fields.add(resolveType(f.type()));
                        }
                    }
                    for (Type t : fields) {
                        if (Type.containsChannel(t)) diags.error("E0393", v.span(), "an enum variant cannot hold a Channel, Signal, Event or Mutex", "keep it in a static");
                        if (t == sum) diags.error("E0303", v.span(), "`" + en.name().name() + "` contains itself", "a value cannot hold itself: use an index or a reference");
                    }
                    variants.add(new Type.Sum.Variant(v.name().name(), names, fields));
                }
                sum.define(variants);
            }
        }
    }

    private Type.Sum sumNamed(Expr target) {
        if (target instanceof Expr.Field f) {
            ModuleScope ms = moduleNamed(f.target());
            return ms != null && ms.types().get(f.field().name()) instanceof Type.Sum s ? s : null;
        }
        if (!(target instanceof Expr.Name n)) return null;
        String name = n.ident().name();
        if (scopes.stream().anyMatch(sc -> sc.containsKey(name))) return null;
        return typeNames.get(name) instanceof Type.Sum s ? s : null;
    }

    /** `Some`, `None`, `Ok`, `Err`, unless the program names something so. */
    private boolean isBuiltinVariant(String name) {
        return (name.equals("Some") || name.equals("None") || name.equals("Ok") || name.equals("Err"))
                && !globals.containsKey(name) && scopes.stream().noneMatch(sc -> sc.containsKey(name));
    }

    /** The T of an Option expected here, or a variable that the rest of the body decides. */
    private Type optionArg(Type expected, Span at, String what) {
        if (shallow(expected) instanceof Type.Never) return Type.NEVER;   // the declared type was an error: say nothing more
        return shallow(expected) instanceof Type.Sum s && s.isOption() ? s.args().get(0) : freshGeneral(at, what);
    }

    /** What a callee naming a tuple-like variant builds: `Event.Press`, `Some`, `Ok`, `Err`; else null. */
    private String variantConstructor(Expr callee) {
        if (callee instanceof Expr.Name n && isBuiltinVariant(n.ident().name()) && !n.ident().name().equals("None")) return n.ident().name();
        if (callee instanceof Expr.Field f && sumNamed(f.target()) != null) return f.field().name();
        return null;
    }

    /** `Some(x)`, `Ok(v)`, `Err(e)` ({@code enumOrName} the name), or `Event.Press(3)` ({@code enumOrName} the enum). */
    private Type checkVariantCall(Expr c, String name, Expr enumOrName, List<Expr> args, Type expected) {
        Type.Sum sum;
        if (!(c instanceof Expr.MethodCall)) {
            Type.Sum want = shallow(expected) instanceof Type.Sum s && s.isBuiltin() ? s : null;
            if (name.equals("Some")) {
                sum = Type.Sum.option(want != null && want.isOption() ? want.args().get(0) : freshGeneral(c.span(), "`Some(..)`"));
            } else {
                boolean ok = name.equals("Ok");
                Type okType = want != null && want.isResult() ? want.args().get(0) : ok ? null : freshGeneral(c.span(), "`Err(..)`'s value type");
                Type errType = want != null && want.isResult() ? want.args().get(1) : ok ? freshGeneral(c.span(), "`Ok(..)`'s error type") : null;
                if (okType == null) okType = freshGeneral(c.span(), "`Ok(..)`");
                if (errType == null) errType = freshGeneral(c.span(), "`Err(..)`");
                sum = Type.Sum.result(okType, errType);
            }
        } else {
            sum = sumNamed(enumOrName);
        }
        int index = sum.indexOf(name);
        if (index < 0) {
            List<String> names = sum.variants().stream().map(Type.Sum.Variant::name).toList();
            String best = Suggest.closest(name, names);
            diags.error("E0386", c.span(), "no variant `" + name + "` in enum `" + sum.name() + "`",
                    best != null ? "did you mean `" + sum.name() + "." + best + "`?" : "its variants are " + String.join(", ", names));
            for (Expr a : args) check(a, null);
            return Type.NEVER;
        }
        Type.Sum.Variant v = sum.variants().get(index);
        if (v.isStructLike() || v.fields().isEmpty()) {
            diags.error("E0397", c.span(), "`" + name + "` " + (v.isStructLike() ? "has named fields" : "carries no data"),
                    v.isStructLike() ? "build it with `" + sum.name() + "." + name + " { .. }`" : "write `" + sum.name() + "." + name + "` without parentheses");
            for (Expr a : args) check(a, null);
            return Type.NEVER;
        }
        if (args.size() != v.fields().size()) argumentCount(c.span(), name, v.fields().size(), args.size());
        for (int i = 0; i < args.size(); i++) {
            Type want = i < v.fields().size() ? v.fields().get(i) : null;
            Type got = check(args.get(i), want);
            if (want != null) coerce(want, args.get(i), got);
        }
        out.resolutions.put(c, new Symbol.SumVariant(name, sum, index));
        return sum;
    }

    /** `Event.Release { pin: 1, ms: 20 }` */
    private Type checkVariantLit(Expr.StructLit sl, Type.Sum sum) {
        String name = sl.type().simpleName();
        int index = sum.indexOf(name);
        Type.Sum.Variant v = index < 0 ? null : sum.variants().get(index);
        if (v == null || !v.isStructLike()) {
            diags.error(v == null ? "E0386" : "E0397", sl.type().span(), v == null ? "no variant `" + name + "` in enum `" + sum.name() + "`"
                    : "`" + sum.name() + "." + name + "` has no named fields", v == null ? new String[0] : new String[] {"build it with `" + sum.name() + "." + name + "(..)`"});
            for (Expr.FieldInit fi : sl.fields()) check(fi.value(), null);
            return Type.NEVER;
        }
        List<String> given = new ArrayList<>();
        for (Expr.FieldInit fi : sl.fields()) {
            int fieldIndex = v.fieldIndex(fi.name().name());
            if (given.contains(fi.name().name())) diags.error("E0384", fi.name().span(), "field `" + fi.name().name() + "` is given twice");
            given.add(fi.name().name());
            if (fieldIndex < 0) {
                diags.error("E0382", fi.name().span(), "variant `" + sum.name() + "." + name + "` has no field `" + fi.name().name() + "`",
                        "its fields are " + String.join(", ", v.fieldNames()));
                check(fi.value(), null);
                continue;
            }
            Type want = v.fields().get(fieldIndex);
            coerce(want, fi.value(), check(fi.value(), want));
        }
        List<String> missing = v.fieldNames().stream().filter(f -> !given.contains(f)).toList();
        if (!missing.isEmpty()) diags.error("E0383", sl.span(), "missing field" + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing.stream().map(f -> "`" + f + "`").toList())
                + " in `" + sum.name() + "." + name + "`");
        out.resolutions.put(sl, new Symbol.SumVariant(name, sum, index));
        return sum;
    }

    /** `e?` in a fn returning Option (or Result with the same error type). */
    private Type checkTry(Expr.Try t) {
        Type inner = shallow(check(t.inner(), null));
        if (inner instanceof Type.Never) return Type.NEVER;
        Type result = currentFn == null ? null : shallow(currentFn.result());
        if (!(inner instanceof Type.Sum s && s.isBuiltin())) {
            diags.error("E0396", t.span(), "`?` applies to an `Option` or a `Result`, not `" + resolveForMessage(inner) + "`");
            return Type.NEVER;
        }
        if (branchLoopDepth >= 0) diags.error("E0409", t.span(), "`?` cannot leave a `join`/`race` branch", "match on the value inside the branch instead");
        if (!(result instanceof Type.Sum r && r.isBuiltin() && r.name().equals(s.name()))) {
            diags.error("E0396", t.span(), "`?` on " + (s.isOption() ? "an `Option`" : "a `Result`") + " needs a function that returns "
                            + (s.isOption() ? "`Option<_>`" : "`Result<_, " + resolveForMessage(s.args().get(1)) + ">`")
                            + (result == null ? "" : ", and this one returns `" + resolveForMessage(result) + "`"),
                    s.isOption() ? "return an Option, or `match` the value here" : "return a Result, or `match` the value here");
            return s.args().get(0);
        }
        if (s.isResult()) unify(((Type.Sum) result).args().get(1), s.args().get(1), t.span());
        return s.args().get(0);
    }

    private Type checkIfLet(Expr.IfLet il, Type expected) {
        Type scrutinee = check(il.scrutinee(), null);
        scopes.push(new HashMap<>());
        checkPat(il.pattern(), scrutinee);
        Type then = check(il.then(), il.otherwise() == null ? Type.UNIT : expected);
        scopes.pop();
        if (il.otherwise() == null) {
            if (!(shallow(then) instanceof Type.Unit || shallow(then) instanceof Type.Never))
                diags.error("E0312", il.then().tail() != null ? il.then().tail().span() : il.span(),
                        "`if let` without `else` cannot have a value of type `" + resolveForMessage(then) + "`", "add an `else` branch, or end the block with `;`");
            return Type.UNIT;
        }
        Type otherwise = check(il.otherwise(), shallow(then) instanceof Type.Never ? expected : then);
        return joinBranches(then, otherwise, il.otherwise().span());
    }

    /** Integer methods' `Option` results and the methods of Option and Result. */
    private Type checkSumMethod(Expr.MethodCall mc, Type.Sum s, boolean awaited) {
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

    // ---------------------------------------------------------------- patterns

    /** Checks {@code p} against values of type {@code t}, declaring its bindings in the innermost scope. */
    private void checkPat(Pattern p, Type t) {
        bodyPatterns.add(p);
        out.patternTypes.put(p, t);
        if (p instanceof Pattern.Wildcard) {
        } else if (p instanceof Pattern.Binding b) {
            bind(p, b.name(), b.mutable(), t);
            if (b.sub() != null) checkPat(b.sub(), t);
        } else if (p instanceof Pattern.Value v && v.value() instanceof Expr.Name n && isBindingName(n.ident().name())) {
            bind(p, n.ident(), false, t);
        } else if (p instanceof Pattern.Value v && isUnitVariant(v.value())) {
            Symbol.SumVariant sv = unitVariant(v.value());
            unify(t, sv.type(), v.span());
            out.patternVariants.put(p, sv);
        } else if (p instanceof Pattern.Value v) {
            Type st = shallow(t);
            if (!(isInt(st) || st instanceof Type.Bool || st instanceof Type.Enum || st instanceof Type.Never))
                diags.error("E0370", v.span(), "a value pattern needs an integer, bool or enum, not `" + resolveForMessage(st) + "`",
                        st instanceof Type.Float32 ? "compare the value with `if`: `if x == 1.5 { }`"
                                : "match its parts with a tuple or variant pattern, or bind it with a name");
            else unify(t, check(v.value(), t), v.span());
        } else if (p instanceof Pattern.Range r && shallow(t) instanceof Type.Float32) {
            diags.error("E0370", r.span(), "a range pattern needs an integer, not `f32`", "compare the value with `if`: `if x >= 1.0 && x < 2.0 { }`");
        } else if (p instanceof Pattern.Range r) {
            unify(t, check(r.low(), t), r.low().span());
            unify(t, check(r.high(), t), r.high().span());
        } else if (p instanceof Pattern.Or or) {
            Map<String, Symbol.LocalVar> first = null;
            for (Pattern alt : or.alternatives()) {
                scopes.push(new HashMap<>());
                checkPat(alt, t);
                Map<String, Symbol.LocalVar> names = scopes.pop();
                if (first == null) {
                    first = names;
                } else if (!first.keySet().equals(names.keySet())) {
                    diags.error("E0374", alt.span(), "every alternative of `|` must bind the same names",
                            "the first binds " + (first.isEmpty() ? "none" : String.join(", ", first.keySet())));
                } else {
                    for (String k : names.keySet()) {   // one variable for all alternatives
                        unify(first.get(k).type, names.get(k).type, alt.span());
                        out.patternBindings.put(bindingPatterns.get(names.get(k)), first.get(k));
                    }
                }
            }
            if (first != null) scopes.peek().putAll(first);
        } else if (p instanceof Pattern.Tuple tp) {
            Type st = shallow(t);
            if (st instanceof Type.Never) { for (Pattern e : tp.elements()) checkPat(e, Type.NEVER); return; }
            if (!(st instanceof Type.Tuple tt && tt.elements().size() == tp.elements().size()) && !(st instanceof Type.Unit && tp.elements().isEmpty())) {
                diags.error("E0308", tp.span(), "mismatched types: expected `" + resolveForMessage(st) + "`, found a tuple of " + tp.elements().size());
                for (Pattern e : tp.elements()) checkPat(e, Type.NEVER);
                return;
            }
            for (int i = 0; i < tp.elements().size(); i++) checkPat(tp.elements().get(i), ((Type.Tuple) st).elements().get(i));
        } else if (p instanceof Pattern.Variant vp) {
            Symbol.SumVariant sv = variantOfPath(vp.path(), t);
            if (sv == null) { for (Pattern a : vp.args()) checkPat(a, Type.NEVER); return; }
            out.patternVariants.put(p, sv);
            Type.Sum.Variant v = sv.variant();
            if (v.isStructLike()) diags.error("E0397", vp.span(), "`" + v.name() + "` has named fields", "match it with `" + v.name() + " { .. }`");
            else if (vp.args().size() != v.fields().size())
                diags.error("E0375", vp.span(), "`" + v.name() + "` has " + v.fields().size() + " field" + (v.fields().size() == 1 ? "" : "s")
                        + " but the pattern has " + vp.args().size());
            for (int i = 0; i < vp.args().size(); i++) checkPat(vp.args().get(i), i < v.fields().size() && !v.isStructLike() ? v.fields().get(i) : Type.NEVER);
        } else if (p instanceof Pattern.StructVariant sp && sp.path() instanceof Expr.Name sn && typeNames.get(sn.ident().name()) instanceof Type.Struct st
                && scopes.stream().noneMatch(sc -> sc.containsKey(sn.ident().name()))) {
            // `P { x, y: 0, .. }`: a struct's fields, as Rust's struct patterns.
            unify(t, st, sp.span());
            List<String> named = new ArrayList<>();
            for (Pattern.FieldPattern f : sp.fields()) {
                int index = st.fieldIndex(f.name().name());
                if (index < 0) {
                    diags.error("E0382", f.name().span(), "struct `" + st.name() + "` has no field `" + f.name().name() + "`",
                            "its fields are " + String.join(", ", st.fields().stream().map(Type.Struct.Field::name).toList()));
                    checkPat(f.pattern(), Type.NEVER);
                    continue;
                }
                named.add(f.name().name());
                checkPat(f.pattern(), st.fields().get(index).type());
            }
            if (!sp.rest() && named.size() < st.fields().size())
                diags.error("E0383", sp.span(), "the pattern does not mention " + String.join(", ", st.fields().stream().map(Type.Struct.Field::name)
                        .filter(n -> !named.contains(n)).map(n -> "`" + n + "`").toList()), "add `..` to ignore the other fields");
        } else if (p instanceof Pattern.StructVariant sp) {
            Symbol.SumVariant sv = variantOfPath(sp.path(), t);
            if (sv == null) { for (Pattern.FieldPattern f : sp.fields()) checkPat(f.pattern(), Type.NEVER); return; }
            out.patternVariants.put(p, sv);
            Type.Sum.Variant v = sv.variant();
            List<String> named = new ArrayList<>();
            for (Pattern.FieldPattern f : sp.fields()) {
                int index = v.fieldIndex(f.name().name());
                if (index < 0) {
                    diags.error("E0382", f.name().span(), "`" + v.name() + "` has no field `" + f.name().name() + "`",
                            v.isStructLike() ? "its fields are " + String.join(", ", v.fieldNames()) : "it has no named fields: match it with `" + v.name() + "(..)`");
                    checkPat(f.pattern(), Type.NEVER);
                    continue;
                }
                named.add(f.name().name());
                checkPat(f.pattern(), v.fields().get(index));
            }
            if (!sp.rest() && v.isStructLike() && named.size() < v.fieldNames().size())
                diags.error("E0383", sp.span(), "the pattern does not mention " + String.join(", ", v.fieldNames().stream().filter(n -> !named.contains(n)).map(n -> "`" + n + "`").toList()),
                        "add `..` to ignore the other fields");
        }
    }

    /** A bare name in a pattern binds, unless it names a constant or a unit variant. */
    private boolean isBindingName(String name) {
        if (name.equals("None") && isBuiltinVariant(name)) return false;
        return !(globals.get(name) instanceof Symbol.Const) && !typeNames.containsKey(name);
    }

    private void bind(Pattern p, Ident name, boolean mutable, Type t) {
        if (scopes.peek().containsKey(name.name()) && scopes.peek().get(name.name()).span() != name.span())
            diags.error("E0377", name.span(), "`" + name.name() + "` is bound more than once in the same pattern");
        if (Type.holdsMutex(shallow(t))) {
            diags.error("E0423", name.span(), "a value holding a `Mutex` cannot be copied or moved (`" + name.name() + "` would be a `" + t + "`)",
                    "match on a reference to it, or lock it where it is");
            t = Type.NEVER;
        }
        Symbol.LocalVar v = new Symbol.LocalVar(name.name(), t, mutable, name.span());
        fnLocals.add(v);
        out.patternBindings.put(p, v);
        bindingPatterns.put(v, p);
        scopes.peek().put(name.name(), v);
    }

    private boolean isUnitVariant(Expr e) {
        if (e instanceof Expr.Name n) return n.ident().name().equals("None") && isBuiltinVariant("None");
        if (!(e instanceof Expr.Field f) || sumNamed(f.target()) == null) return false;
        Type.Sum s = sumNamed(f.target());
        int index = s.indexOf(f.field().name());
        return index >= 0 && s.variants().get(index).fields().isEmpty() && !s.variants().get(index).isStructLike();
    }

    /** `Event.Tick`, `None`: a unit variant of a data enum or of Option, as a pattern; else null. */
    private Symbol.SumVariant unitVariant(Expr e) {
        if (e instanceof Expr.Name n && n.ident().name().equals("None") && isBuiltinVariant("None"))
            return new Symbol.SumVariant("None", Type.Sum.option(freshGeneral(n.span(), "`None`")), 0);
        if (e instanceof Expr.Field f && sumNamed(f.target()) != null) {
            Type.Sum s = sumNamed(f.target());
            int index = s.indexOf(f.field().name());
            if (index >= 0 && s.variants().get(index).fields().isEmpty() && !s.variants().get(index).isStructLike())
                return new Symbol.SumVariant(f.field().name(), s, index);
        }
        return null;
    }

    /** The variant a Variant/StructVariant pattern's path names, unified with the matched type {@code t}. */
    private Symbol.SumVariant variantOfPath(Expr path, Type t) {
        Type.Sum sum;
        String name;
        if (path instanceof Expr.Name n && isBuiltinVariant(n.ident().name())) {
            name = n.ident().name();
            Type st = shallow(t);
            if (name.equals("Some") || name.equals("None")) {
                sum = st instanceof Type.Sum s && s.isOption() ? s : Type.Sum.option(freshGeneral(n.span(), "`" + name + "`"));
            } else {
                sum = st instanceof Type.Sum s && s.isResult() ? s : Type.Sum.result(freshGeneral(n.span(), "`" + name + "`"), freshGeneral(n.span(), "`" + name + "`"));
            }
        } else if (path instanceof Expr.Field f && sumNamed(f.target()) != null) {
            sum = sumNamed(f.target());
            name = f.field().name();
        } else {
            diags.error("E0386", path.span(), "`" + sourceText(path) + "` is not an enum variant with fields",
                    "variant patterns are written `Event.Press(p)`, `Some(x)`, `Ok(v)`, `Err(e)`");
            return null;
        }
        int index = sum.indexOf(name);
        if (index < 0) {
            diags.error("E0386", path.span(), "no variant `" + name + "` in enum `" + sum.name() + "`");
            return null;
        }
        unify(t, sum, path.span());
        return new Symbol.SumVariant(name, sum, index);
    }

    private static String sourceText(Expr e) {
        String text = e.span().file().text();
        return text.substring(Math.max(0, e.span().start()), Math.min(text.length(), e.span().end()));
    }

    /** Evaluates value and range patterns' constants once types are known (for MIR and exhaustiveness). */
    private void patternConstants(Pattern p, Type t, ConstEval eval) {
        if (t == null || t instanceof Type.Never) return;
        if ((p instanceof Pattern.Value && !out.patternBindings.containsKey(p) && !out.patternVariants.containsKey(p)) || p instanceof Pattern.Range) {
            if (!(t instanceof Type.Int || t instanceof Type.Bool || t instanceof Type.Enum)) return;
            Type.Int repr = t instanceof Type.Enum en ? en.repr() : t instanceof Type.Bool ? Type.U8 : (Type.Int) t;
            Type evalType = t instanceof Type.Enum ? t : t;
            if (p instanceof Pattern.Value v) {
                long x = eval.eval(v.value(), evalType);
                out.patternValues.put(p, new long[] {x, x});
            } else {
                Pattern.Range r = (Pattern.Range) p;
                long lo = eval.eval(r.low(), evalType), hi = eval.eval(r.high(), evalType);
                boolean signed = repr.signed();
                if (!r.inclusive()) {
                    if (lo == hi) { diags.error("E0372", r.span(), "this range is empty"); return; }
                    hi = hi - 1;
                }
                if (cmp(lo, hi, signed) > 0) { diags.error("E0372", r.span(), "this range is empty: its start is greater than its end"); return; }
                out.patternValues.put(p, new long[] {lo, hi});
            }
        }
    }

}

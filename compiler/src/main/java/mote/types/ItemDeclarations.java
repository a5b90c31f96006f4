package mote.types;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mote.ast.Expr;
import mote.ast.Ident;
import mote.ast.Item;
import mote.ast.Module;
import mote.ast.TypeExpr;
import mote.diag.Diagnostics;
import mote.diag.Span;
import mote.parse.Parser;
import mote.diag.Suggest;

/**
 * Declaring items, before any body is checked: type names, value names, consts and enum
 * discriminants in {@link ItemOrder}'s order, struct layouts and data enums' variants, fn
 * signatures (with interrupt handlers and `impl` methods), statics and registers; and the
 * resolution of types as written ({@code resolveType}), array lengths and channel capacities.
 *
 * Separate from the walk because it runs over items, once per program, and fixes the names and
 * types that every body then reads.
 */
abstract sealed class ItemDeclarations extends TypeInference permits VariantChecks {
    ItemDeclarations(Diagnostics diags) { super(diags); }

    /** Declares every item of every module (see the class comment for the phases); returns the fns whose bodies are to be checked. */
    List<Symbol.Fn> declareItems(List<Module> modules) {
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
        // While the types are being declared an array's size may not be known yet (a data enum
        // with no variants so far, or with a struct not yet laid out, would cache a wrong layout):
        // its size check waits until every type is laid out.
        sizeChecksLater = new ArrayList<>();
        channelChecksLater = new ArrayList<>();
        defineSums(modules);
        defineStructs(modules);
        List<LaterSizeCheck> later = sizeChecksLater;
        sizeChecksLater = null;
        List<LaterChannelCheck> channelChecks = channelChecksLater;
        channelChecksLater = null;
        // In the order of the source, as the other declaration errors are reported.
        channelChecks.sort(java.util.Comparator.comparing(LaterChannelCheck::span, SOURCE_ORDER));
        for (LaterChannelCheck c : channelChecks) refuseChannels(c.type(), c.span(), c.message(), c.help());
        later.sort(java.util.Comparator.comparing(c -> c.array().span(), SOURCE_ORDER));
        for (LaterSizeCheck c : later) tooLarge(c.element(), c.length(), c.array());
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
        return fns;
    }

    /** Interrupt handlers by board IRQ name; their bodies are checked as sync fns named `irq.NAME`. */
    final Map<String, Item.Interrupt> interrupts = new LinkedHashMap<>();
    /** The IRQ name of each handler's fn declaration. */
    final Map<Item.Fn, String> handlerOf = new java.util.IdentityHashMap<>();

    void declareInterrupt(Item.Interrupt irq, List<Item.Fn> fnDecls, List<ModuleScope> fnScopes) {
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
    static final String INTERRUPT_PREFIX = "irq.";

    boolean declareType(Ident name, Type t) {
        if (typeNames.containsKey(name.name()) || Type.intNamed(name.name()) != null || name.name().equals("bool") || name.name().equals("f32")) {
            diags.error("E0201", name.span(), "type `" + name.name() + "` is defined more than once");
            return false;
        }
        typeNames.put(name.name(), t);
        return true;
    }

    /** Enums declared by name, whose discriminants {@link #checkEnum} computes in ItemOrder's order. */
    final java.util.Set<Item.Enum> numberedLater = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    /**
     * An enum's type before its discriminants are known (they may name consts): what it stands
     * for until ItemOrder reaches it, and for good when it is in a cycle (E0508). Nothing reads
     * its values meanwhile, as whatever names the enum comes after it in that order.
     */
    Type.Enum unnumbered(Item.Enum en) {
        List<String> names = en.variants().stream().map(v -> v.name().name()).toList();
        List<Long> values = new ArrayList<>();
        for (long i = 0; i < names.size(); i++) values.add(i);
        return new Type.Enum(current.prefix() + en.name().name(), names, values, Type.U8);
    }

    /** Discriminants as in Rust: written values, otherwise one more than the previous one. */
    Type.Enum checkEnum(Item.Enum en) {
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
    void defineStructs(List<Module> modules) {
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

    /**
     * Structs held by value inside a tuple, an array, an enum variant, or the items of a
     * Channel, Signal or Event or the value of a Mutex, which are stored in place too (not
     * {@code t} itself).
     */
    static List<Type.Struct> structsInside(Type t, java.util.Set<Type> seen) {
        List<Type.Struct> found = new ArrayList<>();
        if (!seen.add(t)) return found;
        for (Type p : partsInPlace(t)) {
            if (p instanceof Type.Struct st) found.add(st);
            found.addAll(structsInside(p, seen));
        }
        return found;
    }

    /** The types a value of {@code t} stores in place, structs' fields aside (those are laid out on their own). */
    private static List<Type> partsInPlace(Type t) {
        return t instanceof Type.Tuple tu ? tu.elements() : t instanceof Type.Array a ? List.of(a.element())
                : t instanceof Type.Channel ch ? List.of(ch.element()) : t instanceof Type.Mutex m ? List.of(m.element())
                : t instanceof Type.Sum s ? (s.isBuiltin() ? s.args() : s.variants().stream().flatMap(v -> v.fields().stream()).toList()) : List.of();
    }

    /**
     * Lays out {@code t} after the structs it holds by value; returns its depth (1 + its deepest
     * field, each array level counting one). {@code above} is how deep the struct that led here
     * sits: past {@link Parser#MAX_NESTING} levels of structs and arrays the field is E0039, so
     * that this recursion and every later walk over the type stay shallow.
     */
    int layout(Type.Struct t, int above, Map<Type.Struct, Item.Struct> decls, Map<Type.Struct, List<Type>> fieldTypes,
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

    boolean declare(String name, Symbol sym, Span span) {
        if (globals.containsKey(name)) {
            diags.error("E0201", span, "`" + name + "` is defined more than once");
            return false;
        }
        if (TypeChecker.BUILTINS.containsKey(name)) {
            diags.error("E0202", span, "`" + name + "` is a built-in function and cannot be redefined");
            return false;
        }
        globals.put(name, sym);
        return true;
    }

    void checkTasks() {
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

    void checkMain(List<Module> modules) {
        Symbol s = globals.get("main");
        if (s instanceof Symbol.Fn main) {
            if (main.decl().kind() != Item.FnKind.ASYNC)
                diags.error("E0410", main.decl().name().span(), "`main` must be declared `async fn main()`");
            else if (!main.params().isEmpty())
                diags.error("E0411", main.decl().name().span(), "`main` takes no parameters");
            else if (!(main.result() instanceof Type.Unit) && !main.result().equals(Type.I32))
                diags.error("E0412", main.decl().returnType().span(), "`main` returns `i32` or nothing, not `" + main.result() + "`");
        } else if (s == null) {
            // An interrupt handler named `main` is no program entry: say so where it is, rather
            // than "no `async fn main`" at the top of the file.
            for (Module m : modules.subList(0, Math.min(1, modules.size())))
                for (Item item : m.items())
                    if (item instanceof Item.Interrupt irq && irq.name().name().equals("main"))
                        diags.error("E0410", irq.name().span(), "`main` must be declared `async fn main()`, not as an interrupt handler",
                                "an interrupt handler is named after its interrupt (`interrupt UART0() { ... }`); the program starts at `async fn main`");
        }
    }

    // ---------------------------------------------------------------- types as written

    Type resolveType(TypeExpr te) {
        if (te instanceof TypeExpr.Unit u) { return Type.UNIT;
        } else if (te instanceof TypeExpr.Tuple tu) {
            List<Type> elements = new ArrayList<>();
            for (TypeExpr el : tu.elements()) elements.add(resolveType(el));
            if (refuseChannels(new Type.Tuple(elements), tu.span(), "a tuple cannot hold a Channel, Signal, Event or Mutex", "put it in a struct or a static"))
                return Type.NEVER;
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
            if (refuseChannels(new Type.Tuple(args), n.span(), "an `" + n.simpleName() + "` cannot hold a Channel, Signal, Event or Mutex"))
                return Type.NEVER;
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
                if (refuseChannels(value, te.span(), "a `Mutex` holds plain data, not `" + value + "`",
                        "channels, signals, events and mutexes are safe to share as they are: keep them beside the mutex"))
                    return Type.NEVER;
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
                case "Self" -> "Mote has no `Self` (0.2): write the type's own name, as in `fn new() -> Point`";
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
            if (n != null && sizeChecksLater != null) {   // a field or variant: checked once every type is laid out
                sizeChecksLater.add(new LaterSizeCheck(element, n, a));
                return new Type.Array(element, n);
            }
            if (n != null && tooLarge(element, n, a)) n = null;
            return n == null ? Type.NEVER : new Type.Array(element, n);   // the error type: no follow-on errors
        } else if (te instanceof TypeExpr.Slice sl) { return new Type.Slice(resolveType(sl.element()), sl.mutable());
        } else if (te instanceof TypeExpr.Ref r) { return new Type.Ref(r.mutable(), resolveType(r.target()));
        } else {
            diags.error("E0399", te.span(), "this type is not supported yet");
            return Type.NEVER;   // the error type: accepts anything, so no follow-on errors
        }
    }

    /** E0505 when {@code n} elements of {@code element} are more bytes than an array may have. */
    private boolean tooLarge(Type element, long n, TypeExpr.Array a) {
        if ((long) element.size() * n <= MAX_ARRAY_BYTES) return false;
        diags.error("E0505", a.length().span(), "an array of " + n + " `" + element + "` is " + (long) element.size() * n
                + " bytes, more than any board's memory", "arrays go up to " + MAX_ARRAY_BYTES + " bytes");
        return true;
    }

    /**
     * E0393 when {@code t} holds a Channel, Signal, Event or Mutex, where a value is copied or
     * moved (a tuple, an enum variant, Option, Result, a Mutex's value). While the types are being
     * declared a struct named in {@code t} may not have its fields yet: the check waits until they
     * do, and this returns false.
     */
    private boolean refuseChannels(Type t, mote.diag.Span span, String message, String... help) {
        if (channelChecksLater != null) {
            channelChecksLater.add(new LaterChannelCheck(t, span, message, help));
            return false;
        }
        if (!Type.containsChannel(t)) return false;
        diags.error("E0393", span, message, help);
        return true;
    }

    private static final java.util.Comparator<mote.diag.Span> SOURCE_ORDER =
            java.util.Comparator.comparing((mote.diag.Span s) -> s.file().displayName()).thenComparingInt(mote.diag.Span::start);

    /** Channel checks waiting for every struct's fields; null once they are known. */
    private List<LaterChannelCheck> channelChecksLater;

    private record LaterChannelCheck(Type type, mote.diag.Span span, String message, String[] help) {}

    /** Array size checks waiting for the types to be laid out; null once they are. */
    private List<LaterSizeCheck> sizeChecksLater;

    private record LaterSizeCheck(Type element, long length, TypeExpr.Array array) {}

    /** A channel's capacity: a constant expression (a literal or a const's name), 1 to 65535. */
    Long channelCapacity(TypeExpr arg) {
        List<Ident> path = arg instanceof TypeExpr.Named n ? n.path() : List.of();
        Expr value = arg instanceof TypeExpr.ConstArg c ? c.value()
                : path.size() == 2 ? new Expr.Field(arg.span(), new Expr.Name(path.get(0).span(), path.get(0)), path.get(1))   // `cfg.DEPTH`
                : new Expr.Name(arg.span(), path.get(0));
        Long n = new ConstEval(out, globals, diags).length(value, this::lengthName, "a channel's capacity");
        if (n == null) return null;   // reported
        if (n < 1 || n > 65535) {
            diags.error("E0391", arg.span(), "a channel's capacity must be between 1 and 65535, not " + n);
            return null;
        }
        return n;
    }

    /** Beyond any Cortex-M's memory, and small enough that sizes stay exact in an int. */
    static final long MAX_ARRAY_LENGTH = 1L << 24, MAX_ARRAY_BYTES = 1L << 28;

    /** An array length or repeat count: a constant integer expression (literals, consts, + - * / % << >>, casts). */
    Long constLength(Expr e) {
        Long v = new ConstEval(out, globals, diags).length(e, this::lengthName);
        if (v == null) return null;   // reported
        if (v < 0 || v > MAX_ARRAY_LENGTH) {
            diags.error("E0505", e.span(), "array length " + v + " is out of range", "lengths go from 0 to " + MAX_ARRAY_LENGTH);
            return null;
        }
        return v;
    }

    /**
     * What a name in an array length denotes: a const (one of type Never when it is broken), a
     * variant of an enum without data (`Size.Small`, `m.Size.Small`, cast to an integer), or null.
     */
    Symbol lengthName(Expr e) {
        if (e instanceof Expr.Name n) return globals.get(n.ident().name());
        if (e instanceof Expr.Field f && moduleNamed(f.target()) != null) return moduleNamed(f.target()).globals().get(f.field().name());
        if (e instanceof Expr.Field f) {
            Type owner = f.target() instanceof Expr.Name n ? typeNames.get(n.ident().name())
                    : f.target() instanceof Expr.Field inner && moduleNamed(inner.target()) != null
                    ? moduleNamed(inner.target()).types().get(inner.field().name()) : null;
            if (owner instanceof Type.Enum en && en.variants().indexOf(f.field().name()) >= 0)
                return new Symbol.Variant(f.field().name(), en, en.variants().indexOf(f.field().name()));
        }
        return null;
    }

    // ---------------------------------------------------------------- consts and statics

    Symbol.Const checkConst(Item.Const c) {
        Type declared = c.type() == null ? null : resolveType(c.type());
        if (Type.isAggregate(declared == null ? Type.UNIT : declared) || c.value() instanceof Expr.StructLit
                || c.value() instanceof Expr.ArrayLit || c.value() instanceof Expr.ArrayRepeat || c.value() instanceof Expr.StrLit
                || c.value() instanceof Expr.Tuple) {
            // Checked before struct fields are known (array lengths may use consts): reject early.
            diags.error("E0507", c.type() != null ? c.type().span() : c.value().span(),
                    "a `const` is an integer, an f32, a bool or an enum without data" + (declared != null ? ", not `" + declared + "`" : ""),
                    "use a `static` for arrays, structs, enums with data and strings");
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
                    "a `const` is an integer, an f32, a bool or an enum without data, not `" + resolved + "`",
                    "use a `static` for arrays, structs, enums with data and strings");
            return new Symbol.Const(c.name().name(), c, Type.NEVER, 0);
        }
        long value = new ConstEval(out, globals, diags).eval(c.value(), resolved);
        return new Symbol.Const(c.name().name(), c, resolved, value);
    }

    Symbol.Static checkStatic(Item.Static s) {
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

    Symbol.Register checkRegister(Item.Register r) {
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

    /** Resolves each data enum's variant fields (layouts come later, on first use). */
    void defineSums(List<Module> modules) {
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
                        refuseChannels(t, v.span(), "an enum variant cannot hold a Channel, Signal, Event or Mutex", "keep it in a static");
                    }
                    variants.add(new Type.Sum.Variant(v.name().name(), names, fields));
                }
                sum.define(variants);
            }
        }
        for (Module m : modules) {
            enter(m);
            for (Item item : m.items())
                if (item instanceof Item.Enum en && typeNames.get(en.name().name()) instanceof Type.Sum sum && sumDecls.get(sum) == en)
                    refuseSelfContainment(sum, en);
        }
    }

    /**
     * E0303 for an enum that holds itself by value, directly or through arrays, tuples, Option,
     * Result or other enums (`enum A { X(B) } enum B { Y(A) }`): its size would be infinite. The
     * field is replaced by an i32, so one error is reported per cycle and later layouts terminate.
     * Cycles through a struct are found when structs are laid out.
     */
    private void refuseSelfContainment(Type.Sum sum, Item.Enum en) {
        List<Type.Sum.Variant> variants = new ArrayList<>(sum.variants());
        boolean changed = false;
        for (int v = 0; v < variants.size(); v++) {
            List<Type> fields = new ArrayList<>(variants.get(v).fields());
            for (int i = 0; i < fields.size(); i++) {
                if (!holdsByValue(fields.get(i), sum, new java.util.HashSet<>())) continue;
                diags.error("E0303", en.variants().get(v).span(), "`" + en.name().name() + "` contains itself", "a value cannot hold itself: use an index or a reference");
                fields.set(i, Type.I32);
                changed = true;
            }
            variants.set(v, new Type.Sum.Variant(variants.get(v).name(), variants.get(v).fieldNames(), fields));
        }
        if (changed) sum.define(variants);
    }

    /** Whether a value of {@code t} holds a {@code target} in place, through enums, arrays, tuples. */
    private static boolean holdsByValue(Type t, Type.Sum target, java.util.Set<Type> seen) {
        if (t == target) return true;
        if (!seen.add(t)) return false;
        for (Type p : partsInPlace(t)) if (holdsByValue(p, target, seen)) return true;
        return false;
    }
}

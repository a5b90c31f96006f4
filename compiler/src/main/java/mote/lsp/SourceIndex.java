package mote.lsp;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import mote.ast.Expr;
import mote.ast.Ident;
import mote.ast.Item;
import mote.ast.Module;
import mote.ast.Pattern;
import mote.ast.Stmt;
import mote.ast.TypeExpr;
import mote.diag.Span;
import mote.types.Symbol;
import mote.types.Type;
import mote.types.TypedProgram;

/**
 * Every name written in a program, with what it refers to, and every expression with its
 * type: what go-to-definition, references and hovers look up. Built from the type checker's
 * side tables ({@link TypedProgram#resolution}, {@link TypedProgram#typeOf}, the variables of
 * lets, parameters and loops) over a walk of the syntax tree.
 *
 * <p>The walk visits record components generically, and only the nodes that name something are
 * handled by type: a node added to the syntax later is still walked through (its names are
 * found once it gets a case here), so the index never breaks on a language change.
 */
final class SourceIndex {
    /** A name as written: the thing it names ({@link #key}), a definition or a use. */
    record Occurrence(Span span, Object key, Object what, boolean definition) {}

    /** Every expression of the root file, for the type under the cursor. */
    record Node(Span span, Expr expr) {}

    final List<Occurrence> occurrences = new ArrayList<>();
    final List<Node> nodes = new ArrayList<>();
    /** The definition of each key, in any module (an imported file's too). */
    final Map<Object, Occurrence> definitions = new HashMap<>();
    /** The variables of each function of the root file, with where they are declared. */
    final Map<Item.Fn, List<Symbol.LocalVar>> locals = new IdentityHashMap<>();
    final TypedProgram typed;
    private final Module root;
    private Item.Fn currentFn;
    private boolean inRoot;

    private SourceIndex(TypedProgram typed) {
        this.typed = typed;
        this.root = typed.modules.get(0);
    }

    static SourceIndex of(TypedProgram typed) {
        SourceIndex index = new SourceIndex(typed);
        for (Module m : typed.modules) {
            index.inRoot = m == index.root;
            for (Item item : m.items()) index.walk(item);
        }
        index.occurrences.sort(Comparator.comparingInt(o -> o.span().start()));
        return index;
    }

    Module root() { return root; }

    /**
     * A declaration as a key, by identity: syntax records are equal (and hash) by value, all
     * the way down a function's body, which is both slow and wrong for two equal declarations.
     */
    record Decl(Object node) {
        @Override public boolean equals(Object o) { return o instanceof Decl d && d.node == node; }
        @Override public int hashCode() { return System.identityHashCode(node); }
    }

    /** The key a resolved symbol is known by: the declaration it comes from. */
    static Object key(Symbol s) {
        if (s instanceof Symbol.LocalVar v) return v;
        if (s instanceof Symbol.Fn f) return new Decl(f.decl());
        if (s instanceof Symbol.Const c) return new Decl(c.decl());
        if (s instanceof Symbol.Static st) return new Decl(st.decl());
        if (s instanceof Symbol.Register r) return new Decl(r.decl());
        if (s instanceof Symbol.Variant v) return "variant:" + v.type().name() + "." + v.name();
        if (s instanceof Symbol.Builtin b) return "builtin:" + b.name();
        if (s instanceof Symbol.SumVariant v) return "variant:" + v.type().name() + "." + v.name();
        // A kind of symbol added to the language later: its uses are still found, by identity,
        // rather than the editor losing every answer for the file (as a throw here would).
        return new Decl(s);
    }

    /** The smallest name at {@code offset}, or null. */
    Occurrence occurrenceAt(int offset) {
        Occurrence best = null;
        for (Occurrence o : occurrences) {
            if (o.span().start() <= offset && offset <= o.span().end() && (best == null || width(o.span()) < width(best.span()))) best = o;
        }
        return best;
    }

    /** The smallest expression at {@code offset}, or null. */
    Node nodeAt(int offset) {
        Node best = null;
        for (Node n : nodes) {
            if (n.span().start() <= offset && offset < n.span().end() && (best == null || width(n.span()) <= width(best.span()))) best = n;
        }
        return best;
    }

    /** The function of the root file whose text holds {@code offset}. */
    Item.Fn functionAt(int offset) {
        for (Item item : root.items()) {
            if (item instanceof Item.Fn f && f.span().start() <= offset && offset <= f.span().end()) return f;
            if (item instanceof Item.Impl impl) {
                for (Item.Fn f : impl.methods()) if (f.span().start() <= offset && offset <= f.span().end()) return f;
            }
        }
        return null;
    }

    List<Occurrence> referencesTo(Object key) {
        return occurrences.stream().filter(o -> o.key().equals(key)).toList();
    }

    Symbol.Fn function(Item.Fn decl) {
        for (Symbol.Fn f : typed.functions) if (f.decl() == decl) return f;
        return null;
    }

    /** The type of {@code e}, or null where the checker recorded none (code after an error). */
    Type typeOf(Expr e) {
        try {
            return typed.typeOf(e);
        } catch (IllegalStateException missing) {
            return null;
        }
    }

    private static int width(Span s) { return s.end() - s.start(); }

    private void name(Ident id, Object key, Object what, boolean definition) {
        if (id == null || key == null) return;
        Occurrence o = new Occurrence(id.span(), key, what, definition);
        if (definition) definitions.putIfAbsent(key, o);
        if (inRoot) occurrences.add(o);
    }

    private void local(Symbol.LocalVar v, Ident id) {
        if (v == null) return;
        name(id, v, v, true);
        if (inRoot && currentFn != null) locals.computeIfAbsent(currentFn, f -> new ArrayList<>()).add(v);
    }

    private void walk(Object node) {
        if (node == null || node instanceof Span) return;
        if (node instanceof List<?> list) {
            for (Object o : list) walk(o);
            return;
        }
        if (!node.getClass().isRecord()) return;
        if (node instanceof Item.Fn f) {
            Item.Fn outer = currentFn;
            currentFn = f;
            name(f.name(), new Decl(f), function(f), true);
            List<Symbol.LocalVar> params = typed.params(f);
            for (int i = 0; i < f.params().size(); i++) {
                if (params != null && i < params.size()) local(params.get(i), f.params().get(i).name());
            }
            walkComponents(f);   // parameter types, result type, body: whatever the node holds
            currentFn = outer;
            return;
        } else if (node instanceof Item.Const c) {
            name(c.name(), new Decl(c), c, true);
        } else if (node instanceof Item.Static st) {
            name(st.name(), new Decl(st), st, true);
        } else if (node instanceof Item.Register r) {
            name(r.name(), new Decl(r), r, true);
        } else if (node instanceof Item.Struct st) {
            name(st.name(), "type:" + st.name().name(), st, true);
            for (Item.FieldDecl fd : st.fields()) name(fd.name(), "field:" + st.name().name() + "." + fd.name().name(), fd, true);
        } else if (node instanceof Item.Enum en) {
            name(en.name(), "type:" + en.name().name(), en, true);
            for (Item.Variant v : en.variants()) name(v.name(), "variant:" + en.name().name() + "." + v.name().name(), v, true);
        } else if (node instanceof Stmt.Let let) {
            local(typed.letVar(let), let.name());
        } else if (node instanceof Expr.For loop) {
            local(typed.forVar(loop), loop.var());
        } else if (node instanceof Expr.ForIn loop) {
            local(typed.forInVar(loop), loop.var());
        } else if (node instanceof Expr.Lock lock) {
            local(typed.lockVar(lock), lock.binding());
        } else if (node instanceof Pattern p && typed.patternBinding(p) != null) {
            // `n @ 1..=9`, `mut x`, or a bare name the checker found to bind (`Some(k)`).
            Symbol.LocalVar v = typed.patternBinding(p);
            local(v, new Ident(v.name(), v.span()));
        } else if (node instanceof Expr.MethodCall call && typed.resolution(call) != null) {
            // A method of an impl block, an associated fn (`Avg.new()`), a data variant (`Msg.Add(3)`).
            Symbol sym = typed.resolution(call);
            name(call.method(), key(sym), sym, false);
        } else if (node instanceof Expr.Call call && typed.resolution(call) instanceof Symbol.SumVariant v) {
            if (call.callee() instanceof Expr.Field f) name(f.field(), key(v), v, false);
            else if (call.callee() instanceof Expr.Name n) name(n.ident(), key(v), v, false);
        } else if (node instanceof Expr.Call call && call.callee() instanceof Expr.Name callee && typed.resolution(callee) == null
                && typed.resolution(call) instanceof Symbol.Fn fn) {
            name(callee.ident(), new Decl(fn.decl()), fn, false);
        } else if (node instanceof Expr.Call call && call.callee() instanceof Expr.Name callee && typed.resolution(callee) == null
                && typed.resolution(call) instanceof Symbol.Builtin b) {
            name(callee.ident(), "builtin:" + b.name(), b, false);
        } else if (node instanceof Expr.MatchArm arm) {
            Symbol.LocalVar v = typed.armBinding(arm);
            if (v != null) local(v, new Ident(v.name(), v.span()));
        } else if (node instanceof Expr.Name n) {
            Symbol sym = typed.resolution(n);
            if (sym != null) name(n.ident(), key(sym), sym, false);
        } else if (node instanceof Expr.Call call && call.callee() instanceof Expr.Field callee && typed.resolution(callee) == null
                && callee.target() instanceof Expr.Name module && typed.resolution(module) == null) {
            // `util.double(21)`: a function of an imported module, by its qualified name.
            Symbol.Fn fn = typed.function(module.ident().name() + "." + callee.field().name());
            if (fn != null) name(callee.field(), new Decl(fn.decl()), fn, false);
        } else if (node instanceof Expr.MethodCall call && call.receiver() instanceof Expr.Name module && typed.resolution(module) == null) {
            // `util.double(21)` parses as a method call on the module's name.
            Symbol.Fn fn = typed.function(module.ident().name() + "." + call.method().name());
            if (fn != null) name(call.method(), new Decl(fn.decl()), fn, false);
        } else if (node instanceof Expr.Call call && call.callee() instanceof Expr.Name callee && typed.resolution(callee) == null) {
            // The checker resolves a called name itself and records no resolution for it.
            String called = callee.ident().name();
            Symbol.Fn fn = typed.function(called);
            if (fn != null) name(callee.ident(), new Decl(fn.decl()), fn, false);
            else if (Completions.BUILTINS.containsKey(called)) name(callee.ident(), "builtin:" + called, null, false);
        } else if (node instanceof Expr.Field f) {
            Symbol sym = typed.resolution(f);
            if (sym != null) {
                name(f.field(), key(sym), sym, false);   // an enum's variant, a module's static or const
            } else {
                Type.Struct st = structOf(typeOf(f.target()));
                if (st != null) name(f.field(), "field:" + st.name() + "." + f.field().name(), st, false);
            }
        } else if (node instanceof Expr.StructLit lit) {
            List<Ident> path = lit.type().path();
            String struct = path.isEmpty() ? null : path.get(path.size() - 1).name();
            for (Expr.FieldInit init : lit.fields()) name(init.name(), "field:" + struct + "." + init.name().name(), struct, false);
        } else if (node instanceof TypeExpr.Named t && !t.path().isEmpty()) {
            Ident last = t.path().get(t.path().size() - 1);
            name(last, "type:" + last.name(), null, false);
        }
        if (node instanceof Expr e && inRoot) nodes.add(new Node(e.span(), e));
        walkComponents(node);
    }

    private void walkComponents(Object node) {
        for (java.lang.reflect.Method accessor : ACCESSORS.get(node.getClass())) {
            try {
                walk(accessor.invoke(node));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + accessor.getName() + " of " + node.getClass().getSimpleName(), e);
            }
        }
    }

    /** Each record class's component accessors worth walking (names are handled by the node that owns them; spans hold none). */
    private static final ClassValue<java.lang.reflect.Method[]> ACCESSORS = new ClassValue<>() {
        @Override
        protected java.lang.reflect.Method[] computeValue(Class<?> type) {
            List<java.lang.reflect.Method> walked = new ArrayList<>();
            for (RecordComponent c : type.getRecordComponents()) {
                Class<?> t = c.getType();
                if (t == Ident.class || t == Span.class || t.isPrimitive() || t == String.class || t.isEnum()) continue;
                walked.add(c.getAccessor());
            }
            return walked.toArray(java.lang.reflect.Method[]::new);
        }
    };

    /** The struct a value of type {@code t} has fields of: itself, or what a reference points at. */
    static Type.Struct structOf(Type t) {
        if (t instanceof Type.Struct s) return s;
        if (t instanceof Type.Ref r) return structOf(r.target());
        return null;
    }
}

package mote.types;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mote.ast.Expr;
import mote.ast.Item;
import mote.ast.Module;
import mote.ast.Pattern;
import mote.ast.Stmt;
import mote.ast.TypeExpr;
import mote.diag.Diagnostics;
import mote.diag.Span;

/**
 * The order in which the checker computes the items whose values are known at compile time
 * (consts, enum discriminants, statics): each after the items its value or type names, so
 * that items may be written in any order, across modules, as the spec says. Go's type
 * checker and rustc's queries do the same, on demand; here the dependencies are read from
 * the syntax first, which is legal because a constant expression can only name items (a
 * `let` inside one shadows, and is tracked), and a name in it means what it means anywhere
 * in its module: `B`, `m.B`, `Cmd.A`, `m.Cmd.A`, `[u8; N]`, `Channel<u8, N>`.
 *
 * A cycle (`const A = B + 1; const B = A + 1;`) has no value: E0508 names the whole cycle at
 * the reference that starts it, and its items are left out of the order (the checker gives
 * them the error type, so nothing else is reported about them).
 */
final class ItemOrder {
    /** An item whose value is computed at compile time, and the module it is written in. */
    record Node(Module module, Item item, String displayName) {}

    /** The items in an order where every one comes after those it names; {@code cyclic} are not in it. */
    record Order(List<Node> nodes, Set<Item> cyclic) {}

    private record Edge(Node target, Span at) {}

    /** One module's names, as the checker resolves them. */
    private record Scope(Module module, Map<String, Node> values, Map<String, Node> enums, Set<String> otherNames, Set<String> imports) {}

    private final Diagnostics diags;
    private final Map<String, Scope> scopes = new LinkedHashMap<>();
    private final Map<Item, List<Edge>> edges = new IdentityHashMap<>();
    private final Map<Item, Integer> state = new IdentityHashMap<>();   // 1 on the stack, 2 done
    private final Deque<Step> path = new ArrayDeque<>();   // the items being visited, each with its reference to the next

    private record Step(Node from, Span at) {}
    private final List<Node> order = new ArrayList<>();
    private final Set<Item> cyclic = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

    private ItemOrder(Diagnostics diags) { this.diags = diags; }

    static Order of(List<Module> modules, Diagnostics diags) {
        ItemOrder o = new ItemOrder(diags);
        List<Node> all = o.index(modules);
        for (Node n : all) o.edges.put(n.item(), o.references(n));
        for (Node n : all) o.visit(n);
        return new Order(o.order, o.cyclic);
    }

    private List<Node> index(List<Module> modules) {
        List<Node> all = new ArrayList<>();
        for (int i = 0; i < modules.size(); i++) {
            Module m = modules.get(i);
            if (scopes.containsKey(m.name())) continue;
            String prefix = i == 0 ? "" : m.name() + ".";
            Scope s = new Scope(m, new LinkedHashMap<>(), new LinkedHashMap<>(), new HashSet<>(), new HashSet<>());
            for (Item item : m.items()) {
                if (item instanceof Item.Const c) all.add(putFirst(s.values(), c.name().name(), new Node(m, c, prefix + c.name().name())));
                else if (item instanceof Item.Static st) all.add(putFirst(s.values(), st.name().name(), new Node(m, st, prefix + st.name().name())));
                else if (item instanceof Item.Enum en) all.add(putFirst(s.enums(), en.name().name(), new Node(m, en, prefix + en.name().name())));
                else if (item instanceof Item.Fn f) s.otherNames().add(f.name().name());
                else if (item instanceof Item.Register r) s.otherNames().add(r.name().name());
                else if (item instanceof Item.Struct st) s.otherNames().add(st.name().name());
                else if (item instanceof Item.Import imp) s.imports().add(imp.name().name());
            }
            scopes.put(m.name(), s);
        }
        return all;
    }

    /** A name defined twice is E0201 (the checker's); the first definition is the one names refer to. */
    private static Node putFirst(Map<String, Node> names, String name, Node n) {
        names.putIfAbsent(name, n);
        return n;
    }

    // ------------------------------------------------------------ ordering

    private void visit(Node n) {
        Integer st = state.get(n.item());
        if (st != null && st == 2) return;
        if (st != null) {   // on the stack: the path from n back to n is a cycle
            reportCycle(n);
            return;
        }
        state.put(n.item(), 1);
        for (Edge e : edges.get(n.item())) {
            path.push(new Step(n, e.at()));
            visit(e.target());
            path.pop();
        }
        state.put(n.item(), 2);
        if (!cyclic.contains(n.item())) order.add(n);
    }

    private void reportCycle(Node start) {
        List<Step> cycle = new ArrayList<>();   // from start round to the item that names start again
        for (Step st : path) {   // innermost first
            cycle.add(0, st);
            if (st.from() == start) break;
        }
        StringBuilder names = new StringBuilder();
        for (Step st : cycle) {
            names.append('`').append(st.from().displayName()).append("` → ");
            cyclic.add(st.from().item());
        }
        names.append('`').append(start.displayName()).append('`');
        diags.error("E0508", cycle.get(0).at(), "`" + start.displayName() + "` depends on its own value: " + names,
                "a constant is computed from literals and other constants: write one of these without the others");
    }

    // ------------------------------------------------------------ references

    private List<Edge> references(Node n) {
        List<Edge> out = new ArrayList<>();
        Refs refs = new Refs(scopes.get(n.module().name()), out);
        if (n.item() instanceof Item.Const c) {
            if (c.type() != null) refs.type(c.type());
            refs.expr(c.value());
        } else if (n.item() instanceof Item.Static s) {
            refs.type(s.type());
            if (s.init() != null) refs.expr(s.init());
        } else if (n.item() instanceof Item.Enum en) {
            for (Item.Variant v : en.variants()) if (v.value() != null) refs.expr(v.value());
        } else {
            throw new IllegalStateException("not a constant item: " + n.item());
        }
        return out;
    }

    /** Collects the items an expression or type names, minding the `let`s and `for`s that hide them. */
    private final class Refs {
        private final Scope scope;
        private final List<Edge> out;
        private final Deque<Set<String>> locals = new ArrayDeque<>();

        Refs(Scope scope, List<Edge> out) { this.scope = scope; this.out = out; }

        private boolean isLocal(String name) {
            return locals.stream().anyMatch(s -> s.contains(name));
        }

        private void add(Node target, Span at) {
            if (target != null) out.add(new Edge(target, at));
        }

        /** The module a plain name denotes, as the checker's `moduleNamed` decides it. */
        private Scope module(Expr e) {
            if (!(e instanceof Expr.Name n)) return null;
            String name = n.ident().name();
            if (isLocal(name) || scope.values().containsKey(name) || scope.enums().containsKey(name) || scope.otherNames().contains(name)) return null;
            return scope.imports().contains(name) ? scopes.get(name) : null;
        }

        void expr(Expr e) {
            if (e == null) return;
            if (e instanceof Expr.IntLit || e instanceof Expr.FloatLit || e instanceof Expr.BoolLit || e instanceof Expr.StrLit || e instanceof Expr.Continue) {
                // names nothing
            } else if (e instanceof Expr.Name n) {
                if (!isLocal(n.ident().name())) add(scope.values().get(n.ident().name()), n.span());
            } else if (e instanceof Expr.Field f) {
                Scope m = module(f.target());
                if (f.target() instanceof Expr.Name t && !isLocal(t.ident().name()) && scope.enums().containsKey(t.ident().name())) {
                    add(scope.enums().get(t.ident().name()), f.span());   // `Cmd.Read`
                } else if (m != null) {   // `m.B`, or `m.Cmd` in `m.Cmd.Read`
                    String name = f.field().name();
                    add(m.values().containsKey(name) ? m.values().get(name) : m.enums().get(name), f.span());
                } else {
                    expr(f.target());
                }
            } else if (e instanceof Expr.Index ix) { expr(ix.target()); expr(ix.index());
            } else if (e instanceof Expr.Call c) { expr(c.callee()); c.args().forEach(this::expr);
            } else if (e instanceof Expr.MethodCall mc) { expr(mc.receiver()); mc.args().forEach(this::expr);
            } else if (e instanceof Expr.Await a) { expr(a.inner());
            } else if (e instanceof Expr.Unary u) { expr(u.operand());
            } else if (e instanceof Expr.Binary b) { expr(b.left()); expr(b.right());
            } else if (e instanceof Expr.Assign a) { expr(a.target()); expr(a.value());
            } else if (e instanceof Expr.Cast c) { expr(c.value()); type(c.type());
            } else if (e instanceof Expr.Ref r) { expr(r.target());
            } else if (e instanceof Expr.StructLit sl) { type(sl.type()); sl.fields().forEach(fi -> expr(fi.value()));
            } else if (e instanceof Expr.ArrayLit al) { al.elements().forEach(this::expr);
            } else if (e instanceof Expr.Tuple tu) { tu.elements().forEach(this::expr);
            } else if (e instanceof Expr.SliceOf so) { expr(so.target()); expr(so.low()); expr(so.high());
            } else if (e instanceof Expr.ForIn f) {
                expr(f.iterable());
                locals.push(new HashSet<>(Set.of(f.var().name())));
                expr(f.body());
                locals.pop();
            } else if (e instanceof Expr.ArrayRepeat ar) { expr(ar.value()); expr(ar.count());
            } else if (e instanceof Expr.Block b) {
                locals.push(new HashSet<>());
                for (Stmt s : b.stmts()) stmt(s);
                expr(b.tail());
                locals.pop();
            } else if (e instanceof Expr.If i) { expr(i.cond()); expr(i.then()); expr(i.otherwise());
            } else if (e instanceof Expr.IfLet i) {
                expr(i.scrutinee());
                locals.push(new HashSet<>());
                pattern(i.pattern());
                expr(i.then());
                locals.pop();
                expr(i.otherwise());
            } else if (e instanceof Expr.WhileLet w) {
                expr(w.scrutinee());
                locals.push(new HashSet<>());
                pattern(w.pattern());
                expr(w.body());
                locals.pop();
            } else if (e instanceof Expr.Try t) { expr(t.inner());
            } else if (e instanceof Expr.Match m) {
                expr(m.scrutinee());
                for (Expr.MatchArm arm : m.arms()) {
                    locals.push(new HashSet<>());
                    pattern(arm.pattern());
                    expr(arm.guard());
                    expr(arm.body());
                    locals.pop();
                }
            } else if (e instanceof Expr.While w) { expr(w.cond()); expr(w.body());
            } else if (e instanceof Expr.Loop l) { expr(l.body());
            } else if (e instanceof Expr.For f) {
                expr(f.start());
                expr(f.end());
                locals.push(new HashSet<>(Set.of(f.var().name())));
                expr(f.body());
                locals.pop();
            } else if (e instanceof Expr.Break b) { expr(b.value());
            } else if (e instanceof Expr.Return r) { expr(r.value());
            } else if (e instanceof Expr.Critical c) { expr(c.body());
            } else if (e instanceof Expr.Lock l) {
                expr(l.mutex());
                locals.push(new HashSet<>(Set.of(l.binding().name())));
                expr(l.body());
                locals.pop();
            } else if (e instanceof Expr.Spawn sp) { expr(sp.call());
            } else if (e instanceof Expr.Join j) { j.branches().forEach(this::expr);
            } else if (e instanceof Expr.Race r) { r.branches().forEach(this::expr);
            } else {
                throw new IllegalStateException("ItemOrder: unknown expression " + e.getClass().getSimpleName());
            }
        }

        private void stmt(Stmt s) {
            if (s instanceof Stmt.Let let) {
                if (let.type() != null) type(let.type());
                expr(let.init());
                locals.peek().add(let.name().name());
            } else if (s instanceof Stmt.LetPattern lp) {
                if (lp.type() != null) type(lp.type());
                expr(lp.init());
                expr(lp.otherwise());
                pattern(lp.pattern());
            } else if (s instanceof Stmt.ExprStmt es) {
                expr(es.expr());
            } else {
                throw new IllegalStateException("ItemOrder: unknown statement " + s.getClass().getSimpleName());
            }
        }

        private void pattern(Pattern p) {
            if (p instanceof Pattern.Value v) { expr(v.value());
            } else if (p instanceof Pattern.Range r) { expr(r.low()); expr(r.high());
            } else if (p instanceof Pattern.Wildcard) { // names nothing
            } else if (p instanceof Pattern.Or or) { or.alternatives().forEach(this::pattern);
            } else if (p instanceof Pattern.Binding b) {
                locals.peek().add(b.name().name());
                if (b.sub() != null) pattern(b.sub());
            } else if (p instanceof Pattern.Tuple t) { t.elements().forEach(this::pattern);
            } else if (p instanceof Pattern.Variant v) { expr(v.path()); v.args().forEach(this::pattern);
            } else if (p instanceof Pattern.StructVariant sv) { expr(sv.path()); sv.fields().forEach(f -> pattern(f.pattern()));
            } else {
                throw new IllegalStateException("ItemOrder: unknown pattern " + p.getClass().getSimpleName());
            }
        }

        void type(TypeExpr t) {
            if (t instanceof TypeExpr.Named n) {
                String first = n.path().get(0).name();
                if (n.path().size() == 1) {
                    // An enum type; or a const given as a type argument (`Channel<u8, N>` parses N as a type).
                    add(scope.enums().containsKey(first) ? scope.enums().get(first) : scope.values().get(first), n.span());
                } else if (n.path().size() == 2 && scope.imports().contains(first) && scopes.containsKey(first)) {
                    Scope m = scopes.get(first);
                    String name = n.path().get(1).name();
                    add(m.enums().containsKey(name) ? m.enums().get(name) : m.values().get(name), n.span());
                }
                n.args().forEach(this::type);
            } else if (t instanceof TypeExpr.ConstArg c) { expr(c.value());
            } else if (t instanceof TypeExpr.Array a) { type(a.element()); expr(a.length());
            } else if (t instanceof TypeExpr.Slice s) { type(s.element());
            } else if (t instanceof TypeExpr.Ref r) { type(r.target());
            } else if (t instanceof TypeExpr.Unit) { // names nothing
            } else if (t instanceof TypeExpr.Tuple tu) { tu.elements().forEach(this::type);
            } else {
                throw new IllegalStateException("ItemOrder: unknown type " + t.getClass().getSimpleName());
            }
        }
    }
}

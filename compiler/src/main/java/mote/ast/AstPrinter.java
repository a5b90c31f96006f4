package mote.ast;

import java.util.ArrayList;
import java.util.List;

/**
 * A readable, deterministic S-expression dump of the AST, for golden parse tests and debugging.
 * Spans are not printed. A list is printed on one line when it fits in {@value #WIDTH} columns
 * and holds no block with statements; otherwise its children go one per line, indented by two.
 *
 * <pre>
 * (fn async bar (ret i32)
 *   (block (tail (+ (await (call foo)) (await (call foo))))))
 * </pre>
 *
 * Forms: items {@code (fn KIND [pool=N] NAME [(params ...)] [(ret T)] BLOCK)}, {@code (const N T V)},
 * {@code (static [mut] N T [V])}, {@code (register N T @ ADDR)}, {@code (struct N (field f T)...)},
 * {@code (enum N V (V value)...)}, {@code (import m)}, {@code (interrupt N BLOCK)}; statements
 * {@code (let [mut] x [: T] [= e])}, {@code (semi e)} (with `;`), {@code (expr e)} (without),
 * {@code (tail e)}; expressions are operator-first ({@code (+ a b)}, {@code (= x v)},
 * {@code (+= x v)}, {@code (as e T)}, {@code (- e)}, {@code (& e)}, {@code (&mut e)}), plus
 * {@code (call f args)}, {@code (method recv name args)}, {@code (. e field)}, {@code (index e i)},
 * {@code (await e)}, {@code (struct-lit T (f v)...)}, {@code (array ...)}, {@code (array-repeat v n)},
 * {@code (if c then [else])}, {@code (match e (arm pat body)...)}, {@code (for i lo .. hi body)};
 * integer literals print as unsigned decimal with their suffix ({@code 255u8}); types
 * {@code u8}, {@code (Channel u8 16)}, {@code (array T N)}, {@code (slice T)}, {@code (& T)},
 * {@code (&mut T)}, {@code ()}; patterns {@code _}, {@code (| p q)}, {@code (..= lo hi)}, {@code (.. lo hi)}.
 */
public final class AstPrinter {
    private static final int WIDTH = 100;

    private AstPrinter() {}

    public static String print(Module m) {
        List<Node> items = new ArrayList<>();
        items.add(atom(m.name()));
        for (Item i : m.items()) items.add(item(i));
        return render(new ListNode("module", items, true)) + "\n";
    }

    public static String print(Item i) { return render(item(i)); }

    public static String print(Stmt s) { return render(stmt(s)); }

    public static String print(Expr e) { return render(expr(e)); }

    public static String print(TypeExpr t) { return render(type(t)); }

    public static String print(Pattern p) { return render(pattern(p)); }

    // ---- a tiny pretty-printer ------------------------------------------------------------

    private sealed interface Node {}

    private record Atom(String text) implements Node {}

    private record ListNode(String head, List<Node> kids, boolean breakAlways) implements Node {}

    private static Node atom(String s) { return new Atom(s); }

    private static String label(Ident label) { return label == null ? null : "'" + label.name(); }

    private static ListNode list(String head, Object... kids) {
        List<Node> l = new ArrayList<>();
        for (Object k : kids) add(l, k);
        return new ListNode(head, l, false);
    }

    private static void add(List<Node> l, Object k) {
        if (k == null) return;
        if (k instanceof Node n) l.add(n);
        else if (k instanceof String s) l.add(atom(s));
        else if (k instanceof List<?> ks) for (Object o : ks) add(l, o);
        else throw new IllegalArgumentException(k.toString());
    }

    private static String render(Node n) {
        StringBuilder sb = new StringBuilder();
        render(n, 0, sb);
        return sb.toString();
    }

    private static void render(Node n, int indent, StringBuilder sb) {
        if (n instanceof Atom a) {
            sb.append(a.text());
            return;
        }
        ListNode l = (ListNode) n;
        String flat = flat(l);
        if (flat != null && indent + flat.length() <= WIDTH) {
            sb.append(flat);
            return;
        }
        sb.append('(').append(l.head());
        // Leading atoms stay on the head line: `(fn async bar`.
        int i = 0;
        while (i < l.kids().size() && l.kids().get(i) instanceof Atom a) {
            sb.append(' ').append(a.text());
            i++;
        }
        for (; i < l.kids().size(); i++) {
            sb.append('\n').append(" ".repeat(indent + 2));
            render(l.kids().get(i), indent + 2, sb);
        }
        sb.append(')');
    }

    /** The one-line form, or null if the list must be broken. */
    private static String flat(Node n) {
        if (n instanceof Atom a) return a.text();
        ListNode l = (ListNode) n;
        if (l.breakAlways()) return null;
        StringBuilder sb = new StringBuilder("(").append(l.head());
        for (Node k : l.kids()) {
            String f = flat(k);
            if (f == null) return null;
            sb.append(' ').append(f);
            if (sb.length() > WIDTH) return null;
        }
        return sb.append(')').toString();
    }

    // ---- items ----------------------------------------------------------------------------

    private static Node item(Item item) {
        if (item instanceof Item.Fn f) {
            String kind = switch (f.kind()) {
                case SYNC -> "sync";
                case ASYNC -> "async";
                case TASK -> "task";
                case TEST -> "test";
                case TEST_ASYNC -> "test-async";
            };
            List<Node> params = new ArrayList<>();
            for (Item.Param p : f.params()) params.add(list("param", p.mutable() ? "mut" : null, p.name().name(), type(p.type())));
            return list("fn", kind, f.poolExpr() != null ? list("pool", expr(f.poolExpr())) : f.poolSize() != 1 ? "pool=" + f.poolSize() : null, f.name().name(),
                    params.isEmpty() ? null : list("params", params),
                    f.returnType() == null ? null : list("ret", type(f.returnType())), expr(f.body()));
        }
        if (item instanceof Item.Const c) return list("const", c.name().name(), c.type() == null ? "_" : type(c.type()), expr(c.value()));
        if (item instanceof Item.Static s) {
            return list("static", s.mutable() ? "mut" : null, s.name().name(), type(s.type()), s.init() == null ? null : expr(s.init()));
        }
        if (item instanceof Item.Register r) return list("register", r.name().name(), type(r.type()), "@", expr(r.address()));
        if (item instanceof Item.Struct s) {
            List<Node> fields = new ArrayList<>();
            for (Item.FieldDecl f : s.fields()) fields.add(list("field", f.name().name(), type(f.type())));
            return list("struct", s.name().name(), fields);
        }
        if (item instanceof Item.Enum e) {
            List<Node> vs = new ArrayList<>();
            for (Item.Variant v : e.variants()) vs.add(v.value() == null ? atom(v.name().name()) : list(v.name().name(), expr(v.value())));
            return list("enum", e.name().name(), vs);
        }
        if (item instanceof Item.Import i) return list("import", i.name().name());
        if (item instanceof Item.Interrupt i) return list("interrupt", i.name().name(), expr(i.body()));
        if (item instanceof Item.Impl im) return list("impl", im.type().name(), im.methods().stream().map(AstPrinter::item).toList());
        throw new IllegalArgumentException(item.toString());
    }

    // ---- statements and expressions -------------------------------------------------------

    private static Node stmt(Stmt s) {
        if (s instanceof Stmt.Let l) {
            return list("let", l.mutable() ? "mut" : null, l.name().name(),
                    l.type() == null ? null : ":", l.type() == null ? null : type(l.type()),
                    l.init() == null ? null : "=", l.init() == null ? null : expr(l.init()));
        }
        if (s instanceof Stmt.LetPattern lp) {
            return list("let", pattern(lp.pattern()), lp.type() == null ? null : ":", lp.type() == null ? null : type(lp.type()),
                    "=", expr(lp.init()), lp.otherwise() == null ? null : "else", lp.otherwise() == null ? null : expr(lp.otherwise()));
        }
        Stmt.ExprStmt e = (Stmt.ExprStmt) s;
        return list(e.semicolon() ? "semi" : "expr", expr(e.expr()));
    }

    private static Node expr(Expr e) {
        if (e instanceof Expr.FloatLit f) return atom(f.value() + "f32");
        if (e instanceof Expr.IntLit i) return atom(Long.toUnsignedString(i.value()) + (i.suffix() == null ? "" : i.suffix()));
        if (e instanceof Expr.BoolLit b) return atom(String.valueOf(b.value()));
        if (e instanceof Expr.StrLit s) return atom(quote(s.bytes()));
        if (e instanceof Expr.Name n) return atom(n.ident().name());
        if (e instanceof Expr.Field f) return list(".", expr(f.target()), f.field().name());
        if (e instanceof Expr.Index i) return list("index", expr(i.target()), expr(i.index()));
        if (e instanceof Expr.Call c) return list("call", expr(c.callee()), exprs(c.args()));
        if (e instanceof Expr.MethodCall m) return list("method", expr(m.receiver()), m.method().name(), exprs(m.args()));
        if (e instanceof Expr.Await a) return list("await", expr(a.inner()));
        if (e instanceof Expr.Unary u) return list(u.op().symbol, expr(u.operand()));
        if (e instanceof Expr.Binary b) return list(b.op().symbol, expr(b.left()), expr(b.right()));
        if (e instanceof Expr.Assign a) return list(a.op() == null ? "=" : a.op().symbol + "=", expr(a.target()), expr(a.value()));
        if (e instanceof Expr.Cast c) return list("as", expr(c.value()), type(c.type()));
        if (e instanceof Expr.Ref r) return list(r.mutable() ? "&mut" : "&", expr(r.target()));
        if (e instanceof Expr.StructLit s) {
            List<Node> fs = new ArrayList<>();
            for (Expr.FieldInit f : s.fields()) fs.add(list(f.name().name(), expr(f.value())));
            return list("struct-lit", type(s.type()), fs);
        }
        if (e instanceof Expr.ArrayLit a) return list("array", exprs(a.elements()));
        if (e instanceof Expr.Tuple tu) return list("tuple", exprs(tu.elements()));
        if (e instanceof Expr.SliceOf so) return list(so.inclusive() ? "slice..=" : "slice..", expr(so.target()),
                so.low() == null ? "_" : expr(so.low()), so.high() == null ? "_" : expr(so.high()));
        if (e instanceof Expr.ForIn f) return list("for-in", label(f.label()), f.var().name(), expr(f.iterable()), expr(f.body()));
        if (e instanceof Expr.ArrayRepeat a) return list("array-repeat", expr(a.value()), expr(a.count()));
        if (e instanceof Expr.Block b) {
            List<Node> kids = new ArrayList<>();
            for (Stmt s : b.stmts()) kids.add(stmt(s));
            if (b.tail() != null) kids.add(list("tail", expr(b.tail())));
            return new ListNode("block", kids, !b.stmts().isEmpty());
        }
        if (e instanceof Expr.If i) return list("if", expr(i.cond()), expr(i.then()), i.otherwise() == null ? null : expr(i.otherwise()));
        if (e instanceof Expr.IfLet i)
            return list("if-let", pattern(i.pattern()), expr(i.scrutinee()), expr(i.then()), i.otherwise() == null ? null : expr(i.otherwise()));
        if (e instanceof Expr.WhileLet w) return list("while-let", label(w.label()), pattern(w.pattern()), expr(w.scrutinee()), expr(w.body()));
        if (e instanceof Expr.Try t) return list("?", expr(t.inner()));
        if (e instanceof Expr.Match m) {
            List<Node> arms = new ArrayList<>();
            for (Expr.MatchArm a : m.arms())
                arms.add(list("arm", pattern(a.pattern()), a.guard() == null ? null : list("if", expr(a.guard())), expr(a.body())));
            return list("match", expr(m.scrutinee()), arms);
        }
        if (e instanceof Expr.While w) return list("while", label(w.label()), expr(w.cond()), expr(w.body()));
        if (e instanceof Expr.Loop l) return list("loop", label(l.label()), expr(l.body()));
        if (e instanceof Expr.For f) {
            return list("for", label(f.label()), f.var().name(), expr(f.start()), f.inclusive() ? "..=" : "..", expr(f.end()), expr(f.body()));
        }
        if (e instanceof Expr.Break b) return list("break", label(b.label()), b.value() == null ? null : expr(b.value()));
        if (e instanceof Expr.Continue c) return list("continue", label(c.label()));
        if (e instanceof Expr.Return r) return list("return", r.value() == null ? null : expr(r.value()));
        if (e instanceof Expr.Critical c) return list("critical", expr(c.body()));
        if (e instanceof Expr.Lock l) return list("lock", expr(l.mutex()), l.binding().name(), expr(l.body()));
        if (e instanceof Expr.Spawn s) return list(s.isTry() ? "try_spawn" : "spawn", expr(s.call()));
        if (e instanceof Expr.Join j) return list("join", blocks(j.branches()));
        if (e instanceof Expr.Race r) return list("race", blocks(r.branches()));
        throw new IllegalArgumentException(e.toString());
    }

    private static List<Node> exprs(List<Expr> es) {
        List<Node> l = new ArrayList<>();
        for (Expr e : es) l.add(expr(e));
        return l;
    }

    private static List<Node> blocks(List<Expr.Block> bs) {
        List<Node> l = new ArrayList<>();
        for (Expr.Block b : bs) l.add(expr(b));
        return l;
    }

    private static String quote(byte[] bytes) {
        StringBuilder sb = new StringBuilder("\"");
        for (byte b : bytes) {
            int c = b & 0xff;
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                default -> {
                    if (c >= 0x20 && c < 0x7f) sb.append((char) c);
                    else sb.append(String.format("\\x%02x", c));
                }
            }
        }
        return sb.append('"').toString();
    }

    // ---- types and patterns ---------------------------------------------------------------

    private static Node type(TypeExpr t) {
        if (t instanceof TypeExpr.Named n) {
            StringBuilder name = new StringBuilder();
            for (Ident i : n.path()) name.append(name.length() == 0 ? "" : ".").append(i.name());
            if (n.args().isEmpty()) return atom(name.toString());
            List<Node> args = new ArrayList<>();
            for (TypeExpr a : n.args()) args.add(type(a));
            return list(name.toString(), args);
        }
        if (t instanceof TypeExpr.ConstArg c) return expr(c.value());
        if (t instanceof TypeExpr.Array a) return list("array", type(a.element()), expr(a.length()));
        if (t instanceof TypeExpr.Slice s) return list("slice", type(s.element()));
        if (t instanceof TypeExpr.Ref r) return list(r.mutable() ? "&mut" : "&", type(r.target()));
        if (t instanceof TypeExpr.Unit) return atom("()");
        if (t instanceof TypeExpr.Tuple tu) return list("tuple", tu.elements().stream().map(AstPrinter::type).toList());
        throw new IllegalArgumentException(t.toString());
    }

    private static Node pattern(Pattern p) {
        if (p instanceof Pattern.Wildcard) return atom("_");
        if (p instanceof Pattern.Value v) return expr(v.value());
        if (p instanceof Pattern.Range r) return list(r.inclusive() ? "..=" : "..", expr(r.low()), expr(r.high()));
        if (p instanceof Pattern.Or o) {
            List<Node> alts = new ArrayList<>();
            for (Pattern a : o.alternatives()) alts.add(pattern(a));
            return list("|", alts);
        }
        if (p instanceof Pattern.Binding b) return list("@", b.mutable() ? "mut" : null, b.name().name(), b.sub() == null ? null : pattern(b.sub()));
        if (p instanceof Pattern.Tuple t) return list("tuple", t.elements().stream().map(AstPrinter::pattern).toList());
        if (p instanceof Pattern.Variant v) return list("variant", expr(v.path()), v.args().stream().map(AstPrinter::pattern).toList());
        if (p instanceof Pattern.StructVariant sv) {
            List<Node> fields = new ArrayList<>();
            for (Pattern.FieldPattern f : sv.fields()) fields.add(list(f.name().name(), pattern(f.pattern())));
            return list("variant", expr(sv.path()), fields, sv.rest() ? ".." : null);
        }
        throw new IllegalArgumentException(p.toString());
    }
}

package mote.types;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import mote.ast.Expr;
import mote.ast.Item;
import mote.diag.Diagnostics;
import mote.diag.Span;
import mote.diag.Suggest;

/**
 * The async rules: `.await` only in async code and never inside a `critical` block; `spawn`
 * and `try_spawn` of a `task fn`; `join { } and { }` / `race { } or { }`, whose branches are
 * blocks of the enclosing async fn that control may not jump out of (it would abandon the
 * others silently); `lock M as s { }`, which waits for a Mutex as an await does.
 *
 * Separate from the walk because these are the rules a future obeys, not the types of values.
 */
abstract sealed class AsyncChecks extends CallChecks permits TypeChecker {
    AsyncChecks(Diagnostics diags) { super(diags); }

    /** How many `critical` blocks enclose the expression being checked. */
    int criticalDepth;

    /**
     * A `join` or `race`. As an expression (0.2) a `race` takes the type its branches share (the
     * winner's value) and a `join` a tuple of its branches' values; when every branch is `()`
     * (or never ends) both are `()`, the 0.1 statement forms.
     */
    Type checkBranches(Span span, String what, List<Expr.Block> branches, Type expected) {
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
        // A race of branches that all never end (loops, exits) never ends either: it has any type, as such a branch has.
        if (race) return shared == null ? Type.UNIT : shared;
        if (types.stream().allMatch(t -> shallow(t) instanceof Type.Unit || shallow(t) instanceof Type.Never)) return Type.UNIT;
        return new Type.Tuple(types.stream().map(t -> shallow(t) instanceof Type.Never ? (Type) Type.UNIT : t).toList());
    }

    /** `spawn task(args)` (unit; panics when the pool is exhausted) or `try_spawn task(args)` (bool). */
    Type checkSpawn(Expr.Spawn sp) {
        Expr.Call call = sp.call();
        if (currentFn != null) firstSpawn.putIfAbsent(currentFn, sp);
        Symbol target = call.callee() instanceof Expr.Name n ? globals.get(n.ident().name()) : null;
        Expr.Field qualified = call.callee() instanceof Expr.Field f && moduleNamed(f.target()) != null ? f : null;
        ModuleScope module = qualified == null ? null : moduleNamed(qualified.target());
        if (module != null) {   // `spawn uart.rx_task(..)`: a task of an imported module
            String name = qualified.field().name();
            target = module.globals().get(name);
            if (target == null && !module.globals().containsKey(name)) {
                String best = Suggest.closest(name, taskNames(module.globals()));
                diags.error("E0209", qualified.field().span(), "module `" + module.module().name() + "` has no task `" + name + "`",
                        best == null ? new String[0] : new String[] {"did you mean `" + module.module().name() + "." + best + "`?"});
                for (Expr a : call.args()) check(a, null);
                return sp.isTry() ? Type.BOOL : Type.UNIT;
            }
        }
        if (target == null && call.callee() instanceof Expr.Name n) {
            // A name that is nothing at all: a typo far more often than a fn to redeclare.
            String name = n.ident().name();
            String best = Suggest.closest(name, taskNames(globals));
            diags.error("E0204", n.span(), "cannot find task `" + name + "` in this scope",
                    best == null ? new String[0] : new String[] {"did you mean `" + best + "`?"});
            for (Expr a : call.args()) check(a, null);
            return sp.isTry() ? Type.BOOL : Type.UNIT;
        }
        if (!(target instanceof Symbol.Fn f) || f.decl().kind() != Item.FnKind.TASK) {
            String what = call.callee() instanceof Expr.Name n ? "`" + n.ident().name() + "`"
                    : module != null ? "`" + module.module().name() + "." + qualified.field().name() + "`" : "this";
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

    /** The names of the `task fn`s among {@code symbols}: what a misspelt spawn may have meant. */
    private static List<String> taskNames(java.util.Map<String, Symbol> symbols) {
        List<String> tasks = new ArrayList<>();
        for (var e : symbols.entrySet())
            if (e.getValue() instanceof Symbol.Fn g && g.decl().kind() == Item.FnKind.TASK) tasks.add(e.getKey());
        return tasks;
    }

    /**
     * `spawn` and `try_spawn` claim a task slot, which only thread mode may do (runtime-c's
     * executor reads the slots without masking interrupts): none in an interrupt handler, nor
     * in a fn one calls. Reported once per handler, at the spawn it reaches first.
     */
    void checkHandlersDoNotSpawn(List<Symbol.Fn> fns) {
        List<java.util.Map.Entry<Span, Runnable>> errors = new ArrayList<>();
        for (Symbol.Fn handler : fns) {
            if (handler.interrupt() == null) continue;
            java.util.ArrayDeque<List<Symbol.Fn>> work = new java.util.ArrayDeque<>();
            java.util.Set<Symbol.Fn> seen = new java.util.HashSet<>();
            work.add(List.of(handler));
            seen.add(handler);
            while (!work.isEmpty()) {
                List<Symbol.Fn> path = work.poll();
                Symbol.Fn f = path.get(path.size() - 1);
                Expr.Spawn spawn = firstSpawn.get(f);
                if (spawn != null) {
                    String keyword = spawn.isTry() ? "try_spawn" : "spawn";
                    String where = path.size() == 1 ? "in interrupt handler `" + handler.interrupt() + "`"
                            : "in `" + f.name() + "`, which interrupt handler `" + handler.interrupt() + "` calls"
                                    + (path.size() > 2 ? " (through " + String.join(", ", path.subList(1, path.size() - 1).stream().map(g -> "`" + g.name() + "`").toList()) + ")" : "");
                    errors.add(java.util.Map.entry(spawn.span(), () -> diags.error("E0424", spawn.span(), "`" + keyword + "` " + where + ": only tasks may start tasks",
                            "raise a Signal in the handler, and spawn from a task that waits on it")));
                    break;
                }
                for (Symbol.Fn g : syncCallees.getOrDefault(f, java.util.Set.of()))
                    if (seen.add(g)) {
                        List<Symbol.Fn> next = new ArrayList<>(path);
                        next.add(g);
                        work.add(next);
                    }
            }
        }
        // In source order, as the other checks report.
        errors.sort(java.util.Comparator.comparing((java.util.Map.Entry<Span, Runnable> e) -> e.getKey().file().displayName())
                .thenComparingInt(e -> e.getKey().start()));
        errors.forEach(e -> e.getValue().run());
    }

    /**
     * `lock M as s { .. }` (0.2): M is a place of type `Mutex<T>` (seen through references);
     * `s` is `&mut T` in the block only. Taking the lock may wait, so it is an await point:
     * only async fns and tasks lock, never inside `critical`.
     */
    Type checkLock(Expr.Lock l, Type expected) {
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

    Type checkAwait(Expr.Await a) {
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
}

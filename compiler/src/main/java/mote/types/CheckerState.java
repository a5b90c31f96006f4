package mote.types;

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
import mote.diag.Diagnostics;
import mote.diag.Span;
import mote.diag.Suggest;

/**
 * The state the type checker shares across its files: the module being checked, the scopes and
 * loops of the body being checked, the side tables filled in ({@link TypedProgram}), and the
 * inference variables' store.
 *
 * The checker is one object whose methods are split by responsibility into a chain of classes,
 * each in its own file (in the manner of a partial class): CheckerState, {@link TypeInference},
 * {@link ItemDeclarations}, {@link VariantChecks}, {@link PatternChecks}, {@link FormatChecks},
 * {@link CallChecks}, {@link AsyncChecks}, and {@link TypeChecker}, the checking walk on top.
 * The chain is sealed and its members are package-private, so each file reads the same state
 * rather than a copy. Where a lower file needs a check defined higher up (every file checks
 * sub-expressions with {@code check}), it calls it through the abstract methods declared at the
 * end of this class.
 */
abstract sealed class CheckerState permits TypeInference {
    CheckerState(Diagnostics diags) { this.diags = diags; }

    final Diagnostics diags;
    /** The items of the module being checked (each module has its own; see {@link ModuleScope}). */
    Map<String, Symbol> globals = new LinkedHashMap<>();
    Map<String, Type> typeNames = new LinkedHashMap<>();
    ModuleScope current;
    final Map<String, ModuleScope> modulesByName = new LinkedHashMap<>();
    final Map<Symbol.Fn, ModuleScope> fnModules = new java.util.IdentityHashMap<>();

    /**
     * One module's names. Inside a module its own items are named plainly; another module's
     * items are named `m.item`, and only in a module that imports `m`. Symbols of the root
     * module keep their plain names; the others are qualified (`uart.write`), so names may
     * clash across modules.
     */
    record ModuleScope(Module module, Map<String, Symbol> globals, Map<String, Type> types, java.util.Set<String> imports, String prefix) {}

    void enter(ModuleScope m) {
        current = m;
        globals = m.globals();
        typeNames = m.types();
    }

    void enter(Module m) { enter(modulesByName.get(m.name())); }
    TypedProgram out;

    // Per-function state.
    Symbol.Fn currentFn;

    /** The sync fns each fn calls, and where each fn first spawns: whether a handler reaches a spawn. */
    final Map<Symbol.Fn, java.util.Set<Symbol.Fn>> syncCallees = new HashMap<>();
    final Map<Symbol.Fn, Expr.Spawn> firstSpawn = new HashMap<>();

    void noteCall(Symbol.Fn callee) {
        if (currentFn != null && !callee.isAsync()) syncCallees.computeIfAbsent(currentFn, k -> new java.util.LinkedHashSet<>()).add(callee);
    }
    final Deque<Map<String, Symbol.LocalVar>> scopes = new ArrayDeque<>();
    final Deque<LoopCtx> loops = new ArrayDeque<>();
    final List<Type> varBindings = new ArrayList<>();   // index = Var id; null = unbound
    final List<int[]> varParents = new ArrayList<>();
    final List<Expr> checkedExprs = new ArrayList<>();
    /** Data enums (0.2) and their declarations, whose variants {@link ItemDeclarations#defineSums} fills in. */
    final Map<Type.Sum, Item.Enum> sumDecls = new LinkedHashMap<>();
    /** Type variables of any type (as opposed to integer literals'): `None`'s T until something decides it. */
    final java.util.Set<Integer> generalVars = new java.util.HashSet<>();
    record GeneralUse(Type.Var var, Span at, String what) {}
    final List<GeneralUse> generalUses = new ArrayList<>();
    /** Patterns checked in this body, resolved (and their constants evaluated) at its end. */
    final List<Pattern> bodyPatterns = new ArrayList<>();
    /** Patterns that must match every value (`let (a, b) = t;`), and matches, checked at the body's end. */
    final List<Pattern> irrefutable = new ArrayList<>();
    final Map<Symbol.LocalVar, Pattern> bindingPatterns = new java.util.IdentityHashMap<>();
    final List<Symbol.LocalVar> fnLocals = new ArrayList<>();
    /** Locals declared without a value (`let x: T;`): assigning one that is not `mut` needs its own wording. */
    final java.util.Set<Symbol.LocalVar> declaredWithoutValue = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    final List<LiteralUse> literals = new ArrayList<>();

    record LiteralUse(Expr.IntLit lit, boolean negated) {}
    /** The body's matches: their exhaustiveness needs the final scrutinee types, so it is checked at the body's end. */
    final List<Expr.Match> pendingMatches = new ArrayList<>();
    /** Loop depth at the start of the `join`/`race` branch being checked; -1 outside branches. */
    int branchLoopDepth = -1;

    static final class LoopCtx {
        final Expr loop;
        final boolean isLoop;   // `loop` can break with a value; while/for cannot
        final Ident label;
        Type breakType;
        LoopCtx(Expr loop, boolean isLoop, Ident label) { this.loop = loop; this.isLoop = isLoop; this.label = label; }
    }

    // ---------------------------------------------------------------- helpers every file uses

    /** E0306: "`f` takes 2 arguments but 1 was given". */
    void argumentCount(Span at, String name, int want, int given) {
        diags.error("E0306", at, "`" + name + "` takes " + want + " argument" + (want == 1 ? "" : "s")
                + " but " + given + (given == 1 ? " was" : " were") + " given");
    }

    /** The module {@code name} when the current module imports it, else null. */
    ModuleScope importedModule(String name) {
        return current != null && current.imports().contains(name) ? modulesByName.get(name) : null;
    }

    /** Above 0 while a pattern is checked, where paths name no locals (PatternChecks.checkPat). */
    int inPattern;

    /** Whether {@code name} is a local here; a pattern's paths see none. */
    boolean isLocal(String name) {
        return inPattern == 0 && scopes.stream().anyMatch(sc -> sc.containsKey(name));
    }

    /** The module a plain name denotes (`uart` in `uart.write`), unless a local hides it. */
    ModuleScope moduleNamed(Expr e) {
        if (!(e instanceof Expr.Name n)) return null;
        String name = n.ident().name();
        if (isLocal(name) || typeNames.containsKey(name) || globals.containsKey(name)) return null;
        return importedModule(name);
    }

    static String[] hintFrom(String name, java.util.Collection<String> candidates) {
        String best = Suggest.closest(name, new ArrayList<>(candidates));
        return best == null ? new String[0] : new String[] {"did you mean `" + best + "`?"};
    }

    static String sourceText(Expr e) {
        String text = e.span().file().text();
        return text.substring(Math.max(0, e.span().start()), Math.min(text.length(), e.span().end()));
    }

    /** "did you mean `x`?" from the names in scope, when one is close. */
    String[] suggestion(String name) {
        List<String> candidates = new ArrayList<>();
        for (Map<String, Symbol.LocalVar> scope : scopes) candidates.addAll(scope.keySet());
        candidates.addAll(globals.keySet());
        candidates.addAll(TypeChecker.BUILTINS.keySet());
        String best = Suggest.closest(name, candidates);
        return best == null ? new String[0] : new String[] {"did you mean `" + best + "`?"};
    }

    /** `m.x` where `m` is a module of the program or of the std lib that this module does not import: E0210. */
    boolean reportNotImported(Expr target) {
        if (!(target instanceof Expr.Name mn)) return false;
        String name = mn.ident().name();
        if (scopes.stream().anyMatch(sc -> sc.containsKey(name)) || globals.containsKey(name) || typeNames.containsKey(name)
                || !(modulesByName.containsKey(name) || mote.parse.Modules.stdSource(name) != null)   // loaded, or in the std lib
                || current.imports().contains(name)) return false;
        diags.error("E0210", mn.span(), "module `" + name + "` is not imported here", "add `import " + name + ";` at the top of this file");
        return true;
    }

    // ---------------------------------------------------------------- defined higher up the chain

    /** Checks {@code e}, using {@code expected} (may be null) to decide literal types: the walk, {@link TypeChecker}. */
    abstract Type check(Expr e, Type expected);

    /** Checks a block in a scope of its own, its value its tail's ({@link TypeChecker}). */
    abstract Type checkBlock(Expr.Block b, Type expected);

    /** Checks that {@code target} names memory that may be written ({@link TypeChecker}). */
    abstract void mutablePlace(Expr target, boolean borrow);

    /** At a body's end: whether a match covers every value ({@link PatternChecks}). */
    abstract void checkExhaustive(Expr.Match m);

    /** At a body's end: a pattern's constants, once types are known ({@link PatternChecks}). */
    abstract void patternConstants(Pattern p, Type t, ConstEval eval);
}

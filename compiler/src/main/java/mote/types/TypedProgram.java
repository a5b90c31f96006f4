package mote.types;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import mote.ast.Expr;
import mote.ast.Module;
import mote.ast.Stmt;

/**
 * The checker's result: the modules plus side tables keyed by node identity (types of every
 * expression, what every name and call refers to, the variable each binding introduces).
 */
public final class TypedProgram {
    public final List<Module> modules;
    public final List<Symbol.Fn> functions;
    public final List<Symbol.Static> statics;
    final Map<Expr, Type> types = new IdentityHashMap<>();
    final Map<Expr, Symbol> resolutions = new IdentityHashMap<>();
    final Map<Stmt.Let, Symbol.LocalVar> letVars = new IdentityHashMap<>();
    final Map<Expr.For, Symbol.LocalVar> forVars = new IdentityHashMap<>();
    final Map<Expr.Lock, Symbol.LocalVar> lockVars = new IdentityHashMap<>();
    final Map<Expr, Expr> loopTargets = new IdentityHashMap<>();
    final Map<mote.ast.Item.Fn, Integer> poolSizes = new IdentityHashMap<>();
    final Map<Expr.ForIn, Symbol.LocalVar> forInVars = new IdentityHashMap<>();
    final Map<Expr.MatchArm, Symbol.LocalVar> armBindings = new IdentityHashMap<>();
    final Map<mote.ast.Item.Fn, List<Symbol.LocalVar>> paramVars = new IdentityHashMap<>();
    final Map<Expr.Call, List<FormatPart>> formats = new IdentityHashMap<>();
    final Map<mote.ast.Pattern, long[]> patternValues = new IdentityHashMap<>();
    /** The type each pattern matches, and what each binding pattern binds (0.2 patterns). */
    final Map<mote.ast.Pattern, Type> patternTypes = new IdentityHashMap<>();
    /** How a method call passes its receiver as `self` (0.2 methods). */
    final Map<Expr.MethodCall, SelfMode> methodSelf = new IdentityHashMap<>();
    public enum SelfMode { VALUE, REF, REF_MUT }
    final Map<mote.ast.Pattern, Symbol.LocalVar> patternBindings = new IdentityHashMap<>();
    /**
     * Rust's default binding modes: a pattern that is not a binding, matched against a reference,
     * matches what it points to (this many `*`s); bindings under it take a reference to their part
     * (`&` or, when every reference passed through is `&mut`, `&mut`).
     */
    final Map<mote.ast.Pattern, Integer> patternDerefs = new IdentityHashMap<>();
    final Map<mote.ast.Pattern, Boolean> refBindings = new IdentityHashMap<>();
    /** Operands of arithmetic and comparisons, and print arguments, used through a reference (as Rust's `&u8 + u8`). */
    final java.util.Set<Expr> operandDerefs = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    /** The variant a Variant, StructVariant or unit-variant Value pattern names. */
    final Map<mote.ast.Pattern, Symbol.SumVariant> patternVariants = new IdentityHashMap<>();
    final Map<Expr, Type> coercions = new IdentityHashMap<>();

    TypedProgram(List<Module> modules, List<Symbol.Fn> functions, List<Symbol.Static> statics) {
        this.modules = modules;
        this.functions = functions;
        this.statics = statics;
    }

    public Type typeOf(Expr e) {
        Type t = types.get(e);
        if (t == null) throw new IllegalStateException("no type recorded for " + e.getClass().getSimpleName() + " at " + e.span());
        return t;
    }

    public Symbol resolution(Expr e) { return resolutions.get(e); }
    public Symbol.LocalVar letVar(Stmt.Let let) { return letVars.get(let); }
    public Symbol.LocalVar forVar(Expr.For f) { return forVars.get(f); }
    /** The name a `lock` block gives the locked value (`&mut T`). */
    public Symbol.LocalVar lockVar(Expr.Lock l) { return lockVars.get(l); }
    /** A task's pool size: `task(N)`'s value (a constant expression, evaluated), else 1. */
    public int poolSize(mote.ast.Item.Fn f) { return poolSizes.getOrDefault(f, f.poolSize()); }
    public Symbol.LocalVar forInVar(Expr.ForIn f) { return forInVars.get(f); }
    /** The loop (While, Loop or For) a Break or Continue leaves. */
    public Expr loopTarget(Expr jump) { return loopTargets.get(jump); }
    /** The variable a `name => ...` arm binds to the matched value; null for other arms. */
    public Symbol.LocalVar armBinding(Expr.MatchArm arm) { return armBindings.get(arm); }
    public List<Symbol.LocalVar> params(mote.ast.Item.Fn fn) { return paramVars.get(fn); }
    /** The parsed format string of a `print`/`println` call. */
    public List<FormatPart> format(Expr.Call call) { return formats.get(call); }
    /** The values a Value/Range pattern matches: {lo, hi} inclusive, as canonical longs. */
    public long[] patternRange(mote.ast.Pattern p) { return patternValues.get(p); }
    public Type patternType(mote.ast.Pattern p) { return patternTypes.get(p); }
    /** Null for a call that is not a method call on a value (`uart.write(x)`, `Point.new(1)`). */
    public SelfMode methodSelf(Expr.MethodCall mc) { return methodSelf.get(mc); }
    public Symbol.LocalVar patternBinding(mote.ast.Pattern p) { return patternBindings.get(p); }
    public Symbol.SumVariant patternVariant(mote.ast.Pattern p) { return patternVariants.get(p); }
    /** Whether {@code e}, a reference, is used as the value it refers to (an operand, a `{}` argument). */
    public boolean usedThroughReference(Expr e) { return operandDerefs.contains(e); }
    /** How many references pattern {@code p} sees through before it matches (default binding modes); 0 for most. */
    public int patternDerefs(mote.ast.Pattern p) { return patternDerefs.getOrDefault(p, 0); }
    /** For a binding pattern under a dereferencing one: whether it binds `&mut` (true) or `&` (false); null: by value. */
    public Boolean refBinding(mote.ast.Pattern p) { return refBindings.get(p); }

    /**
     * The type an expression is converted to where it is used, when that differs from its own
     * type: only `&[T; N]` to `&[T]` (a slice of the whole array). Null when there is none.
     */
    public Type coercion(Expr e) { return coercions.get(e); }

    public Symbol.Fn function(String qualifiedName) {
        return functions.stream().filter(f -> f.qualifiedName().equals(qualifiedName)).findFirst().orElse(null);
    }

    /** A piece of a format string: literal bytes, or a placeholder for the next argument. */
    public sealed interface FormatPart {
        record Literal(byte[] bytes) implements FormatPart {}
        record Placeholder(FormatSpec spec) implements FormatPart {}
    }
}

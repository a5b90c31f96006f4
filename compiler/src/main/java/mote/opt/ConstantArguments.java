package mote.opt;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mote.mir.BasicBlock;
import mote.mir.BorrowedLocals;
import mote.mir.Callee;
import mote.mir.Local;
import mote.mir.MirFn;
import mote.mir.MirProgram;
import mote.mir.Operand;
import mote.mir.Rvalue;
import mote.mir.Statement;
import mote.mir.Terminator;
import mote.types.Type;

/**
 * A parameter of an async fn or task that every call and every spawn in the program passes
 * the same constant is that constant in the fn's body: `spawn sampler(SAMPLE_ROUNDS)`, a
 * driver awaited with one bus address. The whole program is at hand, so every caller is
 * known, which rustc cannot assume of a public fn. Read as a constant, the parameter is no
 * longer saved across the body's awaits (the Unresumed state, which the spawn or the call
 * fills, still holds it, in storage the later states share).
 *
 * <p>A candidate parameter is scalar, never written in the body nor borrowed (so it holds what
 * the caller passed throughout), and the fn has at least one call site. Reads of it as an
 * operand become the constant; a read as a place's root (none for a scalar, in practice) still
 * reads the parameter, which holds the same value.
 *
 * <p>Part of overlap-layout, not in debug builds (a debugger reads the parameter where the
 * baseline keeps it), like {@link CopyPropagation}, which it feeds: a copy of the parameter
 * becomes a copy of a constant.
 */
public final class ConstantArguments {
    private ConstantArguments() {}

    public static MirProgram run(MirProgram program, Set<Optimization> opts, boolean debug) {
        if (!CopyPropagation.applies(opts, debug)) return program;
        Map<String, Operand[]> passed = constantsPassed(program);
        if (passed.isEmpty()) return program;
        List<MirFn> out = new ArrayList<>();
        boolean changed = false;
        for (MirFn f : program.functions()) {
            Operand[] constants = passed.get(f.name());
            MirFn g = constants == null || !f.isAsync() ? f : rewrite(f, constants);
            changed |= g != f;
            out.add(g);
        }
        return changed ? program.withFunctions(out) : program;
    }

    /**
     * For each async fn with a call site, per parameter: the constant every call site passes,
     * or null (a site passes something else, or another constant).
     */
    static Map<String, Operand[]> constantsPassed(MirProgram program) {
        Map<String, Operand[]> passed = new HashMap<>();
        Set<String> mixed = new HashSet<>();   // fns whose sites pass different numbers of arguments
        java.util.function.BiConsumer<String, List<Operand>> site = (name, args) -> {
            Operand[] seen = passed.get(name);
            if (seen == null) {
                passed.put(name, args.toArray(Operand[]::new));
                return;
            }
            for (int i = 0; i < Math.min(seen.length, args.size()); i++) {
                if (seen[i] == null || !(args.get(i) instanceof Operand.Const) || !args.get(i).equals(seen[i])) seen[i] = null;
            }
            if (seen.length != args.size()) mixed.add(name);
        };
        for (MirFn f : program.functions()) {
            for (BasicBlock b : f.blocks()) {
                for (Statement s : b.statements())
                    if (s instanceof Statement.Assign a && a.value() instanceof Rvalue.Spawn sp) site.accept(sp.task(), sp.args());
                Terminator t = b.terminator();
                if (t instanceof Terminator.Await a && a.callee() instanceof Callee.Function fn) site.accept(fn.name(), a.args());
                if (t instanceof Terminator.PollChild c && c.start() && c.callee() instanceof Callee.Function fn) site.accept(fn.name(), c.args());
            }
        }
        for (String name : mixed) passed.remove(name);
        passed.values().forEach(args -> {
            for (int i = 0; i < args.length; i++) if (!(args[i] instanceof Operand.Const)) args[i] = null;
        });
        passed.values().removeIf(args -> java.util.Arrays.stream(args).allMatch(java.util.Objects::isNull));
        return passed;
    }

    private static MirFn rewrite(MirFn f, Operand[] constants) {
        if (constants.length != f.params().size()) return f;
        Map<Local, Operand.Const> replace = new HashMap<>();
        Set<Local> written = written(f);
        for (int i = 0; i < constants.length; i++) {
            Local p = f.params().get(i);
            if (constants[i] instanceof Operand.Const k && k.type().equals(f.typeOf(p)) && !Type.isAggregate(f.typeOf(p))
                    && !written.contains(p))
                replace.put(p, k);
        }
        if (replace.isEmpty()) return f;
        MirEdit.Renaming renaming = new MirEdit.Renaming() {
            @Override public Local local(Local l) { return l; }

            @Override public Operand copy(Local l) {
                Operand.Const k = replace.get(l);
                return k != null ? k : new Operand.Copy(l);
            }
        };
        List<BasicBlock> blocks = new ArrayList<>(f.blocks().size());
        for (BasicBlock b : f.blocks()) blocks.add(MirEdit.mapBlock(b, renaming, id -> id));
        return new MirFn(f.name(), f.isAsync(), f.params(), f.returnLocal(), f.returnType(), f.locals(), blocks, f.span(), f.interrupt());
    }

    /** The locals {@code f} writes, or may write through a reference to them: its borrowed locals and every destination. */
    private static Set<Local> written(MirFn f) {
        Set<Local> out = new HashSet<>(BorrowedLocals.of(f));
        for (BasicBlock b : f.blocks()) {
            for (Statement s : b.statements()) out.addAll(CopyPropagation.writes(s));
            Terminator t = b.terminator();
            if (t instanceof Terminator.Await a) out.add(a.dest());
            if (t instanceof Terminator.PollChild c) out.add(c.dest());
            if (t instanceof Terminator.Suspend su) {
                for (Terminator.ChildWait w : su.waits()) w.mapLocals(l -> { out.add(l); return l; });
                out.addAll(su.held());
            }
        }
        return out;
    }
}

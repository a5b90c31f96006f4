package mote.opt;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mote.mir.AsyncCallGraph;
import mote.mir.BasicBlock;
import mote.mir.BlockId;
import mote.mir.Callee;
import mote.mir.Local;
import mote.mir.LocalDecl;
import mote.mir.MirFn;
import mote.mir.MirProgram;
import mote.mir.Rvalue;
import mote.mir.Statement;
import mote.mir.Terminator;

/**
 * `inline`: an awaited async fn's body is copied into its caller, so the callee's awaits
 * become the caller's own suspension points and the callee's state machine disappears: no
 * discriminant, no copy of its arguments, no poll and init functions, no dispatch. Pure
 * forwarding (`fwd(x) = leaf(x).await`) collapses into the leaf; preamble and postamble run
 * inline around the callee's suspensions.
 *
 * Legal because Mote futures are awaited where they are created (the language has no future
 * values) and the async call graph has no cycles, so a callee's body runs exactly in the
 * caller's context, start to finish, and the copy terminates. rustc never inlines one
 * coroutine into another: each future is an opaque type with its own poll.
 *
 * Cost model, since copying can also grow code: a callee awaited from N places is inlined
 * when the N-1 extra copies of its body (counted in MIR statements and terminators) stay
 * within {@link #COPY_BUDGET}, what a separate state machine costs anyway (poll and init
 * functions, dispatch switch, panic arms). So a callee awaited once is always inlined (the
 * copy replaces the original), small ones are copied into a few callers, and large callees
 * awaited from several places keep their own state machine. `make bench` measures the model
 * against inlining everything and nothing (docs/optimizations.md).
 *
 * A second budget bounds the caller: no inlining makes one fn's body larger than
 * {@link #CALLER_BUDGET} MIR statements and terminators. Without it a long chain of small
 * async fns, or many awaited once each, all collapse into one giant poll function (slow to
 * compile, and past 256 states it needs a u16 discriminant); beyond the budget the callee
 * keeps its own state machine, which costs its poll and init functions once.
 */
public final class Inline implements MirPass {
    /** MIR statements + terminators that extra copies of an inlined body may add in total. */
    public static final int COPY_BUDGET = 24;

    /** MIR statements + terminators a caller may grow to by inlining. */
    public static final int CALLER_BUDGET = 2048;

    @Override public Optimization optimization() { return Optimization.INLINE; }

    @Override public MirProgram transform(MirProgram program) { return run(program); }

    /** With the default model; the system property `mote.inline.budget` overrides the budget (benchmarks). */
    public static MirProgram run(MirProgram program) {
        return run(program, Integer.getInteger("mote.inline.budget", COPY_BUDGET));
    }

    /**
     * {@code budget}: Integer.MAX_VALUE inlines everything, 0 only callees awaited once.
     *
     * Linear in the program's size times {@link #CALLER_BUDGET}: the number of sites creating
     * each fn's future is counted once and then kept up to date as bodies are copied, instead
     * of counted over the whole program for every await considered (which made a chain of
     * 2,000 async fns take minutes). The counts include the sites in fns already inlined
     * everywhere, as before; such a fn's body is dropped as soon as nothing awaits it.
     */
    public static MirProgram run(MirProgram program, int budget) {
        Map<String, MirFn> fns = new LinkedHashMap<>();
        for (MirFn f : program.functions()) fns.put(f.name(), f);
        Map<String, Integer> sites = new HashMap<>();
        for (MirFn f : fns.values()) countSites(f, sites, 1);
        Map<String, Integer> sizes = new HashMap<>();
        Names names = new Names();
        java.util.Set<String> processed = new java.util.HashSet<>();
        for (MirFn f : new AsyncCallGraph(program).bottomUp()) {
            MirFn caller = fns.get(f.name());
            // One pass over the caller's blocks, including those inlining appends: a site passed
            // over stays so (its callee's count and the caller's size only grow meanwhile).
            for (int i = 0; i < caller.blocks().size(); i++) {
                if (caller.blocks().get(i).terminator() instanceof Terminator.Await a && a.callee() instanceof Callee.Function c) {
                    MirFn callee = fns.get(c.name());
                    if (callee == null || !callee.isAsync() || program.isTaskEntry(c.name())) continue;
                    long extraCopies = sites.getOrDefault(c.name(), 0) - 1L;
                    int calleeSize = sizes.computeIfAbsent(callee.name(), n -> bodySize(callee));
                    int callerSize = sizes.computeIfAbsent(caller.name(), n -> bodySize(fns.get(n)));
                    if (extraCopies * calleeSize <= budget && callerSize + calleeSize <= CALLER_BUDGET) {
                        int blocksBefore = caller.blocks().size();
                        caller = inlineAt(caller, i, callee, names);
                        fns.put(caller.name(), caller);
                        // The copy adds the callee's body, an argument per parameter and a result per
                        // return; counted so rather than over the whole caller again after every copy
                        // (a fifth of the pass on a deep chain), unless cleaning up dropped blocks.
                        if (caller.blocks().size() == blocksBefore + callee.blocks().size())
                            sizes.put(caller.name(), callerSize + calleeSize + callee.params().size() + returns(callee));
                        else sizes.remove(caller.name());
                        sites.merge(c.name(), -1, Integer::sum);   // the await replaced by the copy
                        countSites(callee, sites, 1);              // the awaits inside the copy
                        // Inlined everywhere and done with as a caller: nothing can await it again.
                        if (sites.get(c.name()) == 0 && processed.contains(c.name())) fns.remove(c.name());
                    }
                }
            }
            processed.add(f.name());
        }
        // Drop async fns nobody awaits any more.
        List<MirFn> out = new ArrayList<>();
        for (MirFn f : fns.values()) {
            if (f.isAsync() && !program.isTaskEntry(f.name()) && sites.getOrDefault(f.name(), 0) == 0) continue;
            out.add(names.spelled(f));
        }
        return program.withFunctions(out);
    }

    /** Adds {@code delta} for each site in {@code f} that creates a fn's future: awaits, and first polls of `join`/`race` children. */
    private static void countSites(MirFn f, Map<String, Integer> sites, int delta) {
        for (BasicBlock b : f.blocks()) {
            if (b.terminator() instanceof Terminator.Await a && a.callee() instanceof Callee.Function c) sites.merge(c.name(), delta, Integer::sum);
            if (b.terminator() instanceof Terminator.PollChild pc && pc.start() && pc.callee() instanceof Callee.Function c)
                sites.merge(c.name(), delta, Integer::sum);
        }
    }

    static int maxChild(MirFn f) {
        int max = -1;
        for (BasicBlock b : f.blocks()) {
            Terminator t = b.terminator();
            if (t instanceof Terminator.PollChild pc) max = Math.max(max, pc.child());
            else if (t instanceof Terminator.CancelChild cc) max = Math.max(max, cc.child());
            else if (t instanceof Terminator.Suspend su) for (int c : su.children()) max = Math.max(max, c);
        }
        return max;
    }

    static Terminator renumberChildren(Terminator t, int base) {
        if (t instanceof Terminator.PollChild pc)
            return new Terminator.PollChild(pc.callee(), pc.args(), pc.start(), pc.dest(), pc.ready(), pc.pending(), pc.child() + base, pc.span());
        if (t instanceof Terminator.CancelChild cc) return new Terminator.CancelChild(cc.callee(), cc.child() + base, cc.next());
        if (t instanceof Terminator.Suspend su)
            return new Terminator.Suspend(su.resume(), su.waits().stream().map(w -> w.renumbered(base)).toList(), su.held());
        if (t instanceof Terminator.Goto || t instanceof Terminator.If || t instanceof Terminator.Switch || t instanceof Terminator.Return
                || t instanceof Terminator.Await || t instanceof Terminator.Assert || t instanceof Terminator.Panic
                || t instanceof Terminator.Exit || t instanceof Terminator.Unreachable) return t;   // name no child
        throw new IllegalStateException("unhandled terminator " + t.getClass().getSimpleName());
    }

    /**
     * A suspension of the inlined body also holds the Mutexes the caller holds at the await it
     * replaces: cancelling the caller there releases them too (after the callee's own).
     */
    static Terminator alsoHolding(Terminator t, List<Local> callerHeld) {
        if (callerHeld.isEmpty()) return t;
        if (t instanceof Terminator.Await a) {
            List<Local> held = new ArrayList<>(a.held());
            held.addAll(0, callerHeld);   // outermost first, as MirBuilder lists them
            return a.withHeld(held);
        }
        if (t instanceof Terminator.Suspend su) {
            List<Local> held = new ArrayList<>(callerHeld);
            held.addAll(su.held());
            return new Terminator.Suspend(su.resume(), su.waits(), held);
        }
        return t;
    }

    private static int returns(MirFn f) {
        int n = 0;
        for (BasicBlock b : f.blocks()) if (b.terminator() instanceof Terminator.Return) n++;
        return n;
    }

    static int bodySize(MirFn f) {
        int n = 0;
        for (BasicBlock b : f.blocks()) {
            n++;   // the terminator
            for (Statement s : b.statements()) if (!(s instanceof Statement.Line)) n++;   // line marks emit no code
        }
        return n;
    }

    /**
     * The debug line marks of a copied block say which await they were inlined at (DWARF
     * inlined frames): {@code call}, or null when the await has no span.
     */
    private static BasicBlock markInlined(BasicBlock b, Statement.Inlined call, java.util.IdentityHashMap<List<Statement.Inlined>, List<Statement.Inlined>> made) {
        if (call == null) return b;
        List<Statement> stmts = null;
        for (int i = 0; i < b.statements().size(); i++) {
            if (b.statements().get(i) instanceof Statement.Line l) {
                if (stmts == null) stmts = new ArrayList<>(b.statements());
                stmts.set(i, l.inlinedInto(call, made));
            }
        }
        return stmts == null ? b : new BasicBlock(stmts, b.terminator());
    }

    private static Statement.Inlined inlinedCall(MirFn callee, Terminator.Await await) {
        if (await.span() == null) return null;
        List<String> params = new ArrayList<>(callee.params().size());
        for (Local p : callee.params()) params.add(callee.decl(p).name());
        return new Statement.Inlined(callee.name(), callee.span(), params, await.span());
    }

    /**
     * The names of the locals inlining copies (`callee.x`, `outer.callee.x`, ...) while the pass
     * runs: a copied local's is its fn's name before the name it had in the copied body, one
     * node, spelled out once the pass is done. Spelled at every copy, they cost their length
     * each time: a chain of fns inlined 200 deep built names 200 fns long at every level, half
     * of the pass's time and memory (issue 13). Meanwhile a copied local's decl keeps the name
     * it has in its own fn; a fn with copies is listed here, its names by local.
     */
    private static final class Names {
        /** A copied local's name: {@code fn} + "." + {@code inner} (a String or another Copied). */
        private record Copied(String fn, Object inner) {}

        private final Map<String, List<Object>> byFn = new HashMap<>();

        /** The names of {@code f}'s locals as this pass knows them (a String, a Copied, or null for a temporary). */
        List<Object> of(MirFn f) {
            List<Object> known = byFn.get(f.name());
            if (known != null) return known;
            List<Object> plain = new ArrayList<>(f.locals().size());
            for (LocalDecl d : f.locals()) plain.add(d.name());
            return plain;
        }

        void set(MirFn f, List<Object> names) {
            byFn.put(f.name(), names);
        }

        static Object copied(String fn, Object inner) {
            return inner == null ? null : new Copied(fn, inner);
        }

        static String spell(Object name) {
            if (name == null || name instanceof String) return (String) name;
            StringBuilder sb = new StringBuilder();
            Object at = name;
            while (at instanceof Copied c) {
                sb.append(c.fn()).append('.');
                at = c.inner();
            }
            return sb.append((String) at).toString();
        }

        /** {@code f} with its locals' names spelled out. */
        MirFn spelled(MirFn f) {
            List<Object> names = byFn.get(f.name());
            if (names == null) return f;
            List<LocalDecl> locals = new ArrayList<>(f.locals().size());
            for (int i = 0; i < f.locals().size(); i++) {
                LocalDecl d = f.locals().get(i);
                locals.add(new LocalDecl(spell(names.get(i)), d.type(), d.span()));
            }
            return new MirFn(f.name(), f.isAsync(), f.params(), f.returnLocal(), f.returnType(), locals, f.blocks(), f.span(), f.interrupt());
        }
    }

    private static MirFn inlineAt(MirFn caller, int awaitBlock, MirFn callee, Names names) {
        MirEdit edit = new MirEdit(caller);
        Terminator.Await await = (Terminator.Await) caller.blocks().get(awaitBlock).terminator();
        Local[] localMap = new Local[callee.locals().size()];
        List<Object> callerNames = new ArrayList<>(names.of(caller));
        List<Object> calleeNames = names.of(callee);
        for (int i = 0; i < callee.locals().size(); i++) {
            LocalDecl d = callee.locals().get(i);
            localMap[i] = edit.addLocal(new LocalDecl(d.name(), d.type(), d.span()));
            callerNames.add(Names.copied(callee.name(), calleeNames.get(i)));
        }
        int blockBase = edit.blocks.size();
        // `join`/`race` child slots are numbered per fn: the callee's must not collide with the caller's.
        int childBase = maxChild(caller) + 1;
        Statement.Inlined call = inlinedCall(callee, await);
        var made = new java.util.IdentityHashMap<List<Statement.Inlined>, List<Statement.Inlined>>();
        for (BasicBlock original : callee.blocks()) {
            BasicBlock b = markInlined(original, call, made);
            BasicBlock mapped;
            if (b.terminator() instanceof Terminator.Return) {
                List<Statement> stmts = new ArrayList<>();
                for (Statement s : b.statements()) stmts.add(MirEdit.mapStatement(s, l -> localMap[l.index()]));
                stmts.add(new Statement.Assign(await.dest(),
                        new Rvalue.Use(mote.mir.Operand.of(localMap[callee.returnLocal().index()]))));
                mapped = new BasicBlock(stmts, new Terminator.Goto(await.resume()));
            } else {
                mapped = MirEdit.mapBlock(b, l -> localMap[l.index()], blk -> new BlockId(blk.index() + blockBase));
                mapped = new BasicBlock(mapped.statements(), alsoHolding(renumberChildren(mapped.terminator(), childBase), await.held()));
            }
            edit.addBlock(mapped);
        }
        BasicBlock site = caller.blocks().get(awaitBlock);
        List<Statement> stmts = new ArrayList<>(site.statements());
        for (int k = 0; k < callee.params().size(); k++)
            stmts.add(new Statement.Assign(localMap[callee.params().get(k).index()], new Rvalue.Use(await.args().get(k))));
        edit.blocks.set(awaitBlock, new BasicBlock(stmts, new Terminator.Goto(new BlockId(blockBase))));
        MirFn inlined = edit.finish();
        names.set(inlined, callerNames);
        return inlined;
    }
}

package mote.opt;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mote.mir.BasicBlock;
import mote.mir.BlockId;
import mote.mir.BorrowedLocals;
import mote.mir.Local;
import mote.mir.LocalDecl;
import mote.mir.MirFn;
import mote.mir.MirProgram;
import mote.mir.Operand;
import mote.mir.Rvalue;
import mote.mir.Statement;
import mote.mir.Terminator;
import mote.types.Type;

/**
 * A value that is a constant, or a copy of another local that still holds the same value, is
 * read from there instead, so it is not saved across an await a second time. Lowering a
 * `for x in a..N` leaves three such values live across the loop's awaits: the end `N` copied
 * into a temporary, the counter, and `x` copied from it; inlining adds a copy per argument.
 * Rewritten, a state keeps the counter alone (bench/firmware.mote's sampler: 56 -> 44 bytes).
 *
 * <p>A candidate is a local with exactly one definition, `l = c` (a constant) or `l = s`
 * (another local of the same type, a parameter too), that is not a parameter or the result,
 * is not borrowed
 * (nothing writes it behind the statements' back) and is not a join/race branch's bookkeeping
 * (which code generation writes too). Its constant replaces every read of it: definite
 * assignment means each read follows the definition. A copy replaces a read only where the
 * copy is available on every path to it (forward "available copies": the definition reached,
 * and no write to `s` since), so a read after the loop's counter moved on keeps its local. A
 * source written once is available wherever its copy is defined, without the dataflow (which a
 * 2,000-deep inlined chain would make quadratic). A
 * candidate nothing reads any more loses its definition, so its source is not read there either.
 *
 * <p>Part of overlap-layout (copies and constants share storage with what they copy; the
 * baseline keeps each, as rustc's generator layout does: its copy propagation runs after the
 * layout is fixed). Not in debug builds, where a debugger reads every named variable.
 */
public final class CopyPropagation {
    private CopyPropagation() {}

    public static boolean applies(Set<Optimization> opts, boolean debug) {
        return !debug && opts.contains(Optimization.OVERLAP_LAYOUT);
    }

    public static MirProgram run(MirProgram program, Set<Optimization> opts, boolean debug) {
        if (!applies(opts, debug)) return program;
        List<MirFn> out = new ArrayList<>();
        for (MirFn f : program.functions()) {
            // A copy of a copy: the second round reads through both.
            MirFn g = f;
            Names names = new Names(new HashMap<>(), new HashSet<>());
            for (int round = 0; round < 3; round++) {
                MirFn next = rewrite(g, names);
                if (next == g) break;
                g = next;
            }
            out.add(g);
        }
        return program.withFunctions(out);
    }

    /** The one definition of each candidate: its source (a constant or a local). */
    private record Candidates(Map<Local, Operand> source, Map<Local, Statement> definition, List<Local> copies,
                              Set<Local> always, Map<Local, Integer> bits, Map<Local, BitSet> bySource) {
        /** Index of each copy candidate in the dataflow's bit sets; -1 for any other local. */
        int bit(Local l) { return bits.getOrDefault(l, -1); }
    }

    static MirFn rewrite(MirFn fn, Names names) {
        Candidates c = candidates(fn);
        if (c.source().isEmpty()) return fn;
        BitSet[] in = availableCopies(fn, c);
        Map<Local, Set<LocalDecl>> replaced = new HashMap<>();   // by source: the variables whose reads it took
        List<BasicBlock> blocks = new ArrayList<>();
        boolean changed = false;
        for (int i = 0; i < fn.blocks().size(); i++) {
            BasicBlock b = fn.blocks().get(i);
            BitSet avail = (BitSet) in[i].clone();
            List<Statement> stmts = new ArrayList<>();
            for (Statement s : b.statements()) {
                // A definition stays as it is: renamed, `x = s` could become `s = s`.
                Statement mapped = isDefinitionOf(s, c) ? s : MirEdit.mapStatement(s, renaming(fn, c, avail, replaced, names.carried()));
                changed |= !mapped.equals(s);
                stmts.add(mapped);
                transfer(s, avail, c);
            }
            Terminator t = MirEdit.mapTerminator(b.terminator(), renaming(fn, c, avail, replaced, names.carried()), blk -> blk);
            changed |= !t.equals(b.terminator());
            blocks.add(new BasicBlock(stmts, t));
        }
        // A candidate nothing reads any more loses its definition, which read its source: that
        // source may then be unread too (the next round).
        Set<Local> read = reads(blocks);
        for (int i = 0; i < blocks.size(); i++) {
            BasicBlock b = blocks.get(i);
            List<Statement> kept = new ArrayList<>(b.statements().size());
            for (Statement s : b.statements()) {
                if (isDefinitionOf(s, c) && !read.contains(((Statement.Assign) s).dest())) { changed = true; continue; }
                kept.add(s);
            }
            if (kept.size() != b.statements().size()) blocks.set(i, new BasicBlock(kept, b.terminator()));
        }
        if (!changed) return fn;
        return new MirFn(fn.name(), fn.isAsync(), fn.params(), fn.returnLocal(), fn.returnType(), named(fn, replaced, names), blocks, fn.span(), fn.interrupt());
    }

    /**
     * The locals, where a temporary that took the reads of one named variable takes its name:
     * `mote explain` and a debugger then show `a` where the state keeps its value, not `_14`.
     * The name travels with the reads along a chain of copies ({@link Names}), so the value
     * foo's `flag` reads, copied from bar's `blah`, copied from a temporary, shows as
     * `bar.foo.flag`. A variable keeps its own name.
     */
    private static List<LocalDecl> named(MirFn fn, Map<Local, Set<LocalDecl>> replaced, Names names) {
        List<LocalDecl> out = new ArrayList<>(fn.locals());
        replaced.forEach((s, taken) -> {
            if (taken.size() != 1 || taken.iterator().next().name() == null) return;   // two variables' reads: neither name is right
            LocalDecl variable = taken.iterator().next();
            names.carried().put(s, variable);
            LocalDecl d = out.get(s.index());
            if (d.name() == null || names.renamed().contains(s)) {
                // The variable's span too: the debug info places a name in the (inlined) scope
                // its span is in, and a name in one scope with a line from another breaks it.
                out.set(s.index(), new LocalDecl(variable.name(), d.type(), variable.span()));
                names.renamed().add(s);
            }
        });
        return out;
    }

    /** Over the rounds: the name of the reads each local took, and the temporaries renamed for them. */
    private record Names(Map<Local, LocalDecl> carried, Set<Local> renamed) {}

    /** Every local some statement or terminator reads (a terminator's destinations count too: conservative). */
    private static Set<Local> reads(List<BasicBlock> blocks) {
        Set<Local> out = new HashSet<>();
        for (BasicBlock b : blocks) {
            for (Statement s : b.statements()) out.addAll(MirEdit.reads(s));
            out.addAll(MirEdit.reads(b.terminator()));
        }
        return out;
    }

    private static boolean isDefinitionOf(Statement s, Candidates c) {
        return s instanceof Statement.Assign a && c.definition().get(a.dest()) == s;
    }

    /** Reads of a constant candidate become the constant; of a copy available here, its source. */
    private static MirEdit.Renaming renaming(MirFn fn, Candidates c, BitSet avail, Map<Local, Set<LocalDecl>> replaced, Map<Local, LocalDecl> carried) {
        return new MirEdit.Renaming() {
            @Override public Local local(Local l) {
                Operand src = c.source().get(l);
                if (src instanceof Operand.Copy s && (c.always().contains(l) || avail.get(c.bit(l)))) {
                    replaced.computeIfAbsent(s.local(), k -> new HashSet<>()).add(carried.getOrDefault(l, fn.locals().get(l.index())));
                    return s.local();
                }
                return l;
            }

            @Override public Operand copy(Local l) {
                Operand src = c.source().get(l);
                if (src instanceof Operand.Const k) return k;
                return new Operand.Copy(local(l));
            }
        };
    }

    private static Candidates candidates(MirFn fn) {
        Map<Local, Integer> defs = new HashMap<>();
        Map<Local, Statement> single = new HashMap<>();
        Set<Local> excluded = new HashSet<>(BorrowedLocals.of(fn));
        excluded.add(fn.returnLocal());
        // A parameter may be a source (the entry defines it before any statement), not a
        // candidate: that definition is not one of its statements.
        Set<Local> params = new HashSet<>(fn.params());
        for (BasicBlock b : fn.blocks()) {
            for (Statement s : b.statements()) {
                for (Local w : writes(s)) defs.merge(w, 1, Integer::sum);
                if (s instanceof Statement.Assign a) single.put(a.dest(), s);
            }
            excluded.addAll(bookkeeping(b.terminator()));
        }
        Map<Local, Operand> source = new HashMap<>();
        Map<Local, Statement> definition = new HashMap<>();
        List<Local> copies = new ArrayList<>();
        Set<Local> always = new HashSet<>();
        for (var e : single.entrySet()) {
            Local l = e.getKey();
            if (defs.getOrDefault(l, 0) != 1 || excluded.contains(l) || params.contains(l)) continue;
            if (!(e.getValue() instanceof Statement.Assign a) || !(a.value() instanceof Rvalue.Use u)) continue;
            Type t = fn.typeOf(l);
            if (Type.isAggregate(t)) continue;
            if (u.operand() instanceof Operand.Const k) {
                if (!k.type().equals(t)) continue;
            } else if (u.operand() instanceof Operand.Copy s) {
                if (s.local().equals(l) || excluded.contains(s.local()) || !fn.typeOf(s.local()).equals(t)) continue;
                // A source written once (or a parameter never written) holds its value from its
                // definition on, which comes before the copy's: the copy is available wherever it
                // is defined. Only the others need the dataflow (a loop's counter).
                int sourceWrites = defs.getOrDefault(s.local(), 0) + (params.contains(s.local()) ? 1 : 0);
                if (sourceWrites <= 1) always.add(l);
                else copies.add(l);
            } else {
                continue;
            }
            source.put(l, u.operand());
            definition.put(l, a);
        }
        copies.sort(java.util.Comparator.comparingInt(Local::index));
        Map<Local, Integer> bits = new HashMap<>();
        Map<Local, BitSet> bySource = new HashMap<>();
        for (int i = 0; i < copies.size(); i++) {
            bits.put(copies.get(i), i);
            bySource.computeIfAbsent(((Operand.Copy) source.get(copies.get(i))).local(), k -> new BitSet()).set(i);
        }
        return new Candidates(source, definition, copies, always, bits, bySource);
    }

    /**
     * The locals a statement writes. A store through a reference writes what it points to, not
     * the reference: that is a borrowed local or memory elsewhere, neither of them a candidate
     * or a source.
     */
    static List<Local> writes(Statement s) {
        if (s instanceof Statement.Assign a) return List.of(a.dest());
        if (s instanceof Statement.Store st) return st.place().throughReference() ? List.of() : List.of(st.place().local());
        if (s instanceof Statement.InitChannel ic) return List.of(ic.local());
        return List.of();
    }

    /** Kills the copies whose source (or which) {@code s} writes, then makes a copy defined by {@code s} available. */
    private static void transfer(Statement s, BitSet avail, Candidates c) {
        for (Local w : writes(s)) kill(w, avail, c);
        if (s instanceof Statement.Assign a && c.definition().get(a.dest()) == s && c.bit(a.dest()) >= 0) avail.set(c.bit(a.dest()));
    }

    /**
     * What a terminator writes or keeps besides the statements: an await's result and the
     * Mutexes it holds, a child poll's result, a join/race suspension's held Mutexes and its
     * children's bookkeeping (code generation writes those too). No pass may rewrite them.
     */
    static List<Local> bookkeeping(Terminator t) {
        List<Local> out = new ArrayList<>();
        if (t instanceof Terminator.Await a) { out.add(a.dest()); out.addAll(a.held()); }
        if (t instanceof Terminator.PollChild pc) out.add(pc.dest());
        if (t instanceof Terminator.Suspend su) {
            out.addAll(su.held());
            for (Terminator.ChildWait w : su.waits()) {
                out.add(w.started());
                out.add(w.done());
                out.add(w.pc());
                out.addAll(w.allHeld());
            }
        }
        return out;
    }

    private static void kill(Local written, BitSet avail, Candidates c) {
        int own = c.bit(written);
        if (own >= 0) avail.clear(own);
        BitSet copiesOf = c.bySource().get(written);
        if (copiesOf != null) avail.andNot(copiesOf);
    }

    /** The copies available at the start of each block: on every path from the entry. */
    private static BitSet[] availableCopies(MirFn fn, Candidates c) {
        return AvailableSets.solve(fn, c.copies().size(), (s, avail) -> transfer(s, avail, c), (local, avail) -> kill(local, avail, c));
    }
}

package mote.opt;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mote.mir.BasicBlock;
import mote.mir.BinOp;
import mote.mir.BlockId;
import mote.mir.BorrowedLocals;
import mote.mir.Liveness;
import mote.mir.Local;
import mote.mir.MirFn;
import mote.mir.MirProgram;
import mote.mir.Operand;
import mote.mir.Rvalue;
import mote.mir.Statement;
import mote.mir.Terminator;
import mote.types.Type;

/**
 * A value computed from another one by a constant step (`addr = BUS_BASE + id`, `id as u8`,
 * `n & 7`) is computed again after an await instead of being saved beside the value it comes
 * from. Layers of drivers, inlined, give such values: bench/firmware.mote's console saved both
 * a sensor's id and its bus address across the register write's `yield_now`. An add instead of
 * a store and a load, and the state loses a word where it was the largest.
 *
 * <p>A candidate {@code x} has one definition, {@code x = y op c} (or {@code c op y}, a unary
 * op or a cast of {@code y}), where {@code y} is a scalar local nothing borrows; neither is a
 * parameter's bookkeeping, the result, or borrowed; division and remainder are left alone
 * (a library call on ARMv6-M). It is rewritten only when
 * <ul>
 *   <li>every await or join/race suspension that saves {@code x} saves {@code y} too (else
 *       the state would keep {@code y} instead of {@code x}: nothing won), and</li>
 *   <li>at every read of {@code x} outside its defining block, the definition is available:
 *       on every path from it, neither {@code x} nor {@code y} was written since (forward
 *       "available expressions", as {@link CopyPropagation}'s available copies; a loop that
 *       moves {@code y} on before reading an old {@code x} keeps {@code x}).</li>
 * </ul>
 * Each block that reads {@code x} without defining it first then gets the definition again
 * just before the first read, so {@code x} is live into no block and no state saves it.
 *
 * <p>Part of overlap-layout, not in debug builds (a debugger reads the variable where the
 * baseline keeps it), as {@link Rematerialize}, which does the same for addresses.
 */
public final class RecomputeValues {
    private RecomputeValues() {}

    public static MirProgram run(MirProgram program, Set<Optimization> opts, boolean debug) {
        if (!CopyPropagation.applies(opts, debug)) return program;
        List<MirFn> out = new ArrayList<>();
        boolean changed = false;
        for (MirFn f : program.functions()) {
            MirFn g = f.isAsync() ? rewrite(f) : f;
            changed |= g != f;
            out.add(g);
        }
        return changed ? program.withFunctions(out) : program;
    }

    /** A candidate: its one definition and the local it is computed from. */
    private record Candidate(Local value, Local source, Statement.Assign definition) {}

    /**
     * The candidates by bit, indexed for the dataflow: the bits a write of a local kills (its
     * own, and those computed from it), the bit a statement makes available, each value's bit.
     * Maps rather than scans: an inlined chain of 2,000 calls has thousands of candidates.
     */
    private record Index(List<Candidate> candidates, Map<Local, BitSet> killedBy, Map<Statement, Integer> defines,
                         Map<Local, Integer> bitOf) {
        static Index of(List<Candidate> candidates) {
            Map<Local, BitSet> killedBy = new HashMap<>();
            Map<Statement, Integer> defines = new java.util.IdentityHashMap<>();
            Map<Local, Integer> bitOf = new HashMap<>();
            for (int bit = 0; bit < candidates.size(); bit++) {
                Candidate c = candidates.get(bit);
                killedBy.computeIfAbsent(c.value(), k -> new BitSet()).set(bit);
                killedBy.computeIfAbsent(c.source(), k -> new BitSet()).set(bit);
                defines.put(c.definition(), bit);
                bitOf.put(c.value(), bit);
            }
            return new Index(candidates, killedBy, defines, bitOf);
        }
    }

    static MirFn rewrite(MirFn fn) {
        List<Candidate> all = candidates(fn);
        if (all.isEmpty()) return fn;
        List<Candidate> candidates = worthIt(fn, all);
        if (candidates.isEmpty()) return fn;
        Index index = Index.of(candidates);
        BitSet[] in = available(fn, index);
        // All or nothing per candidate: a read where the definition is not available keeps it saved.
        BitSet rewritable = readsAvailable(fn, index, in);
        if (rewritable.isEmpty()) return fn;
        Map<Local, Statement.Assign> definition = new HashMap<>();
        rewritable.stream().forEach(bit -> definition.put(candidates.get(bit).value(), candidates.get(bit).definition()));
        List<BasicBlock> blocks = new ArrayList<>(fn.blocks().size());
        for (BasicBlock b : fn.blocks()) {
            Set<Local> defined = new HashSet<>();
            List<Statement> stmts = new ArrayList<>(b.statements().size() + 1);
            for (Statement s : b.statements()) {
                for (Local l : MirEdit.reads(s)) define(l, definition, defined, stmts);
                if (s instanceof Statement.Assign a && definition.containsKey(a.dest())) defined.add(a.dest());
                stmts.add(s);
            }
            for (Local l : MirEdit.reads(b.terminator())) define(l, definition, defined, stmts);
            blocks.add(new BasicBlock(stmts, b.terminator()));
        }
        return new MirFn(fn.name(), fn.isAsync(), fn.params(), fn.returnLocal(), fn.returnType(), fn.locals(), blocks, fn.span(), fn.interrupt());
    }

    private static void define(Local l, Map<Local, Statement.Assign> definition, Set<Local> defined, List<Statement> stmts) {
        Statement.Assign def = definition.get(l);
        if (def != null && defined.add(l)) stmts.add(def);
    }

    private static List<Candidate> candidates(MirFn fn) {
        Map<Local, Integer> writes = new HashMap<>();
        Map<Local, Statement.Assign> single = new HashMap<>();
        Set<Local> excluded = new HashSet<>(BorrowedLocals.of(fn));
        excluded.add(fn.returnLocal());
        for (BasicBlock b : fn.blocks()) {
            for (Statement s : b.statements()) {
                for (Local w : CopyPropagation.writes(s)) writes.merge(w, 1, Integer::sum);
                if (s instanceof Statement.Assign a) single.put(a.dest(), a);
            }
            excluded.addAll(CopyPropagation.bookkeeping(b.terminator()));
        }
        List<Candidate> out = new ArrayList<>();
        for (var e : single.entrySet()) {
            Local x = e.getKey();
            if (writes.getOrDefault(x, 0) != 1 || excluded.contains(x) || fn.params().contains(x) || !scalar(fn.typeOf(x))) continue;
            Local y = source(e.getValue().value());
            if (y == null || y.equals(x) || excluded.contains(y) || !scalar(fn.typeOf(y))) continue;
            out.add(new Candidate(x, y, e.getValue()));
        }
        out.sort(java.util.Comparator.comparingInt(c -> c.value().index()));   // a stable order: the same MIR every build
        return out;
    }

    private static boolean scalar(Type t) {
        return !Type.isAggregate(t) && !(t instanceof Type.Ref) && !(t instanceof Type.Unit);
    }

    /** The one local {@code r} computes from with constants, or null when it is not such a step. */
    private static Local source(Rvalue r) {
        if (r instanceof Rvalue.Binary b) {
            if (b.op() == BinOp.DIV || b.op() == BinOp.REM) return null;
            if (b.left() instanceof Operand.Copy c && b.right() instanceof Operand.Const) return c.local();
            if (b.left() instanceof Operand.Const && b.right() instanceof Operand.Copy c) return c.local();
            return null;
        }
        if (r instanceof Rvalue.Unary u && u.operand() instanceof Operand.Copy c) return c.local();
        if (r instanceof Rvalue.Cast k && k.operand() instanceof Operand.Copy c) return c.local();
        return null;
    }

    /** The candidates some suspension saves, where every suspension saving one saves its source too. */
    private static List<Candidate> worthIt(MirFn fn, List<Candidate> candidates) {
        Liveness live = Liveness.compute(fn);
        List<BitSet> saved = new ArrayList<>();
        for (BasicBlock b : fn.blocks()) {
            if (b.terminator() instanceof Terminator.Await a) saved.add(live.acrossAwait(a));
            if (b.terminator() instanceof Terminator.Suspend su) saved.add(live.liveIn(su.resume()));
        }
        List<Candidate> out = new ArrayList<>();
        for (Candidate c : candidates) {
            boolean savedSomewhere = false, alwaysWithSource = true;
            for (BitSet s : saved) {
                if (!s.get(c.value().index())) continue;
                savedSomewhere = true;
                alwaysWithSource &= s.get(c.source().index());
            }
            if (savedSomewhere && alwaysWithSource) out.add(c);
        }
        return out;
    }

    /** The candidates whose every read not after their definition in the same block finds the definition available. */
    private static BitSet readsAvailable(MirFn fn, Index index, BitSet[] in) {
        BitSet ok = new BitSet();
        ok.set(0, index.candidates().size());
        for (int i = 0; i < fn.blocks().size(); i++) {
            BasicBlock b = fn.blocks().get(i);
            BitSet cur = (BitSet) in[i].clone();
            for (Statement s : b.statements()) {
                for (Local l : MirEdit.reads(s)) unavailableRead(l, cur, index, ok);
                transfer(s, cur, index);
            }
            for (Local l : MirEdit.reads(b.terminator())) unavailableRead(l, cur, index, ok);
        }
        return ok;
    }

    private static void unavailableRead(Local read, BitSet avail, Index index, BitSet ok) {
        Integer bit = index.bitOf().get(read);
        if (bit != null && !avail.get(bit)) ok.clear(bit);
    }

    private static void transfer(Statement s, BitSet avail, Index index) {
        for (Local w : CopyPropagation.writes(s)) kill(w, avail, index);
        Integer bit = index.defines().get(s);
        if (bit != null) avail.set(bit);
    }

    private static void kill(Local written, BitSet avail, Index index) {
        BitSet bits = index.killedBy().get(written);
        if (bits != null) avail.andNot(bits);
    }

    /** The candidates available at the start of each block: defined on every path from the entry, neither side written since. */
    private static BitSet[] available(MirFn fn, Index index) {
        return AvailableSets.solve(fn, index.candidates().size(), (s, avail) -> transfer(s, avail, index), (local, avail) -> kill(local, avail, index));
    }
}

package mote.opt;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import mote.mir.AvailableLoads;
import mote.mir.BasicBlock;
import mote.mir.BinOp;
import mote.mir.BlockId;
import mote.mir.BorrowedLocals;
import mote.mir.Local;
import mote.mir.LocalDecl;
import mote.mir.MirFn;
import mote.mir.Operand;
import mote.mir.Place;
import mote.mir.ProgramRanges;
import mote.mir.Rvalue;
import mote.mir.Statement;
import mote.mir.Terminator;
import mote.mir.ValueRanges;
import mote.types.Type;

/**
 * Checks proven case by case, for ProvenChecks: validate, then dispatch. A command is parsed
 * into a struct, checked (`takes_sensor(p.cmd) && p.args[0] >= 4` is rejected), then matched on
 * `p.cmd`; in the `Stats` arm, `STATS[p.args[0]]` is in bounds, but intervals alone, which
 * join the paths of every command after the check, cannot see it.
 *
 * <p>The key: a local assigned once (`p = parse(line)`), never borrowed or written through, of
 * which a switch tests a C-like enum field (directly or in whole copies of it). Along any path
 * from its assignment that does not pass the assignment again, the field keeps one value. For
 * each value the enum can have, the fn is analysed from that assignment on
 * ({@link ValueRanges#computeByCases}), knowing nothing else there, the field equal to that
 * value, and the assignment not reached again: the entry goes straight to it, and every edge
 * back to it goes to a dead end. A check that assignment dominates is proven when, for every
 * value, it is never reached or always holds.
 */
final class CheckCases {
    private CheckCases() {}

    /**
     * The largest enum this splits on, and the most cases analysed in one fn (each is one or two
     * analyses of the whole fn: the compile time stays in proportion).
     */
    private static final int MOST_VALUES = 32, MOST_CASES = 48;

    /**
     * Blocks times locals of the largest fn split (each analysis costs about that; bench/firmware's
     * console, after inlining, is some 27,000): a fn of twice the statements took five times
     * as long to build (review finding: 6.7 s, then 32 s).
     */
    private static final long LARGEST_FN = 60_000;

    /** The Assert blocks among {@code checks} proven case by case. */
    static Set<Integer> proven(MirFn fn, List<Integer> checks, ProgramRanges facts) {
        Set<Integer> proven = new HashSet<>();
        if (checks.isEmpty() || hasPredecessors(fn, 0)   // block 0 is replaced: nothing may lead back to it
                || !facts.enumsHoldTheirValues()             // the cases would not be all the values there are
                || (long) fn.blocks().size() * fn.locals().size() > LARGEST_FN) return proven;
        Set<Local> notMine = notAssignedOnlyByStatements(fn);
        int cases = 0;
        for (Key key : keys(fn, notMine)) {
            List<Integer> dominated = new ArrayList<>();
            for (int b : checks) if (!proven.contains(b) && b != key.block() && dominates(fn, key.block(), b)) dominated.add(b);
            if (dominated.isEmpty()) continue;
            if ((cases += key.values().size()) > MOST_CASES) break;
            List<Integer> holding = new ArrayList<>(dominated);
            AvailableLoads everyCase = null;
            for (long v : key.values()) {
                MirFn cf = withCase(fn, key, v);
                // The loads held do not depend on the value: one analysis of them serves every case.
                if (everyCase == null) everyCase = facts.loadsByCases(cf, null);
                ValueRanges first = facts.rangesByCases(cf, everyCase);
                // Again, the loads counted only on the paths the case may take (a load on a path
                // it rules out joins nothing), unless no check left is reached anyway.
                ValueRanges ranges = holding.stream().noneMatch(b -> first.reached(new BlockId(b))) ? first
                        : facts.rangesByCases(cf, facts.loadsByCases(cf, first::mayTake));
                holding.removeIf(b -> ranges.reached(new BlockId(b)) && !ranges.alwaysTrue(new BlockId(b)));
                if (holding.isEmpty()) break;
            }
            proven.addAll(holding);
        }
        return proven;
    }

    /** Local {@code local} is assigned once, by statement {@code index} of {@code block}; a switch tests its field {@code path}. */
    private record Key(Local local, int block, int index, List<Place.Projection> path, Type fieldType, List<Long> values) {}

    /** The keys of the fn's switches, each once. */
    private static List<Key> keys(MirFn fn, Set<Local> notMine) {
        List<Key> out = new ArrayList<>();
        for (BasicBlock b : fn.blocks()) {
            if (!(b.terminator() instanceof Terminator.Switch sw) || !(sw.value() instanceof Operand.Copy tested)) continue;
            Place loaded = loadedInto(b, tested.local());
            if (loaded == null || !loaded.projections().stream().allMatch(p -> p instanceof Place.Projection.Field)) continue;
            Type fieldType = loaded.type(fn);
            if (!(fieldType instanceof Type.Enum e) || ValueRanges.caseTop(e) < 0 || e.values().size() > MOST_VALUES) continue;
            Assignment root = rootOfCopies(fn, loaded.local(), notMine);
            if (root == null) continue;
            Key key = new Key(root.local(), root.block(), root.index(), loaded.projections(), fieldType, e.values().stream().distinct().toList());
            if (out.stream().noneMatch(k -> k.local().equals(key.local()) && k.path().equals(key.path()))) out.add(key);
        }
        return out;
    }

    /** What block {@code b} last loads into {@code local} (its last assignment of it), or null. */
    private static Place loadedInto(BasicBlock b, Local local) {
        for (int i = b.statements().size() - 1; i >= 0; i--)
            if (b.statements().get(i) instanceof Statement.Assign a && a.dest().equals(local))
                return a.value() instanceof Rvalue.Load ld ? ld.place() : null;
        return null;
    }

    /** Local {@code local}'s one assignment: statement {@code index} of {@code block}. */
    private record Assignment(Local local, int block, int index) {}

    /**
     * Follows whole copies back (`_80 = _52`, `_52 = _51`) to the first local that is not one,
     * and its assignment; each assigned only by one statement and never borrowed or written
     * through, else null.
     */
    private static Assignment rootOfCopies(MirFn fn, Local local, Set<Local> notMine) {
        Set<Local> seen = new HashSet<>();
        Local at = local;
        while (seen.add(at)) {
            if (notMine.contains(at)) return null;
            int[] only = onlyAssignment(fn, at);
            if (only == null) return null;
            Statement.Assign a = (Statement.Assign) fn.blocks().get(only[0]).statements().get(only[1]);
            if (!(a.value() instanceof Rvalue.Use u) || !(u.operand() instanceof Operand.Copy src)
                    || !fn.typeOf(src.local()).equals(fn.typeOf(at))) return new Assignment(at, only[0], only[1]);
            at = src.local();
        }
        return null;   // a cycle of copies
    }

    /** Block and statement of {@code local}'s one assignment, or null when it has more or none. */
    private static int[] onlyAssignment(MirFn fn, Local local) {
        int[] found = null;
        for (int i = 0; i < fn.blocks().size(); i++) {
            List<Statement> ss = fn.blocks().get(i).statements();
            for (int k = 0; k < ss.size(); k++)
                if (ss.get(k) instanceof Statement.Assign a && a.dest().equals(local)) {
                    if (found != null) return null;
                    found = new int[] {i, k};
                }
        }
        return found;
    }

    /**
     * Locals a key may not be: parameters, borrowed locals, roots of stores, locals a
     * terminator sets (an await's result, a child's bookkeeping), channels set up in place.
     */
    private static Set<Local> notAssignedOnlyByStatements(MirFn fn) {
        Set<Local> out = new HashSet<>(fn.params());
        out.addAll(BorrowedLocals.of(fn));
        for (BasicBlock b : fn.blocks()) {
            for (Statement s : b.statements()) {
                if (s instanceof Statement.Store st) out.add(st.place().local());
                if (s instanceof Statement.InitChannel ic) out.add(ic.local());
            }
            Terminator t = b.terminator();
            if (t instanceof Terminator.Await a) out.add(a.dest());
            if (t instanceof Terminator.PollChild pc && pc.dest() != null) out.add(pc.dest());
            if (t instanceof Terminator.Suspend su)
                for (Terminator.ChildWait w : su.waits())
                    for (Local l : new Local[] {w.started(), w.done(), w.pc()}) if (l != null) out.add(l);
        }
        return out;
    }

    /**
     * The fn from the key's assignment on, in the case where the key's field is {@code value}:
     * block 0 goes straight to the key's block (or is it), which after the assignment loads the
     * field and goes on only when it equals {@code value}; every edge back to the key's block ends.
     */
    static MirFn withCase(MirFn fn, Key key, long value) {
        int n = fn.blocks().size(), rest = n, dead = n + 1;
        List<LocalDecl> locals = new ArrayList<>(fn.locals());
        Local field = new Local(locals.size());
        locals.add(new LocalDecl(null, key.fieldType(), fn.span()));
        Local equal = new Local(locals.size());
        locals.add(new LocalDecl(null, new Type.Bool(), fn.span()));
        BlockId keyBlock = new BlockId(key.block());
        java.util.function.UnaryOperator<BlockId> noReturnToKey = t -> t.equals(keyBlock) ? new BlockId(dead) : t;
        List<BasicBlock> blocks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            BasicBlock b = fn.blocks().get(i);
            if (i == key.block()) {
                List<Statement> head = new ArrayList<>(b.statements().subList(0, key.index() + 1));
                head.add(new Statement.Assign(field, new Rvalue.Load(new Place(key.local(), key.path()))));
                head.add(new Statement.Assign(equal, new Rvalue.Binary(BinOp.EQ, new Operand.Copy(field), new Operand.Const(key.fieldType(), value))));
                blocks.add(new BasicBlock(head, new Terminator.If(new Operand.Copy(equal), new BlockId(rest), new BlockId(dead))));
            } else if (i == 0) {
                blocks.add(new BasicBlock(List.of(), new Terminator.Goto(keyBlock)));
            } else {
                blocks.add(retarget(b, noReturnToKey));
            }
        }
        BasicBlock k = fn.blocks().get(key.block());
        blocks.add(retarget(new BasicBlock(k.statements().subList(key.index() + 1, k.statements().size()), k.terminator()), noReturnToKey));
        blocks.add(new BasicBlock(List.of(), new Terminator.Unreachable()));
        // The parameters stay parameters (a slice parameter is not one constant string because
        // the fn assigns it one later); ProgramRanges.rangesByCases gives them no facts: what
        // the callers pass holds on entry, not at the key's block, and every local starts
        // unknown there.
        return new MirFn(fn.name(), fn.isAsync(), fn.params(), fn.returnLocal(), fn.returnType(), locals, blocks, fn.span(), fn.interrupt());
    }

    private static BasicBlock retarget(BasicBlock b, java.util.function.UnaryOperator<BlockId> blocks) {
        return new BasicBlock(b.statements(), MirEdit.mapTerminator(b.terminator(), l -> l, blocks));
    }

    private static boolean hasPredecessors(MirFn fn, int block) {
        for (BasicBlock b : fn.blocks()) if (b.terminator().successors().contains(new BlockId(block))) return true;
        return false;
    }

    /** Whether every path from the entry to {@code b} passes {@code d}: without {@code d}, {@code b} is not reached. */
    private static boolean dominates(MirFn fn, int d, int b) {
        if (d == b) return true;
        BitSet seen = new BitSet();
        Deque<Integer> work = new ArrayDeque<>();
        if (d != 0) { work.add(0); seen.set(0); }
        while (!work.isEmpty()) {
            int i = work.pop();
            if (i == b) return false;
            for (BlockId s : fn.blocks().get(i).terminator().successors())
                if (s.index() != d && !seen.get(s.index())) { seen.set(s.index()); work.add(s.index()); }
        }
        return true;
    }
}

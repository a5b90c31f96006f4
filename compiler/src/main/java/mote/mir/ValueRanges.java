package mote.mir;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;
import mote.types.Type;

/**
 * Forward interval analysis of a MIR function's unsigned integer locals (u8, u16, u32): the
 * values each may hold at the end of each block. Async lowering asks it what a value saved
 * across an await can be, to keep a loop counter that stays under 256 in one byte of the state
 * object (mote.opt.OverlapLayout).
 *
 * Sound by construction, not by pattern: every local starts unknown (its type's whole range);
 * an assignment gives it the interval of its right-hand side where the arithmetic cannot wrap
 * (wrapping or anything not modelled gives the whole range again); a branch on a comparison
 * computed in the same block narrows the compared local on each edge, unless it or the local
 * it is compared with is reassigned after the comparison; joins take the hull, and a loop head
 * joined more than {@link #WIDEN_AFTER} times widens what still grows (to the next constant
 * the function compares against, then the type's bound). Locals whose address is taken,
 * written through a place or by a `join`/`race` suspension's bookkeeping are never narrower
 * than their type.
 *
 * Whole-program facts widen what it knows ({@link Facts}, from mote.opt.ProvenChecks): the
 * values every struct field of a kind may hold, and a sync fn's parameters; and a load of a
 * place whose value a local already holds ({@link AvailableLoads}) is that local's range.
 */
public final class ValueRanges {
    /** The values a local may hold: {@code lo..=hi}, unsigned. */
    public record Range(long lo, long hi) {
        public boolean contains(Range o) { return lo <= o.lo && o.hi <= hi; }
    }

    /** What holds across the whole program: null where nothing is known beyond the type. */
    public interface Facts {
        /** The values field {@code index} of every struct {@code s} may hold. */
        Range field(Type.Struct s, int index);

        /** The values parameter {@code index} of fn {@code fn} may hold on entry. */
        Range param(String fn, int index);

        /**
         * What a call of sync fn {@code fn} returns for arguments in {@code args} (null where an
         * argument is unknown); null when not known. Only the analysis by cases asks
         * ({@link #computeByCases}).
         */
        default Range callResult(String fn, List<Range> args) { return null; }

        Facts NONE = new Facts() {
            @Override public Range field(Type.Struct s, int index) { return null; }
            @Override public Range param(String fn, int index) { return null; }
        };
    }

    /** Sees each statement of each reached block with the ranges just before it ({@link #replay}); the point is only good during the call. */
    public interface Visitor {
        void statement(BlockId block, int index, Statement s, Point before);
    }

    /** The ranges at one point of the fn. */
    public final class Point {
        private final Range[] state;
        private Point(Range[] state) { this.state = state; }

        /** A constant's value or a tracked local's range; null when unknown (beyond its type's range). */
        public Range of(Operand op) { return rangeOf(op, state); }
    }

    private static final int WIDEN_AFTER = 3;
    /**
     * Widenings at one loop head that stop at a threshold; the next goes to the type's bound. A
     * counter compared against hundreds of constants would otherwise step through each, the
     * loop's body analysed again at every step.
     */
    private static final int THRESHOLD_STEPS = 16;

    private final MirFn fn;
    private final Facts facts;
    private final AvailableLoads loads;
    private Range[][] atStart;         // per block, after solving: each local's range on entry (null: unreached)
    private final long[] max;          // per local: its type's largest value, or -1 when untracked
    private final BitSet excluded;     // borrowed or written through a place: changed behind the statements' back
    private final Range[][] atEnd;     // per block: each local's range after its statements (null: unreached)
    private final long[] sliceLength;  // per local: the length of the one string constant a slice local ever holds, or -1
    private final long[][] thresholds;   // per local, where widening stops: what it is compared against (and one either side), sorted

    /**
     * The analysis by cases ({@link #computeByCases}): bools and C-like enums are tracked too,
     * a switch and a branch on a known flag take only the edges their operand allows, a branch
     * on a flag copied from a comparison just made is narrowed by that comparison, and a call of
     * a sync fn returns what the facts say it does for its arguments.
     */
    private final boolean byCases;

    private ValueRanges(MirFn fn, Facts facts, AvailableLoads loads) {
        this(fn, facts, loads, false);
    }

    private ValueRanges(MirFn fn, Facts facts, AvailableLoads loads, boolean byCases) {
        this.fn = fn;
        this.facts = facts;
        this.loads = loads;
        this.byCases = byCases;
        int n = fn.locals().size();
        max = new long[n];
        BitSet excluded = excluded(fn);
        this.excluded = excluded;
        for (int l = 0; l < n; l++) {
            Type t = fn.typeOf(new Local(l));
            max[l] = excluded.get(l) ? -1 : t instanceof Type.Int i && !i.signed() && i.bits() <= 32 ? (1L << i.bits()) - 1
                    : byCases ? caseTop(t) : -1;
        }
        atEnd = new Range[fn.blocks().size()][];
        sliceLength = sliceLengths(fn, excluded);
        thresholds = thresholds(fn, sliceLength, facts);
    }

    /**
     * Widening with thresholds: a bound that keeps growing jumps to the next value the local is
     * compared against (so a counter under `< 6` widens to 6, not to 2^32 - 1), and only past
     * the last to its type's bound. What a local is compared against: a constant, a local only
     * ever given constants, a slice's constant length, a field or a parameter (what the facts
     * bound them by), one either side of each; with the byte and half-word bounds for all.
     * Per local, so that a counter in a fn that compares characters against many constants does
     * not step through each of them. Finitely many, so the analysis ends.
     */
    private static long[][] thresholds(MirFn fn, long[] sliceLength, Facts facts) {
        int n = fn.locals().size();
        // What each local may stand for in a comparison: the constants it is given, its length
        // or field or parameter bound; null when it is given anything else.
        java.util.List<java.util.Set<Long>> standsFor = new java.util.ArrayList<>();
        for (int l = 0; l < n; l++) standsFor.add(new java.util.TreeSet<>());
        boolean[] other = new boolean[n];
        for (int i = 0; i < fn.params().size(); i++) {
            int l = fn.params().get(i).index();
            Range r = facts.param(fn.name(), i);
            if (r != null) standsFor.get(l).add(r.hi); else other[l] = true;
        }
        for (BasicBlock b : fn.blocks())
            for (Statement st : b.statements()) {
                if (!(st instanceof Statement.Assign a)) continue;
                int d = a.dest().index();
                Range field = a.value() instanceof Rvalue.Load ld ? fieldBound(fn, ld.place(), facts) : null;
                if (a.value() instanceof Rvalue.Use u && u.operand() instanceof Operand.Const c && c.bits() >= 0 && c.bits() <= 0xFFFF_FFFFL) {
                    standsFor.get(d).add(c.bits());
                } else if (field != null) {
                    standsFor.get(d).add(field.hi);
                } else if (a.value() instanceof Rvalue.Load ld && ld.place().projections().equals(List.of(new Place.Projection.Field(1)))
                        && sliceLength[ld.place().local().index()] >= 0) {
                    standsFor.get(d).add(sliceLength[ld.place().local().index()]);
                } else {
                    other[d] = true;
                }
            }
        java.util.List<java.util.TreeSet<Long>> per = new java.util.ArrayList<>();
        for (int l = 0; l < n; l++) per.add(new java.util.TreeSet<>(List.of(0xFFL, 0x100L, 0xFFFFL, 0x1_0000L)));
        for (BasicBlock b : fn.blocks())
            for (Statement st : b.statements()) {
                if (!(st instanceof Statement.Assign a) || !(a.value() instanceof Rvalue.Binary bin) || !bin.op().isComparison()) continue;
                for (int side = 0; side < 2; side++) {
                    Operand x = side == 0 ? bin.left() : bin.right(), y = side == 0 ? bin.right() : bin.left();
                    if (!(x instanceof Operand.Copy xc)) continue;
                    java.util.Collection<Long> bounds = y instanceof Operand.Const c ? (c.bits() >= 0 && c.bits() <= 0xFFFF_FFFFL ? List.of(c.bits()) : List.of())
                            : y instanceof Operand.Copy yc && !other[yc.local().index()] ? standsFor.get(yc.local().index()) : List.of();
                    for (long v : bounds) {
                        per.get(xc.local().index()).add(v);
                        per.get(xc.local().index()).add(v + 1);
                        if (v > 0) per.get(xc.local().index()).add(v - 1);
                    }
                }
            }
        long[][] out = new long[n][];
        for (int l = 0; l < n; l++) out[l] = per.get(l).stream().mapToLong(Long::longValue).toArray();
        return out;
    }

    /** What the facts bound the field a place ends in by, or null. */
    private static Range fieldBound(MirFn fn, Place p, Facts facts) {
        FieldRef f = fieldOf(fn, p);
        return f == null ? null : facts.field(f.struct(), f.index());
    }

    /**
     * Slice locals that only ever hold one string constant (`let text = script();` once the
     * call is folded, copies of it), whatever the path: their `.len()` is that constant.
     */
    private static long[] sliceLengths(MirFn fn, BitSet excluded) {
        int n = fn.locals().size();
        long[] len = new long[n];
        Arrays.fill(len, -2);   // -2: no assignment seen yet; -1: not one constant
        for (Local p : fn.params()) len[p.index()] = -1;
        for (int l = excluded.nextSetBit(0); l >= 0; l = excluded.nextSetBit(l + 1)) len[l] = -1;
        boolean changed = true;
        while (changed) {
            changed = false;
            for (BasicBlock b : fn.blocks()) {
                for (Statement st : b.statements()) {
                    if (!(st instanceof Statement.Assign a) || !(fn.typeOf(a.dest()) instanceof Type.Slice)) continue;
                    int d = a.dest().index();
                    long v = a.value() instanceof Rvalue.Str str ? str.bytes().length
                            : a.value() instanceof Rvalue.Use u && u.operand() instanceof Operand.Copy c ? len[c.local().index()] : -1;
                    long merged = len[d] == -2 ? v : v == -2 || v == len[d] ? len[d] : -1;
                    if (merged != len[d]) { len[d] = merged; changed = true; }
                }
                Terminator t = b.terminator();
                Local defined = t instanceof Terminator.Await a ? a.dest() : t instanceof Terminator.PollChild pc ? pc.dest() : null;
                if (defined != null && len[defined.index()] != -1) { len[defined.index()] = -1; changed = true; }
            }
        }
        for (int l = 0; l < n; l++) if (len[l] < 0) len[l] = -1;
        return len;
    }

    public static ValueRanges compute(MirFn fn) {
        return compute(fn, Facts.NONE, null);
    }

    /**
     * What LLVM can see of the fn: no whole-program facts, and nothing known of a local after a
     * suspension (a state machine's poll reloads it from the state object, of which LLVM
     * knows nothing).
     */
    public static ValueRanges computeAsLlvmSees(MirFn fn) {
        ValueRanges r = new ValueRanges(fn, Facts.NONE, null);
        r.forgetAtSuspension = true;
        r.solve();
        return r;
    }

    private boolean forgetAtSuspension;

    /** As {@link #compute(MirFn, Facts, AvailableLoads)}, by cases (see {@link #byCases}). */
    public static ValueRanges computeByCases(MirFn fn, Facts facts, AvailableLoads loads) {
        ValueRanges r = new ValueRanges(fn, facts, loads, true);
        r.solve();
        return r;
    }

    /** With whole-program {@code facts} and, when not null, the loads that read a value a local holds. */
    public static ValueRanges compute(MirFn fn, Facts facts, AvailableLoads loads) {
        ValueRanges r = new ValueRanges(fn, facts, loads);
        r.solve();
        return r;
    }

    /** A field of a struct: what a place ending in {@code .index} on a struct reads or writes. */
    public record FieldRef(Type.Struct struct, int index) {}

    /** The struct field a place ends in, when it is an unsigned integer of at most 32 bits; else null. */
    public static FieldRef fieldOf(MirFn fn, Place p) {
        List<Place.Projection> ps = p.projections();
        if (ps.isEmpty() || !(ps.get(ps.size() - 1) instanceof Place.Projection.Field f)) return null;
        Type base = new Place(p.local(), ps.subList(0, ps.size() - 1)).type(fn);
        if (!(base instanceof Type.Struct s)) return null;
        Type t = s.fields().get(f.index()).type();
        return t instanceof Type.Int i && !i.signed() && i.bits() <= 32 ? new FieldRef(s, f.index()) : null;
    }

    /**
     * Calls {@code v} for every statement of every reached block, in order, with the ranges
     * just before it.
     */
    public void replay(Visitor v) {
        for (int i = 0; i < atStart.length; i++) {
            if (atStart[i] == null) continue;
            Range[] state = atStart[i].clone();
            BlockId id = new BlockId(i);
            List<Statement> ss = fn.blocks().get(i).statements();
            Point point = new Point(state);   // the live state: read during the call only
            for (int k = 0; k < ss.size(); k++) {
                v.statement(id, k, ss.get(k), point);
                apply(ss.get(k), state, i, k);
            }
        }
    }

    /**
     * Whether the condition of block {@code b}'s If or Assert is true whenever the block is
     * reached: a comparison computed in the block, whose operands are not assigned after it,
     * that holds for every value their ranges allow. False when unreached or unknown.
     */
    public boolean alwaysTrue(BlockId b) {
        Range[] state = atEnd[b.index()];
        BasicBlock block = fn.blocks().get(b.index());
        Operand cond = block.terminator() instanceof Terminator.Assert a ? a.cond()
                : block.terminator() instanceof Terminator.If iff ? iff.cond() : null;
        Rvalue.Binary bin = cond instanceof Operand.Copy c ? comparisonAtEnd(block, c.local()) : null;
        if (state == null || bin == null) return false;
        Range x = rangeOf(bin.left(), state), y = rangeOf(bin.right(), state);
        if (x == null || y == null) return false;
        return switch (bin.op()) {
            case LT -> x.hi < y.lo;
            case LE -> x.hi <= y.lo;
            case GT -> x.lo > y.hi;
            case GE -> x.lo >= y.hi;
            case EQ -> x.lo == x.hi && y.lo == y.hi && x.lo == y.lo;
            case NE -> x.hi < y.lo || y.hi < x.lo;
            default -> false;
        };
    }

    /** What {@code local} may hold at the end of block {@code b} (before its terminator); its type's range when untracked or unreached. */
    public Range atEnd(BlockId b, Local local) {
        Range[] state = atEnd[b.index()];
        long top = max[local.index()];
        if (top < 0) return null;
        return state == null ? new Range(0, top) : state[local.index()];
    }

    /** Borrowed locals, locals a Store writes through a place rooted at them, and a join/race's bookkeeping. */
    private static BitSet excluded(MirFn fn) {
        BitSet out = new BitSet();
        for (BasicBlock b : fn.blocks()) {
            for (Statement s : b.statements()) {
                if (s instanceof Statement.Store st) out.set(st.place().local().index());
                if (s instanceof Statement.InitChannel ic) out.set(ic.local().index());
            }
            if (b.terminator() instanceof Terminator.Suspend su) {
                for (Terminator.ChildWait w : su.waits()) {
                    for (Local l : new Local[] {w.started(), w.done(), w.pc()}) if (l != null) out.set(l.index());
                }
            }
        }
        for (Local l : BorrowedLocals.of(fn)) out.set(l.index());
        return out;
    }

    private Range top(int l) { return new Range(0, max[l]); }

    /** By cases: a bool's largest value, or a C-like enum's largest discriminant when none is negative; -1 otherwise. */
    public static long caseTop(Type t) {
        if (t instanceof Type.Bool) return 1;
        if (t instanceof Type.Enum e && !e.repr().signed() && e.repr().bits() <= 32 && !e.values().isEmpty()
                && e.values().stream().allMatch(v -> v >= 0 && v < 1L << e.repr().bits()))
            return e.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        return -1;
    }

    /**
     * Whether an execution may go from block {@code from} straight to block {@code to}, as far
     * as the analysis saw: {@code from} reached and the edge not ruled out by its branch. An
     * empty block counts as taking every edge: the analysis may have gone past it (a branch on
     * a flag its predecessor set or copied), along one edge from one predecessor and along the
     * other from another.
     */
    public boolean mayTake(int from, int to) {
        BasicBlock b = fn.blocks().get(from);
        if (b.statements().isEmpty()) return b.terminator().successors().contains(new BlockId(to));
        if (atEnd[from] == null) return false;
        for (Edge e : branchEdges(b, atEnd[from])) if (e.target.index() == to) return true;
        return false;
    }

    /** Whether the analysis reached block {@code b}. */
    public boolean reached(BlockId b) {
        return atEnd[b.index()] != null;
    }

    private void solve() {
        int blocks = fn.blocks().size();
        Range[][] atStart = new Range[blocks][];
        int[] visits = new int[blocks];
        BitSet loopHeads = loopHeads();
        Range[] entry = new Range[max.length];
        for (int l = 0; l < max.length; l++) if (max[l] >= 0) entry[l] = top(l);
        for (int i = 0; i < fn.params().size(); i++) {
            int l = fn.params().get(i).index();
            Range r = facts.param(fn.name(), i);
            if (max[l] >= 0 && r != null && r.lo <= r.hi && top(l).contains(r)) entry[l] = r;
        }
        atStart[0] = entry;
        // In reverse post-order: a block after its predecessors (but a loop's back edges), so a
        // loop settles before what follows it is looked at again.
        int[] order = reversePostOrder();
        java.util.PriorityQueue<Integer> work = new java.util.PriorityQueue<>(java.util.Comparator.comparingInt(b -> order[b]));
        boolean[] queued = new boolean[blocks];
        work.add(0);
        queued[0] = true;
        while (!work.isEmpty()) {
            int i = work.poll();
            queued[i] = false;
            BasicBlock b = fn.blocks().get(i);
            Range[] state = atStart[i].clone();
            List<Statement> ss = b.statements();
            for (int k = 0; k < ss.size(); k++) apply(ss.get(k), state, i, k);
            atEnd[i] = state;
            for (Edge e : edges(b, state)) {
                int t = e.target.index();
                Range[] old = atStart[t];
                int v = loopHeads.get(t) ? ++visits[t] : 0;
                Range[] merged = old == null ? e.state : join(old, e.state, v > WIDEN_AFTER, v > WIDEN_AFTER + THRESHOLD_STEPS);
                if (old == null || !Arrays.equals(old, merged)) {
                    atStart[t] = merged;
                    if (!queued[t]) { queued[t] = true; work.add(t); }
                }
            }
        }
        // Widening may have lost what a loop's own condition bounds (an outer loop's counter,
        // widened at an inner loop's head): a few descending rounds recompute every block from
        // its predecessors without it. Each round of the transfer applied to a sound solution
        // is sound, and no larger.
        for (int round = 0; round < 3; round++) {
            Range[][] starts = new Range[blocks][];
            starts[0] = entry;
            for (int i = 0; i < blocks; i++) {
                if (atEnd[i] == null) continue;
                for (Edge e : edges(fn.blocks().get(i), atEnd[i])) {
                    int t = e.target.index();
                    starts[t] = starts[t] == null ? e.state : join(starts[t], e.state, false);
                }
            }
            for (int i = 0; i < blocks; i++) {
                if (starts[i] == null) { atEnd[i] = null; continue; }
                Range[] state = starts[i].clone();
                List<Statement> ss = fn.blocks().get(i).statements();
                for (int k = 0; k < ss.size(); k++) apply(ss.get(k), state, i, k);
                atEnd[i] = state;
            }
            this.atStart = starts;
        }
    }

    private record Edge(BlockId target, Range[] state) {}

    /**
     * The blocks the analysis goes on to from block {@code b}, short-circuit edges threaded:
     * loop heads and the order come from these, so a threaded back edge that skips a loop's
     * own head still meets a widening point.
     */
    private List<BlockId> successors(int b) {
        BasicBlock block = fn.blocks().get(b);
        List<BlockId> out = new java.util.ArrayList<>();
        for (BlockId s : block.terminator().successors()) {
            BlockId t = threaded(block, s);
            Terminator.If copied = byCases ? copiedComparison(block, t) : null;
            if (copied != null) { out.add(copied.then()); out.add(copied.otherwise()); }
            else out.add(t);
        }
        return out;
    }

    /** Each block's place in a reverse post-order of the blocks reached from the entry (the others last). */
    private int[] reversePostOrder() {
        int n = fn.blocks().size();
        int[] order = new int[n];
        Arrays.fill(order, n);
        BitSet seen = new BitSet();
        Deque<int[]> stack = new ArrayDeque<>();
        stack.push(new int[] {0, 0});
        seen.set(0);
        int next = n - 1;
        while (!stack.isEmpty()) {
            int[] top = stack.peek();
            List<BlockId> succ = successors(top[0]);
            if (top[1] < succ.size()) {
                int s = succ.get(top[1]++).index();
                if (!seen.get(s) && s < n) { seen.set(s); stack.push(new int[] {s, 0}); }
            } else {
                order[top[0]] = next--;
                stack.pop();
            }
        }
        return order;
    }

    /** The targets of back edges (found by a depth-first walk from the entry): where widening happens. */
    private BitSet loopHeads() {
        int n = fn.blocks().size();
        BitSet heads = new BitSet(), onStack = new BitSet(), seen = new BitSet();
        Deque<int[]> stack = new ArrayDeque<>();   // block, next successor to visit
        stack.push(new int[] {0, 0});
        seen.set(0);
        onStack.set(0);
        while (!stack.isEmpty()) {
            int[] top = stack.peek();
            List<BlockId> succ = successors(top[0]);
            if (top[1] < succ.size()) {
                int s = succ.get(top[1]++).index();
                if (onStack.get(s)) heads.set(s);
                else if (!seen.get(s) && s < n) { seen.set(s); onStack.set(s); stack.push(new int[] {s, 0}); }
            } else {
                onStack.clear(top[0]);
                stack.pop();
            }
        }
        return heads;
    }

    private Range[] join(Range[] a, Range[] b, boolean widen) {
        return join(a, b, widen, false);
    }

    /** {@code toTop}: a bound still growing goes to the type's, past any threshold left. */
    private Range[] join(Range[] a, Range[] b, boolean widen, boolean toTop) {
        Range[] out = new Range[a.length];
        for (int l = 0; l < a.length; l++) {
            if (a[l] == null) continue;
            long lo = Math.min(a[l].lo, b[l].lo), hi = Math.max(a[l].hi, b[l].hi);
            if (widen) {
                if (lo < a[l].lo) lo = 0;
                if (hi > a[l].hi) hi = toTop ? max[l] : nextThreshold(l, hi, max[l]);
            }
            out[l] = lo == a[l].lo && hi == a[l].hi ? a[l] : lo == b[l].lo && hi == b[l].hi ? b[l] : new Range(lo, hi);
        }
        return out;
    }

    private long nextThreshold(int local, long hi, long top) {
        for (long t : thresholds[local]) if (t >= hi && t <= top) return t;
        return top;
    }

    /** The successors, each with the state on its edge, threaded past a branch on a flag the edge knows. */
    private List<Edge> edges(BasicBlock b, Range[] state) {
        List<Edge> out = branchEdges(b, state);
        for (int i = 0; i < out.size(); i++) out.set(i, new Edge(threaded(b, out.get(i).target), out.get(i).state));
        if (!byCases) return out;
        List<Edge> split = new java.util.ArrayList<>();
        for (Edge e : out) {
            Terminator.If copied = copiedComparison(b, e.target);
            if (copied == null) { split.add(e); continue; }
            // `t = a >= k` in b, then `if t` alone in the target: the comparison narrows each way
            Local flag = ((Operand.Copy) copied.cond()).local(), compared = copiedFrom(b, flag);
            Range[] yes = e.state.clone(), no = e.state.clone();
            boolean[] reachable = refine(b, compared, yes, no);
            if (max[flag.index()] >= 0) { yes[flag.index()] = new Range(1, 1); no[flag.index()] = new Range(0, 0); }
            if (reachable[0]) split.add(new Edge(copied.then(), yes));
            if (reachable[1]) split.add(new Edge(copied.otherwise(), no));
        }
        return split;
    }

    /**
     * By cases: the branch of {@code target} when it is an empty block branching on a flag that
     * block {@code from} last set to a copy of a comparison it computes (`t = a >= k; f = t`, then
     * `if f`), neither flag written through a reference; else null.
     */
    private Terminator.If copiedComparison(BasicBlock from, BlockId target) {
        BasicBlock t = fn.blocks().get(target.index());
        if (!t.statements().isEmpty() || !(t.terminator() instanceof Terminator.If iff) || !(iff.cond() instanceof Operand.Copy c)
                || excluded.get(c.local().index()) || !(from.terminator() instanceof Terminator.Goto)) return null;
        Local compared = copiedFrom(from, c.local());
        return compared != null && comparisonAtEnd(from, compared) != null ? iff : null;
    }

    /** The local {@code flag} is last set to a copy of in block {@code b}, when nothing assigns either after; else null. */
    private Local copiedFrom(BasicBlock b, Local flag) {
        List<Statement> ss = b.statements();
        for (int i = ss.size() - 1; i >= 0; i--) {
            if (!(ss.get(i) instanceof Statement.Assign a)) continue;
            if (!a.dest().equals(flag)) continue;
            if (!(a.value() instanceof Rvalue.Use u) || !(u.operand() instanceof Operand.Copy src) || excluded.get(src.local().index())) return null;
            for (int k = i + 1; k < ss.size(); k++)
                if (ss.get(k) instanceof Statement.Assign later && later.dest().equals(src.local())) return null;
            return src.local();
        }
        return null;
    }

    /**
     * Where an edge really leads when its target only branches on a bool the source block set to
     * a constant: `a && b` lowers to `t = false` on one path and `if t` after the join, and
     * following that path to the else-branch keeps the join from mixing in the path on which
     * `a` failed (`while i < line.len && is_space(line.buf[i]) { i += 1 }` then bounds `i`).
     */
    private BlockId threaded(BasicBlock from, BlockId target) {
        BasicBlock t = fn.blocks().get(target.index());
        if (!t.statements().isEmpty() || !(t.terminator() instanceof Terminator.If iff) || !(iff.cond() instanceof Operand.Copy c)
                || !(fn.typeOf(c.local()) instanceof Type.Bool) || excluded.get(c.local().index())) return target;   // a flag written through a reference: not known
        Terminator end = from.terminator();
        if (end instanceof Terminator.Await aw && aw.dest().equals(c.local()) || end instanceof Terminator.PollChild pc && c.local().equals(pc.dest()))
            return target;   // the terminator sets the flag itself
        for (int i = from.statements().size() - 1; i >= 0; i--) {
            if (from.statements().get(i) instanceof Statement.Assign a && a.dest().equals(c.local())) {
                if (a.value() instanceof Rvalue.Use u && u.operand() instanceof Operand.Const k) return k.bits() != 0 ? iff.then() : iff.otherwise();
                return target;
            }
        }
        return target;
    }

    /** The successors, each with the state on its edge (narrowed by the branch condition where one is known). */
    private List<Edge> branchEdges(BasicBlock b, Range[] state) {
        Terminator t = b.terminator();
        if (byCases && t instanceof Terminator.Switch sw) return switchEdges(sw, state);
        if (t instanceof Terminator.If iff && iff.cond() instanceof Operand.Copy c) {
            Range[] yes = state.clone(), no = state.clone();
            boolean[] reachable = refine(b, c.local(), yes, no);
            if (byCases && max[c.local().index()] >= 0) {   // a flag whose value is known takes one edge
                Range f = state[c.local().index()];
                reachable[0] &= f.hi >= 1;
                reachable[1] &= f.lo == 0;
            }
            java.util.ArrayList<Edge> out = new java.util.ArrayList<>();
            if (reachable[0]) out.add(new Edge(iff.then(), yes));
            if (reachable[1]) out.add(new Edge(iff.otherwise(), no));
            return out;
        }
        Range[] after = state;
        Local defined = t instanceof Terminator.Await a ? a.dest() : t instanceof Terminator.PollChild pc ? pc.dest() : null;
        boolean suspends = t instanceof Terminator.Await || t instanceof Terminator.PollChild || t instanceof Terminator.Suspend;
        if (forgetAtSuspension && suspends) {
            after = state.clone();
            for (int l = 0; l < max.length; l++) if (max[l] >= 0) after[l] = top(l);
        } else if (defined != null && max[defined.index()] >= 0) {
            after = state.clone();
            after[defined.index()] = top(defined.index());
        }
        java.util.ArrayList<Edge> out = new java.util.ArrayList<>();
        for (BlockId s : t.successors()) out.add(new Edge(s, after));
        return out;
    }

    /** By cases: the targets whose values the switch's operand may have, each with the operand at that value. */
    private List<Edge> switchEdges(Terminator.Switch sw, Range[] state) {
        Range r = rangeOf(sw.value(), state);
        java.util.ArrayList<Edge> out = new java.util.ArrayList<>();
        if (r == null) {
            for (BlockId s : sw.successors()) out.add(new Edge(s, state));
            return out;
        }
        Local x = sw.value() instanceof Operand.Copy c ? c.local() : null;
        long top = x != null ? max[x.index()] : caseTop(((Operand.Const) sw.value()).type());
        if (sw.values().stream().anyMatch(v -> v < 0 || v > top)) {   // values not as the operand's type reads them: no pruning
            for (BlockId s : sw.successors()) out.add(new Edge(s, state));
            return out;
        }
        long listedInRange = 0;
        for (int i = 0; i < sw.values().size(); i++) {
            long v = sw.values().get(i);
            if (v < r.lo || v > r.hi) continue;
            listedInRange++;
            Range[] s = state.clone();
            if (x != null) s[x.index()] = new Range(v, v);
            out.add(new Edge(sw.targets().get(i), s));
        }
        // the otherwise edge, unless every value in the range is listed
        if (r.hi - r.lo + 1 > listedInRange || sw.values().stream().distinct().count() != sw.values().size())
            out.add(new Edge(sw.otherwise(), state));
        return out;
    }

    /**
     * Narrows {@code yes} and {@code no} by condition {@code cond} when the block computes it as a
     * comparison of a tracked local and neither that local nor a local it is compared with is
     * assigned after it; returns whether each edge can be taken.
     */
    private boolean[] refine(BasicBlock b, Local cond, Range[] yes, Range[] no) {
        boolean[] both = {true, true};
        Rvalue.Binary bin = comparisonAtEnd(b, cond);
        if (bin == null) return both;
        BinOp op = bin.op();
        Operand left = bin.left(), right = bin.right();
        if (!(left instanceof Operand.Copy)) {   // k < x is x > k
            Operand swap = left; left = right; right = swap;
            op = switch (op) { case LT -> BinOp.GT; case LE -> BinOp.GE; case GT -> BinOp.LT; case GE -> BinOp.LE; default -> op; };
        }
        if (!(left instanceof Operand.Copy x) || max[x.local().index()] < 0) return both;
        Range k = rangeOf(right, yes);
        if (k == null) return both;
        int l = x.local().index();
        Range r = yes[l];
        Range y, n;
        switch (op) {
            case LT -> { y = new Range(r.lo, Math.min(r.hi, k.hi - 1)); n = new Range(Math.max(r.lo, k.lo), r.hi); }
            case LE -> { y = new Range(r.lo, Math.min(r.hi, k.hi)); n = new Range(Math.max(r.lo, k.lo + 1), r.hi); }
            case GT -> { y = new Range(Math.max(r.lo, k.lo + 1), r.hi); n = new Range(r.lo, Math.min(r.hi, k.hi)); }
            case GE -> { y = new Range(Math.max(r.lo, k.lo), r.hi); n = new Range(r.lo, Math.min(r.hi, k.hi - 1)); }
            case EQ -> { y = new Range(Math.max(r.lo, k.lo), Math.min(r.hi, k.hi)); n = r; }
            case NE -> { y = r; n = k.lo == k.hi ? new Range(Math.max(r.lo, k.lo), Math.min(r.hi, k.hi)) : r; }
            default -> { return both; }
        }
        yes[l] = y;
        no[l] = n;
        return new boolean[] {y.lo <= y.hi, n.lo <= n.hi};
    }

    /**
     * The comparison block {@code b} computes {@code cond} by, when its operands still hold at
     * the block's end (neither is assigned after it, so their ranges there are theirs at the
     * comparison) and nothing writes {@code cond} through a reference; else null.
     */
    private Rvalue.Binary comparisonAtEnd(BasicBlock b, Local cond) {
        if (excluded.get(cond.index())) return null;
        List<Statement> ss = b.statements();
        int at = -1;
        for (int i = ss.size() - 1; i >= 0; i--)
            if (ss.get(i) instanceof Statement.Assign a && a.dest().equals(cond)) { at = i; break; }
        if (at < 0 || !(((Statement.Assign) ss.get(at)).value() instanceof Rvalue.Binary bin) || !bin.op().isComparison()) return null;
        for (int i = at + 1; i < ss.size(); i++)
            if (ss.get(i) instanceof Statement.Assign a && (bin.left() instanceof Operand.Copy l && a.dest().equals(l.local())
                    || bin.right() instanceof Operand.Copy r && a.dest().equals(r.local()))) return null;
        return bin;
    }

    private void apply(Statement s, Range[] state, int block, int index) {
        if (s instanceof Statement.Assign a) {
            int d = a.dest().index();
            if (max[d] < 0) return;
            Range r = a.value() instanceof Rvalue.Load ld ? load(ld.place(), state, block, index) : evaluate(a.value(), state);
            state[d] = r != null && r.lo >= 0 && r.hi <= max[d] && r.lo <= r.hi ? r : top(d);
        }
    }

    /**
     * What a load reads: what the local already holding the value is known to be, within what
     * every value of the field may be; else what {@link #evaluate} says.
     */
    private Range load(Place place, Range[] state, int block, int index) {
        Range r = evaluate(new Rvalue.Load(place), state);
        Range field = fieldBound(fn, place, facts);
        if (field != null) r = r == null ? field : intersect(r, field);
        Local holder = loads == null ? null : loads.holder(new BlockId(block), index);
        if (holder != null && max[holder.index()] >= 0) r = r == null ? state[holder.index()] : intersect(r, state[holder.index()]);
        return r;
    }

    private static Range intersect(Range a, Range b) {
        return new Range(Math.max(a.lo, b.lo), Math.min(a.hi, b.hi));
    }

    /** A constant's value or a tracked local's range; null otherwise. */
    private Range rangeOf(Operand op, Range[] state) {
        if (byCases && op instanceof Operand.Const c && caseTop(c.type()) >= 0)
            return c.bits() >= 0 && c.bits() <= caseTop(c.type()) ? new Range(c.bits(), c.bits()) : null;
        if (op instanceof Operand.Const c) {
            // A signed constant counts where it is not negative (a shift's amount is an i32).
            if (!(c.type() instanceof Type.Int i) || i.bits() > 32) return null;
            long v = i.signed() ? c.bits() << (64 - i.bits()) >> (64 - i.bits()) : c.bits() & ((1L << i.bits()) - 1);
            return v < 0 || v > 0xFFFF_FFFFL ? null : new Range(v, v);
        }
        Local l = ((Operand.Copy) op).local();
        return max[l.index()] >= 0 ? state[l.index()] : null;
    }

    /**
     * By cases: a comparison is true, false or either as the ranges say, and two known values
     * combine exactly (`matches(x, A) | matches(x, B)` on the case's `x`); null to go on.
     */
    private static Range byCases(BinOp op, Range x, Range y) {
        Range yes = new Range(1, 1), no = new Range(0, 0), either = new Range(0, 1);
        boolean xk = x.lo == x.hi, yk = y.lo == y.hi;
        switch (op) {
            case EQ: return xk && yk && x.lo == y.lo ? yes : x.hi < y.lo || y.hi < x.lo ? no : either;
            case NE: return xk && yk && x.lo == y.lo ? no : x.hi < y.lo || y.hi < x.lo ? yes : either;
            case LT: return x.hi < y.lo ? yes : x.lo >= y.hi ? no : either;
            case LE: return x.hi <= y.lo ? yes : x.lo > y.hi ? no : either;
            case GT: return x.lo > y.hi ? yes : x.hi <= y.lo ? no : either;
            case GE: return x.lo >= y.hi ? yes : x.hi < y.lo ? no : either;
            case BIT_OR: return xk && yk ? new Range(x.lo | y.lo, x.lo | y.lo) : null;
            case BIT_AND: return xk && yk ? new Range(x.lo & y.lo, x.lo & y.lo) : null;
            case BIT_XOR: return xk && yk ? new Range(x.lo ^ y.lo, x.lo ^ y.lo) : null;
            default: return null;
        }
    }

    /** The interval of an unsigned right-hand side, or null when not modelled (the caller then takes the type's range). */
    private Range evaluate(Rvalue v, Range[] state) {
        if (v instanceof Rvalue.Use u) return rangeOf(u.operand(), state);
        if (byCases && v instanceof Rvalue.Call call) {
            List<Range> args = new java.util.ArrayList<>();
            for (Operand a : call.args()) args.add(a instanceof Operand.Copy || a instanceof Operand.Const ? rangeOf(a, state) : null);
            return facts.callResult(call.function(), args);
        }
        if (v instanceof Rvalue.Load ld && ld.place().projections().equals(List.of(new Place.Projection.Field(1)))
                && sliceLength[ld.place().local().index()] >= 0)
            return new Range(sliceLength[ld.place().local().index()], sliceLength[ld.place().local().index()]);   // a constant slice's length
        if (v instanceof Rvalue.Cast c) {
            if (fn.typeOf(c.operand()) instanceof Type.Bool) return new Range(0, 1);
            return rangeOf(c.operand(), state);   // kept only when it fits the target (apply checks)
        }
        if (!(v instanceof Rvalue.Binary b)) return null;
        Range x = rangeOf(b.left(), state), y = rangeOf(b.right(), state);
        if (x == null || y == null) {
            // x & k and x % k bound the result by k alone.
            if (y != null && b.op() == BinOp.BIT_AND) return new Range(0, y.hi);
            if (x != null && b.op() == BinOp.BIT_AND) return new Range(0, x.hi);
            if (y != null && y.lo > 0 && b.op() == BinOp.REM) return new Range(0, y.hi - 1);
            return null;
        }
        if (byCases) {
            Range known = byCases(b.op(), x, y);
            if (known != null) return known;
        }
        long limit = 1L << 32;   // beyond any tracked type: apply rejects what does not fit
        // Release builds take a shift's amount modulo the width of the value shifted (u16 >> 17
        // shifts by 1): only an amount under that width is the shift it says.
        long width = fn.typeOf(b.left()) instanceof Type.Int t ? t.bits() : 32;
        return switch (b.op()) {
            case ADD -> x.hi + y.hi < limit ? new Range(x.lo + y.lo, x.hi + y.hi) : null;
            case SUB -> x.lo >= y.hi ? new Range(x.lo - y.hi, x.hi - y.lo) : null;
            case MUL -> x.hi <= 0xFFFF_FFFFL && y.hi <= 0xFFFF_FFFFL && x.hi * y.hi < limit ? new Range(x.lo * y.lo, x.hi * y.hi) : null;
            case DIV -> y.lo > 0 ? new Range(x.lo / y.hi, x.hi / y.lo) : new Range(0, x.hi);
            case REM -> y.hi > 0 ? new Range(0, Math.min(x.hi, y.hi - 1)) : new Range(0, x.hi);
            case BIT_AND -> new Range(0, Math.min(x.hi, y.hi));
            case BIT_OR, BIT_XOR -> new Range(0, Long.highestOneBit(Math.max(x.hi, y.hi)) * 2 - 1);
            case SHR -> y.lo == y.hi && y.hi < width ? new Range(x.lo >>> y.hi, x.hi >>> y.hi) : new Range(0, x.hi);
            case SHL -> y.lo == y.hi && y.hi < width && (x.hi << y.hi) < limit ? new Range(x.lo << y.hi, x.hi << y.hi) : null;
            default -> null;
        };
    }
}

package mote.mir;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether a program needs runtime-c's clock and timer queue, or one timer at a time will do
 * (`mote_timer_single`, timer.c): a sleep then starts SysTick for its own duration, and its
 * interrupt stops it and wakes the sleeper, with no clock to keep and no queue to sort.
 *
 * <p>One timer at a time holds when nothing reads the clock (no `ticks()`, no `sleep_until`,
 * anywhere) and no two sleeps can be pending at once: every sleep is reached by one task, of
 * one instance, and no `join`/`race` of that task has two branches that can sleep at once (a
 * branch's child can sleep when it is a sleep or an async fn that reaches one; `join`s and
 * `race`s one after another in a branch take turns). Sleeps of one task outside a
 * `join`/`race` follow one another; a `race` cancels its losers' timers before it goes on.
 */
public final class TimerUse {
    private TimerUse() {}

    /** Whether no two timers are ever linked at once and nothing reads the clock (see the class comment). */
    public static boolean oneAtATime(MirProgram program) {
        if (readsClock(program)) return false;
        String sleeper = null;
        Sleeps sleeps = new Sleeps(program);
        for (Map.Entry<String, Integer> task : ChannelWaiters.instances(program).entrySet()) {
            int pending = sleeps.pending(task.getKey());
            if (pending == 0) continue;
            if (sleeper != null || task.getValue() != 1 || pending > 1) return false;
            sleeper = task.getKey();
        }
        return true;
    }

    /**
     * For each task (main and each task fn, by name, in task-table order): how many sleeps one
     * instance can have pending at once, at most; 0 for a task that never sleeps. A `join` of
     * two sleeps has two; a `race` of an async fn that sleeps against a timeout, two; sleeps one
     * after another, one. runtime-c can then give each instance that many deadlines
     * (mote.opt.TaskTimers). Nothing is counted when something reads the clock: null then.
     */
    public static Map<String, Integer> pendingSleeps(MirProgram program) {
        if (readsClock(program)) return null;
        Sleeps sleeps = new Sleeps(program);
        Map<String, Integer> out = new java.util.LinkedHashMap<>();
        for (String task : ChannelWaiters.instances(program).keySet()) out.put(task, sleeps.pending(task));
        return out;
    }

    private static boolean readsClock(MirProgram program) {
        for (MirFn f : program.functions())
            if (readsClock(f)) return true;
        return false;
    }

    /** How many sleeps each fn can leave pending at once (0: it reaches none). */
    private static final class Sleeps {
        final Map<String, MirFn> fns = new HashMap<>();
        private final Map<String, Integer> pendingMemo = new HashMap<>();

        Sleeps(MirProgram program) {
            for (MirFn f : program.functions()) fns.put(f.name(), f);
        }

        /**
         * The most sleeps polling {@code fn} can leave pending at once: 1 for its own sleep, an
         * awaited fn's count, and at each `join`/`race` the heaviest set of children that can be
         * pending together (each weighing 1 for a sleep, its count for an async fn).
         */
        int pending(String fn) {
            Integer known = pendingMemo.get(fn);
            if (known != null) return known;
            pendingMemo.put(fn, 0);   // the graph is acyclic (E0420); this only guards the recursion
            int most = 0;
            MirFn f = fns.get(fn);
            if (f != null) {
                for (BasicBlock b : f.blocks()) {
                    Terminator t = b.terminator();
                    if (t instanceof Terminator.Suspend s) most = Math.max(most, heaviestTogether(s));
                    else if (t instanceof Terminator.Await || t instanceof Terminator.PollChild) most = Math.max(most, weight(callee(t)));
                }
            }
            pendingMemo.put(fn, most);
            return most;
        }

        private int weight(Callee c) {
            if (c instanceof Callee.Builtin b) return b.isSleep() ? 1 : 0;
            return c instanceof Callee.Function g ? pending(g.name()) : 0;
        }

        /**
         * The heaviest set of a Suspend's children pairwise pending at once ({@link #atOnce}): by
         * trying every set when there are few children that can sleep, else their sum (an upper
         * bound: more deadlines than needed, never fewer).
         */
        private int heaviestTogether(Terminator.Suspend s) {
            List<Terminator.ChildWait> sleeping = new java.util.ArrayList<>();
            List<Integer> weights = new java.util.ArrayList<>();
            for (Terminator.ChildWait w : s.waits()) {
                int most = 0;
                for (Callee c : w.sites()) if (c != null) most = Math.max(most, weight(c));
                if (most > 0) {
                    sleeping.add(w);
                    weights.add(most);
                }
            }
            int n = sleeping.size();
            if (n > 12) return weights.stream().mapToInt(Integer::intValue).sum();
            int[] apart = new int[n];   // bit j of apart[i]: children i and j are never pending together
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    if (i != j && !atOnce(sleeping.get(i), sleeping.get(j), s.waits())) apart[i] |= 1 << j;
            int best = 0;
            for (int set = 1; set < 1 << n; set++) {
                int total = 0;
                boolean together = true;
                for (int i = 0; i < n && together; i++) {
                    if ((set & 1 << i) == 0) continue;
                    total += weights.get(i);
                    together = (apart[i] & set) == 0;
                }
                if (together) best = Math.max(best, total);
            }
            return best;
        }
    }

    /**
     * The longest sleep the program asks for, in microseconds, as far as the whole program
     * bounds it ({@link Durations#upperBound}: constants, what every caller passes a parameter,
     * else the largest value of the duration's type); -1 (unsigned: the longest there is) when
     * a duration is not an unsigned integer of 32 bits at most. runtime-c's one-timer SysTick
     * handler then knows whether a sleep may outlast one SysTick period, and per-task timers
     * whether every deadline fits their 32-bit clock (`spawn blink(1, 300); spawn blink(2,
     * 500);` sleeps 500 ms at most; `sleep_us(50 * (id as u32 + 1))` with `id: u8`, 12.8 ms).
     */
    public static long longestSleepUs(MirProgram program) {
        Durations durations = new Durations(program);
        long longest = 0;
        for (MirFn f : program.functions()) {
            for (BasicBlock b : f.blocks()) {
                List<Operand> args;
                if (b.terminator() instanceof Terminator.Await a) args = a.args();
                else if (b.terminator() instanceof Terminator.PollChild pc && pc.start()) args = pc.args();
                else continue;
                if (!(callee(b.terminator()) instanceof Callee.Builtin sleep) || !sleep.isSleep()) continue;
                if (args.isEmpty()) return -1;
                long n = durations.upperBound(f, args.get(0), 0);
                if (n < 0) return -1;
                long us = sleep.millis() ? n * 1000 : n;
                if (us < 0 || us / 1000 != n && sleep.millis()) return -1;
                longest = Math.max(longest, us);
            }
        }
        return longest;
    }

    /**
     * Upper bounds of unsigned integer operands that only constants make, across the whole
     * program: a parameter's bound is the largest its call sites pass (the async call graph is
     * acyclic, E0420, so the walk up the callers ends; {@link #DEEPEST} guards it anyway).
     */
    static final class Durations {
        private static final int DEEPEST = 16;
        private final Map<String, MirFn> fns = new HashMap<>();
        /** Per async fn or task: the argument lists of its calls and spawns, with the fn making each. */
        private final Map<String, List<Map.Entry<MirFn, List<Operand>>>> sites = new HashMap<>();
        private final Map<MirFn, Map<Local, List<Rvalue>>> defs = new java.util.IdentityHashMap<>();
        /** Each parameter's bound, once found: a fn with many callers, each with many callers, is walked once. */
        private final Map<String, Long> parameterBounds = new HashMap<>();

        Durations(MirProgram program) {
            for (MirFn f : program.functions()) {
                fns.put(f.name(), f);
                for (BasicBlock b : f.blocks()) {
                    for (Statement s : b.statements())
                        if (s instanceof Statement.Assign a && a.value() instanceof Rvalue.Spawn sp) site(sp.task(), f, sp.args());
                    if (b.terminator() instanceof Terminator.Await a && a.callee() instanceof Callee.Function fn) site(fn.name(), f, a.args());
                    if (b.terminator() instanceof Terminator.PollChild c && c.start() && c.callee() instanceof Callee.Function fn)
                        site(fn.name(), f, c.args());
                }
            }
        }

        private void site(String callee, MirFn caller, List<Operand> args) {
            sites.computeIfAbsent(callee, k -> new java.util.ArrayList<>()).add(Map.entry(caller, args));
        }

        private Map<Local, List<Rvalue>> defs(MirFn f) {
            return defs.computeIfAbsent(f, ChannelWaiters::definitions);
        }

        /**
         * The most {@code op}, an unsigned integer of 32 bits at most, can be: a constant; a
         * local, by each value assigned to it (merged states join `sleep_us(137)` and
         * `sleep_us(211)` into one await), through arithmetic that grows with its operands and
         * casts; a parameter by what its callers pass ({@link #parameter}); else, as for any
         * unsigned value, its type's largest (an id of type u8 is at most 255). -1 for an operand
         * of another type.
         */
        long upperBound(MirFn f, Operand op, int depth) {
            if (op instanceof Operand.Const c) return c.type() instanceof mote.types.Type.Int && c.bits() >= 0 ? c.bits() : -1;
            if (!(op instanceof Operand.Copy copy)) return -1;
            long largest = largest(f.typeOf(copy.local()));
            if (largest < 0) return -1;
            List<Rvalue> assigned = defs(f).get(copy.local());
            if (assigned == null || depth > DEEPEST) return largest;
            long most = 0;
            for (Rvalue r : assigned) {
                long v = r == null ? parameter(f, copy.local(), depth) : assignedBound(f, largest, r, depth + 1);
                if (v < 0 || v > largest) return largest;   // unknown, or it may wrap: still a value of its type
                most = Math.max(most, v);
            }
            return most;
        }

        /** The largest value of an unsigned integer type of 32 bits at most; -1 for other types. */
        private static long largest(mote.types.Type type) {
            return type instanceof mote.types.Type.Int t && !t.signed() && t.bits() <= 32 ? (1L << t.bits()) - 1 : -1;
        }

        /**
         * The most parameter {@code local} of async fn {@code f} holds on entry: the largest bound
         * of what its call sites pass; -1 when it is not a parameter (or is borrowed, so written
         * through a reference) or {@code f} has no call site.
         */
        private long parameter(MirFn f, Local local, int depth) {
            int index = f.params().indexOf(local);
            List<Map.Entry<MirFn, List<Operand>>> calls = sites.get(f.name());
            if (index < 0 || !f.isAsync() || calls == null || BorrowedLocals.of(f).contains(local)) return -1;
            String key = f.name() + "#" + index;
            Long known = parameterBounds.get(key);
            if (known != null) return known;
            long most = 0;
            for (Map.Entry<MirFn, List<Operand>> call : calls) {
                long v = call.getValue().size() != f.params().size() ? -1 : upperBound(call.getKey(), call.getValue().get(index), depth + 1);
                if (v < 0) {
                    most = -1;
                    break;
                }
                most = Math.max(most, v);
            }
            parameterBounds.put(key, most);
            return most;
        }

        /** The most an assignment can store, -1 when not known (the caller falls back on the type). */
        private long assignedBound(MirFn f, long largest, Rvalue assigned, int depth) {
            if (assigned instanceof Rvalue.Use u) return upperBound(f, u.operand(), depth);
            if (assigned instanceof Rvalue.Cast c) {
                // Unsigned to unsigned: a value that fits is kept, one that does not is cut to the type.
                long source = upperBound(f, c.operand(), depth);
                return source < 0 ? -1 : Math.min(source, largest);
            }
            if (!(assigned instanceof Rvalue.Binary bin)) return -1;
            long result = switch (bin.op()) {
                // Grow with both operands: bounds combine.
                case ADD, MUL, SHL -> apply(bin.op(), upperBound(f, bin.left(), depth), upperBound(f, bin.right(), depth), largest);
                // Grow with the left operand only: the right must be known exactly.
                case DIV, SHR -> apply(bin.op(), upperBound(f, bin.left(), depth), exact(f, bin.right(), depth), largest);
                // At most either operand.
                case BIT_AND -> {
                    long x = upperBound(f, bin.left(), depth), y = upperBound(f, bin.right(), depth);
                    yield x < 0 ? y : y < 0 ? x : Math.min(x, y);
                }
                default -> apply(bin.op(), exact(f, bin.left(), depth), exact(f, bin.right(), depth), largest);
            };
            return result > largest ? -1 : result;
        }

        /** An operand's one value: a constant, or a local only constants make; -1 otherwise (a parameter's callers may pass several). */
        private long exact(MirFn f, Operand op, int depth) {
            if (op instanceof Operand.Const c) return c.type() instanceof mote.types.Type.Int && c.bits() >= 0 ? c.bits() : -1;
            if (!(op instanceof Operand.Copy copy) || depth > DEEPEST) return -1;
            long largest = largest(f.typeOf(copy.local()));
            List<Rvalue> assigned = defs(f).get(copy.local());
            if (largest < 0 || assigned == null || assigned.size() != 1 || assigned.get(0) == null) return -1;
            Rvalue r = assigned.get(0);
            long value = r instanceof Rvalue.Use u ? exact(f, u.operand(), depth + 1)
                    : r instanceof Rvalue.Binary bin ? apply(bin.op(), exact(f, bin.left(), depth + 1), exact(f, bin.right(), depth + 1), largest)
                    : -1;
            return value > largest ? -1 : value;   // wrapped around: not followed
        }

        /**
         * {@code x op y} for values that are not negative, in a type whose largest value is
         * {@code largest}; -1 when either is unknown, or where the operation is not defined here.
         * A shift by the type's width or more is not followed: release builds shift by the
         * amount's low bits (`d >> 33` is `d >> 1` on a u32), debug builds panic.
         */
        private static long apply(BinOp op, long x, long y, long largest) {
            if (x < 0 || y < 0) return -1;
            int bits = Long.bitCount(largest);
            return switch (op) {
                case ADD -> x + y;
                case SUB -> x - y;   // negative when it would wrap: not a bound
                case MUL -> y != 0 && x > Long.MAX_VALUE / y ? -1 : x * y;
                case DIV -> y == 0 ? -1 : x / y;
                case REM -> y == 0 ? -1 : x % y;
                case SHL -> y >= bits ? -1 : x << y;
                case SHR -> y >= bits ? -1 : x >>> y;
                case BIT_AND -> x & y;
                case BIT_OR -> x | y;
                case BIT_XOR -> x ^ y;
                default -> -1;
            };
        }
    }

    /**
     * Whether children {@code a} and {@code b} of one Suspend can be pending at once: their
     * lowest common `join`/`race` has them in two of its branches (its group). A branch and a
     * child nested in it take turns (the branch waits on its own future or on its nested
     * `join`/`race`), and two groups nested in one branch run one after the other.
     */
    private static boolean atOnce(Terminator.ChildWait a, Terminator.ChildWait b, List<Terminator.ChildWait> all) {
        List<Terminator.ChildWait> fromA = ancestry(a, all), fromB = ancestry(b, all);
        if (fromA == null || fromB == null) return true;   // not as JoinRaceLowering builds them: assume so
        if (fromA.contains(b) || fromB.contains(a)) return false;
        for (Terminator.ChildWait x : fromA)
            for (Terminator.ChildWait y : fromB)
                if (x.parent() == y.parent()) return x.group() == y.group();
        return true;
    }

    /** {@code w}, the branch it is nested in, that one's, and so on out; null when a parent is missing. */
    private static List<Terminator.ChildWait> ancestry(Terminator.ChildWait w, List<Terminator.ChildWait> all) {
        List<Terminator.ChildWait> out = new java.util.ArrayList<>();
        for (Terminator.ChildWait at = w; at != null; ) {
            out.add(at);
            if (at.parent() < 0) return out;
            int parent = at.parent();
            at = all.stream().filter(c -> c.child() == parent).findFirst().orElse(null);
            if (at == null || out.size() > all.size()) return null;
        }
        return out;
    }

    /** `ticks()` or `sleep_until`: both need the clock. */
    private static boolean readsClock(MirFn f) {
        for (BasicBlock b : f.blocks()) {
            for (Statement s : b.statements())
                if (s instanceof Statement.Assign a && a.value() instanceof Rvalue.Ticks) return true;
            if (callee(b.terminator()) == Callee.Builtin.SLEEP_UNTIL) return true;
        }
        return false;
    }

    /** What an await, a child's poll or a child's cancel waits on; null for other terminators. */
    public static Callee callee(Terminator t) {
        if (t instanceof Terminator.Await a) return a.callee();
        if (t instanceof Terminator.PollChild pc) return pc.callee();
        if (t instanceof Terminator.CancelChild cc) return cc.callee();
        return null;
    }
}

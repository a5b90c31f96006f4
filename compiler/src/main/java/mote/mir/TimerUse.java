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
            if (!sleeps.reachesSleep(task.getKey())) continue;
            if (sleeper != null || task.getValue() != 1) return false;
            sleeper = task.getKey();
        }
        return sleeper == null || !sleeps.twoAtOnce(sleeper);
    }

    /**
     * Whether each task instance has one timer linked at most, and nothing reads the clock:
     * runtime-c can then keep one deadline per task (mote.opt.TaskTimers) instead of a queue
     * of nodes. Unlike {@link #oneAtATime}, several tasks (and instances) may sleep at once.
     */
    public static boolean onePerTask(MirProgram program) {
        if (readsClock(program)) return false;
        Sleeps sleeps = new Sleeps(program);
        for (String task : ChannelWaiters.instances(program).keySet())
            if (sleeps.reachesSleep(task) && sleeps.twoAtOnce(task)) return false;
        return true;
    }

    private static boolean readsClock(MirProgram program) {
        for (MirFn f : program.functions())
            if (readsClock(f)) return true;
        return false;
    }

    /** Which fns reach a sleep, and whether a task can have two sleeps pending at once. */
    private static final class Sleeps {
        final Map<String, MirFn> fns = new HashMap<>();
        final AsyncCallGraph calls;
        final Map<String, Boolean> memo = new HashMap<>();

        Sleeps(MirProgram program) {
            for (MirFn f : program.functions()) fns.put(f.name(), f);
            calls = new AsyncCallGraph(program);
        }

        boolean reachesSleep(String fn) {
            return TimerUse.reachesSleep(fn, fns, calls, memo);
        }

        /** Whether some `join`/`race` that {@code task} reaches has two branches that can sleep at once. */
        boolean twoAtOnce(String task) {
            for (String reached : ChannelWaiters.reachable(task, calls)) {
                MirFn f = fns.get(reached);
                if (f == null) continue;
                for (BasicBlock b : f.blocks()) {
                    if (!(b.terminator() instanceof Terminator.Suspend s)) continue;
                    List<Terminator.ChildWait> sleeping = new java.util.ArrayList<>();
                    for (Terminator.ChildWait w : s.waits())
                        if (w.sites().stream().anyMatch(c -> canSleep(c, fns, calls, memo))) sleeping.add(w);
                    for (int i = 0; i < sleeping.size(); i++)
                        for (int j = i + 1; j < sleeping.size(); j++)
                            if (atOnce(sleeping.get(i), sleeping.get(j), s.waits())) return true;
                }
            }
            return false;
        }
    }

    /**
     * The longest sleep the program asks for, in microseconds, when every sleep's duration is
     * bounded by constants; -1 (unsigned: the longest there is) when one is not. runtime-c's
     * one-timer SysTick handler then knows whether a sleep may outlast one SysTick period, and
     * per-task timers whether every deadline fits their 32-bit clock. A duration computed from
     * constants (`sleep_ms(PERIOD_MS / 2)`) counts as one, and so does a parameter of an async fn
     * or task every call and spawn passes such a value (`spawn blink(100); spawn blink(250);`):
     * the largest of them ({@link Durations}).
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
         * The most {@code op} can be, when only constants make it: {@link #constant}, or a local
         * assigned several such values (merged states join `sleep_us(137)` and `sleep_us(211)`
         * into one await); -1 for anything else.
         */
        long upperBound(MirFn f, Operand op, int depth) {
            List<Rvalue> assigned = op instanceof Operand.Copy copy ? defs(f).get(copy.local()) : null;
            if (assigned != null && assigned.size() > 1) {
                Local local = ((Operand.Copy) op).local();
                long most = 0;
                for (Rvalue r : assigned) {
                    long v = r == null ? parameter(f, local, depth) : value(f, local, r, depth);
                    if (v < 0) return -1;
                    most = Math.max(most, v);
                }
                return most;
            }
            return constant(f, op, depth);
        }

        /**
         * The most an unsigned integer operand can be when only constants make it: a constant,
         * a local assigned once from constants by arithmetic that stays within its type (no
         * wrap-around, no division by zero), or a parameter (see the class comment); -1 for
         * anything else.
         */
        long constant(MirFn f, Operand op, int depth) {
            // A signed constant counts when not negative: a shift's amount is an i32.
            if (op instanceof Operand.Const c) return c.type() instanceof mote.types.Type.Int && c.bits() >= 0 ? c.bits() : -1;
            if (!(op instanceof Operand.Copy copy) || depth > DEEPEST) return -1;
            List<Rvalue> assigned = defs(f).get(copy.local());
            if (assigned == null || assigned.size() != 1) return -1;
            return assigned.get(0) == null ? parameter(f, copy.local(), depth) : value(f, copy.local(), assigned.get(0), depth);
        }

        /**
         * The most parameter {@code local} of async fn {@code f} holds on entry: the largest bound
         * of what its call sites pass; -1 when it is not a parameter (or is borrowed, so written
         * through a reference), {@code f} has no call site, or a site's argument is not bounded.
         */
        private long parameter(MirFn f, Local local, int depth) {
            int index = f.params().indexOf(local);
            List<Map.Entry<MirFn, List<Operand>>> calls = sites.get(f.name());
            if (index < 0 || !f.isAsync() || calls == null || BorrowedLocals.of(f).contains(local) || depth > DEEPEST) return -1;
            if (!(f.typeOf(local) instanceof mote.types.Type.Int t) || t.signed() || t.bits() > 32) return -1;
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
            parameterBounds.put(key, most);   // -1 too: past the depth limit it stays unbounded, which is safe
            return most;
        }

        /** {@code assigned}'s value when only constants make it, as {@link #constant}; -1 if not, or if it does not fit {@code local}'s type. */
        private long value(MirFn f, Local local, Rvalue assigned, int depth) {
            if (!(f.typeOf(local) instanceof mote.types.Type.Int t) || t.signed() || t.bits() > 32) return -1;
            long value;
            if (assigned instanceof Rvalue.Use u) {
                value = constant(f, u.operand(), depth + 1);
            } else if (assigned instanceof Rvalue.Binary bin) {
                // Bounds combine where the result grows with the operand (nothing wraps: the
                // result is checked against the type); elsewhere only one value will do.
                boolean leftGrows = switch (bin.op()) { case ADD, MUL, SHL, DIV, SHR, BIT_AND -> true; default -> false; };
                boolean rightGrows = switch (bin.op()) { case ADD, MUL, SHL, BIT_AND -> true; default -> false; };
                long x = leftGrows ? constant(f, bin.left(), depth + 1) : exact(f, bin.left(), depth + 1);
                long y = rightGrows ? constant(f, bin.right(), depth + 1) : exact(f, bin.right(), depth + 1);
                if (x < 0 || y < 0) return -1;
                value = switch (bin.op()) {
                    case ADD -> x + y;
                    case SUB -> x - y;
                    case MUL -> y != 0 && x > Long.MAX_VALUE / y ? -1 : x * y;
                    case DIV -> y == 0 ? -1 : x / y;
                    case REM -> y == 0 ? -1 : x % y;
                    case SHL -> y >= t.bits() ? -1 : x << y;
                    case SHR -> y >= t.bits() ? -1 : x >>> y;
                    case BIT_AND -> bothExact(f, bin, depth) ? x & y : Math.min(x, y);   // x & y is at most either
                    case BIT_OR -> x | y;
                    case BIT_XOR -> x ^ y;
                    default -> -1;
                };
            } else {
                return -1;
            }
            return value >= 0 && value < 1L << t.bits() ? value : -1;
        }

        private boolean bothExact(MirFn f, Rvalue.Binary bin, int depth) {
            return exact(f, bin.left(), depth + 1) >= 0 && exact(f, bin.right(), depth + 1) >= 0;
        }

        /** An operand's one value: a constant, or a local only constants make (no parameter, whose callers may pass several). */
        private long exact(MirFn f, Operand op, int depth) {
            if (op instanceof Operand.Copy copy) {
                List<Rvalue> assigned = defs(f).get(copy.local());
                if (assigned == null || assigned.size() != 1 || assigned.get(0) == null || depth > DEEPEST) return -1;
                return value(f, copy.local(), assigned.get(0), depth);
            }
            return constant(f, op, depth);
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

    private static boolean canSleep(Callee c, Map<String, MirFn> fns, AsyncCallGraph calls, Map<String, Boolean> memo) {
        if (c instanceof Callee.Builtin b) return b.isSleep();
        return c instanceof Callee.Function f && reachesSleep(f.name(), fns, calls, memo);
    }

    /** Whether polling {@code fn} can start a sleep: its own or one of an async fn it awaits. */
    private static boolean reachesSleep(String fn, Map<String, MirFn> fns, AsyncCallGraph calls, Map<String, Boolean> memo) {
        Boolean known = memo.get(fn);
        if (known != null) return known;
        memo.put(fn, false);   // the graph is acyclic (E0420); this only guards the recursion
        boolean found = false;
        MirFn f = fns.get(fn);
        if (f != null)
            for (BasicBlock b : f.blocks())
                found |= callee(b.terminator()) instanceof Callee.Builtin bi && bi.isSleep();
        for (String callee : calls.callees(fn)) found |= reachesSleep(callee, fns, calls, memo);
        memo.put(fn, found);
        return found;
    }
}

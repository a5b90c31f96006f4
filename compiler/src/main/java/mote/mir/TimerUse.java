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
        Map<String, MirFn> fns = new HashMap<>();
        for (MirFn f : program.functions()) {
            fns.put(f.name(), f);
            if (readsClock(f)) return false;
        }
        AsyncCallGraph calls = new AsyncCallGraph(program);
        Map<String, Boolean> sleeps = new HashMap<>();
        String sleeper = null;
        for (Map.Entry<String, Integer> task : ChannelWaiters.instances(program).entrySet()) {
            if (!reachesSleep(task.getKey(), fns, calls, sleeps)) continue;
            if (sleeper != null || task.getValue() != 1) return false;
            sleeper = task.getKey();
        }
        if (sleeper == null) return true;
        for (String reached : ChannelWaiters.reachable(sleeper, calls)) {
            MirFn f = fns.get(reached);
            if (f == null) continue;
            for (BasicBlock b : f.blocks()) {
                if (!(b.terminator() instanceof Terminator.Suspend s)) continue;
                List<Terminator.ChildWait> sleeping = new java.util.ArrayList<>();
                for (Terminator.ChildWait w : s.waits())
                    if (w.sites().stream().anyMatch(c -> canSleep(c, fns, calls, sleeps))) sleeping.add(w);
                for (int i = 0; i < sleeping.size(); i++)
                    for (int j = i + 1; j < sleeping.size(); j++)
                        if (atOnce(sleeping.get(i), sleeping.get(j), s.waits())) return false;
            }
        }
        return true;
    }

    /**
     * The longest sleep the program asks for, in microseconds, when every sleep's duration is
     * a constant; -1 (unsigned: the longest there is) when one is not. runtime-c's one-timer
     * SysTick handler then knows whether a sleep may outlast one SysTick period.
     */
    public static long longestSleepUs(MirProgram program) {
        long longest = 0;
        for (MirFn f : program.functions())
            for (BasicBlock b : f.blocks()) {
                List<Operand> args;
                if (b.terminator() instanceof Terminator.Await a) args = a.args();
                else if (b.terminator() instanceof Terminator.PollChild pc && pc.start()) args = pc.args();
                else continue;
                if (!(callee(b.terminator()) instanceof Callee.Builtin sleep) || !sleep.isSleep()) continue;
                if (args.isEmpty() || !(args.get(0) instanceof Operand.Const c) || c.bits() < 0) return -1;
                long us = sleep == Callee.Builtin.SLEEP_MS ? c.bits() * 1000 : c.bits();
                if (us < 0 || us / 1000 != c.bits() && sleep == Callee.Builtin.SLEEP_MS) return -1;
                longest = Math.max(longest, us);
            }
        return longest;
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

    private static Callee callee(Terminator t) {
        if (t instanceof Terminator.Await a) return a.callee();
        if (t instanceof Terminator.PollChild pc) return pc.callee();
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

package mote.opt;

import mote.mir.BasicBlock;
import mote.mir.Callee;
import mote.mir.MirFn;
import mote.mir.MirProgram;
import mote.mir.TimerUse;

/**
 * Sleeps whose deadline runtime-c keeps outside the future, which then holds only its state
 * byte: this marks every sleep {@link Callee.Builtin#perTask} in two kinds of program.
 * <ul>
 * <li>One timer at a time ({@link TimerUse#oneAtATime}: one sleeping task, nothing reads the
 *     clock): runtime-c's one-timer mode records the sleeping task itself.</li>
 * <li>Timers per task (several tasks sleep, nothing reads the clock): runtime-c keeps a 32-bit
 *     deadline per timer and a bit per running timer instead of a sorted queue of 16-byte
 *     nodes. Each task slot has one timer, or, where a task can have several sleeps pending at
 *     once ({@link TimerUse#pendingSleeps}), that many ({@link #timerFirsts}). The clock counts
 *     core cycles and compares deadlines modulo 2^32, so every sleep must be bounded below 2^31
 *     cycles ({@link TimerUse#longestSleepUs}): {@link #LONGEST_US} at the fastest core clock a
 *     board may declare ({@link #FASTEST_CLOCK_HZ}), and the bit mask holds {@link #MOST_TASKS}
 *     timers.</li>
 * </ul>
 *
 * <p>Not one of the switchable async optimizations: it follows what runtime-c does, and runs
 * under every `--opt`. Not in debug builds, which keep the queue for the debugger to show.
 * The code generator selects runtime-c's mode from the marks ({@link #perTaskClock}).
 */
public final class TaskTimers {
    private TaskTimers() {}

    /** The longest constant sleep kept per task: 2 s, under 2^31 cycles at {@link #FASTEST_CLOCK_HZ}. */
    public static final long LONGEST_US = 2_000_000;
    /** The fastest core clock per-task timers allow (a board's clock-hz); on a faster board the sleeps keep the queue. */
    public static final long FASTEST_CLOCK_HZ = 1_000_000_000;
    /** Timers the runtime's bit mask of running timers can hold. */
    public static final int MOST_TASKS = 32;

    /**
     * Whether the program's sleeps are kept outside their futures (see the class comment);
     * {@code clockHz}: the board's core clock, 0 when not known (`mote explain`: any board's).
     */
    public static boolean applies(MirProgram program, boolean debug, long clockHz) {
        if (debug) return false;
        if (TimerUse.oneAtATime(program)) return true;
        if (clockHz > FASTEST_CLOCK_HZ) return false;
        long longest = TimerUse.longestSleepUs(program);
        if (longest < 0 || longest > LONGEST_US) return false;
        int[] first = timerFirsts(program);
        return first != null && first[first.length - 1] <= MOST_TASKS;
    }

    /**
     * Where each task slot's timers start, one entry per slot and one past the last (the
     * timer count); null when something reads the clock. Where no instance can have two sleeps
     * pending at once, timer n is slot n's (every slot has one, sleeping or not, so runtime-c
     * needs no table); else each slot has as many as its task can have pending
     * ({@link TimerUse#pendingSleeps}), and none for a task that never sleeps.
     */
    public static int[] timerFirsts(MirProgram program) {
        java.util.Map<String, Integer> pending = TimerUse.pendingSleeps(program);
        if (pending == null) return null;
        boolean several = pending.values().stream().anyMatch(n -> n > 1);
        java.util.Map<String, Integer> instances = mote.mir.ChannelWaiters.instances(program);
        int slots = instances.values().stream().mapToInt(Integer::intValue).sum();
        int[] first = new int[slots + 1];
        int slot = 0, next = 0;
        for (java.util.Map.Entry<String, Integer> task : instances.entrySet()) {
            for (int i = 0; i < task.getValue(); i++) {
                first[slot++] = next;
                next += several ? pending.get(task.getKey()) : 1;
            }
        }
        first[slots] = next;
        return first;
    }

    /** Whether some task slot has several timers (runtime-c's tables; see {@link #timerFirsts}). */
    public static boolean severalPerTask(int[] first) {
        for (int i = 0; i + 1 < first.length; i++) if (first[i + 1] - first[i] > 1) return true;
        return false;
    }

    /** Whether {@code program}'s marked sleeps need runtime-c's per-task deadlines (not its one-timer mode). */
    public static boolean perTaskClock(MirProgram program) {
        return marked(program) && !TimerUse.oneAtATime(program);
    }

    public static MirProgram run(MirProgram program, boolean debug, long clockHz) {
        return applies(program, debug, clockHz) ? MirEdit.mapCallees(program, c -> c instanceof Callee.Builtin b ? b.inTaskSlot() : c) : program;
    }

    /** Whether some sleep of {@code program} was marked (the code generator's switch). */
    public static boolean marked(MirProgram program) {
        for (MirFn f : program.functions())
            for (BasicBlock b : f.blocks())
                if (TimerUse.callee(b.terminator()) instanceof Callee.Builtin s && s.perTask()) return true;
        return false;
    }

}

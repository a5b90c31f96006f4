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
 * <li>One timer per task ({@link TimerUse#onePerTask}: several tasks sleep, each one sleep
 *     at a time, nothing reads the clock): runtime-c keeps one 32-bit deadline per task slot
 *     and a bit per sleeping task instead of a sorted queue of 16-byte nodes. The clock counts
 *     core cycles and compares deadlines modulo 2^32, so every sleep must be a constant
 *     shorter than 2^31 cycles: {@link #LONGEST_US} at the fastest core clock a board may
 *     declare ({@link #FASTEST_CLOCK_HZ}), and the bit mask holds {@link #MOST_TASKS} slots.</li>
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
    /** Task slots the runtime's bit mask of sleeping tasks can hold. */
    public static final int MOST_TASKS = 32;

    /**
     * Whether the program's sleeps are kept outside their futures (see the class comment);
     * {@code clockHz}: the board's core clock, 0 when not known (`mote explain`: any board's).
     */
    public static boolean applies(MirProgram program, boolean debug, long clockHz) {
        if (debug) return false;
        if (TimerUse.oneAtATime(program)) return true;
        if (taskSlots(program) > MOST_TASKS || clockHz > FASTEST_CLOCK_HZ) return false;
        long longest = TimerUse.longestSleepUs(program);
        return longest >= 0 && longest <= LONGEST_US && TimerUse.onePerTask(program);
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

    /** Main and every instance of every task fn: the slots of the task table. */
    private static int taskSlots(MirProgram program) {
        int slots = program.mainFunction() != null ? 1 : 0;
        for (MirProgram.Task t : program.tasks()) slots += t.poolSize();
        return slots;
    }
}

package mote.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.regex.Pattern;
import mote.Compiler;
import mote.board.Board;
import mote.mir.BasicBlock;
import mote.mir.Callee;
import mote.mir.MirFn;
import mote.mir.MirProgram;
import mote.mir.Terminator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sleeps kept per task: when each task has one sleep pending at most, every duration is a
 * constant of 2 s at most and nothing reads the clock, a sleep's state is one byte and
 * runtime-c keeps the deadline in the task's slot. run/timer_per_task.mote runs such a program.
 */
class TaskTimersTest {
    @TempDir Path dir;

    /** Two tasks that sleep at once, one of them in a race with a signal. */
    private static final String TWO_SLEEPERS = """
            static TICK: Signal<u32>;

            task fn blink() {
                loop {
                    sleep_ms(%s).await;
                    TICK.raise(1);
                }
            }

            async fn main() -> i32 {
                spawn blink();
                let mut n: u32 = 0;
                for _i in 0..3u32 {
                    n += race { TICK.wait().await } or { sleep_us(2500).await; 10 };
                }
                n as i32
            }
            """;

    private Compiler.Analysis analyze(String source, boolean optimized, boolean debug) throws IOException {
        Path file = dir.resolve("prog.mote");
        Files.writeString(file, source);
        var opts = optimized ? EnumSet.allOf(Optimization.class) : EnumSet.noneOf(Optimization.class);
        return Compiler.analyze(Compiler.read(file), opts, debug, true);
    }

    private static long sleeps(MirProgram program, boolean perTask) {
        long n = 0;
        for (MirFn f : program.functions())
            for (BasicBlock b : f.blocks())
                if (b.terminator() instanceof Terminator.Await a && a.callee() instanceof Callee.Builtin s && s.isSleep() && s.perTask() == perTask) n++;
                else if (b.terminator() instanceof Terminator.PollChild pc && pc.callee() instanceof Callee.Builtin s && s.isSleep() && s.perTask() == perTask) n++;
        return n;
    }

    @Test
    void everySleepIsMarkedAndKeepsOneByte() throws IOException {
        for (boolean optimized : new boolean[] {false, true}) {
            Compiler.Analysis a = analyze(TWO_SLEEPERS.formatted("1"), optimized, false);
            assertTrue(TaskTimers.marked(a.mir()));
            assertTrue(sleeps(a.mir(), true) >= 2, a.mirText());
            assertEquals(0, sleeps(a.mir(), false), a.mirText());
        }
        assertEquals(1, Callee.Builtin.TASK_SLEEP_MS.stateSize);
        assertEquals(1, Callee.Builtin.TASK_SLEEP_US.stateSize);
        // blink's state: the discriminant and the sleep's state byte, where the queue's node took 16 bytes more.
        Compiler.Analysis a = analyze(TWO_SLEEPERS.formatted("1"), true, false);
        assertTrue(a.machines().get("blink").size() <= 4, a.machines().get("blink").toString());
        Compiler.Analysis queue = analyze(TWO_SLEEPERS.formatted("1"), true, true);
        assertTrue(queue.machines().get("blink").size() >= 20, queue.machines().get("blink").toString());
    }

    @Test
    void debugBuildsLongSleepsAndOneSleeperChooseTheirModes() throws IOException {
        assertFalse(TaskTimers.marked(analyze(TWO_SLEEPERS.formatted("1"), true, true).mir()), "debug builds keep the queue");
        assertTrue(TaskTimers.marked(analyze(TWO_SLEEPERS.formatted("2000"), true, false).mir()), "2 s is the longest kept per task");
        assertFalse(TaskTimers.marked(analyze(TWO_SLEEPERS.formatted("2001"), true, false).mir()), "longer keeps the queue");
        // One sleeping task: runtime-c's one-timer mode, a state byte too but no deadlines.
        String one = TWO_SLEEPERS.formatted("1").replace("race { TICK.wait().await } or { sleep_us(2500).await; 10 }", "TICK.wait().await");
        assertTrue(TaskTimers.marked(analyze(one, true, false).mir()));
        assertFalse(TaskTimers.perTaskClock(analyze(one, true, false).mir()));
        assertTrue(TaskTimers.marked(analyze(one.replace("sleep_ms(1)", "sleep_ms(60000)"), true, false).mir()), "any length");
        assertTrue(TaskTimers.perTaskClock(analyze(TWO_SLEEPERS.formatted("1"), true, false).mir()));
        // A duration known only at run time.
        String variable = TWO_SLEEPERS.formatted("1").replace("sleep_us(2500)", "sleep_us(n + 1)");
        assertFalse(TaskTimers.marked(analyze(variable, true, false).mir()));
        // More task slots than the runtime's bit mask holds.
        String many = TWO_SLEEPERS.formatted("1").replace("task fn blink()", "task(32) fn blink()");
        assertFalse(TaskTimers.marked(analyze(many, true, false).mir()));
        assertTrue(TaskTimers.marked(analyze(many.replace("task(32)", "task(31)"), true, false).mir()));
    }

    /**
     * Blinkers spawned with their periods (`spawn blink(100); spawn blink(250);`): the sleep's
     * duration is a parameter, bounded by what the spawns pass, so it is kept per task; a
     * spawn passing more than 2 s keeps the queue.
     */
    @Test
    void aDurationEveryCallerBoundsIsKeptPerTask() throws IOException {
        String blinkers = """
                static LOG: Channel<u32, 8>;
                task(2) fn blink(id: u32, period_ms: u32) {
                    loop { sleep_ms(period_ms).await; LOG.send(id).await; }
                }
                async fn main() -> i32 {
                    spawn blink(1, 3);
                    spawn blink(2, %s);
                    let mut sum = 0u32;
                    for _i in 0..4u32 { sum += LOG.recv().await; }
                    sum as i32
                }
                """;
        for (boolean optimized : new boolean[] {false, true}) {
            MirProgram mir = analyze(blinkers.formatted("5"), optimized, false).mir();
            assertTrue(TaskTimers.perTaskClock(mir), "bounded by 5 ms");
            assertEquals(0, sleeps(mir, false));
            assertFalse(TaskTimers.marked(analyze(blinkers.formatted("2001"), optimized, false).mir()), "longer than 2 s keeps the queue");
        }
    }

    /**
     * A task that can have several sleeps pending at once (a `race` of a sleeping call against
     * a timeout) gets that many timers, each other task slot as many as its task needs: the
     * sleeps are still kept per task, not in the queue. Main has two here, each of the three
     * workers one: timers 0-1 are main's, 2, 3 and 4 the workers'.
     */
    @Test
    void aTaskWithSeveralSleepsAtOnceGetsThatManyTimers() throws IOException {
        String source = """
                static DONE: Channel<u32, 4>;
                async fn op(ms: u32) -> u32 { sleep_ms(ms).await; ms }
                task(3) fn worker(id: u8) { sleep_ms(id as u32 + 1).await; DONE.send(id as u32).await; }
                async fn main() -> i32 {
                    for i in 0..3u8 { spawn worker(i); }
                    let r = race { op(5).await } or { sleep_ms(2).await; 0 };
                    let mut sum = r;
                    for _i in 0..3u32 { sum += DONE.recv().await; }
                    sum as i32
                }
                """;
        for (boolean optimized : new boolean[] {false, true}) {
            MirProgram mir = analyze(source, optimized, false).mir();
            assertTrue(TaskTimers.perTaskClock(mir));
            assertEquals(0, sleeps(mir, false), "no queue sleep");
            assertEquals(java.util.List.of(0, 2, 3, 4, 5), java.util.Arrays.stream(TaskTimers.timerFirsts(mir)).boxed().toList());
            assertTrue(TaskTimers.severalPerTask(TaskTimers.timerFirsts(mir)));
        }
        Path src = dir.resolve("several.mote");
        Files.writeString(src, source);
        Compiler.compile(src, Compiler.Options.defaults(Board.load("lm3s6965evb"), dir).withEmit(EnumSet.of(Compiler.Emit.ELF, Compiler.Emit.LL))
                .withOptLevel(mote.llvm.LlvmBackend.OptLevel.O0));
        String ll = Files.readString(dir.resolve("several.ll"));
        assertTrue(ll.contains("@mote_task_deadlines = global [5 x i32] zeroinitializer"), "five timers");
        assertTrue(ll.contains("@mote_timer_first = constant [5 x i8] c\"\\00\\02\\03\\04\\05\""), "where each slot's start");
        assertTrue(ll.contains("@mote_timer_owner = constant [5 x i8] c\"\\00\\00\\01\\02\\03\""), "whose each timer is");
        // More timers than runtime-c's mask holds keep the queue.
        String crowded = source.replace("task(3) fn worker", "task(31) fn worker");
        assertFalse(TaskTimers.marked(analyze(crowded, true, false).mir()), "2 + 31 timers");
        assertTrue(TaskTimers.marked(analyze(source.replace("task(3) fn worker", "task(30) fn worker"), true, false).mir()), "2 + 30 timers");
    }

    /** The image links the per-task timer calls, not the queue's. */
    @Test
    void theImageCallsThePerTaskTimers() throws IOException {
        Path src = dir.resolve("prog.mote");
        Files.writeString(src, TWO_SLEEPERS.formatted("1"));
        Compiler.Options o = Compiler.Options.defaults(Board.load("lm3s6965evb"), dir)
                .withEmit(EnumSet.of(Compiler.Emit.ELF, Compiler.Emit.LL));
        Compiler.compile(src, o.withOptLevel(mote.llvm.LlvmBackend.OptLevel.O0));
        String ll = Files.readString(dir.resolve("prog.ll"));
        assertTrue(Pattern.compile("call [^\n]*@mote_task_sleep_us\\(ptr").matcher(ll).find(), "per-task sleeps");
        assertTrue(Pattern.compile("call [^\n]*@mote_task_timer_cancel\\(ptr").matcher(ll).find(), "the race cancels its losing sleep");
        assertFalse(Pattern.compile("call [^\n]*@mote_(sleep_us|timer_cancel)\\(").matcher(ll).find(), "no queue sleeps");
        assertTrue(ll.contains("@mote_task_deadlines = global [2 x i32] zeroinitializer"), "one deadline per task slot");
    }

    /** A board faster than the 32-bit clock allows keeps the queue: the program still builds, and runs. */
    @Test
    void aBoardFasterThanTheClockAllowsKeepsTheQueue() throws IOException {
        Path src = dir.resolve("prog.mote");
        Files.writeString(src, TWO_SLEEPERS.formatted("1"));
        Board b = Board.load("lm3s6965evb");
        Board fast = new Board(b.name(), b.description(), b.file(), b.llvmTarget(), b.cpu(), b.features(), b.floatAbi(), b.memory(),
                TaskTimers.FASTEST_CLOCK_HZ + 1, b.console(), b.irqs(), b.irqCount(), b.stackSize(), b.qemu(), b.flash());
        Compiler.Result r = Compiler.compile(src, Compiler.Options.defaults(fast, dir).withEmit(EnumSet.of(Compiler.Emit.ELF, Compiler.Emit.LL)));
        assertFalse(TaskTimers.marked(r.mir()));
        assertTrue(Pattern.compile("call [^\n]*@mote_sleep_us\\(").matcher(Files.readString(dir.resolve("prog.ll"))).find());
        assertTrue(TaskTimers.marked(Compiler.compile(src, Compiler.Options.defaults(b, dir)).mir()));
    }
}

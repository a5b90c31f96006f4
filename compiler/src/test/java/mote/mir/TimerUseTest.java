package mote.mir;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import mote.Compiler;
import mote.opt.Optimization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When one timer at a time will do (runtime-c needs no clock and no queue): nothing reads the
 * clock and no two sleeps can be pending at once. Each case below that keeps the queue breaks
 * that in one way; each is checked with and without the async optimizations, since inlining
 * moves sleeps between functions. run/timer_one_at_a_time.mote measures such sleeps.
 */
class TimerUseTest {
    @TempDir Path dir;

    private static final String BLINKY = """
            static TICK: Signal<u32>;

            async fn pause(ms: u32) {
                sleep_ms(ms).await;
            }

            task fn listener() {
                let _v = TICK.wait().await;
            }

            async fn main() -> i32 {
                spawn listener();
                for i in 0..4u32 {
                    pause(10).await;
                    let timed_out = race { TICK.wait().await; false } or { sleep_us(500).await; true };
                    if timed_out { TICK.raise(i); }
                    let _t = race { TICK.wait().await; 0u32 } or { sleep_ms(2).await; 1u32 };
                }
                %s
                0
            }
            """;

    private boolean oneAtATime(String source, boolean optimized) throws IOException {
        return TimerUse.oneAtATime(mir(source, optimized));
    }

    private MirProgram mir(String source, boolean optimized) throws IOException {
        Path file = dir.resolve("prog.mote");
        Files.writeString(file, source);
        var opts = optimized ? EnumSet.allOf(Optimization.class) : EnumSet.noneOf(Optimization.class);
        return Compiler.analyze(Compiler.read(file), opts, false, true).mir();
    }

    private void assertOneAtATime(boolean expected, String source) throws IOException {
        assertEquals(expected, oneAtATime(source, false), "--opt none:\n" + source);
        assertEquals(expected, oneAtATime(source, true), "--opt all:\n" + source);
    }

    /** One sleeping task: sleeps in a row, in an awaited fn, and as the one sleeping child of a race. */
    @Test
    void oneSleepingTaskNeedsOneTimerAtATime() throws IOException {
        assertOneAtATime(true, BLINKY.formatted(""));
    }

    @Test
    void aProgramWithoutSleepsNeedsNoQueue() throws IOException {
        assertOneAtATime(true, "async fn main() -> i32 { yield_now().await; 0 }");
    }

    @Test
    void readingTheClockKeepsIt() throws IOException {
        assertOneAtATime(false, BLINKY.formatted("let _t = ticks();"));
        assertOneAtATime(false, BLINKY.formatted("sleep_until(1000).await;"));
    }

    @Test
    void aClockReadInAnInterruptHandlerKeepsIt() throws IOException {
        assertOneAtATime(false, "static mut T: u64 = 0;\ninterrupt WATCHDOG() { T = ticks(); }\n" + BLINKY.formatted(""));
    }

    @Test
    void aSecondSleepingTaskKeepsTheQueue() throws IOException {
        assertOneAtATime(false, BLINKY.formatted("").replace("let _v = TICK.wait().await;", "let _v = TICK.wait().await; sleep_ms(1).await;"));
    }

    @Test
    void aSleepingTaskWithTwoInstancesKeepsTheQueue() throws IOException {
        String pooled = """
                task(2) fn blink(ms: u32) { sleep_ms(ms).await; }
                async fn main() -> i32 { spawn blink(1); 0 }
                """;
        assertOneAtATime(false, pooled);
        assertOneAtATime(true, pooled.replace("task(2)", "task"));
    }

    /** Two children of one join or race that can both sleep, directly or in an awaited fn. */
    @Test
    void twoSleepingChildrenOfOneJoinKeepTheQueue() throws IOException {
        // Two at once in one task: not one per task either.
        for (String twoAtOnce : java.util.List.of(BLINKY.formatted("join { sleep_ms(1).await; } and { sleep_us(30).await; };"),
                BLINKY.formatted("race { pause(1).await; } or { yield_now().await; sleep_us(30).await; };"))) {
            assertOneAtATime(false, twoAtOnce);
            assertOnePerTask(false, twoAtOnce);
        }
        assertOneAtATime(false, BLINKY.formatted("join { yield_now().await; } and { join { pause(2).await; } and { pause(3).await; }; };"));
        assertOneAtATime(true, BLINKY.formatted("join { yield_now().await; } and { pause(3).await; };"));
        // A branch with its own sleep and a nested join with another: as many at once.
        assertOneAtATime(false, BLINKY.formatted(
                "join { sleep_us(5).await; } and { join { yield_now().await; } and { sleep_us(7).await; }; };"));
    }

    /** Races one after another in a branch take turns: one of their sleeps at a time. */
    @Test
    void sequentialRacesInOneBranchTakeTurns() throws IOException {
        String sequential = BLINKY.formatted("""
                join {
                    race { TICK.wait().await; } or { sleep_ms(1).await; };
                    race { TICK.wait().await; } or { pause(2).await; };
                    sleep_us(40).await;
                } and {
                    TICK.wait().await;
                };
                """);
        assertOneAtATime(true, sequential);
        // The other branch sleeping too makes two at once.
        assertOneAtATime(false, sequential.replace("} and {\n    TICK.wait().await;", "} and {\n    sleep_ms(3).await;"));
    }

    @Test
    void theLongestSleepIsKnownWhenEveryDurationIsAConstant() throws IOException {
        // pause(10) sleeps for its parameter, which every caller passes 10.
        assertEquals(10_000, TimerUse.longestSleepUs(mir(BLINKY.formatted(""), true)));
        assertEquals(10_000, TimerUse.longestSleepUs(mir(BLINKY.formatted(""), false)));
        assertEquals(2_500_000, TimerUse.longestSleepUs(mir(BLINKY.formatted("sleep_ms(2500).await;"), true)));
        // A value the program computes at run time is bounded by its type alone.
        String variable = BLINKY.formatted("let mut n = 1u32; for i in 0..3u32 { n += i; } sleep_us(n).await;");
        assertEquals(ANY_U32, TimerUse.longestSleepUs(mir(variable, false)));
        assertEquals(0, TimerUse.longestSleepUs(mir("async fn main() -> i32 { 0 }", true)));
    }

    /** A duration computed from constants is one too. */
    @Test
    void aDurationComputedFromConstantsIsAConstant() throws IOException {
        String computed = "const BASE: u32 = 3;\nasync fn main() -> i32 { sleep_ms(BASE * 2 + 1).await; sleep_us((BASE << 4) % 7).await; 0 }";
        assertEquals(7_000, TimerUse.longestSleepUs(mir(computed, false)));
        // A local assigned several constants is at most the largest (merged states make such
        // locals); one also assigned a value known only at run time only by its type.
        String twice = "const BASE: u32 = 3;\nasync fn main() -> i32 { let mut d = BASE; if ticks() > 5 { d = 9; } sleep_ms(d).await; 0 }";
        assertEquals(9_000, TimerUse.longestSleepUs(mir(twice, false)));
        assertEquals(ANY_U32 * 1000, TimerUse.longestSleepUs(mir(twice.replace("d = 9;", "d = ticks() as u32;"), false)));
    }

    /**
     * A parameter every call and spawn passes a bounded value is bounded by the largest
     * (`spawn blink(100); spawn blink(250);`), through callers' parameters too, and through
     * arithmetic that grows with it; a site passing something else, or arithmetic that does
     * not grow with the parameter (`1000 - period` is not 750 when one caller passes 100),
     * leaves the sleep bounded by its type alone.
     */
    @Test
    void aParameterIsBoundedByWhatEveryCallerPasses() throws IOException {
        String blinkers = """
                async fn pause(ms: u32) { sleep_ms(ms).await; }
                task fn blink(period: u32) { loop { pause(period * 2).await; sleep_us(period + 7).await; } }
                async fn main() -> i32 { spawn blink(100); spawn blink(250); pause(3).await; %s 0 }
                """;
        for (boolean optimized : new boolean[] {false, true}) {
            assertEquals(500_000, TimerUse.longestSleepUs(mir(blinkers.formatted(""), optimized)));
            assertEquals(ANY_U32 * 1000, TimerUse.longestSleepUs(mir(blinkers.formatted("let n = ticks() as u32; pause(n).await;"), optimized)));
            assertEquals(ANY_U32 * 1000, TimerUse.longestSleepUs(mir(blinkers.formatted("").replace("period * 2", "1000 - period"), optimized)));
            String copied = blinkers.formatted("").replace("pause(period * 2)", "let p = period; pause(1000 - p)");
            assertEquals(ANY_U32 * 1000, TimerUse.longestSleepUs(mir(copied, optimized)), "a copy of a parameter is no exact value");
            assertEquals(7_000, TimerUse.longestSleepUs(mir(blinkers.formatted("").replace("period * 2", "period & 7"), optimized)));
        }
    }

    /**
     * A narrow unsigned value is bounded by its type: workers spawned in a loop with a u8 id
     * sleep `50 * (id as u32 + 1)` µs, 12.8 ms at most, where the loop's counter is no
     * constant. A cast to a narrower type is bounded by that type.
     */
    @Test
    void aNarrowValueIsBoundedByItsType() throws IOException {
        String workers = """
                task(4) fn worker(id: u8) { sleep_us(50 * (id as u32 + 1)).await; }
                async fn main() -> i32 { for i in 0..4u8 { spawn worker(i); } %s 0 }
                """;
        for (boolean optimized : new boolean[] {false, true}) {
            assertEquals(50 * 256, TimerUse.longestSleepUs(mir(workers.formatted(""), optimized)));
            assertEquals(65_535, TimerUse.longestSleepUs(mir(workers.formatted("let t = ticks() as u32; sleep_us((t as u16) as u32).await;"), optimized)));
        }
    }

    /**
     * How many sleeps a task can have pending at once: a `join` of two sleeps, two; a `race` of
     * an async fn that sleeps against a timeout, two; a `join` nested in that race, three;
     * sleeps one after another, and joins one after another in a branch, no more than one of them.
     */
    @Test
    void pendingSleepsCountWhatCanWaitAtOnce() throws IOException {
        String program = """
                static GO: Signal<u32>;
                async fn op(ms: u32) -> u32 { sleep_ms(ms).await; ms }
                task fn sequential() { sleep_ms(1).await; sleep_ms(2).await; op(3).await; }
                task fn joined() { let (a, b) = join { op(1).await } and { op(2).await }; }
                task fn timed() { let r = race { op(5).await } or { sleep_ms(2).await; 0 }; }
                task fn nested() {
                    let r = race { let (a, b) = join { op(5).await } and { op(8).await }; a + b } or { sleep_ms(6).await; 0 };
                }
                task fn turns() {
                    join { join { op(1).await } and { GO.wait().await }; join { op(2).await } and { GO.wait().await }; }
                    and { GO.wait().await };
                }
                task fn idle() { GO.wait().await; }
                async fn main() -> i32 {
                    spawn sequential(); spawn joined(); spawn timed(); spawn nested(); spawn turns(); spawn idle();
                    0
                }
                """;
        for (boolean optimized : new boolean[] {false, true}) {
            java.util.Map<String, Integer> pending = TimerUse.pendingSleeps(mir(program, optimized));
            String where = optimized ? "--opt all" : "--opt none";
            assertEquals(1, pending.get("sequential"), where);
            assertEquals(2, pending.get("joined"), where);
            assertEquals(2, pending.get("timed"), where);
            assertEquals(3, pending.get("nested"), where);
            assertEquals(1, pending.get("turns"), where);
            assertEquals(0, pending.get("idle"), where);
            assertEquals(0, pending.get("main"), where);
        }
        assertEquals(null, TimerUse.pendingSleeps(mir(program.replace("0\n}", "ticks() as i32\n}"), false)), "the clock is read");
    }

    /**
     * A shift by the type's width or more is not a bound: release builds shift by the amount's
     * low bits (`d >> 33` is `d >> 1`), so 400,000 >> 33 sleeps 200 s, not 0 (helper-52: the
     * program was given per-task timers and its deadline wrapped). Below the width it is one.
     */
    @Test
    void aShiftByTheWidthOrMoreIsNoBound() throws IOException {
        String shifted = """
                task fn b(d: u32) { let s = %s; sleep_ms(d >> s).await; }
                async fn main() -> i32 { spawn b(400000); 0 }
                """;
        for (boolean optimized : new boolean[] {false, true}) {
            assertEquals(ANY_U32 * 1000, TimerUse.longestSleepUs(mir(shifted.formatted("33u32"), optimized)));
            assertEquals(ANY_U32 * 1000, TimerUse.longestSleepUs(mir(shifted.formatted("32u32"), optimized)));
            assertEquals(400_000 / 1024 * 1000, TimerUse.longestSleepUs(mir(shifted.formatted("10u32"), optimized)));
            String narrow = "task fn b(k: u8) { sleep_ms((k >> 9u8) as u32 * 1000).await; }\nasync fn main() -> i32 { spawn b(250); 0 }";
            assertEquals(255_000_000, TimerUse.longestSleepUs(mir(narrow, optimized)), "a u8 shifted by 9: any u8");
        }
    }

    private static final long ANY_U32 = 0xFFFF_FFFFL;

    private void assertOnePerTask(boolean expected, String source) throws IOException {
        assertEquals(expected, onePerTask(mir(source, false)), "--opt none:\n" + source);
        assertEquals(expected, onePerTask(mir(source, true)), "--opt all:\n" + source);
    }

    /** Nothing reads the clock and no task instance can have two sleeps pending at once. */
    private static boolean onePerTask(MirProgram program) {
        java.util.Map<String, Integer> pending = TimerUse.pendingSleeps(program);
        return pending != null && pending.values().stream().allMatch(n -> n <= 1);
    }

    /** Several sleeping tasks, and several instances of one, each with one sleep at a time: one timer per task will do. */
    @Test
    void sleepingTasksWithOneSleepEachNeedOneTimerPerTask() throws IOException {
        String second = BLINKY.formatted("").replace("let _v = TICK.wait().await;", "let _v = TICK.wait().await; sleep_ms(1).await;");
        assertOnePerTask(true, second);
        assertOnePerTask(true, "task(2) fn blink(ms: u32) { sleep_ms(ms).await; }\nasync fn main() -> i32 { spawn blink(1); sleep_ms(2).await; 0 }");
        assertOnePerTask(true, BLINKY.formatted("join { yield_now().await; } and { pause(3).await; };"));
    }

    /** A read of the clock: the queue stays (two sleeps of one task at once: above). */
    @Test
    void aClockReadKeepsTheQueueForSeveralSleepers() throws IOException {
        assertOnePerTask(false, BLINKY.formatted("let _t = ticks();"));
        assertOnePerTask(false, BLINKY.formatted("sleep_until(1000).await;"));
    }
}

package mote.llvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.regex.Pattern;
import mote.Compiler;
import mote.board.Board;
import mote.mir.Callee;
import mote.opt.Optimization;
import mote.testutil.ProgramRunner;
import org.junit.jupiter.api.Test;

/**
 * A sleep's future is runtime-c's timer node and nothing more: the duration goes to the
 * await's first poll, which is made where the value is known, and the node takes its deadline
 * from it; the polls after it pass 0, which a linked or fired node ignores. (The run tests
 * with sleeps, timer_order.mote among them, check the timing under every optimization set.)
 * The program's second task reads the clock, so the sleep keeps the timer queue; without it,
 * runtime-c's one-timer mode needs a state byte alone.
 */
class SleepCodegenTest {
    private static final String PROGRAM = """
            task fn other() { let _t = ticks(); }

            async fn main() -> i32 {
                spawn other();
                let mut n: u32 = 0;
                for i in 0..3 {
                    sleep_ms(i + 2).await;
                    n += 1;
                }
                n as i32
            }
            """;

    private static Compiler.Result build(Path dir, boolean baseline) throws IOException {
        return build(dir, baseline, PROGRAM);
    }

    private static Compiler.Result build(Path dir, boolean baseline, String program) throws IOException {
        Path src = dir.resolve("prog.mote");
        Files.writeString(src, program);
        Compiler.Options o = Compiler.Options.defaults(Board.load("lm3s6965evb"), dir).withOptLevel(LlvmBackend.OptLevel.O0)
                .withEmit(EnumSet.of(Compiler.Emit.ELF, Compiler.Emit.LL));
        if (baseline) o = o.withOpts(EnumSet.noneOf(Optimization.class));
        return Compiler.compile(src, o);
    }

    @Test
    void theFutureIsTheTimerNodeAlone() throws IOException {
        assertEquals(16, Callee.Builtin.SLEEP_MS.stateSize);
        assertEquals(16, Callee.Builtin.SLEEP_US.stateSize);
        assertEquals(16, Callee.Builtin.SLEEP_UNTIL.stateSize);
        // The baseline machine: a u8 discriminant, `i` and `n` (u32 each), then the node at 8-byte alignment.
        Compiler.Result r = build(ProgramRunner.tempDir(), true);
        assertEquals(32, r.machines().get("main").size(), r.machines().get("main").toString());
    }

    @Test
    void onlyTheFirstPollGetsTheDuration() throws IOException {
        Path dir = ProgramRunner.tempDir();
        build(dir, true);
        String ll = Files.readString(dir.resolve("prog.ll"));
        assertEquals(java.util.List.of(1, 1), durationsPassed(ll, "mote_sleep_us"), ll);   // the first poll with (i + 2) * 1000, the resume 0
        assertTrue(!ll.contains("%us = load"), ll);
    }

    /** main the one sleeper: the future is a state byte, the one-timer poll gets the duration first, 0 after. */
    @Test
    void oneTimerAtATimeKeepsAStateByte() throws IOException {
        Path dir = ProgramRunner.tempDir();
        String alone = PROGRAM.replace("task fn other() { let _t = ticks(); }", "").replace("spawn other();", "");
        Compiler.Result r = build(dir, true, alone);
        // A u8 discriminant, the sleep's state byte, then `n` and the loop's counter and bound: 16 bytes where the node took 32.
        assertEquals(16, r.machines().get("main").size(), r.machines().get("main").toString());
        String ll = Files.readString(dir.resolve("prog.ll"));
        assertEquals(java.util.List.of(1, 1), durationsPassed(ll, "mote_single_sleep_us"), ll);
        assertTrue(!Pattern.compile("call [^\n]*@mote_sleep_us\\(").matcher(ll).find(), ll);
    }

    /** How many calls of {@code poll} in {@code ll} pass a computed duration, and how many pass 0. */
    private static java.util.List<Integer> durationsPassed(String ll, String poll) {
        var calls = Pattern.compile("call (?:zeroext )?i1 @" + poll + "\\(ptr [^,]+, i64 ([^)]+)\\)").matcher(ll);
        int zero = 0, computed = 0;
        while (calls.find()) {
            if (calls.group(1).equals("0")) zero++;
            else computed++;
        }
        return java.util.List.of(computed, zero);
    }
}

package mote.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import mote.testutil.ProgramRunner;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The runtime's instructions per event (SpeedBench, issue 20) pinned as upper bounds, like the
 * sizes: instruction counts under QEMU are deterministic, so a bound that is crossed is a
 * regression. Each bound is the measured figure plus about 5%; when a figure drops, lower its
 * bound. Mote is built with -O s --opt all.
 *
 * Expert C for the same events (bench/speed/c/, clang -Os, its own minimal executor):
 * yield 12.5, channel 50, irq_signal 58, timer 37, idle 23.
 */
class SpeedBoundsTest {
    @ParameterizedTest
    @CsvSource({
            // case, bound (measured)
            "yield, 58",            // 55 (63 before thread-mode-only programs stopped masking and globals were merged)
            "channel, 233",         // 222 (243)
            "irq_signal, 162",      // 154 (155; 181 before one task's poll was inlined into the executor)
            "timer, 262",           // 249 (256)
            "idle, 19"})            // 18 (21)
    void instructionsPerEventStayWithinTheirBound(String name, double bound) throws IOException {
        SpeedBench.Case c = SpeedBench.CASES.stream().filter(k -> k.name().equals(name)).findFirst().orElseThrow();
        double measured = SpeedBench.mote(c, ProgramRunner.tempDir()).perEvent();
        assertTrue(measured <= bound, name + ": " + measured + " instructions per event, pinned at " + bound);
    }
}

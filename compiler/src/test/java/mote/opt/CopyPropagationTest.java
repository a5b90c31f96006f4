package mote.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import mote.Compiler;
import mote.async.StateMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Copy propagation (part of overlap-layout): what each state saves once constants and copies
 * are read from what they copy. run/copy_propagation.mote runs the cases where a copy must keep
 * its own value (its source changed first) on QEMU, under every optimization set.
 */
class CopyPropagationTest {
    @TempDir Path dir;

    /** bench/firmware.mote's sampler: two nested ranges, one of them constant, awaited inside. */
    private static final String SAMPLER = """
            static OUT: Channel<u32, 4>;

            async fn read(id: u32, round: u32) -> u32 {
                sleep_us(50).await;
                id * 10 + round
            }

            task fn sampler(rounds: u32) {
                for round in 0..rounds {
                    sleep_ms(1).await;
                    for id in 0..4u32 {
                        let v = read(id, round).await;
                        OUT.send(v).await;
                    }
                }
            }

            static mut ROUNDS: u32 = 2;

            async fn main() {
                spawn sampler(ROUNDS);   // not a constant: ConstantArguments would fold it
                for _k in 0..8u32 { let _v = OUT.recv().await; }
            }
            """;

    private Compiler.Analysis analysis(String source, Set<Optimization> opts, boolean debug) throws IOException {
        Path file = dir.resolve("prog.mote");
        Files.writeString(file, source);
        return Compiler.analyze(Compiler.read(file), opts, debug, true);
    }

    /** The values each await state of {@code fn} saves (names, or MIR locals), in state order. */
    private static List<List<String>> saved(Compiler.Analysis a, String fn) {
        return a.machines().get(fn).states().stream().filter(s -> s.awaitee() != null)
                .map(s -> s.saved().stream().map(StateMachine.Slot::name).toList()).toList();
    }

    @Test
    void aLoopKeepsItsCounterAloneAcrossItsAwaits() throws IOException {
        Compiler.Analysis all = analysis(SAMPLER, EnumSet.allOf(Optimization.class), false);
        Set<Optimization> without = EnumSet.allOf(Optimization.class);
        without.remove(Optimization.OVERLAP_LAYOUT);
        Compiler.Analysis kept = analysis(SAMPLER, without, false);
        int savedAll = saved(all, "sampler").stream().mapToInt(List::size).sum();
        int savedKept = saved(kept, "sampler").stream().mapToInt(List::size).sum();
        // Inner await states: the end of `0..rounds`, the outer counter, `round`, the constant end
        // 4, the inner counter and `id` before; the two ends and the two counters after (round
        // and id read their counters), in each of the states inside the inner loop.
        assertTrue(savedAll < savedKept, saved(all, "sampler") + " vs " + saved(kept, "sampler"));
        for (List<String> state : saved(all, "sampler")) {
            assertTrue(!state.contains("round") && !state.contains("id"), "round and id read their counters: " + state);
        }
        // The parameter, the counters (each in a byte: mote.mir.ValueRanges), the awaitee (a sleep: its state byte).
        assertEquals(16, all.machines().get("sampler").size(), "the parameter, the counters, the awaitee");
    }

    @Test
    void aCopyWhoseSourceChangesFirstIsStillSaved() throws IOException {
        String program = """
                async fn main() {
                    let mut i: u32 = 0;
                    while i < 2 {
                        let x = i;
                        i += 1;
                        yield_now().await;
                        println("{} {}", x, i);
                    }
                }
                """;
        List<List<String>> states = saved(analysis(program, EnumSet.allOf(Optimization.class), false), "main");
        assertTrue(states.stream().anyMatch(s -> s.contains("x") && s.contains("i")), states.toString());
    }

    @Test
    void debugBuildsKeepEveryNamedValue() throws IOException {
        List<List<String>> states = saved(analysis(SAMPLER, EnumSet.allOf(Optimization.class), true), "sampler");
        assertTrue(states.stream().allMatch(s -> s.contains("round")), states.toString());
        assertTrue(states.stream().anyMatch(s -> s.contains("read.id") && s.contains("read.round")), states.toString());
    }
}

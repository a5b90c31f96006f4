package mote.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.TreeMap;
import mote.Compiler;
import mote.async.StateMachine;
import mote.board.Board;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * overlap-layout keeps a saved u16 or u32 in fewer bytes where mote.mir.ValueRanges proves
 * every value it has at that await fits them: loop counters under constant bounds, at and
 * around each boundary; counting down; a constant string's length; masks and remainders. A
 * value that may wrap, grows without bound or comes from a static keeps its type, and so does
 * everything in a debug build. run/narrowed_counters.mote runs the boundaries on
 * QEMU (and OptimizationMatrixTest under every set of optimizations).
 */
class NarrowedSavesTest {
    @TempDir Path dir;

    private static final Board BOARD = Board.load("lm3s6965evb");

    /** Each saved local of {@code fn}'s machine by name, as the type it is kept in (its widest over the states). */
    private Map<String, String> kept(String body, boolean debug) throws IOException {
        Path file = dir.resolve("prog.mote");
        Files.writeString(file, """
                static mut SEED: u32 = 7;
                task fn t() {
                %s
                }
                async fn main() -> i32 { spawn t(); 0 }
                """.formatted(body));
        StateMachine m = Compiler.analyzeFor(BOARD, Compiler.read(file), EnumSet.allOf(Optimization.class), debug, true).machines().get("t");
        Map<String, String> out = new TreeMap<>();
        for (StateMachine.State s : m.states())
            for (StateMachine.Slot slot : s.saved())
                if (slot.name() != null) out.merge(slot.name(), slot.storage().toString(), (a, b) -> a.compareTo(b) >= 0 ? a : b);
        return out;
    }

    private String keptAs(String body, String local) throws IOException {
        Map<String, String> all = kept(body, false);
        org.junit.jupiter.api.Assertions.assertTrue(all.containsKey(local), local + " is saved: " + all);
        return all.get(local);
    }

    @Test
    void loopCountersAtEachBoundary() throws IOException {
        assertEquals("u8", keptAs("for i in 0u32..256 { yield_now().await; println(\"{}\", i); }", "i"));
        assertEquals("u16", keptAs("for i in 0u32..257 { yield_now().await; println(\"{}\", i); }", "i"));
        assertEquals("u16", keptAs("for i in 0u32..65536 { yield_now().await; println(\"{}\", i); }", "i"));
        assertEquals("u32", keptAs("for i in 0u32..65537 { yield_now().await; println(\"{}\", i); }", "i"));
        assertEquals("u8", keptAs("let mut i: u32 = 0; while i <= 255 { yield_now().await; i += 1; }", "i"));
        assertEquals("u16", keptAs("let mut i: u32 = 0; while i <= 256 { yield_now().await; i += 1; }", "i"));
        assertEquals("u8", keptAs("let mut c: u16 = 0; while c < 200 { yield_now().await; c += 3; }", "c"));
    }

    @Test
    void countingDownNestedLoopsStringsMasksAndRemainders() throws IOException {
        assertEquals("u8", keptAs("let mut n: u32 = 100; while n > 0 { yield_now().await; n -= 1; }", "n"));
        Map<String, String> nested = kept("""
                for round in 0u32..6 {
                    for id in 0u32..4 {
                        sleep_us(10).await;
                        println("{} {}", round, id);
                    }
                }""", false);
        assertEquals(Map.of("id", "u8", "round", "u8"), nested);
        assertEquals("u8", keptAs("let t: &[u8] = \"twelve bytes\"; let mut i: u32 = 0; while i < t.len() { yield_now().await; i += 1; }", "i"));
        assertEquals("u8", keptAs("let m = SEED & 0xFF; yield_now().await; println(\"{}\", m);", "m"));
        assertEquals("u8", keptAs("let r = SEED % 100; yield_now().await; println(\"{}\", r);", "r"));
    }

    @Test
    void whatMayWrapOrIsNotBoundedKeepsItsType() throws IOException {
        assertEquals("u32", keptAs("let mut x: u32 = 0xFFFF_FFF0; loop { yield_now().await; x += 1; if x < 10 { break; } }", "x"));
        assertEquals("u32", keptAs("let mut x: u32 = 0; loop { yield_now().await; x += 1; println(\"{}\", x); }", "x"));
        assertEquals("u32", keptAs("let s = SEED; yield_now().await; println(\"{}\", s);", "s"));
        assertEquals("u32", keptAs("let mut i: u32 = 0; while i < SEED { yield_now().await; i += 1; }", "i"));
        assertEquals("i32", keptAs("let mut i: i32 = 0; while i < 10 { yield_now().await; i += 1; }", "i"), "signed: not narrowed");
    }

    /**
     * Found by review: release builds shift by the amount modulo the value's width, so a u16
     * shifted right by 17 keeps 15 bits, not none; and a comparison narrows nothing once the
     * local compared with is assigned after it in the same block.
     */
    @Test
    void shiftsPastTheWidthAndBoundsReassignedAfterTheComparisonKeepTheType() throws IOException {
        assertEquals("u16", keptAs("let w = SEED as u16; let y = w >> 17; yield_now().await; println(\"{}\", y);", "y"));
        assertEquals("u8", keptAs("let w = SEED as u16; let y = w >> 8; yield_now().await; println(\"{}\", y);", "y"));
        assertEquals("u32", keptAs("""
                let i: u32 = SEED;
                let mut limit: u32 = SEED;
                let under = i < limit;
                limit = 8;
                if under { yield_now().await; println("{} {}", i, limit); }""", "i"));
    }

    @Test
    void debugBuildsKeepEveryValueAsItsType() throws IOException {
        assertEquals("u32", kept("for i in 0u32..10 { yield_now().await; println(\"{}\", i); }", true).get("i"));
    }
}

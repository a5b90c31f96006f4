package mote.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import mote.Compiler;
import mote.async.StateMachine;
import mote.board.Board;
import mote.mir.Callee;
import mote.types.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * overlap-layout packs state objects on cores that load words at any address (v7-M and up):
 * the discriminant last, each state's values in decreasing alignment without gaps, and no
 * alignment asked for the saved values, so a task that keeps one u32 takes 5 bytes, not 8.
 * The offsets inside the object stay natural (short instructions reach them). run/packed_states.mote
 * runs such states on QEMU, on v6-M, v7-M, v7E-M with an FPU and v8-M Mainline.
 */
class PackedStatesTest {
    @TempDir Path dir;

    private static final Board V7M = Board.load("lm3s6965evb");
    private static final Board V6M = Board.load("microbit");
    private static final Set<Optimization> ALL = EnumSet.allOf(Optimization.class);

    /** A heartbeat task (one u32 across a sleep), a watchdog (two u32 across a signal wait) and a byte sender. */
    private static final String TASKS = """
            static BEAT: Signal<u32>;
            static BYTES: Channel<u8, 4>;
            static mut ON: bool = true;

            task fn heartbeat() {
                let mut beat: u32 = 0;
                while ON {
                    sleep_ms(1).await;
                    beat += 1;
                    BEAT.raise(beat);
                }
            }

            task fn watchdog() {
                let mut last: u32 = 0;
                let mut gaps: u32 = 0;
                loop {
                    let b = BEAT.wait().await;
                    if b == 0 { break; }
                    if b != last + 1 { gaps += 1; }
                    last = b;
                }
                println("{}", gaps);
            }

            task fn sender() {
                let mut i: u32 = 0;
                while i < 100 {
                    let b = (i * 7) as u8;
                    BYTES.send(b).await;
                    if b == 0 { sleep_us(30).await; }
                    i += 1;
                }
            }

            async fn main() -> i32 {
                spawn heartbeat();
                spawn watchdog();
                spawn sender();
                let mut n: u32 = 0;
                while n < 100 { n += BYTES.recv().await as u32; }
                ON = false;
                n as i32
            }
            """;

    private Compiler.Analysis analysis(String source, Board board, Set<Optimization> opts) throws IOException {
        Path file = dir.resolve("prog.mote");
        Files.writeString(file, source);
        return Compiler.analyzeFor(board, Compiler.read(file), opts, false, true);
    }

    @Test
    void aTaskKeepingOneWordTakesFiveBytesAndItsDiscriminantGoesLast() throws IOException {
        StateMachine heartbeat = analysis(TASKS, V7M, ALL).machines().get("heartbeat");
        assertTrue(heartbeat.packed());
        assertEquals(6, heartbeat.size(), "beat (4) and the sleep's state byte, then the discriminant");
        assertEquals(5, heartbeat.tagOffset());
        assertEquals(1, heartbeat.align(), "no saved value asks for alignment");
        assertEquals(4, heartbeat.placedAlign(), "a parent would place it on a word, so that beat stays at a natural offset");
        StateMachine watchdog = analysis(TASKS, V7M, ALL).machines().get("watchdog");
        assertEquals(9, watchdog.size());
        assertEquals(8, watchdog.tagOffset());
    }

    @Test
    void v6mKeepsAlignedStatesWithTheDiscriminantFirst() throws IOException {
        for (String fn : new String[] {"heartbeat", "watchdog", "sender"}) {
            StateMachine m = analysis(TASKS, V6M, ALL).machines().get(fn);
            assertFalse(m.packed(), fn);
            assertEquals(0, m.tagOffset(), fn);
            assertEquals(0, m.size() % m.align(), fn);
            // A saved u32 (an unbounded count) keeps the object word-aligned; the sender's
            // counter, under 100, is kept in a byte (NarrowedSavesTest), so it asks for none.
            assertEquals(fn.equals("sender") ? 1 : 4, m.align(), fn);
        }
    }

    /** Offsets stay natural whatever the core: packing only drops the alignment the object asks for. */
    @Test
    void everySavedValueSitsAtANaturalOffset() throws IOException {
        String mixed = """
                async fn hold(a: u8, b: u16, c: u32, d: u64) -> u64 {
                    yield_now().await;
                    a as u64 + b as u64 + c as u64 + d
                }
                static mut SEED: u32 = 3;
                task fn mixer() {
                    let a = SEED as u8;
                    let b = SEED as u16 + 1;
                    let c = SEED * 5;
                    let d = SEED as u64 << 40;
                    let x = hold(a, b, c, d).await;
                    yield_now().await;
                    println("{} {} {} {} {}", a, b, c, d, x);
                }
                async fn main() -> i32 { spawn mixer(); 0 }
                """;
        for (StateMachine m : analysis(mixed, V7M, ALL).machines().values()) {
            for (StateMachine.State s : m.states())
                for (StateMachine.Slot slot : s.saved())
                    assertEquals(0, slot.offset() % slot.type().align(), m.function() + " " + s.name() + " " + slot);
            assertTrue(m.packed(), m.function());
        }
    }

    @Test
    void anF32OrABorrowedLocalKeepsTheObjectAligned() throws IOException {
        String floats = """
                static mut SEED: u32 = 3;
                task fn floater() {
                    let x: f32 = SEED as f32 * 0.5;
                    let small: u8 = SEED as u8;
                    sleep_us(30).await;
                    println("{} {}", x * 2.0, small);
                }
                task fn borrower() {
                    let digits: [u32; 2] = [3, 4];
                    let view: &[u32] = &digits;
                    yield_now().await;
                    println("{}", view[1]);
                }
                async fn main() -> i32 { spawn floater(); spawn borrower(); 0 }
                """;
        Compiler.Analysis a = analysis(floats, V7M, ALL);
        StateMachine floater = a.machines().get("floater");
        assertTrue(floater.states().stream().anyMatch(st -> st.saved().stream().anyMatch(v -> v.type() instanceof Type.Float32)), floater.toString());
        assertEquals(4, floater.align(), "VLDR faults on an unaligned f32");
        assertEquals(4, a.machines().get("borrower").align(), "a reference may be read with LDRD");
    }

    /** The discriminant stays first where it would sit past a 16-bit LDRB's reach (offset 31). */
    @Test
    void largeStatesKeepTheDiscriminantFirst() throws IOException {
        String large = """
                task fn big() {
                    let mut a: u64 = 1;
                    let mut b: u64 = 2;
                    let mut c: u64 = 3;
                    let mut d: u64 = 4;
                    let mut e: u64 = 5;
                    while a < 1000 {
                        yield_now().await;
                        a += b; b += c; c += d; d += e; e += 1;
                    }
                    println("{} {} {} {} {}", a, b, c, d, e);
                }
                async fn main() -> i32 { spawn big(); 0 }
                """;
        StateMachine big = analysis(large, V7M, ALL).machines().get("big");
        assertTrue(big.packed());
        assertEquals(0, big.tagOffset());
        assertEquals(1, big.align(), "saved u64s ask for no alignment");
        for (StateMachine.Slot slot : big.state(big.stateOfAwait().values().iterator().next()).saved())
            assertEquals(0, slot.offset() % 8, slot.toString());
    }

    @Test
    void theBaselineAndLayoutsWithoutOverlapAreNotPacked() throws IOException {
        for (Set<Optimization> opts : java.util.List.<Set<Optimization>>of(EnumSet.noneOf(Optimization.class),
                EnumSet.complementOf(EnumSet.of(Optimization.OVERLAP_LAYOUT)))) {
            for (StateMachine m : analysis(TASKS, V7M, opts).machines().values()) {
                assertFalse(m.packed(), opts + " " + m.function());
                assertEquals(m, analysis(TASKS, V6M, opts).machines().get(m.function()), "the same layout on any core: " + opts);
            }
        }
    }

    /** A direct wait on a named static keeps only a send's item: a byte channel's send takes one byte, a receive none. */
    @Test
    void aDirectFixedWaitIsAlignedAsItsItem() throws IOException {
        StateMachine sender = analysis(TASKS, V6M, ALL).machines().get("sender");
        StateMachine.Awaitee send = sender.states().stream().map(StateMachine.State::awaitee)
                .filter(a -> a != null && a.callee() instanceof Callee.Channel).findFirst().orElseThrow();
        assertEquals(1, send.size());
        assertEquals(1, send.align());
        Callee.Channel recv = new Callee.Channel(false, new Type.Channel(Type.U32, 4, false)).withDirect().withFixed("Q");
        assertEquals(0, recv.stateSize());
        assertEquals(1, recv.stateAlign());
        Callee.Channel withPointer = new Callee.Channel(true, new Type.Channel(Type.U8, 4, false)).withDirect();
        assertEquals(4, withPointer.stateAlign(), "the channel pointer comes first");
    }
}

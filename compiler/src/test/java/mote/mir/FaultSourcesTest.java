package mote.mir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import mote.Compiler;
import mote.opt.Optimization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What lets a program fault, and so keeps runtime-c's fault report in its image: a register
 * read or write, an interrupt handler, recursion. Each is found wherever it is (a sync fn, an
 * async fn, a fn nothing calls), with and without the async optimizations, which inline
 * functions into others.
 */
class FaultSourcesTest {
    @TempDir Path dir;

    private String sources(String source, boolean optimized) throws IOException {
        Path file = dir.resolve("prog.mote");
        Files.writeString(file, source);
        var opts = optimized ? EnumSet.allOf(Optimization.class) : EnumSet.noneOf(Optimization.class);
        return FaultSources.of(Compiler.analyze(Compiler.read(file), opts, false, true).mir());
    }

    private void assertSource(String expected, String source) throws IOException {
        assertEquals(expected, sources(source, false), "--opt none:\n" + source);
        assertEquals(expected, sources(source, true), "--opt all:\n" + source);
    }

    @Test
    void aProgramOfTasksChannelsTimersAndChecksCannotFault() throws IOException {
        assertSource(null, """
                static Q: Channel<u32, 4>;
                static mut TABLE: [u32; 4] = [1, 2, 3, 4];
                fn pick(i: u32) -> u32 { TABLE[i % 4] }
                fn twice(x: u32) -> u32 { pick(x) + pick(x + 1) }
                task fn producer() {
                    for i in 0..8u32 { Q.send(twice(i)).await; sleep_us(10).await; }
                }
                async fn main() -> i32 {
                    spawn producer();
                    let mut sum: u32 = 0;
                    for _ in 0..8u32 { sum += Q.recv().await; }
                    println("{}", sum);
                    (sum / 3) as i32
                }
                """);
    }

    @Test
    void aRegisterReadOrWriteAnywhereCanFault() throws IOException {
        assertSource("register `STATUS`", """
                register STATUS: u32 @ 0x4000_0000;
                fn ready() -> bool { STATUS & 1 != 0 }
                async fn main() -> i32 { if ready() { 1 } else { 0 } }
                """);
        assertSource("register `LED`", """
                register LED: u32 @ 0x4000_0004;
                async fn blink() { LED = 1; yield_now().await; LED = 0; }
                async fn main() -> i32 { blink().await; 0 }
                """);
        // Not called: still in the image's source, and cheap to be wrong about the other way.
        assertSource("register `LED`", """
                register LED: u32 @ 0x4000_0004;
                fn unused() { LED = 1; }
                async fn main() -> i32 { 0 }
                """);
    }

    @Test
    void anInterruptHandlerCanFault() throws IOException {
        assertSource("interrupt handler `UART0`", """
                static RX: Signal<u32>;
                interrupt UART0() { RX.raise(1); }
                async fn main() -> i32 { RX.wait().await as i32 }
                """);
    }

    @Test
    void recursionDirectOrThroughOthersCanOverflowTheStack() throws IOException {
        assertSource("recursion through `down`", """
                fn down(n: u32) -> u32 { if n == 0 { 0 } else { down(n - 1) + 1 } }
                async fn main() -> i32 { down(5) as i32 }
                """);
        String mutual = sources("""
                fn even(n: u32) -> bool { if n == 0 { true } else { odd(n - 1) } }
                fn odd(n: u32) -> bool { if n == 0 { false } else { even(n - 1) } }
                async fn main() -> i32 { if even(10) { 0 } else { 1 } }
                """, false);
        assertEquals(true, mutual != null && mutual.startsWith("recursion through"), String.valueOf(mutual));
    }

    /** A long chain of calls is walked without recursion in the compiler (no StackOverflowError). */
    @Test
    void aDeepCallChainIsNoRecursion() throws IOException {
        StringBuilder src = new StringBuilder("fn f0(x: u32) -> u32 { x + 1 }\n");
        for (int i = 1; i < 3000; i++) src.append("fn f").append(i).append("(x: u32) -> u32 { f").append(i - 1).append("(x) + 1 }\n");
        src.append("async fn main() -> i32 { f2999(0) as i32 }\n");
        assertNull(sources(src.toString(), false));
    }
}

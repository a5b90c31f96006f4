package mote.cli;

import static mote.cli.CliTest.mote;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import mote.testutil.ProgramRunner;
import org.junit.jupiter.api.Test;

/** A program whose worst-case stack is known to exceed the board's fails to build, like one too large for flash. */
class StackOverflowBuildTest {
    private static Path program(String text) throws Exception {
        Path file = ProgramRunner.tempDir().resolve("deep.mote");
        Files.writeString(file, text);
        return file;
    }

    private static final String DEEP = """
            fn fill(n: u32) -> u32 {
                let mut buf: [u32; 1500] = [0; 1500];
                for i in 0..1500 { buf[i] = n + i as u32; }
                buf[(n as usize) % 1500]
            }
            async fn main() -> i32 { (fill(3) % 7) as i32 }
            """;

    @Test
    void buildFailsAfterPrintingTheReportAndLeavesNoImage() throws Exception {
        String out = CliTest.outDir();
        CliTest.Outcome o = mote("build", program(DEEP).toString(), "-o", out);
        assertEquals(1, o.exit(), o.err());
        assertTrue(o.out().contains("Poll stack (max)") && o.out().contains("Stack (worst case): "), o.out());
        assertTrue(o.err().startsWith("error: the program's worst-case stack does not fit on board `lm3s6965evb`"), o.err());
        assertFalse(o.out().contains("wrote "), o.out());
        assertFalse(Files.exists(Path.of(out, "deep.elf")), "a later mote flash or qemu/run would run it");
    }

    /**
     * An await's result used to go to a stack slot of its own, passed to the callee's poll: where
     * the callee is not inlined (code generation in partitions, which large programs get by
     * default) 600 awaits kept 600 slots, a 2.4 KB frame (3,000 awaits did not fit at all).
     * They share one slot now, and the frame is the whole-program build's, give or take.
     */
    @Test
    void manyAwaitsOfACalleeInAnotherPartitionShareOneResultSlot() throws Exception {
        StringBuilder text = new StringBuilder("async fn w() -> u32 { yield_now().await; 1 }\nasync fn main() -> i32 {\n    let mut s = 0u32;\n");
        for (int i = 0; i < 600; i++) text.append("    s += w().await;\n");
        text.append("    (s % 256) as i32\n}\n");
        Path file = program(text.toString());
        for (String units : new String[] {"1", "2"}) {
            CliTest.Outcome o = mote("build", file.toString(), "--codegen-units", units, "-o", CliTest.outDir());
            assertEquals(0, o.exit(), o.err());
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("Stack \\(worst case\\): (\\d+) B").matcher(o.out());
            assertTrue(m.find(), o.out());
            assertTrue(Integer.parseInt(m.group(1)) < 128, "--codegen-units " + units + ": " + m.group());
        }
    }

    @Test
    void flashRefusesIt() throws Exception {
        CliTest.Outcome o = mote("flash", program(DEEP).toString(), "--dry-run", "-o", CliTest.outDir());
        assertEquals(1, o.exit(), o.err());
        assertTrue(o.err().startsWith("error: the program's worst-case stack does not fit"), o.err());
    }

    /**
     * The helpers code generation calls count: a 64-bit division calls arith.c's assembly shim
     * and its C helpers, 88 bytes deeper than the fn that divides. Without them this program
     * passed for 4,096 bytes and ran off the stack.
     */
    @Test
    void theHelpersCodeGenerationCallsCount() throws Exception {
        String divides = """
                static mut A: i64 = 12345678901;
                static mut B: i64 = 987654321987;
                fn deep(a: i64, b: i64, n: u32) -> i64 {
                    let mut buf = [0i64; 503];
                    for i in 0..buf.len() { buf[i] = a + (i as i64) * b; }
                    let j = n % buf.len();
                    buf[j] / (b - 3) + buf[(j * 7) % buf.len()] % (a + 1)
                }
                async fn main() {
                    A = A * 3;
                    println("{}", deep(A, B, 1));
                }
                """;
        CliTest.Outcome o = mote("build", program(divides).toString(), "-o", CliTest.outDir());
        assertTrue(o.out().contains("-> __aeabi_ldivmod 24 -> mote_sdivmod64 40 -> mote_udivmod64 24)"), o.out());
        assertEquals(1, o.exit(), o.out());
    }

    @Test
    void runFailsAtBuildTimeWithoutStartingQemu() throws Exception {
        CliTest.Outcome o = mote("run", program(DEEP).toString(), "-o", CliTest.outDir(), "--timeout", "30");
        assertEquals(1, o.exit(), o.err());
        assertTrue(o.err().startsWith("error: the program's worst-case stack does not fit"), o.err());
        assertEquals("", o.console());
    }

    @Test
    void recursionBuildsAndSaysTheStackIsUnbounded() throws Exception {
        String recursive = mote.testutil.TestFiles.resources("opt").resolve("recursive.mote").toString();
        CliTest.Outcome o = mote("build", recursive, "-o", CliTest.outDir());
        assertEquals(0, o.exit(), o.err());
        assertTrue(o.out().contains("unbounded: recursion through fib -> fib"), o.out());
        assertTrue(o.out().contains("Stack (worst case): unbounded"), o.out());
    }
}

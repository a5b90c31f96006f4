package mote.cli;

import static mote.cli.CliTest.mote;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
    void buildFailsAfterPrintingTheReport() throws Exception {
        CliTest.Outcome o = mote("build", program(DEEP).toString(), "-o", CliTest.outDir());
        assertEquals(1, o.exit(), o.err());
        assertTrue(o.out().contains("Poll stack (max)") && o.out().contains("Stack (worst case): "), o.out());
        assertTrue(o.err().startsWith("error: the program's worst-case stack does not fit on board `lm3s6965evb`"), o.err());
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

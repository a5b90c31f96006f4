package mote.llvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import mote.Compiler;
import mote.board.Board;
import mote.testutil.ProgramRunner;
import org.junit.jupiter.api.Test;

/**
 * `yield_now().await` awaited directly suspends on its first poll and is ready on the next, so
 * its state alone says which poll it is: no "yielded" flag is loaded or stored. As a `join` or
 * `race` branch it is polled again whenever a sibling wakes the task, and keeps the flag.
 * (run/yield_round_robin.mote runs both under every optimization set.)
 */
class YieldCodegenTest {
    private static String ir(String program, boolean debug) throws IOException {
        Path dir = ProgramRunner.tempDir();
        Path src = dir.resolve("prog.mote");
        Files.writeString(src, program);
        Compiler.Options o = Compiler.Options.defaults(Board.load("lm3s6965evb"), dir).withOptLevel(LlvmBackend.OptLevel.O0);
        if (debug) o = o.withDebug(true);
        Compiler.compile(src, o.withEmit(EnumSet.of(Compiler.Emit.ELF, Compiler.Emit.LL)));
        return Files.readString(dir.resolve("prog.ll"));
    }

    private static int count(String text, String what) {
        return text.split(java.util.regex.Pattern.quote(what), -1).length - 1;
    }

    private static final String DIRECT = """
            async fn main() -> i32 {
                let mut n: u32 = 0;
                for _i in 0..4 {
                    yield_now().await;
                    n += 1;
                }
                yield_now().await;
                n as i32
            }
            """;

    @Test
    void anAwaitedYieldKeepsNoFlag() throws IOException {
        String ll = ir(DIRECT, false);
        assertFalse(ll.contains("%yielded"), ll);
        assertFalse(ll.contains("yield.first"), ll);
        assertEquals(2, count(ll, "call void @mote_wake_current()"), ll);   // one per yield
    }

    @Test
    void aYieldInAJoinBranchKeepsItsFlag() throws IOException {
        String ll = ir("""
                async fn main() -> i32 {
                    let mut a: u32 = 0;
                    join { yield_now().await; a += 1; } and { yield_now().await; yield_now().await; a += 2; }
                    a as i32
                }
                """, false);
        assertTrue(ll.contains("%yielded = load i8"), ll);
    }

    @Test
    void debugBuildsStillSetTheFlagTheDebuggerShows() throws IOException {
        String debug = ir(DIRECT, true), plain = ir(DIRECT, false);
        assertFalse(debug.contains("%yielded"), debug);
        // One store of the flag at each of the two yields, which other builds leave out.
        assertEquals(count(plain, "store i8 1, ptr") + 2, count(debug, "store i8 1, ptr"), debug);
    }
}

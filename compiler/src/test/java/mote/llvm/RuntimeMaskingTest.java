package mote.llvm;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mote.Compiler;
import mote.board.Board;
import mote.home.Toolchain;
import mote.testutil.ProgramRunner;
import org.junit.jupiter.api.Test;

/**
 * runtime-c masks interrupts around the ready set, channels, events and mutexes only where a
 * handler could preempt it (`mote_handlers_use_runtime`, decided by {@link WholeProgram}): a
 * program with neither an interrupt handler nor a timer has no `primask` access in its image;
 * one with either keeps the masking. The run tests check both kinds of program behave.
 */
class RuntimeMaskingTest {
    private static final String TASKS = """
            static PING: Channel<u32, 2>;

            task fn producer() {
                for i in 0..3u32 {
                    PING.send(i).await;
                    yield_now().await;
                }
            }

            async fn main() -> i32 {
                spawn producer();
                let mut sum = 0u32;
                for _i in 0..3u32 {
                    sum += PING.recv().await;
                }
                %s
                sum as i32
            }
            """;

    @Test
    void aProgramWithoutHandlersOrTimersNeverMasks() throws IOException {
        String code = disassembly(TASKS.formatted(""));
        assertTrue(code.contains("mote_channel_recv") || code.contains("producer"), code);
        assertFalse(code.contains("primask"), "thread-mode-only runtime code still masks:\n" + code);
    }

    @Test
    void aTimerKeepsTheMasking() throws IOException {
        assertTrue(disassembly(TASKS.formatted("sleep_us(10).await;")).contains("primask"));
    }

    @Test
    void anInterruptHandlerKeepsTheMasking() throws IOException {
        String handler = """
                static mut HITS: u32 = 0;

                interrupt WATCHDOG() {
                    HITS += 1;
                }
                """;
        assertTrue(disassembly(handler + TASKS.formatted("")).contains("primask"));
    }

    private static String disassembly(String program) throws IOException {
        Board board = Board.load("lm3s6965evb");
        Path dir = ProgramRunner.tempDir();
        Path source = dir.resolve("prog.mote");
        Files.writeString(source, program);
        Compiler.Result r = Compiler.compile(source, Compiler.Options.defaults(board, dir));
        Toolchain tc = Toolchain.get();
        return tc.check(tc.tool("llvm-objdump"), List.of("-d", "--no-show-raw-insn", r.elf().toString()));
    }
}

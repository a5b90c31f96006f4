package mote.llvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * What {@link WholeProgram} decides about runtime-c from the whole program:
 * - it masks interrupts around channels, events and mutexes only where a handler could
 *   preempt it (`mote_handlers_use_runtime`): a program without an interrupt handler has no
 *   `primask` access in its image but the timers' own; one with a handler keeps the masking;
 * - startup copies .data only when a variable starts non-zero (`mote_image_has_data`);
 * - built for speed (-O 2), runtime-c is compiled for speed (MOTE_FOR_SPEED) and the program's
 *   functions may inline it; built for size they never do, and their calls to a runtime
 *   function used in many places stay calls even once a poll is inlined into the executor.
 * The run tests check that programs of every kind behave.
 */
class WholeProgramFactsTest {
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

    /**
     * A timer's SysTick handler touches only the timers, which the timer code masks itself, and
     * ready flags: the channels' masking folds away as in a program without timers, and the
     * timers' own stays. Two sleeping tasks get per-task timers; reading the clock brings the
     * queue, whose handler masks too.
     */
    @Test
    void timersMaskOnlyTheirOwnCode() throws IOException {
        String twoSleepers = TASKS.replace("yield_now().await;", "sleep_us(5).await;");
        String perTask = disassembly(twoSleepers.formatted("sleep_us(10).await;"));
        assertTrue(function(perTask, "mote_task_sleep_us").contains("primask"), perTask);
        String queue = disassembly(twoSleepers.formatted("sleep_us(10).await; sum += ticks() as u32;"));
        assertTrue(function(queue, "SysTick_Handler").contains("primask"), queue);
        for (String code : List.of(perTask, queue)) {
            assertFalse(function(code, "mote_channel_send").contains("primask"), code);
            assertFalse(function(code, "mote_channel_recv").contains("primask"), code);
        }
    }

    /**
     * One timer at a time (mote.mir.TimerUse): no clock and no queue. A sleep starts SysTick for
     * its length, and the SysTick handler stops it, marks the node fired and sets the sleeper's
     * ready flag: a handful of instructions that need no masking, so the channels' masking
     * folds away as in a program without timers. Reading the clock once brings the clock and
     * queue back, and costs more than 300 bytes of flash.
     */
    @Test
    void oneTimerAtATimeNeedsNoClockQueueOrMasking() throws IOException {
        String single = TASKS.formatted("sleep_us(10).await;");
        String code = disassembly(single);
        assertFalse(code.contains("primask"), code);
        String handler = function(code, "SysTick_Handler");
        assertTrue(handler.lines().count() <= 14, handler);
        String clocked = TASKS.formatted("sleep_us(10).await; sum += ticks() as u32;");
        long saved = flashBytes(clocked) - flashBytes(single);
        assertTrue(saved >= 300, "one timer at a time saved only " + saved + " bytes");
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

    private static final String YIELDS = """
            task fn other() {
                for _i in 0..3u32 { yield_now().await; }
            }

            async fn main() -> i32 {
                spawn other();
                for _i in 0..3u32 { yield_now().await; }
                println("done");
                0
            }
            """;

    @Test
    void builtForSpeedTheProgramInlinesRuntimeHelpers() throws IOException {
        // Both tasks yield: each calls mote_wake_current, which -O s keeps out of line.
        assertTrue(disassembly(YIELDS, LlvmBackend.OptLevel.S).contains("<mote_wake_current>:"));
        assertFalse(disassembly(YIELDS, LlvmBackend.OptLevel.O2).contains("<mote_wake_current>:"));
        Path source = ProgramRunner.tempDir().resolve("prog.mote");
        Files.writeString(source, YIELDS);
        ProgramRunner.Run fast = ProgramRunner.run(source, "lm3s6965evb", o -> o.withOptLevel(LlvmBackend.OptLevel.O2));
        assertEquals("done\n", fast.output());
        assertEquals(0, fast.qemu().exitCode());
    }

    /**
     * Built for speed the executor polls each single-instance task by a direct call
     * (`mote_poll_task`), which the optimiser inlines: no indirect call is left in the
     * executor and the tasks' poll functions are gone; built for size it calls through the
     * task table, one `blx`, and `mote_poll_task` is dropped.
     */
    @Test
    void builtForSpeedTheExecutorPollsTasksDirectly() throws IOException {
        String speed = function(disassembly(YIELDS, LlvmBackend.OptLevel.O2), "mote_executor_run");
        assertFalse(speed.contains("blx"), speed);
        assertFalse(disassembly(YIELDS, LlvmBackend.OptLevel.O2).contains("<_M5other.task>:"));
        String size = disassembly(YIELDS, LlvmBackend.OptLevel.S);
        assertTrue(function(size, "mote_executor_run").contains("blx"), size);
        assertFalse(size.contains("<mote_poll_task>:"), size);
    }

    /**
     * One task on each side of every channel (mote.mir.ChannelWaiters): each side keeps its
     * task's id, so the lists of waiter nodes and their code are gone, and the image is smaller
     * than the same program with a second receiving task.
     */
    @Test
    void oneWaitingTaskPerSideNeedsNoWaiterLists() throws IOException {
        String direct = disassembly(TASKS.formatted(""));
        String lists = disassembly(TWO_RECEIVERS);
        for (String helper : List.of("<notify_first>:", "<poll_waiter>:"))
            assertFalse(direct.contains(helper), helper + " in\n" + direct);
        assertTrue(lists.contains("<notify_first>:"), lists);
        long saved = flashBytes(TWO_RECEIVERS) - flashBytes(TASKS.formatted(""));
        // The second task's own poll is about 40 bytes; the lists' code about 200 more.
        assertTrue(saved >= 150, "direct channels saved only " + saved + " bytes");
    }

    private static long flashBytes(String program) throws IOException {
        Path dir = ProgramRunner.tempDir();
        Path source = dir.resolve("prog.mote");
        Files.writeString(source, program);
        return Compiler.compile(source, Compiler.Options.defaults(Board.load("lm3s6965evb"), dir)).size().flash();
    }

    /** One function's lines of an llvm-objdump disassembly. */
    private static String function(String disassembly, String name) {
        int start = disassembly.indexOf("<" + name + ">:");
        assertTrue(start >= 0, name + " in\n" + disassembly);
        int end = disassembly.indexOf("\n\n", start);
        return disassembly.substring(start, end < 0 ? disassembly.length() : end);
    }

    /** TASKS with a second task that could wait to receive from PING: its channel keeps lists of waiters. */
    private static final String TWO_RECEIVERS = "task fn listener() { let _v = PING.recv().await; }\n" + TASKS.formatted("");

    @Test
    void builtForSpeedChannelHelpersAreInlined() throws IOException {
        // copy and notify_first are out of line only to save flash (MOTE_OUT_OF_LINE).
        String size = disassembly(TWO_RECEIVERS, LlvmBackend.OptLevel.S);
        String speed = disassembly(TWO_RECEIVERS, LlvmBackend.OptLevel.O2);
        assertTrue(size.contains("<notify_first>:"), size);
        assertFalse(speed.contains("<notify_first>:"), speed);
    }

    @Test
    void builtForSpeedConsoleOutputStaysSmallAndOutOfLine() throws IOException {
        // Printing waits on the UART: at -O 2 it is compiled as small as at -O s and not
        // inlined into each print (MOTE_CONSOLE_CODE_BEGIN); compiled -O2 and inlined it
        // doubled hello's image.
        String program = """
                async fn main() -> i32 {
                    for i in 0..3u32 { println("tick {}", i); }
                    println("{} {}", 7u32, 8u32);
                    0
                }
                """;
        Board board = Board.load("lm3s6965evb");
        Path dir = ProgramRunner.tempDir();
        Path source = dir.resolve("prog.mote");
        Files.writeString(source, program);
        long size = Compiler.compile(source, Compiler.Options.defaults(board, dir.resolve("s"))).size().flash();
        long speed = Compiler.compile(source, Compiler.Options.defaults(board, dir.resolve("2"))
                .withOptLevel(LlvmBackend.OptLevel.O2)).size().flash();
        // 1.25 x while every image had the fault report (some 200 B at both levels); this
        // program touches no hardware, and without it the ratio of the same difference is 1.34.
        assertTrue(speed <= size + size * 2 / 5, "-O 2 " + speed + " B against -O s " + size + " B");
        assertTrue(disassembly(program, LlvmBackend.OptLevel.O2).contains("<mote_print_u32>:"));
    }

    @Test
    void builtForSizeAWidelyUsedRuntimeHelperStaysOneCopy() throws IOException {
        // One task, so its poll is inlined into mote_executor_run; before, the inliner then
        // copied the text printer and mote_print_u32 into every print of it. Ten texts print
        // as C strings (CStringTexts), so the printer is mote_print_cstr, and the length one
        // is gone.
        StringBuilder prints = new StringBuilder();
        for (int i = 0; i < 10; i++) prints.append("    println(\"line ").append(i).append(": {}\", n + ").append(i).append(");\n");
        String program = "register N: u32 @ 0x2000_FFF0;\n\nasync fn main() -> i32 {\n    let n = N;\n" + prints + "    0\n}\n";
        String code = disassembly(program);
        assertTrue(code.contains("<mote_print_cstr>:"), code);
        assertFalse(code.contains("<mote_print_str>:"), code);
        assertTrue(code.contains("<mote_print_u32>:"), code);
        assertTrue(calls(code, "mote_print_cstr") >= 10, code);
        assertTrue(calls(code, "mote_print_u32") >= 10, code);
        // The last println's newline is one byte to the console driver, not a one-byte string;
        // the others' join the next line's text (PrintMerge).
        assertTrue(calls(code, "mote_console_putc") >= 1, code);
        Path source = ProgramRunner.tempDir().resolve("prog.mote");
        Files.writeString(source, program);
        assertTrue(ProgramRunner.run(source, "lm3s6965evb").output().startsWith("line 0: 0\nline 1: 1\n"));
    }

    @Test
    void onlyAProgramThatCanPanicHasThePanicEntry() throws IOException {
        // qemu/gdbinit breaks on mote_panic_begin: kept, out of line and named, where a panic
        // can happen; gone, with its text, where none can.
        assertFalse(disassembly("async fn main() -> i32 { 0 }").contains("<mote_panic_begin>"));
        String panics = """
                register N: u32 @ 0x2000_FFF0;

                async fn main() -> i32 {
                    if N == 7 { panic("seven"); }
                    0
                }
                """;
        assertTrue(disassembly(panics).contains("<mote_panic_begin>:"));
    }

    private static long calls(String disassembly, String fn) {
        return disassembly.lines().filter(l -> l.contains("bl") && l.contains("<" + fn + ">")).count();
    }

    private static final String STATIC = """
            static mut COUNT: u32 = %s;

            async fn main() -> i32 {
                COUNT += 1;
                println("{}", COUNT);
                0
            }
            """;

    @Test
    void startupCopiesDataOnlyWhenAVariableStartsNonZero() throws IOException {
        ProgramRunner.Run zero = run(STATIC.formatted("0")), seven = run(STATIC.formatted("7"));
        assertEquals("1\n", zero.output());
        assertEquals("8\n", seven.output());
        assertEquals(0, zero.build().size().data());
        assertEquals(4, seven.build().size().data());
        // The copy loop and its three addresses: 28 bytes on v7-M.
        long without = resetHandlerSize(zero.build()), with = resetHandlerSize(seven.build());
        assertTrue(with - without >= 16, "Reset_Handler: " + without + " B without .data, " + with + " B with");
    }

    private static long resetHandlerSize(Compiler.Result r) {
        Toolchain tc = Toolchain.get();
        String out = tc.check(tc.llvmNm(), List.of("--print-size", "--radix=d", "--defined-only", r.elf().toString()));
        for (String line : out.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 4 && parts[3].equals("Reset_Handler")) return Long.parseLong(parts[1]);
        }
        throw new AssertionError("no Reset_Handler in\n" + out);
    }

    private static ProgramRunner.Run run(String program) throws IOException {
        Path source = ProgramRunner.tempDir().resolve("prog.mote");
        Files.writeString(source, program);
        return ProgramRunner.run(source, "lm3s6965evb");
    }

    /**
     * A program that prints 32-bit values both in decimal and in hex shares one digit loop
     * between the two printers (`mote_print_digits_shared`); one that prints only decimals
     * keeps its own loop, base 10 a constant; built for speed, each printer keeps its own.
     */
    @Test
    void decimalAndHexShareTheirDigitLoopOnlyWhenBothAreUsed() throws IOException {
        String both = "async fn main() { let v: u32 = 1234; println(\"{} {} {} {:x}\", v, v + 1, v + 2, v + 3); }";
        String decimal = "async fn main() { let v: u32 = 1234; println(\"{} {} {}\", v, v + 1, v + 2); }";
        // The values come from a register the optimiser cannot read ahead, so the prints stay.
        String register = "register SEED: u32 @ 0x2000_FFF0;\n";
        both = register + both.replace("let v: u32 = 1234;", "let v: u32 = SEED;");
        decimal = register + decimal.replace("let v: u32 = 1234;", "let v: u32 = SEED;");
        assertTrue(disassembly(both).contains("<print_digits32>:"), "decimal and hex keep one loop");
        String alone = disassembly(decimal);
        assertFalse(alone.contains("<print_digits32>:"), alone);
        assertFalse(function(alone, "mote_print_u32").contains("udiv"), "base 10 is a constant: no division instruction");
        assertFalse(disassembly(both, LlvmBackend.OptLevel.O2).contains("<print_digits32>:"), "built for speed, each keeps its own");
    }

    private static String disassembly(String program) throws IOException {
        return disassembly(program, LlvmBackend.OptLevel.S);
    }

    private static String disassembly(String program, LlvmBackend.OptLevel level) throws IOException {
        Board board = Board.load("lm3s6965evb");
        Path dir = ProgramRunner.tempDir();
        Path source = dir.resolve("prog.mote");
        Files.writeString(source, program);
        Compiler.Result r = Compiler.compile(source, Compiler.Options.defaults(board, dir).withOptLevel(level));
        Toolchain tc = Toolchain.get();
        return tc.check(tc.tool("llvm-objdump"), List.of("-d", "--no-show-raw-insn", r.elf().toString()));
    }
}

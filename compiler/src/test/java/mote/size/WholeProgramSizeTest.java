package mote.size;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import mote.Compiler;
import mote.board.Board;
import mote.home.MoteHome;
import mote.link.ImageSize;
import mote.testutil.ProgramRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * runtime-c optimised as part of the program (mote.llvm.WholeProgram): images pinned at or
 * below their measured size (sizes are deterministic, so a bound that is crossed is a
 * regression, not noise), and the runtime pieces a program does not use absent from it.
 */
class WholeProgramSizeTest {
    private static final Board BOARD = Board.load("lm3s6965evb");

    private static Compiler.Result build(Path source, Compiler.Options options) {
        return Compiler.compile(source, options);
    }

    private static Compiler.Result build(Path source) {
        return build(source, Compiler.Options.defaults(BOARD, ProgramRunner.tempDir()));
    }

    private static Compiler.Result build(String program) throws IOException {
        Path dir = ProgramRunner.tempDir();
        Path source = dir.resolve("prog.mote");
        Files.writeString(source, program);
        return build(source, Compiler.Options.defaults(BOARD, dir));
    }

    /**
     * Whole-image flash under `-O s --opt all` on lm3s6965evb. Before runtime-c was linked into
     * the program (bitcode, internalized) these were 1010, 2434, 8006, 1370, 1450, 1530, 1530
     * and 1518 bytes. (mote_task_count stays in the image for gdb's `mote-task`: 2-6 bytes.)
     * The fault report (issue 16: stacked frame, task, CFSR/HFSR/DFSR/MMFAR/BFAR in hex, exit
     * 102, decoded on the host) costs v7-M images 16 bytes over the old `unhandled exception N`
     * (24 with several tasks, whose id it prints); v6-M ones nothing or less. A stack overflow's
     * report names the interrupt handler that ran off the stack by the NVIC's active bits: 4
     * more bytes on v7-M (the default handler loads their address instead of zero). Programs
     * whose variables all start at zero skip startup's .data copy (28 bytes on v7-M), and those
     * without interrupt handlers or timers the runtime's masking; ARM's global merging
     * (mote.llvm.LlvmBackend) addresses neighbouring globals from one base register. Runtime
     * helpers used in many places stay one copy when a poll is inlined into the executor, and
     * println's newline is one byte to the console driver (mote.llvm.WholeProgram, PrintEmitter);
     * a program that cannot panic has no mote_panic_begin. Panic sites as one packed word each
     * (mote.llvm.PanicSites) took 120 bytes from examples/firmware.mote and 80 from
     * bench/firmware.mote; an awaited yield_now without its flag, 4-24 bytes from the others.
     * A sleep's future without its duration (16 bytes, not 24) took 36 more from
     * bench/firmware.mote and gave examples/firmware.mote 32 back: its states shrank, and ARM's
     * global merging grouped the globals its tasks use differently (more base addresses).
     * Starting each task in its known slot (mote_task_start, no pool search, no Unresumed
     * store) took 56 bytes from bench/firmware.mote and 136 from examples/firmware.mote.
     * Channels whose sides have one waiting task each keep its id instead of lists (no list
     * code, no waiter nodes: mote.opt.DirectChannels) took 332 from bench/firmware.mote and 348
     * from examples/firmware.mote; keeping every call to a runtime function with more than two
     * live callers (mote.llvm.WholeProgram) 24-60 from each of these. Addresses from literal
     * pools when built for size (+no-movt, mote.llvm.LlvmBackend), a signal's value in its
     * channel header's senders word and channel waits on a named static without a pointer
     * (mote.opt.FixedChannels) took 236 from bench/firmware.mote and 424 from
     * examples/firmware.mote; hello grew by 2, its console write's literal pool alignment.
     * Copy propagation (a constant or a copy of a value still held is not saved across an
     * await again: mote.opt.CopyPropagation) took 96 more from bench/firmware.mote, 144 from
     * bench/switch.mote and 4 from hello. Addresses and string literals computed again after an
     * await instead of saved (mote.opt.Rematerialize, mote.opt.ConstantCalls) took 20 more from
     * bench/firmware.mote and 60 from examples/firmware.mote. An executor sweeping a ready byte
     * per task (a wake-up is one store, no masking, no round-robin mask to keep) took 12 from
     * the empty image, 28 from each firmware and 36 from bench/switch.mote. One timer at a time
     * (mote.mir.TimerUse: one sleeping task, no clock read) took 404 from bench/speed/timer.mote,
     * a task sleeping in a loop, and 280-508 from 24 run tests. Leaving the fault report out of
     * the images of programs with no register, interrupt handler or recursion
     * (mote.mir.FaultSources; the default handler then only exits, from a fresh stack) took 192
     * from the empty image, 160-172 from the examples and bench/firmware.mote, 188 from
     * bench/switch.mote; bench/speed/timer.mote has a register and keeps it. Sends and receives
     * on a static no close() names check for no closed channel: 200 from examples/firmware.mote.
     * One timer per task (mote.opt.TaskTimers: a 32-bit deadline per task slot, no queue),
     * no live-task count and no task status where main returns an exit code, and the task
     * table, task arrays and panic-site table at their elements' alignment instead of 16 took
     * 172 from bench/firmware.mote, 168 from examples/firmware.mote and 52 from
     * bench/switch.mote. Parameters every caller passes one constant (mote.opt.ConstantArguments)
     * and values recomputed from saved ones (mote.opt.RecomputeValues) took 44 more from each
     * firmware. Counting the padding between code and read-only data (the code ends on a word
     * since) added 2 to switch and to each firmware. Compact channel headers in direct programs
     * (mote.opt.CompactChannels: 40 bytes of RAM on each firmware), the panic-site rows of the
     * checks the optimiser removed dropped (mote.llvm.PanicSitePruning: 32 from
     * bench/firmware.mote, 40 from examples/firmware.mote), and one digit loop for decimal and
     * hex where a program prints both (44 from bench/firmware.mote) took 112 from
     * bench/firmware.mote and 116 from examples/firmware.mote. Packed task states on v7-M
     * (mote.opt.OverlapLayout: the discriminant last, no alignment asked for saved values) took 4
     * from bench/firmware.mote and 24 from examples/firmware.mote (and 20 and 16 bytes of RAM),
     * and added 4 to bench/switch.mote (whose RAM went down by 8). Saved counters kept in
     * fewer bytes (mote.mir.ValueRanges) took 8 more from bench/firmware.mote and 20 from
     * examples/firmware.mote. Compact signals (a byte for count and waiting task, mote.opt.CompactChannels),
     * an unmasked SysTick handler for per-task timers and one pointer walking .data and .bss in
     * Reset_Handler took 40 from bench/firmware.mote and 56 from examples/firmware.mote, and
     * mote_exit defined where the semihosting call is (a call to it was never inlined: it does
     * not return) 4 from every image (foo_bar's and pre_post's pins also lost 4 bytes of slack).
     * No masking in the channels where only the timers' SysTick handler runs outside thread mode
     * took 52 more from bench/firmware.mote and 56 from examples/firmware.mote. Bounds checks
     * the whole program proves (mote.opt.ProvenChecks: a line's length bounded by every store
     * to it, read again after its test) took 88 from bench/firmware.mote and 28 from
     * examples/firmware.mote. Texts printed as C strings (mote.llvm.CStringTexts) and panic
     * messages and locations as C strings took 72 from bench/firmware.mote, 80 from
     * examples/firmware.mote, 16-28 from four of the examples; merging functions that differ
     * only in their parameters' value ranges (mote_task_start and mote_wake_locked) 16 more
     * from both firmwares; lookup tables of bytes (mote.llvm.NarrowLookupTables) 4 more from
     * bench/firmware.mote, and its console's checks proven case by case (mote.opt.CheckCases:
     * validated, then dispatched) 44.
     */
    @ParameterizedTest
    @CsvSource({
            "bench/empty.mote, 368",
            "bench/switch.mote, 1568",
            "bench/firmware.mote, 5308",
            "bench/speed/timer.mote, 672",
            // The same firmware in 0.2's idioms: data enums through a channel, Option and Result,
            // slices with their bounds checks, a closed channel (716 B more than its 0.1 text).
            "examples/firmware.mote, 6072",
            "examples/foo_bar.mote, 468",
            "examples/forwarding.mote, 544",
            "examples/hello.mote, 644",
            "examples/pre_post.mote, 588",
            "examples/process_command.mote, 584"})
    void imagesStayWithinTheirMeasuredFlash(String file, long bound) {
        ImageSize size = build(MoteHome.get().resolve(file)).size();
        assertTrue(size.flash() <= bound, file + ": " + size.flash() + " B of flash, pinned at " + bound);
    }

    /**
     * RAM beside the stack (.data and .bss), pinned likewise: packed task states (the
     * discriminant last, no alignment asked for saved values), read-only data, .data and .bss
     * sorted by alignment in the linker script, a direct wait on a named static aligned as its
     * item, saved counters kept in fewer bytes, and compact signals (one byte, then the value:
     * 12 bytes less in bench/firmware.mote, 8 in examples/firmware.mote). Before them
     * bench/firmware.mote took 436 and examples/firmware.mote 532.
     */
    @ParameterizedTest
    @CsvSource({
            "bench/firmware.mote, 396",
            "examples/firmware.mote, 500",
            "bench/switch.mote, 88"})
    void ramStaysWithinItsMeasuredBytes(String file, long bound) {
        ImageSize size = build(MoteHome.get().resolve(file)).size();
        long ram = size.ram() - size.stack();
        assertTrue(ram <= bound, file + ": " + ram + " B of RAM beside the stack, pinned at " + bound);
    }

    /**
     * bench/firmware.mote's four sleeping tasks each sleep one constant at a time: runtime-c keeps
     * a deadline per task, with no queue (mote.opt.TaskTimers). Its `main` returns an exit code,
     * so nothing counts live tasks and nothing reads a task's status: neither is in the image.
     */
    @Test
    void theFirmwareKeepsADeadlinePerTaskAndNoTaskStatus() throws IOException {
        Set<String> firmware = SizeBaseline.symbols(build(MoteHome.get().resolve("bench/firmware.mote")).elf()).keySet();
        assertTrue(firmware.contains("mote_task_sleep_us") && firmware.contains("mote_task_deadlines"), firmware.toString());
        assertFalse(firmware.contains("mote_sleep_us") || firmware.contains("expire_and_reprogram"), firmware.toString());
        assertFalse(firmware.contains("mote_task_status") || firmware.contains("live_tasks"), firmware.toString());
        // A unit main ends the program when the last task stops: the count stays.
        Set<String> unit = SizeBaseline.symbols(build("""
                task fn worker(n: u32) { println("worker {}", n); }
                async fn main() { spawn worker(1); }
                """).elf()).keySet();
        assertTrue(unit.contains("live_tasks"), unit.toString());
    }

    /**
     * A task with one instance whose spawns are certain (CertainSpawns: started once, from
     * `main`) is started in its known slot (mote_task_start) with no search of a pool: a
     * firmware that starts its tasks from `main` links no mote_task_claim. A pool, or a spawn
     * that may fail, still claims. In the firmware, starting a slot comes down to the same byte
     * store as waking a task, and the two functions are one (LlvmBackend merges functions whose
     * parameters only differ in their value ranges).
     */
    @Test
    void certainSpawnsOfOneInstanceStartTheirSlotWithoutClaiming() throws IOException {
        Set<String> firmware = SizeBaseline.symbols(build(MoteHome.get().resolve("bench/firmware.mote")).elf()).keySet();
        assertTrue(firmware.contains("mote_task_start") != firmware.contains("mote_wake_locked"), firmware.toString());
        assertFalse(firmware.contains("mote_task_claim"), firmware.toString());
        Set<String> pool = SizeBaseline.symbols(build("""
                task(2) fn worker(n: u32) { println("worker {}", n); }
                async fn main() -> i32 {
                    spawn worker(1);
                    spawn worker(2);
                    0
                }
                """).elf()).keySet();
        assertTrue(pool.contains("mote_task_claim"), pool.toString());
        Set<String> retried = SizeBaseline.symbols(build("""
                task fn worker(n: u32) { println("worker {}", n); }
                async fn main() -> i32 {
                    for i in 0..2 {
                        if try_spawn worker(i) { println("spawned {}", i); }
                        yield_now().await;
                    }
                    0
                }
                """).elf()).keySet();
        assertTrue(retried.contains("mote_task_claim"), retried.toString());
    }

    @Test
    void theVectorTableStaysWholeAndTheEmptyImageHoldsLittleElse() {
        Compiler.Result r = build(MoteHome.get().resolve("bench/empty.mote"));
        Set<String> symbols = SizeBaseline.symbols(r.elf()).keySet();
        // 16 system vectors and the board's interrupts (startup.c rounds them up to a multiple of 8), 4 bytes each.
        assertEquals(4L * (16 + (BOARD.irqCount() + 7) / 8 * 8), SizeBaseline.symbols(r.elf()).get("mote_vector_table"));
        for (String unused : new String[] {"mote_sleep_us", "mote_channel_recv", "mote_channel_send", "mote_task_claim",
                "mote_print_u64", "mote_panic_bounds", "mote_poll_catching", "__aeabi_uldivmod"})
            assertFalse(symbols.contains(unused), unused + " is linked into an empty program: " + symbols);
    }

    /**
     * Issue 12's target: the empty image in at most 400 bytes on lm3s6965evb with its whole
     * vector table, as an expert's C (388, its unused vectors exit). It touches no hardware, so
     * it has no fault report; a program with a register keeps one, and so do debug and
     * --backtrace builds of any program.
     */
    @Test
    void aProgramThatTouchesNoHardwareHasNoFaultReport() throws IOException {
        Compiler.Result empty = build(MoteHome.get().resolve("bench/empty.mote"));
        assertTrue(empty.size().flash() <= 400, "the empty image: " + empty.size().flash() + " B of flash");
        Set<String> quiet = SizeBaseline.symbols(empty.elf()).keySet();
        assertTrue(quiet.contains("mote_default_handler"), quiet.toString());
        for (String reporting : new String[] {"mote_fault", "fault_words", "mote_print_cstr"})
            assertFalse(quiet.contains(reporting), reporting + " in an image without the report: " + quiet);
        String withRegister = """
                register ID: u32 @ 0x400F_E000;
                async fn main() -> i32 { (ID & 1) as i32 }
                """;
        Compiler.Result reporting = build(withRegister);
        assertTrue(SizeBaseline.symbols(reporting.elf()).containsKey("mote_fault"), "a program with a register keeps the report");
        assertTrue(reporting.size().flash() > empty.size().flash() + 150, "the report's flash: " + reporting.size().flash() + " B");
        for (var tweak : java.util.List.<java.util.function.UnaryOperator<Compiler.Options>>of(o -> o.withDebug(true), o -> o.withBacktrace(true))) {
            Compiler.Result kept = build(MoteHome.get().resolve("bench/empty.mote"), tweak.apply(Compiler.Options.defaults(BOARD, ProgramRunner.tempDir())));
            assertTrue(SizeBaseline.symbols(kept.elf()).containsKey("mote_fault"), "debug and --backtrace builds keep the report");
        }
    }

    /**
     * A program whose only task is a `main` returning nothing ends when main does: the executor
     * exits there, and keeps no count of live tasks (24 bytes of flash, 8 of RAM).
     */
    @Test
    void aProgramOfOneTaskEndsWithItsMain() throws IOException {
        Compiler.Result r = build("async fn main() {}\n");
        Set<String> symbols = SizeBaseline.symbols(r.elf()).keySet();
        assertFalse(symbols.contains("live_tasks"), symbols.toString());
        assertTrue(r.size().flash() <= 384, r.size().flash() + " B of flash");
        Set<String> two = SizeBaseline.symbols(build("task fn t() {}\nasync fn main() { spawn t(); }\n").elf()).keySet();
        assertTrue(two.contains("live_tasks"), "with a second task the executor counts them: " + two);
    }

    @Test
    void timersBringTheirOwnSysTickHandler() throws IOException {
        String sleeper = "async fn main() -> i32 { sleep_us(100).await; 0 }\n";
        String idle = "async fn main() -> i32 { 0 }\n";
        long withTimer = SizeBaseline.symbols(build(sleeper).elf()).getOrDefault("SysTick_Handler", 0L);
        long without = SizeBaseline.symbols(build(idle).elf()).getOrDefault("SysTick_Handler", 0L);
        assertTrue(withTimer > without, "SysTick_Handler: " + withTimer + " B with a timer, " + without + " B without");
        // Without timers the vector points at the default handler (16 bytes, shared by every unused vector).
        assertTrue(without <= 16, "SysTick_Handler without timers: " + without + " B");
    }
}

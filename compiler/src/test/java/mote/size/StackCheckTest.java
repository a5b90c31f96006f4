package mote.size;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mote.Compiler;
import mote.board.Board;
import mote.testutil.ProgramRunner;
import mote.testutil.TestFiles;
import org.junit.jupiter.api.Test;

/** The worst-case stack against the board's: deepest poll, plus the deepest interrupt handler on top. */
class StackCheckTest {
    static final Board BOARD = Board.load(Board.DEFAULT_NAME);

    static Compiler.Result build(String source) throws Exception {
        Path dir = ProgramRunner.tempDir();
        Path file = dir.resolve("prog.mote");
        Files.writeString(file, source);
        return Compiler.compile(file, Compiler.Options.defaults(BOARD, dir));
    }

    /** A sync fn with a local array of {@code words} u32s, kept alive by reading it at a runtime index. */
    static String bigFrame(String name, int words) {
        return "fn " + name + "(n: u32) -> u32 {\n"
                + "    let mut buf: [u32; " + words + "] = [0; " + words + "];\n"
                + "    for i in 0.." + words + " { buf[i] = n + i as u32; }\n"
                + "    buf[(n as usize) % " + words + "]\n}\n";
    }

    @Test
    void aHandlerRunsOnTopOfTheDeepestPoll() throws Exception {
        Compiler.Result r = build(bigFrame("work", 200) + bigFrame("irq_work", 50) + """
                static mut SEEN: u32 = 0;
                interrupt WATCHDOG() { SEEN = irq_work(SEEN); }
                async fn main() -> i32 { (work(3) % 7) as i32 }
                """);
        StackUsage usage = StackUsage.measure(r, BOARD);
        List<TaskReport.Task> tasks = TaskReport.of(r, usage);
        StackCheck check = StackCheck.of(r, BOARD, usage, tasks);
        StackUsage.Worst handler = usage.worst("mote_irq_" + BOARD.irqs().get("WATCHDOG"));
        StackUsage.Worst systick = usage.worst("SysTick_Handler");
        assertTrue(handler.bounded() && systick.bounded(), handler.describe() + " / " + systick.describe());
        assertTrue(handler.bytes() >= 200, "the handler's array is on its chain: " + handler.describe());
        long base = usage.frame("Reset_Handler") + usage.frame("mote_executor_run");
        // main's poll inlined into the executor is measured from the executor's frame, in base already.
        long poll = tasks.get(0).pollStack() - (usage.has("main.task") ? 0 : usage.frame("mote_executor_run"));
        long expected = base + poll + StackCheck.EXCEPTION_FRAME + Math.max(handler.bytes(), systick.bytes());
        assertEquals(expected, check.needed(), check.summary());
        assertTrue(check.summary().contains("deepest interrupt handler (`WATCHDOG`)"), check.summary());
        assertTrue(check.fits(), check.summary());
        assertNull(check.overflow());
    }

    /**
     * The one task's poll inlined into the executor puts its locals in the executor's frame,
     * which is counted once: a 2,400-byte array in main fits the 4 KB stack (it was counted
     * twice, and the build refused a program that runs).
     */
    @Test
    void theExecutorsFrameCountsOnceWhenThePollIsInlinedIntoIt() throws Exception {
        Compiler.Result r = build("""
                static mut S: u32 = 3;
                async fn main() {
                    let mut buf = [0u32; 600];
                    for i in 0..buf.len() { buf[i] = S * i; }
                    println("{}", buf[(S * 7) % 600]);
                }
                """);
        StackUsage usage = StackUsage.measure(r, BOARD);
        StackCheck check = StackCheck.of(r, BOARD, usage, TaskReport.of(r, usage));
        assertFalse(usage.has("main.task"), "the poll of the one task is inlined into the executor");
        assertTrue(usage.frame("mote_executor_run") >= 2400, "main's array is in the executor's frame");
        assertTrue(check.needed() < usage.frame("mote_executor_run") + 400, check.summary());
        assertTrue(check.fits(), check.summary());
    }

    /** A poll that may panic is still bounded: the panic hook is null or the --panic=task unwinder. */
    @Test
    void aPollThatMayPanicIsBounded() throws Exception {
        String source = """
                static mut N: u32 = 3;
                async fn main() -> i32 {
                    let table: [u32; 4] = [1, 2, 3, 4];
                    N = N + 2;
                    if N > 100 { panic("too many"); }
                    (table[N as usize] % 7) as i32
                }
                """;
        for (boolean abort : new boolean[] {true, false}) {
            Path dir = ProgramRunner.tempDir();
            Path file = Files.writeString(dir.resolve("prog.mote"), source);
            Compiler.Result r = Compiler.compile(file, Compiler.Options.defaults(BOARD, dir).withPanicAbort(abort));
            StackUsage usage = StackUsage.measure(r, BOARD);
            StackUsage.Worst main = usage.poll("main");
            assertTrue(main.bounded(), (abort ? "abort: " : "task: ") + main.describe());
            assertTrue(main.describe().contains("mote_panic"), main.describe());
        }
    }

    /**
     * At -O 0 every named local keeps its own stack slot: a chain that overflows at -O 0 (and fits at
     * -O s) fails the build instead of silently corrupting memory under QEMU (whose lm3s6965evb
     * ignores writes below RAM, so the overflow would not fault).
     */
    @Test
    void aChainThatOverflowsOnlyAtO0FailsTheO0Build() throws Exception {
        StringBuilder src = new StringBuilder();
        for (int f = 1; f <= 4; f++) {
            src.append("fn step").append(f).append("(n: u32) -> u32 {\n    let v0: u32 = n + ").append(f).append(";\n");
            for (int i = 1; i < 360; i++) src.append("    let v").append(i).append(": u32 = v").append(i - 1).append(" ^ (v").append(i - 1).append(" >> 3);\n");
            src.append("    ").append(f < 4 ? "step" + (f + 1) + "(v359) + v180" : "v359 + v180").append("\n}\n");
        }
        src.append("async fn main() -> i32 { (step1(7) % 100) as i32 }\n");
        Path dir = ProgramRunner.tempDir();
        Path file = Files.writeString(dir.resolve("prog.mote"), src.toString());
        StackCheck small = StackCheck.of(Compiler.compile(file, Compiler.Options.defaults(BOARD, dir)), BOARD);
        assertTrue(small.fits(), small.summary());
        StackCheck o0 = StackCheck.of(Compiler.compile(file, Compiler.Options.defaults(BOARD, dir)
                .withOptLevel(mote.llvm.LlvmBackend.OptLevel.O0)), BOARD);
        assertFalse(o0.fits(), "-O 0 keeps a slot for each of 360 named locals in each of four frames: " + o0.summary());
    }

    @Test
    void aPollDeeperThanTheStackDoesNotFit() throws Exception {
        Compiler.Result r = build(bigFrame("fill", 1500) + "async fn main() -> i32 { (fill(3) % 7) as i32 }\n");
        StackCheck check = StackCheck.of(r, BOARD);
        assertTrue(check.needed() > BOARD.stackSize(), check.summary());
        assertFalse(check.fits());
        assertTrue(check.overflow().startsWith("the program's worst-case stack does not fit on board `" + BOARD.name() + "`: it needs "
                + check.needed() + " bytes, the stack has " + BOARD.stackSize()), check.overflow());
        assertTrue(check.overflow().contains("deepest poll (main)"), check.overflow());
    }

    @Test
    void recursionIsReportedAsUnboundedAndNotAsAnOverflow() throws Exception {
        Compiler.Result r = Compiler.compile(TestFiles.resources("opt").resolve("recursive.mote"),
                Compiler.Options.defaults(BOARD, ProgramRunner.tempDir()));
        StackCheck check = StackCheck.of(r, BOARD);
        assertFalse(check.bounded());
        assertEquals(-1, check.needed());
        assertTrue(check.fits(), "unknown is not a known overflow");
        assertTrue(check.summary().contains("unbounded") && check.summary().contains("recursion through fib -> fib"), check.summary());
    }

    @Test
    void unboundedChainsSayWhy() {
        StackUsage cycle = new StackUsage(java.util.Map.of("a", 8L, "b", 16L),
                java.util.Map.of("main.task", List.of("a"), "a", List.of("b"), "b", List.of("c"), "c", List.of("a")));
        assertEquals("unbounded: recursion through a -> b -> c -> a", cycle.worst("main.task").describe());
        StackUsage pointer = new StackUsage(java.util.Map.of("a", 8L),
                java.util.Map.of("main.task", List.of("a"), "a", List.of(mote.llvm.LlvmCallGraph.THROUGH_POINTER)));
        assertEquals("unbounded: a calls through a pointer", pointer.worst("main.task").describe());
        StackUsage fine = new StackUsage(java.util.Map.of("main.task", 4L, "a", 8L, "b", 16L),
                java.util.Map.of("main.task", List.of("a", "b"), "a", List.of("b")));
        assertEquals("28 bytes (main.task 4 -> a 8 -> b 16)", fine.worst("main.task").describe());
    }
}

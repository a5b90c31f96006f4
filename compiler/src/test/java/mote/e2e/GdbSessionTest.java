package mote.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import mote.Compiler;
import mote.board.Board;
import mote.home.MoteHome;
import mote.opt.Optimization;
import mote.testutil.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Source-level debugging as a user does it (docs/gdb.md): a `--debug` image under QEMU halted
 * with its gdbstub, gdb-multiarch in batch mode with qemu/gdbinit, a breakpoint on a line of an
 * async fn, then the statics, the locals, a local kept across an await (in its frame and in
 * the task's state object), the backtrace through the inlined async fn down to the executor,
 * and `mote tasks`. Under `--opt none` (every async fn its own state machine) and `--opt all`
 * (wait_and_count inlined into blinker: an inlined frame); a release image too; and `mote
 * tasks` on a task pool and a `race`. After gdb detaches each program runs to its end, its
 * output unchanged.
 */
class GdbSessionTest {
    private static final String GDB = "gdb-multiarch";

    @TempDir Path dir;

    /** A `--debug` build for lm3s6965evb with `--opt none` or `--opt all`; skips the test when gdb-multiarch is missing. */
    private Compiler.Options debugBuild(String opt) {
        assumeTrue(installed(GDB), GDB + " is not installed (make test installs it: apt-get install gdb-multiarch)");
        return Compiler.Options.defaults(Board.load("lm3s6965evb"), dir.resolve("out")).withDebug(true)
                .withOpts(opt.equals("all") ? EnumSet.allOf(Optimization.class) : EnumSet.noneOf(Optimization.class));
    }

    @ParameterizedTest(name = "--opt {0}")
    @ValueSource(strings = {"none", "all"})
    void gdbShowsStaticsLocalsFramesAndTasksByTheirMoteNames(String opt) throws Exception {
        Compiler.Options options = debugBuild(opt);
        String out = session(options, List.of(
                "break sensors.mote:16",   // COUNT += 1, in wait_and_count
                "continue",                // blinker's first round
                "continue",                // its second: i = 1, one reading sent and received
                "info locals",
                "print COUNT",
                "print MODE",
                "print GAINS",
                "print READINGS",
                "print LAST",
                "bt",
                "up",
                "info locals",
                "print i",
                "print blinker_state",
                "print logger_state",
                "mote tasks",
                "print/x SYST_RVR",
                "ptype SYST_RVR",
                "print &SYST_RVR"));
        assertFalse(out.contains("Error in sourced command file"), out);
        // The breakpoint is in wait_and_count, by name, on its line.
        assertTrue(out.contains("Breakpoint 3, wait_and_count (") && out.contains("16\t    COUNT += 1;"), out);
        // Statics by their Mote names and types: an integer, an enum by variant name, an array,
        // a channel as its header and items (one item of 2 went through it), a struct.
        assertTrue(out.contains("$1 = 1\n"), out);
        assertTrue(out.contains("$2 = Sampling\n"), out);
        assertTrue(out.contains("$3 = {2, 3, 5}\n"), out);
        assertMatches(out, "\\$4 = \\{\\s+head = 1,\\s+count = 0,\\s+receivers = 0x[0-9a-f]+ <_M6logger\\.state\\+\\d+>,\\s+senders = 0x0[^\\n]*,\\s+items = \\{2, 0, 0, 0\\}\\s+\\}");
        assertMatches(out, "\\$5 = \\{\\s+channel = 0,\\s+value = 2\\s+\\}");
        // bt: wait_and_count (an inlined frame under --opt all, its own poll under none), its
        // caller at the await, the task's poll, the executor, and nothing after it.
        assertMatches(out, "#0  wait_and_count \\([^)]*\\) at sensors\\.mote:16\n#1  (0x[0-9a-f]+ in )?blinker \\(\\) at sensors\\.mote:23\n"
                + "#2  (0x[0-9a-f]+ in )?blinker\\.task \\(\\) at sensors\\.mote:\\d+\n#3  0x[0-9a-f]+ in mote_executor_run \\(\\) at \\S+executor\\.c:\\d+\n(?!#4)");
        assertFalse(out.contains("corrupt stack") || out.contains("previous frame identical"), out);
        assertTrue(out.contains("#0  wait_and_count (ms="), "its argument, also when inlined\n" + out);
        // blinker's frame: i, kept across the awaits, is 1; so says its state object, whose
        // current state is printed by name with only what it keeps.
        assertMatches(out, "\n23\t        let v = wait_and_count\\(10\\)\\.await;\ni = 1\n");
        assertTrue(out.contains("$6 = 1\n"), out);
        assertMatches(out, "\\$7 = \\{\\s+state = Suspend\\d+,\\s+i = 1,\\s+awaiting = \\{");
        assertFalse(Pattern.compile("\\$7 = \\{\\s+state = Suspend\\d+,\\s+Suspend").matcher(out).find(), "the printer shows the live state only\n" + out);
        // logger waits on the channel with total and n saved.
        assertMatches(out, "\\$8 = \\{\\s+state = Suspend\\d+,\\s+total = 2,\\s+n = 1,\\s+awaiting = \\{[^}]*channel = 0x[0-9a-f]+ <_M8READINGS>");
        // A u8 (the waiter node's index) prints as a number, not as a C char ('\\001').
        assertMatches(out, "\\$8 = \\{[^$]*\n    node = 1,\n");
        // mote tasks: every task, its state by name and what it waits on; the stack's mark.
        assertMatches(out, "  task 0 main: live, waiting, in Suspend\\d+, wait on signal FINISHED, 0 queued; state main_state at 0x[0-9a-f]{8} \\(\\d+ bytes\\); stack \\d+ bytes at most\n");
        assertMatches(out, "\\* task 1 blinker: live, waiting, in Suspend\\d+, " + (opt.equals("none") ? "wait_and_count -> " : "")
                + "sleep_ms: timer, deadline at cycle \\d+; state blinker_state at 0x[0-9a-f]{8} \\(\\d+ bytes\\); stack \\d+ bytes at most\n");
        assertMatches(out, "  task 2 logger: live, waiting, in Suspend\\d+, recv on channel READINGS, 0 queued; state logger_state at 0x[0-9a-f]{8} \\(24 bytes\\); stack \\d+ bytes at most\n");
        assertMatches(out, "stack: \\d+ of 4096 bytes used at most so far");
        // A register: a volatile variable at its address, read live (runtime-c's timer set it).
        assertMatches(out, "\\$9 = 0x[0-9a-f]+\ntype = volatile u32\n\\$10 = \\(volatile u32 \\*\\) 0xe000e014\n");
    }

    /**
     * Locals kept across an await (`start`, `scale`) print their values in the task's frame
     * while the awaited fn runs (under `--opt none` its own poll, a real call: the resumed
     * poll had not yet loaded them, and they were "optimized out" before the DWARF pointed into
     * the state object), and at the line after the await.
     */
    @ParameterizedTest(name = "--opt {0}")
    @ValueSource(strings = {"none", "all"})
    void localsKeptAcrossAnAwaitPrintFromTheStateObject(String opt) throws Exception {
        Compiler.Options options = debugBuild(opt);
        String out = session("gdb/kept.mote", options, List.of(
                "break kept.mote:11",   // COUNT += 1 in pause, after its sleep
                "break kept.mote:19",   // COUNT += 1 in saver, after the first await
                "continue", "up", "print start", "print scale", "info locals",
                "continue", "print start", "print scale", "print window"), "total 10\n");
        assertFalse(out.contains("Error in sourced command file"), out);
        assertMatches(out, "#1  (0x[0-9a-f]+ in )?saver \\(\\) at kept\\.mote:18\n18\t    pause\\(10\\)\\.await;\n\\$1 = 5\n\\$2 = 2\nstart = 5\nscale = 2\n");
        // A kept struct, after the await (in the awaited fn's frame, as a real call under
        // --opt none, the code generator may have moved its split restore after the record).
        assertMatches(out, "Breakpoint 4, saver \\(\\) at kept\\.mote:19\n19\t    COUNT \\+= 1;\n\\$3 = 5\n\\$4 = 2\n\\$5 = \\{\n  lo = 1,\n  hi = 9\n\\}\n");
        // pause is inlined at two awaits under --opt all: its argument is in its own frame
        // (the copy whose code uses it), not in saver's as `pause.ms`.
        assertMatches(out, "Breakpoint 3(\\.1)?, pause \\(ms=");
        assertFalse(out.contains("pause.ms"), out);
    }

    /**
     * In a `--debug` build `mote tasks` gives each task its own stack high-water mark: the
     * task whose poll ran a 21-deep recursion has a deeper one than a task that only sleeps,
     * and the shared mark is the deepest of them. A task waiting on a signal says so; an
     * array of u8 prints as numbers.
     */
    @ParameterizedTest(name = "--opt {0}")
    @ValueSource(strings = {"none", "all"})
    void moteTasksShowsEachTasksStackMarkAndASignalWait(String opt) throws Exception {
        Compiler.Options options = debugBuild(opt);
        String out = session("gdb/stacks.mote", options, List.of(
                "break stacks.mote:17",   // deep, before its call chain: the signal not yet raised
                "continue", "mote tasks",
                "break stacks.mote:40",   // main, after deep and listener finished
                "continue", "mote tasks", "print TRACE", "print/x TRACE"), "sum 1420 1\n");
        assertFalse(out.contains("Error in sourced command file"), out);
        assertMatches(out, "  task 3 listener: live, waiting, in Suspend\\d+, wait on signal BEAT, 0 queued; state listener_state at 0x[0-9a-f]{8} \\(\\d+ bytes\\); stack \\d+ bytes at most\n");
        var after = Pattern.compile("  task 1 deep: finished, [^\n]*; stack (\\d+) bytes at most\n  task 2 shallow: [^\n]*; stack (\\d+) bytes at most\n"
                + "  task 3 listener: finished, [^\n]*; stack (\\d+) bytes at most\nstack: (\\d+) of 4096 bytes used at most so far").matcher(out);
        assertTrue(after.find(), out);
        int deep = Integer.parseInt(after.group(1)), shallow = Integer.parseInt(after.group(2)), listener = Integer.parseInt(after.group(3));
        // 21 frames of depth (8 bytes each: r4 and lr) below deep's poll, where a sleeping
        // task's deepest is a few calls into the timer code.
        assertTrue(deep >= shallow + 100, "deep " + deep + " shallow " + shallow + "\n" + out);
        assertTrue(shallow > 0 && listener > 0 && listener < deep, out);
        assertEquals(deep, Integer.parseInt(after.group(4)), "the shared mark is the deepest task's\n" + out);
        // An array of u8 prints as numbers, not as a C string ("\001\002A\004").
        assertTrue(out.contains("$1 = {1, 2, 65, 4}\n$2 = {0x1, 0x2, 0x41, 0x4}\n"), out);
    }

    /**
     * A release build's DWARF (no line marks): functions by name, statics, task states and
     * `mote tasks` all work; `bt` ends at the executor.
     */
    @Test
    void releaseImagesNameStaticsAndTasksToo() throws Exception {
        assumeTrue(installed(GDB), GDB + " is not installed (make test installs it: apt-get install gdb-multiarch)");
        String out = session(Compiler.Options.defaults(Board.load("lm3s6965evb"), dir.resolve("out")), List.of(
                "break blinker.task", "continue", "continue", "bt", "print GAINS", "print blinker_state", "mote tasks", "print FINISHED"));
        assertFalse(out.contains("Error in sourced command file"), out);
        // A compact signal: one byte, main (task 0) waiting as 1, nothing raised; then its value.
        assertMatches(out, "\\$\\d+ = \\{\\s*receiver_task = 1,\\s*count = 0,\\s*items = \\{0\\}\\s*\\}");
        assertMatches(out, "  task 0 main: live, waiting, in Suspend\\d+, wait on signal FINISHED, 0 queued");
        assertMatches(out, "#0  blinker\\.task \\(\\) at sensors\\.mote:20\n#1  0x[0-9a-f]+ in mote_executor_run \\(\\) at \\S+executor\\.c:\\d+\n(?!#2)");
        assertTrue(out.contains("$1 = {2, 3, 5}\n"), out);
        assertMatches(out, "\\$2 = \\{\\s+state = Suspend\\d+,\\s+i = 0,\\s+awaiting = \\{");
        assertMatches(out, "\\* task 1 blinker: live, waiting, in Suspend\\d+, sleep_ms: timer");
        assertMatches(out, "  task 2 logger: live, waiting, in Suspend\\d+, recv on channel READINGS");
    }

    /**
     * A release build where main has two timers at once (a race of a step that sleeps 5 ms
     * against a 2 ms timeout): `mote tasks` shows each sleep with its own deadline, 60,000 and
     * 24,000 cycles at 12 MHz, read through the task's timer table.
     */
    @Test
    void moteTasksShowsEachOfATasksTimers() throws Exception {
        assumeTrue(installed(GDB), GDB + " is not installed (make test installs it: apt-get install gdb-multiarch)");
        String out = session("gdb/several_timers.mote", Compiler.Options.defaults(Board.load("lm3s6965evb"), dir.resolve("out")),
                List.of("break reader.task", "continue", "mote tasks"), "r 99\n");
        assertFalse(out.contains("Error in sourced command file"), out);
        assertMatches(out, "  task 0 main: live, waiting, in Suspend\\d+, join/race, branches waiting on: "
                + "step -> sleep_ms: timer, deadline at cycle 60000 \\| sleep_ms: timer, deadline at cycle 24000; ");
    }

    /**
     * `mote tasks` names each instance of a `task(2)` pool's state object, and lists what a
     * `race` still waits on in each branch; a pool instance's state prints like any other.
     */
    @ParameterizedTest(name = "--opt {0}")
    @ValueSource(strings = {"none", "all"})
    void moteTasksShowsPoolsAndRaces(String opt) throws Exception {
        Compiler.Options options = debugBuild(opt);
        String out = session("gdb/pool_race.mote", options, List.of("break pool_race.mote:7", "continue", "mote tasks", "print worker_state_0"),
                "got 0 done 2\n");
        assertFalse(out.contains("Error in sourced command file"), out);
        assertTrue(out.contains("Breakpoint 3, worker (id=2, "), out);
        assertMatches(out, "  task 0 main: live, waiting, in Suspend\\d+, join/race, branches waiting on: recv on channel RX, 0 queued \\| "
                + "sleep_ms: timer, deadline at cycle \\d+; state main_state at 0x[0-9a-f]{8} \\(\\d+ bytes\\); stack \\d+ bytes at most\n");
        assertMatches(out, "  task 1 worker: live, waiting, in Suspend\\d+, sleep_ms: timer, deadline at cycle \\d+; state worker_state_0 at ");
        assertMatches(out, "\\* task 2 worker: live, waiting, in Suspend\\d+, sleep_ms: timer[^;]*; state worker_state_1 at ");
        // The sleep's future is its timer node: deadline, link, task 1, linked.
        assertMatches(out, "\\$1 = \\{\\s+state = Suspend\\d+,\\s+id = 1,\\s+awaiting = \\{\\s+deadline = \\d+,[^}]*task = 1,\\s+node = 1\\s+\\}");
    }

    /**
     * A closed channel's count keeps the closed flag in its top bit: the debug type splits it,
     * so `print` shows the items alone and `closed = 1` (before, the count read 130).
     */
    @Test
    void aClosedChannelShowsItsItemsAndTheFlagApart() throws Exception {
        String out = session("gdb/closed.mote", debugBuild("all"), List.of("break closed.mote:14", "continue", "print QUEUE"),
                "got 3 sum 24\n");
        assertFalse(out.contains("Error in sourced command file"), out);
        assertMatches(out, "\\$1 = \\{\\s+head = \\d+,\\s+count = 2,\\s+closed = 1,[^$]*items = \\{7, 8, 9, 0\\}");
    }

    /**
     * A sleep whose deadline came while main kept the core: its timer is off and the sleeper is
     * ready, so `mote tasks` says it fired rather than showing a deadline still to come.
     */
    @ParameterizedTest(name = "debug {0}")
    @ValueSource(booleans = {true, false})   // a queue node (debug builds), a per-task deadline (release)
    void aTimerThatFiredButWasNotPolledSaysSo(boolean debug) throws Exception {
        Compiler.Options options = debugBuild("all").withDebug(debug);
        String out = session("gdb/fired.mote", options, List.of("break fired.mote:17", "continue", "mote tasks"),
                "woke after true\n");
        assertFalse(out.contains("Error in sourced command file"), out);
        assertMatches(out, "  task 2 sleeper: live, ready, in Suspend\\d+, sleep_us: timer fired \\(deadline cycle \\d+\\), not yet polled; ");
        assertMatches(out, "  task 1 napper: live, waiting, in Suspend\\d+, sleep_ms: timer, deadline at cycle \\d+; ");
    }

    /**
     * Builds {@code program}, starts it under QEMU halted with its gdbstub, runs {@code commands}
     * in gdb-multiarch's batch mode with qemu/gdbinit, and returns gdb's output once the program
     * (which batch gdb leaves running when it detaches) has run to its end printing {@code console}.
     */
    private String session(Compiler.Options options, List<String> commands) throws Exception {
        return session("gdb/sensors.mote", options, commands, "total 23\nlast 2 15\n");
    }

    private String session(String program, Compiler.Options options, List<String> commands, String console) throws Exception {
        Board board = options.board();
        Path source = TestFiles.resources(program);
        Path elf = Compiler.compile(source, options).installedElf().orElseThrow();
        Path script = Files.writeString(dir.resolve("session.gdb"), String.join("\n", commands) + "\n");
        int port = freePort();
        Process qemu = new ProcessBuilder(MoteHome.get().resolve("qemu/run").toString(), "--gdb=" + port, elf.toString(), board.name())
                .directory(dir.toFile()).start();
        qemu.getOutputStream().close();
        CompletableFuture<String> printed = mote.testutil.Streams.readAllAsync(qemu.getInputStream());
        CompletableFuture<String> qemuErr = mote.testutil.Streams.readAllAsync(qemu.getErrorStream());
        String out;
        try {
            awaitPort(port, qemu);
            Process gdb = new ProcessBuilder(GDB, "-q", "-nx", "-batch", "--directory=" + MoteHome.get().toAbsolutePath().normalize(),
                    "-x", MoteHome.get().resolve("qemu/gdbinit").toString(),
                    "-ex", "target remote localhost:" + port, "-x", script.toString(), elf.toString())
                    .directory(source.getParent().toFile())   // DWARF names sources relative to the program's folder
                    .redirectErrorStream(true).start();
            gdb.getOutputStream().close();
            CompletableFuture<String> gdbOut = mote.testutil.Streams.readAllAsync(gdb.getInputStream());
            assertTrue(gdb.waitFor(120, TimeUnit.SECONDS), "gdb finished");
            out = gdbOut.get(10, TimeUnit.SECONDS);
            assertTrue(qemu.waitFor(60, TimeUnit.SECONDS), "the program ran to its end after gdb detached\n" + out);
        } finally {
            qemu.destroyForcibly();
        }
        String err = qemuErr.get(10, TimeUnit.SECONDS);
        assertEquals(0, qemu.exitValue(), err + "\n" + out);
        assertEquals(console, printed.get(10, TimeUnit.SECONDS).replace("\r\n", "\n"), err + "\n" + out);
        return out;
    }

    private static void assertMatches(String out, String regex) {
        assertTrue(Pattern.compile(regex).matcher(out).find(), "no match for /" + regex + "/ in\n" + out);
    }

    private static boolean installed(String tool) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String d : path.split(java.io.File.pathSeparator))
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) return true;
        return false;
    }

    private static void awaitPort(int port, Process qemu) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            assertTrue(qemu.isAlive(), "QEMU exited before its gdbstub opened");
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("QEMU's gdbstub did not open port " + port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}

package mote.flash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mote.board.Board;
import mote.decode.FaultDecoder;
import mote.qemu.QemuOptions;
import mote.qemu.QemuRunner;
import mote.testutil.ProgramRunner;
import mote.testutil.TestFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mote monitor} decodes a board's fault as {@code mote run} does: read from a serial
 * port (a pseudo-terminal carrying what QEMU's console printed for a faulting program), and
 * through QEMU's gdbstub, where the monitor stops the core in the fault handler and reads the
 * report from it.
 */
class ConsoleMonitorTest {
    static final Board BOARD = Board.load("mps2-an385");
    static ProgramRunner.Run run;

    @TempDir Path dir;

    @BeforeAll
    static void runTheFaultingProgram() {
        run = ProgramRunner.run(TestFiles.resources("run").resolve("fault_bus_m3.mote"), BOARD.name());
        assertEquals(FaultDecoder.FAULT_EXIT_CODE, run.exitCode());
        assertTrue(run.output().contains("fault: bus fault: precise data access at 0x60000000"), run.output());
    }

    private ConsoleMonitor monitor(ByteArrayOutputStream out) {
        return new ConsoleMonitor(BOARD, new FaultDecoder(BOARD, run.build().elf(), Map.of()), Optional.empty(),
                new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @Test
    void decodesTheConsoleOfAPseudoTerminalAsRunDoes() throws Exception {
        Path console = dir.resolve("console.txt");
        Files.writeString(console, run.qemu().output());   // the device's own bytes: the raw fault line
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = monitor(out).serial(pseudoTerminal(console), Optional.empty(), Optional.of(Duration.ofSeconds(20)));
        assertEquals(FaultDecoder.FAULT_EXIT_CODE, code, "a fault ends the watch with the fault's code");
        assertEquals(run.output(), out.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"),
                "the same lines as `mote run`, fault decoded");
    }

    @Test
    void decodesInternedLogFramesFromAPseudoTerminal() throws Exception {
        Path hello = mote.home.MoteHome.get().resolve("examples/hello.mote");
        ProgramRunner.Run text = ProgramRunner.run(hello, BOARD.name());
        mote.Compiler.Result interned = mote.Compiler.compile(hello,
                mote.Compiler.Options.defaults(BOARD, ProgramRunner.tempDir()).withInternedLog(true));
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        new QemuRunner().run(BOARD, interned.elf(), QemuOptions.defaults().withTimeout(Duration.ofSeconds(30)).withConsole(raw));
        Path console = dir.resolve("console.bin");
        Files.write(console, raw.toByteArray());   // frames, not text
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ConsoleMonitor monitor = new ConsoleMonitor(BOARD, new FaultDecoder(BOARD, interned.elf(), Map.of()),
                mote.decode.LogDecoder.of(interned.elf()), new PrintStream(out, true, StandardCharsets.UTF_8));
        int code = monitor.serial(pseudoTerminal(console), Optional.empty(), Optional.of(Duration.ofSeconds(5)));
        assertEquals(ConsoleMonitor.TIMEOUT_EXIT_CODE, code, "hello neither faults nor panics: the watch ends by its timeout");
        assertEquals(text.output(), out.toString(StandardCharsets.UTF_8), "what the text build prints");
    }

    /** A pseudo-terminal (raw) that carries {@code contents} once the monitor has opened it; its device path. */
    private Path pseudoTerminal(Path contents) throws IOException {
        Path feeder = dir.resolve("feed_pty.py");
        // A pseudo-terminal in raw mode; its name first, then (once the monitor has opened it) the bytes.
        Files.writeString(feeder, """
                import os, pty, sys, time, tty
                master, slave = pty.openpty()
                tty.setraw(slave)
                print(os.ttyname(slave), flush=True)
                data = open(sys.argv[1], 'rb').read()
                time.sleep(1.0)
                os.write(master, data)
                time.sleep(5)
                """);
        Process python = new ProcessBuilder("python3", feeder.toString(), contents.toString()).redirectErrorStream(true).start();
        feeders.add(python);
        String device = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertTrue(device != null && device.startsWith("/dev/"), "the pseudo-terminal's name: " + device);
        return Path.of(device);
    }

    private final List<Process> feeders = new ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void stopFeeders() {
        feeders.forEach(Process::destroyForcibly);
    }

    @Test
    void aPanicEndsTheWatchAndOtherLinesPassThrough() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String text = "fault: 00000003 broken\r\nvalue 3\npanic: boom at x.mote:1:1\nnot read\n";
        int code = monitor(out).read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        assertEquals(ConsoleMonitor.PANIC_EXIT_CODE, code);
        assertEquals("fault: 00000003 broken\nvalue 3\npanic: boom at x.mote:1:1\n", out.toString(StandardCharsets.UTF_8),
                "a line that is not a whole report is printed as it came");
    }

    @Test
    void aPanicsBacktraceIsReadAndDecodedBeforeTheWatchEnds() throws IOException {
        Path program = TestFiles.resources("run").resolve("panic_backtrace.mote");
        ProgramRunner.Run traced = ProgramRunner.run(program, BOARD.name(), o -> o.withBacktrace(true));
        assertEquals(ConsoleMonitor.PANIC_EXIT_CODE, traced.exitCode());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ConsoleMonitor monitor = new ConsoleMonitor(BOARD, new FaultDecoder(BOARD, traced.build().elf(), Map.of()), Optional.empty(),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        String device = traced.qemu().output() + "not read\n";
        assertTrue(device.contains("backtrace: "), device);
        assertEquals(ConsoleMonitor.PANIC_EXIT_CODE, monitor.read(new ByteArrayInputStream(device.getBytes(StandardCharsets.UTF_8))));
        assertEquals(traced.output(), out.toString(StandardCharsets.UTF_8), "the panic and its decoded backtrace, as `mote run` shows them");
    }

    @Test
    void badArgumentsAreUsageErrors() {
        String elf = run.build().elf().toString();
        for (String[] args : List.of(new String[] {"monitor", "--elf", dir.resolve("none.elf").toString(), "--port", "/dev/null"},
                new String[] {"monitor", "--elf", elf, "--port", "gdb=localhost"},
                new String[] {"monitor", "--elf", elf, "--port", "gdb=localhost:99999"},
                new String[] {"monitor", "--elf", elf, "--port", dir.resolve("no-such-port").toString()},
                new String[] {"monitor", "--elf", elf, "--port", dir.toString()})) {   // a folder: it read as an empty port, exit 0
            java.io.StringWriter out = new java.io.StringWriter(), err = new java.io.StringWriter();
            int code = mote.cli.Main.execute(args, new java.io.PrintWriter(out), new java.io.PrintWriter(err));
            assertEquals(2, code, String.join(" ", args) + ": " + err);
            assertTrue(err.toString().startsWith("error: "), err.toString());
        }
    }

    @Test
    void flashThenMonitorOverOneGdbConnection() throws Exception {
        int port = FlashGdbTest.freePort();
        // QEMU halted with no image: `mote flash --probe gdb=...` loads it, the monitor takes over.
        Process qemu = FlashGdbTest.startHaltedQemu(BOARD, port);
        PrintStream stdout = System.out;
        ByteArrayOutputStream watched = new ByteArrayOutputStream();
        try {
            Thread.sleep(500);
            System.setOut(new PrintStream(watched, true, StandardCharsets.UTF_8));
            java.io.StringWriter out = new java.io.StringWriter(), err = new java.io.StringWriter();
            String where = "gdb=127.0.0.1:" + port;
            int code = mote.cli.Main.execute(new String[] {"flash", TestFiles.resources("run").resolve("fault_bus_m3.mote").toString(),
                    "-b", BOARD.name(), "-o", dir.toString(), "--probe", where, "--monitor", "--port", where},
                    new java.io.PrintWriter(out), new java.io.PrintWriter(err));
            System.setOut(stdout);
            assertEquals(FaultDecoder.FAULT_EXIT_CODE, code, err.toString());
            assertTrue(out.toString().contains("under the monitor"), out.toString());
            String decoded = run.output().substring(run.output().indexOf("fault:"));
            assertEquals(decoded, watched.toString(StandardCharsets.UTF_8));
            assertTrue(qemu.waitFor(30, TimeUnit.SECONDS));
            assertEquals(FaultDecoder.FAULT_EXIT_CODE, qemu.exitValue());
        } finally {
            System.setOut(stdout);
            qemu.destroyForcibly();
        }
    }

    @Test
    void readsASemihostingConsoleThroughQemusGdbstub() throws Exception {
        // mps2-an385 with its console on semihosting (as a board whose UART has no driver),
        // QEMU forwarding semihosting calls to the gdb client: the monitor answers each write,
        // and decodes what it reads (interned log frames here) as the serial path does.
        Files.writeString(dir.resolve("an385-semihosting.json"), """
                { "inherits": "mps2-an385", "description": "mps2-an385, console over semihosting",
                  "console": { "kind": "semihosting" } }
                """);
        Board board = mote.board.BoardCatalog.withFolders(List.of(dir)).load("an385-semihosting");
        mote.Compiler.Result build = mote.Compiler.compile(TestFiles.resources("run").resolve("fault_bus_m3.mote"),
                mote.Compiler.Options.defaults(board, ProgramRunner.tempDir()).withInternedLog(true));
        int port = FlashGdbTest.freePort();
        List<String> command = new ArrayList<>();
        for (String word : new QemuRunner().command(board, build.elf(), QemuOptions.defaults().withGdbPort(port)))
            command.add(word.replace("target=native", "target=gdb"));   // semihosting through the gdb client
        Process qemu = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        qemu.getOutputStream().close();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ConsoleMonitor monitor = new ConsoleMonitor(board, new FaultDecoder(board, build.elf(), Map.of()),
                    mote.decode.LogDecoder.of(build.elf()), new PrintStream(out, true, StandardCharsets.UTF_8));
            int code = monitorThroughGdb(monitor, port);
            assertEquals(FaultDecoder.FAULT_EXIT_CODE, code, out.toString(StandardCharsets.UTF_8));
            assertEquals("reading\n" + run.output().substring(run.output().indexOf("fault:")).replace(BOARD.name(), board.name()),
                    out.toString(StandardCharsets.UTF_8), "the console read through gdb (a frame, decoded), then the fault");
        } finally {
            qemu.destroyForcibly();
        }
    }

    @Test
    void readsAPanicsBacktraceFromTheCoreThroughQemusGdbstub() throws Exception {
        // The console is the UART, which the monitor does not see: it stops the core where the
        // backtrace is about to be printed and reads it from there.
        Path program = TestFiles.resources("run").resolve("panic_backtrace.mote");
        ProgramRunner.Run traced = ProgramRunner.run(program, BOARD.name(), o -> o.withBacktrace(true));
        int port = FlashGdbTest.freePort();
        List<String> command = new ArrayList<>(new QemuRunner().command(BOARD, traced.build().elf(), QemuOptions.defaults().withGdbPort(port)));
        Process qemu = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        qemu.getOutputStream().close();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ConsoleMonitor monitor = new ConsoleMonitor(BOARD, new FaultDecoder(BOARD, traced.build().elf(), Map.of()), Optional.empty(),
                    new PrintStream(out, true, StandardCharsets.UTF_8));
            int code = monitorThroughGdb(monitor, port);
            assertEquals(ConsoleMonitor.PANIC_EXIT_CODE, code, out.toString(StandardCharsets.UTF_8));
            String backtrace = traced.output().substring(traced.output().indexOf('\n', traced.output().indexOf("panic:")) + 1);
            assertEquals("panic (its message is on the console), backtrace:\n" + backtrace + "the program exited with code 101\n",
                    out.toString(StandardCharsets.UTF_8), "the backtrace read from the core decodes as the one the device prints");
        } finally {
            qemu.destroyForcibly();
        }
    }

    @Test
    void decodesAFaultThroughQemusGdbstub() throws Exception {
        int port = FlashGdbTest.freePort();
        List<String> command = new ArrayList<>(new QemuRunner().command(BOARD, run.build().elf(), QemuOptions.defaults().withGdbPort(port)));
        Process qemu = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        qemu.getOutputStream().close();
        try {
            CompletableFuture<String> console = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(qemu.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "";
                }
            });
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = monitorThroughGdb(monitor(out), port);
            assertEquals(FaultDecoder.FAULT_EXIT_CODE, code);
            String decoded = run.output().substring(run.output().indexOf("fault:"));
            assertEquals(decoded, out.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"),
                    "the report read from the halted core decodes as the one the device prints");
            assertTrue(qemu.waitFor(30, TimeUnit.SECONDS), "the core runs on after the monitor lets go");
            assertEquals(FaultDecoder.FAULT_EXIT_CODE, qemu.exitValue());
            assertEquals(run.qemu().output(), console.get(10, TimeUnit.SECONDS), "the device printed its own report too");
        } finally {
            qemu.destroyForcibly();
        }
    }

    /**
     * hello touches no hardware (mote.mir.FaultSources), so its image has no fault report: its default
     * handler only exits. A fault forced on it through the gdbstub (the PC moved into the
     * System region, which never executes) is still decoded in full: the monitor stops the
     * core in that handler and reads the vector, the stacked frame and EXC_RETURN from it.
     */
    @Test
    void readsTheWholeReportFromTheCoreOfAnImageWithoutOne() throws Exception {
        ProgramRunner.Run hello = ProgramRunner.run(mote.home.MoteHome.get().resolve("examples").resolve("hello.mote"), BOARD.name());
        assertEquals(0, hello.exitCode(), hello.output());
        FaultDecoder decoder = new FaultDecoder(BOARD, hello.build().elf(), Map.of());
        assertTrue(decoder.symbol("mote_fault").isEmpty(), "hello's image has no fault report");
        assertTrue(decoder.symbol("mote_default_handler").isPresent());
        int port = FlashGdbTest.freePort();
        List<String> command = new ArrayList<>(new QemuRunner().command(BOARD, hello.build().elf(), QemuOptions.defaults().withGdbPort(port)));
        Process qemu = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        qemu.getOutputStream().close();
        try {
            GdbRemote gdb = null;
            for (int attempt = 0; gdb == null && attempt < 100; attempt++) {
                try {
                    gdb = GdbRemote.connect("127.0.0.1", port, Duration.ofSeconds(10));
                } catch (mote.diag.ToolError e) {
                    Thread.sleep(100);
                }
            }
            assertNotNull(gdb, "QEMU's gdbstub never listened on port " + port);
            try (GdbRemote core = gdb) {
                core.negotiate();
                core.command("?");
                // PC through `G` (all registers): QEMU takes `P` only from a gdb that read its target description.
                String regs = core.command("g");
                String pc = String.format("%08x", Integer.reverseBytes((int) FORCED_PC));
                assertEquals("OK", core.command("G" + regs.substring(0, 15 * 8) + pc + regs.substring(16 * 8)));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ConsoleMonitor monitor = new ConsoleMonitor(BOARD, decoder, Optional.empty(), new PrintStream(out, true, StandardCharsets.UTF_8));
                assertEquals(FaultDecoder.FAULT_EXIT_CODE, monitor.watch(core, Optional.of(Duration.ofSeconds(30))));
                String report = out.toString(StandardCharsets.UTF_8);
                assertTrue(report.startsWith("fault: memory protection fault: instruction fetch"), report);
                assertTrue(report.contains("in an address outside the program (pc 0x" + Long.toHexString(FORCED_PC) + ")"),
                        "names the address it could not execute, and no symbol for it: " + report);
            }
            assertTrue(qemu.waitFor(30, TimeUnit.SECONDS), "the core runs on after the monitor lets go");
            assertEquals(FaultDecoder.FAULT_EXIT_CODE, qemu.exitValue(), "the image's own handler exits as a reported fault does");
        } finally {
            qemu.destroyForcibly();
        }
    }

    /** In the System region (0xE0000000 up), which is never executable: fetching there faults. */
    private static final long FORCED_PC = 0xE010_0000L;

    /** Runs the monitor against QEMU's gdbstub on {@code port}, retrying until QEMU listens; its exit code. */
    private static int monitorThroughGdb(ConsoleMonitor monitor, int port) throws InterruptedException {
        for (int attempt = 0; attempt < 100; attempt++) {
            try {
                return monitor.gdb("127.0.0.1", port, Optional.of(Duration.ofSeconds(30)));
            } catch (mote.diag.ToolError e) {
                if (!e.getMessage().startsWith("cannot connect")) throw e;
                Thread.sleep(100);
            }
        }
        throw new AssertionError("QEMU's gdbstub never listened on port " + port);
    }
}

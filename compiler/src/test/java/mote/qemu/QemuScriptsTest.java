package mote.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import mote.Compiler;
import mote.home.MoteHome;
import mote.board.Board;
import mote.board.BoardCatalog;
import mote.cli.Main;
import mote.flash.GdbRemote;
import mote.llvm.SymbolNames;
import mote.home.Toolchain;

/**
 * qemu/run and qemu/debug, the QEMU side usable without the compiler: they must start QEMU
 * exactly as {@code mote run} does, on every QEMU board, keep its exit codes, and let a debugger in.
 */
class QemuScriptsTest {
    private static final Path QEMU_DIR = MoteHome.get().resolve("qemu");

    /** Prints a line and exits with 3 (not 0, so the exit code is seen to come through). */
    private static final String GREETER = """
            async fn main() -> i32 {
                println("up and running");
                3
            }
            """;

    @TempDir Path dir;

    /** `qemu/run --dry-run` prints QemuRunner's command line, word for word, for every QEMU board. */
    @TestFactory
    Stream<DynamicTest> sameCommandAsMoteRunOnEveryQemuBoard() {
        return qemuBoards().map(board -> DynamicTest.dynamicTest(board.name(), () -> {
            Path elf = minimalElf(board);
            List<String> extra = List.of("-d", "guest_errors");
            List<String> java = new QemuRunner().command(board, elf, QemuOptions.defaults().withExtraArgs(extra));
            Script plain = script("run", List.of("--dry-run", elf.toString(), board.name(), "--", "-d", "guest_errors"));
            assertEquals(0, plain.exitCode(), plain.stderr());
            assertEquals(String.join(" ", java), plain.stdout().strip());

            List<String> javaGdb = new QemuRunner().command(board, elf, QemuOptions.defaults().withGdbPort(4321));
            Script gdb = script("run", List.of("--dry-run", "--gdb=4321", "-b", board.name(), elf.toString()));
            assertEquals(String.join(" ", javaGdb), gdb.stdout().strip(), gdb.stderr());
        }));
    }

    /** A built image on every QEMU board: its console on stdout, its exit code as qemu/run's. */
    @TestFactory
    Stream<DynamicTest> runsAnImageOnEveryQemuBoard() throws IOException {
        Path source = Files.writeString(dir.resolve("greeter.mote"), GREETER);
        return qemuBoards().map(board -> DynamicTest.dynamicTest(board.name(), () -> {
            Path elf = build(source, board);
            Script run = script("run", List.of(elf.toString(), board.name()));
            assertEquals("up and running\n", run.stdout().replace("\r\n", "\n"), run.stderr());
            assertEquals(3, run.exitCode(), run.stderr());
            assertEquals("", run.stderr(), "harmless QEMU lines are dropped");
        }));
    }

    @Test
    void timeoutExitsWith124LikeMoteRun() throws Exception {
        Path source = Files.writeString(dir.resolve("forever.mote"), """
                async fn main() -> i32 {
                    println("started");
                    loop {
                        sleep_ms(1000).await;
                    }
                }
                """);
        Script run = script("run", List.of("--timeout", "1", build(source, Board.load("lm3s6965evb")).toString()));
        assertEquals(QemuResult.TIMEOUT_EXIT_CODE, run.exitCode());
        assertEquals("started\n", run.stdout().replace("\r\n", "\n"));
        assertEquals("qemu/run: error: the program did not finish within 1 s; stopped it\n", run.stderr());
    }

    @Test
    void usageErrorsAndQemuFailuresAreNotPassedOffAsTheProgramsExitCode() throws Exception {
        Path elf = minimalElf(Board.load("lm3s6965evb"));
        Script unknown = script("run", List.of(elf.toString(), "lm3s6965"));
        assertEquals(2, unknown.exitCode());
        assertEquals("qemu/run: error: unknown board `lm3s6965`; did you mean `lm3s6965evb`? (the files in "
                + MoteHome.boardsDir() + ")\n", unknown.stderr());

        Script hardware = script("run", List.of(elf.toString(), "nucleo-f401re"));
        assertEquals(1, hardware.exitCode());
        assertTrue(hardware.stderr().startsWith("qemu/run: error: board `nucleo-f401re` cannot run in QEMU"), hardware.stderr());

        Script elsewhere = script("run", List.of(elf.toString(), "mps2-an505"));
        assertEquals(1, elsewhere.exitCode());
        assertTrue(elsewhere.stderr().contains("was not linked for board `mps2-an505`"), elsewhere.stderr());

        Script badOption = script("run", List.of(elf.toString(), "--", "-no-such-option"));
        assertEquals(1, badOption.exitCode());
        assertTrue(badOption.stderr().contains("qemu/run: error: QEMU failed (exit status 1), so the program did not run"),
                badOption.stderr());

        Script missing = script("run", List.of(dir.resolve("nothing.elf").toString()));
        assertEquals(2, missing.exitCode());

        // QEMU would print its help or version and exit 0: a CI job would count that as a pass.
        for (List<String> asks : List.of(List.of("-version"), List.of("--help"), List.of("-d", "help"), List.of("-d", "in_asm,?"))) {
            List<String> args = new java.util.ArrayList<>(List.of(elf.toString(), "--"));
            args.addAll(asks);
            Script informational = script("run", args);
            assertEquals(2, informational.exitCode(), asks.toString());
            assertTrue(informational.stderr().startsWith("qemu/run: error: `" + String.join(" ", asks) + "` makes QEMU print its help"),
                    informational.stderr());
            assertEquals("", informational.stdout());
        }
    }

    /**
     * qemu/debug (without gdb) starts QEMU halted with its gdbstub; a GDB remote protocol client
     * reads a constant static straight from the image, runs to the task's poll function, and
     * reads a `static mut` that Reset_Handler has by then copied into RAM.
     */
    @Test
    void debugWaitsForGdbWhichReadsStatics() throws Exception {
        Path source = Files.writeString(dir.resolve("statics.mote"), """
                static TABLE: [u32; 3] = [0x11223344, 0x55667788, 0x99AABBCC];
                static mut SEED: u32 = 0x5EED1234;

                async fn main() -> i32 {
                    let i = (SEED & 1) as usize;
                    SEED = SEED + TABLE[i + 1];
                    println("seed {}", SEED);
                    0
                }
                """);
        Path elf = build(source, Board.load("lm3s6965evb"));
        long table = symbol(elf, SymbolNames.mangle("TABLE")), seed = symbol(elf, SymbolNames.mangle("SEED")), main = symbol(elf, "mote_executor_run");   // main's poll is inlined into it (one task)
        int port = freePort();
        Process debug = start("debug", List.of("--no-gdb", "--port", "" + port, elf.toString()));
        try {
            CompletableFuture<String> console = CompletableFuture.supplyAsync(() -> readAll(debug));
            try (GdbRemote gdb = connect(port)) {
                String halted = gdb.command("?");
                assertTrue(halted.startsWith("S") || halted.startsWith("T"), "halted: " + halted);
                assertEquals("4433221188776655", HexFormat.of().formatHex(gdb.readMemory(table, 8)));
                assertEquals("00000000", HexFormat.of().formatHex(gdb.readMemory(seed, 4)), ".data is not copied yet");
                assertEquals("OK", gdb.command("Z0," + Long.toHexString(main & ~1L) + ",2"));
                String stop = gdb.command("c");
                assertTrue(stop.startsWith("T05") || stop.startsWith("S05"), "stopped at the breakpoint: " + stop);
                assertEquals(0x5EED1234L, ByteBuffer.wrap(gdb.readMemory(seed, 4)).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL);
                assertEquals("OK", gdb.command("z0," + Long.toHexString(main & ~1L) + ",2"));
                gdb.resume();
            }
            assertTrue(debug.waitFor(30, TimeUnit.SECONDS), "the program ran to its end");
            assertEquals(0, debug.exitValue());
            assertEquals("seed " + (0x5EED1234L + 0x55667788L) + "\n",
                    console.get(10, TimeUnit.SECONDS).replace("\r\n", "\n"));
        } finally {
            debug.destroyForcibly();
        }
    }

    /** `mote run --gdb=PORT`: halted, the attach command printed, the program runs once continued. */
    @Test
    void moteRunGdbStartsHaltedAndPrintsTheAttachCommand() throws Exception {
        Path source = Files.writeString(dir.resolve("greeter.mote"), GREETER);
        int port = freePort();
        StringWriter out = new StringWriter(), err = new StringWriter();
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> Main.execute(new String[] {
                "run", source.toString(), "-o", dir.resolve("out").toString(), "--gdb=" + port},
                new PrintWriter(out), new PrintWriter(err)));
        try (GdbRemote gdb = connect(port)) {
            String halted = gdb.command("?");
            assertTrue(halted.startsWith("S") || halted.startsWith("T"), halted);
            gdb.resume();
        }
        assertEquals(3, run.get(60, TimeUnit.SECONDS), err.toString());
        assertTrue(err.toString().contains("mote run: QEMU is halted at reset, its gdbstub on localhost:" + port
                + "; attach with:\n  "), err.toString());
        assertTrue(err.toString().contains(" -q -x " + QEMU_DIR.resolve("gdbinit") + " -ex 'target remote localhost:" + port
                + "' " + dir.resolve("out/greeter.elf")), err.toString());
        // gdb finds the sources, which DWARF names relative to the program's folder, and runtime-c's,
        // named relative to Mote's (docs/gdb.md).
        assertTrue(err.toString().contains(" --directory=" + dir.toAbsolutePath().normalize() + " --directory="
                + mote.home.MoteHome.get().toAbsolutePath().normalize() + " -q "), err.toString());
    }

    private static Stream<Board> qemuBoards() {
        return BoardCatalog.standard().boards().stream().filter(board -> board.qemu().isPresent());
    }

    private Path build(Path source, Board board) {
        Path out = dir.resolve("out-" + board.name());
        Compiler.Result result = Compiler.compile(source, Compiler.Options.defaults(board, out));
        return result.installedElf().orElseThrow();
    }

    /** The smallest image qemu/run accepts for {@code board}: an ARM ELF with one segment at its flash. */
    private Path minimalElf(Board board) throws IOException {
        ByteBuffer elf = ByteBuffer.allocate(52 + 32 + 8).order(ByteOrder.LITTLE_ENDIAN);
        elf.put(new byte[] {0x7f, 'E', 'L', 'F', 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        elf.putShort((short) 2).putShort((short) 40).putInt(1);            // executable, ARM, version
        elf.putInt((int) board.flashRegion().origin()).putInt(52).putInt(0); // entry, phoff, shoff
        elf.putInt(0x05000200).putShort((short) 52).putShort((short) 32).putShort((short) 1); // flags, sizes, phnum
        elf.putShort((short) 40).putShort((short) 0).putShort((short) 0);
        elf.putInt(1).putInt(84).putInt((int) board.flashRegion().origin()).putInt((int) board.flashRegion().origin())
                .putInt(8).putInt(8).putInt(5).putInt(4);                      // PT_LOAD of 8 bytes at flash
        return Files.write(dir.resolve(board.name() + ".elf"), elf.array());
    }

    private static long symbol(Path elf, String name) {
        Toolchain tc = Toolchain.get();
        for (String line : tc.check(tc.llvmNm(), List.of(elf.toString())).split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 3 && parts[2].equals(name)) return Long.parseLong(parts[0], 16);
        }
        throw new AssertionError("no symbol " + name + " in " + elf);
    }

    private record Script(int exitCode, String stdout, String stderr) {}

    private Script script(String name, List<String> args) throws IOException, InterruptedException {
        Process process = start(name, args);
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        String stdout = readAll(process);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), name + " finished");
        return new Script(process.exitValue(), stdout, stderr.join());
    }

    private Process start(String name, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(QEMU_DIR.resolve(name).toString()));
        command.addAll(args);
        Process process = new ProcessBuilder(command).directory(dir.toFile()).start();
        process.getOutputStream().close();
        return process;
    }

    private static String readAll(Process process) {
        return readAll(process.getInputStream());
    }

    private static String readAll(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static GdbRemote connect(int port) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                break;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        return GdbRemote.connect("127.0.0.1", port, Duration.ofSeconds(30));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}

package mote.flash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import mote.home.MoteHome;
import mote.board.Board;
import mote.cli.Main;
import mote.qemu.QemuOptions;
import mote.qemu.QemuRunner;

/**
 * {@code mote flash --probe gdb=HOST:PORT} against a real GDB server: QEMU started halted
 * ({@code -S}) with no image, its gdbstub on a free local port, semihosting and the console on
 * stdio as {@link QemuRunner} sets them up. mote loads hello.mote into it and starts it; the
 * QEMU process must then print hello's output and exit 0.
 */
class FlashGdbTest {
    @TempDir Path dir;

    @Test
    void loadsAndStartsHelloInHaltedQemu() throws Exception {
        Board board = Board.load("lm3s6965evb");
        int port = freePort();
        Process qemu = startHaltedQemu(board, port);
        try {
            CompletableFuture<String> console = CompletableFuture.supplyAsync(() -> readAll(qemu));
            waitForPort(port, Duration.ofSeconds(10));
            StringWriter out = new StringWriter(), err = new StringWriter();

            int code = Main.execute(new String[] {"flash", MoteHome.get().resolve("examples/hello.mote").toString(),
                    "-b", "lm3s6965evb", "-o", dir.toString(), "--probe", "gdb=localhost:" + port},
                    new PrintWriter(out), new PrintWriter(err));

            assertEquals(0, code, err.toString());
            assertTrue(out.toString().contains("over GDB at localhost:" + port + "; started at 0x"), out.toString());
            assertTrue(qemu.waitFor(30, TimeUnit.SECONDS), "QEMU exits when hello does");
            assertEquals(0, qemu.exitValue(), "hello's exit code through semihosting");
            assertEquals("""
                    Hello from Mote on a Cortex-M!
                    tick 1
                    tick 2
                    tick 3
                    counted 3 ticks, bye
                    """, console.get(10, TimeUnit.SECONDS).replace("\r\n", "\n"));
        } finally {
            qemu.destroyForcibly();
        }
    }

    @Test
    void noServerIsAClearError() throws IOException {
        int port = freePort();
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.execute(new String[] {"flash", MoteHome.get().resolve("examples/hello.mote").toString(),
                "-o", dir.toString(), "--probe", "gdb=127.0.0.1:" + port}, new PrintWriter(out), new PrintWriter(err));
        assertEquals(1, code);
        assertTrue(err.toString().startsWith("error: cannot connect to the GDB server at 127.0.0.1:" + port), err.toString());
    }

    /** QemuRunner's command line for the board, without -kernel and halted, with a gdbstub. */
    static Process startHaltedQemu(Board board, int port) throws IOException {
        List<String> command = new ArrayList<>(new QemuRunner().command(board, Path.of("unused.elf"), QemuOptions.defaults()));
        int kernel = command.indexOf("-kernel");
        command.remove(kernel + 1);
        command.remove(kernel);
        command.addAll(List.of("-S", "-gdb", "tcp:127.0.0.1:" + port));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        process.getOutputStream().close();
        return process;
    }

    private static String readAll(Process process) {
        try {
            return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void waitForPort(int port, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("QEMU's gdbstub did not open port " + port);
    }
}

package mote.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import mote.Compiler;
import mote.board.Board;
import mote.diag.ToolError;
import mote.testutil.ProgramRunner;

class QemuRunnerTest {
    @TempDir Path dir;

    @Test
    void missingQemuSaysHowToInstallIt() throws IOException {
        Path elf = Files.writeString(dir.resolve("x.elf"), "not really");
        QemuRunner runner = new QemuRunner("qemu-system-arm-not-installed");
        ToolError error = assertThrows(ToolError.class,
                () -> runner.run(Board.load("lm3s6965evb"), elf, QemuOptions.defaults()));
        assertEquals("qemu-system-arm-not-installed not found; install it with `apt-get install qemu-system-arm`",
                error.getMessage());
    }

    @Test
    void propertyOverridesTheExecutable() throws IOException {
        Path elf = Files.writeString(dir.resolve("x.elf"), "not really");
        String previous = System.setProperty("mote.qemu", dir.resolve("bin/qemu-system-arm").toString());
        try {
            ToolError error = assertThrows(ToolError.class,
                    () -> new QemuRunner().run(Board.load("lm3s6965evb"), elf, QemuOptions.defaults()));
            assertTrue(error.getMessage().endsWith("not found; install it with `apt-get install qemu-system-arm`"));
        } finally {
            if (previous == null) System.clearProperty("mote.qemu");
            else System.setProperty("mote.qemu", previous);
        }
    }

    @Test
    void boardWithoutQemuMachine() {
        Board real = Board.load("lm3s6965evb");
        Board hardwareOnly = new Board("devkit", "", Path.of("boards/devkit.json"), real.llvmTarget(), real.cpu(),
                real.features(), real.floatAbi(), real.memory(), real.clockHz(), real.console(), real.irqs(),
                real.irqCount(), real.stackSize(), Optional.empty(), Optional.empty());
        ToolError error = assertThrows(ToolError.class,
                () -> new QemuRunner().command(hardwareOnly, dir.resolve("x.elf"), QemuOptions.defaults()));
        assertTrue(error.getMessage().startsWith("board `devkit` cannot run in QEMU"), error.getMessage());
    }

    @Test
    void commandLine() {
        Path elf = dir.resolve("app.elf");
        List<String> command = new QemuRunner().command(Board.load("mps2-an385"), elf,
                QemuOptions.defaults().withIcountShift(3).withExtraArgs(List.of("-d", "guest_errors")));
        assertTrue(command.get(0).endsWith("qemu-system-arm"), command.get(0));
        String line = String.join(" ", command.subList(1, command.size()));
        assertEquals("-M mps2-an385 -nographic -monitor none -chardev stdio,id=console,mux=on "
                + "-serial chardev:console -semihosting-config enable=on,target=native,chardev=console "
                + "-icount shift=3,align=off,sleep=off -kernel " + elf + " -d guest_errors", line);
    }

    /**
     * `mote run` streams the console and keeps none of it; the result keeps at most the capture
     * limit (a program may print for hours), and a line without end is passed on in pieces
     * rather than piled up waiting for its newline.
     */
    @Test
    void theResultKeepsOnlyTheCaptureLimitWhileTheConsoleGetsEverything() throws IOException {
        Path source = Files.writeString(dir.resolve("chatty.mote"), """
                async fn main() -> i32 {
                    for i in 0..2000u32 { println("line {}", i); }
                    for i in 0..20000u32 { print("x"); }
                    7
                }
                """);
        Board board = Board.load("lm3s6965evb");
        Compiler.Result build = Compiler.compile(source, Compiler.Options.defaults(board, ProgramRunner.tempDir()));
        try {
            java.io.ByteArrayOutputStream console = new java.io.ByteArrayOutputStream();
            List<Integer> pieces = new java.util.ArrayList<>();
            java.io.OutputStream counting = new java.io.FilterOutputStream(console) {
                @Override public void write(byte[] b, int off, int len) throws IOException {
                    pieces.add(len);
                    console.write(b, off, len);
                }
            };
            QemuResult run = new QemuRunner().run(board, build.elf(), QemuOptions.defaults()
                    .withTimeout(java.time.Duration.ofSeconds(60)).withConsole(counting).withCaptureLimit(100));
            assertEquals(7, run.exitCode());
            String all = console.toString(java.nio.charset.StandardCharsets.UTF_8).replace("\r\n", "\n");
            assertTrue(all.startsWith("line 0\nline 1\n") && all.contains("line 1999\n"), all.substring(0, 40));
            assertEquals(20000, all.length() - all.replace("x", "").length());
            String kept = run.output().replace("\r\n", "\n");
            assertTrue(kept.startsWith(all.substring(0, 80)), kept);
            String tail = " more bytes not kept: the limit is 100]\n";
            assertTrue(kept.endsWith(tail), kept);
            assertEquals(console.size() - 100, Long.parseLong(kept.substring(kept.lastIndexOf('[') + 1, kept.length() - tail.length())));
            assertTrue(pieces.stream().allMatch(n -> n <= 64 * 1024), "no piece over 64 KiB");

            QemuResult none = new QemuRunner().run(board, build.elf(), QemuOptions.defaults()
                    .withTimeout(java.time.Duration.ofSeconds(60)).withCaptureLimit(0));
            assertEquals(7, none.exitCode());
            assertTrue(none.output().startsWith("[") && none.output().contains("more bytes not kept"), none.output());
        } finally {
            build.discard();
        }
    }

    @Test
    void aNegativeCaptureLimitIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> QemuOptions.defaults().withCaptureLimit(-1));
    }
}

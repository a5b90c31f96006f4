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

import mote.board.Board;
import mote.diag.ToolError;

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
}

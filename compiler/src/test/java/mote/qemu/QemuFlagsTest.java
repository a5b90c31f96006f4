package mote.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import mote.Compiler;
import mote.board.Board;
import mote.diag.ToolError;
import mote.testutil.ProgramRunner;
import mote.testutil.TestFiles;

/** qemu/flags, the one file the CLI and qemu/run, qemu/debug take QEMU's command line from. */
class QemuFlagsTest {
    @Test
    void theInstalledFileReads() {
        QemuFlags flags = QemuFlags.standard();
        List<String> run = flags.run("mps2-an385", 0, Path.of("my app.elf"));
        assertEquals(List.of("-M", "mps2-an385"), run.subList(0, 2));
        assertEquals(List.of("-kernel", "my app.elf"), run.subList(run.size() - 2, run.size()), "a path with a space stays one word");
        assertTrue(run.contains("shift=0,align=off,sleep=off"), run.toString());
        assertEquals(List.of("-S", "-gdb", "tcp:127.0.0.1:4321"), flags.debug(4321));
    }

    @Test
    void placeholdersAreFilledOnceAndOnlyKnownOnesAreAccepted() {
        QemuFlags flags = QemuFlags.parse("f", List.of("[run]", "# a comment", "-kernel {elf}", "-M {machine}", "[debug]", "-gdb tcp::{port}"));
        assertEquals(List.of("-kernel", "{port}.elf", "-M", "m"), flags.run("m", 0, Path.of("{port}.elf")));
        ToolError unknown = assertThrows(ToolError.class, () -> QemuFlags.parse("f", List.of("[run]", "-M {board}")));
        assertEquals("f:2: unknown placeholder {board}; known: {machine}, {icount-shift}, {elf}, {port}", unknown.getMessage());
        ToolError outside = assertThrows(ToolError.class, () -> QemuFlags.parse("f", List.of("-nographic")));
        assertEquals("f:1: `-nographic` is outside any section", outside.getMessage());
        assertThrows(ToolError.class, () -> QemuFlags.parse("f", List.of("[debug]", "-S")), "no [run] section");
    }

    @Test
    void harmlessLinesMatchWithOrWithoutQemusNamePrefix() {
        QemuFlags flags = QemuFlags.standard();
        assertTrue(flags.isHarmless("Timer with period zero, disabling\n", "/usr/bin/qemu-system-arm"));
        assertTrue(flags.isHarmless("qemu-system-arm: warning: icount sleep disabled and no active timers\r\n",
                "/usr/bin/qemu-system-arm"));
        assertFalse(flags.isHarmless("qemu-system-arm: -bogus: invalid option", "qemu-system-arm"));
    }

    /**
     * A program waiting in WFI for input that never comes, with no timer running: QEMU warns
     * once ({@code qemu-system-arm: warning: icount sleep disabled ...}); the runner drops the
     * line (it used to compare it without QEMU's prefix, so it never matched).
     */
    @Test
    void qemusIdleWarningIsDropped() {
        Board board = Board.load("lm3s6965evb");
        Compiler.Result build = Compiler.compile(TestFiles.resources("run").resolve("uart_echo.mote"),
                Compiler.Options.defaults(board, ProgramRunner.tempDir()));
        try {
            QemuResult run = new QemuRunner().run(board, build.elf(), QemuOptions.defaults().withTimeout(Duration.ofSeconds(2)));
            assertTrue(run.timedOut(), "uart_echo waits for a line that never comes");
            assertEquals("", run.stderr());
        } finally {
            build.discard();
        }
    }
}

package mote.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import mote.board.Board;
import mote.decode.FaultDecoder;
import mote.diag.ToolError;
import mote.flash.ConsoleMonitor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "monitor", mixinStandardHelpOptions = true,
        description = {"Watches a board running a Mote image and decodes what it reports.",
                "As under `mote run`, a fault becomes its cause, function, source line and task (docs/debugging.md).",
                "--port DEVICE reads the console from a serial port (or pseudo-terminal); --port gdb=HOST:PORT",
                "stops the core at a fault through a GDB server (a probe's, or QEMU's gdbstub) and reads the report itself.",
                "Exits 102 after a fault, 101 after a panic, the program's code when it exits, 124 when --timeout runs out."})
public final class MonitorCommand implements Callable<Integer> {
    @Option(names = "--elf", required = true, paramLabel = "APP.elf", description = "The image the board runs (its symbols and line table).")
    Path elf;

    @Option(names = "--port", required = true, paramLabel = "DEVICE|gdb=HOST:PORT", description = "Where to read: a serial device, or a GDB server.")
    String port;

    @Option(names = {"-b", "--board"}, paramLabel = "BOARD", description = "The board (its memory map and interrupt names); default ${DEFAULT-VALUE}.")
    String board = Board.DEFAULT_NAME;

    @Option(names = "--baud", paramLabel = "RATE", description = "Set the serial port to this speed, raw (stty) before reading.")
    Integer baud;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Stop watching after this many seconds (exit 124).")
    Double timeoutSeconds;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(elf)) throw new ToolError("no such file: " + elf + " (--elf)", 2);
        return monitor(Board.load(board), elf, port, Optional.ofNullable(baud), timeout(timeoutSeconds), Map.of());
    }

    static Optional<Duration> timeout(Double seconds) {
        return seconds == null ? Optional.empty() : Optional.of(duration(seconds));
    }

    /** `--timeout SECONDS` of run, test and monitor: a finite positive number, at least 1 ms once rounded. */
    static Duration duration(double seconds) {
        if (!(seconds > 0) || Double.isInfinite(seconds))   // NaN too
            throw new ToolError("--timeout must be a positive number of seconds, not " + seconds, 2);
        return Duration.ofMillis(Math.max(1, (long) Math.ceil(seconds * 1000)));
    }

    /** Shared with `mote flash --monitor`: {@code worstCases} from the build when there is one. */
    static int monitor(Board board, Path elf, String port, Optional<Integer> baud, Optional<Duration> timeout,
                       Map<String, String> worstCases) {
        ConsoleMonitor monitor = new ConsoleMonitor(board, new FaultDecoder(board, elf, worstCases), mote.decode.LogDecoder.of(elf), System.out);
        int code;
        if (port.startsWith("gdb=")) {
            String where = port.substring("gdb=".length());
            int colon = where.lastIndexOf(':');
            int tcp;
            try {
                tcp = Integer.parseInt(where.substring(colon + 1));
            } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                tcp = -1;
            }
            if (colon <= 0 || tcp < 1 || tcp > 65535) throw new ToolError("--port " + port + ": expected gdb=HOST:PORT, e.g. gdb=localhost:3333", 2);
            code = monitor.gdb(where.substring(0, colon), tcp, timeout);
        } else {
            code = monitor.serial(Path.of(port), baud, timeout);
        }
        if (code == ConsoleMonitor.TIMEOUT_EXIT_CODE) System.err.println("error: nothing ended the watch within the timeout; stopped");
        return code;
    }
}

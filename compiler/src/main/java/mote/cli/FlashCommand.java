package mote.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import mote.Compiler;
import mote.board.Board;
import mote.flash.Flasher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "flash", mixinStandardHelpOptions = true,
        description = {"Programs a board through a probe tool, a UF2 bootloader drive or a GDB server.",
                "Builds APP.mote (or takes a linked APP.elf) and loads it. Without --probe, the board file's",
                "flash.method is used."})
public final class FlashCommand implements Callable<Integer> {
    @Mixin BuildOptions build;
    @Spec CommandSpec spec;

    @Option(names = "--probe", paramLabel = "PROBE",
            description = "openocd, probe-rs, pyocd, uf2[=DRIVE_DIR] or gdb=HOST:PORT (load over the GDB remote protocol).")
    String probe;

    @Option(names = "--dry-run", description = "Print the exact commands (or GDB protocol steps) instead of running them.")
    boolean dryRun;

    @Option(names = "--monitor", description = "Then watch the board and decode what it reports, as `mote monitor` (needs --port).")
    boolean monitor;

    @Option(names = "--port", paramLabel = "DEVICE|gdb=HOST:PORT", description = "Where --monitor reads: a serial device, or a GDB server.")
    String port;

    @Option(names = "--baud", paramLabel = "RATE", description = "With --monitor: set the serial port to this speed first.")
    Integer baud;

    @Override
    public Integer call() {
        return build.timed(spec, this::execute);
    }

    private int execute() {
        if (monitor && port == null) throw new mote.diag.ToolError("--monitor needs --port DEVICE or --port gdb=HOST:PORT", 2);
        PrintWriter out = spec.commandLine().getOut();
        String given = build.source == null ? "" : build.source.getFileName().toString();
        if (given.matches("(?i).*\\.(bin|hex|ihex|uf2|srec|s19)")) {
            throw new mote.diag.ToolError("`" + build.source + "` is a raw image: `mote flash` takes a program (APP.mote) or a linked image "
                    + "(APP.elf), whose addresses and core it checks against the board", 2);
        }
        if (given.endsWith(".elf")) {
            Board board = build.loadBoard();
            if (!java.nio.file.Files.isRegularFile(build.source)) {
                throw new mote.diag.ToolError("no such file: " + build.source, 2);
            }
            Path elf = build.source;
            return flashAndWatch(board, elf, out, java.util.Map::of);
        }
        Compiler.Options options = build.toOptions();
        Compiler.Result result = Compiler.compile(build.source(), options);
        try {
            result.requireFits();
            // As mote build: an image whose worst-case stack is known not to fit is not flashed.
            if (result.mir().mainFunction() != null) mote.size.StackCheck.of(result, options.board()).requireFits();
            build.requireWithinBudget(result.size(), options.board(), spec.commandLine().getErr());
            // A dry run names the image in the output folder, for the user to load later; a real
            // one loads this build's own image, which no other build can replace meanwhile.
            return flashAndWatch(options.board(), dryRun ? result.installedElf().orElseThrow() : result.elf(), out,
                    () -> mote.size.StackCheck.faultFigures(result, options.board()));
        } finally {
            result.discard();
        }
    }

    /**
     * Flashes; with --monitor then watches, decoding what the board reports. Loading over the
     * same GDB server the monitor watches, the monitor takes the connection over with the core
     * still halted, so its breakpoints are in before the program's first instruction.
     */
    private int flashAndWatch(Board board, Path elf, PrintWriter out, java.util.function.Supplier<java.util.Map<String, String>> worstCases) {
        if (!monitor || dryRun) {
            flash(board, elf, out);
            return 0;
        }
        Flasher.Plan plan = Flasher.plan(board, elf, Optional.ofNullable(probe));
        if (plan instanceof Flasher.GdbLoad load && port.equals("gdb=" + load.host() + ":" + load.port())) {
            var monitor = new mote.flash.ConsoleMonitor(board, new mote.decode.FaultDecoder(board, elf, worstCases),
                    mote.decode.LogDecoder.of(elf), System.out);
            return Flasher.executeAndWatch(plan, out, gdb -> monitor.watch(gdb, Optional.empty()));
        }
        Flasher.execute(plan, out);
        out.flush();
        return MonitorCommand.monitor(board, elf, port, Optional.ofNullable(baud), Optional.empty(), worstCases.get());
    }

    private void flash(Board board, Path elf, PrintWriter out) {
        Flasher.Plan plan = Flasher.plan(board, elf, Optional.ofNullable(probe));
        if (dryRun) {
            out.print(plan.describe());
        } else {
            Flasher.execute(plan, out);
        }
        out.flush();
    }
}

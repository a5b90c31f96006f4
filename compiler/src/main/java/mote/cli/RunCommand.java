package mote.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Stack;
import java.util.concurrent.Callable;
import mote.Compiler;
import mote.diag.ToolError;
import mote.decode.ConsoleDecoder;
import mote.decode.FaultDecoder;
import mote.qemu.GdbAttach;
import mote.qemu.QemuOptions;
import mote.qemu.QemuResult;
import mote.qemu.QemuRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterPreprocessor;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Builds a program and runs it under QEMU on the board's machine.",
                "The program's console goes to stdout and its exit code becomes mote's; 124 when --timeout runs out.",
                "A fault (HardFault and friends) exits with 102 and its report is decoded: cause, function, source line, task (docs/debugging.md).",
                "What is typed in an interactive terminal reaches the console UART; --input feeds it from a file or a pipe.",
                "--gdb starts QEMU halted with its gdbstub and prints the gdb command that attaches (qemu/README.md).",
                "Arguments after `--` go to qemu-system-arm."})
public final class RunCommand implements Callable<Integer> {
    @Mixin BuildOptions build;
    @Spec CommandSpec spec;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Stop the program after this many seconds of host time (exit 124).")
    Double timeoutSeconds;

    @Option(names = "--input", paramLabel = "FILE",
            description = "Bytes for the console UART's receive side, then end of input: a file, or - for this process's stdin.")
    String input;

    @Option(names = "--gdb", paramLabel = "PORT", arity = "0..1", fallbackValue = "" + GdbAttach.DEFAULT_PORT,
            preprocessor = PortOnlyAttached.class,
            description = "Start halted with QEMU's gdbstub on localhost:PORT (default ${FALLBACK-VALUE}) and print "
                    + "the gdb command that attaches; the program runs once gdb continues it.")
    Integer gdbPort;

    @Parameters(index = "1..*", paramLabel = "QEMU_ARG", description = "Extra arguments for qemu-system-arm (after `--`), such as `-d int`; "
            + "options that only print QEMU's help or version are refused.")
    List<String> qemuArgs = new ArrayList<>();

    @Override
    public Integer call() {
        return build.timed(spec, this::execute);
    }

    private int execute() {
        // In a project, `mote run -- -d int` has no program: what picocli took for one is QEMU's.
        if (build.source != null && !build.source.toString().endsWith(".mote") && build.project().isPresent()) {
            qemuArgs.add(0, build.source.toString());
            build.source = null;
        }
        // picocli takes every further word for QEMU; only what follows `--` is meant for it
        // (`mote run a.mote b.mote` would hand QEMU b.mote as a disk image).
        List<String> typedArgs = spec.commandLine().getParseResult().originalArgs();
        if (!qemuArgs.isEmpty() && !typedArgs.contains("--"))
            throw new ToolError("unexpected argument `" + qemuArgs.get(0)
                    + "`: `mote run` takes one program; arguments for QEMU go after `--`", 2);
        mote.qemu.QemuRunner.refuseInformational(qemuArgs);
        Compiler.Options options = build.toOptions();
        byte[] typed = input == null ? null : readInput(input);   // a bad --input fails before compiling
        options.board().requireQemu();   // fail before compiling when the board cannot run here
        Compiler.Result result = Compiler.compile(build.source(), options);
        try {
            return run(options, result, typed);
        } finally {
            result.discard();
        }
    }

    /** Runs this build's own image (not the one in the output folder, which another build may have replaced). */
    private int run(Compiler.Options options, Compiler.Result result, byte[] typed) {
        result.requireFits();
        build.requireWithinBudget(result.size(), options.board(), spec.commandLine().getErr());
        // A stack known to overflow fails here, at build time, not as a crash under QEMU.
        Map<String, String> worstCases = Map.of();
        if (result.mir().mainFunction() != null) {
            mote.size.StackUsage stack = mote.size.StackUsage.measure(result, options.board());
            List<mote.size.TaskReport.Task> tasks = mote.size.TaskReport.of(result, stack);
            mote.size.StackCheck check = mote.size.StackCheck.of(result, options.board(), stack, tasks);
            check.requireFits();
            worstCases = check.faultFigures(tasks);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.flush();
        // A fault report comes out decoded (what failed, at which source line, in which task),
        // and --log interned frames as the text they stand for.
        FaultDecoder faults = new FaultDecoder(options.board(), result.elf(), worstCases);
        ConsoleDecoder decoder = new ConsoleDecoder(faults, mote.decode.LogDecoder.of(result.elf()));
        QemuOptions q = QemuOptions.defaults().withExtraArgs(qemuArgs).withConsole(decoder.decoding(System.out)).withDiagnostics(System.err)
                .withCaptureLimit(0);   // streamed to the terminal; a run may print for hours
        if (timeoutSeconds != null) {
            q = q.withTimeout(MonitorCommand.duration(timeoutSeconds));
        }
        if (gdbPort != null) {
            if (gdbPort < 1 || gdbPort > 65535) throw new mote.diag.ToolError("--gdb: " + gdbPort + " is not a TCP port (1 to 65535)", 2);
            q = q.withGdbPort(gdbPort);
            // The image in the output folder has the same bytes and a path worth typing.
            spec.commandLine().getErr().println(GdbAttach.hint("mote run", gdbPort, result.installedElf().orElse(result.elf()),
                    build.source().toAbsolutePath().getParent()));
            spec.commandLine().getErr().flush();
        }
        if (typed != null) q = q.withInput(typed);
        else if (System.console() != null) q = q.withTerminalInput();   // interactive: type into the UART
        QemuResult run = new QemuRunner().run(options.board(), result.elf(), q);
        if (run.timedOut()) {
            spec.commandLine().getErr().println("error: the program did not finish within " + timeoutSeconds + " s; stopped it");
            spec.commandLine().getErr().flush();
            return QemuResult.TIMEOUT_EXIT_CODE;
        }
        if (run.qemuError().isPresent()) {
            // QEMU's exit status is not the program's: never pass it off as one.
            throw new mote.diag.ToolError("QEMU failed (exit status " + run.exitCode() + "), so the program did not run: "
                    + run.qemuError().get() + "\n  = help: check the QEMU arguments after `--` and the board's `qemu` section");
        }
        if (run.exitCode() == FaultDecoder.FAULT_EXIT_CODE && faults.symbol("mote_fault").isEmpty()) {
            spec.commandLine().getErr().println(FaultDecoder.UNREPORTED);
            spec.commandLine().getErr().flush();
        }
        return run.exitCode();
    }

    /**
     * {@code --gdb} takes its port only attached ({@code --gdb=4321}): {@code --gdb app.mote}
     * must not read the program's name as a port.
     */
    static final class PortOnlyAttached implements IParameterPreprocessor {
        @Override
        public boolean preprocess(Stack<String> args, CommandSpec command, ArgSpec option, Map<String, Object> info) {
            if (" ".equals(info.get("separator"))) args.push("" + GdbAttach.DEFAULT_PORT);
            return false;
        }
    }

    private static byte[] readInput(String name) {
        if (!name.equals("-") && Files.isDirectory(Path.of(name)))
            throw new mote.diag.ToolError(name + " is a folder (--input): name a file whose bytes the program reads, or - for stdin", 2);
        try {
            return name.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(name));
        } catch (NoSuchFileException e) {
            throw new mote.diag.ToolError("no such file: " + name + " (--input)", 2);
        } catch (IOException e) {
            throw new mote.diag.ToolError("cannot read " + name + " (--input): " + e.getMessage());
        }
    }
}

package mote.cli;

import java.io.PrintWriter;
import mote.InternalCompilerError;
import mote.diag.CompileError;
import mote.diag.ToolError;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** `mote`: the command line. Each verb is its own class; this one maps errors to exit codes. */
@Command(name = "mote", mixinStandardHelpOptions = true, version = "mote " + InternalCompilerError.VERSION,
        description = "Compiles Mote programs for ARM Cortex-M and runs them under QEMU.",
        footer = {"", "New to Mote? docs/guide.md is the first hour, step by step; docs/reference.md the language."},
        subcommands = {NewCommand.class, BuildCommand.class, RunCommand.class, TestCommand.class, SizeCommand.class, ExplainCommand.class,
                FlashCommand.class, MonitorCommand.class, BoardsCommand.class, LspCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public static final int EXIT_COMPILE_ERROR = 1;
    public static final int EXIT_USAGE = 2;
    /** A bug in Mote (EX_SOFTWARE of sysexits.h): distinct from 101, a panicking program's code under `mote run`. */
    public static final int EXIT_INTERNAL_ERROR = 70;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: try `mote build`, `mote run`, `mote test` or `mote boards`");
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI in-process (tests use this): returns the exit code. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> report(ex, args, err));
        try {
            return cli.execute(args);
        } catch (VirtualMachineError e) {
            // Out of memory or stack outside a guarded phase: picocli hands only Exceptions to the handler.
            return CrashReport.print(e, args, err);
        }
    }

    static int report(Throwable ex, String[] args, PrintWriter err) {
        if (ex instanceof CompileError ce) {
            err.print(ce.diagnostics().render());
            err.flush();
            return EXIT_COMPILE_ERROR;
        }
        if (ex instanceof ToolError te) {
            err.println("error: " + te.getMessage());
            err.flush();
            return te.exitCode();
        }
        return CrashReport.print(ex, args, err);
    }
}

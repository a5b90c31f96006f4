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
        if (args.length > 0 && COMPILING_VERBS.contains(args[0])) warmUp();
        java.nio.charset.Charset charset = outputCharset(java.nio.charset.Charset.defaultCharset());
        System.exit(execute(args, new PrintWriter(new java.io.OutputStreamWriter(System.out, charset), true),
                new PrintWriter(new java.io.OutputStreamWriter(System.err, charset), true)));
    }

    /**
     * The reports' charset: the locale's, unless it cannot write what they print (`Δ` in `mote
     * size`, `→` in messages) as under no locale at all (a CI job, `env -i`: ASCII), where the
     * JVM wrote `?` for them; then UTF-8, which terminals and CI logs show.
     */
    static java.nio.charset.Charset outputCharset(java.nio.charset.Charset localeCharset) {
        var encoder = localeCharset.newEncoder();
        return encoder.canEncode("Δ→×") ? localeCharset : java.nio.charset.StandardCharsets.UTF_8;
    }

    private static final java.util.Set<String> COMPILING_VERBS = java.util.Set.of("build", "run", "test", "size");

    /**
     * A verb that compiles needs LLVM's native library (over 100 MB to map and relocate) and
     * the LLVM tools: a second thread loads them while this one parses the command line and
     * reads the board, a few hundred milliseconds of every build on a machine with two cores
     * (issue 13). Class initialisation is safe to race: the first user waits for the loader.
     * Failures are left for the build itself to meet and report.
     */
    private static void warmUp() {
        Thread json = new Thread(() -> {
            try {
                mote.board.BoardLoader.warmUp();
            } catch (RuntimeException | LinkageError e) {
                // reported where the build reads its board
            }
        }, "mote-warm-up-json");
        json.setDaemon(true);
        json.start();
        Thread t = new Thread(() -> {
            try {
                mote.llvm.LlvmBackend.targetProblem("thumbv7m-none-eabi");
                mote.home.Toolchain.get();
            } catch (RuntimeException | LinkageError e) {
                // reported where the build needs LLVM
            }
        }, "mote-warm-up");
        t.setDaemon(true);
        t.start();
    }

    /** Runs the CLI in-process (tests use this): returns the exit code. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        // `mote build --version` prints what `mote --version` does (each verb's -V printed nothing).
        String[] version = cli.getCommandSpec().version();
        cli.getSubcommands().values().forEach(sub -> sub.getCommandSpec().version(version));
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

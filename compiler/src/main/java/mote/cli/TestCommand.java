package mote.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import mote.Compiler;
import mote.diag.ToolError;
import mote.testing.TestRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "test", mixinStandardHelpOptions = true,
        description = {"Runs every `test fn` and `test async fn` of a file or folder under QEMU.",
                "A folder is searched for .mote files. Each test gets its own image, so a panic fails only that test.",
                "Prints `test NAME ... ok` or `FAILED`, the output of each failure and `N passed, M failed`;",
                "exits 1 when a test failed or a file did not compile."},
        footer = {"", "The positional argument is FILE_OR_DIR: a .mote file or a directory searched recursively;",
                "in a project without one, tests/ and the entry's folder."})
public final class TestCommand implements Callable<Integer> {
    @Mixin BuildOptions build;
    @Spec CommandSpec spec;

    @Option(names = "--junit", paramLabel = "FILE", description = "Also write the results as JUnit XML to FILE.")
    Path junit;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "Fail a test that runs longer than this many seconds of host time (default: ${DEFAULT-VALUE}).")
    double timeoutSeconds;

    @Override
    public Integer call() {
        return build.timed(spec, this::execute);
    }

    private int execute() {
        Duration timeout = MonitorCommand.duration(timeoutSeconds);
        Compiler.Options options = build.toOptions();
        options.board().requireQemu();
        List<Path> files = build.source != null || build.project().isEmpty()
                ? TestRunner.files(build.source())
                : build.project().get().testFolders().stream().flatMap(folder -> TestRunner.files(folder).stream()).toList();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TestRunner runner = new TestRunner(options, timeout, out, err);
        // A project's tests import its modules as its entry does.
        build.project().ifPresent(p -> {
            Path src = p.entry().getParent();
            if (src != null) runner.withModuleFolders(List.of(src));
        });
        boolean ok = runner.run(files);
        if (junit != null) runner.writeJUnit(junit);
        return ok ? 0 : Main.EXIT_COMPILE_ERROR;
    }
}

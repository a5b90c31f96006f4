package mote.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import mote.Compiler;
import mote.size.SizeFormat;
import mote.size.SizeReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "size", mixinStandardHelpOptions = true,
        description = {"Builds the program as the baseline (--opt none), with each optimization alone, and with all,",
                "and reports the sections, flash and RAM of each, and every async fn's state machine."})
public final class SizeCommand implements Callable<Integer> {
    @Mixin BuildOptions build;
    @Spec CommandSpec spec;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "table (default), json or markdown.")
    String format;

    @Override
    public Integer call() {
        if (!format.equals("table") && !format.equals("json") && !format.equals("markdown"))
            throw new mote.diag.ToolError("unknown --format `" + format + "`; use table, json or markdown", 2);
        Compiler.Options options = build.toOptions();
        SizeReport report = SizeReport.measure(build.source, options);
        PrintWriter out = spec.commandLine().getOut();
        out.print(switch (format) {
            case "json" -> SizeFormat.json(report);
            case "markdown" -> SizeFormat.markdown(report);
            default -> SizeFormat.table(report);
        });
        out.flush();
        return 0;
    }
}

package mote.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import mote.Compiler;
import mote.size.SizeBaseline;
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

    @Option(names = "--save", paramLabel = "BASELINE.json",
            description = "Save the sections and symbols of this build (with the --opt given) as a baseline for --check.")
    java.nio.file.Path save;

    @Option(names = "--check", paramLabel = "BASELINE.json",
            description = "Compare this build with a saved baseline: per-section and per-symbol growth; exit 1 past --max-growth.")
    java.nio.file.Path check;

    @Option(names = "--max-growth", paramLabel = "PCT", defaultValue = "0",
            description = "With --check: how many percent flash or RAM may grow (default ${DEFAULT-VALUE}).")
    double maxGrowth;

    @Override
    public Integer call() {
        return build.timed(spec, this::execute);
    }

    private int execute() {
        if (!format.equals("table") && !format.equals("json") && !format.equals("markdown"))
            throw new mote.diag.ToolError("unknown --format `" + format + "`; use table, json or markdown", 2);
        if (!Double.isFinite(maxGrowth) || maxGrowth < 0)
            throw new mote.diag.ToolError("--max-growth must be a percentage from 0 up, got `" + maxGrowth + "`", 2);
        Compiler.Options options = build.toOptions();
        if (save != null || check != null) {
            SizeBaseline before = check == null ? null : SizeBaseline.load(check);   // a bad baseline fails before building
            // One build, with the flags given: what a CI size gate compares.
            Compiler.Result result = Compiler.compile(build.source, options);
            SizeBaseline now;
            try {
                result.requireFits();
                now = SizeBaseline.of(build.source, result, options.board().name());
            } finally {
                result.discard();
            }
            PrintWriter out = spec.commandLine().getOut();
            int exit = 0;
            if (check != null) {
                before.requireSameBuild(now, check);
                SizeBaseline.Check c = before.check(now, maxGrowth);
                out.print(c.text(format.equals("markdown")));
                exit = c.failed() ? 1 : 0;
            }
            if (save != null) {
                now.save(save);
                out.println("saved size baseline to " + save);
            }
            out.flush();
            return exit;
        }
        SizeReport report = SizeReport.measure(build.source, options);
        PrintWriter out = spec.commandLine().getOut();
        out.print(switch (format) {
            case "json" -> SizeFormat.json(report);
            case "markdown" -> SizeFormat.markdown(report);
            default -> SizeFormat.table(report);
        });
        // What interned logging saves (table and markdown; the JSON's keys stay as documented).
        if (!format.equals("json") && report.overflow() == null) {
            out.println();
            out.print(mote.size.LogSaving.measure(build.source, options.withOpts(java.util.EnumSet.allOf(mote.opt.Optimization.class))).text());
        }
        out.flush();
        if (report.overflow() != null) throw new mote.diag.ToolError(report.overflow());
        return 0;
    }
}

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
        description = {"Reports flash and RAM under each async optimization: the bytes each one saves.",
                "Builds the program as the baseline (--opt none), with each optimization alone, and with all, and",
                "reports the sections, flash and RAM of each, and every async fn's state machine."})
public final class SizeCommand implements Callable<Integer> {
    @Mixin BuildOptions build;
    @Spec CommandSpec spec;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "table (default), json or markdown.")
    String format;

    @Option(names = "--save", paramLabel = "BASELINE.json", arity = "0..1", fallbackValue = "", preprocessor = ProjectBaseline.class,
            description = "Save the sections and symbols of this build (with the --opt given) as a baseline for --check "
                    + "(in a project, the file may be left out: Mote.toml's size.baseline, else size-baseline.json).")
    String save;

    @Option(names = "--check", paramLabel = "BASELINE.json", arity = "0..1", fallbackValue = "", preprocessor = ProjectBaseline.class,
            description = "Compare this build with a saved baseline: per-section and per-symbol growth; exit 1 past --max-growth "
                    + "(in a project, the file may be left out, as for --save).")
    String check;

    @Option(names = "--max-growth", paramLabel = "PCT",
            description = "With --check: how many percent flash or RAM may grow (default: the project's size.max-growth, else 0).")
    Double maxGrowth;

    @Override
    public Integer call() {
        return build.timed(spec, this::execute);
    }

    private int execute() {
        if (!format.equals("table") && !format.equals("json") && !format.equals("markdown"))
            throw new mote.diag.ToolError("unknown --format `" + format + "`; use table, json or markdown", 2);
        double maxGrowth = this.maxGrowth != null ? this.maxGrowth
                : build.settings().maxGrowth() != null ? build.settings().maxGrowth() : 0;
        if (!Double.isFinite(maxGrowth) || maxGrowth < 0)
            throw new mote.diag.ToolError("--max-growth must be a percentage from 0 up, got `" + maxGrowth + "`", 2);
        Compiler.Options options = build.toOptions();
        java.nio.file.Path save = baseline(this.save), check = baseline(this.check);
        if (this.maxGrowth != null && check == null)   // it would be ignored: say so rather than pass
            throw new mote.diag.ToolError("--max-growth applies to --check: add `--check BASELINE.json`", 2);
        if (save != null || check != null) {
            SizeBaseline before = check == null ? null : SizeBaseline.load(check);   // a bad baseline fails before building
            // One build, with the flags given: what a CI size gate compares.
            Compiler.Result result = Compiler.compile(build.source(), options);
            SizeBaseline now;
            try {
                result.requireFits();
                build.requireWithinBudget(result.size(), options.board(), spec.commandLine().getOut());
                now = SizeBaseline.of(build.source(), result, options.board().name(), SizeBaseline.flags(options));
            } finally {
                result.discard();
            }
            PrintWriter out = spec.commandLine().getOut();
            int exit = 0;
            if (check != null) {
                before.requireSameBuild(now, check);
                SizeBaseline.Check c = before.check(now, maxGrowth);
                out.print(format.equals("json") ? c.json() : c.text(format.equals("markdown")));
                exit = c.failed() ? 1 : 0;
            }
            if (save != null) {
                now.save(save);
                if (!format.equals("json")) out.println("saved size baseline to " + save);   // json: the output parses
            }
            out.flush();
            return exit;
        }
        SizeReport report = SizeReport.measure(build.source(), options);
        // What interned logging saves: a line under the tables, the "logging" key of the JSON.
        mote.size.LogSaving logging = report.overflow() != null ? null
                : mote.size.LogSaving.measure(build.source(), options.withOpts(java.util.EnumSet.allOf(mote.opt.Optimization.class)));
        PrintWriter out = spec.commandLine().getOut();
        out.print(switch (format) {
            case "json" -> SizeFormat.json(report, logging);
            case "markdown" -> SizeFormat.markdown(report);
            default -> SizeFormat.table(report);
        });
        if (!format.equals("json") && logging != null) {
            out.println();
            out.print(logging.text());
        }
        out.flush();
        if (report.overflow() != null) throw new mote.diag.ToolError(report.overflow());
        // The project's budgets hold for the build it ships: the variant with the --opt in force.
        String shipped = options.opts().equals(java.util.EnumSet.allOf(mote.opt.Optimization.class)) ? "all"
                : options.opts().isEmpty() ? "baseline"
                : options.opts().size() == 1 ? options.opts().iterator().next().cliName : null;
        for (SizeReport.Variant v : report.variants()) {
            if (v.name().equals(shipped)) {
                build.requireWithinBudget(v.flash(), v.ram());
                return 0;
            }
        }
        // A set of several optimizations is none of the report's variants: its own build.
        if (build.project().isPresent()) {
            Compiler.Result result = Compiler.compile(build.source(), options);
            try {
                build.requireWithinBudget(result.size().flash(), result.size().ram());
            } finally {
                result.discard();
            }
        }
        return 0;
    }

    /** A --save or --check file: as given, or (left out) the project's baseline. */
    private java.nio.file.Path baseline(String given) {
        if (given == null) return null;
        if (!given.isEmpty()) return java.nio.file.Path.of(given);
        return build.project().map(p -> p.baseline(build.settings())).orElseThrow(() -> new mote.diag.ToolError(
                "--save and --check need a BASELINE.json outside a project (no " + mote.project.Manifest.FILE_NAME + " here or above)", 2));
    }

    /**
     * {@code --check} and {@code --save} take a file only when one follows that is not the
     * program: {@code mote size --check app.mote} checks app.mote against the project's baseline.
     */
    static final class ProjectBaseline implements picocli.CommandLine.IParameterPreprocessor {
        @Override
        public boolean preprocess(java.util.Stack<String> args, picocli.CommandLine.Model.CommandSpec command,
                                  picocli.CommandLine.Model.ArgSpec option, java.util.Map<String, Object> info) {
            if (" ".equals(info.get("separator")) && (args.isEmpty() || args.peek().endsWith(".mote") || args.peek().startsWith("-"))) {
                args.push("");
            }
            return false;
        }
    }
}

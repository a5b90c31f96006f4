package mote.cli;

import java.io.PrintWriter;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.Callable;
import mote.Compiler;
import mote.async.StateMachine;
import mote.async.StateMachinePrinter;
import mote.opt.Optimization;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "explain", mixinStandardHelpOptions = true,
        description = {"Shows each state machine: its states, the values saved in each with offset and size,",
                "its total size, under the chosen optimizations and under the baseline, and what changed it."})
public final class ExplainCommand implements Callable<Integer> {
    @Mixin BuildOptions build;
    @Spec CommandSpec spec;

    @Option(names = "--fn", paramLabel = "NAME", description = "Only this async fn or task.")
    String fn;

    @Override
    public Integer call() {
        return build.timed(spec, this::execute);
    }

    private int execute() {
        Compiler.Options options = build.toOptions();
        var source = Compiler.read(build.source());
        Compiler.Analysis chosen = Compiler.analyze(source, options.opts(), options.debug(), options.panicAbort());
        Compiler.Analysis baseline = Compiler.analyze(source, EnumSet.noneOf(Optimization.class), options.debug(), options.panicAbort());
        PrintWriter out = spec.commandLine().getOut();
        boolean found = false;
        for (Map.Entry<String, StateMachine> e : baseline.machines().entrySet()) {
            if (fn != null && !fn.equals(e.getKey())) continue;
            found = true;
            StateMachine after = chosen.machines().get(e.getKey());
            out.println("== " + e.getKey());
            if (after == null) {
                boolean folded = chosen.mir().function(e.getKey()) != null;
                out.println("no state machine with --opt " + build.optList() + ": "
                        + (folded ? "it never suspends, so awaiting it is a plain call (ready-fold)" : "inlined into its callers (inline)"));
            } else {
                out.print(StateMachinePrinter.print(after));
                out.println("changed by: " + changes(options));
            }
            out.println("baseline (--opt none): " + e.getValue().size() + " bytes, " + e.getValue().states().size() + " states");
            out.println();
        }
        if (fn != null && !found) throw new mote.diag.ToolError("no async fn or task named `" + fn + "` in " + build.source(), 1);
        out.flush();
        return 0;
    }

    private static String changes(Compiler.Options options) {
        if (options.opts().isEmpty()) return "nothing (baseline)";
        StringBuilder sb = new StringBuilder();
        for (Optimization o : options.opts()) sb.append(sb.length() == 0 ? "" : ", ").append(o.cliName);
        return sb.toString();
    }
}

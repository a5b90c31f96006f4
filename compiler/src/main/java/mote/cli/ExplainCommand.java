package mote.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
        description = {"Shows each state machine: its states, saved values, size, and what changed them.",
                "The values saved in each state come with offset and size, under the chosen optimizations",
                "and under the baseline."})
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
        // explain builds no image: an output folder or extra outputs would be silently ignored.
        if (build.outDir != null) throw new mote.diag.ToolError("mote explain writes no files: -o/--out-dir does not apply (try mote build)", 2);
        if (!build.emit.isEmpty()) throw new mote.diag.ToolError("mote explain writes no files: --emit does not apply (try mote build --emit "
                + String.join(",", build.emit) + ")", 2);
        Compiler.Options options = build.toOptions();
        var source = Compiler.read(build.source());
        Compiler.Analysis chosen = Compiler.analyzeFor(options.board(), source, options.opts(), options.debug(), options.panicAbort());
        Compiler.Analysis baseline = Compiler.analyzeFor(options.board(), source, EnumSet.noneOf(Optimization.class), options.debug(), options.panicAbort());
        // Each optimization of the set left out in turn, analysed once for every machine shown.
        Map<Optimization, Compiler.Analysis> without = new java.util.EnumMap<>(Optimization.class);
        for (Optimization o : options.opts()) {
            EnumSet<Optimization> rest = EnumSet.copyOf(options.opts());
            rest.remove(o);
            without.put(o, Compiler.analyzeFor(options.board(), source, rest, options.debug(), options.panicAbort()));
        }
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
                out.println("changed by: " + changes(e.getKey(), chosen, baseline, without));
            }
            out.println("baseline (--opt none): " + e.getValue().size() + " bytes, " + e.getValue().states().size() + " states");
            out.println();
        }
        if (fn != null && !found) {
            // A plain fn has no state machine: say so rather than only that nothing matched.
            String hint = baseline.mir().function(fn) != null ? "\n  = note: `" + fn + "` is a plain fn: it has no state machine"
                    : Optional.ofNullable(mote.diag.Suggest.closest(fn, baseline.machines().keySet()))
                            .map(c -> "\n  = help: did you mean `" + c + "`?")
                            .orElse("\n  = help: the async fns and tasks: " + String.join(", ", new java.util.TreeSet<>(baseline.machines().keySet())));
            throw new mote.diag.ToolError("no async fn or task named `" + fn + "` in " + build.source() + hint, 1);
        }
        out.flush();
        return 0;
    }

    /**
     * The optimizations without which {@code name}'s machine would come out otherwise: each one
     * of the set left out in turn ({@code without}). Where none alone makes a difference but the
     * machine is not the baseline's, they changed it together.
     */
    private static String changes(String name, Compiler.Analysis chosen, Compiler.Analysis baseline,
                                  Map<Optimization, Compiler.Analysis> without) {
        if (without.isEmpty()) return "nothing (baseline)";
        String shape = shape(chosen, name);
        List<String> changedBy = new ArrayList<>();
        for (var e : without.entrySet())
            if (!shape(e.getValue(), name).equals(shape)) changedBy.add(e.getKey().cliName);
        if (!changedBy.isEmpty()) return String.join(", ", changedBy);
        if (shape(baseline, name).equals(shape)) return "nothing (the same as the baseline)";
        return "together, not one alone: " + String.join(", ", without.keySet().stream().map(o -> o.cliName).toList());
    }

    /** What explain shows of {@code name}'s machine, or where it went when it has none. */
    private static String shape(Compiler.Analysis analysis, String name) {
        StateMachine m = analysis.machines().get(name);
        if (m != null) return StateMachinePrinter.print(m);
        return analysis.mir().function(name) != null ? "ready-fold" : "inlined";
    }
}

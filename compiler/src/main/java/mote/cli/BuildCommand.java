package mote.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.List;
import mote.Compiler;
import mote.size.StackCheck;
import mote.size.StackUsage;
import mote.size.TaskReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "build", mixinStandardHelpOptions = true,
        description = "Compiles a Mote program into a firmware image (ELF) for a board.")
public final class BuildCommand implements Callable<Integer> {
    @Mixin BuildOptions build;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        return build.timed(spec, this::execute);
    }

    private int execute() {
        Compiler.Options options = build.toOptions();
        Compiler.Result result = Compiler.compile(build.source(), options);
        try {
            PrintWriter out = spec.commandLine().getOut();
            for (Path p : result.emitted()) out.println("wrote " + p);   // nothing when the image does not fit
            out.print(result.size().usageTable(options.board()));
            StackCheck stack = null;
            if (result.mir().mainFunction() != null) {
                StackUsage usage = StackUsage.measure(result, options.board());
                List<TaskReport.Task> tasks = TaskReport.of(result, usage);
                out.print(TaskReport.text(tasks));
                stack = StackCheck.of(result, options.board(), usage, tasks);
                out.print(stack.text());
            }
            out.flush();
            result.requireFits();
            if (stack != null) stack.requireFits();   // the whole report first, as for flash and RAM
            build.requireWithinBudget(result.size());
            return 0;
        } finally {
            result.discard();
        }
    }
}

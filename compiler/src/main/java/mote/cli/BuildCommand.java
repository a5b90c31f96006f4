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
            StackCheck stack = null;
            List<TaskReport.Task> tasks = null;
            if (result.mir().mainFunction() != null) {
                StackUsage usage = StackUsage.measure(result, options.board());
                tasks = TaskReport.of(result, usage);
                stack = StackCheck.of(result, options.board(), usage, tasks);
            }
            // An image whose stack is known not to fit, or past the project's size budget, is not
            // left behind, as one too large for flash or RAM is never written: a later `mote
            // flash` or qemu/run would run it. The listings (map, asm, ll, mir), which show where
            // the stack and the bytes go, stay.
            String overBudget = build.budgetOverrun(result.size().flash(), result.size().ram());
            boolean dropImages = stack != null && !stack.fits() || overBudget != null;
            for (Path p : result.emitted()) {   // nothing when the image does not fit flash or RAM
                if (!dropImages || !p.getFileName().toString().matches(".*\\.(elf|bin|hex|uf2)")) {
                    out.println("wrote " + p);
                    continue;
                }
                try {
                    java.nio.file.Files.deleteIfExists(p);
                } catch (java.io.IOException e) {
                    throw new mote.diag.ToolError("cannot remove " + p + ", an image that "
                            + (overBudget != null ? "is past the project's size budget" : "whose stack does not fit") + ": " + e.getMessage());
                }
            }
            out.print(result.size().usageTable(options.board()));
            if (tasks != null) out.print(TaskReport.text(tasks));
            if (stack != null) out.print(stack.text());
            out.flush();
            result.requireFits();
            if (stack != null) stack.requireFits();   // the whole report first, as for flash and RAM
            if (overBudget != null) throw new mote.diag.ToolError(overBudget);
            return 0;
        } finally {
            result.discard();
        }
    }
}

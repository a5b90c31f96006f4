package mote.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import mote.Compiler;
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
        Compiler.Options options = build.toOptions();
        Compiler.Result result = Compiler.compile(build.source, options);
        try {
            PrintWriter out = spec.commandLine().getOut();
            for (Path p : result.emitted()) out.println("wrote " + p);   // nothing when the image does not fit
            out.print(result.size().usageTable(options.board()));
            out.print(mote.size.TaskReport.text(mote.size.TaskReport.of(result, options.board())));
            out.flush();
            result.requireFits();
            return 0;
        } finally {
            result.discard();
        }
    }
}

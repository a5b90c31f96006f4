package mote.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import mote.board.Board;
import mote.project.NewProject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "new", mixinStandardHelpOptions = true,
        description = {"Creates a project: Mote.toml, src/main.mote, tests/ and a CI recipe (docs/projects.md).",
                "In folder NAME: Mote.toml, src/main.mote (a task printing under QEMU), tests/ with one `test fn`,",
                "and a CI recipe with the size check. Then, in NAME: `mote run`, `mote test`, `mote size --save`."})
public final class NewCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The project's name and folder.")
    String name;

    @Option(names = {"-b", "--board"}, paramLabel = "BOARD", defaultValue = Board.DEFAULT_NAME,
            description = "The project's board (default: ${DEFAULT-VALUE}); `mote boards` lists them.")
    String board;

    @Option(names = "--in", paramLabel = "DIR", description = "Create the folder inside DIR (default: the current folder).")
    Path parent;

    @Override
    public Integer call() {
        Board chosen = Board.load(board);   // an unknown board fails before anything is written
        Path dir = (parent != null ? parent : Path.of("")).resolve(name);
        List<String> files = NewProject.create(dir, name, chosen);
        PrintWriter out = spec.commandLine().getOut();
        out.println("created project `" + name + "` for " + chosen.name() + " in " + dir);
        for (String f : files) out.println("  " + f);
        if (chosen.qemu().isPresent()) {
            out.println("next: cd " + dir + " && mote run; `mote size --save` writes the baseline the CI recipe checks against");
        } else {
            // `mote run` would only say the board has no QEMU machine.
            String tests = mote.project.NewProject.qemuBoardWithTheCoreOf(chosen)
                    .map(t -> "; `mote test -b " + t.name() + "` runs the tests under QEMU on the same core").orElse("");
            out.println("next: cd " + dir + " && mote flash (" + chosen.name() + " has no QEMU machine)" + tests
                    + "; `mote size --save` writes the baseline the CI recipe checks against");
        }
        out.flush();
        return 0;
    }
}

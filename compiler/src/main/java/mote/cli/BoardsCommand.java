package mote.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import mote.board.Board;
import mote.board.BoardCatalog;
import mote.board.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "boards", mixinStandardHelpOptions = true, description = "Lists the boards Mote can build for.")
public final class BoardsCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        // In a project, its own board folders (Mote.toml's board-dirs) are listed too.
        var project = mote.project.Project.find(java.nio.file.Path.of(""));
        list(project.map(mote.project.Project::boards).orElse(BoardCatalog.standard()), spec.commandLine().getOut());
        return 0;
    }

    /** The table; a board file with an error is listed with it, and the others still are. */
    static void list(BoardCatalog catalog, PrintWriter out) {
        String row = "%-18s %-14s %6s %6s  %-5s %-9s %s%n";
        out.printf(row, "BOARD", "CPU", "FLASH", "RAM", "QEMU", "FLASH VIA", "DESCRIPTION");
        for (BoardCatalog.Entry entry : catalog.listing()) {
            if (entry.board().isEmpty()) {
                out.printf("%-18s broken: %s%n", entry.name(), entry.error().orElse(""));
                continue;
            }
            Board b = entry.board().get();
            out.printf(row, b.name() + (b.name().equals(Board.DEFAULT_NAME) ? " *" : ""),
                    b.cpu() + (b.floatAbi().equals("hard") ? " hf" : ""),
                    Sizes.format(b.flashRegion().length()), Sizes.format(b.ramRegion().length()),
                    b.qemu().isPresent() ? "yes" : "no",
                    b.flash().map(Board.Flash::method).orElse("-"), b.description());
        }
        out.println("* default board; hf: hard-float ABI; FLASH VIA: what `mote flash` uses without --probe");
        out.flush();
    }
}

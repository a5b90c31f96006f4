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
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-20s %-12s %8s %8s  %-5s %s%n", "BOARD", "CPU", "FLASH", "RAM", "QEMU", "DESCRIPTION");
        for (Board b : BoardCatalog.standard().boards()) {
            out.printf("%-20s %-12s %8s %8s  %-5s %s%n", b.name() + (b.name().equals(Board.DEFAULT_NAME) ? " *" : ""), b.cpu(),
                    Sizes.format(b.flashRegion().length()), Sizes.format(b.ramRegion().length()),
                    b.qemu().isPresent() ? "yes" : "no", b.description());
        }
        out.println("* default board");
        out.flush();
        return 0;
    }
}

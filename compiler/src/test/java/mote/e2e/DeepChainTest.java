package mote.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import mote.Compiler;
import mote.board.Board;
import mote.board.BoardCatalog;
import mote.opt.Optimization;
import mote.qemu.QemuOptions;
import mote.qemu.QemuResult;
import mote.qemu.QemuRunner;
import mote.testutil.ProgramRunner;
import mote.testutil.TestFiles;
import org.junit.jupiter.api.Test;

/**
 * A chain of 2,000 async fns, each awaiting the next (issue 13; `make bench-compile`'s
 * chain-2000): the compiler once crashed on it, under `--opt none` with a StackOverflowError
 * while describing the nested state objects in DWARF, under `--opt all` with a segfault of
 * the JVM inside LLVM's passes (the main thread's 1 MB stack). It builds, and the image runs,
 * on a test board whose stack holds the 2,000 nested polls of the unoptimized build.
 * Not timed: `make bench-compile` measures how long it takes.
 */
class DeepChainTest {
    private static final int DEPTH = 2000;

    static Board board() {
        return new BoardCatalog(TestFiles.resources("boards-deep")).load("deep-stack-an385");
    }

    @Test
    void aChainOf2000AsyncFnsBuildsAndRunsWithoutAndWithOptimizations() throws IOException {
        Path dir = ProgramRunner.tempDir();
        Path src = dir.resolve("chain2000.mote");
        Files.writeString(src, ManyAwaitsTest.chain(DEPTH));
        Board board = board();
        for (Set<Optimization> opts : java.util.List.of(EnumSet.noneOf(Optimization.class), EnumSet.allOf(Optimization.class))) {
            String how = opts.isEmpty() ? "--opt none" : "--opt all";
            Compiler.Result r = Compiler.compile(src, Compiler.Options.defaults(board, dir).withOpts(opts));
            assertTrue(r.fits(), how + ": " + r.overflow());
            QemuResult q = new QemuRunner().run(board, r.elf(), QemuOptions.defaults().withTimeout(Duration.ofSeconds(60)));
            assertEquals(DEPTH + "\n", q.output().replace("\r\n", "\n"), how + "\n" + q.stderr());
            assertEquals(0, q.exitCode(), how);
            r.discard();
        }
    }

    /** The same through the command line, as a user builds it: exit 0, not 70 (internal error) or a crash. */
    @Test
    void moteBuildOfTheChainExitsZero() throws IOException {
        Path dir = ProgramRunner.tempDir();
        Path src = dir.resolve("chain.mote");
        Files.writeString(src, ManyAwaitsTest.chain(DEPTH));
        var out = new java.io.StringWriter();
        var err = new java.io.StringWriter();
        int code = mote.cli.Main.execute(new String[] {"build", "--opt", "all", src.toString(), "-o", dir.resolve("out").toString()},
                new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true));
        assertEquals(0, code, err.toString());
    }
}

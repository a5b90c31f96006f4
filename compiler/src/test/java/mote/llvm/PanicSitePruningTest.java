package mote.llvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mote.Compiler;
import mote.board.Board;
import mote.home.MoteHome;
import mote.testutil.ProgramRunner;
import mote.testutil.TestFiles;
import org.junit.jupiter.api.Test;

/**
 * The panic-site table keeps only the rows of the checks the optimiser left. Built without
 * optimisation every check keeps its row; at -O s the table is smaller, and every site a panic
 * call still passes indexes it. run/panic_site_pruned.mote checks on QEMU that the check that
 * fails prints its own location after the renumbering.
 */
class PanicSitePruningTest {
    private record Built(String ll, long flash) {}

    private static Built build(Path program, LlvmBackend.OptLevel level) throws IOException {
        Path dir = ProgramRunner.tempDir();
        Path src = dir.resolve(program.getFileName().toString());
        Files.copy(program, src);
        Compiler.Options o = Compiler.Options.defaults(Board.load("lm3s6965evb"), dir).withOptLevel(level);
        Compiler.Result r = Compiler.compile(src, o.withEmit(EnumSet.of(Compiler.Emit.ELF, Compiler.Emit.LL)));
        String name = src.getFileName().toString().replace(".mote", ".ll");
        return new Built(Files.readString(dir.resolve(name)), r.size().flash());
    }

    private static int rows(String ll) {
        Matcher m = Pattern.compile("@mote_panic_sites = [^\\[]*\\[(\\d+) x ").matcher(ll);
        assertTrue(m.find(), "no panic-site table");
        return Integer.parseInt(m.group(1));
    }

    /** The constant sites the program's checks pass (the last argument of each ..._at call that has one). */
    private static TreeSet<Integer> sitesPassed(String ll) {
        TreeSet<Integer> sites = new TreeSet<>();
        Matcher m = Pattern.compile("call [a-z ]*void @mote_panic_(?:bounds_at|at|end_at)\\([^)]*?i32 (?:noundef )?(\\d+)\\)").matcher(ll);
        while (m.find()) sites.add(Integer.parseInt(m.group(1)));
        return sites;
    }

    @Test
    void theRowsOfRemovedChecksLeaveTheTable() throws IOException {
        Path program = TestFiles.resources("run").resolve("panic_site_pruned.mote");
        int all = rows(build(program, LlvmBackend.OptLevel.O0).ll());
        int kept = rows(build(program, LlvmBackend.OptLevel.S).ll());
        assertEquals(5, all, "one row a check: two guarded indexings, two unguarded, a division");
        assertEquals(3, kept, "the two guarded indexings are proven in bounds");
    }

    @Test
    void everySiteLeftIndexesTheSmallerTable() throws IOException {
        Path firmware = MoteHome.get().resolve("examples/firmware.mote");
        String ll = build(firmware, LlvmBackend.OptLevel.S).ll();
        int kept = rows(ll);
        assertTrue(kept < rows(build(firmware, LlvmBackend.OptLevel.O0).ll()), "no row dropped");
        TreeSet<Integer> passed = sitesPassed(ll);
        assertTrue(!passed.isEmpty() && passed.last() < kept, "sites " + passed + " in a table of " + kept);
    }
}

package mote.size;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import mote.Compiler;
import mote.home.MoteHome;
import mote.board.Board;
import mote.testutil.ProgramRunner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * bench/firmware.mote, a realistic eight-task program (in 0.1's idioms, as the C and Rust
 * ports beside it; examples/firmware.mote is the same program in 0.2's, pinned by
 * WholeProgramSizeTest): what `--opt all` saves against
 * `--opt none` on the program's own flash (image minus bench/empty.mote's image, built
 * with the same optimizations) and on the RAM of all task states.
 */
class FirmwareSizeTest {
    static SizeReport firmware, empty;

    @BeforeAll
    static void measure() {
        Board board = Board.load(Board.DEFAULT_NAME);
        firmware = SizeReport.measure(MoteHome.get().resolve("bench").resolve("firmware.mote"),
                Compiler.Options.defaults(board, ProgramRunner.tempDir()));
        empty = SizeReport.measure(MoteHome.get().resolve("bench").resolve("empty.mote"),
                Compiler.Options.defaults(board, ProgramRunner.tempDir()));
    }

    static long ownFlash(String variant) {
        return firmware.variant(variant).flash() - empty.variant(variant).flash();
    }

    static double saved(long none, long all) {
        return 100.0 * (none - all) / none;
    }

    static String numbers() {
        return "own flash none " + ownFlash("baseline") + " all " + ownFlash("all") + " ("
                + String.format(java.util.Locale.ROOT, "%.1f", saved(ownFlash("baseline"), ownFlash("all"))) + "% saved); task state none "
                + firmware.variant("baseline").taskStateBytes() + " all " + firmware.variant("all").taskStateBytes();
    }

    @Test
    void taskStatesShrinkByAtLeast30Percent() {
        long none = firmware.variant("baseline").taskStateBytes(), all = firmware.variant("all").taskStateBytes();
        assertTrue(saved(none, all) >= 30.0, numbers());
    }

    /**
     * Measured 32.0% (10628 -> 7224 bytes of the program's own flash) when each panic site
     * carried its own `file:line:col` string and runtime-c was linked after optimisation. Panic
     * sites as an 8-byte table entry (mote.llvm.PanicSites) took about 1 000 bytes from the
     * baseline, whose Returned and Panicked states panic at every async fn, and only about 100
     * from `--opt all`, which removes most of those sites: the same optimizations now save
     * 25.4% (8990 -> 6706), of a baseline that is itself 1 036 bytes smaller. The floor follows
     * the honest number. Much of what remains is synchronous code the async passes do not
     * touch (the command parser, the println calls, bounds checks), the same in both builds.
     */
    @Test
    void ownFlashShrinksByAtLeast25Percent() {
        assertTrue(saved(ownFlash("baseline"), ownFlash("all")) >= 25.0, numbers());
    }
}

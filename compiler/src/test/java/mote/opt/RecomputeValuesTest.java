package mote.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import mote.Compiler;
import mote.async.StateMachine;
import mote.mir.MirFn;
import mote.mir.Statement;
import mote.testutil.TestFiles;
import org.junit.jupiter.api.Test;

/**
 * RecomputeValues (part of overlap-layout): a value one constant step from another saved value
 * is computed again after an await. run/recomputed_values.mote runs the program on QEMU under
 * every optimization set and checks its output.
 */
class RecomputeValuesTest {
    private static Compiler.Analysis analysis(Set<Optimization> opts, boolean debug) {
        return Compiler.analyze(Compiler.read(TestFiles.resources("run").resolve("recomputed_values.mote")), opts, debug, true);
    }

    /** The names main's await states save. */
    private static List<String> saved(Compiler.Analysis a) {
        StateMachine m = a.machines().get("main");
        return m.states().stream().flatMap(s -> s.saved().stream()).map(StateMachine.Slot::name)
                .filter(n -> n != null).distinct().sorted().toList();
    }

    private static boolean savesA(List<String> names, String suffix) {
        return names.stream().anyMatch(n -> n.equals(suffix) || n.endsWith("." + suffix));
    }

    @Test
    void stepsFromSavedValuesAreComputedAgain() {
        Compiler.Analysis all = analysis(EnumSet.allOf(Optimization.class), false);
        List<String> names = saved(all);
        // The bus address (BUS_BASE + id, with id saved) and `shifted` (base + 40, base saved).
        assertTrue(!savesA(names, "addr") && !savesA(names, "shifted"), names.toString());
        // x = n + 100 with n bumped before the await: x's source moved on, so x is kept.
        assertTrue(savesA(names, "x"), names.toString());
        // `low` = gain & 3, where gain is not saved there: keeping low is no worse.
        assertTrue(savesA(names, "low"), names.toString());
        // Each block after an await that reads them defines them again.
        MirFn main = all.mir().function("main");
        long shiftedDefinitions = main.blocks().stream().flatMap(b -> b.statements().stream())
                .filter(s -> s instanceof Statement.Assign a && main.locals().get(a.dest().index()).name() != null
                        && main.locals().get(a.dest().index()).name().equals("shifted"))
                .count();
        assertTrue(shiftedDefinitions >= 2, "shifted defined " + shiftedDefinitions + " times");
    }

    /** The baseline and a debug build keep every value where the program computed it. */
    @Test
    void baselineAndDebugBuildsSaveThem() {
        Set<Optimization> noOverlap = EnumSet.allOf(Optimization.class);
        noOverlap.remove(Optimization.OVERLAP_LAYOUT);
        for (Compiler.Analysis a : List.of(analysis(noOverlap, false), analysis(EnumSet.allOf(Optimization.class), true))) {
            List<String> names = saved(a);
            assertTrue(savesA(names, "addr") && savesA(names, "shifted"), names.toString());
        }
    }

    /** bench/firmware.mote's console saved a sensor's id and its bus address across the register write. */
    @Test
    void theFirmwareConsoleKeepsTheIdAlone() {
        Compiler.Analysis a = Compiler.analyze(Compiler.read(mote.home.MoteHome.get().resolve("bench").resolve("firmware.mote")),
                EnumSet.allOf(Optimization.class), false, true);
        List<String> names = a.machines().get("console").states().stream().flatMap(s -> s.saved().stream())
                .map(StateMachine.Slot::name).filter(n -> n != null).distinct().toList();
        assertTrue(savesA(names, "id") && !savesA(names, "addr"), names.toString());
        assertEquals(56, a.machines().get("console").size());
    }
}

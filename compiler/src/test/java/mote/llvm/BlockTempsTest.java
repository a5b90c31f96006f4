package mote.llvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import mote.Compiler;
import mote.mir.BasicBlock;
import mote.mir.MirFn;
import mote.mir.Operand;
import mote.mir.Statement;
import mote.diag.SourceFile;
import mote.testutil.MirSamples;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Which temporaries the emitter keeps as values rather than in stack slots ({@link BlockTemps}):
 * its walker must see every local every kind of MIR node mentions (one it missed could be
 * given no slot and read from none), and a temporary qualifies only when assigned once and
 * read after that in its own block. OptimizationMatrixTest runs every run test at every level,
 * -O 0 among them, where the slots LLVM would otherwise remove are kept.
 */
class BlockTempsTest {
    @TestFactory
    Stream<DynamicTest> theWalkerSeesEveryLocalOfEveryKind() {
        return MirSamples.all().stream().map(s -> DynamicTest.dynamicTest(s.node().getClass().getName(), () -> {
            List<mote.mir.Local> all = new ArrayList<>(), copies = new ArrayList<>();
            BlockTemps.walk(s.carrier(), all, copies);
            assertEquals(counts(MirSamples.nodes(s.carrier(), mote.mir.Local.class)), counts(all), "locals of " + s.carrier());
            assertEquals(counts(MirSamples.nodes(s.carrier(), Operand.Copy.class).stream().map(Operand.Copy::local).toList()), counts(copies),
                    "operands of " + s.carrier());
        }));
    }

    private static Map<Object, Integer> counts(List<?> items) {
        Map<Object, Integer> n = new HashMap<>();
        for (Object o : items) n.merge(o, 1, Integer::sum);
        return n;
    }

    @Test
    void onlyTemporariesAssignedOnceAndReadInTheirBlockQualify() {
        String source = """
                fn scale(x: u32) -> u32 {
                    let y = x % 1000 * 3 + 7;
                    if y > 1500 { y - 7 } else { y + 1 }
                }

                async fn main() -> i32 {
                    println("{}", scale(4000));
                    0
                }
                """;
        Compiler.Analysis analysis = Compiler.analyze(SourceFile.of("temps.mote", source));
        MirFn fn = analysis.mir().function("scale");
        boolean[] temps = BlockTemps.of(fn, null);
        int[] assigned = new int[temps.length];
        for (BasicBlock b : fn.blocks())
            for (Statement s : b.statements()) if (s instanceof Statement.Assign a) assigned[a.dest().index()]++;
        int count = 0;
        for (int i = 0; i < temps.length; i++) {
            if (!temps[i]) continue;
            count++;
            assertEquals(1, assigned[i], "_" + i + " is a temporary assigned " + assigned[i] + " times");
            assertEquals(null, fn.locals().get(i).name(), "a named local keeps its slot for the debugger");
        }
        // x % 1000, * 3, + 7 and the comparison: straight-line temporaries.
        assertTrue(count >= 4, count + " temporaries in\n" + mote.mir.MirPrinter.print(fn));
        for (var p : fn.params()) assertFalse(temps[p.index()], "a parameter");
        assertFalse(temps[fn.returnLocal().index()], "the return value");
        for (int i = 0; i < temps.length; i++)
            if (assigned[i] > 1) assertFalse(temps[i], "_" + i + " is assigned in both branches");
    }
}

package mote.opt;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import mote.mir.MirPrinter;
import mote.testutil.Golden;
import mote.testutil.TestFiles;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * What each MIR pass did, for a reviewer: on the motivating examples, the pipeline of
 * {@link Passes} runs with every optimization on, starting from the MIR as built (`--opt
 * none`), and each pass's input and output are shown as a unified diff, as `git diff` shows a
 * change ({@code a/<example>.mir} the MIR before, {@code b/<example>.mir} after), in
 * {@code resources/opt/<pass>/<example>.diff}; a pass's second run is `<pass>-again`; a pass
 * that changed nothing has an empty file.
 * MOTE_BLESS=1 rewrites them; review the diff.
 */
class PassDiffGoldenTest {
    @TestFactory
    Stream<DynamicTest> eachPassBeforeAndAfter() {
        List<DynamicTest> tests = new ArrayList<>();
        Path dir = TestFiles.resources("opt");
        for (String ex : OptimizationsTest.EXAMPLES) {
            tests.add(DynamicTest.dynamicTest(ex, () -> {
                Map<String, String> diffs = new java.util.LinkedHashMap<>();
                Map<Optimization, Integer> runs = new HashMap<>();
                Passes.runMir(OptimizationsTest.none(ex).mir(), EnumSet.allOf(Optimization.class), (pass, before, after) -> {
                    int n = runs.merge(pass.optimization(), 1, Integer::sum);
                    String name = pass.optimization().cliName + (n > 1 ? "-again" : "");
                    diffs.put(name, Golden.unifiedDiff(ex + ".mir", MirPrinter.print(before), MirPrinter.print(after)));
                });
                for (var d : diffs.entrySet()) Golden.assertMatches(dir.resolve(d.getKey()).resolve(ex + ".diff"), d.getValue());
            }));
        }
        return tests.stream();
    }
}

package mote.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mote.testutil.ProgramRunner;
import mote.testutil.TestFiles;
import org.junit.jupiter.api.Test;

/** `--timings` on every verb that builds: a table of the build's phases, with a total, on stderr. */
class TimingsOptionTest {
    /** One table row: `NAME  123 ms  4.5%  6.7 MB`. */
    private static final Pattern ROW = Pattern.compile("(?m)^(.+?)\\s+(\\d+) ms\\s+([\\d.]+)%\\s+([\\d.]+) MB$");

    @Test
    void buildPrintsEveryPhaseAndATotal() {
        CliTest.Outcome o = CliTest.mote("build", CliTest.example("hello.mote"), "-o", CliTest.outDir(), "--emit", "bin", "--timings");
        assertEquals(0, o.exit(), o.err());
        List<String> phases = rows(o.err());
        for (String phase : List.of("board", "read", "parse", "types", "MIR", "opt ready-fold", "opt merge-states (2x)", "opt inline",
                "async lowering", "LLVM IR", "LLVM optimisation", "object emission", "runtime bitcode", "runtime link", "runtime", "link", "images",
                "stack analysis", "other", "total"))
            assertTrue(phases.contains(phase), phase + " missing from\n" + o.err());
        assertEquals("total", phases.get(phases.size() - 1), o.err());
        assertTrue(o.out().contains("Memory region"), "the usual report is still printed: " + o.out());
        // The rows are each phase's own share: together they make the total (rounding aside).
        double shares = 0;
        Matcher m = ROW.matcher(o.err());
        while (m.find()) if (!m.group(1).trim().equals("total")) shares += Double.parseDouble(m.group(3));
        assertEquals(100.0, shares, 1.0, o.err());
    }

    @Test
    void withoutTheOptionNoTable() {
        CliTest.Outcome o = CliTest.mote("build", CliTest.example("hello.mote"), "-o", CliTest.outDir());
        assertEquals(0, o.exit(), o.err());
        assertFalse(o.err().contains("total"), o.err());
    }

    @Test
    void runSizeTestAndExplainAcceptIt() {
        String out = CliTest.outDir();
        CliTest.Outcome run = CliTest.mote("run", CliTest.example("foo_bar.mote"), "-o", out, "--timings");
        assertEquals(10, run.exit(), run.err());
        assertTrue(rows(run.err()).contains("total"), run.err());
        CliTest.Outcome size = CliTest.mote("size", CliTest.example("hello.mote"), "-o", out, "--timings", "--opt", "none");
        assertEquals(0, size.exit(), size.err());
        assertTrue(rows(size.err()).contains("total"), size.err());
        CliTest.Outcome test = CliTest.mote("test", TestFiles.resources("mote-test/more/strings.mote").toString(), "-o", out, "--timings");
        assertEquals(0, test.exit(), test.err());
        assertTrue(rows(test.err()).contains("QEMU (2x)"), test.err());
        // The file is parsed and type-checked once for both its tests' images, then built twice.
        assertTrue(rows(test.err()).contains("parse") && rows(test.err()).contains("types"), test.err());
        assertTrue(rows(test.err()).contains("MIR (2x)"), test.err());
        assertTrue(rows(test.err()).contains("total"), test.err());
        CliTest.Outcome explain = CliTest.mote("explain", CliTest.example("hello.mote"), "--timings");   // it writes no files: no -o
        assertEquals(0, explain.exit(), explain.err());
        assertTrue(rows(explain.err()).contains("total"), explain.err());
    }

    private static List<String> rows(String text) {
        return ROW.matcher(text).results().map(r -> r.group(1).trim()).toList();
    }
}

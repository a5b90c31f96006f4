package mote.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import mote.testutil.ProgramRunner;
import mote.testutil.TestFiles;
import org.junit.jupiter.api.Test;

/** `mote test` end to end: one image per test under QEMU, results, exit code, JUnit XML. */
class TestCommandTest {
    private record Run(int exit, String out, String err) {}

    private static Run mote(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void runsEveryTestOfADirectoryAndReportsFailures() throws Exception {
        Path dir = TestFiles.resources("mote-test");
        Path tmp = ProgramRunner.tempDir();
        Path junit = tmp.resolve("results/junit.xml");
        Run r = mote("test", dir.toString(), "-o", tmp.toString(), "--junit", junit.toString());
        assertEquals(1, r.exit(), r.out() + r.err());
        for (String line : new String[] {"test adds ... ok", "test adds_wrong ... FAILED", "test doubles_later ... ok",
                "test out_of_bounds ... FAILED", "test prints_and_passes ... ok", "test counts ... ok", "test empty ... ok"})
            assertTrue(r.out().contains(line + "\n"), line + " in\n" + r.out());
        assertTrue(r.out().contains("panic: assertion `left == right` failed: left: 4, right: 5 at "), r.out());
        assertTrue(r.out().contains("about to index 3\npanic: index out of bounds: the len is 3 but the index is 3"), r.out());
        assertTrue(r.out().contains("test result: FAILED. 5 passed, 2 failed"), r.out());
        String xml = Files.readString(junit);
        assertTrue(xml.contains("tests=\"5\" failures=\"2\""), xml);
        assertTrue(xml.contains("<testcase name=\"adds\" classname=\"arith\""), xml);
        assertTrue(xml.contains("<failure message=\"panic: index out of bounds"), xml);
        assertTrue(xml.contains("tests=\"2\" failures=\"0\""), xml);
    }

    /** QEMU runs overlap with the next build and each other; results still print in source order. */
    @Test
    void manyTestsReportInSourceOrder() throws Exception {
        Path tmp = ProgramRunner.tempDir();
        Path file = tmp.resolve("many.mote");
        StringBuilder src = new StringBuilder();
        for (int i = 0; i < 6; i++) src.append("test fn t").append(i).append("() { assert_eq(").append(i == 3 ? 1 : 0).append(", 0); }\n");
        Files.writeString(file, src.toString());
        Run r = mote("test", file.toString(), "-o", tmp.toString());
        assertEquals(1, r.exit(), r.out() + r.err());
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 6; i++) expected.append("test t").append(i).append(" ... ").append(i == 3 ? "FAILED" : "ok").append("\n");
        assertTrue(r.out().contains(expected), r.out());
        assertTrue(r.out().contains("test result: FAILED. 5 passed, 1 failed"), r.out());
    }

    /** A test that prints and then hangs says why it failed after its output (the report showed only the output). */
    @Test
    void aTimeoutIsReportedAfterTheTestsOutput() throws Exception {
        Path tmp = ProgramRunner.tempDir();
        Path file = Files.writeString(tmp.resolve("hang.mote"),
                "test fn hangs_after_print() { println(\"started\"); let mut i: u32 = 0; loop { i += 1; } }\n");
        Run r = mote("test", file.toString(), "-o", tmp.toString(), "--timeout", "2");
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("---- " + file + ": hangs_after_print ----\nstarted\ntimed out after 2 s\n"), r.out());
    }

    @Test
    void passingFileExitsZero() {
        Path file = TestFiles.resources("mote-test/more/strings.mote");
        Run r = mote("test", file.toString(), "-o", ProgramRunner.tempDir().toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("test result: ok. 2 passed, 0 failed"), r.out());
    }

    @Test
    void compileErrorsAreReportedAndFail() throws Exception {
        Path tmp = ProgramRunner.tempDir();
        Path bad = tmp.resolve("bad.mote");
        Files.writeString(bad, "test fn t() { let x: u8 = true; }\n");
        Path junit = tmp.resolve("junit.xml");
        Run r = mote("test", bad.toString(), "-o", tmp.toString(), "--junit", junit.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("error[E0308]"), r.err());
        assertTrue(r.out().contains("1 file did not compile"), r.out());
        // CI reads the XML: the file is an errored testcase with its diagnostics, not an empty report.
        String xml = Files.readString(junit);
        assertTrue(xml.contains("tests=\"1\" failures=\"0\" errors=\"1\""), xml);
        assertTrue(xml.contains("<testcase name=\"(compile)\" classname=\"bad\""), xml);
        assertTrue(xml.contains("<error message=\"did not compile\">error[E0308]"), xml);
        // In a folder, a file that is not UTF-8 is reported and fails the run (it was skipped).
        Path folder = tmp.resolve("tests");
        Files.createDirectories(folder);
        Files.write(folder.resolve("latin1.mote"), "// r\u00e9sum\u00e9\ntest fn fails() { assert(1 == 2); }\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Run latin1 = mote("test", folder.toString(), "-o", tmp.toString());
        assertEquals(1, latin1.exit(), latin1.out() + latin1.err());
        assertTrue(latin1.err().contains("UTF-8"), latin1.err());
    }

    /**
     * An error only building for the board brings out (an interrupt the board lacks) stops every
     * test of the file: each is listed and counted as not compiled, not as failed, and the
     * errors are printed once; JUnit calls them errors.
     */
    @Test
    void testsWhoseImageDoesNotBuildAreCountedApart() throws Exception {
        Path tmp = ProgramRunner.tempDir();
        Path file = tmp.resolve("board.mote");
        Files.writeString(file, "interrupt I2S() { }\ntest fn a() { assert_eq(1, 1); }\ntest fn b() { assert_eq(2, 2); }\n");
        Path junit = tmp.resolve("board.xml");
        Run r = mote("test", file.toString(), "-o", tmp.toString(), "--junit", junit.toString());
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("test a ... did not compile\ntest b ... did not compile\n"), r.out());
        assertTrue(r.out().contains("test result: FAILED. 0 passed, 0 failed, 2 tests did not compile"), r.out());
        assertEquals(1, r.out().split("error\\[E0417\\]", -1).length - 1, "the board's error once:\n" + r.out());
        assertTrue(r.out().contains("the same errors as above"), r.out());
        String xml = Files.readString(junit);
        assertTrue(xml.contains("tests=\"2\" failures=\"0\" errors=\"2\""), xml);
        assertTrue(xml.contains("<error message=\"did not compile\">"), xml);
    }

    @Test
    void helpDescribesTheVerb() {
        Run r = mote("test", "--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("--junit=FILE"), r.out());
        assertTrue(r.out().contains("FILE_OR_DIR"), r.out());
    }
}

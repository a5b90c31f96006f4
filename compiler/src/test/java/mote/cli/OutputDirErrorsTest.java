package mote.cli;

import static mote.cli.CliTest.example;
import static mote.cli.CliTest.mote;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import mote.testutil.ProgramRunner;
import org.junit.jupiter.api.Test;

/**
 * An output directory that cannot be written is the user's environment, not a bug in Mote:
 * exit 1 with one line saying which file and why, never an internal compiler error.
 */
class OutputDirErrorsTest {
    private static void assertPlainToolError(CliTest.Outcome o, String expected) {
        assertEquals(1, o.exit(), o.err());
        assertTrue(o.err().startsWith("error: " + expected), o.err());
        assertFalse(o.err().contains("internal compiler error") || o.err().contains("bug in the Mote compiler"), o.err());
        assertEquals(1, o.err().lines().count(), o.err());
    }

    @Test
    void anExistingFileOrDeviceIsNotAnOutputDirectory() throws Exception {
        Path file = ProgramRunner.tempDir().resolve("not-a-dir");
        Files.writeString(file, "x");
        for (String out : new String[] {file.toString(), "/dev/null"}) {
            CliTest.Outcome o = mote("build", example("hello.mote"), "-o", out);
            assertEquals(2, o.exit(), o.err());   // a usage error: the flag names something that cannot be a folder
            assertTrue(o.err().startsWith("error: -o " + out + " is not a folder"), o.err());
            assertEquals(1, o.err().lines().count(), o.err());
        }
    }

    @Test
    void aDirectoryWhereTheImageGoesIsAToolError() throws Exception {
        Path out = ProgramRunner.tempDir();
        Files.createDirectories(out.resolve("hello.elf").resolve("inside"));   // the finished image cannot be moved there
        CliTest.Outcome o = mote("build", example("hello.mote"), "-o", out.toString());
        assertEquals(1, o.exit(), o.err());
        assertTrue(o.err().startsWith("error: cannot write " + out.resolve("hello.elf") + ": "), o.err());
        assertFalse(o.err().contains("internal compiler error") || o.err().contains("bug in the Mote compiler"), o.err());
    }

    @Test
    void aReadOnlyOutputDirectoryIsReportedBeforeCompiling() throws Exception {
        Path out = ProgramRunner.tempDir().resolve("read-only");
        Files.createDirectories(out);
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(Files.isWritable(out), "root may write anywhere: nothing to check");
            assertPlainToolError(mote("build", example("hello.mote"), "-o", out.toString()),
                    "cannot write to output directory " + out + ": permission denied");
        } finally {
            Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /** A usage error, as a missing file is (exit 2). */
    @Test
    void aDirectoryGivenAsTheProgramSaysWhy() throws Exception {
        Path dir = ProgramRunner.tempDir().resolve("app.mote");
        Files.createDirectories(dir);
        CliTest.Outcome o = mote("build", dir.toString(), "-o", ProgramRunner.tempDir().toString());
        assertEquals(2, o.exit(), o.err());
        assertEquals("error: cannot read " + dir + ": it is a folder; name the program's .mote file\n", o.err());
    }

    @Test
    void aBaselineThatCannotBeWrittenSaysWhy() throws Exception {
        Path missing = ProgramRunner.tempDir().resolve("no-such-folder").resolve("base.json");
        assertPlainToolError(mote("size", example("hello.mote"), "-o", ProgramRunner.tempDir().toString(), "--save", missing.toString()),
                "cannot write " + missing + ": no such file or directory");
    }
}

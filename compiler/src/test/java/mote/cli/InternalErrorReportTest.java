package mote.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mote.InternalCompilerError;
import org.junit.jupiter.api.Test;

/**
 * A bug in Mote exits with 70 (not 101, a panicking program's code under `mote run`), says in
 * one short message which phase broke where, and leaves the Java stack trace in a crash file.
 */
class InternalErrorReportTest {
    private static final Pattern CRASH_FILE = Pattern.compile("note: the details are in (\\S+mote-crash-\\S+\\.txt)");

    private static String report(Throwable t, int[] exit) {
        StringWriter err = new StringWriter();
        exit[0] = Main.report(t, new String[] {"build", "x.mote"}, new PrintWriter(err, true));
        return err.toString();
    }

    private static Path crashFile(String err) {
        Matcher m = CRASH_FILE.matcher(err);
        assertTrue(m.find(), "names its crash file:\n" + err);
        return Path.of(m.group(1));
    }

    @Test
    void anInternalErrorExitsWith70AndKeepsTheTraceOutOfTheTerminal() throws Exception {
        int[] exit = new int[1];
        String err = report(new InternalCompilerError("code generation", "x.mote", new IllegalStateException("no local _7")), exit);
        assertEquals(Main.EXIT_INTERNAL_ERROR, exit[0]);
        assertEquals(70, Main.EXIT_INTERNAL_ERROR);
        assertTrue(err.startsWith("error: internal compiler error in code generation while compiling x.mote: IllegalStateException: no local _7 (at InternalErrorReportTest.java:"), err);
        assertTrue(err.contains("Mote compiler " + InternalCompilerError.VERSION), err);
        assertFalse(err.contains("\tat "), "no stack trace on the terminal:\n" + err);
        assertTrue(err.lines().count() <= 4, err);
        Path file = crashFile(err);
        try {
            String crash = Files.readString(file);
            assertTrue(crash.contains("command: mote build x.mote"), crash);
            assertTrue(crash.contains("java.lang.IllegalStateException: no local _7"), crash);
            assertTrue(crash.contains("\tat mote.cli.InternalErrorReportTest"), crash);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void runningOutOfStackOrMemoryIsReportedTheSameWay() throws Exception {
        for (Throwable t : new Throwable[] {new StackOverflowError(), new OutOfMemoryError("Java heap space")}) {
            int[] exit = new int[1];
            String err = report(t, exit);
            assertEquals(70, exit[0], err);
            assertTrue(err.startsWith("error: internal compiler error: " + t.getClass().getSimpleName()), err);
            assertTrue(err.contains("the compiler ran out of"), err);
            Files.deleteIfExists(crashFile(err));
        }
    }

    @Test
    void anErrorThrownOutsideEveryPhaseIsCaughtByTheCli() throws Exception {
        // `mote --version` runs no compiler phase: the error comes from writing its output.
        StringWriter err = new StringWriter();
        PrintWriter exploding = new PrintWriter(new StringWriter()) {
            @Override public void println(String x) { throw new StackOverflowError(); }
            @Override public void print(String x) { throw new StackOverflowError(); }
            @Override public void write(String x) { throw new StackOverflowError(); }
        };
        int exit = Main.execute(new String[] {"--version"}, exploding, new PrintWriter(err, true));
        assertEquals(70, exit, err.toString());
        assertTrue(err.toString().startsWith("error: internal compiler error: StackOverflowError"), err.toString());
        Files.deleteIfExists(crashFile(err.toString()));
    }
}

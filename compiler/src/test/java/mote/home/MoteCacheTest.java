package mote.home;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import mote.Compiler;
import mote.board.Board;
import mote.testutil.ProgramRunner;

/** A cache folder that cannot be written does not stop a build: one warning line, then no caching. */
class MoteCacheTest {
    @TempDir Path dir;

    @Test
    void anUnwritableCacheBuildsWithoutCachingAndWarnsOnce() throws Exception {
        // A path under a regular file can be created by nobody, root included (tests may run as root).
        Path file = Files.writeString(dir.resolve("not-a-folder"), "");
        Path unwritable = file.resolve("cache");
        String previous = System.getProperty("mote.cache");
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        PrintStream realWarnings = MoteCache.warnings;
        System.setProperty("mote.cache", unwritable.toString());
        MoteCache.warnings = new PrintStream(warnings, true, StandardCharsets.UTF_8);
        try {
            Compiler.Result first = Compiler.compile(MoteHome.get().resolve("examples/foo_bar.mote"),
                    Compiler.Options.defaults(Board.load(Board.DEFAULT_NAME), ProgramRunner.tempDir()));
            Compiler.Result second = Compiler.compile(MoteHome.get().resolve("examples/foo_bar.mote"),
                    Compiler.Options.defaults(Board.load(Board.DEFAULT_NAME), ProgramRunner.tempDir()));
            assertTrue(first.fits() && Files.isRegularFile(first.elf()) && Files.isRegularFile(second.elf()));
            String text = warnings.toString(StandardCharsets.UTF_8);
            assertEquals(1, text.lines().count(), text);
            assertTrue(text.startsWith("warning: cannot write the Mote cache at " + unwritable + " ("), text);
            assertTrue(text.strip().endsWith("building without caching (set MOTE_CACHE to a writable folder to cache)"), text);
            assertTrue(!Files.exists(unwritable));
        } finally {
            MoteCache.warnings = realWarnings;
            if (previous == null) System.clearProperty("mote.cache"); else System.setProperty("mote.cache", previous);
        }
    }
}

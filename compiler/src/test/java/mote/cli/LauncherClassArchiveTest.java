package mote.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mote.home.MoteHome;
import mote.testutil.ProgramRunner;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * bin/mote's class data sharing (issue 13: JVM start is most of a small build): the first run
 * leaves a class archive in the Mote cache, later runs use it, and neither prints anything
 * of its own. Needs the packaged jar (`mvn package`), which bin/mote runs.
 */
class LauncherClassArchiveTest {
    @Test
    void theFirstRunWritesAnArchiveThatLaterRunsUseQuietly() throws Exception {
        Path jar = MoteHome.get().resolve("compiler/target/mote.jar");
        Assumptions.assumeTrue(Files.isRegularFile(jar), "needs the packaged jar: mvn package");
        Path cache = ProgramRunner.tempDir().resolve("cache");
        String first = mote(cache), second = mote(cache);
        List<Path> archives;
        try (Stream<Path> files = Files.list(cache.resolve("cds"))) {
            archives = files.toList();
        }
        assertEquals(1, archives.size(), archives.toString());
        assertTrue(archives.get(0).getFileName().toString().matches("mote-\\d+-\\d+\\.jsa"), archives.toString());
        assertEquals(first, second, "same output with the archive as without");
        assertTrue(first.startsWith("Hello from Mote on a Cortex-M!\n"), first);
    }

    private static String mote(Path cache) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", MoteHome.get().resolve("bin/mote").toString(), "run",
                MoteHome.get().resolve("examples/hello.mote").toString(), "-o", cache.resolveSibling("out").toString())
                .redirectErrorStream(true);
        builder.environment().put("MOTE_CACHE", cache.toString());
        builder.environment().remove("MOTE_CDS");
        Process p = builder.start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
        assertTrue(p.waitFor(3, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), output);
        return output;
    }
}

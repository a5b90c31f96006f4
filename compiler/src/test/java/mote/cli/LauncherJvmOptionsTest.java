package mote.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import mote.home.MoteHome;
import mote.testutil.ProgramRunner;
import org.junit.jupiter.api.Test;

/**
 * The JVM options bin/mote starts the compiler with (issue 13): builds run on the JIT's first
 * tier alone, the long-running language server and monitor keep both tiers. A `java` on the
 * PATH that prints its arguments stands in for the JVM.
 */
class LauncherJvmOptionsTest {
    private static final String FIRST_TIER_ONLY = "-XX:TieredStopAtLevel=1";

    @Test
    void buildsUseTheFirstJitTierOnly() throws Exception {
        String args = launch("build");
        assertTrue(args.contains(FIRST_TIER_ONLY), args);
        assertTrue(args.contains("-jar"), args);
    }

    @Test
    void theLanguageServerAndTheMonitorKeepBothTiers() throws Exception {
        for (String verb : new String[] {"lsp", "monitor"}) {
            String args = launch(verb);
            assertFalse(args.contains(FIRST_TIER_ONLY), verb + ": " + args);
            assertTrue(args.contains(verb), args);
        }
    }

    /**
     * What bin/mote passes to `java` for `mote VERB` (class data sharing off: one plain exec),
     * run from a copy of the launcher beside a stand-in jar, so no packaged jar is needed.
     */
    private static String launch(String verb) throws Exception {
        Path root = ProgramRunner.tempDir().resolve("checkout");
        Path launcher = Files.createDirectories(root.resolve("bin")).resolve("mote");
        Files.copy(MoteHome.get().resolve("bin/mote"), launcher);
        Files.createDirectories(root.resolve("compiler/target"));
        Files.writeString(root.resolve("compiler/target/mote.jar"), "");
        Path bin = Files.createDirectories(ProgramRunner.tempDir().resolve("fake-jdk"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho \"$@\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder builder = new ProcessBuilder("bash", launcher.toString(), verb)
                .redirectErrorStream(true);
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        builder.environment().put("MOTE_CDS", "0");
        Process p = builder.start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(1, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), output);
        return output;
    }
}

package mote.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CPU names llc knows are asked of llc once per LLVM version and triple, then read from the
 * Mote cache; a triple whose list is stored was found in LLVM's registry by that earlier run.
 */
class LlvmTargetsTest {
    private static final String TRIPLE = "thumbv7m-none-eabi";

    @Test
    void theCpuListIsKeptInTheCacheAndReadFromIt() throws Exception {
        Path cache = Files.createTempDirectory("mote-cache-");
        String previous = System.getProperty("mote.cache");
        System.setProperty("mote.cache", cache.toString());
        try {
            assertTrue(LlvmTargets.cpus(TRIPLE).contains("cortex-m3"));
            Path file;
            try (Stream<Path> files = Files.walk(cache.resolve("llvm-cpus"))) {
                file = files.filter(p -> p.getFileName().toString().equals(TRIPLE)).findFirst().orElseThrow();
            }
            List<String> lines = Files.readAllLines(file);
            assertTrue(lines.contains("cortex-m3"), lines.toString());
            // The next run reads the file instead of asking llc: a list written there is what it gets.
            Files.write(file, List.of("cortex-m3", "made-up-core", "# end"));
            assertEquals(Set.of("cortex-m3", "made-up-core"), LlvmTargets.cpus(TRIPLE));
            // A file cut short (no end line) is asked again and rewritten.
            Files.write(file, List.of("cortex-m0"));
            assertTrue(LlvmTargets.cpus(TRIPLE).contains("cortex-m3"));
            assertTrue(Files.readAllLines(file).contains("cortex-m4"));
            // With the list stored, a board load takes the triple as checked without asking LLVM;
            // a triple never checked is asked (an unknown one is a board error: BoardFilesTest).
            assertTrue(LlvmTargets.checkedBefore(TRIPLE));
            assertFalse(LlvmTargets.checkedBefore("thumbv7em-none-eabihf"));
            Files.write(file, List.of("cortex-m3"));   // cut short: not evidence of a check
            assertFalse(LlvmTargets.checkedBefore(TRIPLE));
        } finally {
            if (previous == null) System.clearProperty("mote.cache"); else System.setProperty("mote.cache", previous);
        }
    }
}

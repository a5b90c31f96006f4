package mote.testutil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Finds test resources in the source tree (not target/), so blessing rewrites the real files. */
public final class TestFiles {
    private TestFiles() {}

    /** compiler/src/test/resources/{@code sub}, found from the working directory or {@code mote.home}. */
    public static Path resources(String sub) {
        Path local = Path.of("src/test/resources");
        if (!Files.isDirectory(local)) {
            String home = System.getProperty("mote.home");
            local = home != null ? Path.of(home, "compiler/src/test/resources") : Path.of("compiler/src/test/resources");
        }
        return local.resolve(sub).toAbsolutePath().normalize();
    }

    /** Files in {@code dir} (recursively) whose name ends with {@code suffix}, sorted by path. */
    public static List<Path> list(Path dir, String suffix) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A module imported by test programs rather than a program: its first line is `// module: ...`. */
    public static boolean isModule(Path p) {
        return read(p).startsWith("// module:");
    }

    public static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package mote.home;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import mote.diag.ToolError;

/**
 * Where Mote keeps files it can always rebuild (compiled runtime-c objects, symlinks for the
 * LLVM tools): system property {@code mote.cache}, else {@code $MOTE_CACHE}, else
 * {@code $XDG_CACHE_HOME/mote}, else {@code ~/.cache/mote}.
 *
 * <p>Nothing depends on the cache being writable: when it is not (a read-only home in a CI
 * container, a path that is a file), Mote says so in one warning line and builds anyway in a
 * temporary folder of this process, deleted when it exits.
 */
public final class MoteCache {
    private static final Set<Path> WARNED = ConcurrentHashMap.newKeySet();
    private static final Map<String, Path> FALLBACK = new ConcurrentHashMap<>();
    static volatile PrintStream warnings = System.err;

    private MoteCache() {}

    public static Path root() {
        String property = System.getProperty("mote.cache");
        if (property != null && !property.isBlank()) return Path.of(property);
        String env = System.getenv("MOTE_CACHE");
        if (env != null && !env.isBlank()) return Path.of(env);
        return Platform.host().cacheRoot(System::getenv, Path.of(System.getProperty("user.home")));
    }

    /**
     * {@code root()/name}, created if missing and checked writable; when it cannot be, a private
     * temporary folder instead (with one warning line per cache root), so the build goes on
     * without caching.
     */
    public static Path dir(String name) {
        Path root = root();
        Path dir = root.resolve(name);
        try {
            Files.createDirectories(dir);
            Files.delete(Files.createTempFile(dir, ".write-check-", ""));
            return dir;
        } catch (IOException | SecurityException e) {
            if (WARNED.add(root.toAbsolutePath())) {
                warnings.println("warning: cannot write the Mote cache at " + root + " (" + reason(e)
                        + "); building without caching (set MOTE_CACHE to a writable folder to cache)");
                warnings.flush();
            }
            return FALLBACK.computeIfAbsent(name, MoteCache::temporary);
        }
    }

    /**
     * Writes {@code text} to {@code file} in the cache through a temporary file beside it
     * (named {@code NAME.*.tmp}, so a folder's listing can tell it from other files) and one rename, so another process never reads half of it.
     * Best effort: a cache that cannot be written only loses what the file would have saved.
     */
    public static void writeQuietly(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Path temporary = Files.createTempFile(file.getParent(), file.getFileName() + ".", ".tmp");
            try {
                Files.writeString(temporary, text, java.nio.charset.StandardCharsets.UTF_8);
                Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException | UncheckedIOException | SecurityException e) {
            // Only the saving is lost.
        }
    }

    /** The line that tells a user where the cache is and how to clear it, for errors that may come from it. */
    public static String clearHint() {
        return "  = note: Mote caches compiled runtime objects in " + root() + "; if that cache is damaged, delete it "
                + "(`rm -rf " + root() + "`) and build again: it is rebuilt";
    }

    private static String reason(Exception e) {
        String kind = e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null ? fs.getReason()
                : e.getClass().getSimpleName();
        return kind + (e instanceof java.nio.file.FileSystemException fs && fs.getFile() != null ? ": " + fs.getFile() : "");
    }

    private static Path temporary(String name) {
        try {
            Path dir = Files.createTempDirectory("mote-uncached-" + name + "-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteRecursively(dir)));
            return dir;
        } catch (IOException e) {
            throw new ToolError("cannot write the Mote cache at " + root() + " nor a temporary folder: " + e.getMessage());
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException | UncheckedIOException e) {
            // a temporary folder left behind
        }
    }
}

package mote;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import mote.diag.ToolError;

/**
 * Where Mote keeps files it can always rebuild (compiled runtime-c objects, symlinks for the
 * LLVM tools): system property {@code mote.cache}, else {@code $MOTE_CACHE}, else
 * {@code $XDG_CACHE_HOME/mote}, else {@code ~/.cache/mote}.
 */
public final class MoteCache {
    private MoteCache() {}

    public static Path root() {
        String property = System.getProperty("mote.cache");
        if (property != null && !property.isBlank()) return Path.of(property);
        String env = System.getenv("MOTE_CACHE");
        if (env != null && !env.isBlank()) return Path.of(env);
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "mote");
        return Path.of(System.getProperty("user.home"), ".cache", "mote");
    }

    /** {@code root()/name}, created if missing. */
    public static Path dir(String name) {
        Path dir = root().resolve(name);
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ToolError("cannot create cache folder " + dir + ": " + e.getMessage());
        }
    }
}

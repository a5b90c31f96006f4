package mote.home;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;

import mote.diag.ToolError;

/**
 * The install root: the folder holding {@code boards/} and {@code runtime-c/}.
 *
 * <p>Looked up in order: system property {@code mote.home} (set by {@code bin/mote} and by
 * Surefire), environment variable {@code MOTE_HOME}, then the folders above the jar or classes
 * directory this class was loaded from (so a plain {@code java -jar compiler/target/mote.jar}
 * from a checkout works too).
 */
public final class MoteHome {
    private static volatile Path cached;

    private MoteHome() {}

    /** The install root, resolved once per JVM. */
    public static Path get() {
        Path home = cached;
        if (home == null) {
            home = resolve(System.getProperty("mote.home"), System.getenv("MOTE_HOME"), codeLocation());
            cached = home;
        }
        return home;
    }

    public static Path boardsDir() { return get().resolve("boards"); }

    public static Path runtimeDir() { return get().resolve("runtime-c"); }

    /** The lookup itself, separated from the JVM's globals so it can be tested. */
    static Path resolve(String property, String env, Path codeLocation) {
        if (property != null && !property.isBlank()) {
            return checked(Path.of(property), "system property mote.home");
        }
        if (env != null && !env.isBlank()) {
            return checked(Path.of(env), "environment variable MOTE_HOME");
        }
        for (Path dir = codeLocation; dir != null; dir = dir.getParent()) {
            if (isHome(dir)) return dir.toAbsolutePath().normalize();
        }
        throw new ToolError("cannot find the Mote install folder (with boards/ and runtime-c/); "
                + "set MOTE_HOME to it");
    }

    private static Path checked(Path dir, String source) {
        if (!isHome(dir)) {
            throw new ToolError(source + " is `" + dir + "`, which has no boards/ and runtime-c/ folders");
        }
        return dir.toAbsolutePath().normalize();
    }

    private static boolean isHome(Path dir) {
        return Files.isDirectory(dir.resolve("boards")) && Files.isDirectory(dir.resolve("runtime-c"));
    }

    private static Path codeLocation() {
        try {
            CodeSource source = MoteHome.class.getProtectionDomain().getCodeSource();
            return source == null ? null : Path.of(source.getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            return null;
        }
    }
}

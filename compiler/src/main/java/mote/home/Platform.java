package mote.home;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The host Mote runs on: its javacpp platform name (which bytedeco LLVM artifact holds its
 * tools), the file names of executables there, and paths written in manifests and on command
 * lines, which may use either separator. Everything takes the OS and architecture as given so
 * that Windows and macOS behaviour can be tested on Linux; {@link #host()} reads the JVM's.
 */
public record Platform(Os os, String arch) {
    public enum Os { LINUX, MACOS, WINDOWS }

    /** The platforms the build knows an LLVM artifact for (pom.xml's profiles), by javacpp name. */
    public static final List<String> SUPPORTED = List.of("linux-x86_64", "linux-arm64", "macosx-x86_64", "macosx-arm64", "windows-x86_64");

    public static Platform host() {
        return of(System.getProperty("os.name"), System.getProperty("os.arch"));
    }

    /** From the JVM's {@code os.name} and {@code os.arch} ({@code Mac OS X}, {@code aarch64}, {@code amd64}...). */
    public static Platform of(String osName, String osArch) {
        String name = osName.toLowerCase(Locale.ROOT);
        Os os = name.startsWith("windows") ? Os.WINDOWS : name.startsWith("mac") || name.startsWith("darwin") ? Os.MACOS : Os.LINUX;
        String arch = switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64", "x86-64", "x64" -> "x86_64";
            case "aarch64", "arm64" -> "arm64";
            default -> osArch.toLowerCase(Locale.ROOT);
        };
        return new Platform(os, arch);
    }

    /** javacpp's name for this platform: the classifier of the bytedeco jars ({@code macosx-arm64}). */
    public String javacppName() {
        return switch (os) {
            case LINUX -> "linux-";
            case MACOS -> "macosx-";
            case WINDOWS -> "windows-";
        } + arch;
    }

    public boolean supported() { return SUPPORTED.contains(javacppName()); }

    /** The file name of executable {@code tool} here: {@code ld.lld.exe} on Windows. */
    public String executable(String tool) {
        return os == Os.WINDOWS ? tool + ".exe" : tool;
    }

    /** The QEMU that runs Cortex-M images. */
    public String qemuExecutable() {
        return executable("qemu-system-arm");
    }

    /** The variable the tools' shared libraries are found through: the loader's search path differs per OS. */
    public String libraryPathVariable() {
        return switch (os) {
            case LINUX -> "LD_LIBRARY_PATH";
            case MACOS -> "DYLD_LIBRARY_PATH";
            case WINDOWS -> "PATH";
        };
    }

    /** How {@link #libraryPathVariable()}'s entries are separated. */
    public String pathListSeparator() {
        return os == Os.WINDOWS ? ";" : ":";
    }

    /** {@code dir} first in a search-path list such as {@code LD_LIBRARY_PATH} that may already hold {@code existing}. */
    public String prependToPathList(Path dir, String existing) {
        return dir + (existing == null || existing.isEmpty() ? "" : pathListSeparator() + existing);
    }

    /** How to install QEMU here, for the message when it is missing. */
    public String qemuInstallHint() {
        return switch (os) {
            case LINUX -> "install it with `apt-get install qemu-system-arm`";
            case MACOS -> "install it with `brew install qemu`";
            case WINDOWS -> "install QEMU for Windows and put its folder (with qemu-system-arm.exe) on PATH, or set MOTE_QEMU";
        };
    }

    /**
     * Where Mote's cache lives unless MOTE_CACHE says: each OS's place for caches
     * ({@code $XDG_CACHE_HOME/mote} or {@code ~/.cache/mote} on Linux, {@code ~/Library/Caches/mote}
     * on macOS, {@code %LOCALAPPDATA%\mote\cache} on Windows).
     */
    public Path cacheRoot(java.util.function.UnaryOperator<String> env, Path home) {
        switch (os) {
            case WINDOWS -> {
                String local = env.apply("LOCALAPPDATA");
                if (local != null && !local.isBlank()) return Path.of(local, "mote", "cache");
                return home.resolve("AppData").resolve("Local").resolve("mote").resolve("cache");
            }
            case MACOS -> {
                return home.resolve("Library").resolve("Caches").resolve("mote");
            }
            default -> {
                String xdg = env.apply("XDG_CACHE_HOME");
                if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "mote");
                return home.resolve(".cache").resolve("mote");
            }
        }
    }

    /**
     * True for a path that does not depend on a working folder, written for any OS:
     * {@code /x}, {@code C:\x}, {@code C:/x} and {@code \\server\share}. A manifest is shared
     * between machines, so this does not depend on the host.
     */
    public static boolean isAbsolute(String path) {
        if (path.startsWith("/") || path.startsWith("\\")) return true;
        return path.length() >= 2 && Character.isLetter(path.charAt(0)) && path.charAt(1) == ':';
    }

    /** The parts of a relative path written with {@code /} or {@code \} ({@code src\main.mote}), without {@code .} parts. */
    public static List<String> parts(String path) {
        List<String> parts = new ArrayList<>();
        for (String p : path.split("[/\\\\]+")) if (!p.isEmpty() && !p.equals(".")) parts.add(p);
        return parts;
    }

    /**
     * {@code relative} (a manifest's path, with either separator) resolved against {@code base}
     * on this file system; a part {@code ..} that leaves {@code base} is refused (null).
     */
    public static Path resolveInside(Path base, String relative) {
        if (isAbsolute(relative)) return null;
        Path resolved = base;
        for (String part : parts(relative)) resolved = resolved.resolve(part);
        Path normal = resolved.normalize();
        return normal.startsWith(base.normalize()) ? normal : null;
    }
}

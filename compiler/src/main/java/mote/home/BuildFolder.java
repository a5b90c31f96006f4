package mote.home;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import mote.diag.ToolError;

/**
 * One build's private folder inside the output folder ({@code -o}, default {@code build/}).
 *
 * <p>Two builds can share an output folder (two CI jobs in one checkout, two programs with the
 * same file name): each writes everything into its own {@code .mote-build-PID-RANDOM/} and only
 * at the end {@linkplain #install copies} its outputs into the output folder, each by an atomic
 * rename, so a reader sees one build's whole file or the other's, never a mix. Commands that go
 * on to use the image ({@code run}, {@code test}, {@code size}) use the private copy, which no
 * other build writes, and {@linkplain #discard discard} the folder when done. Folders left by a
 * build that was killed are removed by the next build: their owner process is gone, or they
 * are older than a day.
 */
public final class BuildFolder {
    static final String PREFIX = ".mote-build-";
    private static final Duration STALE = Duration.ofDays(1);

    private final Path outDir;
    private final Path dir;

    private BuildFolder(Path outDir, Path dir) {
        this.outDir = outDir;
        this.dir = dir;
    }

    /** Creates {@code outDir} if needed and a fresh private folder in it. */
    public static BuildFolder open(Path outDir) {
        requireFolder(outDir);
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw ToolError.io("create output directory", outDir, e);
        }
        removeStale(outDir);
        try {
            return new BuildFolder(outDir, Files.createTempDirectory(outDir, PREFIX + ProcessHandle.current().pid() + "-"));
        } catch (IOException e) {
            throw new ToolError("cannot write to output directory " + outDir + ": " + ToolError.reason(e));
        }
    }

    /** {@code -o} must name a folder, or nothing yet (then it is created); not a file or a device. */
    private static void requireFolder(Path outDir) {
        for (Path p = outDir.toAbsolutePath(); p != null; p = p.getParent()) {
            if (!Files.exists(p)) continue;
            if (Files.isDirectory(p)) return;
            throw new ToolError("-o " + outDir + (p.equals(outDir.toAbsolutePath()) ? "" : " (" + p + ")")
                    + " is not a folder; name a folder for the outputs (it is created if missing)", 2);
        }
    }

    /** The private folder: every file of this build is written here first. */
    public Path dir() { return dir; }

    /** A file in the private folder. */
    public Path resolve(String name) { return dir.resolve(name); }

    /**
     * Puts each private file into the output folder under its own name, replacing what is there
     * in one step (copy to a temporary name beside it, then rename). Returns the installed paths.
     */
    public List<Path> install(List<Path> files) {
        List<Path> installed = new ArrayList<>();
        for (Path file : files) {
            Path target = outDir.resolve(file.getFileName().toString());
            try {
                Path temporary = Files.createTempFile(outDir, "." + file.getFileName() + ".", ".tmp");
                try {
                    Files.copy(file, temporary, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(temporary);
                }
            } catch (IOException e) {
                throw ToolError.io("write", target, e);
            }
            installed.add(target);
        }
        return installed;
    }

    /** Deletes a private folder and everything in it; a leftover only wastes disk space. */
    public static void discard(Path privateDir) {
        deleteRecursively(privateDir);
    }

    /** Private folders of builds that are over: the process that made them is gone, or they are old. */
    private static void removeStale(Path outDir) {
        Instant cutoff = Instant.now().minus(STALE);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(outDir, PREFIX + "*")) {
            for (Path entry : entries) {
                if (!Files.isDirectory(entry)) continue;
                if (!ownerGone(entry) && !modifiedBefore(entry, cutoff)) continue;
                deleteRecursively(entry);
            }
        } catch (IOException | UncheckedIOException e) {
            // Cleaning up is a courtesy: the build does not depend on it.
        }
    }

    /** {@code .mote-build-PID-RANDOM}: true when no process PID is running. */
    static boolean ownerGone(Path folder) {
        return ownerGone(folder.getFileName().toString().substring(PREFIX.length()));
    }

    /**
     * {@code PID-RANDOM}, the rest of a temporary folder's name: true when that process is not
     * running (never for this one). Without a dash the digits are no process id (an older mote
     * named its cache temporaries `building-RANDOM`), so only the age rule may remove it.
     */
    public static boolean ownerGone(String pidAndRest) {
        int dash = pidAndRest.indexOf('-');
        if (dash < 0) return false;
        try {
            long pid = Long.parseLong(pidAndRest.substring(0, dash));
            return pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).isEmpty();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean modifiedBefore(Path path, Instant cutoff) throws IOException {
        FileTime time = Files.getLastModifiedTime(path);
        return time.toInstant().isBefore(cutoff);
    }

    /** Deletes {@code dir} and everything in it, as far as it can (a leftover folder is harmless). */
    public static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException | UncheckedIOException e) {
            // A leftover folder wastes a little disk space and nothing else.
        }
    }
}

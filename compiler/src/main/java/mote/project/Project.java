package mote.project;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import mote.board.Board;
import mote.board.BoardCatalog;
import mote.diag.ToolError;
import mote.home.Platform;

/**
 * A folder with a {@code Mote.toml}: where its entry file, output folder, board files and size
 * baseline are. Found by walking up from a folder, as cargo finds {@code Cargo.toml}, so every
 * verb works from any folder inside the project.
 */
public record Project(Path root, Manifest manifest) {
    /** The project's output folder, inside it whatever folder `mote` runs from. */
    public static final String OUT_DIR = "build";
    public static final String DEFAULT_BASELINE = "size-baseline.json";

    /** The project {@code start} lies in (a folder or a file), if any. */
    public static Optional<Project> find(Path start) {
        Path dir = start.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) dir = dir.getParent();
        for (; dir != null; dir = dir.getParent()) {
            Path file = dir.resolve(Manifest.FILE_NAME);
            if (Files.isRegularFile(file)) return Optional.of(new Project(dir, Manifest.load(file)));
        }
        return Optional.empty();
    }

    /** The project whose manifest is {@code file}, or whose folder is {@code file}. */
    public static Project at(Path fileOrFolder) {
        Path file = Files.isDirectory(fileOrFolder) ? fileOrFolder.resolve(Manifest.FILE_NAME) : fileOrFolder;
        if (!Files.isRegularFile(file)) throw new ToolError("no " + Manifest.FILE_NAME + " at " + fileOrFolder, 2);
        Path root = file.toAbsolutePath().normalize().getParent();
        return new Project(root, Manifest.load(file));
    }

    public Path entry() {
        Path entry = Platform.resolveInside(root, manifest.entry());
        if (entry == null) throw manifest.error("package.entry", "`" + manifest.entry() + "` lies outside the project folder");
        if (!Files.isRegularFile(entry)) throw manifest.error("package.entry", "no such file: " + root.relativize(entry));
        return entry;
    }

    public Path outDir() { return root.resolve(OUT_DIR); }

    /** The folder `mote test` searches without an argument: {@code tests/}, and the entry's folder when it has tests too. */
    public List<Path> testFolders() {
        List<Path> folders = new ArrayList<>();
        Path tests = root.resolve("tests");
        if (Files.isDirectory(tests)) folders.add(tests);
        Path src = entry().getParent();
        if (src != null && !src.equals(root)) folders.add(src);
        if (folders.isEmpty()) folders.add(root);
        return folders;
    }

    /** The size baseline of {@code settings} ({@code size.baseline}, else {@value #DEFAULT_BASELINE}). */
    public Path baseline(Manifest.Settings settings) {
        String name = settings.baseline() != null ? settings.baseline() : DEFAULT_BASELINE;
        Path file = Platform.resolveInside(root, name);
        if (file == null) throw new ToolError(Manifest.FILE_NAME + ": `size.baseline`: `" + name + "` lies outside the project folder", 2);
        return file;
    }

    /** The boards this project sees: its own {@code board-dirs} first, then the install's. */
    public BoardCatalog boards() {
        List<Path> folders = new ArrayList<>();
        for (String dir : manifest.boardDirs()) {
            Path folder = Platform.resolveInside(root, dir);
            if (folder == null || !Files.isDirectory(folder))
                throw new ToolError(Manifest.FILE_NAME + ": `build.board-dirs`: no folder `" + dir + "` in the project", 2);
            folders.add(folder);
        }
        return BoardCatalog.withFolders(folders);
    }

    /** The board the manifest names for {@code profile} (the default board when it names none); a bad name is a manifest error. */
    public Board manifestBoard(String profile) {
        String name = manifest.settings(profile).board();
        if (name == null) return board(null);
        try {
            return board(name);
        } catch (ToolError e) {
            // Named by the manifest's key, with the board's own exit code: an unknown name is a
            // usage error (2), a broken board file a board error (1), as with `-b`.
            ToolError located = manifest.error(manifest.keyFor(profile, "board", Manifest.Settings::board), e.getMessage());
            throw new ToolError(located.getMessage(), e.exitCode());
        }
    }

    /** Board {@code name} as the project sees it. */
    public Board board(String name) {
        return boards().load(name != null ? name : Board.DEFAULT_NAME);
    }
}

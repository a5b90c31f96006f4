package mote.project;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mote.board.Board;
import mote.diag.ToolError;

/**
 * What {@code mote new NAME} writes: {@code Mote.toml}, a starter {@code src/main.mote} that
 * prints from a task and runs under QEMU, {@code tests/} with one {@code test fn}, and a CI
 * recipe with the size check. The templates are resources under {@code mote/new/}.
 */
public final class NewProject {
    /** Template resource to the file it becomes in the project. */
    private static final Map<String, String> FILES = Map.of(
            "Mote.toml", Manifest.FILE_NAME,
            "main.mote", "src/main.mote",
            "test.mote", "tests/basics.mote",
            "ci.yml", ".github/workflows/mote.yml",
            "gitignore", ".gitignore");
    private static final List<String> ORDER = List.of("Mote.toml", "main.mote", "test.mote", "ci.yml", "gitignore");

    private NewProject() {}

    /**
     * Creates project {@code name} in folder {@code dir} (which must not exist, or be empty) for
     * {@code board}, already checked to exist. Returns the files written, relative to {@code dir}.
     */
    public static List<String> create(Path dir, String name, Board board) {
        if (!name.matches("[A-Za-z][A-Za-z0-9_-]*"))
            throw new ToolError("`" + name + "` is not a project name: letters, digits, - and _, starting with a letter", 2);
        if (Files.exists(dir) && !isEmptyFolder(dir))
            throw new ToolError(dir + " already exists and is not empty; pick another name or folder", 2);
        List<String> written = new ArrayList<>();
        try {
            for (String template : ORDER) {
                String target = FILES.get(template);
                Path file = dir.resolve(target);
                Files.createDirectories(file.getParent());
                String text = template(template).replace("{{name}}", name).replace("{{board}}", board.name());
                Files.writeString(file, text, StandardCharsets.UTF_8);
                written.add(target);
            }
        } catch (IOException e) {
            throw ToolError.io("write", dir, e);
        }
        return written;
    }

    private static boolean isEmptyFolder(Path dir) {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    private static String template(String name) throws IOException {
        try (InputStream in = NewProject.class.getResourceAsStream("/mote/new/" + name)) {
            if (in == null) throw new IllegalStateException("template mote/new/" + name + " is missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

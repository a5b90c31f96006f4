package mote.project;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import mote.board.Board;
import mote.board.BoardCatalog;
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
                String text = template(template.equals("ci.yml") && board.qemu().isEmpty() ? "ci-hardware.yml" : template)
                        .replace("{{name}}", name).replace("{{board}}", board.name());
                if (template.equals("ci.yml")) text = testBoardBlock(text, board);
                Files.writeString(file, text, StandardCharsets.UTF_8);
                written.add(target);
            }
        } catch (IOException e) {
            throw ToolError.io("write", dir, e);
        }
        return written;
    }

    /**
     * A board without QEMU runs its tests on a QEMU machine with the same core, if there is one
     * (the `#if test-board` block of ci-hardware.yml); without one, CI builds and checks sizes only.
     */
    private static String testBoardBlock(String text, Board board) {
        Optional<Board> testBoard = qemuBoardWithTheCoreOf(board);
        StringBuilder out = new StringBuilder();
        boolean keep = true;
        for (String line : text.split("\n", -1)) {
            if (line.equals("#if test-board")) keep = testBoard.isPresent();
            else if (line.equals("#end")) keep = true;
            else if (keep) out.append(line).append('\n');
        }
        String result = out.substring(0, out.length() - 1);
        return testBoard.map(t -> result.replace("{{test-board}}", t.name()).replace("{{cpu}}", board.cpu())).orElse(result);
    }

    /** A board QEMU runs with {@code board}'s core, target and float ABI: the default board first, then by name. */
    public static Optional<Board> qemuBoardWithTheCoreOf(Board board) {
        if (board.qemu().isPresent()) return Optional.of(board);
        return BoardCatalog.standard().boards().stream()
                .filter(b -> b.qemu().isPresent() && b.cpu().equals(board.cpu()) && b.llvmTarget().equals(board.llvmTarget())
                        && b.floatAbi().equals(board.floatAbi()))
                .min(java.util.Comparator.comparing((Board b) -> !b.name().equals(Board.DEFAULT_NAME)).thenComparing(Board::name));
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

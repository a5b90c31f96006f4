package mote.board;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import mote.MoteHome;
import mote.diag.ToolError;

/** The boards in a {@code boards/} folder: listing (for {@code mote boards}) and lookup by name. */
public final class BoardCatalog {
    private static volatile BoardCatalog standard;

    private final Path boardsDir;
    private final BoardLoader loader;
    private final Map<String, Board> loaded = new ConcurrentHashMap<>();

    public BoardCatalog(Path boardsDir) {
        this.boardsDir = boardsDir;
        this.loader = new BoardLoader(boardsDir);
    }

    /** The catalog of the install root's {@code boards/} ({@link MoteHome}). */
    public static BoardCatalog standard() {
        BoardCatalog catalog = standard;
        if (catalog == null) {
            catalog = new BoardCatalog(MoteHome.boardsDir());
            standard = catalog;
        }
        return catalog;
    }

    public Path boardsDir() { return boardsDir; }

    /** Names of the complete boards, sorted; parents such as {@code cortex-m3} are left out. */
    public List<String> names() {
        return allFileNames().stream().filter(loader::isBoard).toList();
    }

    /** All boards, loaded and validated, sorted by name. */
    public List<Board> boards() {
        return names().stream().map(this::load).toList();
    }

    /**
     * Loads board {@code name}. An unknown name is a usage error (exit code 2) that suggests the
     * closest known name.
     */
    public Board load(String name) {
        Board board = loaded.get(name);
        if (board != null) return board;
        if (!name.matches("[A-Za-z0-9._-]+") || !Files.isRegularFile(loader.fileOf(name)) || !loader.isBoard(name)) {
            throw unknownBoard(name);
        }
        board = loader.load(name);
        loaded.put(name, board);
        return board;
    }

    private ToolError unknownBoard(String name) {
        String suggestion = names().stream()
                .min(Comparator.comparingInt((String known) -> editDistance(name, known)).thenComparing(known -> known))
                .map(known -> "did you mean `" + known + "`? ")
                .orElse("");
        return new ToolError("unknown board `" + name + "`; " + suggestion + "(`mote boards` lists them)", 2);
    }

    private List<String> allFileNames() {
        try (Stream<Path> files = Files.list(boardsDir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(f -> f.endsWith(".json"))
                    .map(f -> f.substring(0, f.length() - ".json".length()))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new ToolError("cannot list " + boardsDir + ": " + e.getMessage());
        }
    }

    /** Levenshtein distance, case-insensitive: {@code lm3s} is close to {@code LM3S}. */
    static int editDistance(String a, String b) {
        return mote.diag.Suggest.distance(a, b);
    }
}

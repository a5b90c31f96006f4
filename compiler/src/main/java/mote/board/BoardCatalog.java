package mote.board;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import mote.home.MoteHome;
import mote.diag.ToolError;

/** The boards in a {@code boards/} folder: listing (for {@code mote boards}) and lookup by name. */
public final class BoardCatalog {
    private static volatile BoardCatalog standard;

    private final Path boardsDir;
    private final List<Path> folders;
    private final BoardLoader loader;
    private final Map<String, Board> loaded = new ConcurrentHashMap<>();

    public BoardCatalog(Path boardsDir) {
        this(List.of(boardsDir));
    }

    /** Boards from several folders, the first that has a name winning; the last folder is the main one. */
    public BoardCatalog(List<Path> folders) {
        this.folders = List.copyOf(folders);
        this.boardsDir = folders.get(folders.size() - 1);
        this.loader = new BoardLoader(folders);
    }

    /**
     * The install's boards with a project's own board folders searched first: a project board
     * may `inherits` a core such as {@code cortex-m3} from the install.
     */
    public static BoardCatalog withFolders(List<Path> projectFolders) {
        if (projectFolders.isEmpty()) return standard();
        List<Path> all = new ArrayList<>(projectFolders);
        all.add(MoteHome.boardsDir());
        return new BoardCatalog(all);
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

    /**
     * Names of the complete boards, sorted; parents such as {@code cortex-m3} are left out, and
     * so are files that cannot be read (see {@link #listing}): one broken file must not stop
     * every other board from being found.
     */
    public List<String> names() {
        return allFileNames().stream().filter(this::isReadableBoard).toList();
    }

    /** All boards, loaded and validated, sorted by name. */
    public List<Board> boards() {
        return names().stream().map(this::load).toList();
    }

    /** One row of {@code mote boards}: a board, or a file that should be one and has an error. */
    public record Entry(String name, Optional<Board> board, Optional<String> error) {}

    /** Every board file but the parents, sorted; a broken one carries its error instead of a board. */
    public List<Entry> listing() {
        List<Entry> entries = new ArrayList<>();
        for (String name : allFileNames()) {
            try {
                if (!loader.isBoard(name)) continue;
                entries.add(new Entry(name, Optional.of(load(name)), Optional.empty()));
            } catch (ToolError e) {
                entries.add(new Entry(name, Optional.empty(), Optional.of(e.getMessage())));
            }
        }
        return entries;
    }

    /**
     * Loads board {@code name}. An unknown name is a usage error (exit code 2) that suggests a
     * close known name, if there is one; so is the name of a parent file such as {@code cortex-m3},
     * which lists the boards built on it. A board whose file is broken fails with that file's error.
     */
    public Board load(String name) {
        Board board = loaded.get(name);
        if (board != null) return board;
        if (!name.matches("[A-Za-z0-9._-]+") || !Files.isRegularFile(loader.fileOf(name))) {
            throw unknownBoard(name);
        }
        if (!loader.isBoard(name)) throw notABoard(name);
        board = loader.load(name);
        loaded.put(name, board);
        return board;
    }

    private boolean isReadableBoard(String name) {
        try {
            return loader.isBoard(name);
        } catch (ToolError e) {
            return false;
        }
    }

    private ToolError unknownBoard(String name) {
        String suggestion = closest(name, names()).map(known -> "; did you mean `" + known + "`?").orElse("");
        return new ToolError("unknown board `" + name + "`" + suggestion + " (`mote boards` lists them)", 2);
    }

    /** A parent file (a core such as {@code cortex-m3}): name the boards that inherit it. */
    private ToolError notABoard(String name) {
        List<String> users = names().stream().filter(board -> loader.ancestors(board).contains(name)).toList();
        return new ToolError("`" + name + "` is a core, not a board: it describes a CPU but no memory map; "
                + (users.isEmpty() ? "no board is built on it"
                        : "boards with that core: " + String.join(", ", users))
                + " (`mote boards` lists them all)", 2);
    }

    /**
     * The known name a typo most likely meant: within an edit distance of about a third of its
     * length (at least 2), or one it is the start of ({@code lm3s6965} for {@code lm3s6965evb});
     * nothing when no name is that close, rather than whichever happens to be least far.
     */
    static Optional<String> closest(String name, List<String> known) {
        int limit = Math.max(2, name.length() / 3);
        Optional<String> near = known.stream()
                .filter(k -> editDistance(name, k) <= limit)
                .min(Comparator.comparingInt((String k) -> editDistance(name, k)).thenComparing(k -> k));
        if (near.isPresent() || name.length() < 4) return near;
        return known.stream().filter(k -> k.toLowerCase().startsWith(name.toLowerCase())).findFirst();
    }

    private List<String> allFileNames() {
        java.util.TreeSet<String> names = new java.util.TreeSet<>();
        for (Path folder : folders) {
            try (Stream<Path> files = Files.list(folder)) {
                files.map(p -> p.getFileName().toString())
                        .filter(f -> f.endsWith(".json"))
                        .map(f -> f.substring(0, f.length() - ".json".length()))
                        .forEach(names::add);
            } catch (IOException e) {
                throw new ToolError("cannot list " + folder + ": " + e.getMessage());
            }
        }
        return List.copyOf(names);
    }

    /** Levenshtein distance, case-insensitive: {@code lm3s} is close to {@code LM3S}. */
    static int editDistance(String a, String b) {
        return mote.diag.Suggest.distance(a, b);
    }
}

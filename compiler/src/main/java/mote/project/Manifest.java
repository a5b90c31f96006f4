package mote.project;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mote.board.Sizes;
import mote.diag.Suggest;
import mote.diag.ToolError;
import mote.home.Platform;
import mote.llvm.LlvmBackend;
import mote.opt.Optimization;

/**
 * A project's {@code Mote.toml}, parsed by Jackson's TOML module and checked key by key. Every
 * error names the file, line and column, and the key ({@code Mote.toml:6:13: `build.panic`: ...}),
 * and is a usage error (exit code 2), like a bad flag.
 *
 * <pre>
 * [package]
 * name = "blinky"
 * entry = "src/main.mote"        # the default
 *
 * [build]                        # the flags of `mote build`, all optional
 * board = "lm3s6965evb"
 * opt-level = "s"                # -O
 * opt = "all"                    # --opt
 * panic = "abort"                # --panic
 * log = "text"                   # --log (text or interned)
 * debug = false                  # --debug
 * backtrace = false              # --backtrace
 * codegen-units = 1              # --codegen-units
 * board-dirs = ["boards"]        # the project's own board files, searched before the install's
 *
 * [size]                         # budgets: a build past them fails with the report
 * max-flash = "16K"
 * max-ram = 4096
 * max-growth = 2.0               # percent, for `mote size --check`
 * baseline = "size-baseline.json"
 *
 * [profile.debug]                # applies with --debug; [profile.release] without it
 * opt-level = "0"
 * </pre>
 *
 * @param text     the manifest as written, for the places of keys in messages
 * @param name     the package name: the image is named after the entry file, this names the project
 * @param entry    the entry file, relative to the project folder
 * @param build    the {@code [build]} and {@code [size]} settings
 * @param profiles the {@code [profile.NAME]} overrides, by name
 */
public record Manifest(Path file, String text, String name, String entry, List<String> boardDirs, Settings build, Map<String, Settings> profiles) {
    public static final String FILE_NAME = "Mote.toml";
    public static final List<String> PROFILES = List.of("debug", "release");

    private static final List<String> TABLES = List.of("package", "build", "size", "profile");
    private static final List<String> PACKAGE_KEYS = List.of("name", "entry");
    private static final List<String> BUILD_KEYS = List.of("board", "opt-level", "opt", "panic", "debug", "board-dirs", "log", "backtrace", "codegen-units");
    private static final List<String> SIZE_KEYS = List.of("max-flash", "max-ram", "max-growth", "baseline");

    /**
     * Build settings, each null when not given (the next layer down decides: the command line
     * over the profile over {@code [build]} over Mote's defaults).
     */
    public record Settings(String board, String optLevel, Boolean debug, String panic, String opt,
                           Long maxFlash, Long maxRam, Double maxGrowth, String baseline, String log, Boolean backtrace,
                           Integer codegenUnits) {
        public static final Settings NONE = new Settings(null, null, null, null, null, null, null, null, null, null, null, null);

        /** These settings, with {@code base}'s where these have none. */
        public Settings over(Settings base) {
            return new Settings(first(board, base.board), first(optLevel, base.optLevel), first(debug, base.debug),
                    first(panic, base.panic), first(opt, base.opt), first(maxFlash, base.maxFlash), first(maxRam, base.maxRam),
                    first(maxGrowth, base.maxGrowth), first(baseline, base.baseline), first(log, base.log),
                    first(backtrace, base.backtrace), first(codegenUnits, base.codegenUnits));
        }

        private static <T> T first(T a, T b) { return a != null ? a : b; }
    }

    /** The settings of profile {@code name} (debug or release) over {@code [build]}. */
    public Settings settings(String profile) {
        return profiles.getOrDefault(profile, Settings.NONE).over(build);
    }

    /**
     * The key that set {@code key} for a profile's build: {@code profile.NAME.KEY} when the
     * profile sets it, else {@code build.KEY} (or {@code size.KEY}).
     */
    public String keyFor(String profile, String key, java.util.function.Function<Settings, Object> value) {
        Settings own = profiles.get(profile);
        if (own != null && value.apply(own) != null) return "profile." + profile + "." + key;
        return (SIZE_KEYS.contains(key) ? "size." : "build.") + key;
    }

    /** {@code Mote.toml:LINE:COL} where {@code key} was written, or null when it was not. */
    public String where(String key) {
        KeyLocations.At at = new KeyLocations(text).of(key);
        return at == null ? null : name(file) + ":" + at.line() + ":" + at.column();
    }

    /** {@code Mote.toml:LINE:COL: `key`: message}, as every manifest error reads. */
    public ToolError error(String key, String message) {
        return error(file, new KeyLocations(text), key, message);
    }

    private static ToolError error(Path file, KeyLocations locations, String key, String message) {
        KeyLocations.At at = locations.of(key);
        String where = at == null ? name(file) : name(file) + ":" + at.line() + ":" + at.column();
        return new ToolError(where + ": `" + key + "`: " + message, 2);
    }

    /** Reads and checks {@code file}. */
    public static Manifest load(Path file) {
        String text;
        try {
            text = mote.diag.SourceFile.decode(name(file), Files.readAllBytes(file));   // not UTF-8: the bad byte's place
        } catch (ToolError e) {
            throw new ToolError(e.getMessage(), 2);   // a manifest error, as the others
        } catch (NoSuchFileException e) {
            throw new ToolError("no such file: " + file, 2);
        } catch (IOException e) {
            throw ToolError.io("read", file, e);
        }
        return parse(file, text);
    }

    /** Checks a manifest's text; {@code file} names it in errors. */
    public static Manifest parse(Path file, String text) {
        JsonNode root;
        try {
            root = new TomlMapper().readTree(text);
        } catch (JacksonException e) {
            var at = e.getLocation();
            String where = at == null || at.getLineNr() < 1 ? name(file) : name(file) + ":" + at.getLineNr() + ":" + at.getColumnNr();
            throw new ToolError(where + ": not valid TOML: " + e.getOriginalMessage(), 2);
        }
        return new Reader(file, text, root).manifest();
    }

    private static String name(Path file) {
        return file.getFileName() == null ? file.toString() : file.getFileName().toString();
    }

    /** One pass over the tree, failing on the first bad key with its place in the text. */
    private static final class Reader {
        private final Path file;
        private final String text;
        private final KeyLocations locations;
        private final JsonNode root;

        Reader(Path file, String text, JsonNode root) {
            this.file = file;
            this.text = text;
            this.locations = new KeyLocations(text);
            this.root = root;
        }

        Manifest manifest() {
            root.fieldNames().forEachRemaining(table -> {
                if (!TABLES.contains(table)) throw unknown(table, TABLES);
                if (!root.get(table).isObject()) throw error(table, "expected a table, such as [" + table + "]");
            });
            JsonNode pkg = root.get("package");
            if (pkg == null) throw new ToolError(name(file) + ": no [package] table; it needs at least `name = \"...\"`", 2);
            known("package", pkg, PACKAGE_KEYS);
            String name = string("package.name", pkg.get("name"));
            if (name == null) throw error("package", "no `name`; add `name = \"my-app\"`");
            if (!name.matches("[A-Za-z][A-Za-z0-9_-]*")) throw error("package.name", "`" + name + "` is not a package name: letters, digits, - and _, starting with a letter");
            String entry = string("package.entry", pkg.get("entry"));
            if (entry == null) entry = "src/main.mote";
            if (!entry.endsWith(".mote")) throw error("package.entry", "expected a .mote file, got `" + entry + "`");
            if (Platform.isAbsolute(entry)) throw error("package.entry", "expected a path inside the project folder, got `" + entry + "`");

            JsonNode build = object("build");
            JsonNode size = object("size");
            known("build", build, BUILD_KEYS);
            known("size", size, SIZE_KEYS);
            List<String> boardDirs = new ArrayList<>();
            JsonNode dirs = build.get("board-dirs");
            if (dirs != null) {
                if (!dirs.isArray()) throw error("build.board-dirs", "expected a list of folders, such as [\"boards\"]");
                for (JsonNode d : dirs) {
                    if (!d.isTextual()) throw error("build.board-dirs", "expected a list of folders, such as [\"boards\"]");
                    boardDirs.add(d.asText());
                }
            }
            Settings base = settings("build", build, "size", size);

            Map<String, Settings> profiles = new LinkedHashMap<>();
            JsonNode profile = object("profile");
            for (var it = profile.fields(); it.hasNext(); ) {
                var entryNode = it.next();
                String prefix = "profile." + entryNode.getKey();
                if (!PROFILES.contains(entryNode.getKey())) throw unknown(prefix, PROFILES.stream().map(p -> "profile." + p).toList());
                if (!entryNode.getValue().isObject()) throw error(prefix, "expected a table, such as [" + prefix + "]");
                List<String> allowed = new ArrayList<>(BUILD_KEYS);
                allowed.remove("board-dirs");
                allowed.addAll(SIZE_KEYS);
                known(prefix, entryNode.getValue(), allowed);
                profiles.put(entryNode.getKey(), settings(prefix, entryNode.getValue(), prefix, entryNode.getValue()));
            }
            return new Manifest(file, text, name, entry, List.copyOf(boardDirs), base, profiles);
        }

        private JsonNode object(String table) {
            JsonNode node = root.get(table);
            return node == null ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode() : node;
        }

        private Settings settings(String buildTable, JsonNode b, String sizeTable, JsonNode s) {
            String board = string(buildTable + ".board", b.get("board"));
            String optLevel = text(buildTable + ".opt-level", b.get("opt-level"));
            if (optLevel != null && LlvmBackend.OptLevel.parse(optLevel) == null)
                throw error(buildTable + ".opt-level", "expected \"s\", \"z\", \"2\" or \"0\", got `" + optLevel + "`");
            Boolean debug = flag(buildTable + ".debug", b.get("debug"));
            Boolean backtrace = flag(buildTable + ".backtrace", b.get("backtrace"));
            Integer codegenUnits = null;
            JsonNode units = b.get("codegen-units");
            if (units != null) {
                if (!units.isIntegralNumber() || !mote.llvm.SplitCodegen.validUnits(units.asLong()))
                    throw error(buildTable + ".codegen-units", "expected " + mote.llvm.SplitCodegen.UNITS_EXPECTED);
                codegenUnits = units.asInt();
            }
            String panic = string(buildTable + ".panic", b.get("panic"));
            if (panic != null && !panic.equals("abort") && !panic.equals("task"))
                throw error(buildTable + ".panic", "expected \"abort\" or \"task\", got `" + panic + "`");
            String log = string(buildTable + ".log", b.get("log"));
            if (log != null && !log.equals("text") && !log.equals("interned"))
                throw error(buildTable + ".log", "expected \"text\" or \"interned\", got `" + log + "`");
            String opt = string(buildTable + ".opt", b.get("opt"));
            if (opt != null) {
                try {
                    Optimization.parse(opt);
                } catch (ToolError e) {
                    throw error(buildTable + ".opt", e.getMessage());
                }
            }
            Long maxFlash = bytes(sizeTable + ".max-flash", s.get("max-flash"));
            Long maxRam = bytes(sizeTable + ".max-ram", s.get("max-ram"));
            Double maxGrowth = null;
            JsonNode g = s.get("max-growth");
            if (g != null) {
                if (!g.isNumber() || !Double.isFinite(g.asDouble()) || g.asDouble() < 0)
                    throw error(sizeTable + ".max-growth", "expected a percentage from 0 up, such as 2.5");
                maxGrowth = g.asDouble();
            }
            String baseline = string(sizeTable + ".baseline", s.get("baseline"));
            return new Settings(board, optLevel, debug, panic, opt, maxFlash, maxRam, maxGrowth, baseline, log, backtrace, codegenUnits);
        }

        /** A true/false key, or null when absent. */
        private Boolean flag(String key, JsonNode node) {
            if (node == null) return null;
            if (!node.isBoolean()) throw error(key, "expected true or false");
            return node.asBoolean();
        }

        private void known(String table, JsonNode node, List<String> keys) {
            node.fieldNames().forEachRemaining(k -> {
                if (!keys.contains(k)) throw unknown(table + "." + k, keys.stream().map(x -> table + "." + x).toList());
            });
        }

        private String string(String key, JsonNode node) {
            if (node == null) return null;
            if (!node.isTextual()) throw error(key, "expected a string in quotes");
            return node.asText();
        }

        /** A string, or a number written bare (`opt-level = 2`). */
        private String text(String key, JsonNode node) {
            if (node == null) return null;
            if (node.isIntegralNumber()) return node.asText();
            return string(key, node);
        }

        private Long bytes(String key, JsonNode node) {
            if (node == null) return null;
            long value = node.isIntegralNumber() ? node.asLong() : node.isTextual() ? Sizes.parse(node.asText()) : -1;
            if (value < 0) throw error(key, "expected a size in bytes, such as 16384 or \"16K\"");
            return value;
        }

        private ToolError unknown(String key, List<String> known) {
            String last = key.substring(key.lastIndexOf('.') + 1);
            List<String> lastNames = known.stream().map(k -> k.substring(k.lastIndexOf('.') + 1)).toList();
            String close = Suggest.closest(last, lastNames);
            return error(key, "unknown key" + (close != null ? "; did you mean `" + close + "`?" : "; known here: " + String.join(", ", lastNames)));
        }

        private ToolError error(String key, String message) {
            return Manifest.error(file, locations, key, message);
        }
    }
}

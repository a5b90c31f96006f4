package mote.size;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import mote.Compiler;
import mote.diag.ToolError;
import mote.home.Toolchain;
import mote.llvm.SymbolNames;

/**
 * `mote size --save` / `--check`: the sections and symbols of one build, saved as JSON, and
 * the comparison of a new build against it, for a CI job that fails when an image grows.
 *
 * <p>A baseline is read strictly ({@link #load}): a CI gate that compares against a damaged
 * file, or a file for another board or program, would pass or fail for the wrong reason.
 */
public record SizeBaseline(int version, String program, String board, String build, Map<String, Long> sections, Map<String, Long> symbols) {
    /** The format written by this mote; {@link #load} refuses others. */
    public static final int VERSION = 1;
    static final List<String> SECTIONS = List.of("text", "rodata", "data", "bss", "flash", "ram");

    /**
     * The flags that shape the image, as `mote size` takes them (`-O s --opt all --panic=abort`):
     * a baseline saved with others compares two different builds.
     */
    public static String flags(Compiler.Options o) {
        var all = java.util.EnumSet.allOf(mote.opt.Optimization.class);
        String opts = o.opts().equals(all) ? "all" : o.opts().isEmpty() ? "none"
                : String.join(",", o.opts().stream().map(x -> x.cliName).toList());
        String level = switch (o.optLevel()) { case S -> "s"; case Z -> "z"; case O2 -> "2"; case O0 -> "0"; };
        return "-O " + level + " --opt " + opts + " --panic=" + (o.panicAbort() ? "abort" : "task") + (o.debug() ? " --debug" : "")
                + (o.internedLog() ? " --log interned" : "") + (o.backtrace() ? " --backtrace" : "")
                + (o.codegenUnits() > 0 ? " --codegen-units " + o.codegenUnits() : "");
    }

    public static SizeBaseline of(Path source, Compiler.Result build, String board) {
        return of(source, build, board, null);
    }

    /** {@code flags}: {@link #flags} of the build, or null where they are not known. */
    public static SizeBaseline of(Path source, Compiler.Result build, String board, String flags) {
        Map<String, Long> sections = new LinkedHashMap<>();
        sections.put("text", build.size().text());
        sections.put("rodata", build.size().rodata());
        sections.put("data", build.size().data());
        sections.put("bss", build.size().bss());
        sections.put("flash", build.size().flash());
        sections.put("ram", build.size().ram());
        return new SizeBaseline(VERSION, source.getFileName().toString(), board, flags, sections, symbols(build.elf()));
    }

    /**
     * Defined symbols with a size, from the jar's llvm-nm, by readable name (`fwd1.poll`, not
     * `_M4fwd1.poll`). LLVM's merged-globals blocks (`.L_MergedGlobals.N`, mote.llvm.LlvmBackend)
     * are left out: each named global in one keeps its own symbol, the rest (strings) show in the
     * section rows, and the numbering of the blocks changes with any edit to the program.
     */
    static Map<String, Long> symbols(Path elf) {
        Toolchain tc = Toolchain.get();
        String out = tc.check(tc.llvmNm(), List.of("--print-size", "--size-sort", "--radix=d", "--defined-only", elf.toString()));
        Map<String, Long> symbols = new TreeMap<>();
        for (String line : out.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length < 4 || parts[3].startsWith(".L_MergedGlobals")) continue;
            symbols.merge(SymbolNames.demangle(parts[3]), Long.parseLong(parts[1]), Long::sum);
        }
        return symbols;
    }

    public void save(Path file) {
        try {
            Files.writeString(file, SizeFormat.JSON.writeValueAsString(this) + "\n");
        } catch (IOException e) {
            throw ToolError.io("write", file, e);
        }
    }

    /** Reads and checks a baseline: every problem is one line naming the file and what is wrong. */
    public static SizeBaseline load(Path file) {
        JsonNode root;
        try {
            root = SizeFormat.JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new ToolError("no such size baseline: " + file + " (create it with `mote size APP.mote --save " + file + "`)", 2);
        } catch (CharacterCodingException e) {
            throw notABaseline(file, "it is not text");
        } catch (JsonProcessingException e) {
            throw notABaseline(file, "it is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ToolError("cannot read " + file + ": " + e.getMessage());
        }
        if (root == null || !root.isObject()) throw notABaseline(file, "expected a JSON object, got " + describe(root));
        JsonNode version = root.get("version");
        if (version == null) throw notABaseline(file, "no `version`; save it again with `mote size APP.mote --save " + file + "`");
        if (!version.isInt() || version.asInt() != VERSION) {
            throw new ToolError(file + ": size baseline version " + version + " is not one this mote reads (" + VERSION
                    + "); save it again with `mote size APP.mote --save " + file + "`");
        }
        for (var field : root.properties()) {
            if (!List.of("version", "program", "board", "build", "sections", "symbols").contains(field.getKey())) {
                throw notABaseline(file, "unknown field `" + field.getKey() + "`");
            }
        }
        String program = text(file, root, "program");
        String board = text(file, root, "board");
        String flags = root.has("build") && !root.get("build").isNull() ? text(file, root, "build") : null;   // older baselines: not recorded
        Map<String, Long> sections = sizes(file, root, "sections");
        for (String section : SECTIONS) {
            if (!sections.containsKey(section)) throw notABaseline(file, "`sections` has no `" + section + "`");
        }
        for (String section : sections.keySet()) {
            if (!SECTIONS.contains(section)) throw notABaseline(file, "`sections` has an unknown section `" + section + "`");
        }
        return new SizeBaseline(VERSION, program, board, flags, sections, sizes(file, root, "symbols"));
    }

    private static String text(Path file, JsonNode root, String key) {
        JsonNode node = root.get(key);
        if (node == null) throw notABaseline(file, "no `" + key + "`");
        if (!node.isTextual() || node.asText().isBlank()) throw notABaseline(file, "`" + key + "` must be a non-empty string");
        return node.asText();
    }

    /** An object of name: byte count, each a whole number from 0 up. */
    private static Map<String, Long> sizes(Path file, JsonNode root, String key) {
        JsonNode node = root.get(key);
        if (node == null) throw notABaseline(file, "no `" + key + "`");
        if (!node.isObject()) throw notABaseline(file, "`" + key + "` must be an object of name: bytes, got " + describe(node));
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (var field : node.properties()) {
            JsonNode value = field.getValue();
            if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
                throw new ToolError(file + ": `" + key + "." + field.getKey() + "` must be a byte count (a whole number from 0), got "
                        + value);
            }
            sizes.put(field.getKey(), value.asLong());
        }
        return sizes;
    }

    private static String describe(JsonNode node) {
        return node == null || node.isMissingNode() ? "nothing" : node.isNull() ? "null" : node.getNodeType().toString().toLowerCase(Locale.ROOT);
    }

    private static ToolError notABaseline(Path file, String why) {
        return new ToolError(file + " is not a Mote size baseline (as `mote size --save` writes): " + why);
    }

    /** A baseline of another board or program compares nothing that matters: refuse it, saying which. */
    public void requireSameBuild(SizeBaseline now, Path file) {
        if (!board.equals(now.board())) {
            throw new ToolError(file + " is the size baseline of board `" + board + "`, but this build is for `" + now.board()
                    + "`\n  = help: pass `-b " + board + "`, or save a baseline for `" + now.board() + "` with --save");
        }
        if (!program.equals(now.program())) {
            throw new ToolError(file + " is the size baseline of `" + program + "`, not of `" + now.program()
                    + "`\n  = help: save a baseline for this program with --save");
        }
        if (build != null && now.build() != null && !build.equals(now.build())) {
            throw new ToolError(file + " was saved from a build with `" + build + "`, but this build is `" + now.build()
                    + "`\n  = help: pass the same flags, or save a baseline for these with --save");
        }
    }

    /** One line of the comparison. */
    public record Growth(String name, long before, long after) {
        public long delta() { return after - before; }
        /** The change in percent of the baseline; NaN for something new (from 0), which has no percentage. */
        public double percent() { return before == 0 ? (after == 0 ? 0 : Double.NaN) : 100.0 * (after - before) / before; }

        public boolean isNew() { return before == 0 && after != 0; }
    }

    /** The result of `--check`: sections and the symbols that changed, and whether flash or RAM grew too much. */
    public record Check(List<Growth> sections, List<Growth> symbols, double maxGrowth, boolean failed) {
        public String text(boolean markdown) {
            // The name column fits the longest name, so the numbers line up whatever the symbols are called.
            int width = 10;
            for (Growth g : symbols) width = Math.max(width, g.name().length());
            StringBuilder sb = new StringBuilder();
            if (markdown) sb.append("| section | baseline | now | Δ bytes | Δ % |\n|---|---:|---:|---:|---:|\n");
            else sb.append(header("section", width));
            for (Growth g : sections) sb.append(row(markdown, g, width));
            if (!symbols.isEmpty()) {
                sb.append('\n');
                if (markdown) sb.append("| symbol | baseline | now | Δ bytes | Δ % |\n|---|---:|---:|---:|---:|\n");
                else sb.append(header("symbol", width));
                for (Growth g : symbols) sb.append(row(markdown, g, width));
            }
            sb.append('\n').append(failed
                    ? "size check FAILED: flash or RAM grew by more than " + percentText(maxGrowth) + "%\n"
                    : "size check passed (limit " + percentText(maxGrowth) + "%)\n");
            return sb.toString();
        }

        /** The same for a CI step that parses it: `--check ... --format json`. */
        public String json() {
            var root = SizeFormat.JSON.createObjectNode();
            root.put("passed", !failed);
            root.put("max_growth_percent", maxGrowth);
            var sectionRows = root.putArray("sections");
            for (Growth g : sections) jsonRow(sectionRows.addObject(), g);
            var symbolRows = root.putArray("symbols");
            for (Growth g : symbols) jsonRow(symbolRows.addObject(), g);
            try {
                return SizeFormat.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        private static void jsonRow(com.fasterxml.jackson.databind.node.ObjectNode row, Growth g) {
            row.put("name", g.name());
            row.put("baseline", g.before());
            row.put("now", g.after());
            row.put("delta", g.delta());
            if (g.isNew()) row.putNull("delta_percent");   // new: no percentage of nothing
            else row.put("delta_percent", Math.round(g.percent() * 10) / 10.0);
        }

        private static String header(String first, int width) {
            return String.format(Locale.ROOT, "%-" + width + "s %10s %10s %9s %8s%n", first, "baseline", "now", "Δ bytes", "Δ %");
        }

        private static String row(boolean markdown, Growth g, int width) {
            String percent = g.isNew() ? "new" : String.format(Locale.ROOT, "%+.1f%%", g.percent());
            return markdown
                    ? String.format(Locale.ROOT, "| `%s` | %d | %d | %+d | %s |%n", g.name(), g.before(), g.after(), g.delta(), percent)
                    : String.format(Locale.ROOT, "%-" + width + "s %10d %10d %+9d %8s%n", g.name(), g.before(), g.after(), g.delta(), percent);
        }

        /** The limit as given (2, 0.25), not rounded to one decimal. */
        private static String percentText(double p) {
            return java.math.BigDecimal.valueOf(p).stripTrailingZeros().toPlainString();
        }
    }

    /** Compares {@code now} with this baseline; flash and RAM above {@code maxGrowthPercent} fail. */
    public Check check(SizeBaseline now, double maxGrowthPercent) {
        List<Growth> sectionRows = new ArrayList<>();
        boolean failed = false;
        for (var e : sections.entrySet()) {
            Growth g = new Growth(e.getKey(), e.getValue(), now.sections().getOrDefault(e.getKey(), 0L));
            sectionRows.add(g);
            if ((e.getKey().equals("flash") || e.getKey().equals("ram")) && (g.isNew() || g.percent() > maxGrowthPercent)) failed = true;
        }
        List<Growth> symbolRows = new ArrayList<>();
        Map<String, Long> all = new TreeMap<>(symbols);
        for (String s : now.symbols().keySet()) all.putIfAbsent(s, 0L);
        for (String s : all.keySet()) {
            long before = symbols.getOrDefault(s, 0L), after = now.symbols().getOrDefault(s, 0L);
            if (before != after) symbolRows.add(new Growth(s, before, after));
        }
        symbolRows.sort((a, b) -> Long.compare(b.delta(), a.delta()));
        return new Check(sectionRows, symbolRows, maxGrowthPercent, failed);
    }
}

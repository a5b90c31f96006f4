package mote.parse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mote.ast.Item;
import mote.ast.Module;
import mote.diag.Diagnostics;
import mote.diag.SourceFile;
import mote.parse.Parser;

/**
 * Loads a program: the root file and, transitively, every module it imports. `import uart;`
 * looks for `uart.mote` in the importing file's directory first, then in the standard library
 * shipped inside the compiler jar ({@code /mote/std/uart.mote}); a std module imports from the
 * std library only. Each module is loaded once, whoever imports it, so import cycles are
 * allowed (all items of all modules are declared before any is checked). A missing module is
 * E0208 at the import, with the places searched.
 */
public final class Modules {
    /** Where the standard library lives on the class path. */
    public static final String STD = "/mote/std/";

    private Modules() {}

    /** The root module first, then the imported ones in the order they were first imported. */
    public static List<Module> load(SourceFile root, Diagnostics diags) {
        return load(root, diags, List.of());
    }

    /**
     * As {@link #load(SourceFile, Diagnostics)}, where a module not beside its importer is also
     * looked for in {@code moreFolders}, in order, before the standard library: a project's
     * test under {@code tests/} imports the modules beside the project's entry.
     */
    public static List<Module> load(SourceFile root, Diagnostics diags, List<Path> moreFolders) {
        Map<String, Module> loaded = new LinkedHashMap<>();
        Module rootModule = Parser.parse(root, moduleName(root), diags);
        loaded.put(rootModule.name(), rootModule);
        Deque<Module> work = new ArrayDeque<>();
        work.add(rootModule);
        while (!work.isEmpty()) {
            Module m = work.poll();
            for (Item item : m.items()) {
                if (!(item instanceof Item.Import imp)) continue;
                String name = imp.name().name();
                if (loaded.containsKey(name)) continue;
                List<String> searched = new ArrayList<>();
                SourceFile file = find(m.file(), name, searched, moreFolders);
                if (file == null) {
                    diags.error("E0208", imp.name().span(), "cannot find module `" + name + "`",
                            "searched: " + String.join(", ", searched));
                    continue;
                }
                Module child = Parser.parse(file, name, diags);
                loaded.put(name, child);
                work.add(child);
            }
        }
        return List.copyOf(loaded.values());
    }

    private static SourceFile find(SourceFile importer, String name, List<String> searched, List<Path> moreFolders) {
        Path dir = importer.path() != null ? importer.path().toAbsolutePath().getParent() : null;
        boolean fromStd = importer.path() == null && importer.displayName().startsWith("std/");
        if (dir != null && !fromStd) {
            List<Path> folders = new ArrayList<>(List.of(dir));
            for (Path more : moreFolders) if (!folders.contains(more.toAbsolutePath())) folders.add(more.toAbsolutePath());
            for (Path folder : folders) {
                Path candidate = folder.resolve(name + ".mote");
                searched.add(candidate.toString());
                if (Files.isRegularFile(candidate)) {
                    try {
                        String shown = folder.equals(dir) ? displayPath(importer, candidate) : candidate.toString();
                        return new SourceFile(candidate, shown, programPath(importer, candidate),
                                SourceFile.decode(shown, Files.readAllBytes(candidate)));
                    } catch (IOException e) {
                        return null;
                    }
                }
            }
        }
        searched.add("std/" + name + ".mote (in the compiler)");
        String std = stdSource(name);
        return std == null ? null : SourceFile.of("std/" + name + ".mote", std);
    }

    /** The imported file named as the importer was named (relative stays relative). */
    private static String displayPath(SourceFile importer, Path candidate) {
        Path shown = Path.of(importer.displayName()).getParent();
        return shown == null ? candidate.getFileName().toString() : shown.resolve(candidate.getFileName()).toString();
    }

    /** The imported file's path relative to the program's root: beside its importer. */
    private static String programPath(SourceFile importer, Path candidate) {
        String dir = importer.programPath().contains("/") ? importer.programPath().substring(0, importer.programPath().lastIndexOf('/') + 1) : "";
        return dir + candidate.getFileName();
    }

    /** The text of a standard-library module, or null when there is none of that name. */
    public static String stdSource(String name) {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) return null;
        try (InputStream in = Modules.class.getResourceAsStream(STD + name + ".mote")) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    /** The root module's name: its file name without `.mote`. */
    public static String moduleName(SourceFile source) {
        String name = source.path() != null ? source.path().getFileName().toString() : source.displayName();
        return name.endsWith(".mote") ? name.substring(0, name.length() - 5) : name;
    }
}

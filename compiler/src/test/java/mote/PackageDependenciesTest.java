package mote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import mote.home.MoteHome;
import org.junit.jupiter.api.Test;

/**
 * Dependencies between the compiler's packages run one way, down this list: a package may use
 * the packages before it and never one after it, so there is no cycle and no upward import.
 * Read from the sources' text: `import` lines and fully qualified names ({@code mote.x.Y}),
 * outside comments and string literals. A new package must be given its place here.
 */
class PackageDependenciesTest {
    /** Lowest first. `mote` is the driver (Compiler): above everything the pipeline runs, below the tools built on it. */
    static final List<String> LAYERS = List.of(
            "mote.diag",      // diagnostics and source files: used by all
            "mote.home",      // where Mote's files and tools are: home, cache, build folders, external tools
            "mote.lex",
            "mote.ast",
            "mote.parse",
            "mote.types",
            "mote.mir",
            "mote.opt",
            "mote.async",
            "mote.llvm",
            "mote.board",     // a target description; checks its triple with the LLVM backend
            "mote.link",
            "mote.decode",    // a device's console in words: fault reports with symbols and source lines
            "mote.qemu",
            "mote.flash",
            "mote",           // the pipeline (Compiler)
            "mote.size",      // reports on a compiled image
            "mote.testing",
            "mote.bench",
            "mote.project",   // Mote.toml: settings, budgets, `mote new`
            "mote.lsp",       // the language server: the pipeline's phases and reports, for an editor
            "mote.cli");

    private static final Pattern REFERENCE = Pattern.compile("\\bmote(\\.[a-z][a-z0-9]*)*\\.([A-Z]\\w*|\\*)");
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE);

    @Test
    void packagesDependOnlyOnPackagesBelowThem() throws IOException {
        List<String> violations = new ArrayList<>();
        Set<String> unplaced = new TreeSet<>();
        for (Path file : sources()) {
            String code = withoutCommentsAndStrings(Files.readString(file));
            Matcher pm = PACKAGE.matcher(code);
            assertTrue(pm.find(), file + " has no package line");
            String from = pm.group(1);
            int fromRank = LAYERS.indexOf(from);
            if (fromRank < 0) unplaced.add(from);
            Matcher m = REFERENCE.matcher(code);
            while (m.find()) {
                String name = m.group();
                String to = name.substring(0, name.lastIndexOf('.'));
                int toRank = LAYERS.indexOf(to);
                if (toRank < 0) unplaced.add(to);
                else if (fromRank >= 0 && toRank > fromRank) {
                    int line = (int) code.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
                    violations.add(from + " uses " + name + " (" + MoteHome.get().relativize(file) + ":" + line + "), which sits above it");
                }
            }
        }
        assertEquals(Set.of(), unplaced, "packages without a place in PackageDependenciesTest.LAYERS");
        assertEquals(List.of(), violations, "upward dependencies");
    }

    /** The check itself: an upward reference is found, one in a comment or string is not. */
    @Test
    void findsReferencesOutsideCommentsAndStringsOnly() {
        String code = withoutCommentsAndStrings("""
                // uses mote.cli.Main
                /** {@link mote.cli.Main} */
                String s = "mote.cli.Main"; char c = '"';
                import mote.ast.*;
                mote.link.Linker l;
                """);
        Matcher m = REFERENCE.matcher(code);
        List<String> found = new ArrayList<>();
        while (m.find()) found.add(m.group());
        assertEquals(List.of("mote.ast.*", "mote.link.Linker"), found);
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> files = Files.walk(MoteHome.get().resolve("compiler/src/main/java/mote"))) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    /** Blanks comments, string and char literals (keeping line breaks, so line numbers stay right). */
    static String withoutCommentsAndStrings(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0, n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
                while (i < n && s.charAt(i) != '\n') i++;
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                int end = s.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                for (; i < end; i++) if (s.charAt(i) == '\n') out.append('\n');
            } else if (s.startsWith("\"\"\"", i)) {
                int end = s.indexOf("\"\"\"", i + 3);
                end = end < 0 ? n : end + 3;
                for (; i < end; i++) if (s.charAt(i) == '\n') out.append('\n');
                out.append("\"\"");
            } else if (c == '"' || c == '\'') {
                i++;
                while (i < n && s.charAt(i) != c && s.charAt(i) != '\n') i += s.charAt(i) == '\\' ? 2 : 1;
                i++;
                out.append(c).append(c);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}

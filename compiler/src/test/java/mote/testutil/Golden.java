package mote.testutil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import org.opentest4j.AssertionFailedError;

/**
 * Golden-file comparison. With {@code MOTE_BLESS=1} (environment variable or system property
 * {@code -DMOTE_BLESS=1}) the expected file is (re)written from the actual output and the check
 * passes; otherwise a difference fails with a line diff and the hint to bless.
 */
public final class Golden {
    private Golden() {}

    public static boolean blessing() {
        String p = System.getProperty("MOTE_BLESS");
        String e = System.getenv("MOTE_BLESS");
        return "1".equals(p) || "true".equals(p) || "1".equals(e) || "true".equals(e);
    }

    public static void assertMatches(Path expectedFile, String actual) {
        String normalized = actual.replace("\r\n", "\n");
        String expected = null;
        if (Files.exists(expectedFile)) expected = TestFiles.read(expectedFile).replace("\r\n", "\n");
        if (normalized.equals(expected)) return;
        if (blessing()) {
            try {
                Files.createDirectories(expectedFile.toAbsolutePath().getParent());
                Files.writeString(expectedFile, normalized);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            System.err.println("blessed " + expectedFile);
            return;
        }
        if (expected == null) {
            throw new AssertionFailedError("missing golden file " + expectedFile + "\nrun with MOTE_BLESS=1 to create it");
        }
        throw new AssertionFailedError("output differs from " + expectedFile + " (- expected, + actual):\n"
                + diff(expected, normalized) + "run with MOTE_BLESS=1 to update", expected, normalized);
    }

    /**
     * {@code before} against {@code after} as a unified diff, the way `git diff` writes it
     * (`--- a/NAME`, `+++ b/NAME`, `@@ -l,n +l,n @@` hunks with three lines of context), so
     * a golden of one reads like a patch and `git apply` takes it; empty when they are equal.
     */
    public static String unifiedDiff(String name, String before, String after) {
        List<String> a = lines(before), b = lines(after);
        Patch<String> patch = DiffUtils.diff(a, b);
        if (patch.getDeltas().isEmpty()) return "";
        return String.join("\n", UnifiedDiffUtils.generateUnifiedDiff("a/" + name, "b/" + name, a, patch, 3)) + "\n";
    }

    /** The lines of {@code text}; a final newline ends the last line rather than starting an empty one. */
    private static List<String> lines(String text) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (lines.get(lines.size() - 1).isEmpty()) lines.remove(lines.size() - 1);
        return lines;
    }

    /** A small LCS line diff: unchanged lines start with ' ', removed '-', added '+'; far context elided. */
    public static String diff(String expected, String actual) {
        String[] a = expected.split("\n", -1), b = actual.split("\n", -1);
        int[][] lcs = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--)
            for (int j = b.length - 1; j >= 0; j--)
                lcs[i][j] = a[i].equals(b[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
        List<String> lines = new ArrayList<>();
        int i = 0, j = 0;
        while (i < a.length || j < b.length) {
            if (i < a.length && j < b.length && a[i].equals(b[j])) { lines.add("  " + a[i]); i++; j++; }
            else if (j < b.length && (i == a.length || lcs[i][j + 1] >= lcs[i + 1][j])) lines.add("+ " + b[j++]);
            else lines.add("- " + a[i++]);
        }
        StringBuilder sb = new StringBuilder();
        int lastShown = -1;
        for (int k = 0; k < lines.size(); k++) {
            boolean near = false;
            for (int d = -2; d <= 2 && !near; d++) {
                int m = k + d;
                near = m >= 0 && m < lines.size() && !lines.get(m).startsWith("  ");
            }
            if (!near) continue;
            if (lastShown >= 0 && k > lastShown + 1) sb.append("  ...\n");
            sb.append(lines.get(k)).append('\n');
            lastShown = k;
        }
        return sb.toString();
    }
}

package mote.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Delta debugging over the lines of a generated program, guided by its structure: the
 * generator writes one statement per line and indents blocks, so a line together with the
 * more-indented lines after it (and its closing `}` / `} else {` lines) is a removable unit
 * (a whole fn, an `if`, a loop, a `join` branch...). Units are tried largest first, then
 * single lines, then block headers are unwrapped (`if c {` ... `}` becomes its body), until
 * nothing more can go while the program keeps failing the same way.
 */
public final class Shrinker {
    private final Predicate<String> stillFails;
    private final long deadline;
    private int attempts;

    private Shrinker(Predicate<String> stillFails, long budgetMillis) {
        this.stillFails = stillFails;
        this.deadline = System.currentTimeMillis() + budgetMillis;
    }

    /** The smallest program found within the time budget that still fails (the input if nothing goes). */
    public static String shrink(String program, Predicate<String> stillFails, long budgetMillis) {
        return new Shrinker(stillFails, budgetMillis).run(program);
    }

    private String run(String program) {
        List<String> lines = new ArrayList<>(program.lines().toList());
        boolean progress = true;
        while (progress && !outOfTime()) {
            progress = false;
            // Chunks of the top level first (whole items), then every unit, then unwrapping.
            for (int minIndent : new int[] {0, 1}) {
                List<String> next = removeUnits(lines, minIndent == 0);
                if (next != null) { lines = next; progress = true; }
            }
            List<String> next = unwrap(lines);
            if (next != null) { lines = next; progress = true; }
        }
        return String.join("\n", lines) + "\n";
    }

    private boolean outOfTime() { return System.currentTimeMillis() > deadline; }

    private boolean test(List<String> lines) {
        if (outOfTime()) return false;
        attempts++;
        return stillFails.test(String.join("\n", lines) + "\n");
    }

    /** One pass removing units (top-level ones only when {@code topOnly}), largest first; null if nothing went. */
    private List<String> removeUnits(List<String> lines, boolean topOnly) {
        boolean changed = false;
        java.util.TreeSet<Integer> sizes = new java.util.TreeSet<>(java.util.Comparator.reverseOrder());
        for (int i = 0; i < lines.size(); i++) if (removable(lines, i, topOnly)) sizes.add(unitEnd(lines, i) - i);
        for (int size : sizes) {
            for (int i = 0; i < lines.size() && !outOfTime(); i++) {
                if (!removable(lines, i, topOnly) || unitEnd(lines, i) - i != size) continue;
                List<String> candidate = new ArrayList<>(lines.subList(0, i));
                candidate.addAll(lines.subList(unitEnd(lines, i), lines.size()));
                if (test(candidate)) {
                    lines = candidate;
                    changed = true;
                    i--;
                }
            }
        }
        return changed ? lines : null;
    }

    private static boolean removable(List<String> lines, int i, boolean topOnly) {
        String l = lines.get(i);
        return !l.isBlank() && !l.trim().startsWith("}") && !(topOnly && indent(l) > 0);
    }

    /** Replaces `header {` ... `}` by its body, for `if`/`for`/`while`/`loop`/`critical` blocks. */
    private List<String> unwrap(List<String> lines) {
        boolean changed = false;
        for (int i = 0; i < lines.size() && !outOfTime(); i++) {
            String t = lines.get(i).trim();
            if (!opens(t) || !(t.startsWith("if ") || t.startsWith("for ") || t.startsWith("while ")
                    || t.startsWith("loop ") || t.startsWith("critical ") || t.startsWith("join ") || t.startsWith("race "))) continue;
            int end = unitEnd(lines, i);
            if (!lines.get(end - 1).trim().equals("}")) continue;
            List<String> candidate = new ArrayList<>(lines.subList(0, i));
            for (int k = i + 1; k < end - 1; k++) {
                String l = lines.get(k);
                if (indent(l) == indent(lines.get(i)) && l.trim().startsWith("}")) continue;   // `} else {` and the like
                candidate.add(l.length() >= 4 ? l.substring(4) : l);
            }
            candidate.addAll(lines.subList(end, lines.size()));
            if (test(candidate)) {
                lines = candidate;
                changed = true;
                i--;
            }
        }
        return changed ? lines : null;
    }

    /** The end (exclusive) of the unit starting at line {@code i}. */
    static int unitEnd(List<String> lines, int i) {
        int base = indent(lines.get(i));
        int j = i + 1;
        if (!opens(lines.get(i))) return j;
        while (j < lines.size()) {
            String l = lines.get(j);
            if (l.isBlank() || indent(l) > base) { j++; continue; }
            if (indent(l) == base && l.trim().startsWith("}")) {
                j++;
                if (!l.trim().endsWith("{")) break;   // `}` closes; `} else {` goes on
                continue;
            }
            break;
        }
        return j;
    }

    /** Does the line open more blocks than it closes (a header like `while w < 3 { w += 1;`)? */
    private static boolean opens(String l) {
        int depth = 0;
        boolean inString = false;
        for (int k = 0; k < l.length(); k++) {
            char c = l.charAt(k);
            if (c == '"' && (k == 0 || l.charAt(k - 1) != '\\')) inString = !inString;
            else if (!inString && c == '{') depth++;
            else if (!inString && c == '}') depth--;
        }
        return depth > 0;
    }

    private static int indent(String l) {
        int n = 0;
        while (n < l.length() && l.charAt(n) == ' ') n++;
        return n / 4;
    }

    public int attempts() { return attempts; }
}

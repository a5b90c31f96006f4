package mote.project;

import java.util.HashMap;
import java.util.Map;

/**
 * Where each key of a TOML text was written, so a manifest error can name its line and column.
 * Jackson's TOML module parses the manifest but keeps no positions for keys (only for syntax
 * errors), so this scans the text's lines for table headers ({@code [profile.debug]}) and
 * {@code key = value} lines. It does not judge the text: Jackson has already accepted it.
 */
final class KeyLocations {
    /** 1-based line and column of a key, and of its value. */
    record At(int line, int column, int valueColumn) {}

    private final Map<String, At> keys = new HashMap<>();

    KeyLocations(String text) {
        String table = "";
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) continue;
            int indent = line.indexOf(trimmed.charAt(0));
            if (trimmed.startsWith("[")) {
                int close = trimmed.indexOf(']');
                if (close < 0) continue;
                String name = trimmed.substring(trimmed.startsWith("[[") ? 2 : 1, close).strip();
                table = unquote(name);
                keys.putIfAbsent(table, new At(i + 1, indent + 1 + (trimmed.startsWith("[[") ? 2 : 1), indent + 1));
                continue;
            }
            int eq = keyEnd(trimmed);
            if (eq < 0) continue;
            String key = unquote(trimmed.substring(0, eq).strip());
            int valueOffset = eq + 1;
            while (valueOffset < trimmed.length() && trimmed.charAt(valueOffset) == ' ') valueOffset++;
            String path = table.isEmpty() ? key : table + "." + key;
            At at = new At(i + 1, indent + 1, indent + valueOffset + 1);
            keys.putIfAbsent(path, at);
            // A dotted key (`profile.debug = {...}`) also places the tables it opens.
            for (int dot = path.lastIndexOf('.'); dot > table.length(); dot = path.lastIndexOf('.', dot - 1)) keys.putIfAbsent(path.substring(0, dot), at);
        }
    }

    /** The `=` ending a key, outside quotes; -1 when the line has none (a continued array, say). */
    private static int keyEnd(String line) {
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '=') {
                return i;
            } else if (!(Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.' || c == ' ' || c == '\t')) {
                return -1;
            }
        }
        return -1;
    }

    /** {@code a . "b c"} becomes {@code a.b c}: the dotted path as Jackson names it. */
    private static String unquote(String dotted) {
        StringBuilder out = new StringBuilder();
        for (String part : dotted.split("\\.")) {
            String p = part.strip();
            if (p.length() >= 2 && (p.startsWith("\"") && p.endsWith("\"") || p.startsWith("'") && p.endsWith("'"))) p = p.substring(1, p.length() - 1);
            if (out.length() > 0) out.append('.');
            out.append(p);
        }
        return out.toString();
    }

    /** Where {@code path} (e.g. {@code profile.debug.opt-level}) was written, or null when it was not. */
    At of(String path) {
        At at = keys.get(path);
        if (at != null) return at;
        // An inline table (`debug = { opt = "none" }`) or dotted key: the nearest written parent.
        int dot = path.lastIndexOf('.');
        return dot < 0 ? null : of(path.substring(0, dot));
    }
}

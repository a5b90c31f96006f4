package mote.testutil;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads rustc-style expectation markers from a test source: {@code //~ ERROR E0023} expects an
 * error with that code on the marker's own line; {@code //~^ ERROR E0023} on the line above
 * (one line per {@code ^}). Anything after the code is an optional message fragment.
 */
public final class ErrorMarkers {
    private ErrorMarkers() {}

    /** One expected diagnostic: 1-based line, severity word (ERROR/WARNING), code, message fragment or "". */
    public record Marker(int line, String severity, String code, String message) {
        @Override public String toString() { return line + ": " + severity + " " + code + (message.isEmpty() ? "" : " " + message); }
    }

    private static final Pattern MARKER = Pattern.compile("//~(\\^*)\\s*(ERROR|WARNING)\\s+(E\\d{4})\\s*(.*)$");

    public static List<Marker> read(Path file) {
        return parse(TestFiles.read(file));
    }

    public static List<Marker> parse(String text) {
        List<Marker> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher m = MARKER.matcher(lines[i]);
            if (m.find()) out.add(new Marker(i + 1 - m.group(1).length(), m.group(2), m.group(3), m.group(4).trim()));
        }
        return out;
    }
}

package mote.diag;

import java.nio.file.Path;
import java.util.Arrays;

/** One source file's text, with a line index so spans can be turned into line:col. */
public final class SourceFile {
    private final Path path;
    private final String displayName;
    private final String programPath;
    private final String text;
    private final int[] lineStarts;

    /** A file named the same in diagnostics and in the image (std modules, tests' strings). */
    public SourceFile(Path path, String displayName, String text) {
        this(path, displayName, displayName, text);
    }

    /**
     * @param displayName how diagnostics name the file: as the user typed it (see {@link #displayPath})
     * @param programPath how the image names it: relative to the program's root (see {@link #programPath()})
     */
    public SourceFile(Path path, String displayName, String programPath, String text) {
        this.path = path;
        this.displayName = displayName;
        this.programPath = programPath;
        this.text = text;
        int[] starts = new int[16];
        int n = 0;
        starts[n++] = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                if (n == starts.length) starts = Arrays.copyOf(starts, n * 2);
                starts[n++] = i + 1;
            }
        }
        this.lineStarts = Arrays.copyOf(starts, n);
    }

    public static SourceFile of(String displayName, String text) {
        return new SourceFile(null, displayName, text);
    }

    /**
     * How a file given on the command line is named in diagnostics: relative to the working
     * directory when it lies inside it, else as given. (The image names it by
     * {@link #programPath()} instead, which does not depend on the working directory.)
     */
    public static String displayPath(Path given) {
        Path cwd = Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize();
        Path absolute = given.toAbsolutePath().normalize();
        if (given.isAbsolute() && absolute.startsWith(cwd) && !absolute.equals(cwd)) return cwd.relativize(absolute).toString();
        return given.toString();
    }

    /**
     * The text of a source file's bytes, which must be UTF-8: otherwise an error naming the
     * first bad byte's line and column (counted in bytes), not the decoder's own message. A
     * leading byte-order mark is dropped.
     */
    public static String decode(String name, byte[] bytes) {
        java.nio.charset.CharsetDecoder decoder = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length);
        java.nio.charset.CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            int at = in.position(), line = 1, lineStart = 0;
            for (int i = 0; i < at; i++) if (bytes[i] == '\n') { line++; lineStart = i + 1; }
            throw new ToolError(String.format(java.util.Locale.ROOT, "%s:%d:%d: not UTF-8 text (byte 0x%02X); save the file as UTF-8",
                    name, line, at - lineStart + 1, bytes[at] & 0xFF));
        }
        decoder.flush(out);
        String text = out.flip().toString();
        // A byte-order mark (editors on Windows write one) is not part of the program.
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    public Path path() { return path; }
    public String displayName() { return displayName; }

    /**
     * The file's path relative to the program's root, the directory of the file given to
     * `mote` (`app.mote`, `uart.mote` beside it; std modules are `std/NAME.mote`): what panic
     * locations and debug info record, so the image has the same bytes however the path was
     * typed and from whichever directory `mote` ran, and no build-machine directory leaks into it.
     */
    public String programPath() { return programPath; }
    public String text() { return text; }

    /** 1-based line of a character offset. */
    public int lineOf(int offset) {
        int idx = Arrays.binarySearch(lineStarts, Math.min(Math.max(offset, 0), text.length()));
        return idx >= 0 ? idx + 1 : -idx - 1;
    }

    /** 1-based column of a character offset in UTF-16 units, as offsets count (and as the LSP's positions do). */
    public int columnOf(int offset) {
        int line = lineOf(offset);
        return Math.min(Math.max(offset, 0), text.length()) - lineStarts[line - 1] + 1;
    }

    /** 1-based column of a character offset in characters (code points): what `file:line:col` shows, as rustc does. */
    public int characterColumnOf(int offset) {
        int line = lineOf(offset);
        int at = Math.min(Math.max(offset, 0), text.length());
        return text.codePointCount(lineStarts[line - 1], at) + 1;
    }

    /** The text of a 1-based line, without its line terminator. */
    public String lineText(int line) {
        if (line < 1 || line > lineStarts.length) return "";
        int start = lineStarts[line - 1];
        int end = line < lineStarts.length ? lineStarts[line] - 1 : text.length();
        if (end > start && text.charAt(end - 1) == '\r') end--;
        return text.substring(start, Math.max(start, end));
    }

    @Override public String toString() { return displayName; }
}

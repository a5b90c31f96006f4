package mote.diag;

/** A range of characters [start, end) in one source file. */
public record Span(SourceFile file, int start, int end) {
    public int line() { return file.lineOf(start); }
    /** In characters: an emoji before it counts one (file.columnOf counts UTF-16 units). */
    public int column() { return file.characterColumnOf(start); }

    /** `file:line:col`, the form used in diagnostics. */
    public String location() { return file.displayName() + ":" + line() + ":" + column(); }

    /** `file:line:col` with the file named relative to the program's root: what the image records. */
    public String programLocation() { return file.programPath() + ":" + line() + ":" + column(); }

    public Span to(Span other) {
        return new Span(file, Math.min(start, other.start), Math.max(end, other.end));
    }

    @Override public String toString() { return location(); }
}

package mote.diag;

/**
 * A problem outside the program being compiled (missing file, unknown board, QEMU not
 * installed, a tool that failed). Reported as one plain line; {@code exitCode} is what the CLI
 * exits with (1 for failures, 2 for usage errors).
 */
public final class ToolError extends RuntimeException {
    private final int exitCode;

    public ToolError(String message) { this(message, 1); }

    public ToolError(String message, int exitCode) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public ToolError(String message, Throwable cause) {
        super(message, cause);
        this.exitCode = 1;
    }

    public int exitCode() { return exitCode; }

    /** "cannot write build/x.o: permission denied": an input or output the file system refused. */
    public static ToolError io(String doing, java.nio.file.Path file, java.io.IOException e) {
        return new ToolError("cannot " + doing + " " + file + ": " + reason(e));
    }

    /**
     * Why a file operation failed, in plain words ("permission denied", "read-only file
     * system"): NIO's own messages are often only the path, which says nothing.
     */
    public static String reason(java.io.IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (e instanceof java.nio.file.NoSuchFileException) return "no such file or directory";
        if (e instanceof java.nio.file.NotDirectoryException) return "not a directory";
        if (e instanceof java.nio.file.FileAlreadyExistsException) return "a file of that name already exists";
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) return plain(fs.getReason());
        return e.getMessage() == null ? e.getClass().getSimpleName() : plain(e.getMessage());
    }

    /** An OS error string as part of a sentence: "Is a directory" becomes "is a directory". */
    public static String plain(String osMessage) {
        String s = osMessage.strip();
        return s.length() > 1 && Character.isUpperCase(s.charAt(0)) && Character.isLowerCase(s.charAt(1))
                ? Character.toLowerCase(s.charAt(0)) + s.substring(1) : s;
    }
}

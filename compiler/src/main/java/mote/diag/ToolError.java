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
}

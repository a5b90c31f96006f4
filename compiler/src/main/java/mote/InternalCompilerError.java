package mote;

/**
 * A bug in Mote, not in the program: reported as such, with the phase and the file being
 * compiled, so that the user can tell the two apart and report it.
 */
public final class InternalCompilerError extends RuntimeException {
    private final String phase;
    private final String file;

    public InternalCompilerError(String phase, String file, Throwable cause) {
        super("internal compiler error in " + phase + " while compiling " + file + ": " + cause, cause);
        this.phase = phase;
        this.file = file;
    }

    public String phase() { return phase; }
    public String file() { return file; }
}

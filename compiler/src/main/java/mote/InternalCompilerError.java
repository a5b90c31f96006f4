package mote;

/**
 * A bug in Mote, not in the program: reported as such, with the phase and the file being
 * compiled, so that the user can tell the two apart and report it.
 */
public final class InternalCompilerError extends RuntimeException {
    /** The compiler's version, named in every internal error report (and by `mote --version`). */
    public static final String VERSION = "0.1.0";

    private final String phase;
    private final String file;

    public InternalCompilerError(String phase, String file, Throwable cause) {
        super("internal compiler error in " + phase + " while compiling " + file + ": " + cause, cause);
        this.phase = phase;
        this.file = file;
    }

    public String phase() { return phase; }
    public String file() { return file; }

    /**
     * Where in the compiler it broke: the first frame of the cause inside Mote's own code
     * (`LlvmCodegen.java:412`), or of the cause at all; null when the cause has no frames.
     */
    public static String compilerPosition(Throwable cause) {
        StackTraceElement[] frames = cause.getStackTrace();
        for (StackTraceElement f : frames)
            if (f.getClassName().startsWith("mote.") && f.getFileName() != null) return f.getFileName() + ":" + f.getLineNumber();
        return frames.length > 0 && frames[0].getFileName() != null ? frames[0].getFileName() + ":" + frames[0].getLineNumber() : null;
    }
}

package mote.diag;

/** Thrown when the program has errors; carries every diagnostic reported so far. */
public final class CompileError extends RuntimeException {
    private final transient Diagnostics diagnostics;

    public CompileError(Diagnostics diagnostics) {
        super(diagnostics.errorCount() + " error(s)", null, false, false);
        this.diagnostics = diagnostics;
    }

    public Diagnostics diagnostics() { return diagnostics; }
}

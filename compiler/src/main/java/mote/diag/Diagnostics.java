package mote.diag;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects diagnostics so a phase can report every independent error before stopping. Only the
 * first {@value #MAX_SHOWN} are kept (the rest are counted): a file of junk would otherwise
 * print one error per token, gigabytes of them.
 */
public final class Diagnostics {
    /** How many diagnostics are kept and shown; past that they are only counted. */
    public static final int MAX_SHOWN = 50;

    private final List<Diagnostic> all = new ArrayList<>();
    private int errors;
    private int notShown;

    public void error(String code, Span span, String message, String... help) {
        add(new Diagnostic(Severity.ERROR, code, message, span, List.of(help)));
    }

    public void warning(String code, Span span, String message, String... help) {
        add(new Diagnostic(Severity.WARNING, code, message, span, List.of(help)));
    }

    public void add(Diagnostic d) {
        if (d.severity() == Severity.ERROR) errors++;
        if (all.size() < MAX_SHOWN) all.add(d);
        else notShown++;
    }

    public boolean hasErrors() { return errors > 0; }

    /** Whether an error kept so far lies within {@code span}: a follow-on error there would say nothing new. */
    public boolean hasErrorWithin(Span span) {
        for (Diagnostic d : all)
            if (d.severity() == Severity.ERROR && d.span() != null && d.span().file() == span.file()
                    && d.span().start() >= span.start() && d.span().end() <= span.end()) return true;
        return false;
    }

    /** Every error reported, shown or not. */
    public int errorCount() { return errors; }

    /** The diagnostics kept: the first {@value #MAX_SHOWN}. */
    public List<Diagnostic> all() { return List.copyOf(all); }

    /** Throws {@link CompileError} carrying everything so far when any error was reported. */
    public void throwIfErrors() {
        if (hasErrors()) throw new CompileError(this);
    }

    public String render() {
        StringBuilder sb = new StringBuilder();
        for (Diagnostic d : all) sb.append(d.render()).append('\n');
        if (notShown > 0)
            sb.append("note: ").append(notShown).append(notShown == 1 ? " more diagnostic is" : " more diagnostics are")
                    .append(" not shown; fix the ones above first\n");
        int n = errorCount();
        if (n > 0) sb.append("error: could not compile due to ").append(n).append(n == 1 ? " previous error" : " previous errors").append('\n');
        return sb.toString();
    }
}

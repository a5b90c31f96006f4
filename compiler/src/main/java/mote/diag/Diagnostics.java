package mote.diag;

import java.util.ArrayList;
import java.util.List;

/** Collects diagnostics so a phase can report every independent error before stopping. */
public final class Diagnostics {
    private final List<Diagnostic> all = new ArrayList<>();

    public void error(String code, Span span, String message, String... help) {
        all.add(new Diagnostic(Severity.ERROR, code, message, span, List.of(help)));
    }

    public void warning(String code, Span span, String message, String... help) {
        all.add(new Diagnostic(Severity.WARNING, code, message, span, List.of(help)));
    }

    public void add(Diagnostic d) { all.add(d); }

    public boolean hasErrors() {
        return all.stream().anyMatch(d -> d.severity() == Severity.ERROR);
    }

    public int errorCount() {
        return (int) all.stream().filter(d -> d.severity() == Severity.ERROR).count();
    }

    public List<Diagnostic> all() { return List.copyOf(all); }

    /** Throws {@link CompileError} carrying everything so far when any error was reported. */
    public void throwIfErrors() {
        if (hasErrors()) throw new CompileError(this);
    }

    public String render() {
        StringBuilder sb = new StringBuilder();
        for (Diagnostic d : all) sb.append(d.render()).append('\n');
        int n = errorCount();
        if (n > 0) sb.append("error: could not compile due to ").append(n).append(n == 1 ? " previous error" : " previous errors").append('\n');
        return sb.toString();
    }
}

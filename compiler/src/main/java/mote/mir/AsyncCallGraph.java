package mote.mir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mote.diag.Diagnostics;
import mote.diag.Span;
import mote.mir.BasicBlock;
import mote.mir.Callee;
import mote.mir.MirFn;
import mote.mir.MirProgram;
import mote.mir.Terminator;

/**
 * Which async fn awaits which. A child's state lives inside its parent's state, so a cycle
 * would make the state infinitely large: it is a compile error that names the cycle. With no
 * cycle, {@link #bottomUp()} orders functions callees-first, the order layouts are computed in.
 */
public final class AsyncCallGraph {
    private final Map<String, MirFn> asyncFns = new LinkedHashMap<>();
    private final Map<String, List<Edge>> edges = new HashMap<>();

    private record Edge(String callee, Span span) {}

    public AsyncCallGraph(MirProgram program) {
        for (MirFn f : program.functions()) if (f.isAsync()) asyncFns.put(f.name(), f);
        for (MirFn f : asyncFns.values()) {
            List<Edge> out = new ArrayList<>();
            for (BasicBlock b : f.blocks())
                if (b.terminator() instanceof Terminator.Await a && a.callee() instanceof Callee.Function c)
                    out.add(new Edge(c.name(), a.span()));
                else if (b.terminator() instanceof Terminator.PollChild pc && pc.callee() instanceof Callee.Function c)
                    out.add(new Edge(c.name(), pc.span()));
            edges.put(f.name(), out);
        }
    }

    /** The async fns directly awaited by {@code fn}, without repeats. */
    public Set<String> callees(String fn) {
        Set<String> out = new LinkedHashSet<>();
        for (Edge e : edges.getOrDefault(fn, List.of())) out.add(e.callee());
        return out;
    }

    /** Reports each cycle once (E0420) and returns false when there is one. */
    public boolean checkAcyclic(Diagnostics diags) {
        Map<String, Integer> state = new HashMap<>();   // 1 = on the DFS path, 2 = done
        boolean ok = true;
        for (String f : asyncFns.keySet()) ok &= dfs(f, state, new ArrayList<>(), new ArrayList<>(), diags);
        return ok;
    }

    private boolean dfs(String f, Map<String, Integer> state, List<String> path, List<Span> spans, Diagnostics diags) {
        Integer s = state.get(f);
        if (s != null && s == 2) return true;
        if (s != null && s == 1) {
            int start = path.indexOf(f);
            List<String> cycle = new ArrayList<>(path.subList(start, path.size()));
            cycle.add(f);
            diags.error("E0420", spans.get(start), "async fns await each other in a cycle: " + String.join(" -> ", cycle),
                    "a future's state holds the state of the future it awaits, so a cycle would need unbounded memory;"
                            + " break the cycle, or make one of them a sync fn");
            return false;
        }
        state.put(f, 1);
        path.add(f);
        boolean ok = true;
        for (Edge e : edges.getOrDefault(f, List.of())) {
            if (!asyncFns.containsKey(e.callee())) continue;
            spans.add(e.span());
            ok &= dfs(e.callee(), state, path, spans, diags);
            spans.remove(spans.size() - 1);
            if (!ok) break;
        }
        path.remove(path.size() - 1);
        state.put(f, 2);
        return ok;
    }

    /** Async fns with every callee before its callers. Requires an acyclic graph. */
    public List<MirFn> bottomUp() {
        List<MirFn> order = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        for (String f : asyncFns.keySet()) visit(f, done, order);
        return order;
    }

    private void visit(String f, Set<String> done, List<MirFn> order) {
        if (!done.add(f)) return;
        for (String c : callees(f)) if (asyncFns.containsKey(c)) visit(c, done, order);
        order.add(asyncFns.get(f));
    }
}

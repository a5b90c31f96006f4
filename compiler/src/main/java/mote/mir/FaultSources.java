package mote.mir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether a program needs runtime-c's fault report in its image (some 200 bytes of flash: the
 * reporting handler, its hex printer and the console writes it makes).
 *
 * <p>What makes firmware fault is nearly always one of three things, and a program with none
 * of them leaves the report out: a `register` (any address: nothing there, an MPU region, or a
 * write that enables an interrupt with no handler, moves the vector table, turns on a fault),
 * an `interrupt` handler (the program enables interrupts), and recursion, whose stack the
 * build cannot bound (without it the build refuses a program whose worst-case stack does not
 * fit: mote.size.StackCheck). That is not a proof: a reference kept past the life of its
 * variable (Mote has no borrow checker), a stack deeper than the build measured, or a defect
 * in Mote can still fault such an image. It then exits with 102 and prints nothing;
 * `mote run` says why, and a debugger still reads the whole report from the core
 * (docs/debugging.md). Debug and --backtrace builds keep the report whatever the program.
 */
public final class FaultSources {
    private FaultSources() {}

    /** What keeps the report in {@code program}'s image (the first found, as the reason to give), or null when nothing does. */
    public static String of(MirProgram program) {
        Map<String, List<String>> calls = new HashMap<>();
        for (MirFn f : program.functions()) {
            if (f.interrupt() != null) return "interrupt handler `" + f.interrupt() + "`";
            List<String> callees = new ArrayList<>();
            for (BasicBlock b : f.blocks()) {
                for (Statement s : b.statements()) {
                    if (s instanceof Statement.WriteRegister w) return "register `" + w.name() + "`";
                    if (!(s instanceof Statement.Assign a)) continue;
                    if (a.value() instanceof Rvalue.ReadRegister r) return "register `" + r.name() + "`";
                    if (a.value() instanceof Rvalue.Call c) callees.add(c.function());
                }
            }
            calls.put(f.name(), callees);
        }
        Map<String, Integer> state = new HashMap<>();   // 1: on the path being walked, 2: done
        for (String f : calls.keySet()) {
            String cycle = recursion(f, calls, state);
            if (cycle != null) return "recursion through `" + cycle + "`";
        }
        return null;
    }

    /** Whether {@code program}'s image keeps the fault report: see the class comment. */
    public static boolean needsReport(MirProgram program) {
        return of(program) != null;
    }

    /** A fn on a cycle of calls reachable from {@code fn}, or null. Iterative: call chains can be thousands deep. */
    private static String recursion(String fn, Map<String, List<String>> calls, Map<String, Integer> state) {
        if (state.containsKey(fn)) return null;
        record Frame(String fn, int next) {}
        List<Frame> path = new ArrayList<>();
        path.add(new Frame(fn, 0));
        state.put(fn, 1);
        while (!path.isEmpty()) {
            Frame top = path.get(path.size() - 1);
            List<String> callees = calls.getOrDefault(top.fn(), List.of());
            if (top.next() == callees.size()) {
                state.put(top.fn(), 2);
                path.remove(path.size() - 1);
                continue;
            }
            path.set(path.size() - 1, new Frame(top.fn(), top.next() + 1));
            String callee = callees.get(top.next());
            if (!calls.containsKey(callee)) continue;   // a built-in, not a fn of the program
            Integer seen = state.get(callee);
            if (seen == null) {
                state.put(callee, 1);
                path.add(new Frame(callee, 0));
            } else if (seen == 1) {
                return callee;
            }
        }
        return null;
    }
}

package mote.mir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether a program can make the core fault, and so needs runtime-c's fault report in its
 * image (some 200 bytes of flash: the reporting handler and its hex printer).
 *
 * <p>Mote code is memory safe: every index is checked, a reference points at a live variable,
 * there is no pointer arithmetic and no call through a pointer. What can still fault is a
 * `register` (any address: nothing there, an MPU region, or a write that enables an interrupt
 * with no handler, moves the vector table, turns on a fault), an `interrupt` handler (the
 * program enables interrupts), and a stack deeper than the board's, which needs recursion:
 * without it the build bounds the worst-case stack and refuses a program whose stack does not
 * fit (mote.size.StackCheck). A program with none of these cannot fault, short of a defect in
 * Mote itself or the hardware.
 */
public final class FaultSources {
    private FaultSources() {}

    /** What lets {@code program} fault (the first found, as the reason to give), or null when nothing does. */
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

    /** Whether {@code program} can fault: see the class comment. */
    public static boolean canFault(MirProgram program) {
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

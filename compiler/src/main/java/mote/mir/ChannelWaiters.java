package mote.mir;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which tasks wait on each side of each channel and signal, over the whole program. When every
 * wait names its static directly and each side of each one is waited on by one task at most,
 * and that task has one instance, a side never has two waiting tasks: runtime-c then keeps the
 * task's id instead of a list of waiter nodes (`mote_channels_direct`, channel.c).
 *
 * <p>A wait counts for every task whose poll can reach it: the task's own body and every async
 * fn it awaits, directly or through a `join`/`race` branch. A wait on anything but a named
 * static (a channel in a local, an array or a struct, or reached through a reference) could be
 * any channel, so the program keeps the lists. `Event`s keep theirs either way (event.c).
 * Operations that do not wait (try_send, try_recv, raise) may be anywhere, interrupt
 * handlers included: they only wake the side's task.
 */
public final class ChannelWaiters {
    private ChannelWaiters() {}

    /** The waiting tasks per side of one static: receivers (recv, next, a signal's wait) and senders. */
    public record Sides(Set<String> receivers, Set<String> senders) {}

    /** Whether runtime-c may keep one waiting task per side instead of lists (see the class comment). */
    public static boolean direct(MirProgram program) {
        Map<String, Sides> sides = waiters(program);
        if (sides == null) return false;
        Map<String, Integer> instances = instances(program);
        for (Sides s : sides.values())
            if (!oneTask(s.receivers(), instances) || !oneTask(s.senders(), instances)) return false;
        return true;
    }

    private static boolean oneTask(Set<String> tasks, Map<String, Integer> instances) {
        return tasks.size() <= 1 && tasks.stream().allMatch(t -> instances.getOrDefault(t, 0) == 1);
    }

    /**
     * The tasks (main and each task fn, by name) and their instance counts, in task-table order
     * (main first): one task slot per instance.
     */
    public static Map<String, Integer> instances(MirProgram program) {
        Map<String, Integer> out = new LinkedHashMap<>();
        if (program.mainFunction() != null) out.put(program.mainFunction(), 1);
        for (MirProgram.Task t : program.tasks()) out.put(t.function(), t.poolSize());
        return out;
    }

    /**
     * The waiting tasks of each static channel and signal that some task waits on, by static
     * name; null when some wait's channel is not a named static.
     */
    public static Map<String, Sides> waiters(MirProgram program) {
        Map<String, MirFn> fns = new HashMap<>();
        for (MirFn f : program.functions()) fns.put(f.name(), f);
        AsyncCallGraph calls = new AsyncCallGraph(program);
        Map<String, Sides> out = new LinkedHashMap<>();
        for (String task : instances(program).keySet()) {
            for (String reached : reachable(task, calls)) {
                MirFn f = fns.get(reached);
                if (f == null) continue;
                Map<Local, List<Rvalue>> defs = null;
                for (BasicBlock b : f.blocks()) {
                    Callee callee;
                    List<Operand> args;
                    if (b.terminator() instanceof Terminator.Await a) { callee = a.callee(); args = a.args(); }
                    else if (b.terminator() instanceof Terminator.PollChild pc && pc.start()) { callee = pc.callee(); args = pc.args(); }
                    else continue;
                    if (!(callee instanceof Callee.Channel ch) || ch.channel().isEvent()) continue;
                    if (defs == null) defs = definitions(f);
                    String channel = args.isEmpty() ? null : staticOf(args.get(0), defs);
                    if (channel == null) return null;
                    Sides s = out.computeIfAbsent(channel, k -> new Sides(new HashSet<>(), new HashSet<>()));
                    (ch.send() ? s.senders() : s.receivers()).add(task);
                }
            }
        }
        return out;
    }

    /** {@code task} and every async fn its poll can reach. */
    static Set<String> reachable(String task, AsyncCallGraph calls) {
        Set<String> seen = new HashSet<>();
        Deque<String> work = new ArrayDeque<>(List.of(task));
        while (!work.isEmpty()) {
            String f = work.pop();
            if (seen.add(f)) work.addAll(calls.callees(f));
        }
        return seen;
    }

    /**
     * Every value assigned to each local of {@code f}. A local written otherwise maps to null as
     * well (not a known static): a parameter (its value comes from the caller, and a `mut` one
     * may also be assigned in the body), by an await, or behind the assignments' back, through a
     * reference to it (`let p = &mut r; *p = &B;`, here or in a callee) or a store into it.
     */
    public static Map<Local, List<Rvalue>> definitions(MirFn f) {
        Map<Local, List<Rvalue>> defs = new HashMap<>();
        for (Local param : f.params()) defs.computeIfAbsent(param, k -> new java.util.ArrayList<>()).add(null);
        for (Local borrowed : BorrowedLocals.of(f)) defs.computeIfAbsent(borrowed, k -> new java.util.ArrayList<>()).add(null);
        for (BasicBlock b : f.blocks()) {
            for (Statement s : b.statements()) {
                if (s instanceof Statement.Assign a) defs.computeIfAbsent(a.dest(), k -> new java.util.ArrayList<>()).add(a.value());
                if (s instanceof Statement.Store st && !st.place().throughReference())
                    defs.computeIfAbsent(st.place().local(), k -> new java.util.ArrayList<>()).add(null);
            }
            if (b.terminator() instanceof Terminator.Await a) defs.computeIfAbsent(a.dest(), k -> new java.util.ArrayList<>()).add(null);
            if (b.terminator() instanceof Terminator.PollChild pc) defs.computeIfAbsent(pc.dest(), k -> new java.util.ArrayList<>()).add(null);
        }
        return defs;
    }

    /**
     * The static a channel pointer is the address of: `&static S`, or a reborrow `&mut (*p)` or
     * copy of a local that is one; a local written in several places (merged states join
     * their paths) must be the same static in each. Null for anything else (a parameter, an
     * element, a field, two statics).
     */
    public static String staticOf(Operand pointer, Map<Local, List<Rvalue>> defs) {
        return staticOf(pointer, defs, new HashSet<>());
    }

    private static String staticOf(Operand pointer, Map<Local, List<Rvalue>> defs, Set<Local> visiting) {
        if (!(pointer instanceof Operand.Copy c)) return null;
        List<Rvalue> values = defs.get(c.local());
        if (values == null || !visiting.add(c.local())) return null;
        String found = null;
        for (Rvalue v : values) {
            String s;
            if (v == null) s = null;
            else if (v instanceof Rvalue.StaticAddr sa) s = sa.name();
            else if (v instanceof Rvalue.Use u) s = staticOf(u.operand(), defs, visiting);
            else if (v instanceof Rvalue.AddressOf ao && ao.place().projections().equals(List.of(new Place.Projection.Deref())))
                s = staticOf(Operand.of(ao.place().local()), defs, visiting);
            else s = null;
            if (s == null || (found != null && !found.equals(s))) return null;
            found = s;
        }
        visiting.remove(c.local());
        return found;
    }
}

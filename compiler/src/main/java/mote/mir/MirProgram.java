package mote.mir;

import java.util.List;
import mote.types.Type;

/** The whole program in MIR: every function reachable or not, every global. */
public record MirProgram(List<MirFn> functions, List<Global> globals, String mainFunction, List<Task> tasks) {
    public MirProgram {
        functions = functions instanceof Functions f ? f : new Functions(functions);
        globals = List.copyOf(globals);
        tasks = List.copyOf(tasks);
    }

    /** Without `task fn`s: only main is a task. */
    public MirProgram(List<MirFn> functions, List<Global> globals, String mainFunction) {
        this(functions, globals, mainFunction, List.of());
    }

    /** A `task(N) fn`: {@code poolSize} statically allocated instances. */
    public record Task(String function, int poolSize) {}

    /**
     * A `static` (mutable or not) with its initial bits; an aggregate static has its initial
     * bytes in {@code image} instead (null for scalars).
     */
    /** {@code strings}: offsets in {@code image} holding a pointer to a string literal's bytes. */
    public record Global(String name, Type type, boolean mutable, long initialValue, byte[] image,
                         java.util.SortedMap<Integer, byte[]> strings) {
        public Global(String name, Type type, boolean mutable, long initialValue) {
            this(name, type, mutable, initialValue, null, new java.util.TreeMap<>());
        }
    }

    /** Whether {@code name} is polled by the executor (main or a `task fn`) rather than awaited. */
    public boolean isTaskEntry(String name) {
        if (name.equals(mainFunction)) return true;
        for (Task t : tasks) if (t.function().equals(name)) return true;
        return false;
    }

    public MirFn function(String name) {
        return ((Functions) functions).named(name);
    }

    /**
     * The functions, unmodifiable, with an index by name made on first use: passes look callees
     * up at every call and await, and a walk of the list each time was quadratic in the number
     * of fns. (A record has no other field to keep it in.)
     */
    private static final class Functions extends java.util.AbstractList<MirFn> implements java.util.RandomAccess {
        private final List<MirFn> list;
        private volatile java.util.Map<String, MirFn> byName;

        Functions(List<MirFn> fns) { list = List.copyOf(fns); }

        @Override public MirFn get(int index) { return list.get(index); }
        @Override public int size() { return list.size(); }

        MirFn named(String name) {
            java.util.Map<String, MirFn> index = byName;
            if (index == null) {
                index = new java.util.HashMap<>();
                for (MirFn f : list) index.putIfAbsent(f.name(), f);   // the first of a name, as the walk found
                byName = index;
            }
            return index.get(name);
        }
    }

    /**
     * Whether the program closes a channel anywhere: then a send or receive on a channel can
     * panic (closed), at its own location.
     */
    public boolean closesChannels() {
        for (MirFn f : functions)
            for (BasicBlock b : f.blocks())
                for (Statement st : b.statements())
                    if (st instanceof Statement.Assign a && a.value() instanceof Rvalue.ChannelOp op && op.op().equals("close")) return true;
        return false;
    }

    /**
     * The statics the program closes (`Q.close()`), when each close names one; null when one
     * closes a channel known only at run time (behind a reference, in an array), which may be
     * any. A channel not closed is never closed: sends and receives on it need no check.
     */
    public java.util.Set<String> closedStatics() {
        java.util.Set<String> closed = new java.util.HashSet<>();
        for (MirFn f : functions) {
            java.util.Map<Local, List<Rvalue>> defs = null;
            for (BasicBlock b : f.blocks())
                for (Statement st : b.statements()) {
                    if (!(st instanceof Statement.Assign a && a.value() instanceof Rvalue.ChannelOp op && op.op().equals("close"))) continue;
                    if (defs == null) defs = ChannelWaiters.definitions(f);
                    String name = op.args().isEmpty() ? null : ChannelWaiters.staticOf(op.args().get(0), defs);
                    if (name == null) return null;
                    closed.add(name);
                }
        }
        return closed;
    }

    /**
     * Whether an interrupt handler, or a fn it calls, prints: then a print elsewhere can be
     * preempted by one, and an interned-log frame must go out whole.
     */
    public boolean printsInInterruptHandlers() {
        java.util.ArrayDeque<String> work = new java.util.ArrayDeque<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (MirFn f : functions) if (f.interrupt() != null && seen.add(f.name())) work.add(f.name());
        while (!work.isEmpty()) {
            MirFn f = function(work.pop());
            if (f == null) continue;
            for (BasicBlock b : f.blocks())
                for (Statement st : b.statements()) {
                    if (st instanceof Statement.Print) return true;
                    if (st instanceof Statement.Assign a && a.value() instanceof Rvalue.Call c && seen.add(c.function()))
                        work.add(c.function());
                }
        }
        return false;
    }

    public MirProgram withFunctions(List<MirFn> fns) {
        return new MirProgram(fns, globals, mainFunction, tasks);
    }
}

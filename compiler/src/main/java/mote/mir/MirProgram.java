package mote.mir;

import java.util.List;
import mote.types.Type;

/** The whole program in MIR: every function reachable or not, every global. */
public record MirProgram(List<MirFn> functions, List<Global> globals, String mainFunction, List<Task> tasks) {
    public MirProgram {
        functions = List.copyOf(functions);
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
        for (MirFn f : functions) if (f.name().equals(name)) return f;
        return null;
    }

    public MirProgram withFunctions(List<MirFn> fns) {
        return new MirProgram(fns, globals, mainFunction, tasks);
    }
}

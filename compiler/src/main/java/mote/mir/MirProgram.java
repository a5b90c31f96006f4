package mote.mir;

import java.util.List;
import mote.types.Type;

/** The whole program in MIR: every function reachable or not, every global. */
public record MirProgram(List<MirFn> functions, List<Global> globals, String mainFunction) {
    public MirProgram {
        functions = List.copyOf(functions);
        globals = List.copyOf(globals);
    }

    /**
     * A `static` (mutable or not) with its initial bits; an aggregate static has its initial
     * bytes in {@code image} instead (null for scalars).
     */
    public record Global(String name, Type type, boolean mutable, long initialValue, byte[] image) {
        public Global(String name, Type type, boolean mutable, long initialValue) {
            this(name, type, mutable, initialValue, null);
        }
    }

    public MirFn function(String name) {
        for (MirFn f : functions) if (f.name().equals(name)) return f;
        return null;
    }

    public MirProgram withFunctions(List<MirFn> fns) {
        return new MirProgram(fns, globals, mainFunction);
    }
}

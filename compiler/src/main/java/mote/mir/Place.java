package mote.mir;

import java.util.ArrayList;
import java.util.List;
import mote.types.Type;

/**
 * A memory location, as in rustc's MIR: a local followed by projections. {@code _1.0} is
 * field 0 of struct local `_1`; {@code _1[_2]} element `_2` of array `_1` (or of the slice
 * `_1` points into); {@code (*_1)} what the reference in `_1` points to. A place rooted at a
 * static goes through a reference to it ({@link Rvalue.StaticAddr}), so every place has a local.
 *
 * Bounds are checked by an explicit Assert before a place with an Index is used; the place
 * itself never checks.
 */
public record Place(Local local, List<Projection> projections) {
    public Place {
        projections = List.copyOf(projections);
    }

    public static Place of(Local l) { return new Place(l, List.of()); }

    public sealed interface Projection {
        /** Field {@code index} of a struct, in declaration order; of a slice: 0 the pointer, 1 the length. */
        record Field(int index) implements Projection {}

        /** An element of an array (in place) or of a slice (through its pointer); the index is any unsigned integer. */
        record Index(Operand index) implements Projection {}

        /** What a reference points to. */
        record Deref() implements Projection {}

        /** Field {@code index} of variant {@code variant} of a data enum (valid where it holds that variant). */
        record VariantField(int variant, int index) implements Projection {}
    }

    public Place project(Projection p) {
        List<Projection> l = new ArrayList<>(projections);
        l.add(p);
        return new Place(local, l);
    }

    public boolean isLocal() { return projections.isEmpty(); }

    /** Whether the place is reached through a reference: a store to it writes what that points to, not the local. */
    public boolean throughReference() { return projections.stream().anyMatch(p -> p instanceof Projection.Deref); }

    /** Whether the place's address is inside the local's own storage (no Deref, no slice Index). */
    public boolean isInsideLocal(MirFn fn) {
        return staysInside(fn.typeOf(local), projections);
    }

    /** Whether {@code path} from a value of type {@code t} stays in its storage: no Deref, no index into a slice (which points elsewhere). */
    public static boolean staysInside(Type t, List<Projection> path) {
        for (Projection p : path) {
            if (p instanceof Projection.Deref || (p instanceof Projection.Index && t instanceof Type.Slice)) return false;
            t = step(t, p);
        }
        return true;
    }

    /** The type of the place in {@code fn}. */
    public Type type(MirFn fn) {
        Type t = fn.typeOf(local);
        for (Projection p : projections) t = step(t, p);
        return t;
    }

    /** The type one projection leads to. */
    public static Type step(Type t, Projection p) {
        if (p instanceof Projection.Deref) return ((Type.Ref) t).target();
        if (p instanceof Projection.Index) {
            if (t instanceof Type.Array a) return a.element();
            return ((Type.Slice) t).element();
        }
        if (p instanceof Projection.VariantField vf) return ((Type.Sum) t).variants().get(vf.variant()).fields().get(vf.index());
        if (p instanceof Projection.Field f) {
            if (t instanceof Type.Slice s) return f.index() == 0 ? new Type.Ref(false, s.element()) : Type.U32;
            if (t instanceof Type.Tuple tu) return tu.elements().get(f.index());
            if (t instanceof Type.Mutex m) return m.element();   // its value, behind the header
            return ((Type.Struct) t).fields().get(f.index()).type();
        }
        throw new IllegalStateException("unhandled projection " + p.getClass().getSimpleName());
    }

    @Override public String toString() {
        String s = local.toString();
        for (Projection p : projections) {
            if (p instanceof Projection.Field f) s = s + "." + f.index();
            else if (p instanceof Projection.Index i) s = s + "[" + i.index() + "]";
            else if (p instanceof Projection.Deref) s = "(*" + s + ")";
            else if (p instanceof Projection.VariantField vf) s = "(" + s + " as " + vf.variant() + ")." + vf.index();
            else throw new IllegalStateException("unhandled projection " + p.getClass().getSimpleName());
        }
        return s;
    }
}

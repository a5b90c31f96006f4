package mote.types;

import java.util.ArrayList;
import java.util.List;
import mote.ast.Pattern;

/**
 * Which values a list of patterns misses, written as patterns (at most three): what a
 * non-exhaustive `match` (E0371) and a refutable `let` pattern (E0373) report. It is the
 * usefulness algorithm of Maranget ("Warnings for pattern matching", JFP 2007), as rustc uses:
 * a value vector is missed when, for some constructor of the first column's type, the rows
 * specialised to that constructor miss the rest. Constructors are a data enum's variants, a
 * C-like enum's variants, a tuple (one, with its elements as arguments), and for integers and
 * bools the segments their ranges cut the type's values into, so that `0..=9 | 10..=255`
 * covers a u8 without listing 256 values. Other types are matched only by `_` and bindings.
 * Runs after type checking, on resolved types and evaluated pattern constants.
 */
final class Exhaustiveness {
    private Exhaustiveness(TypedProgram program) { this.program = program; }

    private final TypedProgram program;

    private static final int MAX_WITNESSES = 3;

    /** Patterns reduced to what matching needs. */
    private sealed interface P {}
    private record Wild() implements P {}
    /** A variant or tuple, by index (0 for a tuple), with its fields' patterns. */
    private record Ctor(int index, List<P> args) implements P {}
    /** Integers and bools (0, 1): an inclusive range of values. */
    private record Range(long lo, long hi) implements P {}
    private record Alt(List<P> alternatives) implements P {}

    private static final P WILD = new Wild();

    /** The values of {@code t} no pattern in {@code rows} matches, as patterns in backticks; empty when covered. */
    static List<String> missing(List<Pattern> rows, Type t, TypedProgram program) {
        Exhaustiveness e = new Exhaustiveness(program);
        List<List<P>> matrix = new ArrayList<>();
        for (Pattern p : rows) matrix.add(new ArrayList<>(List.of(e.convert(p, t))));
        List<String> found = new ArrayList<>();
        matrix = expand(matrix);
        List<Constructor> all = e.constructors(t, matrix);
        if (all == null) {
            if (matrix.isEmpty()) found.add("`_`");
            return found;
        }
        for (Constructor c : all) {
            for (List<String> w : e.witnesses(specialize(matrix, c), concat(c.argTypes(), List.of()), MAX_WITNESSES - found.size()))
                found.add("`" + e.render(t, c, w) + "`");
            if (found.size() == MAX_WITNESSES) break;
        }
        return found;
    }

    /** A constructor of a column's type: its index (or integer segment), arity and field types. */
    private record Constructor(int index, long lo, long hi, List<Type> argTypes) {}

    /**
     * Up to {@code limit} value vectors that no row matches, as rendered patterns; none when the
     * rows cover every value. Several, so that `Some(E.B)` and `Some(E.C)` are both named.
     */
    private List<List<String>> witnesses(List<List<P>> rows, List<Type> types, int limit) {
        if (limit <= 0) return List.of();
        if (types.isEmpty()) return rows.isEmpty() ? List.of(new ArrayList<>()) : List.of();
        if (rows.isEmpty()) {   // nothing constrains these positions: any value is missed, shown as `_` (as rustc)
            List<String> any = new ArrayList<>();
            for (int i = 0; i < types.size(); i++) any.add("_");
            return List.of(any);
        }
        rows = expand(rows);
        Type t = types.get(0);
        List<Type> rest = types.subList(1, types.size());
        // A column of only `_` and bindings: every value of it is matched, so its constructors need
        // no splitting (which would never end for a type that refers to itself, `&Tree` in Tree).
        boolean onlyWild = rows.stream().allMatch(r -> r.get(0) instanceof Wild);
        List<Constructor> all = onlyWild ? null : constructors(t, rows);
        List<List<String>> out = new ArrayList<>();
        if (all == null) {   // only `_` and bindings match this type, or this column
            List<List<P>> tails = new ArrayList<>();
            for (List<P> row : rows) tails.add(row.subList(1, row.size()));
            for (List<String> w : witnesses(tails, rest, limit)) {
                List<String> result = new ArrayList<>(w);
                result.add(0, "_");
                out.add(result);
            }
            return out;
        }
        for (Constructor c : all) {
            int arity = c.argTypes().size();
            for (List<String> w : witnesses(specialize(rows, c), concat(c.argTypes(), rest), limit - out.size())) {
                List<String> result = new ArrayList<>();
                result.add(render(t, c, w.subList(0, arity)));
                result.addAll(w.subList(arity, w.size()));
                out.add(result);
            }
            if (out.size() >= limit) break;
        }
        return out;
    }

    /** Alternatives in the first column become rows of their own. */
    private static List<List<P>> expand(List<List<P>> rows) {
        List<List<P>> out = new ArrayList<>();
        for (List<P> row : rows) expandRow(row, out);
        return out;
    }

    private static void expandRow(List<P> row, List<List<P>> out) {
        if (!row.isEmpty() && row.get(0) instanceof Alt alt) {
            for (P a : alt.alternatives()) {
                List<P> r = new ArrayList<>(row);
                r.set(0, a);
                expandRow(r, out);
            }
        } else {
            out.add(row);
        }
    }

    private static List<List<P>> specialize(List<List<P>> rows, Constructor c) {
        List<List<P>> out = new ArrayList<>();
        int arity = c.argTypes().size();
        for (List<P> row : rows) {
            P head = row.get(0);
            List<P> r = new ArrayList<>();
            if (head instanceof Wild) {
                for (int i = 0; i < arity; i++) r.add(WILD);
            } else if (head instanceof Ctor ctor && ctor.index() == c.index()) {
                r.addAll(ctor.args());
            } else if (head instanceof Range range && c.index() < 0 && contains(range, c)) {
                // the segment lies inside the range
            } else {
                continue;
            }
            r.addAll(row.subList(1, row.size()));
            out.add(r);
        }
        return out;
    }

    /** Segments never straddle a range's end, so containment is decided by the segment's first value. */
    private static boolean contains(Range r, Constructor segment) {
        boolean signed = segment.index() == -2;
        return cmp(r.lo(), segment.lo(), signed) <= 0 && cmp(segment.lo(), r.hi(), signed) <= 0;
    }

    private static int cmp(long a, long b, boolean signed) {
        return signed ? Long.compare(a, b) : Long.compareUnsigned(a, b);
    }

    /**
     * Every constructor of {@code t}, or null when patterns cannot take it apart. Integer and bool
     * segments carry index -1 (unsigned) or -2 (signed) and their bounds.
     */
    private List<Constructor> constructors(Type t, List<List<P>> rows) {
        t = referent(t);
        List<Constructor> all = new ArrayList<>();
        if (t instanceof Type.Sum s) {
            for (int i = 0; i < s.variants().size(); i++) all.add(new Constructor(i, 0, 0, s.variants().get(i).fields()));
        } else if (t instanceof Type.Enum en) {
            for (int i = 0; i < en.variants().size(); i++) all.add(new Constructor(i, 0, 0, List.of()));
        } else if (t instanceof Type.Tuple tu) {
            all.add(new Constructor(0, 0, 0, tu.elements()));
        } else if (t instanceof Type.Unit) {
            all.add(new Constructor(0, 0, 0, List.of()));
        } else if (t instanceof Type.Struct st && rows.stream().anyMatch(r -> r.get(0) instanceof Ctor)) {
            all.add(new Constructor(0, 0, 0, st.fields().stream().map(Type.Struct.Field::type).toList()));
        } else if (t instanceof Type.Int || t instanceof Type.Bool) {
            boolean signed = t instanceof Type.Int it && it.signed();
            long min = t instanceof Type.Int it ? it.min() : 0, max = t instanceof Type.Int it ? it.max() : 1;
            List<Long> starts = new ArrayList<>(List.of(min));
            for (List<P> row : rows) {
                if (row.get(0) instanceof Range r) {
                    starts.add(r.lo());
                    if (r.hi() != max) starts.add(r.hi() + 1);
                }
            }
            starts.sort((a, b) -> cmp(a, b, signed));
            List<Long> unique = new ArrayList<>();
            for (long x : starts) if (unique.isEmpty() || unique.get(unique.size() - 1) != x) unique.add(x);
            for (int i = 0; i < unique.size(); i++) {
                long hi = i + 1 < unique.size() ? unique.get(i + 1) - 1 : max;
                all.add(new Constructor(signed ? -2 : -1, unique.get(i), hi, List.of()));
            }
        } else {
            return null;
        }
        return all;
    }

    /** What {@code t} refers to, through every reference: patterns see through them (default binding modes). */
    private static Type referent(Type t) {
        while (t instanceof Type.Ref r) t = r.target();
        return t;
    }

    private String render(Type t, Constructor c, List<String> args) {
        t = referent(t);
        if (t instanceof Type.Bool) return c.lo() == 0 ? "false" : "true";
        if (t instanceof Type.Int it) return it.signed() ? Long.toString(c.lo()) : Long.toUnsignedString(c.lo());
        if (t instanceof Type.Enum en) return en.name() + "." + en.variants().get(c.index());
        if (t instanceof Type.Tuple || t instanceof Type.Unit) return "(" + String.join(", ", args) + (args.size() == 1 ? ",)" : ")");
        if (t instanceof Type.Struct st) {
            List<String> fields = new ArrayList<>();
            for (int i = 0; i < args.size(); i++) fields.add(st.fields().get(i).name() + ": " + args.get(i));
            return st.name() + " { " + String.join(", ", fields) + " }";
        }
        Type.Sum s = (Type.Sum) t;
        Type.Sum.Variant v = s.variants().get(c.index());
        String name = s.isBuiltin() ? v.name() : s.name() + "." + v.name();
        if (v.isStructLike()) return name + " { .. }";
        return v.fields().isEmpty() ? name : name + "(" + String.join(", ", args) + ")";
    }

    private P convert(Pattern p, Type t) {
        if (p == null || t == null || p instanceof Pattern.Wildcard) return WILD;
        if (p instanceof Pattern.Binding b) return b.sub() == null ? WILD : convert(b.sub(), t);
        if (p instanceof Pattern.Or or) {
            List<P> alts = new ArrayList<>();
            for (Pattern a : or.alternatives()) alts.add(convert(a, t));
            return new Alt(alts);
        }
        if (program.patternBinding(p) != null) return WILD;
        t = referent(t);   // a pattern that is not a binding matches what a reference points to
        Symbol.SumVariant sv = program.patternVariant(p);
        if (sv != null && t instanceof Type.Sum sum) {
            Type.Sum.Variant v = sum.variants().get(sv.index());
            List<P> args = new ArrayList<>();
            if (p instanceof Pattern.Variant vp) {
                for (int i = 0; i < v.fields().size(); i++) args.add(i < vp.args().size() ? convert(vp.args().get(i), v.fields().get(i)) : WILD);
            } else if (p instanceof Pattern.StructVariant sp) {
                for (int i = 0; i < v.fields().size(); i++) {
                    P field = WILD;
                    for (Pattern.FieldPattern f : sp.fields()) {
                        if (v.fieldIndex(f.name().name()) == i) field = convert(f.pattern(), v.fields().get(i));
                    }
                    args.add(field);
                }
            } else {
                for (int i = 0; i < v.fields().size(); i++) args.add(WILD);
            }
            return new Ctor(sv.index(), args);
        }
        if (p instanceof Pattern.Tuple tp && t instanceof Type.Tuple tu) {
            List<P> args = new ArrayList<>();
            for (int i = 0; i < tu.elements().size(); i++) args.add(i < tp.elements().size() ? convert(tp.elements().get(i), tu.elements().get(i)) : WILD);
            return new Ctor(0, args);
        }
        if (p instanceof Pattern.Tuple && t instanceof Type.Unit) return new Ctor(0, List.of());
        if (p instanceof Pattern.StructVariant sp && t instanceof Type.Struct st) {
            List<P> args = new ArrayList<>();
            for (Type.Struct.Field field : st.fields()) {
                P arg = WILD;
                for (Pattern.FieldPattern f : sp.fields()) if (f.name().name().equals(field.name())) arg = convert(f.pattern(), field.type());
                args.add(arg);
            }
            return new Ctor(0, args);
        }
        long[] range = program.patternRange(p);
        if (range == null) return WILD;   // reported already (or no constant): say nothing more
        if (t instanceof Type.Enum en) {
            List<P> alts = new ArrayList<>();
            boolean signed = en.repr().signed();
            for (int i = 0; i < en.values().size(); i++) {
                long v = en.values().get(i);
                if (cmp(range[0], v, signed) <= 0 && cmp(v, range[1], signed) <= 0) alts.add(new Ctor(i, List.of()));
            }
            return alts.size() == 1 ? alts.get(0) : new Alt(alts);
        }
        return new Range(range[0], range[1]);
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}

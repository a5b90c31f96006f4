package mote.mir;

import java.util.Comparator;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The locals of a fn whose storage is borrowed somewhere in it (`&x`, `&mut x.f`, `&a[i]`: an
 * {@link Rvalue.AddressOf} whose place lies inside the local's own storage). Async lowering
 * pins them in the state object for the whole call; a pass that runs constants ahead (merge-
 * states) must skip them, since a reference may read or write them behind the statements' back.
 */
public final class BorrowedLocals {
    private BorrowedLocals() {}

    /** The borrowed locals of {@code fn}, in index order. */
    public static SortedSet<Local> of(MirFn fn) {
        SortedSet<Local> out = new TreeSet<>(Comparator.comparingInt(Local::index));
        for (BasicBlock b : fn.blocks())
            for (Statement s : b.statements())
                if (s instanceof Statement.Assign a && a.value() instanceof Rvalue.AddressOf ref && ref.place().isInsideLocal(fn))
                    out.add(ref.place().local());
        return out;
    }
}

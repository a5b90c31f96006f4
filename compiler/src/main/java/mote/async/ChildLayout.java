package mote.async;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import mote.mir.Terminator;

/**
 * Where the children of a `join`/`race` suspension sit, relative to the start of their area.
 *
 * <p>The branches of one `join`/`race` (a group) wait at the same time, so their children
 * are laid out one after another. A `join`/`race` nested in a branch runs inside that branch,
 * and two nested in the same branch run one after the other (the first has ended, and a
 * `race` has cancelled its losers, before the second starts); a branch waits either on its
 * own child or inside one of them. So when states may share bytes (`overlap-layout`), a
 * branch's area is the largest of its own child and of each group nested in it, and the
 * children of sequential groups share it: three `race`s one after another in a `join`
 * branch take the room of one. Without `overlap-layout` every child has its own bytes.
 */
final class ChildLayout {
    final Map<Integer, Integer> offsets = new LinkedHashMap<>();
    int size;
    int align = 1;

    private final Map<Integer, int[]> sizes;
    private final Map<Integer, Terminator.ChildWait> waits = new LinkedHashMap<>();
    /** child -> the groups nested in its branch, each a list of children in order. */
    private final Map<Integer, Map<Integer, List<Integer>>> nested = new LinkedHashMap<>();

    private ChildLayout(Map<Integer, int[]> sizes) {
        this.sizes = sizes;
    }

    static ChildLayout of(Terminator.Suspend suspend, Map<Integer, int[]> sizes, boolean shareSequential) {
        ChildLayout layout = new ChildLayout(sizes);
        for (Terminator.ChildWait w : suspend.waits()) layout.waits.put(w.child(), w);
        for (Terminator.ChildWait w : suspend.waits()) layout.align = Math.max(layout.align, layout.sizeOf(w.child())[1]);
        if (!shareSequential) {
            for (Terminator.ChildWait w : suspend.waits()) layout.size = layout.place(w.child(), layout.size);
            return layout;
        }
        // Groups without a parent here (the outermost one, or any whose parent is not among
        // these children) are laid out one after another: only nesting proves they take turns.
        Map<Integer, List<Integer>> top = new LinkedHashMap<>();
        for (Terminator.ChildWait w : suspend.waits()) {
            boolean hasParent = w.parent() >= 0 && layout.waits.containsKey(w.parent());
            Map<Integer, List<Integer>> groups = hasParent ? layout.nested.computeIfAbsent(w.parent(), p -> new LinkedHashMap<>()) : top;
            groups.computeIfAbsent(w.group(), g -> new ArrayList<>()).add(w.child());
        }
        int at = 0;
        for (List<Integer> group : top.values()) at = layout.placeGroup(group, at);
        layout.size = at;
        return layout;
    }

    private int[] sizeOf(int child) {
        return sizes.getOrDefault(child, new int[] {0, 1});
    }

    /** Places {@code child}'s own slot alone at {@code at}: the end. */
    private int place(int child, int at) {
        int[] sa = sizeOf(child);
        at = alignUp(at, sa[1]);
        offsets.put(child, at);
        return at + sa[0];
    }

    /** The children of one group side by side from {@code at}, each with what is nested in it; the end. */
    private int placeGroup(List<Integer> group, int at) {
        for (int child : group) {
            int start = alignUp(at, sizeOf(child)[1]);
            int end = place(child, start);
            for (List<Integer> inner : nested.getOrDefault(child, Map.of()).values())
                end = Math.max(end, placeGroup(inner, start));
            at = end;
        }
        return at;
    }

    /**
     * Whether children {@code a} and {@code b} may wait at the same time: always without this
     * layout's sharing; with it, unless one is nested in the other's branch or their branches
     * belong to different groups nested in one branch.
     */
    static boolean mayWaitTogether(Map<Integer, int[]> parentAndGroup, int a, int b) {
        List<Integer> upA = ancestry(parentAndGroup, a), upB = ancestry(parentAndGroup, b);
        if (upA.contains(b) || upB.contains(a)) return false;
        for (int x : upA) {
            for (int y : upB) {
                int[] px = parentAndGroup.get(x), py = parentAndGroup.get(y);
                if (px[0] != py[0]) continue;
                // Siblings under one parent: together in one group; in turn in two groups nested in a branch.
                return px[1] == py[1] || px[0] < 0;
            }
        }
        return true;
    }

    /** {@code child}, its parent, its parent's parent, ... (children only, in that order). */
    private static List<Integer> ancestry(Map<Integer, int[]> parentAndGroup, int child) {
        List<Integer> up = new ArrayList<>();
        for (Integer c = child; c != null && c >= 0 && parentAndGroup.containsKey(c) && !up.contains(c); c = parentAndGroup.get(c)[0]) up.add(c);
        return up;
    }

    private static int alignUp(int x, int a) {
        return (x + a - 1) / a * a;
    }
}

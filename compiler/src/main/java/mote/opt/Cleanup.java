package mote.opt;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import mote.mir.BasicBlock;
import mote.mir.BlockId;
import mote.mir.MirFn;

/** Removes blocks no longer reachable from the entry after a pass rewired jumps. */
final class Cleanup {
    private Cleanup() {}

    static MirFn removeUnreachable(MirFn fn) {
        int n = fn.blocks().size();
        boolean[] reachable = new boolean[n];
        Deque<Integer> work = new ArrayDeque<>();
        work.push(0);
        reachable[0] = true;
        while (!work.isEmpty()) {
            for (BlockId s : fn.blocks().get(work.pop()).terminator().successors()) {
                if (!reachable[s.index()]) { reachable[s.index()] = true; work.push(s.index()); }
            }
        }
        int[] map = new int[n];
        int next = 0;
        for (int i = 0; i < n; i++) map[i] = reachable[i] ? next++ : -1;
        if (next == n) return fn;
        List<BasicBlock> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (!reachable[i]) continue;
            out.add(MirEdit.mapBlock(fn.blocks().get(i), l -> l, b -> new BlockId(map[b.index()])));
        }
        return new MirFn(fn.name(), fn.isAsync(), fn.params(), fn.returnLocal(), fn.returnType(), fn.locals(), out, fn.span(), fn.interrupt());
    }
}

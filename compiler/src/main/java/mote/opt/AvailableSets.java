package mote.opt;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.BiConsumer;
import mote.mir.BasicBlock;
import mote.mir.BlockId;
import mote.mir.MirFn;
import mote.mir.Statement;
import mote.mir.Terminator;

/**
 * A forward "available on every path" dataflow over a function's blocks: what holds at the
 * start of each block is what every predecessor passes on (nothing at the entry, loops back to
 * it included). The passes give the transfer of statements and terminators over bit sets of
 * their own meaning: available copies ({@link CopyPropagation}), available steps
 * ({@link RecomputeValues}).
 */
final class AvailableSets {
    private AvailableSets() {}

    /**
     * The bits set at the start of each block, for {@code width} bits: {@code statement} moves
     * them over a statement; a terminator's writes (an await's or a child poll's result) go to
     * {@code kill} with the local written.
     */
    static BitSet[] solve(MirFn fn, int width, BiConsumer<Statement, BitSet> statement, BiConsumer<mote.mir.Local, BitSet> kill) {
        int n = fn.blocks().size();
        if (width == 0) {
            BitSet[] none = new BitSet[n];
            for (int i = 0; i < n; i++) none[i] = new BitSet();
            return none;
        }
        List<List<Integer>> preds = new ArrayList<>();
        for (int i = 0; i < n; i++) preds.add(new ArrayList<>());
        for (int i = 0; i < n; i++)
            for (BlockId s : fn.blocks().get(i).terminator().successors()) preds.get(s.index()).add(i);
        BitSet all = new BitSet();
        all.set(0, width);
        BitSet[] in = new BitSet[n], out = new BitSet[n];
        for (int i = 0; i < n; i++) { in[i] = i == 0 ? new BitSet() : (BitSet) all.clone(); out[i] = (BitSet) all.clone(); }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int i = 0; i < n; i++) {
                BitSet entry = new BitSet();   // the entry, and a block nothing reaches: nothing is available
                if (i != 0 && !preds.get(i).isEmpty()) {
                    entry = (BitSet) all.clone();
                    for (int p : preds.get(i)) entry.and(out[p]);
                }
                BitSet cur = (BitSet) entry.clone();
                BasicBlock b = fn.blocks().get(i);
                for (Statement s : b.statements()) statement.accept(s, cur);
                Terminator t = b.terminator();
                if (t instanceof Terminator.Await a) kill.accept(a.dest(), cur);
                if (t instanceof Terminator.PollChild pc) kill.accept(pc.dest(), cur);
                if (!entry.equals(in[i]) || !cur.equals(out[i])) { in[i] = entry; out[i] = cur; changed = true; }
            }
        }
        return in;
    }
}

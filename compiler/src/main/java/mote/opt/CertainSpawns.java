package mote.opt;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mote.mir.BasicBlock;
import mote.mir.BlockId;
import mote.mir.Local;
import mote.mir.MirFn;
import mote.mir.MirProgram;
import mote.mir.Operand;
import mote.mir.Rvalue;
import mote.mir.Statement;
import mote.mir.Terminator;

/**
 * Marks the `spawn`s that cannot fail and drops their "task pool exhausted" check. A task's spawns cannot
 * exhaust its pool when every one of them is in the program's entry function (which runs
 * once), none is on a loop, and there are no more of them than the pool has instances: each
 * spawn then finds a free instance. (The entry runs once because nothing may call `main`,
 * error E0404, and the executor starts it once; a test image's entry is its own.) A firmware's `main` that starts its tasks one by one is
 * the common case; the whole program is needed to know no other function spawns the task.
 *
 * Not one of the switchable async optimizations: it runs under every `--opt` (after
 * inlining, when that is on, so spawns inlined into the entry count as the entry's).
 */
public final class CertainSpawns {
    private CertainSpawns() {}

    public static MirProgram run(MirProgram program) {
        Set<String> certain = certainTasks(program);
        if (certain.isEmpty()) return program;
        List<MirFn> out = new ArrayList<>();
        for (MirFn f : program.functions()) out.add(f.name().equals(program.mainFunction()) ? dropChecks(f, certain) : f);
        return program.withFunctions(out);
    }

    /** The tasks whose every spawn is certain to find a free instance. */
    static Set<String> certainTasks(MirProgram program) {
        Map<String, Integer> pools = new HashMap<>();
        for (MirProgram.Task t : program.tasks()) pools.put(t.function(), t.poolSize());
        Map<String, Integer> onceInEntry = new HashMap<>();
        Set<String> disqualified = new HashSet<>();
        for (MirFn f : program.functions()) {
            boolean entry = f.name().equals(program.mainFunction());
            for (int i = 0; i < f.blocks().size(); i++) {
                for (Statement s : f.blocks().get(i).statements()) {
                    if (!(s instanceof Statement.Assign a && a.value() instanceof Rvalue.Spawn sp)) continue;
                    if (entry && !onCycle(f, i)) onceInEntry.merge(sp.task(), 1, Integer::sum);
                    else disqualified.add(sp.task());
                }
            }
        }
        Set<String> certain = new HashSet<>();
        for (var e : onceInEntry.entrySet())
            if (!disqualified.contains(e.getKey()) && e.getValue() <= pools.getOrDefault(e.getKey(), 0)) certain.add(e.getKey());
        return certain;
    }

    private static MirFn dropChecks(MirFn fn, Set<String> certain) {
        List<BasicBlock> blocks = new ArrayList<>();
        for (BasicBlock b : fn.blocks()) {
            List<Statement> statements = new ArrayList<>();
            for (Statement s : b.statements()) {
                if (s instanceof Statement.Assign a && a.value() instanceof Rvalue.Spawn sp && certain.contains(sp.task()))
                    s = new Statement.Assign(a.dest(), new Rvalue.Spawn(sp.task(), sp.args(), true));
                statements.add(s);
            }
            Terminator t = b.terminator();
            if (t instanceof Terminator.Assert check && check.cond() instanceof Operand.Copy c && spawnedBy(b, c.local(), certain))
                t = new Terminator.Goto(check.target());
            blocks.add(new BasicBlock(statements, t));
        }
        return new MirFn(fn.name(), fn.isAsync(), fn.params(), fn.returnLocal(), fn.returnType(), fn.locals(), blocks, fn.span(), fn.interrupt());
    }

    /** Whether the last write of {@code claimed} in the block is a spawn of a certain task. */
    private static boolean spawnedBy(BasicBlock b, Local claimed, Set<String> certain) {
        for (int k = b.statements().size() - 1; k >= 0; k--) {
            if (b.statements().get(k) instanceof Statement.Assign a && a.dest().equals(claimed))
                return a.value() instanceof Rvalue.Spawn sp && certain.contains(sp.task());
        }
        return false;
    }

    /** Whether the block can be reached again from itself: then it may run more than once. */
    private static boolean onCycle(MirFn fn, int start) {
        boolean[] seen = new boolean[fn.blocks().size()];
        Deque<Integer> work = new ArrayDeque<>();
        for (BlockId s : fn.blocks().get(start).terminator().successors()) work.push(s.index());
        while (!work.isEmpty()) {
            int b = work.pop();
            if (b == start) return true;
            if (seen[b]) continue;
            seen[b] = true;
            for (BlockId s : fn.blocks().get(b).terminator().successors()) work.push(s.index());
        }
        return false;
    }
}

package mote.opt;

import java.util.ArrayList;
import java.util.List;
import mote.mir.BasicBlock;
import mote.mir.BlockId;
import mote.mir.MirFn;
import mote.mir.MirProgram;
import mote.mir.ProgramRanges;
import mote.mir.Terminator;
import mote.mir.ValueRanges;

/**
 * Drops the checks the whole program proves always pass: a bounds check (or any assert) whose
 * comparison holds for every value its operands can have, by the intervals of
 * {@link ProgramRanges}. What LLVM cannot see and Mote can: a struct field bounded wherever it
 * is written (`line.len <= 24`, so `line.buf[i]` under `i < line.len` is in bounds), a
 * parameter bounded at every call, a bound tested on one read of a field holding at the next.
 * And what LLVM cannot see across an await: a poll reloads every value from the state object,
 * so a loop counter bounded before a `yield_now().await` is unknown after it. A check LLVM can
 * prove from what it sees is left to it ({@link ValueRanges#computeAsLlvmSees}): taken out
 * before LLVM, the loop around it can come out differently, larger as often as not. The ones
 * only this pass proves save their compare, their panic call and their row of the panic-site
 * table (bench/firmware.mote: 88 bytes).
 *
 * <p>Not an async optimization, so not switchable: as LLVM's own, a check removed is one that
 * can never fail. Not in debug builds, which keep every check as written, so that a program
 * behaving oddly can be built with `--debug` to see every check fire.
 */
public final class ProvenChecks {
    private ProvenChecks() {}

    public static MirProgram run(MirProgram program, boolean debug) {
        if (debug || program.functions().stream().noneMatch(ProvenChecks::hasChecks)) return program;   // nothing to prove: no facts solved
        ProgramRanges facts = ProgramRanges.of(program);
        List<MirFn> out = new ArrayList<>();
        boolean changed = false;
        for (MirFn f : program.functions()) {
            MirFn g = withoutProvenChecks(f, facts);
            changed |= g != f;
            out.add(g);
        }
        return changed ? program.withFunctions(out) : program;
    }

    private static boolean hasChecks(MirFn fn) {
        return fn.blocks().stream().anyMatch(b -> b.terminator() instanceof Terminator.Assert);
    }

    private static MirFn withoutProvenChecks(MirFn fn, ProgramRanges facts) {
        if (!hasChecks(fn)) return fn;
        ValueRanges ranges = facts.ranges(fn), alone = null;
        List<BasicBlock> blocks = new ArrayList<>(fn.blocks());
        java.util.Set<Integer> proven = new java.util.HashSet<>();
        List<Integer> unproven = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++)
            if (blocks.get(i).terminator() instanceof Terminator.Assert && ranges.reached(new BlockId(i)))
                (ranges.alwaysTrue(new BlockId(i)) ? proven : unproven).add(i);
        proven.addAll(CheckCases.proven(fn, unproven, facts));
        boolean changed = false;
        for (int i = 0; i < blocks.size(); i++) {
            BasicBlock b = blocks.get(i);
            if (!(b.terminator() instanceof Terminator.Assert a) || !proven.contains(i)) continue;
            // What LLVM can see for itself it proves too, and removes in its own time: taken
            // out here, the loop around it can come out differently (larger, as often as not).
            if (alone == null) alone = ValueRanges.computeAsLlvmSees(fn);
            if (alone.alwaysTrue(new BlockId(i))) continue;
            blocks.set(i, new BasicBlock(b.statements(), new Terminator.Goto(a.target())));
            changed = true;
        }
        if (!changed) return fn;
        return new MirFn(fn.name(), fn.isAsync(), fn.params(), fn.returnLocal(), fn.returnType(), fn.locals(), blocks, fn.span(), fn.interrupt());
    }
}

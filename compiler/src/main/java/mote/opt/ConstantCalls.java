package mote.opt;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mote.mir.BasicBlock;
import mote.mir.Local;
import mote.mir.MirFn;
import mote.mir.MirProgram;
import mote.mir.Operand;
import mote.mir.Rvalue;
import mote.mir.Statement;
import mote.mir.Terminator;

/**
 * A call of a sync fn that only returns a constant (a number, or a string literal: `fn script()
 * -> &[u8] { "..." }`, a table's name, a configuration value) is that constant in an async fn's
 * MIR. LLVM would inline it anyway, but only after the state layout is fixed: left a call, its
 * result is a value like any other and is saved across the awaits that follow, where a constant
 * is read again instead (copy propagation for numbers, {@link Rematerialize} for strings).
 * bench/firmware.mote's uart_rx then keeps its script's index alone, not also the slice.
 *
 * <p>Part of overlap-layout, not in debug builds (where a step into the call stops there), like
 * the passes it feeds; the baseline calls, as rustc's generator lowering does.
 */
public final class ConstantCalls {
    private ConstantCalls() {}

    public static MirProgram run(MirProgram program, Set<Optimization> opts, boolean debug) {
        if (!CopyPropagation.applies(opts, debug)) return program;
        Map<String, Rvalue> constant = new HashMap<>();
        for (MirFn f : program.functions()) {
            Rvalue v = f.isAsync() || f.interrupt() != null ? null : constantResult(f);
            if (v != null) constant.put(f.name(), v);
        }
        if (constant.isEmpty()) return program;
        List<MirFn> out = new ArrayList<>();
        for (MirFn f : program.functions()) out.add(f.isAsync() ? replaceCalls(f, constant) : f);
        return program.withFunctions(out);
    }

    /**
     * The constant {@code f} returns when its body is one block of constant assignments (and
     * line markers) ending in a return; null otherwise. Its parameters are never read then.
     */
    static Rvalue constantResult(MirFn f) {
        if (f.blocks().size() != 1 || !(f.blocks().get(0).terminator() instanceof Terminator.Return)) return null;
        Map<Local, Rvalue> values = new HashMap<>();
        for (Statement s : f.blocks().get(0).statements()) {
            if (s instanceof Statement.Line) continue;
            if (!(s instanceof Statement.Assign a)) return null;
            Rvalue v = a.value();
            if (v instanceof Rvalue.Use u && u.operand() instanceof Operand.Copy c) v = values.get(c.local());
            if (!(v instanceof Rvalue.Str || v instanceof Rvalue.Use u2 && u2.operand() instanceof Operand.Const)) return null;
            values.put(a.dest(), v);
        }
        return values.get(f.returnLocal());
    }

    private static MirFn replaceCalls(MirFn f, Map<String, Rvalue> constant) {
        List<BasicBlock> blocks = new ArrayList<>(f.blocks().size());
        boolean changed = false;
        for (BasicBlock b : f.blocks()) {
            List<Statement> stmts = new ArrayList<>(b.statements().size());
            for (Statement s : b.statements()) {
                if (s instanceof Statement.Assign a && a.value() instanceof Rvalue.Call c && constant.containsKey(c.function())) {
                    stmts.add(new Statement.Assign(a.dest(), constant.get(c.function())));
                    changed = true;
                } else {
                    stmts.add(s);
                }
            }
            blocks.add(new BasicBlock(stmts, b.terminator()));
        }
        if (!changed) return f;
        return new MirFn(f.name(), f.isAsync(), f.params(), f.returnLocal(), f.returnType(), f.locals(), blocks, f.span(), f.interrupt());
    }
}

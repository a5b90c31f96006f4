package mote.mir;

import java.util.List;
import mote.diag.Span;
import mote.types.Type;

/**
 * One function as a control-flow graph. {@code params} are the first locals; the result is
 * left in {@code returnLocal} by every Return. Block 0 is the entry. {@code interrupt} is the
 * board IRQ name when the fn is the handler of `interrupt NAME()`, else null.
 */
public record MirFn(String name, boolean isAsync, List<Local> params, Local returnLocal, Type returnType,
                    List<LocalDecl> locals, List<BasicBlock> blocks, Span span, String interrupt) {
    public MirFn {
        params = List.copyOf(params);
        locals = List.copyOf(locals);
        blocks = List.copyOf(blocks);
    }

    /** A fn that is not an interrupt handler. */
    public MirFn(String name, boolean isAsync, List<Local> params, Local returnLocal, Type returnType,
                 List<LocalDecl> locals, List<BasicBlock> blocks, Span span) {
        this(name, isAsync, params, returnLocal, returnType, locals, blocks, span, null);
    }

    public LocalDecl decl(Local l) { return locals.get(l.index()); }
    public Type typeOf(Local l) { return locals.get(l.index()).type(); }
    public BasicBlock block(BlockId id) { return blocks.get(id.index()); }

    public Type typeOf(Operand op) {
        if (op instanceof Operand.Copy c) return typeOf(c.local());
        if (op instanceof Operand.Const k) return k.type();
        throw new IllegalStateException("unhandled operand " + op.getClass().getSimpleName());
    }
}

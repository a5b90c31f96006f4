package mote.mir;

/** Rewrites block ids in terminators, for passes that drop or reorder blocks. */
final class Renumber {
    private Renumber() {}

    static Terminator terminator(Terminator t, int[] map) {
        if (t instanceof Terminator.Goto g) return new Terminator.Goto(id(g.target(), map));
        if (t instanceof Terminator.If i) return new Terminator.If(i.cond(), id(i.then(), map), id(i.otherwise(), map));
        if (t instanceof Terminator.Switch s)
            return new Terminator.Switch(s.value(), s.values(), s.targets().stream().map(b -> id(b, map)).toList(), id(s.otherwise(), map));
        if (t instanceof Terminator.Await a) return new Terminator.Await(a.callee(), a.args(), a.dest(), id(a.resume(), map), a.span(), a.held());
        if (t instanceof Terminator.Assert a) return new Terminator.Assert(a.cond(), a.message(), a.span(), id(a.target(), map));
        if (t instanceof Terminator.PollChild c) return new Terminator.PollChild(c.callee(), c.args(), c.start(), c.dest(),
                id(c.ready(), map), id(c.pending(), map), c.child(), c.span());
        if (t instanceof Terminator.Suspend su) return new Terminator.Suspend(id(su.resume(), map), su.waits(), su.held());
        if (t instanceof Terminator.CancelChild cc) return new Terminator.CancelChild(cc.callee(), cc.child(), id(cc.next(), map));
        if (t instanceof Terminator.Return || t instanceof Terminator.Panic || t instanceof Terminator.Exit
                || t instanceof Terminator.Unreachable) return t;   // jump nowhere
        throw new IllegalStateException("unhandled terminator " + t.getClass().getSimpleName());
    }

    private static BlockId id(BlockId b, int[] map) {
        int n = map[b.index()];
        if (n < 0) throw new IllegalStateException("jump to a removed block " + b);
        return new BlockId(n);
    }
}

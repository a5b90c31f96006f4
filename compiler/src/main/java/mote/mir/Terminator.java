package mote.mir;

import java.util.List;
import java.util.stream.Collectors;
import mote.diag.Span;

/** How a basic block ends. */
public sealed interface Terminator {
    /** Blocks control may pass to. */
    List<BlockId> successors();

    record Goto(BlockId target) implements Terminator {
        public List<BlockId> successors() { return List.of(target); }
        @Override public String toString() { return "goto -> " + target; }
    }

    record If(Operand cond, BlockId then, BlockId otherwise) implements Terminator {
        public List<BlockId> successors() { return List.of(then, otherwise); }
        @Override public String toString() { return "if " + cond + " -> [true: " + then + ", false: " + otherwise + "]"; }
    }

    /** Jumps to the target of the first value equal to {@code value}, else to {@code otherwise}. */
    record Switch(Operand value, List<Long> values, List<BlockId> targets, BlockId otherwise) implements Terminator {
        public Switch { values = List.copyOf(values); targets = List.copyOf(targets); }
        public List<BlockId> successors() {
            List<BlockId> all = new java.util.ArrayList<>(targets);
            all.add(otherwise);
            return all;
        }
        @Override public String toString() {
            StringBuilder sb = new StringBuilder("switch " + value + " -> [");
            for (int i = 0; i < values.size(); i++) sb.append(values.get(i)).append(": ").append(targets.get(i)).append(", ");
            return sb.append("otherwise: ").append(otherwise).append("]").toString();
        }
    }

    /** Returns the value in the function's return local. */
    record Return() implements Terminator {
        public List<BlockId> successors() { return List.of(); }
        @Override public String toString() { return "return"; }
    }

    /**
     * `callee(args).await`: the suspension point the async lowering turns into a state. The
     * result is written to {@code dest} and control continues at {@code resume}.
     */
    /**
     * {@code held}: pointers to the Mutexes held at this await (`lock` blocks around it), which
     * cancelling the fn here releases; saved across the await whether or not the code after
     * it reads them.
     */
    record Await(Callee callee, List<Operand> args, Local dest, BlockId resume, Span span, List<Local> held) implements Terminator {
        public Await { args = List.copyOf(args); held = List.copyOf(held); }
        public Await(Callee callee, List<Operand> args, Local dest, BlockId resume, Span span) {
            this(callee, args, dest, resume, span, List.of());
        }
        public Await withHeld(List<Local> held) { return new Await(callee, args, dest, resume, span, held); }
        public List<BlockId> successors() { return List.of(resume); }
        @Override public String toString() {
            return dest + " = await " + callee + "(" + args.stream().map(Object::toString).collect(Collectors.joining(", ")) + ") -> " + resume
                    + (held.isEmpty() ? "" : " holding " + held);
        }
    }

    /** Continues at {@code target} when {@code cond} is true, else panics with the message. */
    record Assert(Operand cond, List<PrintItem> message, Span span, BlockId target) implements Terminator {
        public Assert { message = List.copyOf(message); }
        public List<BlockId> successors() { return List.of(target); }
        @Override public String toString() {
            return "assert(" + cond + ", " + message.stream().map(Object::toString).collect(Collectors.joining(" ")) + ") -> " + target;
        }
    }

    /** `panic: <message> at <span>`. */
    record Panic(List<PrintItem> message, Span span) implements Terminator {
        public Panic { message = List.copyOf(message); }
        public List<BlockId> successors() { return List.of(); }
        @Override public String toString() {
            return "panic(" + message.stream().map(Object::toString).collect(Collectors.joining(" ")) + ")";
        }
    }

    /** `exit(code)`: ends the whole program. */
    record Exit(Operand code) implements Terminator {
        public List<BlockId> successors() { return List.of(); }
        @Override public String toString() { return "exit(" + code + ")"; }
    }

    record Unreachable() implements Terminator {
        public List<BlockId> successors() { return List.of(); }
        @Override public String toString() { return "unreachable"; }
    }

    /**
     * A poll of child future {@code child} of a `join`/`race` branch, without suspending the
     * function: Ready continues at {@code ready} with the result in {@code dest}, Pending at
     * {@code pending}. {@code start}: the first poll, which creates the child from {@code args}.
     * The child's storage is its own slot of the state object, alive until it is ready or cancelled.
     */
    record PollChild(Callee callee, List<Operand> args, boolean start, Local dest, BlockId ready, BlockId pending,
                     int child, Span span) implements Terminator {
        public PollChild { args = List.copyOf(args); }
        public List<BlockId> successors() { return List.of(ready, pending); }
        @Override public String toString() {
            return dest + " = poll child" + child + (start ? " start " : " ") + callee + "("
                    + args.stream().map(Object::toString).collect(Collectors.joining(", ")) + ") -> [ready: " + ready + ", pending: " + pending + "]";
        }
    }

    /**
     * Suspends the whole function while the children of a `join`/`race` are pending; resumes
     * at {@code resume}. {@code waits} says, per child, how to find what it waits on, so that
     * cancelling the function here can abandon it.
     */
    /** {@code held}: the Mutexes held around the `join`/`race` (a cancel here releases them after its children). */
    record Suspend(BlockId resume, List<ChildWait> waits, List<Local> held) implements Terminator {
        public Suspend { waits = List.copyOf(waits); held = List.copyOf(held); }
        public Suspend(BlockId resume, List<ChildWait> waits) { this(resume, waits, List.of()); }
        public List<BlockId> successors() { return List.of(resume); }
        public List<Integer> children() { return waits.stream().map(ChildWait::child).toList(); }
        @Override public String toString() {
            return "suspend children [" + waits.stream().map(ChildWait::toString).collect(Collectors.joining(", ")) + "] -> " + resume
                    + (held.isEmpty() ? "" : " holding " + held);
        }
    }

    /**
     * Child {@code child} of a `join`/`race` branch is waiting when {@code started} and not
     * {@code done}; it then waits on the future of {@code sites.get(pc)}. A null site is a
     * `join`/`race` nested in the branch: its own children have waits of their own. A branch
     * without awaits has no sites and never waits.
     *
     * <p>{@code group} is the first child of the `join`/`race` this branch belongs to, and
     * {@code parent} the child whose branch that `join`/`race` is nested in (-1: the outermost
     * one). Branches of one group run at once; groups nested in one branch run one after
     * another, so their children may share bytes (AsyncLowering's child layout).
     */
    /**
     * {@code held}, per site: the Mutexes the branch itself holds there (its `lock` blocks
     * around the site), released when the branch is abandoned; empty lists when it holds none.
     */
    record ChildWait(int child, Local started, Local done, Local pc, List<Callee> sites, int parent, int group, List<List<Local>> held) {
        public ChildWait {
            sites = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(sites));
            held = held.stream().map(List::copyOf).toList();
        }
        public ChildWait(int child, Local started, Local done, Local pc, List<Callee> sites, int parent, int group) {
            this(child, started, done, pc, sites, parent, group, sites.stream().map(s -> List.<Local>of()).toList());
        }
        /** A branch of a fn's first outermost `join`/`race` (children numbered from 0). */
        public ChildWait(int child, Local started, Local done, Local pc, List<Callee> sites) {
            this(child, started, done, pc, sites, -1, 0);
        }
        public ChildWait renumbered(int base) {
            return new ChildWait(child + base, started, done, pc, sites, parent < 0 ? parent : parent + base, group + base, held);
        }
        public ChildWait mapLocals(java.util.function.UnaryOperator<Local> locals) {
            return new ChildWait(child, locals.apply(started), locals.apply(done), locals.apply(pc), sites, parent, group,
                    held.stream().map(h -> h.stream().map(locals).toList()).toList());
        }
        /** Every Mutex pointer some site holds. */
        public List<Local> allHeld() { return held.stream().flatMap(List::stream).distinct().toList(); }
        /** The child and the flags a cancel reads while the fn waits (the printer shows every local a terminator reads). */
        @Override public String toString() {
            return child + " (started " + started + ", done " + done + ", pc " + pc
                    + (parent >= 0 ? "; group " + group + " in " + parent : "")
                    + (allHeld().isEmpty() ? "" : "; holding " + held) + ")";
        }
    }

    /** Abandons pending child {@code child} (a losing `race` branch): deregisters what it waits on. */
    record CancelChild(Callee callee, int child, BlockId next) implements Terminator {
        public List<BlockId> successors() { return List.of(next); }
        @Override public String toString() { return "cancel child" + child + " " + callee + " -> " + next; }
    }
}

package mote.mir;

import java.util.ArrayList;
import java.util.List;
import mote.ast.Expr;
import mote.diag.Span;
import mote.types.Symbol;
import mote.types.Type;
import mote.types.TypedProgram;

/**
 * `join` and `race` inside an async fn, and the suspension of an await (which inside a branch is
 * a first poll of the branch's child rather than an Await): branches interleaved by a dispatcher,
 * each with its child slot, started/done flags and pc of where it waits; one Suspend when every
 * unfinished branch is pending; a race cancelling the losers' children. See {@code lowerBranches}.
 * Also `lock M as s { }`, an await on M: the Mutexes held at each suspension are listed there,
 * so a race abandoning a branch (or a cancel of the fn) releases those the branch holds.
 *
 * Separate because it is the one part of MIR building that shapes control flow for the async
 * lowering that follows; its tests are in JoinLoweringTest and LockLoweringTest.
 */
abstract sealed class JoinRaceLowering extends MatchLowering permits MirBuilder.FnBuilder {
    JoinRaceLowering(TypedProgram program, Symbol.Fn fn, boolean debug, boolean lineMarks) { super(program, fn, debug, lineMarks); }

    /**
     * Waits for {@code callee}: an Await (a suspension point of this fn), or inside a
     * `join`/`race` branch a first poll of the branch's child that, when pending, goes back
     * to the branch dispatcher instead of suspending.
     */
    Operand suspendOn(Callee callee, List<Operand> args, Type result, Span span) {
        Local dest = temp(result);
        BlockId resume = newBlock();
        if (branch == null) {
            terminate(new Terminator.Await(callee, args, dest, resume, span, locks));
        } else {
            BlockId pending = newBlock();
            terminate(new Terminator.PollChild(callee, args, true, dest, resume, pending, branch.child, span));
            int site = branch.sites.size();
            if (site > MAX_BRANCH_SITES) throw tooManySites(span);
            branch.sites.add(new ChildSite(callee, dest, resume, span, branchLocks()));
            current = pending;
            assign(branch.pc, new Rvalue.Use(constant(Type.U8, site)));
            terminate(new Terminator.Goto(branch.next));
        }
        current = resume;
        return Operand.of(dest);
    }

    /** A branch's position is one byte of state: sites 0..255. */
    static final int MAX_BRANCH_SITES = 255;

    /** E0425 at the await past the limit: a compile error with the source line, as the checker's. */
    static mote.diag.CompileError tooManySites(Span span) {
        mote.diag.Diagnostics diags = new mote.diag.Diagnostics();
        diags.error("E0425", span, "a `join`/`race` branch may wait in at most " + (MAX_BRANCH_SITES + 1) + " places, and this is one more",
                "move part of the branch into an async fn and await that");
        return new mote.diag.CompileError(diags);
    }

    /** Where a branch can be waiting: on its child future, or in a `join`/`race` nested in it. */
    sealed interface Site permits ChildSite, NestedSite {}

    /**
     * An await inside a branch: what a later poll of the branch's child needs. {@code held}:
     * the Mutexes the branch holds there, which abandoning the branch releases.
     */
    record ChildSite(Callee callee, Local dest, BlockId ready, Span span, List<Local> held) implements Site {}

    /** A `join`/`race` inside a branch: a later poll re-enters its dispatcher. */
    record NestedSite(BlockId dispatcher, List<BranchInfo> branches, List<Local> held) implements Site {}

    /** The Mutexes the current branch took itself (not those held around its `join`/`race`). */
    List<Local> branchLocks() {
        return List.copyOf(locks.subList(branch.locksBefore, locks.size()));
    }

    /** One lowered branch: its child slot, whether it started or ended, where it waits. */
    record BranchInfo(int child, Local started, Local done, Local pc, List<Site> sites, int parent, int group) {
        Terminator.ChildWait childWait() {
            List<Callee> callees = new ArrayList<>();
            List<List<Local>> held = new ArrayList<>();
            for (Site s : sites) {
                callees.add(s instanceof ChildSite c ? c.callee() : null);
                held.add(s instanceof ChildSite c ? c.held() : ((NestedSite) s).held());
            }
            return new Terminator.ChildWait(child, started, done, pc, callees, parent, group, held);
        }
    }

    /** The `join`/`race` branch being lowered: its child slot, where it is (pc), where pending goes. */
    static final class Branch {
        final int child;
        final Local pc;
        final BlockId next;
        final List<Site> sites = new ArrayList<>();
        /** How many Mutexes were held where the branch's `join`/`race` started. */
        final int locksBefore;
        Branch(int child, Local pc, BlockId next, int locksBefore) {
            this.child = child; this.pc = pc; this.next = next; this.locksBefore = locksBefore;
        }
    }

    Branch branch;
    int nextChild;
    /**
     * While an outermost `join`/`race` is lowered: the flags of the ones nested in it, cleared
     * where the outermost one starts (a cancel must see "not started" before they run), and
     * their children's waits, which its Suspend holds.
     */
    List<Statement> nestedInits;
    List<Terminator.ChildWait> nestedWaits;

    /**
     * `join` / `race`: the branches run inside this fn, interleaved by a dispatcher. Each
     * branch runs until its next await is pending (remembering which: pc) or it ends; when
     * every unfinished branch is pending the fn suspends once, with all branch children in
     * its state; on resume the dispatcher polls each pending child and continues its branch
     * when it is ready. A join ends when every branch has ended; a race when the first one
     * does, after cancelling the children of the others (so a timer, channel or signal they
     * wait on forgets them).
     *
     * Nested in a branch of another one, a join/race does not suspend: when all its branches
     * are pending, the enclosing branch is pending at it, and re-polling that branch re-enters
     * its dispatcher. Its children live beside the outer ones in the outermost Suspend.
     */
    /** {@code results}: where each branch's value goes (null: the branches have none). */
    void lowerBranches(List<Expr.Block> branchBlocks, boolean race, Span span, List<Local> results) {
        int n = branchBlocks.size();
        Branch outer = branch;
        boolean outermost = outer == null;
        if (outermost) {
            nestedInits = new ArrayList<>();
            nestedWaits = new ArrayList<>();
        }
        BlockId initBlock = current;
        int initAt = this.blocks.get(current.index()).statements.size();
        List<Local> pcs = new ArrayList<>(), started = new ArrayList<>(), done = new ArrayList<>();
        List<Integer> children = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pcs.add(temp(Type.U8));   // a branch position: one byte of state (at most 255 awaits a branch)
            started.add(temp(Type.BOOL));
            done.add(temp(Type.BOOL));
            children.add(nextChild++);
            assign(pcs.get(i), new Rvalue.Use(constant(Type.U8, 0)));
            assign(started.get(i), new Rvalue.Use(constant(Type.BOOL, 0)));
            assign(done.get(i), new Rvalue.Use(constant(Type.BOOL, 0)));
            if (!outermost) {
                nestedInits.add(new Statement.Assign(pcs.get(i), new Rvalue.Use(constant(Type.U8, 0))));
                nestedInits.add(new Statement.Assign(started.get(i), new Rvalue.Use(constant(Type.BOOL, 0))));
                nestedInits.add(new Statement.Assign(done.get(i), new Rvalue.Use(constant(Type.BOOL, 0))));
            }
        }
        List<BlockId> dispatch = new ArrayList<>();
        for (int i = 0; i <= n; i++) dispatch.add(newBlock());
        BlockId exit = newBlock();
        terminate(new Terminator.Goto(dispatch.get(0)));
        List<List<Site>> sites = new ArrayList<>();
        List<BlockId> starts = new ArrayList<>(), wins = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            BlockId start = newBlock();
            starts.add(start);
            current = start;
            branch = new Branch(children.get(i), pcs.get(i), dispatch.get(i + 1), locks.size());
            Operand value = lower(branchBlocks.get(i));
            if (results != null && !(typeOf(branchBlocks.get(i)) instanceof Type.Never))
                assign(results.get(i), new Rvalue.Use(value));
            sites.add(branch.sites);
            branch = outer;
            assign(done.get(i), new Rvalue.Use(constant(Type.BOOL, 1)));
            BlockId after = race ? newBlock() : dispatch.get(i + 1);
            wins.add(after);
            terminate(new Terminator.Goto(after));
        }
        List<BranchInfo> infos = new ArrayList<>();
        for (int i = 0; i < n; i++)
            infos.add(new BranchInfo(children.get(i), started.get(i), done.get(i), pcs.get(i), sites.get(i),
                    outermost ? -1 : outer.child, children.get(0)));
        for (int i = 0; i < n; i++) {
            // dispatch i: skip a finished branch, start a new one, or poll where it waits.
            current = dispatch.get(i);
            BlockId notDone = newBlock(), firstRun = newBlock(), repoll = newBlock();
            terminate(new Terminator.If(Operand.of(done.get(i)), dispatch.get(i + 1), notDone));
            current = notDone;
            terminate(new Terminator.If(Operand.of(started.get(i)), repoll, firstRun));
            current = firstRun;
            assign(started.get(i), new Rvalue.Use(constant(Type.BOOL, 1)));
            terminate(new Terminator.Goto(starts.get(i)));
            current = repoll;
            List<Site> branchSites = sites.get(i);
            if (branchSites.isEmpty()) {
                terminate(new Terminator.Unreachable());   // a branch without awaits never pends
                continue;
            }
            List<Long> values = new ArrayList<>();
            List<BlockId> targets = new ArrayList<>();
            for (int k = 0; k < branchSites.size(); k++) {
                values.add((long) k);
                if (branchSites.get(k) instanceof NestedSite nested) {
                    targets.add(nested.dispatcher());
                    continue;
                }
                ChildSite site = (ChildSite) branchSites.get(k);
                BlockId poll = newBlock();
                targets.add(poll);
                terminateBlock(poll, new Terminator.PollChild(site.callee(), List.of(), false, site.dest(), site.ready(),
                        dispatch.get(i + 1), children.get(i), site.span()));
            }
            BlockId bad = newBlock();
            terminateBlock(bad, new Terminator.Unreachable());
            terminate(new Terminator.Switch(Operand.of(pcs.get(i)), values, targets, bad));
        }
        // After the last branch: done (join: all ended), else wait until a child wakes us.
        current = dispatch.get(n);
        BlockId suspend = newBlock();
        if (race) {
            terminate(new Terminator.Goto(suspend));
        } else {
            Operand all = Operand.of(done.get(0));
            for (int i = 1; i < n; i++) {
                Local both = temp(Type.BOOL);
                assign(both, new Rvalue.Binary(BinOp.BIT_AND, all, Operand.of(done.get(i))));
                all = Operand.of(both);
            }
            terminate(new Terminator.If(all, exit, suspend));
        }
        current = suspend;
        List<Terminator.ChildWait> waits = new ArrayList<>();
        for (BranchInfo b : infos) waits.add(b.childWait());
        if (outermost) {
            waits.addAll(nestedWaits);
            terminate(new Terminator.Suspend(dispatch.get(0), waits, locks));
            // A nested join/race's flags start cleared here, before any of it can run.
            this.blocks.get(initBlock.index()).statements.addAll(initAt, nestedInits);
            nestedInits = null;
            nestedWaits = null;
        } else {
            nestedWaits.addAll(waits);
            int site = outer.sites.size();
            if (site > MAX_BRANCH_SITES) throw tooManySites(span);
            outer.sites.add(new NestedSite(dispatch.get(0), infos, List.copyOf(locks.subList(outer.locksBefore, locks.size()))));
            assign(outer.pc, new Rvalue.Use(constant(Type.U8, site)));
            terminate(new Terminator.Goto(outer.next));
        }
        if (race) {
            // The winner cancels every other branch that is waiting (started, not ended).
            for (int i = 0; i < n; i++) {
                current = wins.get(i);
                for (int j = 0; j < n; j++) if (j != i) cancelBranch(infos.get(j));
                terminate(new Terminator.Goto(exit));
            }
        }
        current = exit;
    }

    /**
     * Where {@code current} is: if the branch is waiting (started, not ended), abandons what
     * it waits on (its child, or every waiting branch of the join/race nested where it
     * waits) and marks it ended, so a later cancel of this fn does not abandon it twice.
     */
    void cancelBranch(BranchInfo b) {
        if (b.sites().isEmpty()) return;
        Local waiting = temp(Type.BOOL), notDone = temp(Type.BOOL);
        assign(notDone, new Rvalue.Unary(UnOp.NOT, Operand.of(b.done())));
        assign(waiting, new Rvalue.Binary(BinOp.BIT_AND, Operand.of(b.started()), Operand.of(notDone)));
        BlockId cancel = newBlock(), cancelled = newBlock(), next = newBlock();
        terminate(new Terminator.If(Operand.of(waiting), cancel, next));
        current = cancel;
        List<Long> values = new ArrayList<>();
        List<BlockId> targets = new ArrayList<>();
        BlockId saved = current;
        for (int k = 0; k < b.sites().size(); k++) {
            BlockId c = newBlock();
            values.add((long) k);
            targets.add(c);
            current = c;
            if (b.sites().get(k) instanceof ChildSite site && site.held().isEmpty()) {
                terminate(new Terminator.CancelChild(site.callee(), b.child(), cancelled));
                continue;
            }
            if (b.sites().get(k) instanceof ChildSite site) {
                BlockId release = newBlock();
                terminate(new Terminator.CancelChild(site.callee(), b.child(), release));
                current = release;
                unlockAll(site.held());
            } else {
                NestedSite nested = (NestedSite) b.sites().get(k);
                for (BranchInfo inner : nested.branches()) cancelBranch(inner);
                unlockAll(nested.held());
            }
            terminate(new Terminator.Goto(cancelled));
        }
        current = saved;
        BlockId bad = newBlock();
        terminateBlock(bad, new Terminator.Unreachable());
        terminate(new Terminator.Switch(Operand.of(b.pc()), values, targets, bad));
        current = cancelled;
        assign(b.done(), new Rvalue.Use(constant(Type.BOOL, 1)));
        terminate(new Terminator.Goto(next));
        current = next;
    }

    /** Releases the Mutexes an abandoned branch holds, innermost first (as its blocks would end). */
    void unlockAll(List<Local> held) {
        for (int i = held.size() - 1; i >= 0; i--) emit(new Statement.Unlock(Operand.of(held.get(i))));
    }

    /**
     * `lock M as s { body }`: waits for M (an await: at once when M is free), then runs the
     * body with `s` pointing at M's value. Every way out releases M: the block's end, and
     * a break, continue, return or `?` (scopeExits); every suspension inside lists M as held,
     * so that a `race` abandoning the block, or a cancel of this fn, releases it too.
     */
    Operand lowerLock(Expr.Lock l) {
        Type.Mutex type = (Type.Mutex) derefType(typeOf(l.mutex()));
        Place p = autoDeref(lowerPlace(l.mutex()), typeOf(l.mutex()));
        Local mutex = temp(new Type.Ref(true, type));
        assign(mutex, new Rvalue.AddressOf(true, p));
        suspendOn(new Callee.Lock(type), List.of(Operand.of(mutex)), Type.UNIT, l.span());
        Symbol.LocalVar v = program.lockVar(l);
        Local value = newLocal(v.name(), v.type(), v.span());
        vars.put(v, value);
        assign(value, new Rvalue.AddressOf(true, new Place(mutex, List.of(new Place.Projection.Deref(), new Place.Projection.Field(0)))));
        Statement unlock = new Statement.Unlock(Operand.of(mutex));
        scopeExits.add(unlock);
        locks.add(mutex);
        Operand result = lower(l.body());
        locks.remove(locks.size() - 1);
        scopeExits.remove(scopeExits.size() - 1);
        emit(unlock);
        return result;
    }
}

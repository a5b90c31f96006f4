package mote.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import mote.Compiler;
import mote.home.MoteHome;
import mote.async.StateMachine;
import mote.diag.ToolError;
import mote.testutil.Golden;
import mote.testutil.TestFiles;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * What each optimization must achieve on the motivating examples (states removed, machines
 * gone, awaits merged), and golden MIR + layouts of every example under each optimization
 * alone and under all (MOTE_BLESS=1 to update, then review the diff).
 */
class OptimizationsTest {
    static final List<String> EXAMPLES = List.of("foo_bar", "forwarding", "pre_post", "process_command");

    static Path example(String name) { return MoteHome.get().resolve("examples").resolve(name + ".mote"); }

    static Compiler.Analysis analyze(Path file, Set<Optimization> opts) {
        return Compiler.analyze(Compiler.read(file), opts, false, true);
    }

    static Compiler.Analysis all(String example) { return analyze(example(example), EnumSet.allOf(Optimization.class)); }

    static Compiler.Analysis only(String example, Optimization o) { return analyze(example(example), EnumSet.of(o)); }

    static Compiler.Analysis none(String example) { return analyze(example(example), EnumSet.noneOf(Optimization.class)); }

    @TestFactory
    Stream<DynamicTest> goldenPerOptimization() {
        List<DynamicTest> tests = new ArrayList<>();
        Path dir = TestFiles.resources("golden/opt");
        for (String ex : EXAMPLES) {
            for (Optimization o : Optimization.values()) {
                tests.add(DynamicTest.dynamicTest(ex + " with " + o.cliName, () -> {
                    Compiler.Analysis a = only(ex, o);
                    Golden.assertMatches(dir.resolve(o.cliName).resolve(ex + ".mir"), a.mirText());
                    Golden.assertMatches(dir.resolve(o.cliName).resolve(ex + ".layout"), a.layoutText());
                }));
            }
            tests.add(DynamicTest.dynamicTest(ex + " with all", () -> {
                Compiler.Analysis a = all(ex);
                Golden.assertMatches(dir.resolve("all").resolve(ex + ".mir"), a.mirText());
                Golden.assertMatches(dir.resolve("all").resolve(ex + ".layout"), a.layoutText());
            }));
        }
        return tests.stream();
    }

    @Test
    void fooBarLeavesNoStateMachineAndNoPollFunction() {
        Compiler.Analysis a = all("foo_bar");
        assertEquals(Set.of("main"), a.machines().keySet(), "only the task keeps a state machine");
        assertFalse(a.mir().function("bar").isAsync(), "bar is a plain function");
        assertFalse(a.mir().function("foo").isAsync(), "foo is a plain function");
        assertTrue(a.machines().get("main").suspendStates().isEmpty(), "main no longer suspends on bar");
    }

    @Test
    void readyFoldIsDecidedRecursively() {
        // bar awaits foo twice; foo never suspends, so neither does bar.
        assertEquals(Set.of("foo", "bar"), ReadyFold.neverSuspending(none("foo_bar").mir()));
        assertEquals(Set.of(), ReadyFold.neverSuspending(none("forwarding").mir()), "leaf yields, so the whole chain suspends");
    }

    @Test
    void forwardingChainLeavesOneStateMachineNoLargerThanLeafs() {
        Path chain = TestFiles.resources("opt").resolve("chain_once.mote");
        Compiler.Analysis base = analyze(chain, EnumSet.noneOf(Optimization.class));
        Compiler.Analysis opt = analyze(chain, EnumSet.allOf(Optimization.class));
        assertEquals(5, base.machines().size());
        assertEquals(Set.of("main"), opt.machines().keySet());
        int leaf = base.machines().get("leaf").size();
        assertTrue(opt.machines().get("main").size() <= leaf,
                "main with the chain inlined: " + opt.machines().get("main").size() + " bytes, leaf alone: " + leaf);
    }

    @Test
    void processCommandWaitsInOneStateNotTwo() {
        StateMachine before = none("process_command").machines().get("process_command");
        StateMachine merged = only("process_command", Optimization.MERGE_STATES).machines().get("process_command");
        assertEquals(2, before.suspendStates().size());
        assertEquals(1, merged.suspendStates().size());
        assertEquals(before.size(), merged.size(), "merging keeps the same saved values");
    }

    @Test
    void mergeStatesJoinsAwaitsThatInliningBroughtTogether() {
        // Three sends (from the inlined reject, the inlined report, and the loop's own reject)
        // land on the loop head; the one before `return false` and the final one do not.
        Path program = TestFiles.resources("run").resolve("merge_after_inline.mote");
        Set<Optimization> noMerge = EnumSet.allOf(Optimization.class);
        noMerge.remove(Optimization.MERGE_STATES);
        StateMachine apart = analyze(program, noMerge).machines().get("producer");
        Compiler.Analysis merged = analyze(program, EnumSet.allOf(Optimization.class));
        StateMachine producer = merged.machines().get("producer");
        assertEquals(5, apart.suspendStates().size(), mote.async.StateMachinePrinter.print(apart));
        assertEquals(3, producer.suspendStates().size(), mote.async.StateMachinePrinter.print(producer));
        assertTrue(producer.size() <= apart.size(), "a merged state saves no more than the states it replaces");
        Path dir = TestFiles.resources("golden/opt/all");
        Golden.assertMatches(dir.resolve("merge_after_inline.mir"), merged.mirText());
        Golden.assertMatches(dir.resolve("merge_after_inline.layout"), merged.layoutText());
    }

    @Test
    void preamblePostambleBarKeepsNoStateOfItsOwn() {
        // Under all, foo is inlined into bar and bar into main: whatever main saves that came
        // from bar is the inlined foo's flag; bar's own locals (input, blah, r) are never saved.
        Compiler.Analysis a = all("pre_post");
        assertEquals(Set.of("main"), a.machines().keySet());
        boolean sawFooFlag = false;
        for (StateMachine.State s : a.machines().get("main").suspendStates()) {
            for (StateMachine.Slot slot : s.saved()) {
                String name = slot.name() == null ? "" : slot.name();
                assertFalse(name.startsWith("bar.") && !name.startsWith("bar.foo."), "bar saves its own " + name);
                sawFooFlag |= name.equals("bar.foo.flag");
            }
            assertEquals(mote.mir.Callee.Builtin.YIELD_NOW, s.awaitee().callee());
        }
        assertTrue(sawFooFlag, a.layoutText());
        // With inline off, bar is a machine of its own that saves nothing but its awaitee.
        Set<Optimization> noInline = EnumSet.allOf(Optimization.class);
        noInline.remove(Optimization.INLINE);
        StateMachine bar = analyze(example("pre_post"), noInline).machines().get("bar");
        assertTrue(bar.suspendStates().get(0).saved().isEmpty(), mote.async.StateMachinePrinter.print(bar));
    }

    @Test
    void dropPanickedAndEagerStartRemoveTheirStates() {
        StateMachine leafBase = none("forwarding").machines().get("leaf");
        StateMachine noPanicked = only("forwarding", Optimization.DROP_PANICKED).machines().get("leaf");
        StateMachine eager = only("forwarding", Optimization.EAGER_START).machines().get("leaf");
        assertTrue(leafBase.stateOf(StateMachine.Kind.PANICKED) != null);
        assertNull(noPanicked.stateOf(StateMachine.Kind.PANICKED));
        assertNull(eager.stateOf(StateMachine.Kind.UNRESUMED));
        assertEquals(leafBase.states().size() - 1, eager.states().size());
        // Without Unresumed, the argument is stored once, not twice (rust-lang/rust#62958).
        assertEquals(1, eager.suspendStates().get(0).saved().size());
        assertTrue(eager.size() < leafBase.size());
        // The task entry keeps Unresumed: the executor creates it before polling it.
        assertTrue(only("forwarding", Optimization.EAGER_START).machines().get("main").stateOf(StateMachine.Kind.UNRESUMED) != null);
    }

    @Test
    void panicTaskKeepsThePanickedState() {
        Compiler.Analysis a = Compiler.analyze(Compiler.read(example("forwarding")), EnumSet.of(Optimization.DROP_PANICKED), false, false);
        assertTrue(a.machines().get("leaf").stateOf(StateMachine.Kind.PANICKED) != null);
    }

    @Test
    void overlapLayoutSharesBytesBetweenStates() {
        StateMachine base = none("process_command").machines().get("main");
        StateMachine overlap = only("process_command", Optimization.OVERLAP_LAYOUT).machines().get("main");
        assertTrue(overlap.size() <= base.size());
        StateMachine leafBase = none("forwarding").machines().get("leaf");
        StateMachine leafOverlap = only("forwarding", Optimization.OVERLAP_LAYOUT).machines().get("leaf");
        // The argument's Unresumed slot and its saved copy in Suspend0 share bytes now.
        assertEquals(leafOverlap.stateOf(StateMachine.Kind.UNRESUMED).saved().get(0).offset(),
                leafOverlap.suspendStates().get(0).saved().get(0).offset());
        assertTrue(leafOverlap.size() < leafBase.size());
    }

    @Test
    void optParsing() {
        assertEquals(EnumSet.allOf(Optimization.class), Optimization.parse("all"));
        assertEquals(EnumSet.noneOf(Optimization.class), Optimization.parse("none"));
        Set<Optimization> allButInline = EnumSet.allOf(Optimization.class);
        allButInline.remove(Optimization.INLINE);
        assertEquals(allButInline, Optimization.parse("all,-inline"));
        assertEquals(EnumSet.of(Optimization.READY_FOLD, Optimization.MERGE_STATES), Optimization.parse("ready-fold,merge-states"));
        ToolError e = assertThrows(ToolError.class, () -> Optimization.parse("all,-inlining"));
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().contains("inlining") && e.getMessage().contains("merge-states"), e.getMessage());
        assertEquals(EnumSet.of(Optimization.INLINE), Optimization.parse("none,inline"));
    }

    @Test
    void optListsThatCannotMeanWhatTheySayAreUsageErrors() {
        for (String spec : new String[] {"", " ", ",", "all,", ",all", "all,,-inline", "all,all,none", "all,none",
                "none,all", "inline,all", "all,-inline,-inline", "inline,-inline", "-inline", "none,-inline", "all,inline"}) {
            ToolError e = assertThrows(ToolError.class, () -> Optimization.parse(spec), "--opt '" + spec + "'");
            assertEquals(2, e.exitCode(), spec);
        }
        assertTrue(assertThrows(ToolError.class, () -> Optimization.parse(",")).getMessage().contains("empty entry"));
        assertTrue(assertThrows(ToolError.class, () -> Optimization.parse("all,all,none")).getMessage().contains("only come first"));
    }
}

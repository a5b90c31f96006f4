package mote.llvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import mote.Compiler;
import mote.board.Board;
import mote.home.MoteHome;
import mote.home.Toolchain;
import mote.testutil.ProgramRunner;
import org.junit.jupiter.api.Test;

/**
 * Optimisation and code generation in partitions ({@link SplitCodegen}): how many a module
 * gets, that each global function is defined in exactly one partition's object, that the
 * assembly and the IR cover them all, and that small programs are untouched.
 * OptimizationMatrixTest runs every run test cut into three partitions; PartitionPlanTest
 * checks where the plan puts what.
 */
class SplitCodegenTest {
    @Test
    void partitionsFollowTheModuleSizeUnlessUnitsAreGiven() {
        assertEquals(1, PartitionPlan.partitionCount(5_000, 40, 0), "a small program");
        assertEquals(1, PartitionPlan.partitionCount(49_999, 400, 0), "under two partitions' worth");
        assertEquals(2, PartitionPlan.partitionCount(63_000, 953, 0), "the generated 10,000-line firmware, --opt all");
        assertEquals(2, PartitionPlan.partitionCount(99_999, 900, 0), "by size, a power of two: 3 take as long as 4 on 2 cores");
        assertEquals(4, PartitionPlan.partitionCount(100_000, 2_774, 0), "the same firmware under --opt none");
        assertEquals(4, PartitionPlan.partitionCount(1_000_000, 5_000, 0), "at most 4 by size");
        assertEquals(3, PartitionPlan.partitionCount(100, 40, 3), "units given: that many");
        assertEquals(2, PartitionPlan.partitionCount(100, 2, 3), "never more than the functions");
        assertEquals(1, PartitionPlan.partitionCount(1_000_000, 5_000, 1), "1: never cut");
    }

    @Test
    void aSmallProgramIsOneObjectAsBefore() throws Exception {
        Compiler.Result r = build("hello.mote", 0, "one");
        assertTrue(Files.exists(r.workDir().resolve("hello.o")));
        assertFalse(Files.exists(r.workDir().resolve("hello.0.o")));
    }

    @Test
    void eachGlobalDefinitionIsInExactlyOnePartition() throws Exception {
        Compiler.Result whole = build("firmware.mote", 1, "whole");
        Compiler.Result cut = build("firmware.mote", 3, "cut");
        Map<String, Integer> globals = new HashMap<>();
        TreeSet<String> defined = new TreeSet<>();
        for (int p = 0; p < 3; p++) {
            Path object = cut.workDir().resolve("firmware." + p + ".o");
            assertTrue(Files.exists(object), object.toString());
            for (String[] symbol : definedCode(object)) {
                defined.add(symbol[1]);
                if (symbol[0].equals("T")) globals.merge(symbol[1], 1, Integer::sum);
            }
        }
        assertFalse(Files.exists(cut.workDir().resolve("firmware.3.o")));
        globals.forEach((symbol, n) -> assertEquals(1, n, symbol + " defined in " + n + " partitions"));
        assertTrue(globals.containsKey("Reset_Handler"), "the entry is global: " + globals.keySet());
        for (String[] symbol : definedCode(whole.workDir().resolve("firmware.o")))
            if (symbol[0].equals("T")) assertTrue(globals.containsKey(symbol[1]), symbol[1] + " is global whole, not cut: " + globals.keySet());
        assertTrue(defined.contains("mote_executor_run"), "the runtime's executor is in a partition: " + defined);
        assertTrue(defined.stream().anyMatch(f -> f.endsWith("main.task")), "the main task is in a partition: " + defined);
        String assembly = Files.readString(cut.workDir().resolve("firmware.s"));
        for (int p = 0; p < 3; p++) assertTrue(assembly.contains("@ ---- code generation partition " + p + " of 3 ----"), assembly);
        assertTrue(assembly.contains("mote_executor_run:"), "the runtime's code is in the assembly too");
        for (String f : cut.frames().keySet()) assertTrue(defined.contains(f), f + " has a frame but no code");
        // Every partition's frames are reported (which functions have one depends on what LLVM inlined where).
        for (int p = 0; p < 3; p++) {
            Set<String> inPartition = new java.util.HashSet<>();
            for (String[] symbol : definedCode(cut.workDir().resolve("firmware." + p + ".o"))) inPartition.add(symbol[1]);
            assertTrue(cut.frames().keySet().stream().anyMatch(inPartition::contains), "no frame reported from partition " + p);
        }
    }

    @Test
    void theIrOfEveryPartitionIsWritten() throws Exception {
        Path source = MoteHome.get().resolve("examples").resolve("firmware.mote");
        Compiler.Options options = Compiler.Options.defaults(Board.load("lm3s6965evb"), ProgramRunner.tempDir().resolve("ll"))
                .withCodegenUnits(2).withEmit(java.util.EnumSet.of(Compiler.Emit.ELF, Compiler.Emit.LL));
        Compiler.Result r = Compiler.compile(source, options);
        String ir = Files.readString(r.workDir().resolve("firmware.ll"));
        assertTrue(ir.contains("; ---- partition 0 of 2 ----") && ir.contains("; ---- partition 1 of 2 ----"), ir.substring(0, 200));
        assertTrue(ir.contains("define") && ir.indexOf("; ModuleID") != ir.lastIndexOf("; ModuleID"), "two modules");
    }

    private static Compiler.Result build(String example, int units, String dir) throws Exception {
        Path source = MoteHome.get().resolve("examples").resolve(example);
        Compiler.Options options = Compiler.Options.defaults(Board.load("lm3s6965evb"), ProgramRunner.tempDir().resolve(dir))
                .withCodegenUnits(units).withEmit(java.util.EnumSet.of(Compiler.Emit.ELF, Compiler.Emit.ASM));
        return Compiler.compile(source, options);
    }

    private static TreeSet<String> programFunctions(java.util.Collection<String> symbols) {
        TreeSet<String> set = new TreeSet<>(symbols);
        set.removeIf(s -> s.startsWith("OUTLINED_FUNCTION_"));
        return set;
    }

    /** The functions an object defines: each as its kind (`T` global, `t` local) and name. */
    private static List<String[]> definedCode(Path object) {
        Toolchain tc = Toolchain.get();
        List<String[]> symbols = new ArrayList<>();
        for (String line : tc.check(tc.tool("llvm-nm"), List.of(object.toString())).lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3 && (f[1].equals("T") || f[1].equals("t"))) symbols.add(new String[] {f[1], f[2]});
        }
        return symbols;
    }
}

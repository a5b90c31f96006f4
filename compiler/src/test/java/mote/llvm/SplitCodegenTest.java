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
import java.util.TreeSet;
import mote.Compiler;
import mote.board.Board;
import mote.home.MoteHome;
import mote.home.Toolchain;
import mote.testutil.ProgramRunner;
import org.junit.jupiter.api.Test;

/**
 * Code generation in partitions ({@link SplitCodegen}): how many a module gets, that each
 * function and variable is defined in exactly one partition's object, that the assembly covers
 * them all, and that small programs are untouched. OptimizationMatrixTest runs every run test
 * cut into three partitions.
 */
class SplitCodegenTest {
    @Test
    void partitionsFollowTheModuleSizeUnlessUnitsAreGiven() {
        assertEquals(1, SplitCodegen.partitionCount(5_000, 40, 0), "a small program");
        assertEquals(1, SplitCodegen.partitionCount(19_999, 40, 0));
        assertEquals(2, SplitCodegen.partitionCount(22_815, 28, 0), "the generated 10,000-line firmware, --opt all");
        assertEquals(4, SplitCodegen.partitionCount(44_835, 933, 0), "the same under --opt none");
        assertEquals(4, SplitCodegen.partitionCount(1_000_000, 5_000, 0), "at most 4 by size");
        assertEquals(3, SplitCodegen.partitionCount(100, 40, 3), "units given: that many");
        assertEquals(2, SplitCodegen.partitionCount(100, 2, 3), "never more than the functions");
        assertEquals(1, SplitCodegen.partitionCount(100, 1, 1));
    }

    @Test
    void aSmallProgramIsOneObjectAsBefore() throws Exception {
        Compiler.Result r = build("hello.mote", 0, "one");
        assertTrue(Files.exists(r.workDir().resolve("hello.o")));
        assertFalse(Files.exists(r.workDir().resolve("hello.0.o")));
    }

    @Test
    void eachDefinitionIsInExactlyOnePartition() throws Exception {
        Compiler.Result whole = build("firmware.mote", 1, "whole");
        Compiler.Result cut = build("firmware.mote", 3, "cut");
        Map<String, Integer> definitions = new HashMap<>();
        for (int p = 0; p < 3; p++) {
            Path object = cut.workDir().resolve("firmware." + p + ".o");
            assertTrue(Files.exists(object), object.toString());
            for (String symbol : definedCode(object)) definitions.merge(symbol, 1, Integer::sum);
        }
        assertFalse(Files.exists(cut.workDir().resolve("firmware.3.o")));
        definitions.forEach((symbol, n) -> assertEquals(1, n, symbol + " defined in " + n + " partitions"));
        // The same functions as one object has (a partition does not keep or lose any), but for
        // the machine outliner's, which it makes per object (of the minsize code in each).
        assertEquals(programFunctions(definedCode(whole.workDir().resolve("firmware.o"))), programFunctions(definitions.keySet()));
        String assembly = Files.readString(cut.workDir().resolve("firmware.s"));
        for (int p = 0; p < 3; p++) assertTrue(assembly.contains("@ ---- code generation partition " + p + " of 3 ----"), assembly);
        assertTrue(assembly.contains("mote_executor_run:"), "the runtime's code is in the assembly too");
        assertEquals(programFunctions(whole.frames().keySet()), programFunctions(cut.frames().keySet()), "every function's frame is reported");
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

    /** The functions (text symbols, global or local) an object defines. */
    private static List<String> definedCode(Path object) {
        Toolchain tc = Toolchain.get();
        List<String> symbols = new ArrayList<>();
        for (String line : tc.check(tc.tool("llvm-nm"), List.of(object.toString())).lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3 && (f[1].equals("T") || f[1].equals("t"))) symbols.add(f[2]);
        }
        return symbols;
    }
}

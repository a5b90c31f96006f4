package mote.llvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import mote.Compiler;
import mote.board.Board;
import mote.home.ToolResult;
import mote.home.Toolchain;
import mote.testutil.ProgramRunner;
import mote.testutil.TestFiles;
import org.junit.jupiter.api.Test;

/**
 * `--debug` images carry a DWARF line table for the Mote source (read back with the jar's
 * llvm-dwarfdump): the .mote file is named and its statements' lines appear. Release images
 * have the functions' first lines; both describe the statics and task states.
 */
class DebugInfoTest {
    private static String debugLine(boolean debug) {
        Path src = TestFiles.resources("run/functions.mote");
        Path out = ProgramRunner.tempDir();
        Board board = Board.load("lm3s6965evb");
        Compiler.Options d = Compiler.Options.defaults(board, out);
        Compiler.Result r = Compiler.compile(src, d.withDebug(debug));
        Toolchain tc = Toolchain.get();
        ToolResult dump = tc.run(tc.tool("llvm-dwarfdump"), List.of("--debug-line", r.elf().toString()));
        assertEquals(0, dump.exitCode(), dump.stderr());
        return dump.stdout();
    }

    /**
     * The line numbers of the rows for {@code file} in the line-table section that names it
     * (the section has rows of runtime-c's files too, for runtime code inlined into the program).
     */
    private static Set<Integer> linesOf(String dump, String file) {
        Set<Integer> lines = new TreeSet<>();
        for (String section : dump.split("debug_line\\[")) {
            if (!section.contains("name: \"" + file + "\"")) continue;
            java.util.regex.Matcher entry = java.util.regex.Pattern
                    .compile("file_names\\[\\s*(\\d+)\\]:\\s*\n\\s*name: \"" + java.util.regex.Pattern.quote(file) + "\"")
                    .matcher(section);
            Set<String> indexes = new java.util.HashSet<>();
            while (entry.find()) indexes.add(entry.group(1));
            for (String row : section.split("\n")) {
                String[] cols = row.trim().split("\\s+");
                if (cols.length >= 4 && cols[0].startsWith("0x") && cols[0].length() == 18 && indexes.contains(cols[3]))
                    lines.add(Integer.parseInt(cols[1]));
            }
        }
        return lines;
    }

    @Test
    void debugBuildsHaveLinesOfTheMoteSource() {
        String dump = debugLine(true);
        assertTrue(dump.contains("name: \"functions.mote\""), dump);
        Set<Integer> lines = linesOf(dump, "functions.mote");
        // fib's recursion, greet's loop and prints, main's first statement. (With -Os, gcd of
        // two constants is folded away, so its lines are rightly absent.)
        for (int line : new int[] {5, 19, 20, 22, 26})
            assertTrue(lines.contains(line), "line " + line + " missing from " + lines + "\n" + dump);
        assertFalse(lines.stream().anyMatch(l -> l > 40), "a line beyond the file: " + lines);
    }

    @Test
    void debugInfoNamesFunctionsAsWrittenWhileTheirSymbolsAreMangled() {
        Path src = TestFiles.resources("run/functions.mote");
        Compiler.Result r = Compiler.compile(src, Compiler.Options.defaults(Board.load("lm3s6965evb"), ProgramRunner.tempDir()).withDebug(true));
        Toolchain tc = Toolchain.get();
        String info = tc.check(tc.tool("llvm-dwarfdump"), List.of("--debug-info", r.elf().toString()));
        assertTrue(info.contains("DW_AT_name\t(\"main\")") && info.contains("DW_AT_name\t(\"gcd\")"), info);
        String symbols = tc.check(tc.llvmNm(), List.of(r.elf().toString()));
        assertTrue(symbols.contains(" _M4main.poll") && symbols.contains(" _M3fib"), symbols);
    }

    /**
     * Release images carry DWARF too (it costs no flash): the line table has each function's
     * first line, but no rows inside functions, which only `--debug` marks.
     */
    @Test
    void releaseBuildsHaveALineTableOfEveryStatement() {
        // Issue 16: a fault in a release image is decoded to its source line, so every build
        // keeps the statements' rows (in sections that are not loaded).
        String dump = debugLine(false);
        assertTrue(dump.contains("name: \"functions.mote\""), dump);
        Set<Integer> lines = linesOf(dump, "functions.mote");
        assertTrue(lines.contains(3), "fib's first line: " + lines);
        assertTrue(lines.contains(5), "a row inside fib: " + lines);
    }

    /**
     * Statics, by their Mote names and types, in release and `--debug` images alike: a struct
     * with its fields, an enum with its variants' names, an array, a channel with its count
     * and items; a register; each task's state object with its states by name.
     */
    @Test
    void everyBuildDescribesStaticsAndTaskStatesByTheirMoteNames() {
        for (boolean debug : new boolean[] {false, true}) {
            Compiler.Result r = Compiler.compile(TestFiles.resources("gdb/sensors.mote"),
                    Compiler.Options.defaults(Board.load("lm3s6965evb"), ProgramRunner.tempDir()).withDebug(debug));
            Toolchain tc = Toolchain.get();
            String info = tc.check(tc.tool("llvm-dwarfdump"), List.of("--debug-info", r.elf().toString()));
            for (String name : List.of("COUNT", "MODE", "GAINS", "READINGS", "LAST", "Reading", "channel", "value", "Mode",
                    "Sampling", "Channel<u32, 4>", "items", "count", "blinker_state", "logger_state", "main_state", "Suspend0", "Unresumed", "SYST_RVR"))
                assertTrue(info.contains("(\"" + name + "\")"), name + " missing (debug " + debug + ")\n" + info);
            assertTrue(info.contains(" \"volatile u32\")"), "the register's type\n" + info);
        }
    }

    /**
     * A tuple is a struct of `__0`, `__1`..; a data enum, Option or Result its tag, an
     * enumeration of the variants' names, and each variant's fields as `Variant.field`.
     */
    @Test
    void tuplesAndDataEnumsAreDescribedByTheirParts() {
        Compiler.Result r = Compiler.compile(TestFiles.resources("run/enum_statics.mote"),
                Compiler.Options.defaults(Board.load("lm3s6965evb"), ProgramRunner.tempDir()));
        Toolchain tc = Toolchain.get();
        String info = tc.check(tc.tool("llvm-dwarfdump"), List.of("--debug-info", r.elf().toString()));
        for (String name : List.of("(u8, Option<bool>)", "__0", "__1", "Cmd", "Cmd.tag", "Go", "Go.0", "Option<u8>", "Some.0", "Option<u8>.tag", "None", "Some"))
            assertTrue(info.contains("(\"" + name + "\")"), name + " missing\n" + info);
    }
}

package mote.llvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import mote.Compiler;
import mote.board.Board;
import mote.home.MoteHome;
import mote.home.Toolchain;
import mote.opt.Optimization;
import mote.testutil.ProgramRunner;
import mote.testutil.TestFiles;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every build carries DWARF (docs/gdb.md), which must cost no flash and change no code: the
 * object LLVM emits for a program, linked with runtime-c's bitcode and optimised as `mote
 * build` does, has the same code, data and relocations with {@link LlvmCodegen#enableDebugInfo}
 * as without, in release and `--debug` builds, with and without the async optimizations.
 */
class DebugInfoChangesNoCodeTest {
    @ParameterizedTest
    @ValueSource(strings = {"gdb/sensors.mote", "gdb/pool_race.mote", "gdb/kept.mote", "run/registers.mote", "run/cancel_join_inside.mote", "run/functions.mote"})
    void debugInfoChangesNoCode(String program) {
        Path source = TestFiles.resources(program);
        for (boolean debug : new boolean[] {false, true}) {
            for (Set<Optimization> opts : List.of(EnumSet.noneOf(Optimization.class), EnumSet.allOf(Optimization.class))) {
                String without = loadedContents(source, debug, opts, false), with = loadedContents(source, debug, opts, true);
                assertTrue(without.contains(".text"), without);
                assertEquals(without, with, program + (debug ? " --debug" : "") + " --opt " + (opts.isEmpty() ? "none" : "all"));
            }
        }
    }

    /** `llvm-objdump -s -r` of the object without its debug sections (and their relocations), and `llvm-nm -n`. */
    private static String loadedContents(Path source, boolean debug, Set<Optimization> opts, boolean debugInfo) {
        Board board = Board.load("lm3s6965evb");
        Compiler.Analysis analysis = Compiler.analyze(Compiler.read(source), opts, debug, true);
        Path object = ProgramRunner.tempDir().resolve("program.o");
        try (LlvmCodegen codegen = new LlvmCodegen("program");
             LlvmBackend backend = new LlvmBackend(board.llvmTarget(), board.cpu(), board.features(), LlvmBackend.OptLevel.S)) {
            backend.prepare(codegen.module());
            if (debugInfo) codegen.enableDebugInfo();
            codegen.debugBuild(debug);   // as Compiler does: what debug builds add to the code is there with DWARF or without
            codegen.interruptNumbers(board.irqs());
            codegen.generate(analysis.mir(), analysis.machines(), true);
            codegen.verify();
            WholeProgram.link(codegen.module(), mote.link.RuntimeBuilder.standard().wholeProgramBitcode(board));
            backend.optimise(codegen.module());
            backend.emitObject(codegen.module(), object);
        }
        Toolchain tc = Toolchain.get();
        String dump = tc.check(tc.tool("llvm-objdump"), List.of("-s", "-r", object.toString()));
        List<String> kept = new ArrayList<>();
        boolean skipping = false;
        for (String line : dump.split("\n")) {
            if (line.startsWith("Contents of section ") || line.startsWith("RELOCATION RECORDS FOR "))
                skipping = line.contains(".debug") || line.contains(DebugInfo.ANCHORS) || line.contains(".comment")
                        || line.contains(".strtab") || line.contains(".symtab")   // names of sections and symbols: below
                        || line.startsWith("Contents of section .rel");   // raw, by symbol index: -r prints them by name
            if (!skipping && !line.contains("file format")) kept.add(line);
        }
        // The symbols, each at its place in its section (a register's debug anchor aside).
        for (String line : tc.check(tc.llvmNm(), List.of("-n", object.toString())).split("\n"))
            if (!line.contains("mote.debug.register.")) kept.add(line);
        return canonicalMergedGlobals(String.join("\n", kept));
    }

    /**
     * LLVM numbers its merged-globals blocks (`.L_MergedGlobals.N`) in the order it makes them,
     * counting blocks of any module built in the same process, so two builds of one program can
     * name the same block differently: each is renamed by its first appearance in the dump.
     */
    private static String canonicalMergedGlobals(String dump) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\.L_MergedGlobals(\\.\\d+)?").matcher(dump);
        java.util.Map<String, String> names = new java.util.HashMap<>();
        StringBuilder out = new StringBuilder();
        while (m.find()) m.appendReplacement(out, names.computeIfAbsent(m.group(), k -> "merged#" + names.size()));
        m.appendTail(out);
        return out.toString();
    }
}

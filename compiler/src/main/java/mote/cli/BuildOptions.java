package mote.cli;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.io.PrintWriter;
import mote.Compiler;
import mote.home.Timings;
import mote.board.Board;
import mote.diag.ToolError;
import mote.llvm.LlvmBackend;
import mote.opt.Optimization;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The flags every verb that compiles shares (`build`, `run`, ...). */
public final class BuildOptions {
    @Parameters(index = "0", paramLabel = "APP.mote", description = "The program to compile.")
    Path source;

    @Option(names = {"-b", "--board"}, paramLabel = "BOARD", defaultValue = Board.DEFAULT_NAME,
            description = "Target board (default: ${DEFAULT-VALUE}); `mote boards` lists them.")
    String board;

    @Option(names = "-O", paramLabel = "LEVEL", defaultValue = "s",
            description = "Optimisation level: s (size, default), z (smaller), 2 (speed), 0 (none).")
    String optLevel;

    @Option(names = "--debug", description = "Debug build: overflow checks, debug-build semantics.")
    boolean debug;

    @Option(names = "--log", paramLabel = "text|interned", defaultValue = "text",
            description = "Console output of print/println: text (default), or interned: the text stays in the ELF "
                    + "(not in flash) and the device sends compact frames, which mote run and mote monitor decode.")
    String log;

    @Option(names = "--panic", paramLabel = "abort|task", defaultValue = "abort",
            description = "On panic: abort the program (default) or stop only the panicking task.")
    String panic;

    @Option(names = "--opt", paramLabel = "LIST", defaultValue = "all",
            description = "Async optimizations: all (default), none (the rustc-like baseline), or a list of names; "
                    + "-name drops one (all,-inline). Names: returned-pending, drop-panicked, ready-fold, inline, "
                    + "merge-states, eager-start, overlap-layout.")
    String opt;

    @Option(names = {"-o", "--out-dir"}, paramLabel = "DIR", defaultValue = "build",
            description = "Where to write the image and other outputs (default: ${DEFAULT-VALUE}).")
    Path outDir;

    @Option(names = "--emit", paramLabel = "LIST", split = ",",
            description = "Extra outputs, comma-separated: elf, bin, hex, uf2 (boards with a UF2 bootloader), ll, asm, mir, map.")
    List<String> emit = List.of();

    @Option(names = "--timings",
            description = "After the build, print the wall time and the memory allocated by each phase (read, parse, types, MIR, "
                    + "each optimization, lowering, LLVM, object, stack analysis, runtime, link, images) on stderr.")
    boolean timings;

    /** Runs a verb's work, recording its phases and printing them afterwards when `--timings` is given. */
    int timed(CommandSpec spec, java.util.function.IntSupplier verb) {
        if (!timings) return verb.getAsInt();
        Timings recording = Timings.start();
        try {
            return verb.getAsInt();
        } finally {
            recording.stop();
            PrintWriter err = spec.commandLine().getErr();
            err.print(recording.table());
            err.flush();
        }
    }

    Compiler.Options toOptions() {
        LlvmBackend.OptLevel level = LlvmBackend.OptLevel.parse(optLevel);
        if (level == null) throw new ToolError("unknown optimisation level `-O " + optLevel + "`; use s, z, 2 or 0", 2);
        Set<Compiler.Emit> kinds = EnumSet.of(Compiler.Emit.ELF);
        for (String e : emit) {
            try {
                kinds.add(Compiler.Emit.valueOf(e.trim().toUpperCase()));
            } catch (IllegalArgumentException ex) {
                throw new ToolError("unknown --emit kind `" + e + "`; use elf, bin, hex, uf2, ll, asm, mir or map", 2);
            }
        }
        if (!panic.equals("abort") && !panic.equals("task"))
            throw new ToolError("unknown --panic strategy `" + panic + "`; use abort or task", 2);
        if (!log.equals("text") && !log.equals("interned"))
            throw new ToolError("unknown --log mode `" + log + "`; use text or interned", 2);
        return new Compiler.Options(Timings.time("board", () -> Board.load(board)), level, debug, panic.equals("abort"), Optimization.parse(opt), kinds, outDir)
                .withInternedLog(log.equals("interned"));
    }
}

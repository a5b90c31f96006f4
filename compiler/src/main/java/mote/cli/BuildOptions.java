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
import mote.link.ImageSize;
import mote.project.Budget;
import mote.project.Manifest;
import mote.project.Project;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The flags every verb that compiles shares (`build`, `run`, ...), and the project they may
 * come from: without APP.mote, the program is the entry of the project (`Mote.toml`) the
 * current folder lies in; a flag given overrides the manifest's setting, which overrides Mote's
 * default. A file given that lies in a project builds with that project's settings too.
 */
public final class BuildOptions {
    @Parameters(index = "0", arity = "0..1", paramLabel = "APP.mote",
            description = "The program to compile (default: the entry of the project in Mote.toml).")
    Path source;

    @Option(names = {"-b", "--board"}, paramLabel = "BOARD",
            description = "Target board (default: the project's, else " + Board.DEFAULT_NAME + "); `mote boards` lists them.")
    String board;

    @Option(names = "-O", paramLabel = "LEVEL",
            description = "Optimisation level: s (size, default), z (smaller), 2 (speed), 0 (none).")
    String optLevel;

    @Option(names = "--debug", description = "Debug build: overflow checks, debug-build semantics; a project's [profile.debug].")
    boolean debug;

    @Option(names = "--backtrace", description = "A panic prints a backtrace (and a fault report the stack words for a longer one): "
            + "a few hundred bytes of flash, in release builds too (docs/debugging.md).")
    boolean backtrace;

    @Option(names = "--log", paramLabel = "text|interned",
            description = "Console output of print/println: text (default), or interned: the text stays in the ELF "
                    + "(not in flash) and the device sends compact frames, which mote run and mote monitor decode.")
    String log;

    @Option(names = "--panic", paramLabel = "abort|task",
            description = "On panic: abort the program (default) or stop only the panicking task.")
    String panic;

    @Option(names = "--opt", paramLabel = "LIST",
            description = "Async optimizations: all (default), none (the rustc-like baseline), or a list of names; "
                    + "-name drops one (all,-inline). Names: returned-pending, drop-panicked, ready-fold, inline, "
                    + "merge-states, eager-start, overlap-layout.")
    String opt;

    @Option(names = {"-o", "--out-dir"}, paramLabel = "DIR",
            description = "Where to write the image and other outputs (default: the project's build/, else build).")
    Path outDir;

    @Option(names = "--project", paramLabel = "DIR",
            description = "The project folder (or its Mote.toml) to build (default: the one the current folder lies in).")
    Path projectDir;

    @Option(names = "--emit", paramLabel = "LIST", split = ",",
            description = "Extra outputs, comma-separated: elf, bin, hex, uf2 (boards with a UF2 bootloader), ll, asm, mir, map.")
    List<String> emit = List.of();

    @Option(names = "--codegen-units", paramLabel = "N",
            description = "Optimise and generate code in at most N partitions, on as many threads (1-" + mote.llvm.SplitCodegen.MAX_UNITS
                    + "; 1: the whole program at once, the smallest image). Default: by the program's size; a program "
                    + "under some 6,000 lines is one.")
    String codegenUnits;

    @Option(names = "--timings",
            description = "After the build, print the wall time and the memory allocated by each phase (read, parse, types, MIR, "
                    + "each optimization, lowering, LLVM, object, stack analysis, runtime, link, images) on stderr.")
    boolean timings;

    private Optional<Project> project;

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

    /** The project: named by --project, else the one the file given (or the current folder) lies in. */
    Optional<Project> project() {
        if (project == null) {
            if (projectDir != null) project = Optional.of(Project.at(projectDir));
            else project = Project.find(source != null ? source : Path.of(""));
        }
        return project;
    }

    /** The program to compile: the file given, else the project's entry. */
    Path source() {
        if (source != null) return source;
        return project().map(Project::entry).orElseThrow(() -> new ToolError(
                "no program given, and no " + Manifest.FILE_NAME + " in this folder or above it: name a file (`mote build app.mote`) "
                        + "or start a project with `mote new NAME`", 2));
    }

    /** The profile the manifest's overrides come from: `debug` with --debug, else `release`. */
    String profile() { return debug ? "debug" : "release"; }

    /** The manifest's settings for this build's profile (none outside a project). */
    Manifest.Settings settings() {
        return project().map(p -> p.manifest().settings(profile())).orElse(Manifest.Settings.NONE);
    }

    /** The board named by -b, else the project's, else the default, as the project sees boards. */
    Board loadBoard() {
        if (board != null) return project().map(p -> p.board(board)).orElseGet(() -> Board.load(board));
        return project().map(p -> p.manifestBoard(profile())).orElseGet(() -> Board.load(Board.DEFAULT_NAME));
    }

    Compiler.Options toOptions() {
        Manifest.Settings settings = settings();
        String level = first(optLevel, settings.optLevel(), "s");
        LlvmBackend.OptLevel parsedLevel = LlvmBackend.OptLevel.parse(level);
        if (parsedLevel == null) throw new ToolError("unknown optimisation level `-O " + level + "`; use s, z, 2 or 0", 2);
        Set<Compiler.Emit> kinds = EnumSet.of(Compiler.Emit.ELF);
        for (String e : emit) {
            try {
                kinds.add(Compiler.Emit.valueOf(e.trim().toUpperCase()));
            } catch (IllegalArgumentException ex) {
                throw new ToolError("unknown --emit kind `" + e + "`; use elf, bin, hex, uf2, ll, asm, mir or map", 2);
            }
        }
        String strategy = first(panic, settings.panic(), "abort");
        if (!strategy.equals("abort") && !strategy.equals("task"))
            throw new ToolError("unknown --panic strategy `" + strategy + "`; use abort or task", 2);
        boolean debugBuild = debug || Boolean.TRUE.equals(settings.debug());
        Path out = outDir != null ? outDir : project().map(Project::outDir).orElse(Path.of("build"));
        String logMode = first(log, settings.log(), "text");   // the flag, else the manifest's `log`
        if (!logMode.equals("text") && !logMode.equals("interned"))
            throw new ToolError("unknown --log mode `" + logMode + "`; use text or interned", 2);
        return new Compiler.Options(Timings.time("board", this::loadBoard), parsedLevel, debugBuild, strategy.equals("abort"),
                Optimization.parse(optList()), kinds, out).withInternedLog(logMode.equals("interned"))
                .withBacktrace(backtrace || Boolean.TRUE.equals(settings.backtrace()))   // the flag, else the manifest's
                .withCodegenUnits(codegenUnits != null ? parseCodegenUnits(codegenUnits)                  // the flag,
                        : settings.codegenUnits() != null ? settings.codegenUnits() : 0);                 // else the manifest's
    }

    /** `--codegen-units N`: 1 to SplitCodegen.MAX_UNITS. */
    static int parseCodegenUnits(String text) {
        int units;
        try {
            units = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            units = -1;
        }
        if (!mote.llvm.SplitCodegen.validUnits(units))
            throw new ToolError("bad --codegen-units `" + text + "`; give " + mote.llvm.SplitCodegen.UNITS_EXPECTED, 2);
        return units;
    }

    /** The --opt list in force (for messages). */
    String optList() {
        return first(opt, settings().opt(), "all");
    }

    /** Fails, after the report was printed, when the image is past the project's size budgets. */
    void requireWithinBudget(ImageSize size) {
        requireWithinBudget(size.flash(), size.ram());
    }

    /**
     * The same for a command that prints no memory table of its own (run, flash, size --save and
     * --check): past a budget, the table goes to {@code out} first, as `mote build` shows it.
     */
    void requireWithinBudget(ImageSize size, mote.board.Board board, java.io.PrintWriter out) {
        try {
            requireWithinBudget(size);
        } catch (ToolError e) {
            out.print(size.usageTable(board));
            out.flush();
            throw e;
        }
    }

    void requireWithinBudget(long flash, long ram) {
        String overrun = budgetOverrun(flash, ram);
        if (overrun != null) throw new ToolError(overrun);
    }

    /** What is past the project's size budgets, as the error says it; null when nothing is (or outside a project). */
    String budgetOverrun(long flash, long ram) {
        Optional<Project> p = project();
        if (p.isEmpty()) return null;
        Manifest m = p.get().manifest();
        return Budget.overrun(settings(), flash, ram, key -> m.where(m.keyFor(profile(), key,
                key.equals("max-flash") ? Manifest.Settings::maxFlash : Manifest.Settings::maxRam)));
    }

    private static String first(String given, String manifest, String fallback) {
        return given != null ? given : manifest != null ? manifest : fallback;
    }
}

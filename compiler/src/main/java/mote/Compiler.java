package mote;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import mote.parse.Modules;
import mote.home.BuildFolder;
import mote.ast.Item;
import mote.ast.Module;
import mote.mir.AsyncCallGraph;
import mote.async.AsyncLowering;
import mote.async.LayoutPolicy;
import mote.async.LayoutVerifier;
import mote.opt.CertainSpawns;
import mote.opt.ConstantArguments;
import mote.opt.ConstantCalls;
import mote.opt.CopyPropagation;
import mote.opt.DirectChannels;
import mote.opt.ProvenChecks;
import mote.opt.TaskTimers;
import mote.opt.FixedChannels;
import mote.opt.PrintMerge;
import mote.opt.RecomputeValues;
import mote.opt.Rematerialize;
import mote.opt.Optimization;
import mote.opt.Passes;
import mote.async.StateMachine;
import mote.async.StateMachinePrinter;
import mote.board.Board;
import mote.diag.CompileError;
import mote.diag.Diagnostics;
import mote.diag.SourceFile;
import mote.diag.Span;
import mote.diag.ToolError;
import mote.link.ImageSize;
import mote.link.Images;
import mote.link.Linker;
import mote.llvm.LlvmBackend;
import mote.llvm.LlvmCallGraph;
import mote.llvm.LlvmCodegen;
import mote.llvm.SplitCodegen;
import org.bytedeco.llvm.global.LLVM;
import mote.mir.MirBuilder;
import mote.mir.MirPrinter;
import mote.mir.MirProgram;
import mote.mir.MirVerifier;
import mote.types.DefiniteAssignment;
import mote.types.TypeChecker;
import mote.types.Symbol;
import mote.types.TypedProgram;

import static mote.home.Timings.time;
import mote.home.Timings;

/**
 * The whole pipeline, in order: read -> parse -> names and types -> MIR -> async lowering ->
 * LLVM IR -> optimise -> object -> link with runtime-c -> ELF. Start reading here.
 *
 * Errors in the program come out as {@link CompileError} (every diagnostic found), problems
 * outside it (missing file, tool failure) as {@link ToolError}, and anything else is a bug in
 * Mote, reported as an internal compiler error with the phase it happened in.
 */
public final class Compiler {
    public enum Emit { ELF, BIN, HEX, UF2, LL, ASM, MIR, MAP }

    /**
     * @param opts       the async optimizations to apply (`--opt`); empty is the rustc-like baseline
     * @param panicAbort `--panic=abort` (the default) rather than `--panic=task`
     */
    public record Options(Board board, LlvmBackend.OptLevel optLevel, boolean debug, boolean panicAbort,
                          Set<Optimization> opts, Set<Emit> emit, Path outDir, boolean internedLog, boolean backtrace,
                          int codegenUnits) {
        public Options {
            if (codegenUnits < 0 || codegenUnits > SplitCodegen.MAX_UNITS)
                throw new IllegalArgumentException("codegen units " + codegenUnits + " outside 0.." + SplitCodegen.MAX_UNITS);
            emit = emit.isEmpty() ? EnumSet.noneOf(Emit.class) : EnumSet.copyOf(emit);
            opts = opts.isEmpty() ? EnumSet.noneOf(Optimization.class) : EnumSet.copyOf(opts);
        }

        /** With `--log text` (the default). */
        public Options(Board board, LlvmBackend.OptLevel optLevel, boolean debug, boolean panicAbort,
                       Set<Optimization> opts, Set<Emit> emit, Path outDir) {
            this(board, optLevel, debug, panicAbort, opts, emit, outDir, false);
        }

        /** Code generation units chosen by size (see {@link SplitCodegen}). */
        public Options(Board board, LlvmBackend.OptLevel optLevel, boolean debug, boolean panicAbort,
                       Set<Optimization> opts, Set<Emit> emit, Path outDir, boolean internedLog, boolean backtrace) {
            this(board, optLevel, debug, panicAbort, opts, emit, outDir, internedLog, backtrace, 0);
        }

        /** Without `--backtrace`. */
        public Options(Board board, LlvmBackend.OptLevel optLevel, boolean debug, boolean panicAbort,
                       Set<Optimization> opts, Set<Emit> emit, Path outDir, boolean internedLog) {
            this(board, optLevel, debug, panicAbort, opts, emit, outDir, internedLog, false);
        }

        /** `--log interned`: print statements send frames, their text in the ELF's .mote_log (docs/debugging.md). */
        public Options withInternedLog(boolean on) {
            return new Options(board, optLevel, debug, panicAbort, opts, emit, outDir, on, backtrace, codegenUnits);
        }

        /** `--backtrace`: a panic prints a backtrace, a fault report the stack words for one (docs/debugging.md). */
        public Options withBacktrace(boolean on) {
            return new Options(board, optLevel, debug, panicAbort, opts, emit, outDir, internedLog, on, codegenUnits);
        }

        public static Options defaults(Board board, Path outDir) {
            return new Options(board, LlvmBackend.OptLevel.S, false, true, EnumSet.allOf(Optimization.class), EnumSet.of(Emit.ELF), outDir);
        }

        public Options withOpts(Set<Optimization> set) {
            return new Options(board, optLevel, debug, panicAbort, set, emit, outDir, internedLog, backtrace, codegenUnits);
        }

        public Options withPanicAbort(boolean abort) {
            return new Options(board, optLevel, debug, abort, opts, emit, outDir, internedLog, backtrace, codegenUnits);
        }

        public Options withDebug(boolean on) {
            return new Options(board, optLevel, on, panicAbort, opts, emit, outDir, internedLog, backtrace, codegenUnits);
        }

        public Options withEmit(Set<Emit> kinds) {
            return new Options(board, optLevel, debug, panicAbort, opts, kinds, outDir, internedLog, backtrace, codegenUnits);
        }

        public Options withOptLevel(LlvmBackend.OptLevel level) {
            return new Options(board, level, debug, panicAbort, opts, emit, outDir, internedLog, backtrace, codegenUnits);
        }

        /**
         * `--codegen-units N`: code generation in at most N partitions, on as many threads (1: one
         * object, the smallest image); 0, the default, chooses by the module's size.
         */
        public Options withCodegenUnits(int units) {
            return new Options(board, optLevel, debug, panicAbort, opts, emit, outDir, internedLog, backtrace, units);
        }

        public Options withOutDir(Path dir) {
            return new Options(board, optLevel, debug, panicAbort, opts, emit, dir, internedLog, backtrace, codegenUnits);
        }
    }

    /**
     * Everything a build produced: artefacts on disk plus the intermediate forms for reports and
     * tests. {@code overflow} says by how much the image exceeds the board's flash or RAM (empty
     * when it fits); such an image is still measured, with enlarged regions, so the full size
     * report can be shown before the build fails, but it is never put into the output folder.
     *
     * @param elf      this build's own image, in its private folder {@code workDir} ({@link BuildFolder}):
     *                 what run, test and size use, since another build may replace {@code emitted}'s
     * @param emitted  the outputs as installed in the output folder (none when the image does not fit)
     * @param frames   each program function's stack frame in bytes, by linkage name, from the code generator
     * @param runtimeInObject runtime-c was optimised with the program, so {@code frames} and {@code callGraph} cover it too
     */
    public record Result(Path elf, MirProgram mir, Map<String, StateMachine> machines, ImageSize size, List<Path> emitted,
                         String overflow, Map<String, Long> frames, Map<String, List<String>> callGraph, Path workDir,
                         boolean runtimeInObject) {
        public boolean fits() { return overflow == null; }

        /** The image as installed in the output folder, when it fits. */
        public Optional<Path> installedElf() {
            return emitted.stream().filter(p -> p.getFileName().toString().endsWith(".elf")).findFirst();
        }

        /** Deletes this build's private folder (the image {@link #elf} with it); call when done with it. */
        public void discard() {
            BuildFolder.discard(workDir);
        }

        /** Throws the user-facing error for an image that does not fit its board. */
        public void requireFits() {
            if (!fits()) throw new ToolError(overflow);
        }
    }

    /** The front and middle of the pipeline, without LLVM: what golden tests look at. */
    public record Analysis(MirProgram mir, Map<String, StateMachine> machines) {
        public String mirText() { return MirPrinter.print(mir); }
        public String layoutText() { return StateMachinePrinter.print(machines); }
    }

    private Compiler() {}

    public static SourceFile read(Path path) {
        try {
            String name = SourceFile.displayPath(path);
            // The root file is the program's root: the image names it by its file name alone.
            return new SourceFile(path, name, path.getFileName().toString(), SourceFile.decode(name, Files.readAllBytes(path)));
        } catch (NoSuchFileException e) {
            throw new ToolError("no such file: " + path, 2);   // a usage error (toolchain contract)
        } catch (IOException e) {
            // A folder where the program should be is a usage error too, as a missing file is.
            if (Files.isDirectory(path)) throw new ToolError("cannot read " + path + ": it is a folder; name the program's .mote file", 2);
            throw ToolError.io("read", path, e);
        }
    }

    /** Parse, check, build MIR and lay out the state machines, without optimizations. */
    public static Analysis analyze(SourceFile source) {
        return analyze(source, EnumSet.noneOf(Optimization.class), false, true);
    }

    /** As {@link #analyze(SourceFile)}; {@code debug} adds the overflow checks of debug builds. */
    public static Analysis analyze(SourceFile source, boolean debug) {
        return analyze(source, EnumSet.noneOf(Optimization.class), debug, true, null);
    }

    /** Parse, check, build MIR, run the chosen MIR optimizations, lay out the state machines. */
    public static Analysis analyze(SourceFile source, Set<Optimization> opts, boolean debug, boolean panicAbort) {
        return analyze(source, opts, debug, panicAbort, null);
    }

    /**
     * With {@code test} set, the image's entry runs that `test fn` of the file instead of
     * `main` (which the file then need not have): what `mote test` builds, one image per test.
     */
    public static Analysis analyze(SourceFile source, Set<Optimization> opts, boolean debug, boolean panicAbort, String test) {
        return analyze(source, opts, debug, panicAbort, test, debug);
    }

    /**
     * A file parsed and type-checked, with what it imports: what the images of a file's tests
     * share (`mote test` builds one per test, and checks the file once). Nothing downstream
     * changes it.
     */
    public record Checked(SourceFile source, TypedProgram typed) {}

    /** Parses and type-checks {@code source} and its imports (a CompileError when they are wrong). */
    public static Checked check(SourceFile source) {
        return check(source, List.of());
    }

    /** As {@link #check(SourceFile)}, importing also from {@code moduleFolders} (see Modules.load). */
    public static Checked check(SourceFile source, List<Path> moduleFolders) {
        return guard("analysis", source, () -> {
            Diagnostics diags = new Diagnostics();
            List<Module> modules = time("parse", () -> Modules.load(source, diags, moduleFolders));   // the file and what it imports
            diags.throwIfErrors();
            TypedProgram typed = time("types", () -> TypeChecker.check(modules, diags));
            diags.throwIfErrors();
            return new Checked(source, typed);
        });
    }

    /** As above; {@code lineTable}: the MIR marks each statement's source line (see {@link #compile}). */
    static Analysis analyze(SourceFile source, Set<Optimization> opts, boolean debug, boolean panicAbort, String test, boolean lineTable) {
        return analyze(check(source), opts, debug, panicAbort, test, lineTable, 0, false);
    }

    /** As {@link #analyze(SourceFile, Set, boolean, boolean)}, laid out for {@code board} as a build for it would be. */
    public static Analysis analyzeFor(Board board, SourceFile source, Set<Optimization> opts, boolean debug, boolean panicAbort) {
        return analyze(check(source), opts, debug, panicAbort, null, debug, board.clockHz(), board.unalignedWordAccess());
    }

    /**
     * {@code clockHz}: the board's core clock, which per-task timers must allow (0: any board's);
     * {@code unalignedWords}: its core loads words at any address, so states may be packed.
     */
    private static Analysis analyze(Checked checked, Set<Optimization> opts, boolean debug, boolean panicAbort, String test, boolean lineTable,
                                    long clockHz, boolean unalignedWords) {
        SourceFile source = checked.source();
        TypedProgram typed = checked.typed();
        return guard("analysis", source, () -> {
            Diagnostics diags = new Diagnostics();
            time("definite assignment", () -> DefiniteAssignment.check(typed, diags));   // no read of a local before every path assigns it
            diags.throwIfErrors();
            Symbol.Fn testFn = null;
            if (test != null) {
                testFn = typed.function(test);
                if (testFn == null || !tests(typed).contains(testFn)) throw new ToolError("no test named `" + test + "` in " + source.displayName());
            } else if (typed.function("main") == null) {
                boolean hasTests = !tests(typed).isEmpty();
                diags.error("E0413", new Span(source, 0, 0), "no `async fn main` in " + source.displayName(),
                        hasTests ? "this file has tests: run them with `mote test " + source.displayName() + "`"
                                : "every program starts at `async fn main() -> i32 { ... }` (or without `-> i32`)");
                diags.throwIfErrors();
            }
            final Symbol.Fn entry = testFn;
            MirProgram built = verified(time("MIR", () -> MirBuilder.build(typed, debug, lineTable, entry)));
            time("async call graph", () -> new AsyncCallGraph(built).checkAcyclic(diags));
            diags.throwIfErrors();
            // MIR-level async optimizations, each followed by the verifier.
            MirProgram mir = Passes.runMir(built, opts, (pass, before, after) -> {}, Timings::time);
            MirProgram spawns = pass("certain spawns", mir, CertainSpawns::run);   // not switchable: not an async optimization
            // Neither is this; debug builds keep each print on its line, for stepping.
            MirProgram merged = debug ? spawns : pass("print merge", spawns, PrintMerge::run);
            // Nor this: channel waits lose their waiter node where runtime-c keeps no lists.
            // Part of overlap-layout: a constant or a copy of a value still held is not saved again.
            // Part of overlap-layout: a sync fn returning a constant is called for nothing.
            // Part of overlap-layout: a parameter every caller passes the same constant is that constant.
            MirProgram arguments = pass("constant arguments", merged, p -> ConstantArguments.run(p, opts, debug));
            MirProgram folded = pass("constant calls", arguments, p -> ConstantCalls.run(p, opts, debug));
            MirProgram copies = pass("copy propagation", folded, p -> CopyPropagation.run(p, opts, debug));
            MirProgram direct = pass("direct channels", copies, p -> DirectChannels.run(p, debug));
            // Nor this: sleeps lose their timer node where runtime-c keeps one deadline per task.
            MirProgram timers = pass("task timers", direct, p -> TaskTimers.run(p, debug, clockHz));
            // Part of overlap-layout: an await on a named static keeps no pointer to it.
            MirProgram fixed = pass("fixed channels", timers, p -> FixedChannels.run(p, opts, debug));
            // Part of overlap-layout: an address fixed for the whole call is computed again, not saved.
            MirProgram addresses = pass("rematerialize", fixed, p -> Rematerialize.run(p, opts, debug));
            // Part of overlap-layout: a value one constant step from another saved value is computed again.
            MirProgram recomputed = pass("recompute values", addresses, p -> RecomputeValues.run(p, opts, debug));
            // Nor this: a check the whole program proves always passes is not made.
            MirProgram done = pass("proven checks", recomputed, p -> ProvenChecks.run(p, debug));
            // Layout-level ones are applied while lowering each async fn to its state machine.
            Map<String, StateMachine> machines = time("async lowering", () -> AsyncLowering.lower(done, new AsyncCallGraph(done), LayoutPolicy.of(opts, debug, panicAbort, unalignedWords)));
            // Always: a broken layout corrupts values on the device instead of failing here, and the check is cheap.
            time("layout verifier", () -> LayoutVerifier.verify(done, machines));
            return new Analysis(done, machines);
        });
    }

    private static MirProgram verified(MirProgram mir) {
        time("MIR verifier", () -> MirVerifier.verify(mir));
        return mir;
    }

    /** One MIR pass, timed as {@code name} for `--timings`, then the verifier. */
    private static MirProgram pass(String name, MirProgram mir, java.util.function.UnaryOperator<MirProgram> pass) {
        return verified(time(name, () -> pass.apply(mir)));
    }

    public static Result compile(Path sourcePath, Options options) { return compile(sourcePath, options, null); }

    /** The `test fn`s and `test async fn`s of the file itself (not of its imports), in source order. */
    public static List<String> testNames(SourceFile source) {
        return testNames(check(source));
    }

    /** As {@link #testNames(SourceFile)}, of a file checked already. */
    public static List<String> testNames(Checked checked) {
        return tests(checked.typed()).stream().map(Symbol.Fn::qualifiedName).toList();
    }

    private static List<Symbol.Fn> tests(TypedProgram typed) {
        Module root = typed.modules.get(0);
        return typed.functions.stream()
                .filter(f -> f.decl().kind() == Item.FnKind.TEST || f.decl().kind() == Item.FnKind.TEST_ASYNC)
                .filter(f -> root.items().contains(f.decl()))
                .toList();
    }

    /** Builds the image of one test (see {@link #analyze(SourceFile, boolean, String)}); files are named `FILE.TEST.*`. */
    public static Result compile(Path sourcePath, Options options, String test) {
        SourceFile source = time("read", () -> read(sourcePath));
        return compile(check(source), options, test);
    }

    /** As {@link #compile(Path, Options, String)}, from a file checked already: each test of a file shares its check. */
    public static Result compile(Checked checked, Options options, String test) {
        SourceFile source = checked.source();
        // Every image has a DWARF line table (non-loaded sections: no flash), so that `mote run`
        // and `mote monitor` can name the source line of a fault (docs/debugging.md).
        Analysis analysis = analyze(checked, options.opts(), options.debug(), options.panicAbort(), test, true, options.board().clockHz(),
                options.board().unalignedWordAccess());
        checkInterrupts(analysis.mir(), options.board());
        BuildFolder folder = BuildFolder.open(options.outDir());
        try {
            Result result = generate(source, analysis, options, test, folder);
            folder = null;   // the caller owns the private folder now
            return result;
        } finally {
            if (folder != null) BuildFolder.discard(folder.dir());
        }
    }

    /** Code generation and linking, all inside the build's private folder; fitting outputs are then installed. */
    private static Result generate(SourceFile source, Analysis analysis, Options options, String test, BuildFolder folder) {
        return guard("code generation", source, () -> {
            Path out = folder.dir();
            String stem = moduleName(source) + (test != null ? "." + test : "");
            List<Path> emitted = new ArrayList<>();
            Board board = options.board();
            if (options.emit().contains(Emit.MIR)) {
                Path mirFile = out.resolve(stem + ".mir");
                writeString(mirFile, analysis.mirText() + "\n" + analysis.layoutText());
                emitted.add(mirFile);
            }
            List<Path> programObjects;
            boolean runtimeInObject = options.optLevel().optimisesRuntimeWithProgram();
            Map<String, Long> frames;
            Map<String, List<String>> callGraph;
            SplitCodegen.Emitted objects;
            mote.llvm.WholeProgram.Linked linked = null;
            try (LlvmCodegen codegen = new LlvmCodegen(stem);
                 LlvmBackend backend = new LlvmBackend(board.llvmTarget(), board.cpu(), board.features(), options.optLevel())) {
                backend.prepare(codegen.module());
                // Every build's ELF carries DWARF (statics, task states, functions, and a line table:
                // see MirBuilder.build): it is in no loaded section, so it costs no flash.
                codegen.enableDebugInfo();
                codegen.interruptNumbers(board.irqs());
                codegen.trackActiveInterrupts(board.llvmTarget().startsWith("thumbv6m"));
                // Debug and --backtrace builds: a fault report carries stack words, from which the host
                // unwinds a backtrace; --backtrace builds print a panic's too.
                codegen.faultStackWords(options.debug() || options.backtrace() ? 32 : 0);
                codegen.panicBacktrace(options.backtrace());
                backend.panicBacktrace(options.backtrace());
                codegen.debugBuild(options.debug());
                codegen.runtimeWithProgram(runtimeInObject);
                codegen.temporariesAsValues(options.optLevel() == LlvmBackend.OptLevel.O0);
                if (options.internedLog()) codegen.internLogs();
                time("LLVM IR", () -> codegen.generate(analysis.mir(), analysis.machines(), options.panicAbort()));
                time("LLVM verify", codegen::verify);
                // runtime-c joins the program here, so the optimiser sees both as one (issue 12).
                if (runtimeInObject) {
                    boolean forSpeed = options.optLevel().forSpeed();
                    List<Path> runtimeBitcode = time("runtime bitcode", () -> mote.link.RuntimeBuilder.standard()
                            .wholeProgramBitcode(board, forSpeed));
                    // A program without register, interrupt handler or recursion has no fault report; debug and --backtrace builds keep it.
                    boolean reportFaults = options.debug() || options.backtrace() || mote.mir.FaultSources.needsReport(analysis.mir());
                    linked = time("runtime link", () -> mote.llvm.WholeProgram.link(codegen.module(), runtimeBitcode, forSpeed, reportFaults));
                }
                // A large module is cut into partitions here, each optimised and compiled on its own thread.
                try (SplitCodegen split = time("partitioning", () -> SplitCodegen.plan(backend, codegen.module(), options.codegenUnits()))) {
                    time("LLVM optimisation", split::optimise);
                    if (options.emit().contains(Emit.LL)) {
                        Path ll = out.resolve(stem + ".ll");
                        writeString(ll, split.printIr());
                        emitted.add(ll);
                    }
                    Path asm = options.emit().contains(Emit.ASM) ? out.resolve(stem + ".s") : null;
                    if (asm != null) emitted.add(asm);
                    // For the worst-case stack report: who calls whom, and each function's frame (from code generation).
                    callGraph = time("call graph", split::callGraph);
                    objects = time("object emission", () -> split.emit(out, stem, asm));
                }
                programObjects = objects.objects();
                frames = objects.frames();
                if (options.internedLog()) writeString(out.resolve(stem + ".mote_log"), codegen.internedFormats());
                // -O 2 may fold the task table away: the decoders then name tasks from this section.
                String taskNames = options.optLevel() == LlvmBackend.OptLevel.O2 ? codegen.taskNamesJson() : null;
                if (taskNames != null) writeString(out.resolve(stem + ".mote_tasks"), taskNames);
                else deleteIfExists(out.resolve(stem + ".mote_tasks"));
            }
            Path elf = out.resolve(stem + ".elf");
            Optional<Path> map = options.emit().contains(Emit.MAP) ? Optional.of(out.resolve(stem + ".map")) : Optional.empty();
            // An image that does not fit is still linked (unbounded) and measured: the report comes first.
            time("link", () -> Linker.standard().linkOrMeasure(board, programObjects, runtimeInObject, elf, map));
            if (options.internedLog()) time("link", () -> Linker.standard().addInfoSection(elf, ".mote_log", out.resolve(stem + ".mote_log")));
            if (Files.exists(out.resolve(stem + ".mote_tasks")))
                time("link", () -> Linker.standard().addInfoSection(elf, ".mote_tasks", out.resolve(stem + ".mote_tasks")));
            ImageSize size = time("image size", () -> ImageSize.of(elf, board));
            if (linked != null && !linked.hasData() && size.data() != 0)   // startup would not copy it
                throw new IllegalStateException("the image has " + size.data() + " bytes of .data, but its startup was built to copy none");
            emitted.add(elf);
            if (options.emit().contains(Emit.BIN)) emitted.add(time("images", () -> Images.standard().bin(elf)));
            if (options.emit().contains(Emit.HEX)) emitted.add(time("images", () -> Images.standard().hex(elf)));
            if (options.emit().contains(Emit.UF2)) emitted.add(time("images", () -> Images.uf2(elf, board)));
            map.ifPresent(emitted::add);
            String overflow = Linker.overflowMessage(board, size);
            List<Path> installed = overflow == null ? folder.install(emitted) : List.of();
            return new Result(elf, analysis.mir(), analysis.machines(), size, installed, overflow, frames, callGraph, folder.dir(), runtimeInObject);
        });
    }

    /**
     * Every `interrupt NAME()` must name an interrupt of the board (E0417): names differ per chip;
     * and no two handlers may name one vector under two of its names (E0426): a vector holds
     * one handler, and the other would be dropped without a word.
     */
    private static void checkInterrupts(MirProgram mir, Board board) {
        Diagnostics diags = new Diagnostics();
        Map<Integer, String> handled = new java.util.HashMap<>();
        for (mote.mir.MirFn f : mir.functions()) {
            String name = f.interrupt();
            if (name == null) continue;
            if (board.irqs().containsKey(name)) {
                String other = handled.putIfAbsent(board.irqs().get(name), name);
                if (other != null && !other.equals(name))
                    diags.error("E0426", f.span(), "`" + name + "` is interrupt " + board.irqs().get(name) + " on board `" + board.name()
                            + "`, which `interrupt " + other + "()` handles already: one vector has one handler",
                            "the board names that interrupt both `" + other + "` and `" + name + "`: handle it once");
                continue;
            }
            String close = mote.diag.Suggest.closest(name, new ArrayList<>(new java.util.TreeSet<>(board.irqs().keySet())));   // sorted: ties resolve the same way every run
            diags.error("E0417", f.span(), "board `" + board.name() + "` has no interrupt named `" + name + "`",
                    name.equals("SysTick") ? "SysTick belongs to the runtime, which keeps time with it: use sleep_ms/sleep_us and ticks()"
                            : close != null ? "did you mean `" + close + "`?" : "its interrupts are listed under \"irqs\" in boards/" + board.name() + ".json");
        }
        diags.throwIfErrors();
    }

    public static String moduleName(SourceFile source) {
        return Modules.moduleName(source);
    }

    private interface Phase<T> { T run(); }

    /**
     * The stack of the thread each phase runs on ({@link #guard}). Walks over the program
     * recurse in places (expressions, the async call graph, LLVM's own passes over deeply
     * inlined code), so a 2,000-deep await chain overflowed the default 1 MB stack of the main
     * thread: in Java a StackOverflowError, in LLVM a segfault of the whole JVM. It is address
     * space only: the kernel backs the pages a build touches.
     */
    static final long STACK_BYTES = 1L << 30;

    /**
     * Lets program and tool errors through; turns anything else into an internal compiler error.
     * Runs {@code body} on a thread of its own with a {@link #STACK_BYTES} stack and waits for
     * it (carrying the caller's `--timings` recording over).
     */
    private static <T> T guard(String phase, SourceFile source, Phase<T> body) {
        return onLargeStack(() -> guardHere(phase, source, body));
    }

    private static <T> T onLargeStack(Phase<T> body) {
        Timings timings = Timings.current();
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread worker = new Thread(null, () -> {
            Timings.adopt(timings);
            try {
                result[0] = body.run();
            } catch (Throwable t) {
                failure[0] = t;
            } finally {
                Timings.adopt(null);
            }
        }, "mote-compile", STACK_BYTES);
        worker.setDaemon(true);   // never keeps a JVM alive whose caller gave up on it
        try {
            worker.start();
        } catch (OutOfMemoryError e) {
            return body.run();   // no address space for the stack (a ulimit): the caller's stack, as before
        }
        boolean interrupted = false;
        while (true) {
            try {
                worker.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;   // the build's threads and LLVM state are its own: let it finish, then pass the interrupt on
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        Throwable t = failure[0];
        if (t instanceof RuntimeException e) throw e;
        if (t instanceof Error e) throw e;
        if (t != null) throw new IllegalStateException(t);
        @SuppressWarnings("unchecked") T value = (T) result[0];
        return value;
    }

    private static <T> T guardHere(String phase, SourceFile source, Phase<T> body) {
        try {
            return body.run();
        } catch (CompileError | ToolError e) {
            throw e;
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            throw new InternalCompilerError(phase, source.displayName(), e);
        }
    }

    private static void deleteIfExists(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw ToolError.io("delete", file, e);
        }
    }

    private static void writeString(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw ToolError.io("write", file, e);
        }
    }
}

package mote.lsp;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mote.Compiler;
import mote.board.Board;
import mote.diag.CompileError;
import mote.diag.ToolError;
import mote.llvm.LlvmBackend;
import mote.opt.Optimization;
import mote.project.Manifest;
import mote.project.Project;
import mote.size.StackUsage;
import mote.size.TaskReport;

/**
 * A full build of a saved file, as {@code mote build} does it for the file's board (its
 * project's, else the default), for what only machine code tells: each task's worst-case poll
 * stack and its RAM, and the image's flash and RAM. Slow (LLVM and the link), so the server runs
 * it when a file is opened or saved, off the thread that answers requests.
 *
 * @param tasks by MIR function name (`main`, each `task fn`), with their pool sizes
 * @param error why there is no build (the program has errors, say), or null
 */
record TaskBuild(String board, Map<String, TaskReport.Task> tasks, Map<String, Integer> pools, long flash, long ram, String error) {
    /** The board a file is built for: its project's (release profile), else the default. */
    static Board boardFor(Path file) {
        return Project.find(file).map(p -> p.manifestBoard("release")).orElseGet(() -> Board.load(Board.DEFAULT_NAME));
    }

    static TaskBuild of(Path file, Path outDir) {
        String boardName = Board.DEFAULT_NAME;
        try {
            var project = Project.find(file);
            Manifest.Settings settings = project.map(p -> p.manifest().settings("release")).orElse(Manifest.Settings.NONE);
            Board board = boardFor(file);
            boardName = board.name();
            LlvmBackend.OptLevel level = settings.optLevel() == null ? LlvmBackend.OptLevel.S : LlvmBackend.OptLevel.parse(settings.optLevel());
            Compiler.Options options = Compiler.Options.defaults(board, outDir)
                    .withOpts(Optimization.parse(settings.opt() == null ? "all" : settings.opt()))
                    .withPanicAbort(!"task".equals(settings.panic()))
                    .withOptLevel(level);
            Compiler.Result result = Compiler.compile(file, options);
            try {
                Map<String, TaskReport.Task> tasks = new LinkedHashMap<>();
                Map<String, Integer> pools = new LinkedHashMap<>();
                if (result.mir().mainFunction() != null) {
                    List<TaskReport.Task> report = TaskReport.of(result, StackUsage.measure(result, board));
                    for (TaskReport.Task t : report) tasks.put(t.name(), t);
                    pools.put(result.mir().mainFunction(), 1);
                    for (var t : result.mir().tasks()) pools.put(t.function(), t.poolSize());
                }
                return new TaskBuild(boardName, tasks, pools, result.size().flash(), result.size().ram(), null);
            } finally {
                result.discard();
            }
        } catch (CompileError e) {
            return failed(boardName, "the saved file has errors");
        } catch (ToolError e) {
            return failed(boardName, e.getMessage());
        } catch (RuntimeException e) {
            return failed(boardName, "internal compiler error: " + e);
        }
    }

    private static TaskBuild failed(String board, String why) {
        return new TaskBuild(board, Map.of(), Map.of(), 0, 0, why);
    }
}

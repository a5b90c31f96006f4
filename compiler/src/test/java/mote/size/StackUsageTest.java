package mote.size;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import mote.Compiler;
import mote.home.MoteHome;
import mote.board.Board;
import mote.testutil.ProgramRunner;
import mote.testutil.TestFiles;
import org.junit.jupiter.api.Test;

/** The per-task report: state bytes and the worst-case stack of one poll, from real frame sizes. */
class StackUsageTest {
    static final Board BOARD = Board.load(Board.DEFAULT_NAME);

    @Test
    void mainTaskHasABoundedPollStackMadeOfRealFrames() {
        Compiler.Result r = Compiler.compile(MoteHome.get().resolve("examples").resolve("forwarding.mote"),
                Compiler.Options.defaults(BOARD, ProgramRunner.tempDir()));
        List<TaskReport.Task> tasks = TaskReport.of(r, BOARD);
        assertEquals(1, tasks.size());
        TaskReport.Task main = tasks.get(0);
        assertEquals("main", main.name());
        assertEquals(r.machines().get("main").size(), main.stateBytes());
        assertTrue(main.pollStack() > 0, main.toString());
        // The chain lists each frame; their sum is the total.
        // One task: its poll is inlined into the executor, and measured from there.
        StackUsage.Worst w = StackUsage.measure(r, BOARD).poll("main");
        long sum = 0;
        for (String step : w.path()) sum += Long.parseLong(step.substring(step.lastIndexOf(' ') + 1));
        assertEquals(w.bytes(), sum, w.describe());
        assertEquals(main.pollStack(), w.bytes(), w.describe());
        assertTrue(w.path().get(0).startsWith("mote_executor_run "), w.describe());
        assertTrue(w.path().stream().anyMatch(s -> s.startsWith("mote_print_")), "runtime frames count too: " + w.describe());
    }

    /**
     * The frames are those of the code that is linked: for every program function in the image,
     * the bytes its prologue reserves (`push {...}` and `sub sp, #N`) are the frame the report
     * uses. (They once came from llc re-running code generation on a module the first code
     * generation had already changed, and main.task of hello.mote came out 8 bytes short.)
     */
    @Test
    void programFramesAreTheFramesOfTheLinkedCode() {
        for (String example : List.of("hello.mote", "forwarding.mote", "firmware.mote")) {
            Compiler.Result r = Compiler.compile(MoteHome.get().resolve("examples").resolve(example),
                    Compiler.Options.defaults(BOARD, ProgramRunner.tempDir()));
            StackUsage usage = StackUsage.measure(r, BOARD);
            mote.home.Toolchain tc = mote.home.Toolchain.get();
            String asm = tc.check(tc.llvmObjdump(), List.of("-d", "--no-show-raw-insn", r.elf().toString()));
            int checked = 0;
            // The program's functions, and the executor its one-task polls are inlined into.
            java.util.regex.Matcher fn = java.util.regex.Pattern.compile("(?m)^[0-9a-f]+ <(_M[^>]+|mote_executor_run)>:\n((?:.*\n){0,3})").matcher(asm);
            while (fn.find()) {
                long prologue = 0;
                for (String line : fn.group(2).split("\n")) {
                    java.util.regex.Matcher push = java.util.regex.Pattern.compile("\\tpush(?:\\.w)?\\t\\{([^}]*)\\}").matcher(line);
                    java.util.regex.Matcher sub = java.util.regex.Pattern.compile("\\tsub(?:\\.w)?\\tsp, (?:sp, )?#(0x[0-9a-f]+|\\d+)").matcher(line);
                    if (push.find()) prologue += 4L * push.group(1).split(",").length;
                    else if (sub.find()) prologue += Long.decode(sub.group(1));
                }
                String name = mote.llvm.SymbolNames.demangle(fn.group(1));
                assertEquals(prologue, usage.frame(name), example + ": " + name + "\n" + fn.group(0));
                checked++;
            }
            assertTrue(checked > 0, asm);
        }
    }

    @Test
    void recursionIsReportedAsUnbounded() {
        Compiler.Result r = Compiler.compile(TestFiles.resources("opt").resolve("recursive.mote"),
                Compiler.Options.defaults(BOARD, ProgramRunner.tempDir()));
        TaskReport.Task main = TaskReport.of(r, BOARD).get(0);
        assertEquals(-1, main.pollStack());
        assertTrue(main.stackPath().contains("unbounded: recursion through fib -> fib"), main.stackPath());
        assertFalse(TaskReport.text(List.of(main)).isEmpty());
    }
}

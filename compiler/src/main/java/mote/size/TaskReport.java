package mote.size;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import mote.Compiler;
import mote.async.StateMachine;
import mote.board.Board;

/** Per task: the bytes of its state object and the worst-case stack of one poll. */
public final class TaskReport {
    private TaskReport() {}

    /** {@code pollStack} is -1 when recursion makes it unbounded. */
    public record Task(String name, long stateBytes, long pollStack, String stackPath) {}

    /** The executor's entry for each task; the main task's poll goes through mote_program_poll_main. */
    public static List<Task> of(Compiler.Result build, Board board) {
        List<Task> tasks = new ArrayList<>();
        String main = build.mir().mainFunction();
        if (main == null) return tasks;
        StackUsage stack = StackUsage.measure(build, board);
        StateMachine m = build.machines().get(main);
        StackUsage.Worst w = stack.worst("mote_program_poll_main");
        tasks.add(new Task(main, m == null ? 0 : m.size(), w.bounded() ? w.bytes() : -1, w.describe()));
        return tasks;
    }

    public static String text(List<Task> tasks) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-16s %11s %16s  %s%n", "Task", "State size", "Poll stack (max)", "deepest chain (frame bytes)"));
        for (Task t : tasks) {
            sb.append(String.format(Locale.ROOT, "%-16s %9d B %16s  %s%n", t.name(), t.stateBytes(),
                    t.pollStack() < 0 ? "unbounded" : t.pollStack() + " B", t.stackPath()));
        }
        return sb.toString();
    }
}

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

    /** {@code pollStack} is -1 when recursion or a call through a pointer makes it unbounded. */
    public record Task(String name, long stateBytes, long pollStack, String stackPath) {}

    /**
     * Each task the executor polls (main, then every `task fn`), from its poll entry in the task
     * table (`<task>.task`); the state bytes are those of one instance.
     */
    public static List<Task> of(Compiler.Result build, Board board) {
        return build.mir().mainFunction() == null ? new ArrayList<>() : of(build, StackUsage.measure(build, board));
    }

    /** As {@link #of(Compiler.Result, Board)}, from frames and calls already measured. */
    public static List<Task> of(Compiler.Result build, StackUsage stack) {
        List<Task> tasks = new ArrayList<>();
        String main = build.mir().mainFunction();
        if (main == null) return tasks;
        List<String> names = new ArrayList<>();
        names.add(main);
        for (var t : build.mir().tasks()) names.add(t.function());
        for (String name : names) {
            StateMachine m = build.machines().get(name);
            StackUsage.Worst w = stack.poll(name);
            tasks.add(new Task(name, m == null ? 0 : m.size(), w.bounded() ? w.bytes() : -1, w.describe()));
        }
        return tasks;
    }

    /** Each task's worst-case poll stack in words, by task name: what a fault report names on a stack overflow. */
    public static java.util.Map<String, String> worstCases(List<Task> tasks) {
        java.util.Map<String, String> out = new java.util.HashMap<>();
        for (Task t : tasks) out.put(t.name(), t.pollStack() < 0 ? t.stackPath() : t.pollStack() + " B of poll stack, " + t.stackPath());
        return out;
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

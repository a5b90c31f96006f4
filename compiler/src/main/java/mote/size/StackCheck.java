package mote.size;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mote.Compiler;
import mote.board.Board;
import mote.diag.ToolError;

/**
 * Whether the worst-case stack fits the board's stack (`stack-size`), as {@code Linker}'s
 * overflow check does for flash and RAM. Everything runs on the one main stack: below a poll
 * are the frames of Reset_Handler and the executor's loop; on top of the deepest poll of any
 * task ({@link TaskReport}) the deepest interrupt handler may run (handlers share one priority,
 * so they do not nest), after the core has pushed its exception frame. When any of those is
 * unbounded (recursion, a call through a pointer) nothing can be known, and the report says
 * so instead of printing a number; only a known overflow fails the build.
 *
 * @param needed   worst-case bytes, or -1 when unbounded
 * @param unbounded why no bound is known (null when bounded)
 * @param overflow the error message when {@code needed} exceeds the stack (null when it fits or is unbounded)
 */
public record StackCheck(long needed, long stackSize, String unbounded, String summary, String overflow) {
    /**
     * Bytes the core pushes on exception entry: 8 words, 26 with the FPU's context (lazy
     * stacking reserves it), and up to one word of padding first, to align the frame to 8
     * bytes (CCR.STKALIGN, set out of reset on every core Mote builds for).
     */
    static final int EXCEPTION_FRAME = 36, EXCEPTION_FRAME_FPU = 108;

    static final String EXECUTOR = "mote_executor_run";

    /** The frames below every poll: startup, then the executor's loop. */
    static final List<String> BASE = List.of("Reset_Handler", EXECUTOR);

    /**
     * What a fault report names on a stack overflow: each task's worst case by name, and under
     * {@link mote.decode.FaultDecoder#WHOLE_STACK} this check's summary (which names the deepest or
     * unbounded interrupt handler).
     */
    public java.util.Map<String, String> faultFigures(List<TaskReport.Task> tasks) {
        java.util.Map<String, String> figures = new java.util.HashMap<>(TaskReport.worstCases(tasks));
        figures.put(mote.decode.FaultDecoder.WHOLE_STACK, summary);
        return figures;
    }

    /** {@link #faultFigures} of a build, measured here. */
    public static java.util.Map<String, String> faultFigures(Compiler.Result build, Board board) {
        if (build.mir().mainFunction() == null) return java.util.Map.of();
        StackUsage stack = StackUsage.measure(build, board);
        List<TaskReport.Task> tasks = TaskReport.of(build, stack);
        return of(build, board, stack, tasks).faultFigures(tasks);
    }

    public static StackCheck of(Compiler.Result build, Board board) {
        StackUsage stack = StackUsage.measure(build, board);
        return of(build, board, stack, TaskReport.of(build, stack));
    }

    public static StackCheck of(Compiler.Result build, Board board, StackUsage stack, List<TaskReport.Task> tasks) {
        long base = 0;
        for (String f : BASE) base += stack.frame(f);
        TaskReport.Task deepestTask = null;
        long deepestPoll = 0;
        for (TaskReport.Task t : tasks) {
            if (t.pollStack() < 0) return unbounded(board, "the poll of `" + t.name() + "` is " + t.stackPath());
            // A poll inlined into the executor (StackUsage.poll) is measured from the executor's
            // frame, which `base` counts already.
            long above = stack.pollInlined(t.name()) ? t.pollStack() - stack.frame(EXECUTOR) : t.pollStack();
            if (deepestTask == null || above > deepestPoll) {
                deepestTask = t;
                deepestPoll = above;
            }
        }
        String deepestHandler = null;
        long handlerBytes = 0;
        for (String handler : handlers(build, stack)) {
            StackUsage.Worst w = stack.worst(handler);
            String name = handlerName(handler, board);
            if (!w.bounded()) return unbounded(board, "interrupt handler " + name + " is " + w.describe());
            if (deepestHandler == null || w.bytes() > handlerBytes) {
                deepestHandler = name;
                handlerBytes = w.bytes();
            }
        }
        long poll = deepestPoll;
        // What the executor calls itself (the exit when no task is left, a poll inlined into
        // it) goes as deep as a poll may: the deeper of the two counts.
        StackUsage.Worst own = stack.worstDirect(EXECUTOR);
        if (!own.bounded()) return unbounded(board, "the executor is " + own.describe());
        long executorCalls = own.bytes() - stack.frame(EXECUTOR);
        boolean executorDeeper = executorCalls > poll;
        if (executorDeeper) poll = executorCalls;
        long frame = deepestHandler == null ? 0 : "hard".equals(board.floatAbi()) ? EXCEPTION_FRAME_FPU : EXCEPTION_FRAME;
        long needed = base + poll + handlerBytes + frame;
        StringBuilder parts = new StringBuilder();
        parts.append(base).append(" B startup and executor + ").append(poll).append(" B deepest poll");
        if (executorDeeper) parts.append(" (the executor's own calls)");
        else if (deepestTask != null) parts.append(" (").append(deepestTask.name()).append(")");
        if (deepestHandler != null)
            parts.append(" + ").append(frame).append(" B exception entry + ").append(handlerBytes)
                    .append(" B deepest interrupt handler (").append(deepestHandler).append(")");
        String summary = "Stack (worst case): " + needed + " B of " + board.stackSize() + " B = " + parts;
        String overflow = needed <= board.stackSize() ? null
                : "the program's worst-case stack does not fit on board `" + board.name() + "`: it needs " + needed
                + " bytes, the stack has " + board.stackSize() + " (overflowed by " + (needed - board.stackSize()) + " bytes)"
                + "\n  = note: " + parts
                + "\n  = help: make the largest locals on that chain smaller (or `static`), or raise `stack-size` in "
                + board.file().getFileName();
        return new StackCheck(needed, board.stackSize(), null, summary, overflow);
    }

    private static StackCheck unbounded(Board board, String why) {
        return new StackCheck(-1, board.stackSize(), why,
                "Stack (worst case): unbounded, so the " + board.stackSize() + "-byte stack may overflow: " + why, null);
    }

    /** The interrupt handlers in the image: the program's `interrupt` fns and runtime-c's SysTick (timers). */
    private static List<String> handlers(Compiler.Result build, StackUsage stack) {
        List<String> handlers = new ArrayList<>();
        for (String f : build.callGraph().keySet()) if (f.startsWith("mote_irq_")) handlers.add(f);
        handlers.sort(null);
        if (stack.has("SysTick_Handler")) handlers.add("SysTick_Handler");
        return handlers;
    }

    /** `mote_irq_5` is `interrupt UART0` when the board names it so. */
    private static String handlerName(String symbol, Board board) {
        if (!symbol.startsWith("mote_irq_")) return symbol;
        String number = symbol.substring("mote_irq_".length());
        for (Map.Entry<String, Integer> e : board.irqs().entrySet())
            if (String.valueOf(e.getValue()).equals(number)) return "`" + e.getKey() + "`";
        return symbol;
    }

    public boolean bounded() { return unbounded == null; }

    public boolean fits() { return overflow == null; }

    /** Fails the build, as an image too large for flash or RAM does, when the stack is known not to fit. */
    public void requireFits() {
        if (!fits()) throw new ToolError(overflow);
    }

    public String text() { return summary + "\n"; }
}

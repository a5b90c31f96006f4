package mote.home;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * `--timings`: wall time and allocated memory per phase of a build, printed as a table after
 * it. The pipeline wraps each phase in {@link #time}; when no recorder is active on the thread
 * (the default) that is just the call. Phases may nest (the runtime build inside the link): a
 * phase's row counts only its own time, so the rows add up to the total. A phase run more than
 * once (the MIR verifier after each pass, one build per optimization in `mote size`) is one row.
 */
public final class Timings {
    private static final ThreadLocal<Timings> CURRENT = new ThreadLocal<>();
    private static final com.sun.management.ThreadMXBean THREADS = threadBean();

    /** Time and bytes of one phase, summed over its runs. */
    private static final class Row {
        long nanos, bytes;
        int runs;
    }

    /** A phase in progress: what its nested phases took, to leave out of its own row. */
    private static final class Frame {
        final long startNanos = System.nanoTime(), startBytes = allocated();
        long childNanos, childBytes;
    }

    private final Map<String, Row> rows = new LinkedHashMap<>();
    private final Deque<Frame> open = new ArrayDeque<>();
    private final long startNanos = System.nanoTime(), startBytes = allocated();
    private long endNanos = -1, endBytes;

    private Timings() {}

    /** Starts recording the phases run on this thread from now on. */
    public static Timings start() {
        Timings t = new Timings();
        CURRENT.set(t);
        return t;
    }

    /** The recording of this thread's phases, or null. */
    public static Timings current() {
        return CURRENT.get();
    }

    /**
     * Records this thread's phases into {@code t} (null: none), for work a thread hands to
     * another and waits for: one thread at a time records into a recording. The allocated
     * bytes of a phase are the running thread's, so a phase must start and end on one thread.
     */
    public static void adopt(Timings t) {
        if (t == null) CURRENT.remove();
        else CURRENT.set(t);
    }

    /** Stops recording; {@link #table} then covers the time up to here. */
    public void stop() {
        if (CURRENT.get() == this) CURRENT.remove();
        endNanos = System.nanoTime();
        endBytes = allocated();
    }

    /** Runs {@code body} as phase {@code name} of the current recording, if there is one. */
    public static <T> T time(String name, Supplier<T> body) {
        Timings t = CURRENT.get();
        if (t == null) return body.get();
        Frame frame = new Frame();
        t.open.push(frame);
        try {
            return body.get();
        } finally {
            t.open.pop();
            long nanos = System.nanoTime() - frame.startNanos, bytes = allocated() - frame.startBytes;
            Row row = t.rows.computeIfAbsent(name, k -> new Row());
            row.nanos += nanos - frame.childNanos;
            row.bytes += bytes - frame.childBytes;
            row.runs++;
            Frame parent = t.open.peek();
            if (parent != null) {
                parent.childNanos += nanos;
                parent.childBytes += bytes;
            }
        }
    }

    public static void time(String name, Runnable body) {
        time(name, () -> {
            body.run();
            return null;
        });
    }

    /** The phases in the order they first ran, their share of the total, and the total. */
    public String table() {
        long end = endNanos >= 0 ? endNanos : System.nanoTime(), endAlloc = endNanos >= 0 ? endBytes : allocated();
        long total = end - startNanos, totalBytes = endAlloc - startBytes;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-28s %10s %6s %12s%n", "phase", "time", "share", "allocated"));
        long phaseNanos = 0, phaseBytes = 0;
        for (Map.Entry<String, Row> e : rows.entrySet()) {
            Row r = e.getValue();
            String name = r.runs > 1 ? e.getKey() + " (" + r.runs + "x)" : e.getKey();
            sb.append(line(name, r.nanos, total, r.bytes));
            phaseNanos += r.nanos;
            phaseBytes += r.bytes;
        }
        sb.append(line("other", total - phaseNanos, total, totalBytes - phaseBytes));
        sb.append(line("total", total, total, totalBytes));
        sb.append(String.format(Locale.ROOT, "peak heap %.1f MB%n", peakHeap() / 1e6));
        return sb.toString();
    }

    /** The total wall time recorded so far, in nanoseconds. */
    public long totalNanos() {
        return (endNanos >= 0 ? endNanos : System.nanoTime()) - startNanos;
    }

    private static String line(String name, long nanos, long total, long bytes) {
        double share = total == 0 ? 0 : 100.0 * nanos / total;
        return String.format(Locale.ROOT, "%-28s %7.0f ms %5.1f%% %9.1f MB%n", name, nanos / 1e6, share, Math.max(bytes, 0) / 1e6);
    }

    private static long allocated() {
        return THREADS == null ? 0 : THREADS.getCurrentThreadAllocatedBytes();
    }

    private static long peakHeap() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) peak += pool.getPeakUsage().getUsed();
        }
        return peak;
    }

    private static com.sun.management.ThreadMXBean threadBean() {
        try {
            var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            return bean.isThreadAllocatedMemorySupported() && bean.isThreadAllocatedMemoryEnabled() ? bean : null;
        } catch (ClassCastException | UnsupportedOperationException e) {
            return null;   // a JVM without HotSpot's extension: times only
        }
    }
}

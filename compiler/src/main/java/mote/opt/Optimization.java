package mote.opt;

import java.util.EnumSet;
import java.util.Set;
import mote.diag.ToolError;

/**
 * The switchable optimizations, by their stable command-line names (toolchain.md). Each is
 * one pass class named after it. `--opt none` is the rustc-like baseline.
 */
public enum Optimization {
    RETURNED_PENDING("returned-pending", "polling a finished future returns Pending instead of panicking"),
    DROP_PANICKED("drop-panicked", "no Panicked state under --panic=abort"),
    READY_FOLD("ready-fold", "an async fn that can never suspend is a plain call"),
    INLINE("inline", "a callee's state machine is inlined into its caller (size cost model)"),
    MERGE_STATES("merge-states", "await states on the same callee that continue alike become one"),
    EAGER_START("eager-start", "a future runs to its first suspension in the caller's poll: no Unresumed state"),
    OVERLAP_LAYOUT("overlap-layout", "values never saved across the same suspension share storage");

    public final String cliName;
    public final String summary;

    Optimization(String cliName, String summary) {
        this.cliName = cliName;
        this.summary = summary;
    }

    public static Optimization byName(String name) {
        for (Optimization o : values()) if (o.cliName.equals(name)) return o;
        return null;
    }

    /**
     * `none`, `all`, or a comma list of names where `-name` drops one (`all,-inline`).
     * Unknown names are a usage error listing the valid ones.
     */
    public static Set<Optimization> parse(String spec) {
        Set<Optimization> set = EnumSet.noneOf(Optimization.class);
        for (String raw : spec.split(",")) {
            String item = raw.trim();
            if (item.isEmpty()) continue;
            if (item.equals("all")) { set.addAll(EnumSet.allOf(Optimization.class)); continue; }
            if (item.equals("none")) { set.clear(); continue; }
            boolean remove = item.startsWith("-");
            String name = remove ? item.substring(1) : item;
            Optimization o = byName(name);
            if (o == null) {
                StringBuilder names = new StringBuilder();
                for (Optimization v : values()) names.append(names.length() == 0 ? "" : ", ").append(v.cliName);
                throw new ToolError("unknown optimization `" + name + "` in --opt; use none, all, or: " + names, 2);
            }
            if (remove) set.remove(o); else set.add(o);
        }
        return set;
    }

    @Override public String toString() { return cliName; }
}

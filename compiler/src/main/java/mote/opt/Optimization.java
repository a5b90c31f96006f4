package mote.opt;

import java.util.EnumSet;
import java.util.Set;
import mote.diag.ToolError;

/**
 * The switchable optimizations, by their stable command-line names (toolchain.md). Each is
 * one pass class named after it, holding all of its code: a {@link MirPass} or a
 * {@link LayoutPass}, listed in {@link Passes}. `--opt none` is the rustc-like baseline.
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
     * `all` or `none` may only come first; a list without either starts from none. Anything
     * that cannot mean what it says is a usage error: an empty list or entry, a name given
     * twice, `all,none`, or `-name` where there is nothing to drop.
     */
    public static Set<Optimization> parse(String spec) {
        String[] items = spec.split(",", -1);
        if (spec.isBlank()) throw usage("--opt is empty; use all, none, or a list of names (all,-inline)");
        Set<Optimization> set = EnumSet.noneOf(Optimization.class);
        Set<Optimization> named = EnumSet.noneOf(Optimization.class);
        boolean startsFromAll = false;
        for (int i = 0; i < items.length; i++) {
            String item = items[i].trim();
            if (item.isEmpty()) throw usage("--opt `" + spec + "` has an empty entry; remove the extra comma");
            if (item.equals("all") || item.equals("none")) {
                if (i > 0) {
                    throw usage("--opt `" + spec + "`: `" + item + "` may only come first"
                            + (items[0].trim().matches("all|none") ? " (and only once)" : "")
                            + "; it would undo the entries before it");
                }
                startsFromAll = item.equals("all");
                if (startsFromAll) set.addAll(EnumSet.allOf(Optimization.class));
                continue;
            }
            boolean remove = item.startsWith("-");
            String name = remove ? item.substring(1) : item;
            Optimization o = byName(name);
            if (o == null) {
                StringBuilder names = new StringBuilder();
                for (Optimization v : values()) names.append(names.length() == 0 ? "" : ", ").append(v.cliName);
                throw usage("unknown optimization `" + name + "` in --opt; use none, all, or: " + names);
            }
            if (!named.add(o)) throw usage("--opt `" + spec + "` names `" + name + "` twice");
            if (remove && !startsFromAll) {
                throw usage("--opt `" + spec + "`: `-" + name + "` drops an optimization that is not on; start the list with `all`");
            }
            if (!remove && startsFromAll) {
                throw usage("--opt `" + spec + "`: `" + name + "` is already in `all`");
            }
            if (remove) set.remove(o); else set.add(o);
        }
        return set;
    }

    private static ToolError usage(String message) {
        return new ToolError(message, 2);
    }

    @Override public String toString() { return cliName; }
}

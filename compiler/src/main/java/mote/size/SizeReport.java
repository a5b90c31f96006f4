package mote.size;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mote.Compiler;
import mote.async.StateMachine;
import mote.link.ImageSize;
import mote.opt.Optimization;

/**
 * What `mote size` reports: the program built as the baseline (`--opt none`), with each
 * optimization alone on top of it, and with all of them; the image sections of each, and the
 * state machines of every async fn and task under the baseline and under all. {@code overflow}
 * is set when the fully optimized image does not fit the board (the report is complete anyway).
 */
public record SizeReport(String program, String board, List<Variant> variants, List<FnRow> functions,
                         List<TaskReport.Task> tasks,
                         @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                         String overflow) {

    /** One build of the program. {@code taskStateBytes}: the state objects of all tasks (main), nested awaitees included. */
    public record Variant(String name, long text, long rodata, long data, long bss, long flash, long ram,
                          long taskStateBytes, long flashDelta, double flashDeltaPercent, long ramDelta) {}

    /** An async fn or task: its states and bytes under the baseline and under all (0/0 when optimized away). */
    public record FnRow(String name, int baselineStates, int baselineBytes, int allStates, int allBytes, String fate) {}

    public static SizeReport measure(Path source, Compiler.Options options) {
        List<String> names = new ArrayList<>();
        List<Set<Optimization>> sets = new ArrayList<>();
        names.add("baseline");
        sets.add(EnumSet.noneOf(Optimization.class));
        for (Optimization o : Optimization.values()) {
            names.add(o.cliName);
            sets.add(EnumSet.of(o));
        }
        names.add("all");
        sets.add(EnumSet.allOf(Optimization.class));

        List<Variant> variants = new ArrayList<>();
        Map<String, StateMachine> baselineMachines = null, allMachines = null;
        Set<String> foldedAll = Set.of();
        String overflow = null;
        List<TaskReport.Task> tasks = List.of();
        long baseFlash = 0, baseRam = 0;
        for (int i = 0; i < names.size(); i++) {
            Path dir = options.outDir().resolve("size-" + names.get(i));
            Compiler.Result r = Compiler.compile(source, options.withOpts(sets.get(i)).withOutDir(dir));
            ImageSize s = r.size();
            long taskState = 0;
            if (r.mir().mainFunction() != null && r.machines().containsKey(r.mir().mainFunction()))
                taskState += r.machines().get(r.mir().mainFunction()).size();
            for (var t : r.mir().tasks())
                if (r.machines().containsKey(t.function())) taskState += (long) t.poolSize() * r.machines().get(t.function()).size();
            if (i == 0) {
                baseFlash = s.flash();
                baseRam = s.ram();
                baselineMachines = r.machines();
            }
            if (i == names.size() - 1) {
                allMachines = r.machines();
                overflow = r.overflow();
                tasks = TaskReport.of(r, options.board());
                foldedAll = new java.util.HashSet<>();
                for (var f : r.mir().functions()) if (!f.isAsync()) foldedAll.add(f.name());
            }
            long delta = s.flash() - baseFlash;
            variants.add(new Variant(names.get(i), s.text(), s.rodata(), s.data(), s.bss(), s.flash(), s.ram(), taskState,
                    delta, baseFlash == 0 ? 0 : 100.0 * delta / baseFlash, s.ram() - baseRam));
            r.discard();   // everything needed from the image is measured
        }
        List<FnRow> rows = new ArrayList<>();
        for (StateMachine m : baselineMachines.values()) {
            StateMachine after = allMachines.get(m.function());
            String fate = after != null ? "state machine" : foldedAll.contains(m.function()) ? "plain call (ready-fold)" : "inlined";
            rows.add(new FnRow(m.function(), m.states().size(), m.size(),
                    after == null ? 0 : after.states().size(), after == null ? 0 : after.size(), fate));
        }
        String program = source.getFileName().toString();
        return new SizeReport(program, options.board().name(), variants, rows, tasks, overflow);
    }

    public Variant variant(String name) {
        for (Variant v : variants) if (v.name().equals(name)) return v;
        throw new IllegalArgumentException(name);
    }

    public Map<String, FnRow> functionsByName() {
        Map<String, FnRow> m = new LinkedHashMap<>();
        for (FnRow r : functions) m.put(r.name(), r);
        return m;
    }
}

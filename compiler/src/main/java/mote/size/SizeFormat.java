package mote.size;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Locale;

/** The size report as a text table, Markdown (for CI comments) or JSON (keys: docs/optimizations.md, "JSON keys"). */
public final class SizeFormat {
    private SizeFormat() {}

    /** Reading (a baseline), text after the object or a key given twice is an error. */
    public static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    public static String json(SizeReport r) {
        return json(r, null);
    }

    /** With {@code logging} (when not null) under the key "logging": what `--log interned` saves. */
    public static String json(SizeReport r, LogSaving logging) {
        try {
            com.fasterxml.jackson.databind.node.ObjectNode tree = JSON.valueToTree(r);
            if (logging != null) {
                com.fasterxml.jackson.databind.node.ObjectNode l = tree.putObject("logging");
                l.put("text_flash", logging.textFlash());
                l.put("interned_flash", logging.internedFlash());
                l.put("saved", logging.saved());
                l.put("formats_bytes", logging.sectionBytes());
            }
            return JSON.writeValueAsString(tree) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String table(SizeReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append("Size of ").append(r.program()).append(" on ").append(r.board()).append(" (bytes; delta vs baseline = --opt none)\n\n");
        sb.append(String.format(Locale.ROOT, "%-18s %7s %7s %6s %6s %7s %7s %9s %8s %11s%n",
                "variant", ".text", ".rodata", ".data", ".bss", "flash", "RAM", "Δflash", "Δflash%", "task state"));
        for (SizeReport.Variant v : r.variants()) {
            sb.append(String.format(Locale.ROOT, "%-18s %7d %7d %6d %6d %7d %7d %+9d %+7.1f%% %11d%n",
                    v.name(), v.text(), v.rodata(), v.data(), v.bss(), v.flash(), v.ram(), v.flashDelta(), v.flashDeltaPercent(), v.taskStateBytes()));
        }
        sb.append('\n');
        sb.append(String.format(Locale.ROOT, "%-28s %16s %16s  %s%n", "async fn / task", "baseline", "all", "with all"));
        for (SizeReport.FnRow f : r.functions()) {
            sb.append(String.format(Locale.ROOT, "%-28s %16s %16s  %s%n", f.name(),
                    f.baselineStates() + " states " + f.baselineBytes() + " B",
                    f.allStates() == 0 ? "-" : f.allStates() + " states " + f.allBytes() + " B", f.fate()));
        }
        sb.append("\nWith all optimizations:\n").append(TaskReport.text(r.tasks()));
        return sb.toString();
    }

    public static String markdown(SizeReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append("### Size of `").append(r.program()).append("` on `").append(r.board()).append("`\n\n");
        sb.append("| variant | .text | .rodata | .data | .bss | flash | RAM | Δ flash | Δ flash % | task state |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (SizeReport.Variant v : r.variants()) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %d | %+d | %+.1f%% | %d |%n",
                    v.name(), v.text(), v.rodata(), v.data(), v.bss(), v.flash(), v.ram(), v.flashDelta(), v.flashDeltaPercent(), v.taskStateBytes()));
        }
        sb.append("\n| async fn / task | baseline states | baseline bytes | all states | all bytes | with all |\n");
        sb.append("|---|---:|---:|---:|---:|---|\n");
        for (SizeReport.FnRow f : r.functions()) {
            sb.append(String.format(Locale.ROOT, "| `%s` | %d | %d | %d | %d | %s |%n",
                    f.name(), f.baselineStates(), f.baselineBytes(), f.allStates(), f.allBytes(), f.fate()));
        }
        sb.append("\n| task | state bytes | worst-case poll stack |\n|---|---:|---|\n");
        for (TaskReport.Task t : r.tasks())
            sb.append(String.format(Locale.ROOT, "| `%s` | %d | %s |%n", t.name(), t.stateBytes(), t.stackPath()));
        return sb.toString();
    }
}

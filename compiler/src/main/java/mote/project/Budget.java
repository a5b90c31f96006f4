package mote.project;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import mote.link.ImageSize;

/**
 * A project's size budgets ({@code max-flash}, {@code max-ram} in {@code Mote.toml}): tighter
 * limits than the board's, so an image that still fits the chip but outgrew what the project
 * allows itself fails the build, after the report is shown.
 */
public final class Budget {
    private Budget() {}

    /** What is over budget, one line each, or null when the image is within every budget set. */
    public static String overrun(Manifest.Settings settings, ImageSize size) {
        return overrun(settings, size.flash(), size.ram(), key -> null);
    }

    /**
     * As {@link #overrun(Manifest.Settings, ImageSize)} for an image of {@code flash} and
     * {@code ram} bytes; {@code where} names the place a budget was set ({@code Mote.toml:15:1}), or null.
     */
    public static String overrun(Manifest.Settings settings, long flash, long ram, java.util.function.Function<String, String> where) {
        List<String> over = new ArrayList<>();
        if (settings.maxFlash() != null && flash > settings.maxFlash())
            over.add(line("flash", flash, "max-flash", settings.maxFlash(), where.apply("max-flash")));
        if (settings.maxRam() != null && ram > settings.maxRam())
            over.add(line("RAM", ram, "max-ram", settings.maxRam(), where.apply("max-ram")));
        if (over.isEmpty()) return null;
        return "over the project's size budget (" + Manifest.FILE_NAME + ", [size]):\n  " + String.join("\n  ", over);
    }

    private static String line(String what, long used, String key, long budget, String where) {
        return String.format(Locale.ROOT, "%s: %,d bytes used, `%s` is %,d%s: %,d bytes over", what, used, key, budget,
                where == null ? "" : " (" + where + ")", used - budget);
    }
}

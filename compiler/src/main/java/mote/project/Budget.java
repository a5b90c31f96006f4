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
        List<String> over = new ArrayList<>();
        if (settings.maxFlash() != null && size.flash() > settings.maxFlash())
            over.add(line("flash", size.flash(), "max-flash", settings.maxFlash()));
        if (settings.maxRam() != null && size.ram() > settings.maxRam())
            over.add(line("RAM", size.ram(), "max-ram", settings.maxRam()));
        if (over.isEmpty()) return null;
        return "over the project's size budget (" + Manifest.FILE_NAME + ", [size]):\n  " + String.join("\n  ", over);
    }

    private static String line(String what, long used, String key, long budget) {
        return String.format(Locale.ROOT, "%s: %,d bytes used, `%s` is %,d: %,d bytes over", what, used, key, budget, used - budget);
    }
}

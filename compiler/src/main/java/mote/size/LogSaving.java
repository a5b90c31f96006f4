package mote.size;

import java.nio.file.Path;
import mote.Compiler;
import mote.link.ElfSections;

/**
 * What `--log interned` saves: the image's flash with text logging and with interned logging
 * (the same flags otherwise), and how many bytes of print text the interned image keeps out of
 * flash, in its non-loaded .mote_log section (formats, JSON: a little more than the text).
 */
public record LogSaving(long textFlash, long internedFlash, long sectionBytes) {
    public static LogSaving measure(Path source, Compiler.Options options) {
        long text = flash(source, options.withInternedLog(false).withOutDir(options.outDir().resolve("size-log-text")), null);
        long[] section = {0};
        long interned = flash(source, options.withInternedLog(true).withOutDir(options.outDir().resolve("size-log-interned")), section);
        return new LogSaving(text, interned, section[0]);
    }

    private static long flash(Path source, Compiler.Options options, long[] section) {
        Compiler.Result r = Compiler.compile(source, options);
        try {
            if (section != null) section[0] = ElfSections.contents(r.elf(), ".mote_log").map(b -> (long) b.length).orElse(0L);
            return r.size().flash();
        } finally {
            r.discard();
        }
    }

    public long saved() { return textFlash - internedFlash; }

    /** One line under the size table. */
    public String text() {
        return String.format("Logging (all optimizations): --log text %d B of flash, --log interned %d B (%+d B; the print and panic text, "
                + "%d B of formats, is in the ELF's .mote_log section, not loaded)%n", textFlash, internedFlash, -saved(), sectionBytes);
    }
}

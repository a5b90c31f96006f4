package mote.qemu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import mote.home.MoteHome;
import mote.diag.ToolError;

/**
 * The QEMU command line every Mote image runs with, read from {@code qemu/flags} in the install
 * root: the one file {@link QemuRunner} (so {@code mote run}), {@code qemu/run} and
 * {@code qemu/debug} all take their flags from, so the CLI and the shell scripts cannot drift apart.
 *
 * <p>The file has sections: {@code [run]} (options of every run), {@code [debug]} (added to
 * start halted with a gdbstub) and {@code [harmless-stderr]} (whole stderr lines to drop). In
 * the option sections each line is one option, its words split at spaces, with placeholders
 * {@code {machine}}, {@code {icount-shift}}, {@code {elf}} and {@code {port}}; {@code #} starts a
 * comment line. The file's own header describes it for people reading it.
 */
public final class QemuFlags {
    private static final Set<String> SECTIONS = Set.of("run", "debug", "harmless-stderr");
    private static final Set<String> PLACEHOLDERS = Set.of("machine", "icount-shift", "elf", "port");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z-]+)}");

    private static volatile QemuFlags standard;

    private final List<List<String>> run;
    private final List<List<String>> debug;
    private final List<String> harmlessStderr;

    private QemuFlags(List<List<String>> run, List<List<String>> debug, List<String> harmlessStderr) {
        this.run = run;
        this.debug = debug;
        this.harmlessStderr = harmlessStderr;
    }

    /** {@code qemu/flags} in the install root ({@link MoteHome}), read once. */
    public static QemuFlags standard() {
        QemuFlags flags = standard;
        if (flags == null) {
            flags = read(MoteHome.get().resolve("qemu").resolve("flags"));
            standard = flags;
        }
        return flags;
    }

    /** Reads and checks a flags file; a problem is a ToolError naming the line. */
    public static QemuFlags read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new ToolError("cannot read " + file + " (QEMU's command line for every board): " + e.getMessage());
        }
        return parse(file.toString(), lines);
    }

    static QemuFlags parse(String where, List<String> lines) {
        Map<String, List<String>> sections = new LinkedHashMap<>();
        String section = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String at = where + ":" + (i + 1) + ": ";
            if (line.startsWith("[") && line.endsWith("]")) {
                section = line.substring(1, line.length() - 1);
                if (!SECTIONS.contains(section)) throw new ToolError(at + "unknown section [" + section + "]");
                if (sections.putIfAbsent(section, new ArrayList<>()) != null) {
                    throw new ToolError(at + "section [" + section + "] appears twice");
                }
                continue;
            }
            if (section == null) throw new ToolError(at + "`" + line + "` is outside any section");
            if (!section.equals("harmless-stderr")) {
                Matcher m = PLACEHOLDER.matcher(line);
                while (m.find()) {
                    if (!PLACEHOLDERS.contains(m.group(1))) {
                        throw new ToolError(at + "unknown placeholder {" + m.group(1) + "}; known: {machine}, "
                                + "{icount-shift}, {elf}, {port}");
                    }
                }
            }
            sections.get(section).add(line);
        }
        if (!sections.containsKey("run")) throw new ToolError(where + ": no [run] section");
        return new QemuFlags(words(sections.get("run")), words(sections.getOrDefault("debug", List.of())),
                List.copyOf(sections.getOrDefault("harmless-stderr", List.of())));
    }

    private static List<List<String>> words(List<String> lines) {
        return lines.stream().map(line -> List.of(line.split(" +"))).toList();
    }

    /** The {@code [run]} options for one image on {@code machine}. */
    public List<String> run(String machine, int icountShift, Path elf) {
        return fill(run, Map.of("machine", machine, "icount-shift", Integer.toString(icountShift), "elf", elf.toString()));
    }

    /** The {@code [debug]} options: halted at reset, gdbstub on {@code port}. */
    public List<String> debug(int port) {
        return fill(debug, Map.of("port", Integer.toString(port)));
    }

    /** Lines QEMU prints on stderr that mean nothing is wrong, as the file lists them. */
    public List<String> harmlessStderr() {
        return harmlessStderr;
    }

    /**
     * Whether {@code line}, a line of stderr from QEMU run as {@code executable}, is one of the
     * harmless ones: compared stripped and without QEMU's own {@code qemu-system-arm: } prefix
     * (its warnings carry it).
     */
    public boolean isHarmless(String line, String executable) {
        String text = line.strip();
        String prefix = Path.of(executable).getFileName() + ": ";
        if (text.startsWith(prefix)) text = text.substring(prefix.length());
        return harmlessStderr.contains(text);
    }

    private static List<String> fill(List<List<String>> options, Map<String, String> values) {
        List<String> args = new ArrayList<>();
        for (List<String> option : options) {
            for (String word : option) {
                // One pass, so a value that looks like a placeholder (a file named {port}) stays as it is.
                Matcher m = PLACEHOLDER.matcher(word);
                StringBuilder filled = new StringBuilder();
                while (m.find()) {
                    String value = values.get(m.group(1));
                    if (value == null) throw new ToolError("qemu/flags: {" + m.group(1) + "} has no value in this section");
                    m.appendReplacement(filled, Matcher.quoteReplacement(value));
                }
                m.appendTail(filled);
                args.add(filled.toString());
            }
        }
        return args;
    }
}

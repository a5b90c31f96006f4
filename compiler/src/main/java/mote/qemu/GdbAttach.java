package mote.qemu;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import mote.home.MoteHome;

/**
 * The gdb command that attaches to an image QEMU started halted ({@code mote run --gdb}): the
 * same line {@code qemu/run --gdb} and {@code qemu/debug} print, with {@code qemu/gdbinit}'s
 * breakpoints and commands.
 */
public final class GdbAttach {
    /** QEMU's own default gdbstub port ({@code -s}); {@code --gdb} without a port uses it. */
    public static final int DEFAULT_PORT = 1234;

    /** gdbs that debug ARM: Debian's multi-architecture gdb, then Arm's toolchain gdb. */
    private static final List<String> GDBS = List.of("gdb-multiarch", "arm-none-eabi-gdb");

    private GdbAttach() {}

    /** The lines to print once QEMU is halted with its gdbstub on {@code port}. */
    public static String hint(String who, int port, Path elf) {
        return hint(who, port, elf, null);
    }

    /**
     * As {@link #hint(String, int, Path)}; {@code sources} (the program's folder, or null) is
     * where gdb finds the source files, which DWARF names relative to it (docs/gdb.md).
     */
    public static String hint(String who, int port, Path elf, Path sources) {
        Optional<String> gdb = installedGdb();
        return who + ": QEMU is halted at reset, its gdbstub on localhost:" + port + "; attach with:\n  "
                + command(gdb.orElse(GDBS.get(0)), port, elf, sources)
                + (gdb.isPresent() ? "" : "\n  (install gdb with `apt-get install gdb-multiarch`)");
    }

    /**
     * {@code gdb-multiarch [--directory=SOURCES] --directory=MOTE -q -x .../qemu/gdbinit -ex 'target remote
     * localhost:PORT' APP.elf}: Mote's own folder for runtime-c's files, which DWARF names from it.
     */
    static String command(String gdb, int port, Path elf, Path sources) {
        List<String> words = new ArrayList<>(List.of(gdb));
        if (sources != null) words.add("--directory=" + sources.toAbsolutePath().normalize());
        words.add("--directory=" + MoteHome.get().toAbsolutePath().normalize());
        words.addAll(List.of("-q", "-x", MoteHome.get().resolve("qemu/gdbinit").toString(),
                "-ex", "target remote localhost:" + port, elf.toString()));
        return words.stream().map(GdbAttach::shellWord).collect(Collectors.joining(" "));
    }

    /** As qemu/common.sh's shell_words: plain words as they are, others in single quotes. */
    static String shellWord(String word) {
        if (word.matches("[A-Za-z0-9_./,:=+@%^-]+")) return word;
        return "'" + word.replace("'", "'\\''") + "'";
    }

    private static Optional<String> installedGdb() {
        String path = System.getenv("PATH");
        if (path == null) return Optional.empty();
        for (String gdb : GDBS) {
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, gdb))) return Optional.of(gdb);
            }
        }
        return Optional.empty();
    }
}

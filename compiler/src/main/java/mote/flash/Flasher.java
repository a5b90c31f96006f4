package mote.flash;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import mote.board.Board;
import mote.diag.ToolError;
import mote.link.ElfSegments;
import mote.link.ImageSize;
import mote.link.Images;
import mote.link.Linker;

/**
 * What {@code mote flash} does: picks a way to program the board (the {@code --probe} flag, else
 * the board file's {@code flash.method}), turns it into a {@link Plan}, and carries it out.
 *
 * <ul>
 * <li>{@code probe-rs}: {@code probe-rs download --chip CHIP APP.elf}, then {@code probe-rs reset --chip CHIP}.
 * <li>{@code openocd}: {@code openocd -f INTERFACE -f TARGET -c "program APP.elf verify reset exit"}.
 * <li>{@code pyocd}: {@code pyocd flash --target TARGET APP.elf} (pyOCD resets the target afterwards).
 * <li>{@code uf2} or {@code uf2=DIR}: copies APP.uf2 onto the bootloader's USB drive (found by its
 *     INFO_UF2.TXT under /media, /run/media or /Volumes when no DIR is given).
 * <li>{@code gdb=HOST:PORT}: loads the image itself over the GDB remote protocol ({@link GdbRemote})
 *     the way gdb's {@code load} does: it reads the server's memory map; erases, once, the whole
 *     flash blocks that cover every segment bound for flash (segments sharing a block share the
 *     erase); writes them with {@code vFlashWrite} and ends with one {@code vFlashDone}; writes
 *     segments bound for RAM with {@code M} packets. A server without a memory map (QEMU's
 *     gdbstub, whose debug writes reach the emulated flash) gets {@code M} packets for all.
 *     Then SP and PC are set from the vector table at the start of flash and xPSR to Thumb state
 *     with {@code P} packets (after reading {@code target.xml} with {@code qXfer}, as gdb does:
 *     QEMU 7.2 answers {@code P} only then), and {@code c} starts the program.
 * </ul>
 */
public final class Flasher {
    /** ARM register numbers in GDB's M-profile layout (QEMU's arm-m-profile.xml). */
    static final int REG_SP = 13, REG_PC = 15, REG_XPSR = 25;
    static final long XPSR_THUMB = 0x0100_0000L;

    private Flasher() {}

    /** A way of programming the board, ready to print ({@code --dry-run}) or run. */
    public sealed interface Plan permits Commands, GdbLoad, Uf2Copy {
        /** What would happen, as the exact commands or protocol steps. */
        String describe();
    }

    /** External tools run one after the other. */
    public record Commands(List<List<String>> commands) implements Plan {
        public String describe() {
            StringBuilder text = new StringBuilder();
            for (List<String> command : commands) text.append(shellQuote(command)).append('\n');
            return text.toString();
        }
    }

    /** The image loaded through a GDB server. */
    public record GdbLoad(String host, int port, ElfSegments image, long sp, long pc, Board.MemoryRegion flash) implements Plan {
        public String describe() {
            StringBuilder text = new StringBuilder("GDB remote protocol to " + host + ":" + port + ":\n");
            for (ElfSegments.Segment s : image.segments()) {
                text.append(String.format(Locale.ROOT, "  %s 0x%08x..0x%08x (%d bytes)%n",
                        flash.contains(s.physicalAddress()) ? "vFlashWrite (or M)" : "M", s.physicalAddress(), s.end(), s.data().length));
            }
            text.append("  (flash: the whole blocks of the server's memory map erased once first, one vFlashDone after;\n"
                    + "   M for RAM, and for everything on a server without a memory map, such as QEMU's)\n");
            text.append(String.format(Locale.ROOT, "  P sp=0x%08x pc=0x%08x xpsr=0x%08x%n  c%n", sp, pc, XPSR_THUMB));
            return text.toString();
        }
    }

    /** The .uf2 image copied onto a UF2 bootloader's drive; empty when none is mounted (yet). */
    public record Uf2Copy(Path uf2, Optional<Path> drive) implements Plan {
        public String describe() {
            if (drive.isEmpty()) {
                // A dry run needs no board: say where the image would go once its drive shows up.
                return shellQuote(List.of("cp", uf2.toString())) + " DRIVE" + File.separator + "\n"
                        + "# DRIVE: the board's UF2 bootloader drive (a mounted drive with INFO_UF2.TXT); none is mounted now:\n"
                        + "# double-tap the board's reset button to start the bootloader, or name it with --probe uf2=DIR\n";
            }
            return shellQuote(List.of("cp", uf2.toString(), drive.get().toString() + File.separator)) + "\n";
        }
    }

    /**
     * The plan for {@code elf} on {@code board}. {@code probe} is the {@code --probe} value;
     * empty uses the board's {@code flash.method}.
     */
    public static Plan plan(Board board, Path elf, Optional<String> probe) {
        checkImage(board, elf);
        String choice = probe.orElseGet(() -> board.flash().map(Board.Flash::method).orElseThrow(() -> new ToolError(
                "board `" + board.name() + "` has no `flash` section in " + board.file().getFileName()
                        + ", so there is no default probe; pass --probe openocd|probe-rs|pyocd|gdb=HOST:PORT", 2)));
        String method = choice.contains("=") ? choice.substring(0, choice.indexOf('=')) : choice;
        String argument = choice.contains("=") ? choice.substring(choice.indexOf('=') + 1) : "";
        Optional<Board.Flash> flash = board.flash();
        switch (method) {
            case "probe-rs" -> {
                noArgument(choice, argument);
                String chip = required(board, flash.flatMap(Board.Flash::probeRsChip), "probe-rs-chip", "probe-rs");
                return new Commands(List.of(
                        List.of("probe-rs", "download", "--chip", chip, elf.toString()),
                        List.of("probe-rs", "reset", "--chip", chip)));
            }
            case "openocd" -> {
                noArgument(choice, argument);
                String target = required(board, flash.flatMap(Board.Flash::openocdTarget), "openocd-target", "OpenOCD");
                List<String> command = new ArrayList<>(List.of("openocd"));
                flash.flatMap(Board.Flash::openocdInterface).ifPresent(i -> command.addAll(List.of("-f", i)));
                // OpenOCD reads -c as Tcl: braces keep spaces, `$` and `[` in the path as they are.
                command.addAll(List.of("-f", target, "-c", "program {" + elf.toString().replace("\\", "/")
                        + "} verify reset exit"));
                return new Commands(List.of(command));
            }
            case "pyocd" -> {
                noArgument(choice, argument);
                String target = required(board, flash.flatMap(Board.Flash::pyocdTarget), "pyocd-target", "pyOCD");
                return new Commands(List.of(List.of("pyocd", "flash", "--target", target, elf.toString())));
            }
            case "uf2" -> {
                Path uf2 = Images.uf2(elf, board);
                Optional<Path> drive = argument.isEmpty() ? findUf2Drive() : Optional.of(Path.of(argument));
                return new Uf2Copy(uf2, drive);
            }
            case "gdb" -> {
                int colon = argument.lastIndexOf(':');
                int port = colon < 0 ? -1 : parsePort(argument.substring(colon + 1));
                if (colon <= 0 || port < 0) {
                    throw new ToolError("--probe gdb needs a server address: gdb=HOST:PORT, e.g. gdb=localhost:1234", 2);
                }
                ElfSegments image = ElfSegments.read(elf);
                long vectors = board.flashRegion().origin();
                return new GdbLoad(argument.substring(0, colon), port, image, image.word(vectors),
                        image.word(vectors + 4) & ~1L, board.flashRegion());
            }
            default -> throw new ToolError("unknown probe `" + choice + "`; use openocd, probe-rs, pyocd, uf2[=DIR] or "
                    + "gdb=HOST:PORT", 2);
        }
    }

    /** Carries out the plan; external tools share mote's stdout and stderr. */
    public static void execute(Plan plan, PrintWriter out) {
        if (plan instanceof Commands commands) {
            for (List<String> command : commands.commands()) run(command);
        } else if (plan instanceof GdbLoad load) {
            gdbLoad(load, out);
        } else if (plan instanceof Uf2Copy copy) {
            Path drive = copy.drive().orElseThrow(Flasher::noUf2Drive);
            try {
                Files.copy(copy.uf2(), drive.resolve(copy.uf2().getFileName()), StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new ToolError("cannot copy " + copy.uf2() + " to " + drive + ": " + e.getMessage());
            }
            out.println("copied " + copy.uf2().getFileName() + " to " + drive + "; the bootloader flashes it and restarts");
        }
    }

    /**
     * Loads over GDB as {@link #execute} does, but leaves the core halted at its entry and hands
     * the connection to {@code watch} (the monitor: its breakpoints go in before the first
     * instruction runs, so no early fault is missed); returns what {@code watch} returns.
     */
    public static int executeAndWatch(Plan plan, PrintWriter out, java.util.function.ToIntFunction<GdbRemote> watch) {
        if (!(plan instanceof GdbLoad load)) throw new IllegalArgumentException("only a GDB load can hand over its connection");
        try (GdbRemote gdb = GdbRemote.connect(load.host(), load.port(), Duration.ofSeconds(10))) {
            long bytes = load(gdb, load);
            out.printf(Locale.ROOT, "loaded %d bytes in %d segments over GDB at %s:%d; starting at 0x%08x under the monitor%n", bytes,
                    load.image().segments().size(), load.host(), load.port(), load.pc());
            out.flush();
            return watch.applyAsInt(gdb);
        }
    }

    private static void gdbLoad(GdbLoad load, PrintWriter out) {
        try (GdbRemote gdb = GdbRemote.connect(load.host(), load.port(), Duration.ofSeconds(10))) {
            long bytes = load(gdb, load);
            gdb.resume();
            out.printf(Locale.ROOT, "loaded %d bytes in %d segments over GDB at %s:%d; started at 0x%08x%n", bytes,
                    load.image().segments().size(), load.host(), load.port(), load.pc());
            out.flush();
        }
    }

    /** Writes the image and points SP and PC at its entry; the core stays halted. Returns the bytes written. */
    private static long load(GdbRemote gdb, GdbLoad load) {
        String state = gdb.command("?");
        if (!state.startsWith("S") && !state.startsWith("T")) {
            throw new ToolError("the GDB server at " + load.host() + ":" + load.port()
                    + " did not report a halted target (`?` answered `" + state + "`)");
        }
        // Read the target description as gdb does: QEMU answers `P` only after that.
        gdb.negotiate();
        gdb.command("qXfer:features:read:target.xml:0,ffb");
        long bytes = loadSegments(gdb, load.image());
        gdb.writeRegister(REG_SP, load.sp());
        gdb.writeRegister(REG_PC, load.pc());
        gdb.writeRegister(REG_XPSR, XPSR_THUMB);
        return bytes;
    }

    /**
     * Writes every loadable segment as gdb's {@code load} does (see the class comment); returns
     * the number of bytes written. Without a memory map, everything is plain memory.
     */
    static long loadSegments(GdbRemote gdb, ElfSegments image) {
        Optional<MemoryMap> map = gdb.memoryMap().map(MemoryMap::parse);
        long bytes = image.segments().stream().mapToLong(s -> s.data().length).sum();
        if (map.isEmpty()) {
            for (ElfSegments.Segment s : image.segments()) gdb.writeMemory(s.physicalAddress(), s.data());
            return bytes;
        }
        List<ElfSegments.Segment> flash = new ArrayList<>(), ram = new ArrayList<>();
        List<long[]> blocks = new ArrayList<>();   // [start, end) of the erase blocks each flash segment touches
        for (ElfSegments.Segment s : image.segments()) {
            MemoryMap.Region region = map.get().regionOf(s.physicalAddress(), s.end()).orElseThrow(() -> new ToolError(
                    String.format(Locale.ROOT, "the image has bytes at 0x%08x..0x%08x, which the GDB server's memory map "
                            + "does not cover in one region (%s); is it the right board?", s.physicalAddress(), s.end(),
                            describe(map.get()))));
            if (region.flash()) {
                long size = region.blockSize();
                long first = region.start() + Math.floorDiv(s.physicalAddress() - region.start(), size) * size;
                long last = region.start() + Math.floorDiv(s.end() - region.start() + size - 1, size) * size;
                blocks.add(new long[] {first, Math.min(last, region.end())});
                flash.add(s);
            } else if (region.type().equals("ram")) {
                ram.add(s);
            } else {
                throw new ToolError(String.format(Locale.ROOT, "the image has bytes at 0x%08x..0x%08x, in %s memory of the "
                        + "GDB server's memory map, which cannot be written", s.physicalAddress(), s.end(), region.type()));
            }
        }
        // Each block erased once: ranges that share or touch a block become one erase.
        blocks.sort((a, b) -> Long.compare(a[0], b[0]));
        List<long[]> erases = new ArrayList<>();
        for (long[] b : blocks) {
            long[] last = erases.isEmpty() ? null : erases.get(erases.size() - 1);
            if (last != null && b[0] <= last[1]) last[1] = Math.max(last[1], b[1]);
            else erases.add(b.clone());
        }
        for (long[] e : erases) gdb.eraseFlash(e[0], e[1] - e[0]);
        for (ElfSegments.Segment s : flash) gdb.writeFlash(s.physicalAddress(), s.data());
        if (!flash.isEmpty()) gdb.flashDone();
        for (ElfSegments.Segment s : ram) gdb.writeMemory(s.physicalAddress(), s.data());
        return bytes;
    }

    private static String describe(MemoryMap map) {
        List<String> parts = new ArrayList<>();
        for (MemoryMap.Region r : map.regions()) {
            parts.add(String.format(Locale.ROOT, "%s 0x%08x..0x%08x", r.type(), r.start(), r.end()));
        }
        return String.join(", ", parts);
    }

    private static void run(List<String> command) {
        String tool = command.get(0);
        if (findOnPath(tool).isEmpty()) {
            throw new ToolError(tool + " is not installed (not found on PATH); " + installHint(tool)
                    + ", or choose another --probe (`mote flash --dry-run` prints the commands)");
        }
        int exit;
        try {
            exit = new ProcessBuilder(command).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new ToolError("cannot run " + tool + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolError("interrupted while running " + tool);
        }
        if (exit != 0) {
            throw new ToolError(tool + " failed (exit code " + exit + ") running `" + shellQuote(command) + "`"
                    + "\n  = help: is the probe plugged in, the board powered, and the chip the board file names?");
        }
    }

    private static String installHint(String tool) {
        return switch (tool) {
            case "probe-rs" -> "install it from https://probe.rs";
            case "openocd" -> "install it with `apt-get install openocd`";
            case "pyocd" -> "install it with `pip install pyocd`";
            default -> "install it";
        };
    }

    static Optional<Path> findOnPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) return Optional.empty();
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path candidate = Path.of(dir, tool);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return Optional.of(candidate);
        }
        return Optional.empty();
    }

    /**
     * Refuses an image that cannot be right for {@code board}, whichever probe would load it: a
     * file that is not an ARM ELF, an image larger than the board's flash or RAM, one compiled
     * for a core the board's does not run, or one with bytes outside the board's memory (linked
     * for another board).
     */
    static void checkImage(Board board, Path elf) {
        ImageSize size = ImageSize.of(elf, board);   // a ToolError for anything but an ARM ELF
        String overflow = Linker.overflowMessage(board, size);
        if (overflow != null) throw new ToolError(elf + ": " + overflow + "\n  = note: not flashing an image that does not fit");
        ArmArchitecture.of(elf).flatMap(arch -> arch.problemOn(board)).ifPresent(problem -> {
            throw new ToolError(elf + " cannot run on board `" + board.name() + "`: " + problem
                    + "\n  = help: build it for this board: mote build APP.mote -b " + board.name());
        });
        ElfSegments image = ElfSegments.read(elf);
        if (image.segments().isEmpty()) throw new ToolError(elf + " has nothing to load (no loadable segments)");
        for (ElfSegments.Segment s : image.segments()) {
            boolean inside = board.memory().stream().anyMatch(r -> s.physicalAddress() >= r.origin() && s.end() <= r.end());
            if (!inside) {
                throw new ToolError(String.format(Locale.ROOT, "%s has bytes at 0x%08x..0x%08x, outside the memory of board `%s` "
                        + "(flash 0x%08x..0x%08x); was it linked for another board?", elf, s.physicalAddress(), s.end(),
                        board.name(), board.flashRegion().origin(), board.flashRegion().end()));
            }
        }
    }

    static Optional<Path> findUf2Drive() {
        String user = System.getProperty("user.name", "");
        for (Path root : List.of(Path.of("/media", user), Path.of("/run/media", user), Path.of("/media"), Path.of("/Volumes"))) {
            if (!Files.isDirectory(root)) continue;
            try (DirectoryStream<Path> drives = Files.newDirectoryStream(root)) {
                for (Path drive : drives) {
                    if (Files.isRegularFile(drive.resolve("INFO_UF2.TXT"))) return Optional.of(drive);
                }
            } catch (IOException e) {
                // unreadable mount folder: look elsewhere
            }
        }
        return Optional.empty();
    }

    private static ToolError noUf2Drive() {
        return new ToolError("no UF2 bootloader drive found (a mounted drive with INFO_UF2.TXT under /media, "
                + "/run/media or /Volumes)\n  = help: double-tap the board's reset button to start the bootloader, "
                + "or name the drive: --probe uf2=/path/to/drive");
    }

    private static String required(Board board, Optional<String> value, String key, String tool) {
        return value.orElseThrow(() -> new ToolError("board `" + board.name() + "` does not say how " + tool
                + " finds its chip: no `flash." + key + "` in " + board.file().getFileName(), 2));
    }

    private static void noArgument(String choice, String argument) {
        if (!argument.isEmpty()) throw new ToolError("--probe " + choice + ": this probe takes no `=` argument", 2);
    }

    private static int parsePort(String text) {
        try {
            int port = Integer.parseInt(text);
            return port > 0 && port < 65536 ? port : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The command as one would type it in a POSIX shell. */
    static String shellQuote(List<String> command) {
        List<String> words = new ArrayList<>();
        for (String word : command) {
            words.add(word.matches("[A-Za-z0-9_./:=,+@%-]+") ? word : "'" + word.replace("'", "'\\''") + "'");
        }
        return String.join(" ", words);
    }
}

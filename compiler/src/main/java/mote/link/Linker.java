package mote.link;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import mote.home.ToolResult;
import mote.home.Toolchain;
import mote.board.Board;
import mote.diag.ToolError;

/** Links objects into a firmware ELF with ld.lld. */
public final class Linker {
    private final Toolchain toolchain;
    private final RuntimeBuilder runtime;

    public Linker(Toolchain toolchain, RuntimeBuilder runtime) {
        this.toolchain = toolchain;
        this.runtime = runtime;
    }

    /** With the standard toolchain and runtime-c from the install root. */
    public static Linker standard() {
        return new Linker(Toolchain.get(), RuntimeBuilder.standard());
    }

    /**
     * The whole job for one program: builds (or reuses) runtime-c for the board, writes the
     * board's linker script next to the ELF, and links {@code programObjects} with both.
     *
     * @param map where to write the linker map, if wanted
     */
    public Path linkProgram(Board board, List<Path> programObjects, Path elf, Optional<Path> map) {
        Path dir = elf.toAbsolutePath().getParent();
        Path script = LinkerScript.write(board, dir);
        List<Path> objects = withRuntime(board, programObjects, () -> runtime.build(board));
        ToolResult result = run(objects, script, elf, map);
        if (result.ok()) return elf;
        if (OVERFLOW.matcher(result.stderr()).find()) throw overflow(board, objects, dir, result);
        throw failure(result);
    }

    /**
     * Adds {@code contents} to the linked {@code elf} as section {@code name}, not loaded (no
     * flash, no RAM): what the host reads and the device never does (interned log formats).
     */
    public void addInfoSection(Path elf, String name, Path contents) {
        ToolResult result = toolchain.run(toolchain.llvmObjcopy(),
                List.of("--add-section", name + "=" + contents, elf.toString()), null);
        if (!result.ok()) throw failure(result);
    }

    /**
     * Like {@link #linkProgram}, but an image that does not fit is not an error here: it is
     * linked into {@code elf} with unbounded regions (so it can be measured and reported in
     * full) and the method returns false. Other link errors still throw.
     */
    public boolean linkOrMeasure(Board board, List<Path> programObjects, boolean runtimeInObject, Path elf, Optional<Path> map) {
        Path dir = elf.toAbsolutePath().getParent();
        // Usually runtime-c is in the program's object already (mote.llvm.WholeProgram) but for
        // the helpers code generation calls; else all of it.
        List<Path> objects = withRuntime(board, programObjects, () -> runtimeInObject ? runtime.libcallObjects(board) : runtime.build(board));
        ToolResult result = run(objects, LinkerScript.write(board, dir), elf, map);
        if (result.ok()) return true;
        if (!OVERFLOW.matcher(result.stderr()).find()) throw failure(result);
        try {
            Path unbounded = dir.resolve(board.name() + ".unbounded.ld");
            Files.writeString(unbounded, LinkerScript.generateUnbounded(board));
            ToolResult measured = run(objects, unbounded, elf, map);
            if (!measured.ok()) throw failure(result);
        } catch (IOException e) {
            throw failure(result);
        }
        return false;
    }

    /** What `mote` says when an image of this size does not fit the board (null when it fits). */
    public static String overflowMessage(Board board, ImageSize size) {
        if (size.flash() <= board.flashRegion().length() && size.ram() <= board.ramRegion().length()) return null;
        StringBuilder message = new StringBuilder("the program does not fit on board `" + board.name() + "`:");
        appendOverflow(message, "flash", size.flash(), board.flashRegion().length());
        appendOverflow(message, "RAM", size.ram(), board.ramRegion().length());
        if (size.ram() > board.ramRegion().length()) {
            message.append("\n  = note: RAM holds .data, .bss and the ").append(board.stackSize())
                    .append("-byte stack (`stack-size` in ").append(board.file().getFileName()).append(")");
        }
        return message.toString();
    }

    /** Runs ld.lld on exactly these objects and script; a link error becomes a ToolError. */
    public Path link(List<Path> objects, Path script, Path elf, Optional<Path> map) {
        ToolResult result = run(objects, script, elf, map);
        if (!result.ok()) throw failure(result);
        return elf;
    }

    /**
     * {@code --nmagic}: no page alignment between segments, so the ELF and program headers are
     * never put in a loadable segment below flash (ld.lld does that when flash does not start at
     * 0, and a loader writing segments would then write them outside the flash).
     */
    private ToolResult run(List<Path> objects, Path script, Path elf, Optional<Path> map) {
        List<String> args = new ArrayList<>(List.of("--gc-sections", "--nmagic", "-T", script.toString(),
                "-o", elf.toString()));
        map.ifPresent(m -> args.addAll(List.of("-Map", m.toString())));
        objects.forEach(o -> args.add(o.toString()));
        return toolchain.run(toolchain.ldLld(), args);
    }

    /**
     * ld.lld's brackets around objects to be taken like an archive's members (only those that
     * define something already needed); kept in the object list so every link of the same
     * objects (the overflow measurement too) sees them.
     */
    static final Path START_LIB = Path.of("--start-lib"), END_LIB = Path.of("--end-lib");

    /** The program's objects, then runtime-c's (built or taken from the cache), taken as an archive's members. */
    private static List<Path> withRuntime(Board board, List<Path> programObjects, java.util.function.Supplier<List<Path>> runtimeObjects) {
        List<Path> objects = new ArrayList<>(programObjects);
        objects.add(START_LIB);
        objects.addAll(mote.home.Timings.time("runtime", runtimeObjects));
        objects.add(END_LIB);
        Libgcc.archive(board).ifPresent(objects::add);   // f32 helpers: only what is still undefined
        return objects;
    }

    /** An undefined libgcc float helper: the program uses f32 and libgcc is missing. */
    private static final Pattern SOFT_FLOAT_HELPER = Pattern.compile("undefined symbol: (__aeabi_(?:f\\w+|d\\w+|u?i2f|u?l2f)|__\\w+sf\\w*)");

    private static final Pattern OVERFLOW = Pattern.compile("will not fit in region|RAM overflow");

    /**
     * The image does not fit: link again into a scratch file with both regions made as large as
     * the address space allows and no stack check, measure the result as the usage table does
     * (flash: vectors, code, read-only data, .data's initial values; RAM: .data, .bss and the
     * stack), and say by how many bytes each region overflows.
     */
    private ToolError overflow(Board board, List<Path> objects, Path dir, ToolResult original) {
        Path scratch = dir.resolve(".overflow-" + board.name());
        try {
            Files.writeString(scratch.resolveSibling(scratch.getFileName() + ".ld"), LinkerScript.generateUnbounded(board));
            ToolResult measured = run(objects, scratch.resolveSibling(scratch.getFileName() + ".ld"), scratch, Optional.empty());
            if (!measured.ok()) throw failure(original);
            ImageSize size = ImageSize.of(scratch, board);
            return new ToolError(overflowMessage(board, size) + "\n" + size.usageTable(board).stripTrailing());
        } catch (IOException e) {
            return failure(original);
        } finally {
            try {
                Files.deleteIfExists(scratch);
                Files.deleteIfExists(scratch.resolveSibling(scratch.getFileName() + ".ld"));
            } catch (IOException e) {
                // Only a leftover scratch file.
            }
        }
    }

    private static void appendOverflow(StringBuilder message, String region, long used, long size) {
        if (used <= size) return;
        message.append("\n  ").append(region).append(" overflowed by ").append(used - size).append(" bytes (")
                .append(used).append(" bytes used of ").append(size).append(")");
    }

    /** A link error: the objects may come from the runtime cache, so say where it is and how to clear it. */
    private static ToolError failure(ToolResult result) {
        String detail = result.stderr().isBlank() ? result.stdout() : result.stderr();
        java.util.regex.Matcher helper = SOFT_FLOAT_HELPER.matcher(detail);
        if (helper.find()) {
            return new ToolError("this program's f32 code needs libgcc's helpers (`" + helper.group(1)
                    + "`), which are not installed\n  = help: " + Libgcc.INSTALL_HINT);
        }
        return new ToolError("ld.lld failed (exit code " + result.exitCode() + "):\n" + detail.stripTrailing()
                + "\n" + mote.home.MoteCache.clearHint());
    }
}

package mote.link;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import mote.board.Board;

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
        Path script = LinkerScript.write(board, elf.toAbsolutePath().getParent());
        List<Path> objects = new ArrayList<>(programObjects);
        objects.addAll(runtime.build(board));
        return link(objects, script, elf, map);
    }

    /**
     * Runs ld.lld on exactly these objects and script; a link error becomes a ToolError.
     * {@code --nmagic}: no page alignment between segments, so the ELF and program headers are
     * never put in a loadable segment below flash (ld.lld does that when flash does not start at
     * 0, and a loader writing segments would then write them outside the flash).
     */
    public Path link(List<Path> objects, Path script, Path elf, Optional<Path> map) {
        List<String> args = new ArrayList<>(List.of("--gc-sections", "--nmagic", "-T", script.toString(), "-o", elf.toString()));
        map.ifPresent(m -> args.addAll(List.of("-Map", m.toString())));
        objects.forEach(o -> args.add(o.toString()));
        toolchain.check(toolchain.ldLld(), args);
        return elf;
    }
}

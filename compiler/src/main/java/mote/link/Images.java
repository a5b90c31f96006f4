package mote.link;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import mote.home.Toolchain;
import mote.board.Board;
import mote.diag.ToolError;

/**
 * The image formats made from a linked ELF: raw binary and Intel HEX through the toolchain's
 * llvm-objcopy (both from the segments' physical addresses, so .data's initial values follow
 * .rodata in flash), and UF2 written here ({@link Uf2}) with the board's family id.
 */
public final class Images {
    private final Toolchain toolchain;

    public Images(Toolchain toolchain) {
        this.toolchain = toolchain;
    }

    public static Images standard() {
        return new Images(Toolchain.get());
    }

    /** {@code app.elf} becomes {@code app.bin}: the bytes from the lowest loaded address on, gaps zero-filled. */
    public Path bin(Path elf) {
        Path bin = sibling(elf, ".bin");
        toolchain.check(toolchain.llvmObjcopy(), List.of("-O", "binary", elf.toString(), bin.toString()));
        return bin;
    }

    /** {@code app.elf} becomes {@code app.hex} (Intel HEX with extended linear addresses). */
    public Path hex(Path elf) {
        Path hex = sibling(elf, ".hex");
        toolchain.check(toolchain.llvmObjcopy(), List.of("-O", "ihex", elf.toString(), hex.toString()));
        return hex;
    }

    /** {@code app.elf} becomes {@code app.uf2}; the board must name its UF2 family. */
    public static Path uf2(Path elf, Board board) {
        long family = board.flash().flatMap(Board.Flash::uf2Family).orElseThrow(() -> new ToolError(
                "board `" + board.name() + "` has no UF2 bootloader (no `flash.uf2-family-id` in "
                        + board.file().getFileName() + "); use --emit bin or hex", 2));
        Path uf2 = sibling(elf, ".uf2");
        try {
            Files.write(uf2, Uf2.write(ElfSegments.read(elf).segments(), family));
        } catch (IOException e) {
            throw ToolError.io("write", uf2, e);
        }
        return uf2;
    }

    static Path sibling(Path elf, String extension) {
        String name = elf.getFileName().toString();
        String stem = name.endsWith(".elf") ? name.substring(0, name.length() - 4) : name;
        return elf.resolveSibling(stem + extension);
    }
}

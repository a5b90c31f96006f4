package mote.link;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import mote.board.Board;

/**
 * libgcc's helpers for what a core does not do in hardware: f32 arithmetic without an FPU, and
 * conversions between f32 and 64-bit integers on every core (Mote 0.2). They come from Debian's
 * {@code gcc-arm-none-eabi} (the standard Arm bare-metal runtime library; its runtime
 * exception lets any program link it), one multilib variant per architecture and float ABI.
 *
 * <p>The archive is linked after runtime-c on every board that has it; ld.lld takes a member
 * only for a symbol still undefined, so a program with no f32 links nothing from it and is
 * byte-identical with or without it.
 */
public final class Libgcc {
    /** System property, then environment variable: a gcc lib folder holding {@code thumb/<variant>/libgcc.a}. */
    static final String PROPERTY = "mote.libgcc", ENV = "MOTE_LIBGCC";
    static final Path DEBIAN = Path.of("/usr/lib/gcc/arm-none-eabi");

    private Libgcc() {}

    /** How a user gets the helpers, for the error when a program needs them and they are missing. */
    public static final String INSTALL_HINT = "install Debian's gcc-arm-none-eabi (`make deps` does, or "
            + "`apt-get install --no-install-recommends gcc-arm-none-eabi`), or set " + ENV + " to a gcc lib folder";

    /** The archive for {@code board}, when installed. */
    public static Optional<Path> archive(Board board) {
        Optional<Path> root = root();
        if (root.isEmpty()) return Optional.empty();
        Path archive = root.get().resolve("thumb").resolve(variant(board)).resolve("libgcc.a");
        return Files.isRegularFile(archive) ? Optional.of(archive) : Optional.empty();
    }

    /** The multilib folder for a board's architecture and float ABI (gcc's `-print-multi-directory`). */
    static String variant(Board board) {
        String arch = board.llvmTarget().replaceFirst("-.*", "");
        boolean fpu = !board.floatAbi().equals("soft");
        String abi = board.floatAbi().equals("hard") ? "hard" : "softfp";
        return switch (arch) {
            case "thumbv6m" -> "v6-m/nofp";
            case "thumbv7m" -> "v7-m/nofp";
            case "thumbv7em" -> fpu ? "v7e-m+fp/" + abi : "v7e-m/nofp";
            case "thumbv8m.base" -> "v8-m.base/nofp";
            case "thumbv8m.main" -> fpu ? "v8-m.main+fp/" + abi : "v8-m.main/nofp";
            // v8.1-M with an FPU has Helium in gcc's multilibs; without one, v8-M's helpers run unchanged.
            case "thumbv8.1m.main" -> fpu ? "v8.1-m.main+mve/hard" : "v8-m.main/nofp";
            default -> "v7-m/nofp";
        };
    }

    private static Optional<Path> root() {
        String configured = System.getProperty(PROPERTY);
        if (configured == null || configured.isBlank()) configured = System.getenv(ENV);
        if (configured != null && !configured.isBlank()) return Optional.of(Path.of(configured));
        if (!Files.isDirectory(DEBIAN)) return Optional.empty();
        try (Stream<Path> versions = Files.list(DEBIAN)) {   // e.g. 12.2.1: the newest installed
            return versions.filter(p -> Files.isDirectory(p) && p.getFileName().toString().matches("\\d+(\\.\\d+)*"))
                    .max(Comparator.comparing(p -> ModuleDescriptor.Version.parse(p.getFileName().toString())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}

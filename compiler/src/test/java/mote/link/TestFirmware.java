package mote.link;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import mote.home.Toolchain;
import mote.home.MoteCache;
import mote.home.MoteHome;
import mote.board.Board;

/**
 * Builds firmware from the C stand-ins for compiled Mote programs in
 * {@code src/test/resources/runtime/}: compile with the toolchain's clang for the board,
 * link with runtime-c and the generated linker script. Exercises the same path a compiled
 * program takes, without the compiler.
 */
public final class TestFirmware {
    private TestFirmware() {}

    /** Builds {@code runtime/<program>.c} for {@code board} into {@code dir/<program>.elf} (with a map). */
    public static Path build(Board board, String program, Path dir) throws IOException {
        Path source = copyResource(program + ".c", dir);
        copyResource("program_common.h", dir);
        Toolchain toolchain = Toolchain.get();
        Path object = dir.resolve(program + ".o");
        List<String> args = new ArrayList<>(RuntimeBuilder.targetFlags(board));
        args.addAll(List.of("-Os", "-ffreestanding", "-ffunction-sections", "-fdata-sections",
                "-Wall", "-Wextra", "-Werror",
                "-I" + MoteHome.runtimeDir().resolve("include"), "-c", source.toString(), "-o", object.toString()));
        toolchain.check(toolchain.clang(), args);
        Path elf = dir.resolve(program + ".elf");
        RuntimeBuilder runtime = new RuntimeBuilder(toolchain, MoteHome.runtimeDir(), MoteCache.dir("runtime"));
        return new Linker(toolchain, runtime).linkProgram(board, List.of(object), elf,
                Optional.of(dir.resolve(program + ".map")));
    }

    private static Path copyResource(String name, Path dir) throws IOException {
        Path target = dir.resolve(name);
        try (InputStream in = TestFirmware.class.getResourceAsStream("/runtime/" + name)) {
            if (in == null) throw new IOException("missing test resource runtime/" + name);
            Files.copy(in, target);
        }
        return target;
    }
}

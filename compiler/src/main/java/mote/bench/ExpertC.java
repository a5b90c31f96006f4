package mote.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import mote.board.Board;
import mote.home.MoteHome;
import mote.home.Toolchain;
import mote.link.Linker;
import mote.link.LinkerScript;
import mote.link.RuntimeBuilder;

/**
 * The C an expert would write for each bench program (bench/c-expert/): its own startup and
 * minimal executor in {@code expert.h}, no runtime-c. Each program is one translation unit,
 * so the compiler sees it whole, as LTO would; it is built with the bundled clang at -Os and
 * linked by ld.lld with --gc-sections and the board's linker script, like Mote's images.
 * Only for lm3s6965evb: expert.h is written for that board (its UART, clock and vectors).
 */
public final class ExpertC {
    private static final String BOARD_NAME = "lm3s6965evb";

    private ExpertC() {}

    /** The Mote program bench/c-expert/PROGRAM.c stands for: bench/empty.mote, bench/firmware.mote or examples/PROGRAM.mote. */
    static Path moteSource(String program) {
        return program.equals("empty") ? MoteHome.get().resolve("bench").resolve("empty.mote") : Bench.moteSource(program);
    }

    /** Compiles and links bench/c-expert/PROGRAM.c into {@code work/expert-PROGRAM/PROGRAM.elf}. */
    static Path build(String program, Board board, Path work) throws IOException {
        if (!board.name().equals(BOARD_NAME))
            throw new IllegalArgumentException("bench/c-expert is written for " + BOARD_NAME + ", not " + board.name());
        Toolchain tc = Toolchain.get();
        Path sources = MoteHome.get().resolve("bench").resolve("c-expert");
        Path dir = Files.createDirectories(work.resolve("expert-" + program));
        Path object = dir.resolve(program + ".o");
        List<String> args = new ArrayList<>(RuntimeBuilder.targetFlags(board));
        args.addAll(List.of("-Os", "-ffreestanding", "-ffunction-sections", "-fdata-sections",
                "-fno-unwind-tables", "-fno-asynchronous-unwind-tables", "-std=c11", "-Wall", "-Wextra", "-Werror",
                "-I" + sources, "-c", sources.resolve(program + ".c").toString(), "-o", object.toString()));
        tc.check(tc.clang(), args);
        return Linker.standard().link(List.of(object), LinkerScript.write(board, dir), dir.resolve(program + ".elf"), Optional.empty());
    }
}

package mote.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import mote.Compiler;
import mote.home.MoteHome;
import mote.board.Board;
import mote.qemu.QemuOptions;
import mote.qemu.QemuRunner;

/**
 * Two programs with the same file name built into the same output folder (two CI jobs in one
 * checkout): each build, and each `mote run`, must use its own image, never the other's.
 */
class ConcurrentBuildsTest {
    @TempDir Path dir;

    /** {@code dir/NAME/app.mote}, a program that exits with {@code code}. */
    private Path program(String name, int code) throws IOException {
        Path file = Files.createDirectories(dir.resolve(name)).resolve("app.mote");
        return Files.writeString(file, "async fn main() -> i32 {\n    " + code + "\n}\n");
    }

    @Test
    void aBuildKeepsItsOwnImageWhenAnotherReplacesTheSharedOne() throws IOException {
        Board board = Board.load(Board.DEFAULT_NAME);
        Path out = dir.resolve("build");
        Compiler.Result first = Compiler.compile(program("a", 3), Compiler.Options.defaults(board, out));
        Compiler.Result second = Compiler.compile(program("b", 7), Compiler.Options.defaults(board, out));
        try {
            QemuRunner qemu = new QemuRunner();
            QemuOptions options = QemuOptions.defaults().withTimeout(Duration.ofSeconds(30));
            assertEquals(3, qemu.run(board, first.elf(), options).exitCode(), "the first build runs its own program");
            assertEquals(7, qemu.run(board, second.elf(), options).exitCode());
            assertEquals(List.of(out.resolve("app.elf")), second.emitted(), "the output folder holds the last build's image");
            assertEquals(7, qemu.run(board, out.resolve("app.elf"), options).exitCode());
        } finally {
            first.discard();
            second.discard();
        }
        try (Stream<Path> left = Files.list(out)) {
            assertEquals(List.of("app.elf"), left.map(p -> p.getFileName().toString()).toList(), "private folders are gone");
        }
    }

    @Test
    void concurrentRunsIntoOneFolderEachRunTheirOwnProgram() throws Exception {
        Path a = program("a", 3), b = program("b", 7);
        String out = dir.resolve("shared").toString();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 3; round++) {
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<Integer>> runs = new ArrayList<>();
                for (Path source : List.of(a, b)) {
                    runs.add(pool.submit((Callable<Integer>) () -> {
                        start.await();
                        StringWriter err = new StringWriter();
                        int code = Main.execute(new String[] {"run", source.toString(), "-o", out, "--timeout", "60"},
                                new PrintWriter(new StringWriter()), new PrintWriter(err));
                        assertTrue(err.toString().isEmpty(), err.toString());
                        return code;
                    }));
                }
                assertEquals(3, runs.get(0).get(), "round " + round + ": a's run exits with a's code");
                assertEquals(7, runs.get(1).get(), "round " + round + ": b's run exits with b's code");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** docs/ci/concurrent-builds.sh, as a CI job runs it: two `mote` processes at once. */
    @Test
    void theCiRecipeForConcurrentBuildsPasses() throws Exception {
        Path launcher = dir.resolve("mote");
        Files.writeString(launcher, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
                + "' -Dmote.home='" + MoteHome.get() + "' -cp '" + System.getProperty("java.class.path")
                + "' mote.cli.Main \"$@\"\n");
        assertTrue(launcher.toFile().setExecutable(true));
        ProcessBuilder builder = new ProcessBuilder("bash", MoteHome.get().resolve("docs/ci/concurrent-builds.sh").toString())
                .redirectErrorStream(true);
        builder.environment().put("MOTE", launcher.toString());
        Process recipe = builder.start();
        recipe.getOutputStream().close();
        String output = new String(recipe.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(recipe.waitFor(5, java.util.concurrent.TimeUnit.MINUTES));
        assertEquals(0, recipe.exitValue(), output);
        assertTrue(output.contains("both concurrent builds ran their own program"), output);
    }
}

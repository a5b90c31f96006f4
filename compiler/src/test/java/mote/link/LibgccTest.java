package mote.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import mote.Compiler;
import mote.board.Board;
import mote.diag.ToolError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * libgcc's f32 helpers: the multilib variant each board links, a clear error when a program
 * needs them and they are not installed, and nothing at all for a program without f32.
 */
class LibgccTest {
    @TempDir Path dir;

    private static final String RUNTIME_F32 = """
            static mut X: f32 = 1.5;
            async fn main() {
                X = X * 3.0 + 0.25;
                println("{}", X as i32);
            }
            """;

    @Test
    void eachBoardLinksItsArchitecturesVariant() {
        assertEquals("v7-m/nofp", Libgcc.variant(Board.load("lm3s6965evb")));
        assertEquals("v6-m/nofp", Libgcc.variant(Board.load("microbit")));
        assertEquals("v7e-m+fp/hard", Libgcc.variant(Board.load("mps2-an386")));
        assertEquals("v8-m.main/nofp", Libgcc.variant(Board.load("mps2-an505")));
        assertEquals("v7e-m+fp/hard", Libgcc.variant(Board.load("netduinoplus2")));
    }

    @Test
    void missingHelpersSayWhatToInstall() throws IOException {
        Path program = Files.writeString(dir.resolve("f.mote"), RUNTIME_F32);
        Board board = Board.load("lm3s6965evb");
        ToolError error = withLibgccAt(dir.resolve("no-gcc-here"), () -> assertThrows(ToolError.class,
                () -> Compiler.compile(program, Compiler.Options.defaults(board, Files.createDirectories(dir.resolve("out"))))));
        assertTrue(error.getMessage().startsWith("this program's f32 code needs libgcc's helpers (`__aeabi_f"), error.getMessage());
        assertTrue(error.getMessage().contains("apt-get install --no-install-recommends gcc-arm-none-eabi"), error.getMessage());
    }

    @Test
    void aProgramWithoutF32IsTheSameWithoutLibgcc() throws IOException {
        assertTrue(Libgcc.archive(Board.load("lm3s6965evb")).isPresent(), "the test machine has gcc-arm-none-eabi (make deps)");
        Path hello = mote.home.MoteHome.get().resolve("examples/hello.mote");
        Board board = Board.load("lm3s6965evb");
        Path with = Compiler.compile(hello, Compiler.Options.defaults(board, Files.createDirectories(dir.resolve("with")))).elf();
        Path without = withLibgccAt(dir.resolve("none"), () ->
                Compiler.compile(hello, Compiler.Options.defaults(board, Files.createDirectories(dir.resolve("without")))).elf());
        assertArrayEquals(Files.readAllBytes(Images.standard().bin(with)), Files.readAllBytes(Images.standard().bin(without)));
    }

    private interface Action<T> { T run() throws IOException; }

    private static <T> T withLibgccAt(Path folder, Action<T> action) throws IOException {
        System.setProperty(Libgcc.PROPERTY, folder.toString());
        try {
            return action.run();
        } finally {
            System.clearProperty(Libgcc.PROPERTY);
        }
    }
}

package mote.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import mote.board.Board;
import mote.diag.ToolError;

/**
 * {@code mote flash APP.elf} reads files users hand it: every truncation of a real image and
 * thousands of bit flips in it must either read or be refused with a {@link ToolError}, never
 * fail with an exception from reading past the end of the file.
 */
class ElfReadingFuzzTest {
    @TempDir Path dir;

    @Test
    void truncatedOrCorruptedImagesAreRefusedPlainly() throws IOException {
        Board board = Board.load("lm3s6965evb");
        byte[] image = Files.readAllBytes(TestFirmware.build(board, "hello", dir));
        assertFalse(ElfSegments.read(dir.resolve("hello.elf")).segments().isEmpty());
        Path file = dir.resolve("mutant.elf");
        int refused = 0;
        // Every length up to the headers, then coarser steps through the rest.
        for (int length = 0; length < image.length; length += length < 256 ? 1 : 97) {
            refused += readOrRefuse(board, Files.write(file, Arrays.copyOf(image, length)), "cut at " + length);
        }
        Random random = new Random(14);
        for (int i = 0; i < 3000; i++) {
            byte[] mutant = image.clone();
            // Most flips in the ELF header and the tables it points to, where offsets live.
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                int at = random.nextBoolean() ? random.nextInt(Math.min(64, mutant.length)) : random.nextInt(mutant.length);
                mutant[at] ^= (byte) (1 << random.nextInt(8));
            }
            readOrRefuse(board, Files.write(file, mutant), "mutant " + i);
        }
        assertEquals(true, refused > 200, "most truncations are refused: " + refused);
    }

    /** 1 when refused with a ToolError, 0 when it read; anything else fails the test. */
    private static int readOrRefuse(Board board, Path file, String what) {
        try {
            ElfSections.read(file);
            ElfSegments.read(file);
            ImageSize.of(file, board);
            return 0;
        } catch (ToolError e) {
            return 1;
        } catch (RuntimeException e) {
            fail(what + ": " + e, e);
            return 0;
        }
    }
}

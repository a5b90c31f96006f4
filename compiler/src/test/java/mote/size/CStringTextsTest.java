package mote.size;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import mote.testutil.ProgramRunner;
import org.junit.jupiter.api.Test;

/**
 * Texts printed as C strings (mote.llvm.CStringTexts) where that is smaller, lengths kept where it is
 * not, and texts and panic messages with a zero byte printed whole either way: built, run under
 * QEMU, and the image's printers checked.
 */
class CStringTextsTest {
    /** Twelve texts of two bytes or more, numbers between: the C-string form pays. */
    private static final String MANY_TEXTS = """
            async fn main() -> i32 {
                let mut total: u32 = 0;
                let mut i: u32 = 0;
                while i < 3 {
                    println("round {} of {}", i, 3);
                    println("sensor {} reads {} ({:x})", i, i * 100, i * 100);
                    total += i * 100;
                    i += 1;
                }
                println("total {} after {} rounds", total, i);
                println("min {}, max {}, mean {}", 0, 200, total / i);
                println("status: ok, errors: {}", 0);
                %s
                0
            }
            """;

    private static Path write(String program) throws IOException {
        Path source = ProgramRunner.tempDir().resolve("texts.mote");
        Files.writeString(source, program);
        return source;
    }

    private static Set<String> symbols(ProgramRunner.Run run) {
        return SizeBaseline.symbols(run.build().elf()).keySet();
    }

    @Test
    void manyTextsPrintAsCStringsAndTheLengthPrinterLeaves() throws IOException {
        ProgramRunner.Run run = ProgramRunner.run(write(MANY_TEXTS.formatted("")), "lm3s6965evb");
        assertEquals("""
                round 0 of 3
                sensor 0 reads 0 (0)
                round 1 of 3
                sensor 1 reads 100 (64)
                round 2 of 3
                sensor 2 reads 200 (c8)
                total 300 after 3 rounds
                min 0, max 200, mean 100
                status: ok, errors: 0
                """, run.output());
        assertEquals(0, run.exitCode());
        Set<String> symbols = symbols(run);
        assertTrue(symbols.contains("mote_print_cstr"), symbols.toString());
        assertFalse(symbols.contains("mote_print_str"), symbols.toString());
    }

    @Test
    void textsAndPanicMessagesWithAZeroBytePrintWhole() throws IOException {
        ProgramRunner.Run run = ProgramRunner.run(write(MANY_TEXTS.formatted("""
                println("a\\0b {}", total);
                    if total > 10 { panic("x\\0y"); }""")), "lm3s6965evb");
        assertTrue(run.output().endsWith("status: ok, errors: 0\na\0b 300\npanic: x\0y at texts.mote:14:21\n"), run.output());
        assertEquals(101, run.exitCode());
        assertTrue(symbols(run).contains("mote_print_str"), "the texts with a zero byte keep their lengths");
    }

    @Test
    void aProgramThatPrintsOnlyASeparatorKeepsLengths() throws IOException {
        ProgramRunner.Run run = ProgramRunner.run(write("""
                async fn main() -> i32 {
                    let mut i: u32 = 1;
                    while i < 4 {
                        println("{} {} {}", i, i * 11, i * 111);
                        i += 1;
                    }
                    0
                }
                """), "lm3s6965evb");
        assertEquals("1 11 111\n2 22 222\n3 33 333\n", run.output());
        assertFalse(symbols(run).contains("mote_print_cstr"), symbols(run).toString());
    }
}

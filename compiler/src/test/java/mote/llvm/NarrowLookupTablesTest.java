package mote.llvm;

import static org.bytedeco.llvm.global.LLVM.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import mote.Compiler;
import mote.board.Board;
import mote.home.MoteHome;
import mote.testutil.ProgramRunner;
import org.bytedeco.javacpp.BytePointer;
import org.junit.jupiter.api.Test;

/**
 * A match returning constants becomes an LLVM lookup table of its result type;
 * NarrowLookupTables keeps the entries in a byte or a halfword when all fit, and leaves alone a
 * table with a negative entry, one used other than by whole loads, and one not internal. On
 * IR, then on bench/firmware.mote, whose `arity` is such a table.
 */
class NarrowLookupTablesTest {
    private static final String IR = """
            @bytes = private unnamed_addr constant [4 x i32] [i32 1, i32 255, i32 poison, i32 7], align 4
            @halves = private unnamed_addr constant [3 x i32] [i32 1, i32 65535, i32 256], align 4
            @negative = private unnamed_addr constant [3 x i32] [i32 1, i32 -1, i32 2], align 4
            @escapes = private unnamed_addr constant [3 x i32] [i32 1, i32 2, i32 3], align 4
            @public = constant [3 x i32] [i32 1, i32 2, i32 3], align 4
            @sink = global ptr null

            define i32 @read(i32 %i) {
              %a = getelementptr inbounds [4 x i32], ptr @bytes, i32 0, i32 %i
              %x = load i32, ptr %a, align 4
              %b = getelementptr inbounds [3 x i32], ptr @halves, i32 0, i32 %i
              %y = load i32, ptr %b, align 4
              %c = getelementptr inbounds [3 x i32], ptr @negative, i32 0, i32 %i
              %z = load i32, ptr %c, align 4
              %d = getelementptr inbounds [3 x i32], ptr @escapes, i32 0, i32 %i
              %w = load i32, ptr %d, align 4
              store ptr %d, ptr @sink
              %e = getelementptr inbounds [3 x i32], ptr @public, i32 0, i32 %i
              %v = load i32, ptr %e, align 4
              %s1 = add i32 %x, %y
              %s2 = add i32 %s1, %z
              %s3 = add i32 %s2, %w
              %s4 = add i32 %s3, %v
              ret i32 %s4
            }
            """;

    @Test
    void tablesOfSmallEntriesKeepBytesOrHalfwords() {
        PartitionPlanTest.withModule(IR, m -> {
            NarrowLookupTables.apply(m);
            BytePointer error = new BytePointer();
            if (LLVMVerifyModule(m, LLVMReturnStatusAction, error) != 0) fail(error.getString());
            BytePointer text = LLVMPrintModuleToString(m);
            String ir = text.getString();
            LLVMDisposeMessage(text);
            assertTrue(ir.contains("@bytes.narrow = private unnamed_addr constant [4 x i8] c\"\\01\\FF\\00\\07\", align 1"), ir);
            assertTrue(ir.contains("@halves.narrow = private unnamed_addr constant [3 x i16] [i16 1, i16 -1, i16 256], align 2"), ir);
            assertTrue(ir.contains("load i8, ptr") && ir.contains("zext i8") && ir.contains("load i16, ptr") && ir.contains("zext i16"), ir);
            assertTrue(ir.contains("@negative = private unnamed_addr constant [3 x i32]"), "a negative entry: " + ir);
            assertTrue(ir.contains("@escapes = private unnamed_addr constant [3 x i32]"), "an address stored: " + ir);
            assertTrue(ir.contains("@public = constant [3 x i32]"), "not internal: " + ir);
            assertTrue(!ir.contains("@bytes =") && !ir.contains("@halves ="), "the wide tables are gone: " + ir);
        });
    }

    /** bench/firmware.mote's `arity` (a u32 per command) keeps a byte per command, and the firmware runs as before. */
    @Test
    void theFirmwaresArityTableKeepsBytes() throws IOException {
        Path dir = ProgramRunner.tempDir();
        Compiler.compile(MoteHome.get().resolve("bench/firmware.mote"), Compiler.Options.defaults(Board.load("lm3s6965evb"), dir)
                .withEmit(EnumSet.of(Compiler.Emit.ELF, Compiler.Emit.LL)));
        String ll = Files.readString(dir.resolve("firmware.ll"));
        assertTrue(ll.matches("(?s).*@switch\\.table\\.[^ ]*\\.narrow = private unnamed_addr constant \\[5 x i8\\].*"), "arity's table");
        ProgramRunner.Run run = ProgramRunner.run(MoteHome.get().resolve("bench/firmware.mote"), "lm3s6965evb");
        assertTrue(run.output().endsWith("checksum ae0eae4c\n"), run.output());   // its expected output's last line
        assertEquals(205, run.exitCode());
    }
}

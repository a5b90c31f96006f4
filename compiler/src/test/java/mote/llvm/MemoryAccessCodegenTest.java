package mote.llvm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import mote.Compiler;
import mote.board.Board;
import mote.testutil.ProgramRunner;
import org.junit.jupiter.api.Test;

/**
 * What reaches LLVM for memory the program does not own: registers become volatile accesses
 * of their own width at their constant address (surviving -Os), read-only aggregate statics
 * become constants (flash), and `critical` becomes the PRIMASK save/restore sequence.
 */
class MemoryAccessCodegenTest {
    private static String ir(String program) throws IOException {
        return ir(program, LlvmBackend.OptLevel.S);
    }

    private static String ir(String program, LlvmBackend.OptLevel level) throws IOException {
        Path dir = ProgramRunner.tempDir();
        Path src = dir.resolve("prog.mote");
        Files.writeString(src, program);
        Board board = Board.load("lm3s6965evb");
        Compiler.Options o = Compiler.Options.defaults(board, dir).withOptLevel(level);
        Compiler.compile(src, o.withEmit(EnumSet.of(Compiler.Emit.ELF, Compiler.Emit.LL)));
        return Files.readString(dir.resolve("prog.ll"));
    }

    @Test
    void channelWaiterNodesAreNotClaimedToBeEightByteAligned() throws IOException {
        // The state objects here are 4-aligned (no u64): an `align 8` access into one would
        // promise LLVM more than is true (a waiter node is 8 bytes, align 4). Two tasks
        // receive, so the channel keeps lists of waiter nodes (mote.mir.ChannelWaiters).
        String ll = ir("""
                static ARR: Channel<[u8; 4], 2>;
                task fn talker() { ARR.send([1, 2, 3, 4]).await; }
                task fn listener() { let _b = ARR.recv().await; }
                async fn main() -> i32 {
                    spawn talker();
                    let a = ARR.recv().await;
                    a[3] as i32
                }
                """, LlvmBackend.OptLevel.O0);
        // runtime-c is in the module too (timer nodes are 8-aligned): look at the program's code only.
        String program = programFunctions(ll);
        assertTrue(program.contains("store i64 0, ptr") && !program.contains("align 8"), program);
    }

    @Test
    void registersAreVolatileAccessesOfTheirWidth() throws IOException {
        String ll = ir("""
                register B: u8 @ 0x4000_0001;
                register H: u16 @ 0x4000_0002;
                register W: u32 @ 0x4000_0004;
                async fn main() -> i32 {
                    B = 1;
                    H = B as u16;
                    W += H as u32;
                    W = W;
                    0
                }
                """);
        assertTrue(ll.contains("store volatile i8 1, ptr inttoptr (i32 1073741825 to ptr)"), ll);
        assertTrue(ll.contains("load volatile i8, ptr inttoptr (i32 1073741825 to ptr)"), ll);
        assertTrue(ll.contains("store volatile i16"), ll);
        // `W += ..` reads once and writes once; `W = W` reads and writes again: nothing merged.
        assertTrue(ll.split("load volatile i32, ptr inttoptr \\(i32 1073741828").length - 1 == 2, ll);
        assertTrue(ll.split("store volatile i32 %[^,]*, ptr inttoptr \\(i32 1073741828").length - 1 == 2, ll);
    }

    @Test
    void readOnlyAggregateStaticsAreConstants() throws IOException {
        String ll = ir("""
                struct P { a: u8, b: u32 }
                static T: [P; 2] = [P { a: 1, b: 2 }, P { a: 3, b: 0x01020304 }];
                static mut M: [u8; 3] = [5; 3];
                async fn main() -> i32 {
                    let i = M[0] as u32 % 2;
                    M[i] = 1;
                    T[i].b as i32 + M[1] as i32
                }
                """);
        assertTrue(ll.contains("@_M1T = internal unnamed_addr constant [16 x i8] c\"\\01\\00\\00\\00\\02\\00\\00\\00\\03\\00\\00\\00\\04\\03\\02\\01\", align 4"), ll);
        assertTrue(ll.contains("@_M1M = internal unnamed_addr global [3 x i8] c\"\\05\\05\\05\""), ll);
    }

    @Test
    void interruptHandlersAreTheVectorTableSymbols() throws IOException {
        String ll = ir("""
                static mut N: u32 = 0;
                interrupt UART0() { N += 1; }
                async fn main() -> i32 { N as i32 }
                """);
        // UART0 is IRQ 5 on lm3s6965evb: the handler is that vector's entry (internal, like all
        // of the program but the vector table, once runtime-c is linked in).
        assertTrue(ll.contains("define internal void @mote_irq_5()"), ll);
        assertTrue(ll.matches("(?s).*@mote_vector_table = .*ptr @mote_irq_5,.*"), ll);
        mote.diag.CompileError e = org.junit.jupiter.api.Assertions.assertThrows(mote.diag.CompileError.class,
                () -> ir("interrupt UART9() {}\nasync fn main() -> i32 { 0 }\n"));
        String text = e.diagnostics().render();
        assertTrue(text.contains("error[E0417]: board `lm3s6965evb` has no interrupt named `UART9`"), text);
        assertTrue(text.contains("did you mean `UART0`?"), text);
        mote.diag.CompileError tick = org.junit.jupiter.api.Assertions.assertThrows(mote.diag.CompileError.class,
                () -> ir("interrupt SysTick() {}\nasync fn main() -> i32 { 0 }\n"));
        assertTrue(tick.diagnostics().render().contains("SysTick belongs to the runtime, which keeps time with it"), tick.diagnostics().render());
    }

    /**
     * A board may give one vector two names; two handlers for it, one under each, were
     * compiled into one vector with the second dropped without a word: E0426 now.
     */
    @Test
    void twoHandlersForOneVectorAreRefused() throws IOException {
        Board b = Board.load("lm3s6965evb");
        java.util.Map<String, Integer> irqs = new java.util.HashMap<>(b.irqs());
        irqs.put("UART0_ALIAS", irqs.get("UART0"));
        Board aliased = new Board(b.name(), b.description(), b.file(), b.llvmTarget(), b.cpu(), b.features(), b.floatAbi(), b.memory(),
                b.clockHz(), b.console(), irqs, b.irqCount(), b.stackSize(), b.qemu(), b.flash());
        Path dir = ProgramRunner.tempDir();
        Path src = dir.resolve("twice.mote");
        Files.writeString(src, "static mut N: u32 = 0;\ninterrupt UART0() { N += 1; }\ninterrupt UART0_ALIAS() { N += 2; }\n"
                + "async fn main() -> i32 { N as i32 }\n");
        mote.diag.CompileError e = org.junit.jupiter.api.Assertions.assertThrows(mote.diag.CompileError.class,
                () -> Compiler.compile(src, Compiler.Options.defaults(aliased, dir)));
        String text = e.diagnostics().render();
        assertTrue(text.contains("error[E0426]: `UART0_ALIAS` is interrupt 5 on board `lm3s6965evb`, which `interrupt UART0()` handles already"), text);
        assertTrue(text.contains("twice.mote:3:"), text);
        // One handler under either name builds.
        Files.writeString(src, "interrupt UART0_ALIAS() {}\nasync fn main() -> i32 { 0 }\n");
        Compiler.compile(src, Compiler.Options.defaults(aliased, dir));
    }

    @Test
    void criticalSavesAndRestoresPrimask() throws IOException {
        String ll = ir("""
                static mut N: u32 = 0;
                async fn main() -> i32 {
                    critical {
                        N += 1;
                        critical { N += 1; }
                    }
                    N as i32
                }
                """);
        assertTrue(ll.split("mrs \\$0, primask").length - 1 == 2, ll);
        assertTrue(ll.split("msr primask, \\$0").length - 1 == 2, ll);
    }

    /** The definitions of the program's own functions (mangled `_M...`) in an IR listing. */
    static String programFunctions(String ll) {
        StringBuilder out = new StringBuilder();
        boolean in = false;
        for (String line : ll.split("\n")) {
            if (line.startsWith("define ")) in = line.contains("@_M");
            if (in) out.append(line).append('\n');
            if (line.equals("}")) in = false;
        }
        return out.toString();
    }
}

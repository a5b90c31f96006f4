package mote.size;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mote.Compiler;
import mote.board.Board;
import mote.testutil.ProgramRunner;
import org.junit.jupiter.api.Test;

/** Frames and calls read from Thumb machine code, for libgcc's helpers (no compiler reports them). */
class MachineCodeFramesTest {
    private static byte[] code(int... halfwords) {
        byte[] out = new byte[halfwords.length * 2];
        for (int i = 0; i < halfwords.length; i++) {
            out[2 * i] = (byte) halfwords[i];
            out[2 * i + 1] = (byte) (halfwords[i] >> 8);
        }
        return out;
    }

    @Test
    void everyWayOfGrowingTheStackCounts() {
        assertEquals(20, MachineCodeFrames.scan(code(0xb5f0), 0).frame(), "push {r4-r7, lr}");
        assertEquals(28, MachineCodeFrames.scan(code(0xb087), 0).frame(), "sub sp, #0x1c");
        assertEquals(36, MachineCodeFrames.scan(code(0xe92d, 0x4ff0), 0).frame(), "push.w {r4-r11, lr}");
        assertEquals(4, MachineCodeFrames.scan(code(0xf84d, 0xed04), 0).frame(), "str lr, [sp, #-4]!");
        assertEquals(64, MachineCodeFrames.scan(code(0xed2d, 0x8b10), 0).frame(), "vpush {d8-d15}");
        assertEquals(8, MachineCodeFrames.scan(code(0xed2d, 0x8a02), 0).frame(), "vpush {s16, s17}");
        assertEquals(256, MachineCodeFrames.scan(code(0xf5ad, 0x7d80), 0).frame(), "sub.w sp, sp, #256");
        assertEquals(100, MachineCodeFrames.scan(code(0xf2ad, 0x0d64), 0).frame(), "subw sp, sp, #100");
        // A prologue of v6-M libgcc's __aeabi_dmul, with moves and a pop that do not count.
        assertEquals(64, MachineCodeFrames.scan(code(0xb5f0, 0x4657, 0x464e, 0x4645, 0xb5e0, 0xb087, 0xbdf0), 0).frame());
        assertEquals(0, MachineCodeFrames.scan(code(0x2380, 0x0004, 0x4770), 0).frame(), "movs, movs, bx lr");
    }

    @Test
    void callsAreBlAndWideBranchesWithTheirTargets() {
        // From a v6-M image: `bl __aeabi_dmul` at 0x4b6, and a call backwards at 0x1ad2.
        assertEquals(0x193c, MachineCodeFrames.branchTarget(0xf001, 0xfa41, 0x4b6));
        assertEquals(0x7e8, MachineCodeFrames.branchTarget(0xf7fe, 0xfe89, 0x1ad2));
        MachineCodeFrames.Scan scan = MachineCodeFrames.scan(code(0xb510, 0xf001, 0xfa41, 0xbd10), 0x4b4);
        assertEquals(List.of(0x193cL), scan.targets());
        assertEquals(8, scan.frame());
        // A conditional branch (b<cond>.w, bit 12 clear) is not a call.
        assertEquals(List.of(), MachineCodeFrames.scan(code(0xf000, 0x8000), 0).targets());
        assertEquals(0x2000 + 4 + 0x100, MachineCodeFrames.scan(code(0xf000, 0xb880), 0x2000).targets().get(0), "b.w");
    }

    /**
     * A Cortex-M0 program converting a u64 to f32: libgcc's __aeabi_ul2f calls __aeabi_dmul,
     * whose 64-byte frame the report once left out (no `.su` line, no edge in the IR, where the
     * conversion is an instruction): the poll's chain now runs through both.
     */
    @Test
    void libgccHelpersCountInTheStackReport() throws Exception {
        Board microbit = Board.load("microbit");
        Path dir = ProgramRunner.tempDir();
        Path src = dir.resolve("ul2f.mote");
        Files.writeString(src, """
                fn ratio(a: f32, b: f32) -> f32 { a / b + a * b - (a + b) }
                async fn main() -> i32 {
                    let mut x = 1.5f32 + (ticks() as f32);
                    for i in 0..5u32 { x = ratio(x, (i as f32) + 2.0); }
                    (x * 1000.0) as i32
                }
                """);
        Compiler.Result r = Compiler.compile(src, Compiler.Options.defaults(microbit, dir));
        StackUsage usage = StackUsage.measure(r, microbit);
        assertEquals(64, usage.frame("__aeabi_dmul"), "push {r4-r7, lr}, push {r5-r7, lr}, sub sp, #28");
        assertTrue(usage.frame("__aeabi_fdiv") > 0);
        StackUsage.Worst w = usage.poll("main");
        assertTrue(w.path().stream().anyMatch(s -> s.startsWith("__aeabi_dmul ")), w.describe());
        assertTrue(w.bytes() >= 64 + 16, w.describe());
    }
}

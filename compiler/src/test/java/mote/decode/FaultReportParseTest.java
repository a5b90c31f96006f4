package mote.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FaultReportParseTest {
    static final String M3_BUS = "fault: 00000003 fffffff9 00000000 38000fd0 60000000 00000008 00000000 50200000 "
            + "0000000a 00000008 100001de 61000000 00008200 40000000 00000000 00000000 60000000";

    @Test
    void readsEveryWordOfAV7mReport() {
        FaultReport r = FaultReport.parse(M3_BUS).orElseThrow();
        assertEquals(3, r.vector());
        assertEquals(0x38000fd0L, r.sp());
        assertEquals(0x100001deL, r.frame().orElseThrow().pc());
        assertEquals(0x8200, r.status().orElseThrow().cfsr());
        assertEquals(0x60000000L, r.status().orElseThrow().bfar());
        assertEquals(M3_BUS, r.line(), "printing it back gives the device's line");
        assertTrue(!r.inHandler());
    }

    @Test
    void aStackOverflowHasNoFrameAndAnM0NoStatus() {
        FaultReport overflow = FaultReport.parse("fault: 00000003 fffffff1 00000002 1fffffe0").orElseThrow();
        assertTrue(overflow.frame().isEmpty());
        assertTrue(overflow.inHandler(), "EXC_RETURN bit 3 clear: a handler was running");
        FaultReport m0 = FaultReport.parse("fault: 00000003 fffffff9 00000000 20000fe0 1 2 3 4 5 6 7 8".replace(" 1 2 3 4 5 6 7 8",
                " 00000001 00000002 00000003 00000004 00000005 00000006 00000007 00000008")).orElseThrow();
        assertEquals(7, m0.frame().orElseThrow().pc());
        assertTrue(m0.status().isEmpty());
    }

    @Test
    void aV7mStackOverflowPrintsTheActiveInterruptsWhereTheFrameWouldBe() {
        String line = "fault: 00000003 fffffff1 00000000 e000e300 00000002 00000000 00000000 00000000 "
                + "00000000 00000000 00000000 00000001 00001000 40000000 00000000 00000000 00000000";
        FaultReport r = FaultReport.parse(line).orElseThrow();
        assertTrue(r.frame().isEmpty(), "the frame was lost");
        assertTrue(r.frameLost());
        assertEquals(List.of(1, 224), r.activeInterrupts(), "IABR0 bit 1 and IABR7 bit 0");
        assertEquals(0x1000, r.status().orElseThrow().cfsr(), "STKERR");
        assertEquals(line, r.line(), "printing it back gives the device's line");
    }

    @Test
    void aPanicTraceHasItsEntryAndTheStackAboveIt() {
        PanicTrace t = PanicTrace.parse("backtrace: 00000000 00000001 0000032e 20000fd8 00000131 0000021b | 00000007 000001f5").orElseThrow();
        assertEquals(1, t.task());
        assertEquals(0x32e, t.pc());
        assertEquals(0x131, t.lr(), "the return address into the code that panicked");
        assertEquals(0x21b, t.caller(), "that code's own return address");
        assertEquals(java.util.Optional.of(0x1f5L), t.word(0x20000fdcL));
        assertTrue(t.word(0x20000fe0L).isEmpty(), "past the words printed");
        assertTrue(PanicTrace.parse("backtrace: 00000000 00000001 0000032e 20000fd8 00000131 | 00000007").isEmpty(), "a word short");
        assertTrue(PanicTrace.parse("panic: at x.mote:1:1").isEmpty());
    }

    @Test
    void aDebugBuildsStackWordsFollowABar() {
        FaultReport r = FaultReport.parse(M3_BUS + " | 00000000 0000027f").orElseThrow();
        assertEquals(List.of(0L, 0x27fL), r.stack());
        assertEquals(0x38000ff0L, r.stackStart(), "above the eight words the core pushed");
        assertEquals(M3_BUS + " | 00000000 0000027f", r.line());
        assertTrue(FaultReport.parse(M3_BUS + " | 27f").isEmpty());
    }

    @Test
    void unwindsWithTheCallFrameTable() {
        // Two functions as llvm-dwarfdump tabulates them: f pushes {r7, lr}, g is a leaf.
        Unwinder u = new Unwinder("""
                00000014 00000010 00000000 FDE cie=00000000 pc=00000100...00000120
                  0x100: CFA=SP
                  0x102: CFA=SP+8: R7=[CFA-8], LR=[CFA-4]
                00000028 00000010 00000000 FDE cie=00000000 pc=00000120...00000130
                  0x120: CFA=SP
                """);
        // In g (leaf, LR 0x111 into f); f's frame at 0x20000ff0 holds LR 0x201 (outside: the walk ends there).
        java.util.Map<Long, Long> memory = java.util.Map.of(0x20000ff4L, 0x201L);
        assertEquals(List.of(0x111L, 0x201L), u.returnAddresses(0x124, 0x20000ff0L, 0x111, a -> java.util.Optional.ofNullable(memory.get(a)), 8));
        assertEquals(List.of(), u.returnAddresses(0x104, 0x20000ff0L, 0x111, a -> java.util.Optional.empty(), 8),
                "LR saved but its word unknown: no caller");
    }

    @Test
    void otherLinesAreNotReports() {
        for (String line : List.of("fault: none", "fault:", "faults: 00000003 fffffff9 00000000 20000fe0",
                "fault: 00000003 fffffff9 00000000", "value 3", "fault: 0000003 fffffff9 00000000 20000fe0")) {
            assertTrue(FaultReport.parse(line).isEmpty(), line);
        }
    }

    @Test
    void statusRegistersInWords() {
        FaultReport r = FaultReport.parse(M3_BUS).orElseThrow();
        List<String> causes = FaultStatus.describe(r.status().orElseThrow(), a -> "0x" + Long.toHexString(a));
        assertEquals(List.of("bus fault: precise data access at 0x60000000"), causes);
        assertTrue(FaultStatus.forced(r.status().orElseThrow()));
        var usage = new FaultReport.Status((1 << 24) | (1 << 25), 0, 0, 0, 0);
        assertEquals(List.of("usage fault: unaligned access", "usage fault: division by zero"), FaultStatus.describe(usage, a -> ""));
        var stacking = new FaultReport.Status(1 << 12, 0, 0, 0, 0);
        assertTrue(FaultStatus.stacking(stacking));
    }
}

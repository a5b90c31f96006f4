package mote.decode;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * The fault status registers of ARMv7-M and ARMv8-M mainline (CFSR = UFSR:BFSR:MMFSR, HFSR),
 * in words: what went wrong, and at which address when the core recorded one. The address
 * is described by the caller (which memory of the board it is in).
 */
final class FaultStatus {
    private FaultStatus() {}

    // MMFSR (CFSR bits 0-7)
    private static final int IACCVIOL = 1, DACCVIOL = 1 << 1, MUNSTKERR = 1 << 3, MSTKERR = 1 << 4, MLSPERR = 1 << 5, MMARVALID = 1 << 7;
    // BFSR (bits 8-15)
    private static final int IBUSERR = 1 << 8, PRECISERR = 1 << 9, IMPRECISERR = 1 << 10, UNSTKERR = 1 << 11,
            STKERR = 1 << 12, LSPERR = 1 << 13, BFARVALID = 1 << 15;
    // UFSR (bits 16-31)
    private static final int UNDEFINSTR = 1 << 16, INVSTATE = 1 << 17, INVPC = 1 << 18, NOCP = 1 << 19, STKOF = 1 << 20,
            UNALIGNED = 1 << 24, DIVBYZERO = 1 << 25;
    // HFSR
    private static final long VECTTBL = 1L << 1, FORCED = 1L << 30, DEBUGEVT = 1L << 31;

    /**
     * One description per cause the registers record, most specific first; {@code where}
     * describes an address ("0x2000f000 (no memory there on microbit)").
     */
    static List<String> describe(FaultReport.Status s, LongFunction<String> where) {
        long cfsr = s.cfsr();
        List<String> causes = new ArrayList<>();
        if ((cfsr & IACCVIOL) != 0) causes.add("memory protection fault: instruction fetch from a region that forbids it");
        if ((cfsr & DACCVIOL) != 0) causes.add("memory protection fault: data access"
                + ((cfsr & MMARVALID) != 0 ? " at " + where.apply(s.mmfar()) : ""));
        if ((cfsr & MSTKERR) != 0) causes.add("memory protection fault while pushing the exception frame (the stack?)");
        if ((cfsr & MUNSTKERR) != 0) causes.add("memory protection fault while popping the exception frame");
        if ((cfsr & MLSPERR) != 0) causes.add("memory protection fault while saving the FPU context");
        if ((cfsr & IBUSERR) != 0) causes.add("bus fault: instruction fetch (a jump to an address with no code)");
        if ((cfsr & PRECISERR) != 0) causes.add("bus fault: precise data access"
                + ((cfsr & BFARVALID) != 0 ? " at " + where.apply(s.bfar()) : ""));
        if ((cfsr & IMPRECISERR) != 0) causes.add("bus fault: imprecise data access (a buffered write; "
                + "the address is not known and the line below is just after the access)");
        if ((cfsr & STKERR) != 0) causes.add("bus fault while pushing the exception frame (the stack?)");
        if ((cfsr & UNSTKERR) != 0) causes.add("bus fault while popping the exception frame");
        if ((cfsr & LSPERR) != 0) causes.add("bus fault while saving the FPU context");
        if ((cfsr & UNDEFINSTR) != 0) causes.add("usage fault: undefined instruction");
        if ((cfsr & INVSTATE) != 0) causes.add("usage fault: invalid state (a jump to an address without the Thumb bit)");
        if ((cfsr & INVPC) != 0) causes.add("usage fault: invalid exception return");
        if ((cfsr & NOCP) != 0) causes.add("usage fault: FPU or coprocessor instruction while it is off");
        if ((cfsr & STKOF) != 0) causes.add("usage fault: stack overflow (the stack limit register)");
        if ((cfsr & UNALIGNED) != 0) causes.add("usage fault: unaligned access");
        if ((cfsr & DIVBYZERO) != 0) causes.add("usage fault: division by zero");
        long hfsr = s.hfsr();
        if ((hfsr & VECTTBL) != 0) causes.add("hard fault: reading the vector table");
        if (causes.isEmpty() && (hfsr & DEBUGEVT) != 0) causes.add("hard fault: a breakpoint with no debugger attached "
                + "(semihosting needs QEMU or a probe)");
        return causes;
    }

    /** The core escalated a configurable fault (they are off unless enabled, as in Mote) to HardFault. */
    static boolean forced(FaultReport.Status s) { return (s.hfsr() & FORCED) != 0; }

    /** The frame could not be pushed: the stack is the likely cause. */
    static boolean stacking(FaultReport.Status s) { return (s.cfsr() & (MSTKERR | STKERR)) != 0; }
}

package mote.mir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import mote.Compiler;
import mote.diag.SourceFile;
import mote.opt.Optimization;
import org.junit.jupiter.api.Test;

/** An interrupt handler is marked on its MIR fn (its board IRQ name), not recognised by its name. */
class InterruptMarkerTest {
    private static final String PROGRAM = """
            static mut TICKS: u32 = 0;
            interrupt UART0() {
                TICKS += 1;
            }
            fn helper() -> u32 { 1 }
            async fn main() -> i32 {
                helper() as i32
            }
            """;

    @Test
    void theHandlerCarriesItsIrqNameThroughEveryPass() {
        for (Set<Optimization> opts : List.of(EnumSet.noneOf(Optimization.class), EnumSet.allOf(Optimization.class))) {
            MirProgram mir = Compiler.analyze(SourceFile.of("t.mote", PROGRAM), opts, false, true).mir();
            MirFn handler = mir.functions().stream().filter(f -> f.interrupt() != null).findFirst().orElseThrow();
            assertEquals("UART0", handler.interrupt(), "with --opt " + opts);
            assertEquals(1, mir.functions().stream().filter(f -> f.interrupt() != null).count());
            assertNull(mir.function("helper").interrupt());
        }
    }
}

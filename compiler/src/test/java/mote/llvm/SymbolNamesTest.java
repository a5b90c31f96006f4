package mote.llvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Linkage names of Mote items (docs/runtime-abi.md, "Symbol names") and their readable forms. */
class SymbolNamesTest {
    @Test
    void pathsAreLengthPrefixedSegmentsAfterUnderscoreM() {
        assertEquals("_M15__aeabi_memcpy4", SymbolNames.mangle("__aeabi_memcpy4"));
        assertEquals("_M4uart5write", SymbolNames.mangle("uart.write"));
        assertEquals("_M4main.poll", SymbolNames.mangle("main", "poll"));
        assertEquals("_M3irq5UART0", SymbolNames.mangle("irq.UART0"));
    }

    @Test
    void demanglingGivesTheMoteNameBack() {
        for (String name : new String[] {"main", "uart.write", "Reset_Handler", "a1.b22", "_start"})
            assertEquals(name, SymbolNames.demangle(SymbolNames.mangle(name)));
        assertEquals("fwd1.poll", SymbolNames.demangle(SymbolNames.mangle("fwd1", "poll")));
        assertEquals("worker.state.1", SymbolNames.demangle(SymbolNames.mangle("worker", "state") + ".1"));
    }

    @Test
    void otherSymbolsAreLeftAlone() {
        for (String symbol : new String[] {"mote_print_str", "__aeabi_uidiv", "_Mx", "_M", "_M9short", "_M3abcdef", "Reset_Handler", ".Lstr"})
            assertEquals(symbol, SymbolNames.demangle(symbol));
    }
}

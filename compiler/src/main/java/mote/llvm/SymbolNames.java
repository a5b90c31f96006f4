package mote.llvm;

/**
 * Linkage names of Mote items: `_M`, then each segment of the item's path as its length and
 * its text, then, for the functions the compiler makes from one async fn or task, a `.kind`
 * suffix. `uart.write` is `_M4uart5write`, the poll function of `async fn main` is
 * `_M4main.poll`, a static `QUEUE` is `_M5QUEUE`.
 *
 * So a Mote item never collides with a symbol of runtime-c (`mote_*`), of libgcc and the ARM
 * EABI (`__aeabi_memcpy4`, `__aeabi_uidiv`, which LLVM itself calls), or of the linker script
 * and startup (`Reset_Handler`, `main`, `_start`, vector names), however it is named: those
 * never start with `_M` and a digit (C reserves `_` and a capital letter for the
 * implementation), and a Mote name cannot start with a digit, so the lengths parse one way.
 * Debug info keeps the readable name; every report that reads symbols from the ELF or the
 * optimized module (`mote size` symbol tables, stack reports) shows {@link #demangle}d ones.
 */
public final class SymbolNames {
    private SymbolNames() {}

    /** The linkage name of the MIR item {@code path} (`main`, `uart.write`, `irq.UART0`). */
    public static String mangle(String path) {
        StringBuilder sb = new StringBuilder("_M");
        for (String segment : path.split("\\.", -1)) sb.append(segment.length()).append(segment);
        return sb.toString();
    }

    /** The linkage name of the {@code kind} function (poll, init, cancel, task) of {@code path}. */
    public static String mangle(String path, String kind) {
        return mangle(path) + "." + kind;
    }

    /**
     * The Mote function a symbol or DWARF name belongs to: demangled, without the suffix of
     * the functions the compiler makes from an async fn (`main.poll` is `main`), so that a
     * report names the same function however the optimizations shaped the code.
     */
    public static String moteFunction(String name) {
        String readable = demangle(name);
        for (String kind : new String[] {".poll", ".init", ".cancel", ".task"})
            if (readable.endsWith(kind)) return readable.substring(0, readable.length() - kind.length());
        return readable;
    }

    /** The readable name of a linkage name: `_M4uart5write.poll` is `uart.write.poll`; others unchanged. */
    public static String demangle(String symbol) {
        if (!symbol.startsWith("_M") || symbol.length() < 4 || !Character.isDigit(symbol.charAt(2))) return symbol;
        StringBuilder path = new StringBuilder();
        int at = 2;
        while (at < symbol.length() && Character.isDigit(symbol.charAt(at))) {
            int digits = at;
            while (at < symbol.length() && Character.isDigit(symbol.charAt(at))) at++;
            int length = Integer.parseInt(symbol.substring(digits, at));
            if (length == 0 || at + length > symbol.length()) return symbol;
            if (path.length() > 0) path.append('.');
            path.append(symbol, at, at + length);
            at += length;
        }
        String rest = symbol.substring(at);
        if (!rest.isEmpty() && !rest.startsWith(".")) return symbol;
        return path + rest;
    }
}

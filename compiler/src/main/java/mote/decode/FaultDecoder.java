package mote.decode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import mote.board.Board;
import mote.home.Toolchain;
import mote.llvm.SymbolNames;

/**
 * A {@link FaultReport} in words: what went wrong (the fault status registers, or for a
 * Cortex-M0 what is left to say), where (the PC's function and source line, the functions it
 * was inlined into, the caller LR names), which task was being polled or that an interrupt
 * handler ran, and for a stack overflow that task's worst case as the build reported it.
 * Addresses are placed in the board's memory map: an access where the board has no memory
 * says so.
 */
public final class FaultDecoder {
    /** What {@code mote run} and {@code mote monitor} exit with after a fault (runtime-c's MOTE_FAULT_EXIT_CODE). */
    public static final int FAULT_EXIT_CODE = 102;

    /**
     * After exit code 102 from an image without a fault report (mote.mir.FaultSources: its
     * program has no register, interrupt handler or recursion, so the build left the report
     * out): a fault there prints nothing, and the exit code may as well be the program's own.
     */
    public static final String UNREPORTED = "note: exit code 102 is a fault's, and this image has no fault report"
            + " (its program has no `register`, `interrupt` handler or recursion, so the build left it out): if it faulted, it printed nothing;"
            + " if the program returned 102 itself, this is no fault."
            + "\n  = help: a --debug build keeps the report; or read it from the core: `mote run --gdb=PORT` and"
            + " qemu/gdbinit stop at mote_default_handler (docs/debugging.md)";

    /** The key of the whole program's worst-case stack summary among the worst cases (tasks have names). */
    public static final String WHOLE_STACK = "";

    private final Board board;
    private ElfImage image;   // read at the first report: most runs have none
    private final java.util.function.Supplier<Map<String, String>> worstCases;
    private final Path elf;

    /**
     * @param worstCases each task's worst-case stack as the build reports it ("240 B of poll stack,
     *                   ..."), by task name, and the whole stack's summary under {@link #WHOLE_STACK};
     *                   empty when not known (an ELF without its build)
     */
    public FaultDecoder(Board board, Path elf, Map<String, String> worstCases) {
        this(board, elf, () -> worstCases);
    }

    /** As above, the worst cases computed only when a stack overflow is reported. */
    public FaultDecoder(Board board, Path elf, java.util.function.Supplier<Map<String, String>> worstCases) {
        this.board = board;
        this.elf = elf;
        this.worstCases = worstCases;
    }

    /** The address of symbol {@code name} in the image (what a debugger sets breakpoints on). */
    public Optional<Long> symbol(String name) { return image().symbol(name); }

    private ElfImage image() {
        if (image == null) image = new ElfImage(elf, Toolchain.get());
        return image;
    }

    /** The report's lines: the first starts with {@code fault:}, the others with two spaces. */
    public List<String> decode(FaultReport r) {
        List<String> lines = new ArrayList<>();
        long stackBottom = image().symbol("_stack_bottom").orElse(board.ramRegion().origin());
        boolean overflow = r.frameLost() || r.sp() < stackBottom || r.status().map(FaultStatus::stacking).orElse(false);
        String task = taskName(r.task());
        String where = r.inHandler() ? handlerName(r) : "task " + task;
        if (overflow) {
            lines.add("fault: stack overflow in " + where + ": it ran past the start of the stack");
            String worst = worstCases.get().get(r.inHandler() ? WHOLE_STACK : task);
            if (worst != null) lines.add("  the build reported " + (r.inHandler() ? "for the whole stack: " : "its worst case: ") + worst);
        } else {
            lines.add("fault: " + cause(r));
        }
        r.frame().ifPresent(f -> lines.addAll(backtrace(r, f)));
        if (!overflow) lines.add(r.inHandler() ? "  in " + where : "  polled by task " + task);
        return lines;
    }

    private String cause(FaultReport r) {
        int vector = (int) r.vector();
        if (vector >= 16) {
            int irq = vector - 16;
            String name = irqName(irq).map(n -> " (" + n + ")").orElse("");
            return "unhandled interrupt " + irq + name + ": it is enabled but the program defines no handler for it"
                    + irqName(irq).map(n -> " (`interrupt " + n + "()`)").orElse("");
        }
        if (vector < 3 || vector > 7) return "unhandled exception " + exceptionName(vector);
        if (r.status().isEmpty()) {
            return "hard fault (a Cortex-M0 records no cause: a bad memory access, an undefined instruction "
                    + "or a breakpoint with no debugger, at the line below)";
        }
        FaultReport.Status s = r.status().get();
        List<String> causes = FaultStatus.describe(s, this::describeAddress);
        if (causes.isEmpty()) return exceptionName(vector) + " (no cause recorded)";
        return String.join("; ", causes);
    }

    /**
     * The PC's function and line and those it was inlined into, then each caller found by
     * unwinding (call frame information; the stack words of a debug build's report, else only
     * LR while the faulting function has not saved it), up to the task's poll: the executor
     * below it is the same for every fault.
     */
    private List<String> backtrace(FaultReport r, FaultReport.Frame f) {
        List<String> lines = new ArrayList<>();
        long sp = r.stackStart() + ((f.xpsr() & (1L << 9)) != 0 ? 4 : 0);   // xPSR bit 9: the core aligned SP by 4
        List<Long> returns = unwinder().returnAddresses(f.pc(), sp, f.lr(), address -> stackWord(r, address), MAX_CALLERS);
        List<Long> addresses = new ArrayList<>();
        addresses.add(f.pc());
        for (long ra : returns) addresses.add((ra & ~1L) - 1);   // inside the call: the caller's line
        List<List<ElfImage.Location>> located = image().locate(addresses);
        if (located.get(0).isEmpty()) {
            String fn = image().functionAt(f.pc()).map(SymbolNames::moteFunction).orElse("an address outside the program");
            lines.add("  in " + fn + " (pc 0x" + hex(f.pc()) + ")");
        }
        chain(located, lines);
        return lines;
    }

    /**
     * Each located address's functions, innermost first (those it was inlined into follow as
     * `in`; the first of every caller's is `called from`), up to the task's poll, which is
     * named on its own line: the executor below it is the same for every report.
     */
    private void chain(List<List<ElfImage.Location>> located, List<String> lines) {
        for (int i = 0; i < located.size(); i++) {
            List<ElfImage.Location> frames = located.get(i);
            for (int k = 0; k < frames.size(); k++) {
                ElfImage.Location l = frames.get(k);
                if (l.function().endsWith(".task") || l.function().startsWith("mote_executor")) return;
                lines.add((i > 0 && k == 0 ? "  called from " : "  in ") + readable(l).describe());
            }
        }
    }

    /**
     * A --debug build's panic backtrace in words: from the first panic function entered the
     * stack is walked with the call frame information; runtime-c's functions are left out, so
     * the first line is the Mote fn that panicked (at the panic's own line), then its callers up
     * to the task's poll, then the task (or the interrupt handler). Empty when the walk found
     * no Mote code.
     */
    public List<String> decode(PanicTrace t) {
        // The panic function's own frame may be gone (mote_panic_begin returns, and the code
        // that panicked goes on to print the message over it): its return address is the LR
        // noted at its entry, its caller's SP the CFA its call frame information gives.
        Optional<Unwinder.Row> entry = unwinder().row(t.pc());
        if (entry.isEmpty() || !entry.get().spBased() || (t.lr() & 1) == 0) return List.of();
        List<Long> returns = new ArrayList<>(List.of(t.lr()));
        // The fn that panicked may not have saved LR (its only calls were panics): it stored
        // its return address for us, used while its frame rule has no saved LR.
        returns.addAll(unwinder().returnAddresses((t.lr() & ~1L) - 1, t.sp() + entry.get().cfaOffset(), t.caller(), t::word, MAX_CALLERS + 8));
        List<Long> addresses = new ArrayList<>();
        for (long ra : returns) addresses.add((ra & ~1L) - 1);   // inside the call: the caller's line
        List<List<ElfImage.Location>> located = new ArrayList<>(image().locate(addresses));
        while (!located.isEmpty() && (located.get(0).isEmpty() || isRuntime(located.get(0).get(0)))) located.remove(0);
        List<String> lines = new ArrayList<>();
        if (located.isEmpty()) return lines;
        chain(located, lines);
        if (!lines.isEmpty()) lines.set(0, lines.get(0).replaceFirst("^  called from ", "  in "));
        int vector = (int) t.ipsr();
        lines.add(vector == 0 ? "  polled by task " + taskName(t.task())
                : vector >= 16 ? "  in interrupt handler " + irqName(vector - 16).orElse("#" + (vector - 16))
                : "  in " + exceptionName(vector) + " handler");
        return lines;
    }

    /** A location in runtime-c (the panic functions, whose frames come before the Mote fn's). */
    private static boolean isRuntime(ElfImage.Location l) {
        return l.file().contains("runtime-c/") || (l.function().startsWith("mote_") && !IRQ_HANDLER.matcher(l.function()).matches());
    }

    private static final int MAX_CALLERS = 16;

    private Unwinder unwinder;

    private Unwinder unwinder() {
        if (unwinder == null) unwinder = new Unwinder(elf, Toolchain.get());
        return unwinder;
    }

    private static Optional<Long> stackWord(FaultReport r, long address) {
        long index = (address - r.stackStart()) / 4;
        if (address < r.stackStart() || (address & 3) != 0 || index >= r.stack().size()) return Optional.empty();
        return Optional.of(r.stack().get((int) index));
    }

    /**
     * Mote names as written (an `interrupt` fn by its name, not its vector's symbol); files as
     * the build names them (runtime-c's relative to Mote's home).
     */
    private ElfImage.Location readable(ElfImage.Location l) {
        String file = l.file();
        if (file.startsWith("./")) file = file.substring(2);
        int runtime = file.lastIndexOf("runtime-c/");
        if (runtime > 0) file = file.substring(runtime);
        String function = SymbolNames.moteFunction(l.function());
        java.util.regex.Matcher irq = IRQ_HANDLER.matcher(l.function());
        if (irq.matches()) function = irqName(Integer.parseInt(irq.group(1))).orElse(function);
        return new ElfImage.Location(function, file, l.line(), l.column());
    }

    /** The symbol of interrupt N's handler (runtime-c/startup.c's vector table). */
    private static final java.util.regex.Pattern IRQ_HANDLER = java.util.regex.Pattern.compile("mote_irq_(\\d+)");

    /** `0x2000f000 (no memory there on microbit)`. */
    String describeAddress(long address) {
        String at = "0x" + hex(address);
        for (Board.MemoryRegion m : board.memory()) {
            if (m.contains(address)) return at + " (in " + m.name() + ")";
        }
        if (address >= 0x40000000L && address < 0x60000000L) return at + " (peripheral space: no peripheral of " + board.name() + " there?)";
        if (address >= 0xe0000000L) return at + " (the core's system space)";
        return at + " (no memory there on " + board.name() + ")";
    }

    /** The task polled in slot {@code id}: the task table names each slot's poll function. */
    String taskName(long id) {
        List<String> named = slotNames();
        if (id >= 0 && id < named.size()) return named.get((int) id);
        Optional<Long> table = image().symbol("mote_tasks");
        if (table.isEmpty()) return id == 0 ? "main" : "#" + id;   // one task: the table is folded away
        Optional<String> poll = image().word(table.get() + 8 * id).flatMap(image()::functionStarting);
        if (poll.isEmpty()) return "#" + id;
        String name = SymbolNames.demangle(poll.get());
        return name.endsWith(".task") ? name.substring(0, name.length() - ".task".length()) : name;
    }

    private List<String> slotNames;

    /** The .mote_tasks section's names by slot (-O 2 builds with two or more tasks), else empty. */
    private List<String> slotNames() {
        if (slotNames == null) {
            slotNames = new ArrayList<>();
            mote.link.ElfSections.contents(elf, ".mote_tasks").ifPresent(bytes -> {
                try {
                    for (var n : new com.fasterxml.jackson.databind.ObjectMapper().readTree(bytes)) slotNames.add(n.asText());
                } catch (java.io.IOException e) {
                    throw new mote.diag.ToolError(elf + " has a damaged .mote_tasks section: " + e.getMessage());
                }
            });
        }
        return slotNames;
    }

    private String handlerName(FaultReport r) {
        // The interrupted handler's exception number is in the stacked xPSR, when the frame was
        // saved; when a stack overflow lost it, the NVIC's active bits (v7-M, v8-M) name the
        // interrupts whose handlers were running: the last one taken interrupted the others.
        if (r.frame().isEmpty() && !r.activeInterrupts().isEmpty()) {
            List<String> names = r.activeInterrupts().stream().map(irq -> irqName(irq).orElse("#" + irq)).toList();
            return names.size() == 1 ? "interrupt handler " + names.get(0)
                    : "one of the interrupt handlers " + String.join(", ", names) + " (one interrupted the other)";
        }
        return r.frame().map(f -> (int) (f.xpsr() & 0x1ff)).filter(v -> v != 0)
                .map(v -> v >= 16 ? "interrupt handler " + irqName(v - 16).orElse("#" + (v - 16)) : exceptionName(v) + " handler")
                .orElse("an interrupt handler");
    }

    private Optional<String> irqName(int irq) {
        return board.irqs().entrySet().stream().filter(e -> e.getValue() == irq).map(Map.Entry::getKey).sorted().findFirst();
    }

    static String exceptionName(int vector) {
        return switch (vector) {
            case 2 -> "NMI";
            case 3 -> "HardFault";
            case 4 -> "MemManage";
            case 5 -> "BusFault";
            case 6 -> "UsageFault";
            case 7 -> "SecureFault";
            case 11 -> "SVCall";
            case 12 -> "DebugMonitor";
            case 14 -> "PendSV";
            case 15 -> "SysTick";
            default -> "#" + vector;
        };
    }

    private static String hex(long v) { return Long.toHexString(v); }
}

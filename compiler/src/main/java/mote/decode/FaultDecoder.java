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

    private final Board board;
    private final ElfImage image;
    private final Map<String, String> worstCases;

    /**
     * @param worstCases each task's worst-case stack as the build reports it ("240 B: console.task
     *                   160 -> ..."), by task name; empty when not known (an ELF without its build)
     */
    public FaultDecoder(Board board, Path elf, Map<String, String> worstCases) {
        this.board = board;
        this.image = new ElfImage(elf, Toolchain.get());
        this.worstCases = Map.copyOf(worstCases);
    }

    /** The address of symbol {@code name} in the image (what a debugger sets breakpoints on). */
    public Optional<Long> symbol(String name) { return image.symbol(name); }

    /** The report's lines: the first starts with {@code fault:}, the others with two spaces. */
    public List<String> decode(FaultReport r) {
        List<String> lines = new ArrayList<>();
        long stackBottom = image.symbol("_stack_bottom").orElse(board.ramRegion().origin());
        boolean overflow = r.sp() < stackBottom || r.status().map(FaultStatus::stacking).orElse(false);
        String task = taskName(r.task());
        String where = r.inHandler() ? handlerName(r) : "task " + task;
        if (overflow) {
            lines.add("fault: stack overflow in " + where + ": it ran past the start of the stack");
            if (!r.inHandler()) {
                String worst = worstCases.get(task);
                if (worst != null) lines.add("  the build reported its worst case: " + worst);
            }
        } else {
            lines.add("fault: " + cause(r));
        }
        r.frame().ifPresent(f -> lines.addAll(backtrace(f)));
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
     * The PC's function and line and those it was inlined into, up to the task's poll (the
     * executor below it is the same for every fault); then the caller LR names, while LR still
     * holds a return address into the program (a leaf function has not reused it).
     */
    private List<String> backtrace(FaultReport.Frame f) {
        List<String> lines = new ArrayList<>();
        boolean lrIsCode = (f.lr() & 1) == 1 && (f.lr() & 0xff000000L) != 0xff000000L
                && board.flashRegion().contains(f.lr()) && image.functionAt(f.lr()).isPresent();
        // LR holds the return address (Thumb bit set): the call is just before it.
        List<List<ElfImage.Location>> located = image.locate(lrIsCode ? List.of(f.pc(), (f.lr() & ~1L) - 1) : List.of(f.pc()));
        List<ElfImage.Location> at = located.get(0);
        if (at.isEmpty()) {
            String fn = image.functionAt(f.pc()).map(SymbolNames::demangle).orElse("an address outside the program");
            lines.add("  in " + fn + " (pc 0x" + hex(f.pc()) + ")");
        }
        for (ElfImage.Location l : at) {
            if (l.function().endsWith(".task")) break;   // the task's poll: named on its own line
            lines.add("  in " + readable(l).describe());
        }
        if (lrIsCode) {
            List<ElfImage.Location> caller = located.get(1);
            String outer = at.isEmpty() ? image.functionAt(f.pc()).orElse("") : at.get(at.size() - 1).function();
            if (!caller.isEmpty() && !caller.get(caller.size() - 1).function().equals(outer)
                    && !caller.get(0).function().endsWith(".task") && !caller.get(0).function().startsWith("mote_executor")) {
                lines.add("  called from " + readable(caller.get(0)).describe());
            }
        }
        return lines;
    }

    /** Mote names as written; files as the build names them (runtime-c's relative to Mote's home). */
    private static ElfImage.Location readable(ElfImage.Location l) {
        String file = l.file();
        if (file.startsWith("./")) file = file.substring(2);
        int runtime = file.lastIndexOf("runtime-c/");
        if (runtime > 0) file = file.substring(runtime);
        return new ElfImage.Location(SymbolNames.demangle(l.function()), file, l.line(), l.column());
    }

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
        Optional<Long> table = image.symbol("mote_tasks");
        if (table.isEmpty()) return id == 0 ? "main" : "#" + id;   // one task: the table is folded away
        Optional<String> poll = image.word(table.get() + 8 * id).flatMap(image::functionStarting);
        if (poll.isEmpty()) return "#" + id;
        String name = SymbolNames.demangle(poll.get());
        return name.endsWith(".task") ? name.substring(0, name.length() - ".task".length()) : name;
    }

    private String handlerName(FaultReport r) {
        // The interrupted handler's exception number is in the stacked xPSR, when the frame was saved.
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

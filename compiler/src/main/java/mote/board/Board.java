package mote.board;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import mote.diag.ToolError;

/**
 * One target board, read from {@code boards/NAME.json} with its {@code inherits} chain resolved
 * (see {@link BoardLoader}). Addresses and sizes are in bytes.
 *
 * @param irqs      interrupt name to NVIC number (handler symbol {@code mote_irq_<n>})
 * @param irqCount  number of external interrupt vectors in the vector table
 * @param stackSize bytes reserved for the main stack at the top of RAM
 */
public record Board(
        String name,
        String description,
        Path file,
        String llvmTarget,
        String cpu,
        String features,
        String floatAbi,
        List<MemoryRegion> memory,
        long clockHz,
        Console console,
        Map<String, Integer> irqs,
        int irqCount,
        long stackSize,
        Optional<Qemu> qemu,
        Optional<Flash> flash) {

    /** What {@code mote} builds for when no {@code --board} is given. */
    public static final String DEFAULT_NAME = "lm3s6965evb";

    public Board {
        memory = List.copyOf(memory);
        irqs = Map.copyOf(irqs);
    }

    /** Loads {@code boards/NAME.json} from the install root; unknown names are a usage error. */
    public static Board load(String name) {
        return BoardCatalog.standard().load(name);
    }

    /**
     * Whether the core loads and stores halfwords and words at any address (v7-M, v8-M
     * Mainline and later; not v6-M or v8-M Baseline, whose boards say +strict-align). Mote
     * never sets CCR.UNALIGN_TRP, so such accesses do not fault.
     */
    public boolean unalignedWordAccess() {
        String target = llvmTarget.toLowerCase(java.util.Locale.ROOT);
        return !features.contains("+strict-align") && !target.startsWith("thumbv6") && !target.startsWith("thumbv8m.base");
    }

    /** Where the code and read-only data live (region {@code flash}). */
    public MemoryRegion flashRegion() { return region("flash"); }

    /** Where data, bss and the stack live (region {@code ram}). */
    public MemoryRegion ramRegion() { return region("ram"); }

    private MemoryRegion region(String regionName) {
        return memory.stream().filter(r -> r.name().equals(regionName)).findFirst()
                .orElseThrow(() -> new IllegalStateException("validated board without " + regionName));
    }

    /** The QEMU settings, or a ToolError saying this board only runs on hardware. */
    public Qemu requireQemu() {
        return qemu.orElseThrow(() -> new ToolError("board `" + name + "` cannot run in QEMU "
                + "(no `qemu` section in " + file.getFileName() + "); use `mote flash` on real hardware"));
    }

    /** A named address range; {@code name} is lower case ({@code flash}, {@code ram}). */
    public record MemoryRegion(String name, long origin, long length) {
        public long end() { return origin + length; }

        public boolean contains(long address) { return address >= origin && address < end(); }
    }

    /**
     * The console UART: {@code kind} is one of {@link #KINDS}; runtime-c is compiled with
     * {@code -DMOTE_CONSOLE_<KIND>} ({@link #define()}), {@code -DMOTE_CONSOLE_BASE} and, when
     * the board names the UART's transmit pin (nRF chips route it in software),
     * {@code -DMOTE_CONSOLE_TX_PIN}. {@code init} are register writes done at reset before the
     * driver starts (enable the UART's bus clock, route its pins), as {@code -DMOTE_CONSOLE_INIT}.
     */
    public record Console(String kind, long base, Optional<Long> txPin, List<RegisterWrite> init) {
        /** Each kind is one driver file under runtime-c/drivers/. */
        public static final List<String> KINDS = List.of("stellaris-uart", "cmsdk-uart", "stm32-usart",
                "nrf51-uart", "semihosting");

        public Console {
            init = List.copyOf(init);
        }

        public Console(String kind, long base) {
            this(kind, base, Optional.empty(), List.of());
        }

        public Console(String kind, long base, Optional<Long> txPin) {
            this(kind, base, txPin, List.of());
        }

        /** {@code stellaris-uart} becomes {@code MOTE_CONSOLE_STELLARIS_UART}. */
        public String define() {
            return "MOTE_CONSOLE_" + kind.toUpperCase(Locale.ROOT).replace('-', '_');
        }
    }

    /** A read-modify-write of a 32-bit register at reset: {@code *address = (*address & ~clear) | set}. */
    public record RegisterWrite(long address, long clear, long set) {}

    /** How to run the board in QEMU: {@code -M machine} plus extra arguments. */
    public record Qemu(String machine, List<String> extraArgs) {
        public Qemu {
            extraArgs = List.copyOf(extraArgs);
        }
    }

    /**
     * How {@code mote flash} programs real hardware; absent fields are empty. {@code method} is
     * the default probe ({@code probe-rs}, {@code openocd}, {@code pyocd}) or {@code uf2} (copy
     * the .uf2 image onto the board's USB drive).
     */
    public record Flash(String method, Optional<String> probeRsChip, Optional<String> openocdInterface,
                        Optional<String> openocdTarget, Optional<String> pyocdTarget, Optional<String> uf2FamilyId) {
        public static final List<String> METHODS = List.of("probe-rs", "openocd", "pyocd", "uf2");

        /** The UF2 family id as a number, when the board has one. */
        public Optional<Long> uf2Family() {
            return uf2FamilyId.map(Sizes::parse);
        }
    }
}

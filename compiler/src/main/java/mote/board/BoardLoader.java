package mote.board;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import mote.diag.ToolError;

/**
 * Reads one board file, resolves its {@code inherits} chain and validates the result.
 *
 * <p>Inheritance works like TinyGo's target files: the parent is loaded first and the child's
 * keys override it; nested objects ({@code console}, {@code qemu}, {@code irqs}...) merge key
 * by key, arrays and plain values are replaced. Every problem is a {@link ToolError} naming the
 * file and the field, e.g. {@code boards/x.json: `memory[1].length`: expected a size ...}.
 */
public final class BoardLoader {
    /** Strict: text after the object, or a key given twice, is an error, not silently ignored or overridden. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Set<String> KNOWN_KEYS = Set.of("inherits", "description", "llvm-target", "cpu",
            "features", "float-abi", "memory", "clock-hz", "console", "irqs", "irq-count", "stack-size",
            "qemu", "flash");

    /**
     * QEMU's machines with a Cortex-M core: Debian's QEMU 7.2 (`qemu-system-arm -M help`), and
     * those later versions added (b-l475e-iot01a, olimex-stm32-h405, stm32l4x5 boards).
     */
    static final Set<String> CORTEX_M_MACHINES = Set.of("ast1030-evb", "b-l475e-iot01a", "emcraft-sf2", "lm3s6965evb",
            "lm3s811evb", "microbit", "mps2-an385", "mps2-an386", "mps2-an500", "mps2-an505", "mps2-an511", "mps2-an521",
            "mps3-an524", "mps3-an547", "musca-a", "musca-b1", "netduino2", "netduinoplus2", "olimex-stm32-h405",
            "stm32vldiscovery");

    private static final Set<String> FLASH_KEYS = Set.of("method", "probe-rs-chip", "openocd-interface",
            "openocd-target", "pyocd-target", "uf2-family-id");

    /**
     * Reads a little JSON, so that the JSON library's classes are loaded and initialised (tens
     * of milliseconds) on a second thread while the command line is parsed (cli.Main).
     */
    public static void warmUp() {
        try {
            JSON.readTree("{\"memory\": [{\"origin\": \"0x0\", \"length\": 1}], \"cpu\": \"cortex-m3\"}");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Searched in order: a project's own board folders come before the install's {@code boards/}. */
    private final List<Path> folders;

    public BoardLoader(Path boardsDir) {
        this(List.of(boardsDir));
    }

    public BoardLoader(List<Path> folders) {
        this.folders = List.copyOf(folders);
    }

    /** The file of board {@code name}: in the first folder that has one (the last folder's path when none does). */
    public Path fileOf(String name) {
        for (Path folder : folders) {
            Path file = folder.resolve(name + ".json");
            if (Files.isRegularFile(file)) return file;
        }
        return folders.get(folders.size() - 1).resolve(name + ".json");
    }

    /** Loads and validates board {@code name}; the file must exist. */
    public Board load(String name) {
        Path file = fileOf(name);
        ObjectNode merged = resolve(name, new LinkedHashSet<>());
        return new Validator(displayName(file), merged).board(name, file);
    }

    /** True when the file, with its parents, describes a complete board (not just a CPU family). */
    public boolean isBoard(String name) {
        return resolve(name, new LinkedHashSet<>()).has("memory");
    }

    /** The files {@code name} inherits from, nearest first; empty when it cannot be read. */
    public List<String> ancestors(String name) {
        Set<String> chain = new LinkedHashSet<>();
        try {
            resolve(name, chain);
        } catch (ToolError e) {
            return List.of();
        }
        return chain.stream().skip(1).toList();
    }

    private ObjectNode resolve(String name, Set<String> chain) {
        if (!chain.add(name)) {
            // Named by the file whose `inherits` closes the cycle: the one to edit.
            String closing = List.copyOf(chain).get(chain.size() - 1);
            throw new ToolError(displayName(fileOf(closing)) + ": `inherits`: a cycle: " + String.join(" -> ", chain) + " -> " + name);
        }
        Path file = fileOf(name);
        ObjectNode own = read(file);
        JsonNode parent = own.get("inherits");
        if (parent == null) return own;
        if (!parent.isTextual()) {
            throw new ToolError(displayName(file) + ": `inherits`: expected the name of another board file");
        }
        if (!Files.isRegularFile(fileOf(parent.asText()))) {
            throw new ToolError(displayName(file) + ": `inherits`: no board file `" + parent.asText() + ".json`");
        }
        ObjectNode merged = resolve(parent.asText(), chain);
        mergeInto(merged, own);
        merged.remove("inherits");
        return merged;
    }

    private ObjectNode read(Path file) {
        try {
            JsonNode node = JSON.readTree(Files.readString(file));
            if (node == null || !node.isObject()) {
                throw new ToolError(displayName(file) + ": expected a JSON object");
            }
            return (ObjectNode) node;
        } catch (JsonProcessingException e) {
            throw new ToolError(displayName(file) + ": invalid JSON at line " + e.getLocation().getLineNr()
                    + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ToolError("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static void mergeInto(ObjectNode base, ObjectNode override) {
        for (Map.Entry<String, JsonNode> field : override.properties()) {
            JsonNode existing = base.get(field.getKey());
            if (existing instanceof ObjectNode baseObject && field.getValue() instanceof ObjectNode child) {
                mergeInto(baseObject, child);
            } else {
                base.set(field.getKey(), field.getValue());
            }
        }
    }

    private static String displayName(Path file) {
        Path parent = file.getParent();
        return (parent == null ? "" : parent.getFileName() + "/") + file.getFileName();
    }

    /** Turns the merged JSON into a {@link Board}, failing on the first bad field. */
    private static final class Validator {
        private final String file;
        private final ObjectNode root;

        Validator(String file, ObjectNode root) {
            this.file = file;
            this.root = root;
        }

        Board board(String name, Path path) {
            for (Map.Entry<String, JsonNode> field : root.properties()) {
                String key = field.getKey();
                if (!KNOWN_KEYS.contains(key)) throw error(key, "unknown field");
            }
            String floatAbi = optionalText(root, "float-abi", "float-abi").orElse("soft");
            if (!floatAbi.equals("soft") && !floatAbi.equals("softfp") && !floatAbi.equals("hard")) {
                throw error("float-abi", "expected `soft`, `softfp` or `hard`, got `" + floatAbi + "`");
            }
            List<Board.MemoryRegion> memory = memory();
            Map<String, Integer> irqs = irqs();
            int irqCount = root.has("irq-count")
                    ? (int) integer(root, "irq-count", "irq-count", 0, MOST_IRQS)
                    : irqs.values().stream().mapToInt(n -> n + 1).max().orElse(0);
            int highest = irqs.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
            if (highest >= irqCount) {
                throw error("irq-count", irqCount + " vectors, but `irqs` uses number " + highest);
            }
            long stackSize = root.has("stack-size") ? size(root, "stack-size", "stack-size") : 4096;
            if (stackSize % 8 != 0) throw error("stack-size", "must be a multiple of 8 bytes");
            if (stackSize == 0) throw error("stack-size", "must not be zero");
            Board.MemoryRegion ram = memory.stream().filter(r -> r.name().equals("ram")).findFirst().orElseThrow();
            if (stackSize > ram.length()) {
                throw error("stack-size", "the " + stackSize + "-byte stack does not fit in the " + ram.length()
                        + "-byte RAM region (it sits at the top of RAM)");
            }
            String triple = text(root, "llvm-target", "llvm-target");
            String cpu = text(root, "cpu", "cpu");
            checkTarget(triple, cpu);
            if (floatAbi.equals("hard") != triple.endsWith("eabihf")) {
                throw error("float-abi", floatAbi.equals("hard")
                        ? "`hard` passes floats in FPU registers, which needs an `eabihf` llvm-target (`thumbv7em-none-eabihf`), not `" + triple + "`"
                        : "`" + floatAbi + "` with the hard-float llvm-target `" + triple + "`: use `hard`, or a `-none-eabi` triple");
            }
            Board.Console console = console();
            return new Board(
                    name,
                    optionalText(root, "description", "description").orElse(""),
                    path,
                    triple,
                    cpu,
                    optionalText(root, "features", "features").orElse(""),
                    floatAbi,
                    memory,
                    // runtime-c takes it as a 32-bit constant (MOTE_CLOCK_HZ).
                    integer(root, "clock-hz", "clock-hz", 1, 0xFFFF_FFFFL),
                    console,
                    irqs,
                    irqCount,
                    stackSize,
                    qemu(),
                    flash());
        }

        private List<Board.MemoryRegion> memory() {
            JsonNode list = require(root, "memory", "memory");
            if (!list.isArray()) throw error("memory", "expected a list of {name, origin, length}");
            List<Board.MemoryRegion> regions = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                String where = "memory[" + i + "]";
                JsonNode region = list.get(i);
                if (!region.isObject()) throw error(where, "expected {name, origin, length}");
                String regionName = text(region, "name", where + ".name");
                if (!regionName.equals("flash") && !regionName.equals("ram")) {
                    throw error(where + ".name", "expected `flash` or `ram`, got `" + regionName + "`");
                }
                if (regions.stream().anyMatch(r -> r.name().equals(regionName))) {
                    throw error(where + ".name", "region `" + regionName + "` appears twice");
                }
                long length = size(region, "length", where + ".length");
                if (length == 0) throw error(where + ".length", "must not be zero");
                long origin = size(region, "origin", where + ".origin");
                if (origin + length > 0x1_0000_0000L) {
                    throw error(where, String.format("0x%x + %d bytes runs past the end of the 32-bit address space", origin, length));
                }
                regions.add(new Board.MemoryRegion(regionName, origin, length));
            }
            for (String needed : List.of("flash", "ram")) {
                if (regions.stream().noneMatch(r -> r.name().equals(needed))) {
                    throw error("memory", "no region named `" + needed + "`");
                }
            }
            for (int i = 0; i < regions.size(); i++) {
                for (int j = i + 1; j < regions.size(); j++) {
                    Board.MemoryRegion a = regions.get(i), b = regions.get(j);
                    if (a.origin() < b.end() && b.origin() < a.end()) {
                        throw error("memory[" + j + "]", String.format("region `%s` (0x%08x..0x%08x) overlaps region `%s` (0x%08x..0x%08x)",
                                b.name(), b.origin(), b.end(), a.name(), a.origin(), a.end()));
                    }
                }
            }
            return regions;
        }

        private Board.Console console() {
            JsonNode console = require(root, "console", "console");
            String kind = text(console, "kind", "console.kind");
            if (!Board.Console.KINDS.contains(kind)) {
                throw error("console.kind", "expected one of " + String.join(", ", Board.Console.KINDS)
                        + ", got `" + kind + "`");
            }
            long base = kind.equals("semihosting") ? 0 : size(console, "base", "console.base");
            if (base > 0xFFFF_FFFCL || base % 4 != 0) {
                throw error("console.base", String.format("0x%x is not a 32-bit register address (a multiple of 4 below 0x100000000)", base));
            }
            Optional<Long> txPin = console.has("tx-pin")
                    ? Optional.of(integer(console, "tx-pin", "console.tx-pin", 0, 0xFFFF_FFFFL))
                    : Optional.empty();
            List<Board.RegisterWrite> init = new ArrayList<>();
            JsonNode writes = console.get("init");
            if (writes != null) {
                if (!writes.isArray()) throw error("console.init", "expected a list of {address, clear, set}");
                for (int i = 0; i < writes.size(); i++) {
                    String where = "console.init[" + i + "]";
                    JsonNode write = writes.get(i);
                    if (!write.isObject()) throw error(where, "expected {address, clear, set}");
                    for (Map.Entry<String, JsonNode> field : write.properties()) {
                        if (!Set.of("address", "clear", "set").contains(field.getKey())) {
                            throw error(where + "." + field.getKey(), "unknown field");
                        }
                    }
                    long address = size(write, "address", where + ".address");
                    if (address % 4 != 0) throw error(where + ".address", "must be a multiple of 4");
                    long clear = write.has("clear") ? size(write, "clear", where + ".clear") : 0;
                    long set = write.has("set") ? size(write, "set", where + ".set") : 0;
                    if (clear > 0xFFFF_FFFFL || set > 0xFFFF_FFFFL) throw error(where, "`clear` and `set` are 32-bit masks");
                    init.add(new Board.RegisterWrite(address, clear, set));
                }
            }
            return new Board.Console(kind, base, txPin, init);
        }

        private Map<String, Integer> irqs() {
            JsonNode irqs = root.get("irqs");
            Map<String, Integer> result = new LinkedHashMap<>();
            if (irqs == null) return result;
            if (!irqs.isObject()) throw error("irqs", "expected an object of name: number");
            for (Map.Entry<String, JsonNode> field : irqs.properties()) {
                String irq = field.getKey();
                result.put(irq, (int) integer(irqs, irq, "irqs." + irq, 0, MOST_IRQS - 1));
            }
            return result;
        }

        private Optional<Board.Qemu> qemu() {
            JsonNode qemu = root.get("qemu");
            if (qemu == null || qemu.isNull()) return Optional.empty();
            if (!qemu.isObject()) throw error("qemu", "expected {machine, extra-args}");
            List<String> extra = new ArrayList<>();
            JsonNode args = qemu.get("extra-args");
            if (args != null) {
                if (!args.isArray()) throw error("qemu.extra-args", "expected a list of strings");
                for (int i = 0; i < args.size(); i++) {
                    if (!args.get(i).isTextual()) throw error("qemu.extra-args[" + i + "]", "expected a string");
                    extra.add(args.get(i).asText());
                }
            }
            String machine = text(qemu, "machine", "qemu.machine");
            if (!CORTEX_M_MACHINES.contains(machine))
                throw error("qemu.machine", "`" + machine + "` is not one of QEMU's Cortex-M machines ("
                        + String.join(", ", new java.util.TreeSet<>(CORTEX_M_MACHINES)) + "): an A- or R-profile"
                        + " machine would not run a Cortex-M image, and the run would only end at its timeout");
            return Optional.of(new Board.Qemu(machine, extra));
        }

        private Optional<Board.Flash> flash() {
            JsonNode flash = root.get("flash");
            if (flash == null || flash.isNull()) return Optional.empty();
            if (!flash.isObject()) throw error("flash", "expected an object");
            for (Map.Entry<String, JsonNode> field : flash.properties()) {
                if (!FLASH_KEYS.contains(field.getKey())) throw error("flash." + field.getKey(), "unknown field");
            }
            String method = text(flash, "method", "flash.method");
            if (!Board.Flash.METHODS.contains(method)) {
                throw error("flash.method", "expected one of " + String.join(", ", Board.Flash.METHODS)
                        + ", got `" + method + "`");
            }
            Optional<String> family = optionalText(flash, "uf2-family-id", "flash.uf2-family-id");
            if (family.isPresent() && !family.get().matches("0[xX][0-9a-fA-F]{1,8}")) {
                throw error("flash.uf2-family-id", "expected a 32-bit hex number like `0xADA52840`, got `"
                        + family.get() + "`");
            }
            if (method.equals("uf2") && family.isEmpty()) {
                throw error("flash.uf2-family-id", "missing (flash.method is `uf2`)");
            }
            return Optional.of(new Board.Flash(
                    method,
                    optionalText(flash, "probe-rs-chip", "flash.probe-rs-chip"),
                    optionalText(flash, "openocd-interface", "flash.openocd-interface"),
                    optionalText(flash, "openocd-target", "flash.openocd-target"),
                    optionalText(flash, "pyocd-target", "flash.pyocd-target"),
                    family));
        }

        /**
         * The triple and CPU must be ones the bundled LLVM builds for: an M-profile Thumb target
         * (what runtime-c's startup code and the vector table assume) and a CPU its ARM backend
         * knows. Checked here, so a typo is a board error rather than a failure deep in code generation.
         */
        private void checkTarget(String triple, String cpu) {
            if (!LlvmTargets.checkedBefore(triple))
                LlvmTargets.tripleProblem(triple).ifPresent(problem -> {
                    throw error("llvm-target", problem);
                });
            if (!LlvmTargets.knowsCpu(triple, cpu)) {
                throw error("cpu", "`" + cpu + "` is not a CPU the bundled LLVM knows for `" + triple
                        + "`; use a Cortex-M core such as `cortex-m0`, `cortex-m3`, `cortex-m4` or `cortex-m33`");
            }
            // LLVM builds for any ARM CPU it knows; runtime-c and the image assume an M-profile
            // core of the triple's architecture (else: an internal error, or an image that faults).
            String arch = triple.substring(0, triple.indexOf('-') < 0 ? triple.length() : triple.indexOf('-'));
            String coreArch = M_PROFILE_CORES.get(cpu);
            if (coreArch == null) {
                throw error("cpu", "`" + cpu + "` is not a Cortex-M core, which Mote's runtime and images need; "
                        + "use one such as `cortex-m0`, `cortex-m3`, `cortex-m4` or `cortex-m33`");
            }
            if (!coreArch.equals(arch)) {
                throw error("cpu", "`" + cpu + "` runs `" + coreArch + "` code, but `llvm-target` is `" + triple
                        + "`; use `" + coreArch + "-none-eabi" + (triple.endsWith("eabihf") ? "hf" : "") + "` or a `" + arch + "` core");
            }
        }

        /** Interrupt vectors runtime-c's startup.c lays out (its ALL_IRQ_BLOCKS). */
        static final int MOST_IRQS = 128;

        /** The Cortex-M cores the bundled LLVM knows, and the Thumb architecture each runs. */
        private static final Map<String, String> M_PROFILE_CORES = Map.ofEntries(
                Map.entry("cortex-m0", "thumbv6m"), Map.entry("cortex-m0plus", "thumbv6m"), Map.entry("cortex-m1", "thumbv6m"),
                Map.entry("sc000", "thumbv6m"),
                Map.entry("cortex-m3", "thumbv7m"), Map.entry("sc300", "thumbv7m"),
                Map.entry("cortex-m4", "thumbv7em"), Map.entry("cortex-m7", "thumbv7em"),
                Map.entry("cortex-m23", "thumbv8m.base"),
                Map.entry("cortex-m33", "thumbv8m.main"), Map.entry("cortex-m35p", "thumbv8m.main"), Map.entry("star-mc1", "thumbv8m.main"),
                Map.entry("cortex-m52", "thumbv8.1m.main"), Map.entry("cortex-m55", "thumbv8.1m.main"), Map.entry("cortex-m85", "thumbv8.1m.main"));

        private JsonNode require(JsonNode parent, String key, String where) {
            JsonNode node = parent.get(key);
            if (node == null || node.isNull()) throw error(where, "missing");
            return node;
        }

        private String text(JsonNode parent, String key, String where) {
            JsonNode node = require(parent, key, where);
            if (!node.isTextual() || node.asText().isBlank()) throw error(where, "expected a non-empty string");
            return node.asText();
        }

        private Optional<String> optionalText(JsonNode parent, String key, String where) {
            return parent.has(key) ? Optional.of(text(parent, key, where)) : Optional.empty();
        }

        private long integer(JsonNode parent, String key, String where, long min, long max) {
            JsonNode node = require(parent, key, where);
            if (!node.canConvertToLong() || !node.isIntegralNumber() || node.asLong() < min || node.asLong() > max) {
                throw error(where, "expected a whole number from " + min + " to " + max + ", got `" + node + "`");
            }
            return node.asLong();
        }

        /** A size or address: a JSON number, or a string like "0x4000C000", "256K", "4M". */
        private long size(JsonNode parent, String key, String where) {
            JsonNode node = require(parent, key, where);
            long value = node.isIntegralNumber() ? node.asLong()
                    : node.isTextual() ? Sizes.parse(node.asText()) : -1;
            if (value < 0 || value > 0xFFFF_FFFFL + 1) {
                throw error(where, "expected a size or address like `256K`, `4M` or `0x20000000`, got `"
                        + (node.isTextual() ? node.asText() : node.toString()) + "`");
            }
            return value;
        }

        private ToolError error(String field, String problem) {
            return new ToolError(file + ": `" + field + "`: " + problem);
        }
    }
}

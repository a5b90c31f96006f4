package mote.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import mote.home.MoteHome;
import mote.diag.ToolError;

class BoardCatalogTest {
    @TempDir Path dir;

    @Test
    void defaultBoardInheritsItsCoreFromCortexM3() {
        Board board = Board.load(Board.DEFAULT_NAME);

        assertEquals("lm3s6965evb", board.name());
        assertEquals("thumbv7m-none-eabi", board.llvmTarget());
        assertEquals("cortex-m3", board.cpu());
        assertEquals("soft", board.floatAbi());
        assertEquals(new Board.MemoryRegion("flash", 0, 256 * 1024), board.flashRegion());
        assertEquals(new Board.MemoryRegion("ram", 0x2000_0000L, 64 * 1024), board.ramRegion());
        assertEquals(12_000_000, board.clockHz());
        assertEquals(new Board.Console("stellaris-uart", 0x4000_C000L), board.console());
        assertEquals("MOTE_CONSOLE_STELLARIS_UART", board.console().define());
        assertEquals(5, board.irqs().get("UART0"));
        assertEquals(19, board.irqs().get("TIMER0A"));
        assertEquals(44, board.irqCount());
        assertEquals(4096, board.stackSize());
        assertEquals("lm3s6965evb", board.requireQemu().machine());
        assertEquals("openocd", board.flash().orElseThrow().method());
    }

    @Test
    void mps2An385() {
        Board board = Board.load("mps2-an385");

        assertEquals("cortex-m3", board.cpu());
        assertEquals(4L << 20, board.flashRegion().length());
        assertEquals(new Board.MemoryRegion("ram", 0x2000_0000L, 4L << 20), board.ramRegion());
        assertEquals(25_000_000, board.clockHz());
        assertEquals("MOTE_CONSOLE_CMSDK_UART", board.console().define());
        assertEquals(0x4000_4000L, board.console().base());
        assertEquals(0, board.irqs().get("UART0RX"));
        assertEquals(1, board.irqs().get("UART0TX"));
        assertEquals(32, board.irqCount());
        assertEquals("mps2-an385", board.requireQemu().machine());
        assertTrue(board.flash().isEmpty());
    }

    @Test
    void listsBoardsButNotTheirParents() {
        List<String> names = BoardCatalog.standard().names();
        assertTrue(names.containsAll(List.of("lm3s6965evb", "lm3s811evb", "mps2-an385", "mps2-an386", "mps2-an500",
                "mps2-an505", "microbit", "netduinoplus2", "stm32vldiscovery")), names.toString());
        for (String parent : List.of("cortex-m0", "cortex-m3", "cortex-m4f", "cortex-m7", "cortex-m33")) {
            assertTrue(!names.contains(parent), parent + " is a parent, not a board");
        }
    }

    @Test
    void unknownBoardSuggestsTheClosestName() {
        ToolError error = assertThrows(ToolError.class, () -> Board.load("lm3s6965"));
        assertEquals("unknown board `lm3s6965`; did you mean `lm3s6965evb`? (`mote boards` lists them)",
                error.getMessage());
        assertEquals(2, error.exitCode());

        ToolError other = assertThrows(ToolError.class, () -> Board.load("mps2-an50"));
        assertTrue(other.getMessage().contains("did you mean `mps2-an500`?"), other.getMessage());

        ToolError typo = assertThrows(ToolError.class, () -> Board.load("microbt"));
        assertTrue(typo.getMessage().contains("did you mean `microbit`?"), typo.getMessage());
    }

    @Test
    void aParentFileIsNotABoardAndTheBoardsWithThatCoreAreListed() {
        ToolError error = assertThrows(ToolError.class, () -> Board.load("cortex-m3"));
        assertTrue(error.getMessage().startsWith("`cortex-m3` is a core, not a board"), error.getMessage());
        assertTrue(error.getMessage().contains("boards with that core: bluepill, lm3s6965evb, lm3s811evb, mps2-an385,"),
                error.getMessage());
        assertTrue(!error.getMessage().contains("microbit") && !error.getMessage().contains("did you mean"), error.getMessage());
        assertEquals(2, error.exitCode());
    }

    @Test
    void onlyCloseNamesAreSuggested() {
        ToolError far = assertThrows(ToolError.class, () -> Board.load("zzzzzzzzz"));
        assertEquals("unknown board `zzzzzzzzz` (`mote boards` lists them)", far.getMessage());
        assertEquals(2, far.exitCode());
        ToolError short_ = assertThrows(ToolError.class, () -> Board.load("abc"));
        assertTrue(!short_.getMessage().contains("did you mean"), short_.getMessage());
    }

    @Test
    void aBrokenBoardFileOnlyBreaksBuildsThatUseIt() throws IOException {
        for (String name : new String[] {"cortex-m0", "microbit", "cortex-m3", "lm3s6965evb"}) {
            Files.copy(MoteHome.boardsDir().resolve(name + ".json"), dir.resolve(name + ".json"));
        }
        write("mine", "{\"inherits\": \"cortex-m3\", \"memory\": [");   // cut short while editing
        BoardCatalog catalog = new BoardCatalog(dir);

        ToolError typo = assertThrows(ToolError.class, () -> catalog.load("microbt"));
        assertEquals("unknown board `microbt`; did you mean `microbit`? (`mote boards` lists them)", typo.getMessage());
        assertEquals(2, typo.exitCode());
        assertEquals("microbit", catalog.load("microbit").name());
        assertEquals(List.of("lm3s6965evb", "microbit"), catalog.names());

        ToolError broken = assertThrows(ToolError.class, () -> catalog.load("mine"));
        assertTrue(broken.getMessage().contains("mine.json: invalid JSON"), broken.getMessage());
        assertEquals(1, broken.exitCode());

        List<BoardCatalog.Entry> listing = catalog.listing();
        assertEquals(List.of("lm3s6965evb", "microbit", "mine"), listing.stream().map(BoardCatalog.Entry::name).toList());
        assertTrue(listing.get(2).board().isEmpty());
        assertTrue(listing.get(2).error().orElseThrow().contains("mine.json: invalid JSON"), listing.get(2).toString());
    }

    /** A file with a second object pasted after the first, or a key given twice, is refused: neither is silently dropped. */
    @Test
    void textAfterTheObjectOrAKeyTwiceIsInvalidJson() throws IOException {
        Files.copy(MoteHome.boardsDir().resolve("cortex-m3.json"), dir.resolve("cortex-m3.json"));
        write("pasted", "{\"inherits\": \"cortex-m3\"}\n{\"cpu\": \"cortex-m4\"}");
        write("twice", "{\"inherits\": \"cortex-m3\", \"cpu\": \"cortex-m3\", \"cpu\": \"cortex-m4\"}");
        BoardCatalog catalog = new BoardCatalog(dir);
        ToolError pasted = assertThrows(ToolError.class, () -> catalog.load("pasted"));
        assertTrue(pasted.getMessage().contains("pasted.json: invalid JSON at line 2"), pasted.getMessage());
        ToolError twice = assertThrows(ToolError.class, () -> catalog.load("twice"));
        assertTrue(twice.getMessage().contains("twice.json: invalid JSON at line 1") && twice.getMessage().contains("cpu"), twice.getMessage());
    }

    @Test
    void overlappingOrOutOfRangeRegionsAreBoardErrors() throws IOException {
        write("overlap", boardJson("\"256K\"").replace("\"origin\": \"0x20000000\"", "\"origin\": \"0x1000\""));
        assertBoardError("overlap", "`memory[1]`: region `ram` (0x00001000..0x00011000) overlaps region `flash` (0x00000000..0x00040000)");

        write("wrap", boardJson("\"256K\"").replace("\"origin\": \"0x20000000\"", "\"origin\": \"0xFFFF8000\""));
        assertBoardError("wrap", "`memory[1]`: 0xffff8000 + 65536 bytes runs past the end of the 32-bit address space");

        write("bigstack", boardJson("\"256K\"").replace("\"clock-hz\"", "\"stack-size\": \"128K\", \"clock-hz\""));
        assertBoardError("bigstack", "`stack-size`: the 131072-byte stack does not fit in the 65536-byte RAM region");

        write("noram", boardJson("\"256K\"").replaceAll(",\\s*\\{\"name\": \"ram\"[^}]*}", ""));
        assertBoardError("noram", "`memory`: no region named `ram`");

        write("clock", boardJson("\"256K\"").replace("\"clock-hz\": 1000", "\"clock-hz\": 0"));
        assertBoardError("clock", "`clock-hz`: expected a whole number from 1 to 4294967295, got `0`");

        write("uart", boardJson("\"256K\"").replace("0x4000C000", "0x100000000"));
        assertBoardError("uart", "`console.base`: 0x100000000 is not a 32-bit register address");

        write("irq", boardJson("\"256K\"").replace("\"clock-hz\"", "\"irqs\": {\"UART\": 500}, \"clock-hz\""));
        assertBoardError("irq", "`irqs.UART`: expected a whole number from 0 to 127, got `500`");
        // runtime-c's startup lays out 128 vectors: more was a clang #error from inside the build.
        write("irq200", boardJson("\"256K\"").replace("\"clock-hz\"", "\"irqs\": {\"UART\": 200}, \"clock-hz\""));
        assertBoardError("irq200", "`irqs.UART`: expected a whole number from 0 to 127, got `200`");
        write("count129", boardJson("\"256K\"").replace("\"clock-hz\"", "\"irq-count\": 129, \"clock-hz\""));
        assertBoardError("count129", "`irq-count`: expected a whole number from 0 to 128, got `129`");
    }

    @Test
    void anLlvmTargetOrCpuLlvmCannotBuildForIsABoardError() throws IOException {
        write("x86", boardJson("\"256K\"").replace("thumbv7m-none-eabi", "x86_64-linux-gnu"));
        assertBoardError("x86", "`llvm-target`: the bundled LLVM has no target for `x86_64-linux-gnu`");

        write("aprofile", boardJson("\"256K\"").replace("thumbv7m-none-eabi", "armv7a-none-eabi"));
        assertBoardError("aprofile", "`llvm-target`: `armv7a-none-eabi` is not a Cortex-M (M-profile Thumb) target");

        write("pentium", boardJson("\"256K\"").replace("\"cpu\": \"cortex-m3\"", "\"cpu\": \"x86-64\""));
        assertBoardError("pentium", "`cpu`: `x86-64` is not a CPU the bundled LLVM knows for `thumbv7m-none-eabi`");

        write("typo", boardJson("\"256K\"").replace("\"cpu\": \"cortex-m3\"", "\"cpu\": \"cortex-m33x\""));
        assertBoardError("typo", "`cpu`: `cortex-m33x` is not a CPU");

        // CPUs LLVM knows that are not Cortex-M (an internal compiler error on runtime-c's
        // PRIMASK asm), and a core of another architecture than the triple's (an image that faulted).
        write("a53", boardJson("\"256K\"").replace("\"cpu\": \"cortex-m3\"", "\"cpu\": \"cortex-a53\""));
        assertBoardError("a53", "`cpu`: `cortex-a53` is not a Cortex-M core");
        write("arm7", boardJson("\"256K\"").replace("\"cpu\": \"cortex-m3\"", "\"cpu\": \"arm7tdmi\""));
        assertBoardError("arm7", "`cpu`: `arm7tdmi` is not a Cortex-M core");
        write("m55on7m", boardJson("\"256K\"").replace("\"cpu\": \"cortex-m3\"", "\"cpu\": \"cortex-m55\""));
        assertBoardError("m55on7m", "`cpu`: `cortex-m55` runs `thumbv8.1m.main` code, but `llvm-target` is `thumbv7m-none-eabi`");
        // Hard float needs the eabihf triple, and that triple hard float.
        write("hardsoft", boardJson("\"256K\"").replace("\"cpu\": \"cortex-m3\"", "\"cpu\": \"cortex-m3\", \"float-abi\": \"hard\""));
        assertBoardError("hardsoft", "`float-abi`: `hard` passes floats in FPU registers, which needs an `eabihf` llvm-target");
    }

    private void assertBoardError(String name, String expected) {
        ToolError error = assertThrows(ToolError.class, () -> new BoardCatalog(dir).load(name));
        assertTrue(error.getMessage().startsWith(dir.getFileName() + "/" + name + ".json: " + expected), error.getMessage());
        assertEquals(1, error.exitCode());
    }

    @Test
    void childOverridesParentAndNestedObjectsMerge() throws IOException {
        write("family", """
                {"llvm-target": "thumbv7m-none-eabi", "cpu": "cortex-m3", "clock-hz": 1000,
                 "console": {"kind": "cmsdk-uart", "base": "0x40004000"},
                 "qemu": {"machine": "mps2-an385", "extra-args": ["-d", "int"]}}""");
        write("child", """
                {"inherits": "family", "clock-hz": 2000, "console": {"base": "0x40005000"},
                 "qemu": {"machine": "mps2-an386"},
                 "memory": [{"name": "flash", "origin": 0, "length": "1M"},
                            {"name": "ram", "origin": "0x20000000", "length": 8192}]}""");

        Board board = new BoardCatalog(dir).load("child");

        assertEquals(2000, board.clockHz());
        assertEquals(new Board.Console("cmsdk-uart", 0x4000_5000L), board.console());
        assertEquals(new Board.Qemu("mps2-an386", List.of("-d", "int")), board.requireQemu());
        assertEquals(1L << 20, board.flashRegion().length());
        assertEquals(8192, board.ramRegion().length());
        assertEquals(0, board.irqCount());
    }

    /** An A-profile machine would not run the image: the run would only end at its timeout. */
    @Test
    void theQemuMachineMustHaveACortexMCore() throws IOException {
        write("aprofile", boardJson("\"256K\"").replace("\"clock-hz\": 1000,", "\"clock-hz\": 1000, \"qemu\": {\"machine\": \"virt\"},"));
        assertBoardError("aprofile", "`qemu.machine`: `virt` is not one of QEMU's Cortex-M machines (ast1030-evb, b-l475e-iot01a,");
        write("mprofile", boardJson("\"256K\"").replace("\"clock-hz\": 1000,", "\"clock-hz\": 1000, \"qemu\": {\"machine\": \"lm3s6965evb\"},"));
        assertEquals("lm3s6965evb", new BoardCatalog(dir).load("mprofile").requireQemu().machine());
    }

    @Test
    void badSizeNamesFileAndField() throws IOException {
        write("bad", boardJson("\"256 kilobytes\""));
        ToolError error = assertThrows(ToolError.class, () -> new BoardCatalog(dir).load("bad"));
        assertEquals("bad.json: `memory[0].length`: expected a size or address like `256K`, `4M` or "
                + "`0x20000000`, got `256 kilobytes`", error.getMessage().replaceFirst("^.*?bad\\.json", "bad.json"));
    }

    @Test
    void missingAndUnknownFieldsAreReported() throws IOException {
        write("nocpu", boardJson("\"256K\"").replace("\"cpu\": \"cortex-m3\",", ""));
        ToolError missing = assertThrows(ToolError.class, () -> new BoardCatalog(dir).load("nocpu"));
        assertTrue(missing.getMessage().endsWith("nocpu.json: `cpu`: missing"), missing.getMessage());

        write("typo", boardJson("\"256K\"").replace("\"cpu\"", "\"cpu-name\": \"x\", \"cpu\""));
        ToolError unknown = assertThrows(ToolError.class, () -> new BoardCatalog(dir).load("typo"));
        assertTrue(unknown.getMessage().endsWith("typo.json: `cpu-name`: unknown field"), unknown.getMessage());
    }

    @Test
    void irqNumberBeyondIrqCountIsRejected() throws IOException {
        write("irqs", boardJson("\"256K\"").replace("\"clock-hz\"", "\"irq-count\": 4, \"irqs\": {\"UART\": 9}, \"clock-hz\""));
        ToolError error = assertThrows(ToolError.class, () -> new BoardCatalog(dir).load("irqs"));
        assertTrue(error.getMessage().contains("`irq-count`"), error.getMessage());
    }

    @Test
    void badFlashSectionsAreReported() throws IOException {
        write("jtag", boardJson("\"256K\"").replace("\"clock-hz\"", "\"flash\": {\"method\": \"jtag\"}, \"clock-hz\""));
        ToolError method = assertThrows(ToolError.class, () -> new BoardCatalog(dir).load("jtag"));
        assertTrue(method.getMessage().endsWith("`flash.method`: expected one of probe-rs, openocd, pyocd, uf2, got `jtag`"),
                method.getMessage());

        write("uf2", boardJson("\"256K\"").replace("\"clock-hz\"", "\"flash\": {\"method\": \"uf2\"}, \"clock-hz\""));
        ToolError family = assertThrows(ToolError.class, () -> new BoardCatalog(dir).load("uf2"));
        assertTrue(family.getMessage().endsWith("`flash.uf2-family-id`: missing (flash.method is `uf2`)"), family.getMessage());
    }

    @Test
    void consoleInitWritesAreChecked() throws IOException {
        write("init", boardJson("\"256K\"").replace("\"base\": \"0x4000C000\"",
                "\"base\": \"0x4000C000\", \"init\": [{\"address\": \"0x40021018\", \"set\": \"0x4\"}, {\"address\": \"0x40021019\"}]"));
        ToolError error = assertThrows(ToolError.class, () -> new BoardCatalog(dir).load("init"));
        assertTrue(error.getMessage().endsWith("`console.init[1].address`: must be a multiple of 4"), error.getMessage());
    }

    @Test
    void inheritanceCycleIsReported() throws IOException {
        write("a", "{\"inherits\": \"b\", \"memory\": []}");
        write("b", "{\"inherits\": \"a\"}");
        ToolError error = assertThrows(ToolError.class, () -> new BoardCatalog(dir).load("a"));
        assertEquals(dir.getFileName() + "/b.json: `inherits`: a cycle: a -> b -> a", error.getMessage());
    }

    @Test
    void editDistance() {
        assertEquals(0, BoardCatalog.editDistance("abc", "ABC"));
        assertEquals(3, BoardCatalog.editDistance("lm3s6965", "lm3s6965evb"));
        assertEquals(1, BoardCatalog.editDistance("mps2-an386", "mps2-an385"));
    }

    private static String boardJson(String flashLength) {
        return """
                {"llvm-target": "thumbv7m-none-eabi", "cpu": "cortex-m3", "clock-hz": 1000,
                 "console": {"kind": "stellaris-uart", "base": "0x4000C000"},
                 "memory": [{"name": "flash", "origin": 0, "length": %s},
                            {"name": "ram", "origin": "0x20000000", "length": "64K"}]}""".formatted(flashLength);
    }

    private void write(String name, String json) throws IOException {
        Files.writeString(dir.resolve(name + ".json"), json);
    }
}

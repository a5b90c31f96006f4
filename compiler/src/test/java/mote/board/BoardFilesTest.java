package mote.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import mote.home.MoteHome;

/** Every file in boards/ loads, and what it says is sane (checked without QEMU or hardware). */
class BoardFilesTest {
    static final Set<String> FLASH_METHODS = Set.of("openocd", "probe-rs", "pyocd", "uf2");

    static List<String> boardNames() {
        return BoardCatalog.standard().names();
    }

    @ParameterizedTest
    @MethodSource("boardNames")
    void loadsAndIsSane(String name) throws IOException {
        Board board = Board.load(name);
        Board.MemoryRegion flash = board.flashRegion();
        Board.MemoryRegion ram = board.ramRegion();

        assertFalse(board.description().isBlank(), name + ": description");
        assertTrue(board.llvmTarget().startsWith("thumbv"), name + ": llvm-target " + board.llvmTarget());
        assertTrue(board.cpu().startsWith("cortex-m"), name + ": cpu " + board.cpu());
        assertEquals(board.floatAbi().equals("hard"), board.llvmTarget().endsWith("eabihf"),
                name + ": a hard-float ABI needs an eabihf triple and the other way round");
        assertEquals(0, flash.origin() % 4, name + ": flash origin aligned");
        assertEquals(0, ram.origin() % 8, name + ": RAM origin aligned");
        assertTrue(flash.end() <= ram.origin() || ram.end() <= flash.origin(), name + ": flash and RAM overlap");
        assertTrue(flash.end() <= 0x1_0000_0000L && ram.end() <= 0x1_0000_0000L, name + ": beyond 4 GB");
        assertTrue(board.stackSize() + 1024 <= ram.length(), name + ": stack leaves under 1K of RAM");
        assertTrue(board.irqCount() <= 128, name + ": startup.c has at most 128 IRQ vectors");
        assertTrue(board.clockHz() >= 1_000_000, name + ": clock-hz");
        assertTrue(board.qemu().isPresent() || board.flash().isPresent(),
                name + ": neither a `qemu` nor a `flash` section: nothing can run it");
        board.flash().ifPresent(f -> {
            assertTrue(FLASH_METHODS.contains(f.method()), name + ": flash.method " + f.method());
            assertTrue(f.probeRsChip().isPresent() || f.openocdTarget().isPresent() || f.uf2FamilyId().isPresent(),
                    name + ": flash section names no chip, target or UF2 family");
            f.uf2FamilyId().ifPresent(id -> assertTrue(id.matches("0x[0-9a-fA-F]{8}"), name + ": uf2-family-id " + id));
        });
        assertTrue(hasDriver(board.console().define()), name + ": no driver in runtime-c/drivers/ for "
                + board.console().kind());
    }

    @Test
    void everyConsoleKindHasExactlyOneDriver() throws IOException {
        for (String kind : Board.Console.KINDS) {
            String define = new Board.Console(kind, 0).define();
            assertTrue(hasDriver(define), "no driver file for console kind " + kind);
        }
    }

    @Test
    void hardFloatAndSmallCores() {
        Board an386 = Board.load("mps2-an386");
        assertEquals("hard", an386.floatAbi());
        assertEquals("thumbv7em-none-eabihf", an386.llvmTarget());
        assertTrue(an386.features().contains("+vfp4d16sp"), an386.features());

        Board microbit = Board.load("microbit");
        assertEquals("thumbv6m-none-eabi", microbit.llvmTarget());
        assertEquals("cortex-m0", microbit.cpu());
        assertEquals(new Board.Console("nrf51-uart", 0x4000_2000L, java.util.Optional.of(24L)), microbit.console());

        Board an505 = Board.load("mps2-an505");
        assertEquals("thumbv8m.main-none-eabi", an505.llvmTarget());
        assertEquals(0x1000_0000L, an505.flashRegion().origin());
        assertEquals(0x3800_0000L, an505.ramRegion().origin());
        assertEquals(0x5020_0000L, an505.console().base());

        assertEquals(0x4001_1000L, Board.load("netduinoplus2").console().base(), "USART1 is QEMU's serial0");
        assertEquals(0x4001_3800L, Board.load("stm32vldiscovery").console().base(), "USART1 is QEMU's serial0");
    }

    @Test
    void realBoardsCarryFlashingDetailsAndConsoleSetup() {
        Board nucleo = Board.load("nucleo-f401re");
        assertTrue(nucleo.qemu().isEmpty());
        assertEquals("STM32F401RETx", nucleo.flash().orElseThrow().probeRsChip().orElseThrow());
        assertEquals("target/stm32f4x.cfg", nucleo.flash().orElseThrow().openocdTarget().orElseThrow());
        assertEquals(new Board.RegisterWrite(0x4002_3840L, 0, 1 << 17), nucleo.console().init().get(1),
                "USART2 clock on");

        Board bluepill = Board.load("bluepill");
        assertEquals(0x0800_0000L, bluepill.flashRegion().origin());
        assertEquals(new Board.RegisterWrite(0x4001_0804L, 0xF0, 0xB0), bluepill.console().init().get(1),
                "PA9 as alternate-function push-pull");

        Board dk = Board.load("nrf52840-dk");
        assertEquals(java.util.Optional.of(6L), dk.console().txPin());
        assertEquals("nRF52840_xxAA", dk.flash().orElseThrow().probeRsChip().orElseThrow());

        Board feather = Board.load("feather-nrf52840");
        assertEquals("uf2", feather.flash().orElseThrow().method());
        assertEquals(java.util.Optional.of(0xADA5_2840L), feather.flash().orElseThrow().uf2Family());
    }

    @Test
    void consoleInitBecomesOneDefine() {
        List<String> defines = mote.link.RuntimeBuilder.defines(Board.load("bluepill"));
        assertTrue(defines.contains("-DMOTE_CONSOLE_INIT={0x40021018u,0x0u,0x4005u},{0x40010804u,0xf0u,0xb0u}"),
                defines.toString());
        assertTrue(mote.link.RuntimeBuilder.defines(Board.load("microbit")).contains("-DMOTE_CONSOLE_TX_PIN=24u"));
    }

    private static boolean hasDriver(String define) throws IOException {
        try (Stream<Path> files = Files.list(MoteHome.runtimeDir().resolve("drivers"))) {
            long count = files.filter(f -> {
                try {
                    return Files.readString(f).contains("#ifdef " + define + "\n");
                } catch (IOException e) {
                    return false;
                }
            }).count();
            return count == 1;
        }
    }
}

package mote.flash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import mote.board.Board;
import mote.cli.Main;
import mote.link.TestFirmware;

/** The command lines `mote flash` runs for each probe, checked through --dry-run; and its errors. */
class FlashDryRunTest {
    @TempDir Path dir;

    record Cli(int code, String out, String err) {}

    private Cli mote(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Cli(code, out.toString(), err.toString());
    }

    /** A real image for {@code board}: every probe checks the image fits the board before planning. */
    private Path elfFor(String board) throws IOException {
        Path elf = dir.resolve(board).resolve("hello.elf");
        if (Files.isRegularFile(elf)) return elf;
        return TestFirmware.build(Board.load(board), "hello", Files.createDirectories(dir.resolve(board)));
    }

    @Test
    void openocdUsesTheBoardsInterfaceAndTarget() throws IOException {
        Path elf = elfFor("nucleo-f401re");
        Cli cli = mote("flash", elf.toString(), "-b", "nucleo-f401re", "--probe", "openocd", "--dry-run");
        assertEquals(0, cli.code(), cli.err());
        assertEquals("openocd -f interface/stlink.cfg -f target/stm32f4x.cfg -c 'program {" + elf + "} verify reset exit'\n",
                cli.out());
    }

    @Test
    void probeRsDownloadsThenResets() throws IOException {
        Path elf = elfFor("nrf52840-dk");
        Cli cli = mote("flash", elf.toString(), "-b", "nrf52840-dk", "--probe", "probe-rs", "--dry-run");
        assertEquals(0, cli.code(), cli.err());
        assertEquals("probe-rs download --chip nRF52840_xxAA " + elf + "\nprobe-rs reset --chip nRF52840_xxAA\n", cli.out());
    }

    @Test
    void pyocdFlashesWithItsTargetName() throws IOException {
        Path elf = elfFor("bluepill");
        Cli cli = mote("flash", elf.toString(), "-b", "bluepill", "--probe", "pyocd", "--dry-run");
        assertEquals(0, cli.code(), cli.err());
        assertEquals("pyocd flash --target stm32f103c8 " + elf + "\n", cli.out());
    }

    @Test
    void withoutProbeTheBoardsMethodIsUsed() throws IOException {
        Path elf = elfFor("bluepill");
        Cli cli = mote("flash", elf.toString(), "-b", "bluepill", "--dry-run");
        assertEquals(0, cli.code(), cli.err());
        assertTrue(cli.out().startsWith("openocd -f interface/stlink.cfg -f target/stm32f1x.cfg"), cli.out());
    }

    @Test
    void gdbDryRunListsSegmentsAndRegisters() throws IOException {
        Board board = Board.load("lm3s6965evb");
        Path elf = TestFirmware.build(board, "hello", dir);
        Cli cli = mote("flash", elf.toString(), "--probe", "gdb=localhost:1234", "--dry-run");
        assertEquals(0, cli.code(), cli.err());
        assertTrue(cli.out().startsWith("GDB remote protocol to localhost:1234:\n  vFlashWrite (or M) 0x00000000..0x"), cli.out());
        // The initial SP is the top of the 4 KiB stack, which is first in RAM.
        assertTrue(cli.out().matches("(?s).*  P sp=0x20001000 pc=0x[0-9a-f]{8} xpsr=0x01000000\n  c\n"), cli.out());
    }

    @Test
    void uf2CopiesOntoTheNamedDrive() throws IOException {
        Board board = Board.load("feather-nrf52840");
        Path elf = TestFirmware.build(board, "hello", dir);
        Path drive = Files.createDirectories(dir.resolve("FTHR840BOOT"));
        Files.writeString(drive.resolve("INFO_UF2.TXT"), "UF2 Bootloader\n");

        Cli dry = mote("flash", elf.toString(), "-b", "feather-nrf52840", "--probe", "uf2=" + drive, "--dry-run");
        assertEquals(0, dry.code(), dry.err());
        assertEquals("cp " + dir.resolve("hello.uf2") + " " + drive + "/\n", dry.out());

        Cli real = mote("flash", elf.toString(), "-b", "feather-nrf52840", "--probe", "uf2=" + drive);
        assertEquals(0, real.code(), real.err());
        assertEquals(Files.size(dir.resolve("hello.uf2")), Files.size(drive.resolve("hello.uf2")));
    }

    @Test
    void missingToolIsAClearError() throws IOException {
        assumeTrue(Flasher.findOnPath("openocd").isEmpty(), "openocd is installed here");
        Cli cli = mote("flash", elfFor("bluepill").toString(), "-b", "bluepill", "--probe", "openocd");
        assertEquals(1, cli.code());
        assertTrue(cli.err().startsWith("error: openocd is not installed (not found on PATH); install it with "
                + "`apt-get install openocd`"), cli.err());
    }

    @Test
    void boardDetailsThatAreMissingAreNamed() throws IOException {
        Cli noSection = mote("flash", elfFor("mps2-an385").toString(), "-b", "mps2-an385", "--dry-run");
        assertEquals(2, noSection.code());
        assertTrue(noSection.err().contains("board `mps2-an385` has no `flash` section"), noSection.err());

        Cli noTarget = mote("flash", elfFor("feather-nrf52840").toString(), "-b", "feather-nrf52840", "--probe", "openocd", "--dry-run");
        assertEquals(2, noTarget.code());
        assertTrue(noTarget.err().contains("no `flash.openocd-target` in feather-nrf52840.json"), noTarget.err());

        Cli unknown = mote("flash", elfFor("lm3s6965evb").toString(), "--probe", "jlink", "--dry-run");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("unknown probe `jlink`"), unknown.err());

        Cli badGdb = mote("flash", elfFor("lm3s6965evb").toString(), "--probe", "gdb=1234", "--dry-run");
        assertEquals(2, badGdb.code());
        assertTrue(badGdb.err().contains("gdb=HOST:PORT"), badGdb.err());
    }

    @Test
    void uf2DryRunWithoutADrivePrintsWhatItWouldDo() throws IOException {
        assumeTrue(Flasher.findUf2Drive().isEmpty(), "a UF2 drive is mounted here");
        Path elf = elfFor("feather-nrf52840");
        Cli dry = mote("flash", elf.toString(), "-b", "feather-nrf52840", "--dry-run");
        assertEquals(0, dry.code(), dry.err());
        assertTrue(dry.out().startsWith("cp " + elf.resolveSibling("hello.uf2") + " DRIVE/\n# DRIVE: the board's UF2 bootloader drive"),
                dry.out());

        Cli real = mote("flash", elf.toString(), "-b", "feather-nrf52840");
        assertEquals(1, real.code());
        assertTrue(real.err().startsWith("error: no UF2 bootloader drive found"), real.err());
    }

    @Test
    void aFileThatIsNotAnArmElfIsRefusedByEveryProbe() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.elf"), "not really an ELF");
        byte[] real = Files.readAllBytes(elfFor("bluepill"));
        Path truncated = Files.write(dir.resolve("cut.elf"), java.util.Arrays.copyOf(real, 200));
        for (String probe : new String[] {"openocd", "probe-rs", "pyocd", "uf2=" + dir, "gdb=localhost:1234"}) {
            Cli notElf = mote("flash", text.toString(), "-b", "bluepill", "--probe", probe, "--dry-run");
            assertEquals(1, notElf.code(), probe);
            assertEquals("error: " + text + " is not an ELF file (a firmware image linked for an ARM board)\n", notElf.err(), probe);
            Cli cut = mote("flash", truncated.toString(), "-b", "bluepill", "--probe", probe, "--dry-run");
            assertEquals(1, cut.code(), probe);
            assertTrue(cut.err().startsWith("error: " + truncated + " is damaged or cut short"), probe + ": " + cut.err());
        }
    }

    @Test
    void anImageLinkedForAnotherBoardIsRefused() throws IOException {
        // The same core (Cortex-M3), but mps2-an385's flash starts at 0, far below bluepill's.
        Cli cli = mote("flash", elfFor("mps2-an385").toString(), "-b", "bluepill", "--probe", "openocd", "--dry-run");
        assertEquals(1, cli.code());
        assertTrue(cli.err().contains("outside the memory of board `bluepill`"), cli.err());
        assertTrue(cli.err().contains("linked for another board?"), cli.err());
    }

    /** Same flash address, another core: an ARMv7-M image on a Cortex-M0 would fault at its first Thumb-2 instruction. */
    @Test
    void anImageForALargerCoreIsRefused() throws IOException {
        Cli m0 = mote("flash", elfFor("lm3s6965evb").toString(), "-b", "microbit", "--probe", "openocd", "--dry-run");
        assertEquals(1, m0.code(), m0.err());
        assertTrue(m0.err().contains("cannot run on board `microbit`: it was compiled for ARMv7-M, and board `microbit` has a cortex-m0 (ARMv6-M)"),
                m0.err());
        assertTrue(m0.err().contains("mote build APP.mote -b microbit"), m0.err());
        Cli m4 = mote("flash", elfFor("nucleo-f401re").toString(), "-b", "bluepill", "--probe", "openocd", "--dry-run");
        assertEquals(1, m4.code(), m4.err());
        assertTrue(m4.err().contains("it was compiled for ARMv7E-M, and board `bluepill` has a cortex-m3 (ARMv7-M)"), m4.err());
        // The other way round runs: v6-M code on an M3 goes as far as the memory check.
        Cli down = mote("flash", elfFor("microbit").toString(), "-b", "lm3s6965evb", "--probe", "openocd", "--dry-run");
        assertTrue(!down.err().contains("cannot run on board"), down.err());
    }

    @Test
    void armAttributesAreRead() throws IOException {
        assertEquals(java.util.Optional.of(new ArmArchitecture(ArmArchitecture.V6S_M, false)), ArmArchitecture.of(elfFor("microbit")));
        assertEquals(java.util.Optional.of(new ArmArchitecture(ArmArchitecture.V7E_M, true)), ArmArchitecture.of(elfFor("nucleo-f401re")));
        assertEquals(java.util.Optional.of(new ArmArchitecture(ArmArchitecture.V8_M_MAIN, false)), ArmArchitecture.of(elfFor("mps2-an505")));
        assertEquals(java.util.Optional.empty(), ArmArchitecture.parse(new byte[] {'A', 5, 0}), "cut short");
        assertEquals(java.util.Optional.empty(), ArmArchitecture.parse(new byte[0]));
    }

    @Test
    void gdbPacketsAreFramedAndDecoded() {
        assertEquals("$m0,4#fd", new String(GdbRemote.frame("m0,4"), StandardCharsets.US_ASCII));
        assertEquals("$X0,1:}\u0003#" + String.format("%02x", ('X' + '0' + ',' + '1' + ':' + '}' + 0x03) & 0xff),
                new String(GdbRemote.frame("X0,1:#"), StandardCharsets.ISO_8859_1));
        assertEquals("0000", GdbRemote.decode("0* ".getBytes(StandardCharsets.US_ASCII)), "run-length: 3 more");
        assertEquals("78563412", GdbRemote.littleEndianHex(0x12345678L));
    }
}

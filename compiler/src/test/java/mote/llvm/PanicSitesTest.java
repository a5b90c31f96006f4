package mote.llvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mote.Compiler;
import mote.home.MoteHome;
import mote.board.Board;
import mote.testutil.ProgramRunner;
import org.junit.jupiter.api.Test;

/**
 * The panic-site table's two forms: one packed word a site when every site fits (line below
 * 2^17, column below 2^9, file index below 2^6), else 8 bytes a site. The run tests
 * panic_site_table.mote and panic_site_table_wide.mote check that each form prints its
 * locations exactly; this checks which form a program gets, and what the packed one saves, on
 * examples/firmware.mote at -O s (the sites of the checks the optimiser leaves stay in the
 * table: PanicSitePruning).
 */
class PanicSitesTest {
    private record Built(String ll, long flash) {}

    /** examples/firmware.mote, after {@code blankLines} empty lines. */
    private static Built firmware(int blankLines) throws IOException {
        Path dir = ProgramRunner.tempDir();
        Path src = dir.resolve("firmware.mote");
        Files.writeString(src, "\n".repeat(blankLines) + Files.readString(MoteHome.get().resolve("examples/firmware.mote")));
        Compiler.Options o = Compiler.Options.defaults(Board.load("lm3s6965evb"), dir);
        Compiler.Result r = Compiler.compile(src, o.withEmit(EnumSet.of(Compiler.Emit.ELF, Compiler.Emit.LL)));
        return new Built(Files.readString(dir.resolve("firmware.ll")), r.size().flash());
    }

    /** The table's number of sites and element type, from its definition in the IR. */
    private static String[] table(String ll) {
        Matcher m = Pattern.compile("@mote_panic_sites = [^\\[]*\\[(\\d+) x ([^\\]]+?)\\] ").matcher(ll);
        assertTrue(m.find(), "no panic-site table");
        return new String[] {m.group(1), m.group(2).trim()};
    }

    @Test
    void sitesThatFitAreOneWordEach() throws IOException {
        String[] t = table(firmware(0).ll());
        assertEquals("i32", t[1]);
        assertTrue(Integer.parseInt(t[0]) >= 8, "sites: " + t[0]);
    }

    @Test
    void aLinePastTheWordKeepsTheWideFormAndThePackedOneSavesFourBytesASite() throws IOException {
        Built packed = firmware(0), wide = firmware(1 << PanicSites.LINE_BITS);
        String[] t = table(wide.ll());
        assertEquals("{ i32, i16, i16 }", t[1]);
        int sites = Integer.parseInt(t[0]);
        assertEquals(sites, Integer.parseInt(table(packed.ll())[0]));
        // The same code and sites: 4 bytes a site less, minus the code that unpacks a word.
        long saved = wide.flash() - packed.flash();
        assertTrue(saved >= 4L * sites - UNPACK_BYTES && saved <= 4L * sites,
                "packed " + packed.flash() + " B, wide " + wide.flash() + " B, " + sites + " sites");
    }

    /** The code that unpacks a site's word on v7-M: measured 8 bytes. */
    private static final int UNPACK_BYTES = 12;
}

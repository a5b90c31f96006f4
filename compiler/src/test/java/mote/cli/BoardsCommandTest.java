package mote.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

class BoardsCommandTest {
    @Test
    void listsEveryBoardWithCpuMemoryQemuAndFlashing() {
        StringWriter out = new StringWriter(), err = new StringWriter();
        assertEquals(0, Main.execute(new String[] {"boards"}, new PrintWriter(out), new PrintWriter(err)), err.toString());
        String text = out.toString();
        assertTrue(text.matches("(?s).*\\nlm3s6965evb \\*\\s+cortex-m3\\s+256K\\s+64K\\s+yes\\s+openocd\\s+TI Stellaris.*"), text);
        assertTrue(text.matches("(?s).*\\nmps2-an386\\s+cortex-m4 hf\\s+4M\\s+4M\\s+yes\\s+-\\s.*"), text);
        assertTrue(text.matches("(?s).*\\nnucleo-f401re\\s+cortex-m4 hf\\s+512K\\s+96K\\s+no\\s+probe-rs\\s.*"), text);
        assertTrue(text.matches("(?s).*\\nmicrobit\\s+cortex-m0\\s+256K\\s+16K\\s+yes\\s+probe-rs\\s.*"), text);
        assertTrue(!text.contains("cortex-m4f "), "parent files are not listed");
    }

    @Test
    void flashIsAVerbWithHelp() {
        StringWriter out = new StringWriter(), err = new StringWriter();
        assertEquals(0, Main.execute(new String[] {"flash", "--help"}, new PrintWriter(out), new PrintWriter(err)));
        assertTrue(out.toString().contains("--probe=PROBE"), out.toString());
        assertTrue(out.toString().contains("--dry-run"), out.toString());
    }

    @Test
    void aBrokenBoardFileIsListedWithItsErrorAndTheOthersStillAre(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        for (String name : new String[] {"cortex-m3", "lm3s6965evb", "mps2-an385"}) {
            java.nio.file.Files.copy(mote.home.MoteHome.boardsDir().resolve(name + ".json"), dir.resolve(name + ".json"));
        }
        java.nio.file.Files.writeString(dir.resolve("mine.json"), "{\"inherits\": \"lm3s6965evb\", \"cpu\": 3}");
        StringWriter out = new StringWriter();
        BoardsCommand.list(new mote.board.BoardCatalog(dir), new PrintWriter(out));
        String text = out.toString();
        assertTrue(text.matches("(?s).*\nlm3s6965evb \\*\\s+cortex-m3.*\nmine\\s+broken: \\S*mine.json: `cpu`: expected a non-empty string\n"
                + "mps2-an385\\s+cortex-m3.*"), text);
    }
}

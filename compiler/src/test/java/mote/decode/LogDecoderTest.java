package mote.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import mote.board.Board;
import org.junit.jupiter.api.Test;

/** Interned log frames back into text: every value kind, text around frames, corrupt and cut-short frames. */
class LogDecoderTest {
    static final LogDecoder LOG = new LogDecoder(List.of(
            List.of("hello\n"),
            List.of("n=", 'u', " i=", 'i', " x=", 'x', " b=", 'b', "\n"),
            List.of("big ", 'U', " ", 'I', " ", 'X', " [", 's', "]\n")));

    static String decode(int... bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ConsoleDecoder decoder = new ConsoleDecoder(new FaultDecoder(Board.load("lm3s6965evb"), Path.of("unused.elf"), Map.of()), Optional.of(LOG));
        try (OutputStream in = decoder.decoding(out)) {
            for (int b : bytes) in.write(b);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void framesPrintWhatTheTextBuildPrints() throws IOException {
        assertEquals("hello\n", decode(0xFF, 0));
        // 300 = ac 02; -3 zigzag = 5; 0xff = ff 01; true
        assertEquals("n=300 i=-3 x=ff b=true\n", decode(0xFF, 1, 0xac, 0x02, 5, 0xff, 0x01, 1));
        // 2^40 as a varint, -1 zigzag = 1, 0xffffffffffffffff as ten bytes, a two-byte slice
        int[] big = {0xFF, 2, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 1,
                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 2, 'o', 'k'};
        assertEquals("big 1099511627776 -1 ffffffffffffffff [ok]\n", decode(big));
    }

    @Test
    void textAroundFramesPassesThrough() throws IOException {
        assertEquals("> hello\n<\n", decode('>', ' ', 0xFF, 0, '<', '\n'));
    }

    @Test
    void aCorruptFrameIsReportedAndDecodingResynchronises() throws IOException {
        // Format 9 does not exist: reported, then the bytes after the bad start are read afresh
        // (the 9 itself is a tab), and the next frame decodes.
        assertEquals("[corrupt log frame: format 9 of 3]\tok\nhello\n", decode(0xFF, 9, 'o', 'k', '\n', 0xFF, 0));
        // A bool of 7: the same.
        assertEquals("[corrupt log frame: a bool of 7]\u0001\u0001\u0001\u0001\u0007\nhello\n", decode(0xFF, 1, 1, 1, 1, 7, '\n', 0xFF, 0));
    }

    @Test
    void aFrameCutShortByTheEndIsReported() throws IOException {
        assertEquals("> [log frame cut short]", decode('>', ' ', 0xFF, 1, 0x80));
    }
}

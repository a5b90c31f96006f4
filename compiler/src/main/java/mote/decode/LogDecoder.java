package mote.decode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import mote.diag.ToolError;
import mote.link.ElfSections;

/**
 * Frames of `--log interned` (runtime-c/log.c) back into the text the text build prints, with
 * the formats of the image's {@code .mote_log} section (mote.llvm.InternedLog writes it): a
 * frame is 0xFF, the format's index (a varint), then each value of the format (varints,
 * zigzag for signed, a varint length and the bytes for a slice).
 */
public final class LogDecoder {
    public static final int FRAME = 0xFF;
    public static final String SECTION = ".mote_log";
    /** The longest slice a frame may carry before it is taken for corrupt. */
    static final int MAX_SLICE = 1 << 16;

    /** Each format's parts: a String of text, or a Character naming a value's kind. */
    private final List<List<Object>> formats;

    LogDecoder(List<List<Object>> formats) {
        this.formats = formats;
    }

    /** The decoder for {@code elf}'s formats; empty for an image built with `--log text`. */
    public static Optional<LogDecoder> of(Path elf) {
        Optional<byte[]> section = ElfSections.contents(elf, SECTION);
        if (section.isEmpty()) return Optional.empty();
        try {
            List<List<Object>> formats = new ArrayList<>();
            for (JsonNode format : new ObjectMapper().readTree(section.get())) {
                List<Object> parts = new ArrayList<>();
                for (JsonNode part : format) parts.add(part.isTextual() ? part.asText() : (Object) part.path("v").asText().charAt(0));
                formats.add(parts);
            }
            return Optional.of(new LogDecoder(formats));
        } catch (IOException | RuntimeException e) {
            throw new ToolError(elf + " has a damaged " + SECTION + " section: " + e.getMessage());
        }
    }

    /** What {@link #decode} made of a frame's first bytes. */
    public sealed interface Result {}
    /** The frame took {@code length} bytes and prints {@code text}. */
    public record Complete(int length, byte[] text) implements Result {}
    /** The bytes so far are the start of a frame. */
    public record Partial() implements Result {}
    /** No frame starts this way. */
    public record Corrupt(String why) implements Result {}

    /** Decodes the frame at the start of {@code bytes} (the first is {@link #FRAME}). */
    public Result decode(byte[] bytes, int length) {
        Reader r = new Reader(bytes, length);
        r.at = 1;
        Long index = r.varint(5);
        if (index == null) return r.result();
        if (index >= formats.size()) return new Corrupt("format " + index + " of " + formats.size());
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        for (Object part : formats.get((int) (long) index)) {
            if (part instanceof String s) {
                text.writeBytes(s.getBytes(StandardCharsets.UTF_8));
                continue;
            }
            char kind = (Character) part;
            boolean wide = Character.isUpperCase(kind);
            Long v = r.varint(wide ? 10 : 5);
            if (v == null) return r.result();
            if (!wide && (v >>> 32) != 0) return new Corrupt("a 32-bit value too large");
            String shown;
            switch (Character.toLowerCase(kind)) {
                case 'u' -> shown = Long.toUnsignedString(v);
                case 'x' -> shown = Long.toHexString(v);
                case 'i' -> shown = Long.toString((v >>> 1) ^ -(v & 1));
                case 'b' -> {
                    if (v > 1) return new Corrupt("a bool of " + v);
                    shown = v == 1 ? "true" : "false";
                }
                case 's' -> {
                    if (v > MAX_SLICE) return new Corrupt("a slice of " + v + " bytes");
                    if (r.at + v > length) return new Partial();
                    text.write(bytes, r.at, (int) (long) v);
                    r.at += (int) (long) v;
                    continue;
                }
                default -> throw new ToolError("unknown value kind `" + kind + "` in " + SECTION);
            }
            text.writeBytes(shown.getBytes(StandardCharsets.US_ASCII));
        }
        return new Complete(r.at, text.toByteArray());
    }

    /** Reads LEB128 varints from a frame's bytes. */
    private static final class Reader {
        final byte[] bytes;
        final int length;
        int at;
        Result failure;

        Reader(byte[] bytes, int length) {
            this.bytes = bytes;
            this.length = length;
        }

        /** The next varint of at most {@code maxBytes} bytes; null (and {@link #result}) when incomplete or too long. */
        Long varint(int maxBytes) {
            long value = 0;
            for (int n = 0; n < maxBytes; n++) {
                if (at >= length) {
                    failure = new Partial();
                    return null;
                }
                int b = bytes[at++] & 0xff;
                value |= (long) (b & 0x7f) << (7 * n);
                if ((b & 0x80) == 0) return value;
            }
            failure = new Corrupt("a varint longer than " + maxBytes + " bytes");
            return null;
        }

        Result result() { return failure; }
    }
}

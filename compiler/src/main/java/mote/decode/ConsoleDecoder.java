package mote.decode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A device's console as the user should read it: interned log frames ({@code --log interned})
 * turned back into text, and each fault report line (and --debug panic backtrace) replaced by
 * its decoded form; every other byte passes through unchanged.
 */
public final class ConsoleDecoder {
    private final FaultDecoder faults;
    private final Optional<LogDecoder> log;

    public ConsoleDecoder(FaultDecoder faults, Optional<LogDecoder> log) {
        this.faults = faults;
        this.log = log;
    }

    /** {@code line} (without its newline, frames already decoded) as the user should read it. */
    public String decodeLine(String line) {
        Optional<FaultReport> report = FaultReport.parse(line);
        if (report.isPresent()) return String.join("\n", faults.decode(report.get()));
        int midLine = faultAfterText(line);
        if (midLine > 0)
            return line.substring(0, midLine) + String.join("\n", faults.decode(FaultReport.parse(line.substring(midLine)).orElseThrow()));
        Optional<PanicTrace> trace = PanicTrace.parse(line);
        if (trace.isPresent()) return String.join("\n", faults.decode(trace.get()));
        return line;
    }

    /** A line the decoder rewrites: a fault report or a panic's backtrace. */
    private static boolean decoded(String line) {
        return FaultReport.parse(line).isPresent() || PanicTrace.parse(line).isPresent() || faultAfterText(line) > 0;
    }

    /**
     * Where a fault report starts in a line that other text began: a fault while a panic was
     * printing its message (`panic: ` and then the report, when the panic's own calls ran off
     * the stack); 0 when there is none. Decoded after that text, as it would be had the text
     * gone out before the report came (a console flushed mid-line, {@link #decoding}).
     */
    private static int faultAfterText(String line) {
        for (int at = line.indexOf(FaultReport.PREFIX, 1); at > 0; at = line.indexOf(FaultReport.PREFIX, at + 1))
            if (FaultReport.parse(line.substring(at)).isPresent()) return at;
        return 0;
    }

    /** A whole console transcript (text, no frames), decoded. */
    public String decode(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream in = decoding(out, line -> {})) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);   // memory streams do not fail
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** As {@link #decoding(OutputStream, Consumer)}, with no one told of each line. */
    public OutputStream decoding(OutputStream sink) {
        return decoding(sink, line -> {});
    }

    /**
     * A stream that decodes what is written to it into {@code sink}, a line at a time, telling
     * {@code lines} each line's text (frames decoded, before fault decoding). A partial line
     * that cannot become a fault report goes through on flush (a prompt shows). A frame that
     * decodes to nothing sensible is reported in brackets and decoding goes on from the byte
     * after its start; one cut short by the end of the stream is reported too.
     */
    public OutputStream decoding(OutputStream sink, Consumer<String> lines) {
        return new OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();
            private final ByteArrayOutputStream frame = new ByteArrayOutputStream();

            @Override
            public void write(int b) throws IOException {
                b &= 0xff;
                if (frame.size() > 0) {
                    frame.write(b);
                    tryFrame();
                } else if (b == LogDecoder.FRAME && log.isPresent()) {
                    frame.write(b);
                } else {
                    text(b);
                }
            }

            private void tryFrame() throws IOException {
                byte[] bytes = frame.toByteArray();
                LogDecoder.Result r = log.get().decode(bytes, bytes.length);
                if (r instanceof LogDecoder.Partial) return;
                frame.reset();
                if (r instanceof LogDecoder.Complete c) {
                    for (byte t : c.text()) text(t & 0xff);
                } else if (r instanceof LogDecoder.Corrupt bad) {
                    for (byte t : ("[corrupt log frame: " + bad.why() + "]").getBytes(StandardCharsets.UTF_8)) text(t & 0xff);
                    for (int i = 1; i < bytes.length; i++) write(bytes[i]);   // resynchronise after the bad start
                }
            }

            private void text(int b) throws IOException {
                line.write(b);
                if (b != '\n') return;
                byte[] bytes = line.toByteArray();   // a printed slice need not be UTF-8: out byte for byte
                line.reset();
                String content = new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
                if (decoded(content)) {
                    String text = decodeLine(content);
                    if (!text.isEmpty()) sink.write((text + "\n").getBytes(StandardCharsets.UTF_8));
                } else {
                    sink.write(bytes);
                }
                lines.accept(content.endsWith("\r") ? content.substring(0, content.length() - 1) : content);
            }

            @Override
            public void flush() throws IOException {
                String pending = line.toString(StandardCharsets.UTF_8);
                boolean maybeReport = pending.startsWith(FaultReport.PREFIX) || FaultReport.PREFIX.startsWith(pending)
                        || pending.startsWith(PanicTrace.PREFIX) || PanicTrace.PREFIX.startsWith(pending);
                if (!maybeReport) {
                    sink.write(line.toByteArray());
                    line.reset();
                }
                sink.flush();
            }

            @Override
            public void close() throws IOException {
                if (frame.size() > 0) {
                    frame.reset();
                    for (byte t : "[log frame cut short]".getBytes(StandardCharsets.UTF_8)) text(t & 0xff);
                }
                if (line.size() > 0) sink.write(line.toByteArray());
                line.reset();
                sink.flush();
            }
        };
    }
}

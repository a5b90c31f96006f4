package mote.decode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A device's console, line by line, with each fault report replaced by its decoded form;
 * every other line passes through unchanged.
 */
public final class ConsoleDecoder {
    private final FaultDecoder faults;

    public ConsoleDecoder(FaultDecoder faults) {
        this.faults = faults;
    }

    /** {@code line} (without its newline) as the user should read it. */
    public String decodeLine(String line) {
        Optional<FaultReport> report = FaultReport.parse(line);
        return report.isEmpty() ? line : String.join("\n", faults.decode(report.get()));
    }

    /** A whole console transcript, decoded. */
    public String decode(String text) {
        StringBuilder sb = new StringBuilder();
        int start = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl;
            sb.append(decodeLine(text.substring(start, end)));
            if (nl >= 0) sb.append('\n');
            start = end + 1;
        }
        return sb.toString();
    }

    /**
     * A stream that decodes what is written to it into {@code sink}, a line at a time. A
     * partial line that cannot become a fault report goes through on flush (a prompt shows).
     */
    public OutputStream decoding(OutputStream sink) {
        return new OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();

            @Override
            public void write(int b) throws IOException {
                line.write(b);
                if (b == '\n') {
                    String text = line.toString(StandardCharsets.UTF_8);
                    line.reset();
                    sink.write((decodeLine(text.substring(0, text.length() - 1)) + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }

            @Override
            public void flush() throws IOException {
                String pending = line.toString(StandardCharsets.UTF_8);
                boolean maybeReport = pending.startsWith(FaultReport.PREFIX) || FaultReport.PREFIX.startsWith(pending);
                if (!maybeReport) {
                    sink.write(line.toByteArray());
                    line.reset();
                }
                sink.flush();
            }

            @Override
            public void close() throws IOException {
                if (line.size() > 0) sink.write(line.toByteArray());
                line.reset();
                sink.flush();
            }
        };
    }
}

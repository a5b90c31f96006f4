package mote.qemu;

import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How to run one image.
 *
 * @param timeout     kill QEMU after this long (wall clock); empty waits forever
 * @param icountShift {@code -icount shift=N}: each guest instruction takes 2^N ns of virtual
 *                    time, which makes timers deterministic; sleeping costs no host time
 * @param extraArgs   appended after the board's own extra arguments ({@code mote run -- ...})
 * @param console     receives the guest console (QEMU's stdout) as it arrives, flushed per line
 * @param diagnostics receives QEMU's stderr, minus known harmless lines; empty discards it
 *                    (it is always captured in the result)
 */
public record QemuOptions(Optional<Duration> timeout, int icountShift, List<String> extraArgs,
                          OutputStream console, Optional<OutputStream> diagnostics, byte[] input) {

    public QemuOptions {
        extraArgs = List.copyOf(extraArgs);
        input = input == null ? new byte[0] : input.clone();
    }

    public QemuOptions(Optional<Duration> timeout, int icountShift, List<String> extraArgs,
                       OutputStream console, Optional<OutputStream> diagnostics) {
        this(timeout, icountShift, extraArgs, console, diagnostics, new byte[0]);
    }

    /** No timeout, shift 0, no extra arguments, console output discarded (still captured). */
    public static QemuOptions defaults() {
        return new QemuOptions(Optional.empty(), 0, List.of(), OutputStream.nullOutputStream(), Optional.empty());
    }

    /** Bytes typed into the console UART (the serial port's receive side), then end of input. */
    public QemuOptions withInput(byte[] bytes) {
        return new QemuOptions(timeout, icountShift, extraArgs, console, diagnostics, bytes);
    }

    public QemuOptions withTimeout(Duration limit) {
        return new QemuOptions(Optional.of(limit), icountShift, extraArgs, console, diagnostics, input);
    }

    public QemuOptions withExtraArgs(List<String> args) {
        return new QemuOptions(timeout, icountShift, args, console, diagnostics, input);
    }

    public QemuOptions withConsole(OutputStream out) {
        return new QemuOptions(timeout, icountShift, extraArgs, out, diagnostics, input);
    }

    public QemuOptions withDiagnostics(OutputStream err) {
        return new QemuOptions(timeout, icountShift, extraArgs, console, Optional.of(err), input);
    }

    public QemuOptions withIcountShift(int shift) {
        return new QemuOptions(timeout, shift, extraArgs, console, diagnostics, input);
    }
}

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
 * @param input       bytes typed into the console UART, then end of input
 * @param terminal    QEMU reads the console UART's input from this process's own stdin (an
 *                    interactive `mote run`) instead of {@code input}
 * @param gdbPort     start halted with QEMU's gdbstub on this local TCP port ({@code mote run --gdb}):
 *                    the program runs once a debugger attaches and continues it
 * @param captureLimit how many bytes of the console the result keeps ({@link QemuResult#output()}):
 *                    a program may print for hours, and what streams to {@code console} need not
 *                    stay in memory too; the rest is counted, not kept
 */
public record QemuOptions(Optional<Duration> timeout, int icountShift, List<String> extraArgs,
                          OutputStream console, Optional<OutputStream> diagnostics, byte[] input, boolean terminal,
                          Optional<Integer> gdbPort, long captureLimit) {

    /** What the result keeps of the console by default: far more than any test compares. */
    public static final long DEFAULT_CAPTURE_LIMIT = 16L << 20;

    public QemuOptions {
        if (captureLimit < 0) throw new IllegalArgumentException("negative capture limit " + captureLimit);
        extraArgs = List.copyOf(extraArgs);
        input = input == null ? new byte[0] : input.clone();
    }

    public QemuOptions(Optional<Duration> timeout, int icountShift, List<String> extraArgs,
                       OutputStream console, Optional<OutputStream> diagnostics) {
        this(timeout, icountShift, extraArgs, console, diagnostics, new byte[0], false, Optional.empty(), DEFAULT_CAPTURE_LIMIT);
    }

    /** No timeout, shift 0, no extra arguments, console output discarded (still captured). */
    public static QemuOptions defaults() {
        return new QemuOptions(Optional.empty(), 0, List.of(), OutputStream.nullOutputStream(), Optional.empty());
    }

    /** Bytes typed into the console UART (the serial port's receive side), then end of input. */
    public QemuOptions withInput(byte[] bytes) {
        return new QemuOptions(timeout, icountShift, extraArgs, console, diagnostics, bytes, false, gdbPort, captureLimit);
    }

    /** The console UART reads this process's stdin (the user's terminal, or what is piped in). */
    public QemuOptions withTerminalInput() {
        return new QemuOptions(timeout, icountShift, extraArgs, console, diagnostics, new byte[0], true, gdbPort, captureLimit);
    }

    public QemuOptions withTimeout(Duration limit) {
        return new QemuOptions(Optional.of(limit), icountShift, extraArgs, console, diagnostics, input, terminal, gdbPort, captureLimit);
    }

    public QemuOptions withExtraArgs(List<String> args) {
        return new QemuOptions(timeout, icountShift, args, console, diagnostics, input, terminal, gdbPort, captureLimit);
    }

    public QemuOptions withConsole(OutputStream out) {
        return new QemuOptions(timeout, icountShift, extraArgs, out, diagnostics, input, terminal, gdbPort, captureLimit);
    }

    public QemuOptions withDiagnostics(OutputStream err) {
        return new QemuOptions(timeout, icountShift, extraArgs, console, Optional.of(err), input, terminal, gdbPort, captureLimit);
    }

    /** Starts halted with QEMU's gdbstub listening on {@code port} (on 127.0.0.1). */
    public QemuOptions withGdbPort(int port) {
        return new QemuOptions(timeout, icountShift, extraArgs, console, diagnostics, input, terminal, Optional.of(port), captureLimit);
    }

    /** Keeps at most {@code bytes} of the console in the result (0: none, for a run that only streams it). */
    public QemuOptions withCaptureLimit(long bytes) {
        return new QemuOptions(timeout, icountShift, extraArgs, console, diagnostics, input, terminal, gdbPort, bytes);
    }

    public QemuOptions withIcountShift(int shift) {
        return new QemuOptions(timeout, shift, extraArgs, console, diagnostics, input, terminal, gdbPort, captureLimit);
    }
}

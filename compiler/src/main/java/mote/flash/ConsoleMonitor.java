package mote.flash;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import mote.board.Board;
import mote.decode.ConsoleDecoder;
import mote.decode.FaultDecoder;
import mote.decode.FaultReport;
import mote.decode.LogDecoder;
import mote.decode.PanicTrace;
import mote.diag.ToolError;

/**
 * Watches a board that runs a Mote image and says what it does, decoded as `mote run` would:
 * from a serial port (the console UART, read line by line; a fault report is decoded, the
 * end is a fault, a panic or the port closing), or through a GDB server (a probe's, or QEMU's
 * gdbstub): there the monitor stops the core where runtime-c reports a fault or exits, reads
 * the fault's frame and status registers itself and decodes them the same way.
 *
 * <p>Exit codes as `mote run`: 102 after a fault, 101 after a panic, the program's own code when
 * it exits (gdb), 0 when the port closes, 124 when the timeout runs out.
 */
public final class ConsoleMonitor {
    public static final int PANIC_EXIT_CODE = 101, TIMEOUT_EXIT_CODE = 124;

    private final Board board;
    private final FaultDecoder faults;
    private final Optional<LogDecoder> log;
    private final PrintStream out;

    /** {@code log}: the image's interned log formats, when it was built with `--log interned`. */
    public ConsoleMonitor(Board board, FaultDecoder faults, Optional<LogDecoder> log, PrintStream out) {
        this.board = board;
        this.faults = faults;
        this.log = log;
        this.out = out;
    }

    /** Reads {@code device} (a serial port or a pseudo-terminal), setting its speed first when {@code baud} is given. */
    public int serial(Path device, Optional<Integer> baud, Optional<Duration> timeout) {
        if (!Files.exists(device)) throw new ToolError("no such port: " + device + " (--port)", 2);
        if (Files.isDirectory(device)) throw new ToolError(device + " is a folder, not a serial port (--port)", 2);
        baud.ifPresent(rate -> configure(device, rate));
        InputStream opened;
        try {
            opened = new FileInputStream(device.toFile());
        } catch (IOException e) {   // permission denied: not in the dialout group?
            throw new ToolError("cannot read " + device + ": " + e.getMessage() + " (--port)");
        }
        int[] result = {0};
        Thread reader = new Thread(() -> {
            try (InputStream in = opened) {
                result[0] = read(in);
            } catch (IOException e) {
                result[0] = 0;   // the port went away (a closed pseudo-terminal reads as an error)
            }
        }, "mote-monitor");
        reader.setDaemon(true);
        reader.start();
        try {
            reader.join(timeout.map(Duration::toMillis).orElse(0L));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (reader.isAlive()) {
            out.flush();
            return TIMEOUT_EXIT_CODE;
        }
        return result[0];
    }

    /** Console bytes (text, interned log frames) to decoded lines until a fault or panic line, or the end of input. */
    int read(InputStream in) throws IOException {
        int[] end = {-1};
        boolean[] panicked = {false};
        // A --backtrace image prints a backtrace line after the panic's: the end is after it.
        boolean traced = faults.symbol("mote_panic_trace").isPresent();
        ConsoleDecoder decoder = new ConsoleDecoder(faults, log);
        OutputStream console = decoder.decoding(out, line -> {
            if (end[0] >= 0) return;
            if (FaultReport.parse(line).isPresent()) end[0] = FaultDecoder.FAULT_EXIT_CODE;
            else if (panicked[0]) end[0] = PANIC_EXIT_CODE;
            else if (line.startsWith("panic: ")) {
                panicked[0] = true;
                if (!traced) end[0] = PANIC_EXIT_CODE;
            }
        });
        int c;
        while (end[0] < 0 && (c = in.read()) >= 0) {
            if (c == '\r') continue;
            console.write(c);
            if (in.available() == 0) console.flush();
        }
        if (end[0] < 0) console.close();
        else console.flush();
        out.flush();
        return Math.max(end[0], 0);
    }

    private static void configure(Path device, int baud) {
        try {
            Process p = new ProcessBuilder("stty", "-F", device.toString(), Integer.toString(baud), "raw", "-echo")
                    .redirectErrorStream(true).start();
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new ToolError("cannot set " + device + " to " + baud + " baud: " + said);
            }
        } catch (IOException e) {
            throw new ToolError("cannot run stty to set " + device + " to " + baud + " baud: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolError("interrupted while setting up " + device);
        }
    }

    /** System Control Block: CFSR, HFSR, DFSR, MMFAR, BFAR. */
    private static final long SCB_CFSR = 0xE000ED28L;
    /** Stack words read above the frame for the backtrace (a debug build's report has 32). */
    private static final int STACK_WORDS = 64;
    private static final int R0 = 0, R1 = 1, SP = 13, LR = 14, PC = 15, XPSR = 16;   // indexes into GdbRemote.readRegisters

    /**
     * Through a GDB server: breakpoints where runtime-c reports a fault ({@code mote_fault}) and
     * exits ({@code mote_exit}), then the core runs. At a fault the report is read from the
     * core (the same words runtime-c would print) and decoded; then the breakpoints go and the
     * core runs on, printing its own report and exiting.
     */
    public int gdb(String host, int port, Optional<Duration> timeout) {
        try (GdbRemote gdb = GdbRemote.connect(host, port, Duration.ofSeconds(10))) {
            gdb.negotiate();
            gdb.command("?");
            return watch(gdb, timeout);
        }
    }

    /** As {@link #gdb}, on a connection already made, its core halted (e.g. just loaded: `mote flash --monitor`). */
    public int watch(GdbRemote gdb, Optional<Duration> timeout) {
        // An image without a fault report (mote.mir.FaultSources) has only the default handler:
        // at its first instruction SP is the stacked frame and LR EXC_RETURN, as R0 and R1 at mote_fault's.
        Optional<Long> reportAt = faults.symbol("mote_fault");
        boolean unreported = reportAt.isEmpty();
        long faultAt = reportAt.or(() -> faults.symbol("mote_default_handler"))
                .orElseThrow(() -> new ToolError("the image has no mote_fault: not a Mote image?"));
        long exitAt = faults.symbol("mote_exit").orElseThrow(() -> new ToolError("the image has no mote_exit: not a Mote image?"));
        long deadline = timeout.map(t -> System.nanoTime() + t.toNanos()).orElse(Long.MAX_VALUE);
        // The console, when the board's is semihosting and the server forwards its writes
        // (File-I/O requests): decoded as the serial path decodes it.
        OutputStream console = new ConsoleDecoder(faults, log).decoding(out);
        // A --backtrace image's panic: its backtrace read from the core, where the console is a
        // UART the monitor does not see (a semihosting console brings the device's own line).
        Optional<Long> traceAt = board.console().kind().equals("semihosting") ? Optional.empty() : faults.symbol("mote_panic_trace");
        {
            gdb.breakpoint(faultAt, true);
            gdb.breakpoint(exitAt, true);
            traceAt.ifPresent(at -> gdb.breakpoint(at, true));
            while (true) {
                gdb.resume();
                String stop;
                while (true) {
                    long left = deadline == Long.MAX_VALUE ? 0 : Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                    try {
                        stop = gdb.awaitStop(Duration.ofMillis(left));
                    } catch (ToolError e) {
                        if (System.nanoTime() >= deadline) return TIMEOUT_EXIT_CODE;
                        throw e;
                    }
                    if (stop.startsWith("F")) {
                        gdb.answerFileIo(fileIo(gdb, stop, console));
                        continue;
                    }
                    if (!stop.startsWith("O") || stop.equals("OK")) break;
                    out.print(new String(java.util.HexFormat.of().parseHex(stop.substring(1)), StandardCharsets.UTF_8));
                }
                flush(console);
                if (stop.startsWith("W") || stop.startsWith("X")) {
                    return stop.length() >= 3 ? Integer.parseInt(stop.substring(1, 3), 16) : 0;   // the target is gone
                }
                long[] regs = gdb.readRegisters();
                long pc = regs[PC];
                if ((pc & ~1L) == (faultAt & ~1L)) {
                    FaultReport report = readFault(gdb, regs, unreported);
                    faults.decode(report).forEach(out::println);
                    out.flush();
                    release(gdb, faultAt, exitAt, traceAt);
                    return FaultDecoder.FAULT_EXIT_CODE;
                }
                if (traceAt.isPresent() && (pc & ~1L) == (traceAt.get() & ~1L)) {
                    out.println("panic (its message is on the console), backtrace:");
                    faults.decode(readPanicTrace(gdb, regs)).forEach(out::println);
                    out.flush();
                    gdb.breakpoint(traceAt.get(), false);   // once: the core steps on without it
                    traceAt = Optional.empty();
                    continue;
                }
                if ((pc & ~1L) == (exitAt & ~1L)) {
                    int code = (int) regs[R0];
                    out.println("the program exited with code " + code);
                    out.flush();
                    release(gdb, faultAt, exitAt, traceAt);
                    return code & 0xff;
                }
                // Stopped for another reason (another debugger's request): go on.
            }
        }
    }

    /**
     * A File-I/O request's answer: {@code Fwrite,fd,addr,len} to the console (stdout or stderr:
     * semihosting SYS_WRITEC and SYS_WRITE0 come as writes to fd 2) is read from the target and
     * decoded; any other call fails (EBADF for another file, else EUNKNOWN): a Mote image
     * makes none.
     */
    private static String fileIo(GdbRemote gdb, String request, OutputStream console) {
        String[] call = request.substring(1).split(",");
        if (!call[0].equals("write") || call.length < 4) return "F-1,9999";
        long fd = Long.parseLong(call[1], 16), address = Long.parseLong(call[2], 16);
        int length = Integer.parseInt(call[3], 16);
        if (fd != 1 && fd != 2) return "F-1,9";
        byte[] bytes = length == 0 ? new byte[0] : gdb.readMemory(address, length);
        try {
            for (byte b : bytes) if (b != '\r') console.write(b);
            if (bytes.length > 0 && bytes[bytes.length - 1] == '\n') console.flush();
        } catch (IOException e) {
            throw new ToolError("cannot write the console: " + e.getMessage());
        }
        return "F" + Integer.toHexString(length);
    }

    private static void flush(OutputStream console) {
        try {
            console.flush();
        } catch (IOException e) {
            throw new ToolError("cannot write the console: " + e.getMessage());
        }
    }

    /**
     * What runtime-c's mote_fault would print, read from the halted core at its first
     * instruction. After a stack overflow R0 is 0 (v6-M: no frame) or the NVIC's active bits
     * (v7-M, v8-M), whose eight words FaultReport takes as such, not as a frame. In an image
     * without the report ({@code atDefaultHandler}) SP and LR hold them instead: it cannot overflow.
     */
    private FaultReport readFault(GdbRemote gdb, long[] regs, boolean atDefaultHandler) {
        long sp = regs[atDefaultHandler ? SP : R0], excReturn = regs[atDefaultHandler ? LR : R1];
        long vector = regs[XPSR] & 0x1ff;
        long task = faults.symbol("mote_task_current").map(a -> word(gdb.readMemory(a, 4), 0)).orElse(0L);
        Optional<FaultReport.Frame> frame = Optional.empty();
        Optional<FaultReport.Status> status = Optional.empty();
        java.util.List<Long> stack = new java.util.ArrayList<>();
        if (sp != 0) {
            byte[] f = gdb.readMemory(sp, 32);
            frame = Optional.of(new FaultReport.Frame(word(f, 0), word(f, 1), word(f, 2), word(f, 3), word(f, 4),
                    word(f, 5), word(f, 6), word(f, 7)));
            if (!board.llvmTarget().startsWith("thumbv6m")) {
                byte[] s = gdb.readMemory(SCB_CFSR, 20);
                status = Optional.of(new FaultReport.Status(word(s, 0), word(s, 1), word(s, 2), word(s, 3), word(s, 4)));
            }
            // The stack above the frame, for the backtrace: what a debug build's report prints,
            // here read from the core at no cost to the image.
            long above = sp + 32, top = faults.symbol("_stack_top").orElse(above);
            int words = (int) Math.max(0, Math.min(STACK_WORDS, (top - above) / 4));
            byte[] w = words == 0 ? new byte[0] : gdb.readMemory(above, 4 * words);
            for (int i = 0; i < words; i++) stack.add(word(w, i));
        }
        return new FaultReport(vector, excReturn, task, sp, frame, status, stack);
    }

    private static long word(byte[] bytes, int index) {
        return Integer.toUnsignedLong(ByteBuffer.wrap(bytes, 4 * index, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
    }

    /** Clears the breakpoints and lets the core run on (it prints its own report and exits). */
    private static void release(GdbRemote gdb, long faultAt, long exitAt, Optional<Long> traceAt) {
        gdb.breakpoint(faultAt, false);
        gdb.breakpoint(exitAt, false);
        traceAt.ifPresent(at -> gdb.breakpoint(at, false));
        gdb.resume();
    }

    /** What runtime-c's mote_panic_trace is about to print, read from the core at its first instruction. */
    private PanicTrace readPanicTrace(GdbRemote gdb, long[] regs) {
        long task = faults.symbol("mote_task_current").map(a -> word(gdb.readMemory(a, 4), 0)).orElse(0L);
        byte[] from = gdb.readMemory(faults.symbol("mote_panic_from").orElseThrow(
                () -> new ToolError("the image has mote_panic_trace but no mote_panic_from: not a Mote image?")), 16);
        long sp = word(from, 1), top = faults.symbol("_stack_top").orElse(sp);
        int words = (int) Math.max(0, Math.min(STACK_WORDS, (top - sp) / 4));
        byte[] w = words == 0 ? new byte[0] : gdb.readMemory(sp, 4 * words);
        java.util.List<Long> stack = new java.util.ArrayList<>();
        for (int i = 0; i < words; i++) stack.add(word(w, i));
        return new PanicTrace(regs[XPSR] & 0x1ff, task, word(from, 0), sp, word(from, 2), word(from, 3), stack);
    }
}

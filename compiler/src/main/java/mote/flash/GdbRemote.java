package mote.flash;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

import mote.diag.ToolError;

/**
 * A client for the GDB remote serial protocol, enough to load an image and start it: what
 * {@code mote flash --probe gdb=HOST:PORT} speaks to QEMU's gdbstub (or any GDB server).
 *
 * <p>Packets are {@code $payload#cs}, {@code cs} the modulo-256 sum of the payload bytes in two
 * hex digits; {@code }, {@code #}, {@code $} and {@code *} in a payload are escaped as
 * {@code 0x7d} followed by the byte XOR 0x20. The receiver acknowledges each packet with
 * {@code +} (or {@code -}: send it again). Replies may be run-length encoded
 * ({@code X*n}: repeat X {@code n - 29} more times). Used here: {@code ?} (halt reason, a
 * connection check), {@code M addr,length:hex} (write memory), {@code P n=value} (write one
 * register, value in target byte order) and {@code c} (continue, no reply until the target
 * stops again). Flash on real hardware (OpenOCD's, pyOCD's or a Black Magic Probe's server)
 * goes through {@code vFlashErase:addr,length}, {@code vFlashWrite:addr:binary} and
 * {@code vFlashDone}, in the whole blocks its memory map ({@code qXfer:memory-map:read})
 * names; a server without a memory map (QEMU's gdbstub) has plain memory only.
 */
public final class GdbRemote implements Closeable {
    /** Bytes of memory per {@code M} packet: 2 hex digits each, well under QEMU's 4096-byte packet limit. */
    static final int CHUNK = 1024;
    private static final int MAX_RETRIES = 3;

    private final String where;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private GdbRemote(String where, Socket socket) throws IOException {
        this.where = where;
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects to a GDB server; every reply must arrive within {@code timeout}. */
    public static GdbRemote connect(String host, int port, Duration timeout) {
        String where = host + ":" + port;
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            socket.setTcpNoDelay(true);
            return new GdbRemote(where, socket);
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing to release
            }
            throw new ToolError("cannot connect to the GDB server at " + where + ": " + e.getMessage()
                    + "\n  = help: start one, e.g. `qemu-system-arm -M lm3s6965evb -S -gdb tcp::" + port
                    + " ...`, `openocd ...` (port 3333) or `pyocd gdbserver` (port 3333)");
        }
    }

    /** Sends a packet and returns the reply's payload. */
    public String command(String payload) {
        send(payload);
        return receive();
    }

    /** Writes {@code data} at {@code address} with {@code M} packets of {@link #CHUNK} bytes. */
    public void writeMemory(long address, byte[] data) {
        HexFormat hex = HexFormat.of();
        int chunk = Math.min(CHUNK, chunk());
        for (int offset = 0; offset < data.length; offset += chunk) {
            int length = Math.min(chunk, data.length - offset);
            long at = address + offset;
            String reply = command("M" + Long.toHexString(at) + "," + Integer.toHexString(length) + ":"
                    + hex.formatHex(data, offset, offset + length));
            expectOk(reply, "writing " + length + " bytes at 0x" + Long.toHexString(at));
        }
    }

    /** Binary bytes per {@code vFlashWrite}: escaped bytes may double, still under common 4 KB packet limits. */
    static final int FLASH_CHUNK = 1024;

    /**
     * Asks what the server supports, as gdb does first ({@code qSupported}); remembers the
     * largest packet it takes ({@code PacketSize}) so no write is larger. Returns the reply.
     */
    public String negotiate() {
        String reply = command("qSupported:xmlRegisters=arm;multiprocess+");
        for (String feature : reply.split(";")) {
            if (feature.startsWith("PacketSize=")) {
                try {
                    packetSize = Integer.parseInt(feature.substring("PacketSize=".length()), 16);
                } catch (NumberFormatException e) {
                    // keep the default
                }
            }
        }
        return reply;
    }

    private int packetSize = 4096;

    /** Data bytes per write packet: each may take two characters (hex, or an escape), plus the header. */
    private int chunk() {
        return Math.max(16, Math.min(FLASH_CHUNK, (packetSize - 64) / 2));
    }

    /**
     * The target's memory map ({@code qXfer:memory-map:read}, read in pieces as gdb does), or
     * empty when the server has none (QEMU's gdbstub: all memory is plain memory there).
     */
    public Optional<String> memoryMap() {
        StringBuilder xml = new StringBuilder();
        while (true) {
            String reply = command("qXfer:memory-map:read::" + Integer.toHexString(xml.length()) + ",ffb");
            if (reply.isEmpty() || reply.startsWith("E")) {
                if (xml.length() == 0) return Optional.empty();
                throw new ToolError("the GDB server at " + where + " failed reading its memory map: `" + reply + "`");
            }
            xml.append(reply.substring(1));
            if (reply.charAt(0) == 'l') return Optional.of(xml.toString());
            if (reply.charAt(0) != 'm') throw new ToolError("the GDB server at " + where + " sent a bad memory map reply: `" + reply + "`");
        }
    }

    /** Erases flash from {@code address}, {@code length} bytes: whole blocks of the memory map. */
    public void eraseFlash(long address, long length) {
        expectOk(command("vFlashErase:" + Long.toHexString(address) + "," + Long.toHexString(length)),
                "erasing flash at 0x" + Long.toHexString(address) + " (" + length + " bytes)");
    }

    /** Writes {@code data} into erased flash with {@code vFlashWrite} packets; {@link #flashDone} commits. */
    public void writeFlash(long address, byte[] data) {
        int chunk = chunk();
        for (int offset = 0; offset < data.length; offset += chunk) {
            int length = Math.min(chunk, data.length - offset);
            long at = address + offset;
            // Binary payload: each byte one ISO-8859-1 char; frame() escapes $ # } *.
            String reply = command("vFlashWrite:" + Long.toHexString(at) + ":"
                    + new String(data, offset, length, StandardCharsets.ISO_8859_1));
            expectOk(reply, "writing " + length + " bytes of flash at 0x" + Long.toHexString(at));
        }
    }

    /** {@code vFlashDone}: the server finishes programming everything written since the first erase. */
    public void flashDone() {
        expectOk(command("vFlashDone"), "finishing the flash write");
    }

    /** Reads {@code length} bytes of target memory ({@code m} packets). */
    public byte[] readMemory(long address, int length) {
        byte[] data = new byte[length];
        int chunk = chunk();
        for (int offset = 0; offset < length; offset += chunk) {
            int n = Math.min(chunk, length - offset);
            String reply = command("m" + Long.toHexString(address + offset) + "," + Integer.toHexString(n));
            if (reply.startsWith("E") || reply.length() != 2 * n) {
                throw new ToolError("the GDB server at " + where + " failed reading " + n + " bytes at 0x"
                        + Long.toHexString(address + offset) + ": `" + reply + "`");
            }
            System.arraycopy(HexFormat.of().parseHex(reply), 0, data, offset, n);
        }
        return data;
    }

    /** Writes 32-bit register {@code number} (ARM: 13 sp, 15 pc, 25 xPSR) with a {@code P} packet. */
    public void writeRegister(int number, long value) {
        String reply = command("P" + Integer.toHexString(number) + "=" + littleEndianHex(value));
        expectOk(reply, "setting register " + number);
    }

    /**
     * Answers a File-I/O request (a stop reply {@code Fwrite,fd,addr,len}: the target's
     * semihosting call, forwarded by a server that sends them to gdb, such as QEMU's with
     * {@code -semihosting-config target=gdb}) with {@code Fresult[,errno]}: the target runs on,
     * and nothing comes back until it stops again.
     */
    public void answerFileIo(String reply) {
        send(reply);
    }

    /** Sends {@code c}: the target runs. There is no reply until it stops, so none is awaited. */
    public void resume() {
        send("c");
    }

    /**
     * Waits for the next stop reply after {@link #resume} ({@code T05...}, {@code W00}: exited,
     * {@code O...}: console output): as long as {@code timeout}, or for ever when it is zero.
     */
    public String awaitStop(Duration timeout) {
        try {
            int before = socket.getSoTimeout();
            socket.setSoTimeout((int) timeout.toMillis());
            try {
                return receive();
            } finally {
                socket.setSoTimeout(before);
            }
        } catch (IOException e) {
            throw lost(e);
        }
    }

    /**
     * Reads the core registers ({@code g}): R0-R15, then xPSR. Without a target description
     * (QEMU answers {@code p} only to a gdb that read one) the reply has the classic ARM layout:
     * R0-R15, eight 12-byte FPA registers and their status word, then xPSR; with one, xPSR
     * follows PC.
     */
    public long[] readRegisters() {
        String reply = command("g");
        if (reply.startsWith("E") || reply.length() < 17 * 8) {
            throw new ToolError("the GDB server at " + where + " failed reading the registers: `" + reply + "`");
        }
        long[] regs = new long[17];
        for (int i = 0; i < 16; i++) regs[i] = littleEndianWord(reply, 8 * i);
        int xpsr = reply.length() >= 16 * 8 + 8 * 24 + 8 + 8 ? 16 * 8 + 8 * 24 + 8 : 16 * 8;
        regs[16] = littleEndianWord(reply, xpsr);
        return regs;
    }

    private static long littleEndianWord(String hex, int at) {
        long value = 0;
        for (int i = 3; i >= 0; i--) value = (value << 8) | Integer.parseInt(hex.substring(at + 2 * i, at + 2 * i + 2), 16);
        return value;
    }

    /** Sets ({@code Z0}) or clears ({@code z0}) a breakpoint at a Thumb instruction. */
    public void breakpoint(long address, boolean set) {
        expectOk(command((set ? "Z0," : "z0,") + Long.toHexString(address & ~1L) + ",2"),
                (set ? "setting" : "clearing") + " a breakpoint at 0x" + Long.toHexString(address));
    }

    static String littleEndianHex(long value) {
        return String.format(Locale.ROOT, "%02x%02x%02x%02x", value & 0xff, (value >> 8) & 0xff,
                (value >> 16) & 0xff, (value >> 24) & 0xff);
    }

    /** {@code $payload#cs}, with the protocol's escapes. */
    static byte[] frame(String payload) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte b : payload.getBytes(StandardCharsets.ISO_8859_1)) {
            if (b == '$' || b == '#' || b == '}' || b == '*') {
                body.write('}');
                body.write(b ^ 0x20);
            } else {
                body.write(b);
            }
        }
        int sum = 0;
        for (byte b : body.toByteArray()) sum += b & 0xff;
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write('$');
        packet.writeBytes(body.toByteArray());
        packet.writeBytes(String.format(Locale.ROOT, "#%02x", sum & 0xff).getBytes(StandardCharsets.US_ASCII));
        return packet.toByteArray();
    }

    private void send(String payload) {
        byte[] packet = frame(payload);
        try {
            for (int attempt = 0; attempt < MAX_RETRIES; attempt++) {
                out.write(packet);
                out.flush();
                int ack = readByte();
                while (ack != '+' && ack != '-') ack = readByte(); // stray bytes before the ack
                if (ack == '+') return;
            }
        } catch (IOException e) {
            throw lost(e);
        }
        throw new ToolError("the GDB server at " + where + " rejected a packet " + MAX_RETRIES + " times");
    }

    private String receive() {
        try {
            while (true) {
                int c = readByte();
                while (c != '$') c = readByte();
                ByteArrayOutputStream raw = new ByteArrayOutputStream();
                int sum = 0;
                for (c = readByte(); c != '#'; c = readByte()) {
                    raw.write(c);
                    sum += c;
                }
                int checksum = Integer.parseInt("" + (char) readByte() + (char) readByte(), 16);
                if ((sum & 0xff) != checksum) {
                    out.write('-');
                    out.flush();
                    continue;
                }
                out.write('+');
                out.flush();
                return decode(raw.toByteArray());
            }
        } catch (IOException | NumberFormatException e) {
            throw lost(e);
        }
    }

    /** Undoes escapes and run-length encoding in a reply. */
    static String decode(byte[] raw) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < raw.length; i++) {
            int b = raw[i] & 0xff;
            if (b == '}' && i + 1 < raw.length) {
                text.append((char) ((raw[++i] & 0xff) ^ 0x20));
            } else if (b == '*' && i + 1 < raw.length && text.length() > 0) {
                int repeat = (raw[++i] & 0xff) - 29;
                char last = text.charAt(text.length() - 1);
                for (int r = 0; r < repeat; r++) text.append(last);
            } else {
                text.append((char) b);
            }
        }
        return text.toString();
    }

    private int readByte() throws IOException {
        int c = in.read();
        if (c < 0) throw new IOException("connection closed");
        return c;
    }

    private void expectOk(String reply, String what) {
        if (reply.equals("OK")) return;
        if (reply.isEmpty()) throw new ToolError("the GDB server at " + where + " does not support " + what);
        throw new ToolError("the GDB server at " + where + " failed " + what + ": `" + reply + "`");
    }

    private ToolError lost(Exception e) {
        String reason = e instanceof SocketTimeoutException ? "no reply in time" : e.getMessage();
        return new ToolError("lost the GDB server at " + where + ": " + reason);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}

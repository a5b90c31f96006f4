package mote.flash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Flash programming over the GDB remote protocol (what OpenOCD's, pyOCD's and a Black Magic
 * Probe's servers implement), against a scripted server on 127.0.0.1: erase, binary writes
 * with the protocol's escapes, done; and the fallback when a server has no flash commands.
 */
class GdbFlashProtocolTest {
    /** A GDB server that acknowledges every packet, records it, and answers flash commands as told. */
    static final class FakeServer implements AutoCloseable {
        final ServerSocket server;
        final List<byte[]> packets = new ArrayList<>();
        final boolean hasFlash;
        final ByteArrayOutputStream flashed = new ByteArrayOutputStream();
        final Thread thread;

        FakeServer(boolean hasFlash) throws Exception {
            this.hasFlash = hasFlash;
            server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            thread = new Thread(this::serve, "fake-gdb-server");
            thread.setDaemon(true);
            thread.start();
        }

        void serve() {
            try (Socket s = server.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                while (true) {
                    int b = in.read();
                    if (b < 0) return;
                    if (b != '$') continue;
                    ByteArrayOutputStream body = new ByteArrayOutputStream();
                    for (int c = in.read(); c != '#'; c = in.read()) {
                        if (c == '}') c = in.read() ^ 0x20;   // the protocol's escape
                        body.write(c);
                    }
                    in.read();
                    in.read();   // checksum
                    out.write('+');
                    byte[] packet = body.toByteArray();
                    packets.add(packet);
                    String text = new String(packet, StandardCharsets.ISO_8859_1);
                    String reply;
                    if (text.startsWith("vFlashErase")) reply = hasFlash ? "OK" : "";
                    else if (text.startsWith("vFlashWrite:")) {
                        int data = text.indexOf(':', "vFlashWrite:".length()) + 1;
                        flashed.write(packet, data, packet.length - data);
                        reply = "OK";
                    } else reply = "OK";
                    byte[] r = reply.getBytes(StandardCharsets.ISO_8859_1);
                    int sum = 0;
                    for (byte x : r) sum += x & 0xff;
                    out.write(("$" + reply + String.format("#%02x", sum & 0xff)).getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    in.read();   // the client's ack
                }
            } catch (Exception e) {
                // connection closed
            }
        }

        @Override
        public void close() throws Exception {
            server.close();
        }
    }

    static byte[] image(int n) {
        byte[] data = new byte[n];
        for (int i = 0; i < n; i++) data[i] = (byte) (i * 7);   // includes $ # } * (0x24 0x23 0x7d 0x2a)
        return data;
    }

    @Test
    void programsFlashWithEraseBinaryWritesAndDone() throws Exception {
        byte[] data = image(2500);
        try (FakeServer fake = new FakeServer(true);
             GdbRemote gdb = GdbRemote.connect("127.0.0.1", fake.server.getLocalPort(), Duration.ofSeconds(5))) {
            assertTrue(gdb.writeFlash(0x8000, data));
            gdb.command("?");   // a round trip: every earlier packet has been handled
            assertArrayEquals(data, fake.flashed.toByteArray(), "the bytes written, after unescaping");
            List<String> heads = new ArrayList<>();
            for (byte[] p : fake.packets) {
                String t = new String(p, StandardCharsets.ISO_8859_1);
                heads.add(t.startsWith("vFlashWrite:") ? t.substring(0, t.indexOf(':', 12)) : t);
            }
            assertEquals(List.of("vFlashErase:8000,9c4", "vFlashWrite:8000", "vFlashWrite:8400", "vFlashWrite:8800",
                    "vFlashDone", "?"), heads);
        }
    }

    @Test
    void aServerWithoutFlashCommandsGetsNothingButTheEraseQuery() throws Exception {
        try (FakeServer fake = new FakeServer(false);
             GdbRemote gdb = GdbRemote.connect("127.0.0.1", fake.server.getLocalPort(), Duration.ofSeconds(5))) {
            assertFalse(gdb.writeFlash(0, image(16)));
            gdb.command("?");
            assertEquals(2, fake.packets.size());
            assertEquals(0, fake.flashed.size());
        }
    }
}

package mote.flash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

import mote.diag.ToolError;
import mote.link.ElfSegments;

/**
 * Loading over the GDB remote protocol against a scripted server on 127.0.0.1 that holds the
 * target to the rules real stubs (OpenOCD, pyOCD, probe-rs's gdb server) do: flash takes only
 * the flash commands, erases only whole blocks of its memory map, writes only erased bytes and
 * only inside the map, and programs on one {@code vFlashDone}; RAM takes {@code M}. The bytes
 * read back afterwards must be the image's.
 */
class GdbFlashProtocolTest {
    static final long FLASH = 0x0, FLASH_SIZE = 0x4000, BLOCK = 0x400, RAM = 0x2000_0000L, RAM_SIZE = 0x1000;

    static final String MEMORY_MAP = """
            <?xml version="1.0"?>
            <!DOCTYPE memory-map PUBLIC "+//IDN gnu.org//DTD GDB Memory Map V1.0//EN" "http://sourceware.org/gdb/gdb-memory-map.dtd">
            <memory-map>
              <memory type="flash" start="0x0" length="0x4000"><property name="blocksize">0x400</property></memory>
              <memory type="ram" start="0x20000000" length="0x1000"/>
            </memory-map>
            """;

    /** A strict stub: it rejects (with an `E` reply) what a real one would, and records what it was sent. */
    static final class StrictStub implements AutoCloseable {
        final ServerSocket server;
        final boolean hasMemoryMap;
        final List<String> packets = new ArrayList<>();
        final List<String> rejected = new ArrayList<>();
        final byte[] flash = new byte[(int) FLASH_SIZE];
        final boolean[] erased = new boolean[(int) FLASH_SIZE];
        final byte[] ram = new byte[(int) RAM_SIZE];
        int flashDone;
        boolean flashing;   // between the first vFlashErase/vFlashWrite and vFlashDone

        StrictStub(boolean hasMemoryMap) throws Exception {
            this.hasMemoryMap = hasMemoryMap;
            Arrays.fill(flash, (byte) 0x5a);   // whatever was programmed before: not erased
            server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            Thread thread = new Thread(this::serve, "strict-gdb-stub");
            thread.setDaemon(true);
            thread.start();
        }

        int port() { return server.getLocalPort(); }

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
                    String packet = body.toString(StandardCharsets.ISO_8859_1);
                    synchronized (this) {
                        packets.add(packet.startsWith("vFlashWrite:") ? packet.substring(0, packet.indexOf(':', 12)) : packet);
                    }
                    if (packet.equals("c")) {
                        out.flush();
                        continue;   // running: no reply until it stops
                    }
                    String reply = answer(packet);
                    if (reply.startsWith("E")) synchronized (this) { rejected.add(packets.get(packets.size() - 1)); }
                    int sum = 0;
                    for (byte x : reply.getBytes(StandardCharsets.ISO_8859_1)) sum += x & 0xff;
                    out.write(("$" + reply + String.format("#%02x", sum & 0xff)).getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    in.read();   // the client's ack
                }
            } catch (Exception e) {
                // connection closed
            }
        }

        String answer(String packet) {
            if (packet.equals("?")) return "S05";
            if (packet.startsWith("qSupported")) return "PacketSize=1000;qXfer:memory-map:read" + (hasMemoryMap ? "+" : "-");
            if (packet.startsWith("qXfer:features:read:")) return "l<target><architecture>arm</architecture></target>";
            if (packet.startsWith("qXfer:memory-map:read::")) {
                if (!hasMemoryMap) return "";
                String[] range = packet.substring("qXfer:memory-map:read::".length()).split(",");
                int offset = Integer.parseInt(range[0], 16), length = Integer.parseInt(range[1], 16);
                // Small pieces, so the client must ask again for the rest.
                int n = Math.min(Math.min(length, 100), MEMORY_MAP.length() - offset);
                return (offset + n >= MEMORY_MAP.length() ? "l" : "m") + MEMORY_MAP.substring(offset, offset + n);
            }
            if (packet.startsWith("vFlashErase:")) {
                String[] a = packet.substring(12).split(",");
                long start = Long.parseLong(a[0], 16), length = Long.parseLong(a[1], 16);
                if (start % BLOCK != 0 || length % BLOCK != 0 || length == 0 || start < FLASH || start + length > FLASH + FLASH_SIZE)
                    return "E01";   // only whole blocks of a flash region
                flashing = true;
                for (long i = start; i < start + length; i++) {
                    erased[(int) i] = true;
                    flash[(int) i] = (byte) 0xff;
                }
                return "OK";
            }
            if (packet.startsWith("vFlashWrite:")) {
                int colon = packet.indexOf(':', 12);
                long start = Long.parseLong(packet.substring(12, colon), 16);
                byte[] data = packet.substring(colon + 1).getBytes(StandardCharsets.ISO_8859_1);
                if (!flashing || start < FLASH || start + data.length > FLASH + FLASH_SIZE) return "E02";
                for (int i = 0; i < data.length; i++) if (!erased[(int) start + i]) return "E03";   // unerased flash
                for (int i = 0; i < data.length; i++) {
                    flash[(int) start + i] = data[i];
                    erased[(int) start + i] = false;
                }
                return "OK";
            }
            if (packet.equals("vFlashDone")) {
                if (!flashing) return "E04";
                flashing = false;
                flashDone++;
                return "OK";
            }
            if (packet.startsWith("M")) {
                int comma = packet.indexOf(','), colon = packet.indexOf(':');
                long start = Long.parseLong(packet.substring(1, comma), 16);
                byte[] data = HexFormat.of().parseHex(packet.substring(colon + 1));
                if (hasMemoryMap && (start < RAM || start + data.length > RAM + RAM_SIZE)) return "E05";   // flash or unmapped
                if (!hasMemoryMap && start >= FLASH && start + data.length <= FLASH + FLASH_SIZE) {
                    System.arraycopy(data, 0, flash, (int) start, data.length);   // QEMU: flash is plain memory
                    return "OK";
                }
                if (start < RAM || start + data.length > RAM + RAM_SIZE) return "E05";
                System.arraycopy(data, 0, ram, (int) (start - RAM), data.length);
                return "OK";
            }
            if (packet.startsWith("m")) {
                String[] a = packet.substring(1).split(",");
                long start = Long.parseLong(a[0], 16);
                int length = Integer.parseInt(a[1], 16);
                if (start >= FLASH && start + length <= FLASH + FLASH_SIZE)
                    return HexFormat.of().formatHex(flash, (int) start, (int) start + length);
                if (start >= RAM && start + length <= RAM + RAM_SIZE)
                    return HexFormat.of().formatHex(ram, (int) (start - RAM), (int) (start - RAM) + length);
                return "E06";
            }
            if (packet.startsWith("P")) return "OK";
            return "";
        }

        synchronized List<String> packets() { return List.copyOf(packets); }

        @Override
        public void close() throws Exception {
            server.close();
        }
    }

    static byte[] bytes(int n, int seed) {
        byte[] data = new byte[n];
        for (int i = 0; i < n; i++) data[i] = (byte) (i * 7 + seed);   // includes $ # } * (0x24 0x23 0x7d 0x2a)
        return data;
    }

    /** Code from 0 to an unaligned end, .data's initial values right after it in the same block, a RAM section. */
    static ElfSegments image() {
        return new ElfSegments(0x101, List.of(
                new ElfSegments.Segment(0x0, 0x0, bytes(0x1234, 1)),
                new ElfSegments.Segment(0x1234, 0x2000_0000L, bytes(0x90, 2)),
                new ElfSegments.Segment(0x2000_0100L, 0x2000_0100L, bytes(0x40, 3))));
    }

    @Test
    void loadsLikeGdbEraseBlocksOnceWriteThenOneDone() throws Exception {
        ElfSegments image = image();
        try (StrictStub stub = new StrictStub(true);
             GdbRemote gdb = GdbRemote.connect("127.0.0.1", stub.port(), Duration.ofSeconds(5))) {
            gdb.negotiate();
            long written = Flasher.loadSegments(gdb, image);
            assertEquals(0x1234 + 0x90 + 0x40, written);
            assertEquals(List.of(), stub.rejected, "nothing the stub refused");
            for (ElfSegments.Segment s : image.segments()) {
                assertArrayEquals(s.data(), gdb.readMemory(s.physicalAddress(), s.data().length),
                        "read back at 0x" + Long.toHexString(s.physicalAddress()));
            }
            List<String> packets = stub.packets();
            // 0x0..0x12c4 touches blocks 0..4: one erase of five whole blocks, shared by both flash segments.
            assertEquals(List.of("vFlashErase:0,1400"), packets.stream().filter(p -> p.startsWith("vFlashErase")).toList());
            assertEquals(1, stub.flashDone);
            int done = packets.indexOf("vFlashDone");
            int lastWrite = -1;
            for (int i = 0; i < packets.size(); i++) if (packets.get(i).startsWith("vFlashWrite")) lastWrite = i;
            assertTrue(done > lastWrite, "vFlashDone after every write: " + packets);
            assertTrue(packets.stream().anyMatch(p -> p.startsWith("M20000100,40:")), "RAM by plain writes: " + packets);
            assertTrue(packets.stream().noneMatch(p -> p.startsWith("M") && !p.startsWith("M200")), "no M to flash: " + packets);
            assertTrue(packets.stream().filter(p -> p.startsWith("qXfer:memory-map")).count() > 1, "the map is read in pieces");
        }
    }

    @Test
    void segmentsInSeparateBlocksAreErasedSeparatelyAndTheRestOfFlashIsLeftAlone() throws Exception {
        ElfSegments image = new ElfSegments(0, List.of(
                new ElfSegments.Segment(0x0, 0x0, bytes(0x10, 4)),
                new ElfSegments.Segment(0x2810, 0x2810, bytes(0x800, 5))));
        try (StrictStub stub = new StrictStub(true);
             GdbRemote gdb = GdbRemote.connect("127.0.0.1", stub.port(), Duration.ofSeconds(5))) {
            gdb.negotiate();
            Flasher.loadSegments(gdb, image);
            assertEquals(List.of(), stub.rejected);
            assertEquals(List.of("vFlashErase:0,400", "vFlashErase:2800,c00"),
                    stub.packets().stream().filter(p -> p.startsWith("vFlashErase")).toList());
            for (ElfSegments.Segment s : image.segments())
                assertArrayEquals(s.data(), gdb.readMemory(s.physicalAddress(), s.data().length));
            assertEquals(0x5a, gdb.readMemory(0x1000, 1)[0] & 0xff, "a block no segment touches is not erased");
        }
    }

    @Test
    void bytesOutsideTheMemoryMapAreRefusedBeforeAnythingIsErased() throws Exception {
        ElfSegments image = new ElfSegments(0, List.of(new ElfSegments.Segment(0x3f00, 0x3f00, bytes(0x200, 6))));
        try (StrictStub stub = new StrictStub(true);
             GdbRemote gdb = GdbRemote.connect("127.0.0.1", stub.port(), Duration.ofSeconds(5))) {
            gdb.negotiate();
            ToolError e = assertThrows(ToolError.class, () -> Flasher.loadSegments(gdb, image));
            assertTrue(e.getMessage().contains("0x00003f00..0x00004100"), e.getMessage());
            assertTrue(e.getMessage().contains("flash 0x00000000..0x00004000, ram 0x20000000..0x20001000"), e.getMessage());
            assertTrue(stub.packets().stream().noneMatch(p -> p.startsWith("vFlash")), stub.packets().toString());
        }
    }

    @Test
    void aServerWithoutAMemoryMapGetsPlainMemoryWrites() throws Exception {
        ElfSegments image = image();
        try (StrictStub stub = new StrictStub(false);
             GdbRemote gdb = GdbRemote.connect("127.0.0.1", stub.port(), Duration.ofSeconds(5))) {
            gdb.negotiate();
            Flasher.loadSegments(gdb, image);
            assertEquals(List.of(), stub.rejected);
            assertTrue(stub.packets().stream().noneMatch(p -> p.startsWith("vFlash")), stub.packets().toString());
            for (ElfSegments.Segment s : image.segments())
                assertArrayEquals(s.data(), gdb.readMemory(s.physicalAddress(), s.data().length));
        }
    }

    @Test
    void theStubRefusesWhatRealStubsRefuse() throws Exception {
        // The stub is only worth testing against if it is strict: a per-segment, unaligned erase fails.
        try (StrictStub stub = new StrictStub(true);
             GdbRemote gdb = GdbRemote.connect("127.0.0.1", stub.port(), Duration.ofSeconds(5))) {
            assertThrows(ToolError.class, () -> gdb.eraseFlash(0x1234, 0x90));
            assertThrows(ToolError.class, () -> gdb.writeFlash(0x0, bytes(4, 0)), "unerased flash");
            assertThrows(ToolError.class, () -> gdb.writeMemory(0x0, bytes(4, 0)), "M to flash");
            assertThrows(ToolError.class, () -> gdb.writeMemory(0x3000_0000L, bytes(4, 0)), "outside the map");
        }
    }
}

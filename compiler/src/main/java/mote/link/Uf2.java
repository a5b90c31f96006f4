package mote.link;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Writes UF2 files (https://github.com/microsoft/uf2): what USB mass-storage bootloaders
 * (Adafruit nRF52, tinyuf2, RP2040) flash when the file is copied onto their drive.
 *
 * <p>A UF2 file is a sequence of independent 512-byte blocks: a 32-byte header (two start
 * magics, flags, target address, payload size, block number, block count, and, with flag
 * {@code 0x2000}, the family id telling the bootloader which chip the file is for), 476 bytes
 * of data of which the first 256 are the payload, and an end magic. Payloads cover 256-byte
 * aligned pages of the image; bytes of a page no segment fills are zero, as in
 * Microsoft's uf2conv.py.
 */
public final class Uf2 {
    public static final int MAGIC_START0 = 0x0A324655;
    public static final int MAGIC_START1 = 0x9E5D5157;
    public static final int MAGIC_END = 0x0AB16F30;
    public static final int FLAG_FAMILY_ID_PRESENT = 0x2000;
    public static final int BLOCK_SIZE = 512;
    public static final int PAYLOAD_SIZE = 256;

    private Uf2() {}

    /** The UF2 image of {@code segments} (at their physical addresses) for chip family {@code familyId}. */
    public static byte[] write(List<ElfSegments.Segment> segments, long familyId) {
        TreeMap<Long, byte[]> pages = new TreeMap<>();
        for (ElfSegments.Segment segment : segments) {
            byte[] data = segment.data();
            for (int i = 0; i < data.length; i++) {
                long address = segment.physicalAddress() + i;
                long page = address & ~(long) (PAYLOAD_SIZE - 1);
                pages.computeIfAbsent(page, p -> new byte[PAYLOAD_SIZE])[(int) (address - page)] = data[i];
            }
        }
        List<Long> addresses = new ArrayList<>(pages.keySet());
        ByteBuffer out = ByteBuffer.allocate(addresses.size() * BLOCK_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (int block = 0; block < addresses.size(); block++) {
            int start = block * BLOCK_SIZE;
            long address = addresses.get(block);
            out.putInt(start, MAGIC_START0);
            out.putInt(start + 4, MAGIC_START1);
            out.putInt(start + 8, FLAG_FAMILY_ID_PRESENT);
            out.putInt(start + 12, (int) address);
            out.putInt(start + 16, PAYLOAD_SIZE);
            out.putInt(start + 20, block);
            out.putInt(start + 24, addresses.size());
            out.putInt(start + 28, (int) familyId);
            out.put(start + 32, pages.get(address));
            out.putInt(start + BLOCK_SIZE - 4, MAGIC_END);
        }
        return out.array();
    }
}

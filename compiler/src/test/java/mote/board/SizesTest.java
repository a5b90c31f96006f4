package mote.board;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SizesTest {
    @Test
    void parsesDecimalHexAndUnits() {
        assertEquals(4096, Sizes.parse("4096"));
        assertEquals(0x4000C000L, Sizes.parse("0x4000C000"));
        assertEquals(0x4000C000L, Sizes.parse("0x4000c000"));
        assertEquals(256 * 1024, Sizes.parse("256K"));
        assertEquals(256 * 1024, Sizes.parse("256k"));
        assertEquals(4L << 20, Sizes.parse("4M"));
        assertEquals(1L << 30, Sizes.parse("1G"));
        assertEquals(0x10L * 1024, Sizes.parse("0x10K"));
    }

    @Test
    void rejectsWhatIsNotASize() {
        assertEquals(-1, Sizes.parse("256KB"));
        assertEquals(-1, Sizes.parse("-4"));
        assertEquals(-1, Sizes.parse(""));
        assertEquals(-1, Sizes.parse("0x"));
        assertEquals(-1, Sizes.parse("lots"));
    }

    @Test
    void formatsWithTheLargestEvenUnit() {
        assertEquals("256K", Sizes.format(256 * 1024));
        assertEquals("4M", Sizes.format(4L << 20));
        assertEquals("1000", Sizes.format(1000));
        assertEquals("0", Sizes.format(0));
    }
}

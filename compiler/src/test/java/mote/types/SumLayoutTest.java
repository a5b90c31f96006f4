package mote.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The layouts of data enums, Option and Result (Type.Sum): niches where a field has spare
 * values (as rustc lays them out), otherwise a tag at offset 0 and each variant's fields after it.
 */
class SumLayoutTest {
    private static final Type.Enum MODE = new Type.Enum("Mode", List.of("Off", "Slow", "Fast"), List.of(0L, 1L, 2L), Type.U8);

    @Test
    void optionOfAReferenceIsAPointerWithNullForNone() {
        Type.Sum o = Type.Sum.option(new Type.Ref(false, Type.U16));
        assertEquals(4, o.size());
        assertNull(o.tag());
        assertEquals(1, o.dataful());
        assertEquals(0, o.nicheValue(0));
        assertEquals(0, o.fieldOffset(1, 0));
    }

    @Test
    void optionOfABoolOrASmallEnumIsOneByte() {
        Type.Sum b = Type.Sum.option(Type.BOOL);
        assertEquals(1, b.size());
        assertEquals(2, b.nicheValue(0));   // None is the byte 2
        Type.Sum m = Type.Sum.option(MODE);
        assertEquals(1, m.size());
        assertEquals(3, m.nicheValue(0));   // the first value no Mode uses
    }

    @Test
    void withoutANicheATagComesFirstAndFieldsAreAligned() {
        Type.Sum o = Type.Sum.option(Type.U32);
        assertEquals(8, o.size());
        assertEquals(Type.U8, o.tag());
        assertEquals(4, o.fieldOffset(1, 0));
        Type.Sum small = Type.Sum.option(Type.U8);
        assertEquals(2, small.size());
        Type.Sum r = Type.Sum.result(Type.U8, Type.U16);
        assertEquals(4, r.size());
        assertEquals(1, r.fieldOffset(0, 0));
        assertEquals(2, r.fieldOffset(1, 0));
    }

    @Test
    void aDeclaredEnumTakesItsLargestVariantPlusTheTag() {
        Type.Sum event = new Type.Sum("Event", List.of());
        event.define(List.of(
                new Type.Sum.Variant("Press", null, List.of(Type.U8)),
                new Type.Sum.Variant("Release", List.of("pin", "ms"), List.of(Type.U8, Type.U32)),
                new Type.Sum.Variant("Tick", null, List.of())));
        assertEquals(Type.U8, event.tag());
        assertEquals(1, event.fieldOffset(0, 0));
        assertEquals(1, event.fieldOffset(1, 0));
        assertEquals(4, event.fieldOffset(1, 1));
        assertEquals(8, event.size());
        assertEquals(4, event.align());
    }

    @Test
    void twoVariantsWithDataOrTooManyOthersForTheNicheAreTagged() {
        Type.Sum twoData = new Type.Sum("E", List.of());
        twoData.define(List.of(new Type.Sum.Variant("A", null, List.of(Type.BOOL)), new Type.Sum.Variant("B", null, List.of(Type.BOOL))));
        assertEquals(Type.U8, twoData.tag());
        assertEquals(2, twoData.size());
        Type.Sum ref = new Type.Sum("R", List.of());   // a reference has one spare value: not enough for two others
        ref.define(List.of(new Type.Sum.Variant("P", null, List.of(new Type.Ref(false, Type.U8))),
                new Type.Sum.Variant("X", null, List.of()), new Type.Sum.Variant("Y", null, List.of())));
        assertEquals(Type.U8, ref.tag());
        assertEquals(8, ref.size());
    }

    @Test
    void builtinsAreEqualByTheirArguments() {
        assertEquals(Type.Sum.option(Type.U8), Type.Sum.option(Type.U8));
        assertEquals("Result<u8, bool>", Type.Sum.result(Type.U8, Type.BOOL).toString());
    }
}

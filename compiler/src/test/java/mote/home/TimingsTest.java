package mote.home;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TimingsTest {
    @Test
    void withoutARecordingAPhaseIsJustTheCall() {
        assertEquals(42, Timings.time("anything", () -> 42));
    }

    @Test
    void nestedPhasesCountOnlyTheirOwnTime() throws Exception {
        Timings t = Timings.start();
        Timings.time("outer", () -> {
            sleep(30);
            Timings.time("inner", () -> sleep(60));
        });
        Timings.time("outer", () -> sleep(5));
        t.stop();
        String table = t.table();
        long outer = millis(table, "outer (2x)"), inner = millis(table, "inner");
        assertTrue(inner >= 60, table);
        assertTrue(outer >= 35 && outer < 60 + 35, "outer without inner's 60 ms: " + table);
        assertTrue(millis(table, "total") >= outer + inner, table);
        assertTrue(table.contains("peak heap"), table);
        // Recording stopped: later phases are not added.
        Timings.time("later", () -> sleep(1));
        assertTrue(!t.table().contains("later"), t.table());
    }

    private static long millis(String table, String phase) {
        return table.lines().filter(l -> l.startsWith(phase + " ")).findFirst()
                .map(l -> Long.parseLong(l.substring(phase.length()).trim().split("\\s+")[0])).orElseThrow(() -> new AssertionError(phase + " in\n" + table));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}

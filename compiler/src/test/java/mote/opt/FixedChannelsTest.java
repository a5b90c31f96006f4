package mote.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import mote.Compiler;
import mote.async.StateMachine;
import mote.mir.Callee;
import mote.testutil.ChannelPrograms;
import mote.types.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An await on a channel or signal that is one named static keeps no pointer to it in its state
 * (overlap-layout, not in debug builds); a wait whose channel is only known at run time keeps
 * it. run/channels.mote, run/channels_direct.mote, run/race_join_values.mote and the other
 * channel programs run both kinds, cancelled ones included, on QEMU.
 */
class FixedChannelsTest {
    @TempDir Path dir;

    /** Direct (one task on each side of each channel, mote.opt.DirectChannels): no waiter nodes; {@code %s}: more items. */
    private static final String PROGRAM = ChannelPrograms.producerConsumer(2, "%s", "");

    /** A wait on an array element could be any of them: the program keeps lists, and that wait its pointer. */
    private static final String WITH_ARRAY = """
            static DATA: Channel<u32, 2>;
            static BOXES: [Channel<u8, 2>; 2];

            task fn producer() {
                DATA.send(1).await;
                BOXES[1].send(5).await;
            }

            async fn main() -> i32 {
                spawn producer();
                let a = DATA.recv().await;
                let b = BOXES[1].recv().await;
                (a + b as u32) as i32
            }
            """;

    private Compiler.Analysis analysis(String source, Set<Optimization> opts, boolean debug) throws IOException {
        Path file = dir.resolve("prog.mote");
        Files.writeString(file, source);
        return Compiler.analyze(Compiler.read(file), opts, debug, true);
    }

    /** The size of each channel wait's state in {@code fn}'s state machine, by what it waits on. */
    private static Map<String, Integer> channelWaits(Compiler.Analysis a, String fn) {
        Map<String, Integer> out = new TreeMap<>();
        for (StateMachine.State s : a.machines().get(fn).states())
            if (s.awaitee() != null && s.awaitee().callee() instanceof Callee.Channel ch)
                out.put(ch + (ch.keepsPointer() ? "" : " on " + ch.fixed()), s.awaitee().size());
        return out;
    }

    @Test
    void waitsOnANamedStaticKeepNoPointer() throws IOException {
        Compiler.Analysis a = analysis(PROGRAM.formatted(""), EnumSet.allOf(Optimization.class), false);
        // A direct receive keeps nothing at all, a send its item.
        assertEquals(Map.of("recv<Channel<u32, 2>> on DATA", 0, "wait<Signal<u32>> on DONE", 0), channelWaits(a, "main"));
        assertEquals(Map.of("send<Channel<u32, 2>> on DATA", 4), channelWaits(a, "producer"));
    }

    @Test
    void listProgramsKeepTheNodeAndDropOnlyThePointer() throws IOException {
        Compiler.Analysis a = analysis(WITH_ARRAY, EnumSet.allOf(Optimization.class), false);
        assertEquals(Map.of("recv<Channel<u32, 2>> on DATA", 8, "recv<Channel<u8, 2>>", 12), channelWaits(a, "main"));
        assertEquals(Map.of("send<Channel<u32, 2>> on DATA", 12, "send<Channel<u8, 2>>", 16), channelWaits(a, "producer"));
    }

    @Test
    void aWaitThroughAParameterKeepsItsPointer() throws IOException {
        String program = PROGRAM.formatted("""
                async fn take(ch: &Channel<u32, 2>) -> u32 { ch.recv().await }
                task fn other() { let _v = take(&DATA).await; }
                """);
        Set<Optimization> noInline = EnumSet.allOf(Optimization.class);
        noInline.remove(Optimization.INLINE);
        assertEquals(Map.of("recv<Channel<u32, 2>>", 12), channelWaits(analysis(program, noInline, false), "take"));
        // Inlined into `other`, the same wait names DATA.
        assertEquals(Map.of("recv<Channel<u32, 2>> on DATA", 8),
                channelWaits(analysis(program, EnumSet.allOf(Optimization.class), false), "other"));
    }

    /**
     * A reference written through another one (`*p = &DATA`) is not the static it was first
     * assigned: the wait keeps its pointer, and the program keeps waiter lists (a second
     * receiver of DATA could be waiting through it).
     */
    @Test
    void aReferenceWrittenThroughAnotherIsNotItsFirstStatic() throws IOException {
        String program = PROGRAM.formatted("""
                static SPARE: Channel<u32, 2>;
                task fn other() {
                    let mut r: &Channel<u32, 2> = &SPARE;
                    let p = &mut r;
                    *p = &DATA;
                    let _v = r.recv().await;
                }
                """);
        Compiler.Analysis a = analysis(program, EnumSet.allOf(Optimization.class), false);
        assertEquals(Map.of("recv<Channel<u32, 2>>", 12), channelWaits(a, "other"));
        assertEquals(null, mote.mir.ChannelWaiters.waiters(a.mir()), "no static is known for that wait: lists");
    }

    /** The baseline keeps the reference, as rustc's futures do; so does any set without overlap-layout, and debug builds. */
    @Test
    void baselineWithoutOverlapLayoutAndDebugBuildsKeepThePointer() throws IOException {
        String program = PROGRAM.formatted("");
        Map<String, Integer> kept = Map.of("recv<Channel<u32, 2>>", 4, "wait<Signal<u32>>", 4);
        assertEquals(kept, channelWaits(analysis(program, EnumSet.noneOf(Optimization.class), false), "main"));
        Set<Optimization> noOverlap = EnumSet.allOf(Optimization.class);
        noOverlap.remove(Optimization.OVERLAP_LAYOUT);
        assertEquals(kept, channelWaits(analysis(program, noOverlap, false), "main"));
        assertEquals(Map.of("recv<Channel<u32, 2>>", 12, "wait<Signal<u32>>", 12),
                channelWaits(analysis(program, EnumSet.allOf(Optimization.class), true), "main"));
    }

    /** A Signal's value takes the senders' word of a channel header: nothing waits to raise. */
    @Test
    void aSignalIsEightBytesAndItsValue() {
        assertEquals(12, new Type.Channel(Type.U32, 1, true).size());
        assertEquals(16, new Type.Channel(Type.U32, 1, false).size());
        assertEquals(8, new Type.Channel(Type.UNIT, 1, true).size());
        assertEquals(4, new Type.Channel(Type.U32, 1, true).shape(), "a signal's calls take its value's size");
    }
}

package mote.mir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import mote.Compiler;
import mote.opt.Optimization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which tasks wait on each side of each channel, and so whether runtime-c may keep one task id
 * per side instead of lists of waiters. A program is direct only when no side can ever have
 * two waiting tasks: the cases below each break that in one way. run/channels_direct.mote runs
 * a direct program's joins, races, closing and interrupt-raised signals.
 */
class ChannelWaitersTest {
    @TempDir Path dir;

    private static final String PRODUCER_CONSUMER = """
            static DATA: Channel<u32, 2>;
            static DONE: Signal<u32>;

            async fn put(v: u32) {
                DATA.send(v).await;
            }

            task fn producer() {
                for i in 0..4u32 { put(i).await; }
                DONE.raise(4);
            }

            %s

            async fn main() -> i32 {
                spawn producer();
                let mut sum = 0u32;
                for _i in 0..4u32 { sum += DATA.recv().await; }
                sum += DONE.wait().await;
                sum as i32
            }
            """;

    private MirProgram mir(String source, boolean optimized) throws IOException {
        return analysis(source, optimized, false).mir();
    }

    private Compiler.Analysis analysis(String source, boolean optimized, boolean debug) throws IOException {
        Path file = dir.resolve("prog.mote");
        Files.writeString(file, source);
        Set<Optimization> opts = optimized ? EnumSet.allOf(Optimization.class) : EnumSet.noneOf(Optimization.class);
        return Compiler.analyze(Compiler.read(file), opts, debug, true);
    }

    /** The size of each channel wait's state in {@code fn}'s state machine, by what it waits on. */
    private static Map<String, Integer> channelWaits(Compiler.Analysis a, String fn) {
        Map<String, Integer> out = new java.util.TreeMap<>();
        for (mote.async.StateMachine.State s : a.machines().get(fn).states())
            if (s.awaitee() != null && s.awaitee().callee() instanceof Callee.Channel) out.put(s.awaitee().callee().toString(), s.awaitee().size());
        return out;
    }

    /**
     * Where runtime-c keeps no lists, a channel wait's state has no waiter node: a receive is
     * the channel pointer (as rustc's future of an embassy channel is a reference), a send the
     * pointer and the item. Under every optimization set, since it follows the runtime; debug
     * builds keep the nodes, and so does a program with two receiving tasks.
     */
    @Test
    void directWaitsHaveNoWaiterNode() throws IOException {
        String direct = PRODUCER_CONSUMER.formatted("");
        Map<String, Integer> without = Map.of("recv<Channel<u32, 2>>", 4, "wait<Signal<u32>>", 4);
        assertEquals(without, channelWaits(analysis(direct, false, false), "main"));
        // overlap-layout also drops the pointer to the named static (mote.opt.FixedChannelsTest).
        assertEquals(Map.of("recv<Channel<u32, 2>>", 0, "wait<Signal<u32>>", 0), channelWaits(analysis(direct, true, false), "main"));
        assertEquals(Map.of("send<Channel<u32, 2>>", 8), channelWaits(analysis(direct, false, false), "put"));
        Map<String, Integer> with = Map.of("recv<Channel<u32, 2>>", 12, "wait<Signal<u32>>", 12);
        assertEquals(with, channelWaits(analysis(direct, false, true), "main"));
        String lists = PRODUCER_CONSUMER.formatted("task fn other() { let _v = DATA.recv().await; }");
        assertEquals(with, channelWaits(analysis(lists, false, false), "main"));
        assertEquals(Map.of("send<Channel<u32, 2>>", 16), channelWaits(analysis(lists, false, false), "put"));
    }

    @Test
    void oneTaskOnEachSideIsDirectUnderEveryOptimizationSet() throws IOException {
        for (boolean optimized : new boolean[] {false, true}) {
            MirProgram p = mir(PRODUCER_CONSUMER.formatted(""), optimized);
            Map<String, ChannelWaiters.Sides> sides = ChannelWaiters.waiters(p);
            // The send in `put` counts for producer, the task that awaits it.
            assertEquals(new ChannelWaiters.Sides(Set.of("main"), Set.of("producer")), sides.get("DATA"));
            assertEquals(new ChannelWaiters.Sides(Set.of("main"), Set.of()), sides.get("DONE"), "a raise waits for nothing");
            assertTrue(ChannelWaiters.direct(p));
        }
    }

    @Test
    void aSecondTaskWaitingOnASideKeepsTheLists() throws IOException {
        // Never spawned, but it could be: the table has its slot, and its wait would be a second one.
        MirProgram p = mir(PRODUCER_CONSUMER.formatted("task fn other() { let _v = DATA.recv().await; }"), true);
        assertEquals(Set.of("main", "other"), ChannelWaiters.waiters(p).get("DATA").receivers());
        assertFalse(ChannelWaiters.direct(p));
    }

    @Test
    void aTaskWithTwoInstancesKeepsTheLists() throws IOException {
        String pooled = PRODUCER_CONSUMER.formatted("").replace("task fn producer()", "task(2) fn producer()");
        assertFalse(ChannelWaiters.direct(mir(pooled, true)));
    }

    @Test
    void aWaitThroughAReferenceCouldBeAnyChannel() throws IOException {
        String program = PRODUCER_CONSUMER.formatted("""
                async fn take(ch: &Channel<u32, 2>) -> u32 { ch.recv().await }
                task fn other() { let _v = take(&DATA).await; }
                """);
        MirProgram p = mir(program, false);
        assertNull(ChannelWaiters.waiters(p));
        assertFalse(ChannelWaiters.direct(p));
    }

    @Test
    void aChannelInAnArrayIsNotANamedStatic() throws IOException {
        String program = """
                static BOXES: [Channel<u8, 2>; 2];
                task fn writer() { BOXES[1].send(5).await; }
                async fn main() -> i32 {
                    spawn writer();
                    BOXES[1].recv().await as i32
                }
                """;
        assertFalse(ChannelWaiters.direct(mir(program, true)));
    }

    @Test
    void joinBranchesOfOneTaskCountAsThatTask() throws IOException {
        String program = """
                static PAIRS: Channel<u32, 1>;
                task fn sender() { PAIRS.send(1).await; PAIRS.send(2).await; }
                async fn main() -> i32 {
                    spawn sender();
                    let mut a = 0u32;
                    let mut b = 0u32;
                    join { a = PAIRS.recv().await; } and { b = PAIRS.recv().await; }
                    (a + b) as i32
                }
                """;
        MirProgram p = mir(program, true);
        assertEquals(Set.of("main"), ChannelWaiters.waiters(p).get("PAIRS").receivers());
        assertTrue(ChannelWaiters.direct(p));
    }
}

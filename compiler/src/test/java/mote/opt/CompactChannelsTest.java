package mote.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import mote.Compiler;
import mote.board.Board;
import mote.llvm.LlvmBackend;
import mote.testutil.ChannelPrograms;
import mote.types.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a program's channel headers are compact (four bytes: head, count and each side's
 * waiting task) and how much less its static channels take. run/channels_compact.mote and
 * run/channels_compact_close.mote run the boundaries (a full Channel<u8, 255>; a closed,
 * full Channel<u8, 127>) on QEMU.
 */
class CompactChannelsTest {
    @TempDir Path dir;

    private boolean compact(int capacity, String pool, String close, boolean debug) throws IOException {
        Path file = dir.resolve("prog.mote");
        Files.writeString(file, ChannelPrograms.producerConsumer(capacity, pool, close));
        Compiler.Analysis a = Compiler.analyze(Compiler.read(file), EnumSet.allOf(Optimization.class), debug, true);
        return CompactChannels.applies(a.mir(), debug);
    }

    @Test
    void aDirectProgramWhoseCountsFitAByteIsCompact() throws IOException {
        assertTrue(compact(2, "", "", false));
        assertTrue(compact(255, "", "", false));
    }

    @Test
    void aCountOverAByteKeepsTheFullHeader() throws IOException {
        assertFalse(compact(256, "", "", false));
    }

    /** Closing takes the count's top bit. */
    @Test
    void aProgramThatClosesLeavesTheTopBitToTheFlag() throws IOException {
        assertTrue(compact(127, "", "DATA.close();", false));
        assertFalse(compact(128, "", "DATA.close();", false));
    }

    /**
     * A waiting task is kept as its slot + 1 in a byte: 254 slots at most (a pool of idle tasks
     * beside main and producer), in a program without signals.
     */
    @Test
    void tooManyTaskSlotsKeepTheFullHeader() throws IOException {
        assertTrue(compactWithoutSignal("task(252) fn idle() {}"));
        assertFalse(compactWithoutSignal("task(253) fn idle() {}"));
    }

    /** A signal keeps its waiting task's slot + 1 in seven bits, its count in the eighth: 127 slots at most. */
    @Test
    void aProgramWithSignalsHasCompactHeadersUpTo127Slots() throws IOException {
        assertTrue(compact(2, "task(125) fn idle() {}", "spawn idle();", false));
        assertFalse(compact(2, "task(126) fn idle() {}", "spawn idle();", false));
    }

    private boolean compactWithoutSignal(String pool) throws IOException {
        Path file = dir.resolve("nosignal.mote");
        Files.writeString(file, """
                static DATA: Channel<u32, 2>;
                %s
                task fn producer() {
                    spawn idle();
                    for i in 0..4u32 { DATA.send(i).await; }
                }
                async fn main() -> i32 {
                    spawn producer();
                    let mut sum = 0u32;
                    for _i in 0..4u32 { sum += DATA.recv().await; }
                    sum as i32
                }
                """.formatted(pool));
        Compiler.Analysis a = Compiler.analyze(Compiler.read(file), EnumSet.allOf(Optimization.class), false, true);
        return CompactChannels.applies(a.mir(), false);
    }

    @Test
    void debugBuildsKeepListsAndTheFullHeader() throws IOException {
        assertFalse(compact(2, "", "", true));
    }

    @Test
    void aStaticChannelTakesItsCompactHeaderAndItems() {
        Type.Channel channel = new Type.Channel(Type.U32, 2, false), bytes = new Type.Channel(Type.U8, 5, false);
        Type.Channel signal = new Type.Channel(Type.U64, 1, true), event = new Type.Channel(Type.U32, 0, false);
        assertEquals(20, CompactChannels.staticSize(channel, false));
        assertEquals(12, CompactChannels.staticSize(channel, true));
        assertEquals(12, CompactChannels.staticSize(bytes, true), "rounded to the header's alignment");
        assertEquals(9, CompactChannels.staticSize(signal, true), "one byte, then the value");
        assertEquals(16, CompactChannels.staticSize(signal, false));
        assertEquals(1, CompactChannels.staticAlign(signal, true), "its value is copied bytewise");
        assertEquals(4, CompactChannels.staticAlign(signal, false));
        assertEquals(4, CompactChannels.staticAlign(channel, true), "a channel's header is read as words where full");
        assertEquals(event.size(), CompactChannels.staticSize(event, true), "events keep their lists");
        Type.Array array = new Type.Array(channel, 2);
        assertEquals(array.size(), CompactChannels.staticSize(array, true), "in an array, a channel keeps its type's stride");
    }

    /**
     * The statics in the image: a channel 8 bytes less, a Signal<u32> 7, built for size; built at
     * -O 0, runtime-c's objects (compiled apart) read full headers, and the channels keep them.
     */
    @Test
    void staticChannelsTakeTheirCompactSizeExceptAtO0() throws IOException {
        assertEquals(java.util.Map.of("_M4DATA", 12L, "_M4DONE", 5L), channelSymbols(LlvmBackend.OptLevel.S));
        assertEquals(java.util.Map.of("_M4DATA", 20L, "_M4DONE", 12L), channelSymbols(LlvmBackend.OptLevel.O0));
    }

    private java.util.Map<String, Long> channelSymbols(LlvmBackend.OptLevel level) throws IOException {
        Path out = Files.createDirectories(dir.resolve(level.name()));
        Path src = out.resolve("prog.mote");
        Files.writeString(src, ChannelPrograms.producerConsumer(2, "", ""));
        Compiler.Options o = Compiler.Options.defaults(Board.load("lm3s6965evb"), out).withOptLevel(level);
        Path elf = Compiler.compile(src, o).elf();
        mote.home.Toolchain tc = mote.home.Toolchain.get();
        java.util.Map<String, Long> sizes = new java.util.TreeMap<>();
        for (String line : tc.check(tc.tool("llvm-nm"), java.util.List.of("-S", "-t", "d", elf.toString())).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 4 && (f[3].equals("_M4DATA") || f[3].equals("_M4DONE"))) sizes.put(f[3], Long.parseLong(f[1]));
        }
        return sizes;
    }
}

package mote.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import mote.home.Toolchain;
import mote.home.MoteHome;
import mote.board.Board;

class RuntimeBuilderTest {
    @TempDir Path cache;

    @Test
    void flagsCarryTheBoardSettings() {
        Board board = Board.load("lm3s6965evb");
        List<String> flags = new RuntimeBuilder(Toolchain.get(), MoteHome.runtimeDir(), cache).compileFlags(board);
        for (String flag : List.of("--target=thumbv7m-none-eabi", "-mcpu=cortex-m3", "-mthumb", "-ffreestanding",
                "-Werror", "-DMOTE_CONSOLE_STELLARIS_UART", "-DMOTE_CONSOLE_BASE=0x4000c000u",
                "-DMOTE_IRQ_COUNT=44", "-DMOTE_CLOCK_HZ=12000000u")) {
            assertTrue(flags.contains(flag), flag + " in " + flags);
        }
    }

    @Test
    void buildsOncePerBoardAndReusesTheCache() throws IOException {
        RuntimeBuilder builder = new RuntimeBuilder(Toolchain.get(), MoteHome.runtimeDir(), cache);
        Board lm3s = Board.load("lm3s6965evb");

        List<Path> first = builder.build(lm3s);
        long stamp = Files.getLastModifiedTime(first.get(0)).toMillis();
        List<Path> second = builder.build(lm3s);
        List<Path> other = builder.build(Board.load("mps2-an385"));

        assertEquals(first, second);
        assertEquals(stamp, Files.getLastModifiedTime(second.get(0)).toMillis(), "not recompiled");
        assertTrue(first.stream().map(p -> p.getFileName().toString()).toList()
                .containsAll(List.of("startup.o", "executor.o", "print.o", "panic.o", "semihost.o",
                        "mem.o", "arith.o", "uart_stellaris.o", "uart_cmsdk.o")), first.toString());
        assertTrue(!first.get(0).getParent().equals(other.get(0).getParent()), "a different board, a different folder");
        assertEquals(2, subfolders(), "no temporary folders left behind");
    }

    @Test
    void concurrentBuildsFromSeparateBuildersAgree() throws Exception {
        Board board = Board.load("mps2-an385");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<List<Path>>> results = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                // Separate builders do not share a lock: like two JVMs racing on one cache.
                RuntimeBuilder builder = new RuntimeBuilder(Toolchain.get(), MoteHome.runtimeDir(), cache);
                results.add(pool.submit(() -> builder.build(board)));
            }
            List<Path> a = results.get(0).get(), b = results.get(1).get();
            assertEquals(a, b);
            for (Path object : a) assertTrue(Files.size(object) > 0, object.toString());
            assertEquals(1, subfolders());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aDamagedCachedObjectIsNoticedAndItsFolderRebuilt() throws IOException {
        RuntimeBuilder builder = new RuntimeBuilder(Toolchain.get(), MoteHome.runtimeDir(), cache);
        Board board = Board.load("lm3s6965evb");
        List<Path> objects = builder.build(board);
        Path executor = objects.stream().filter(p -> p.getFileName().toString().equals("executor.o")).findFirst().orElseThrow();
        byte[] good = Files.readAllBytes(executor);
        Files.write(executor, java.util.Arrays.copyOf(good, good.length / 2));   // truncated, as by a full disk

        List<Path> again = builder.build(board);

        assertEquals(objects, again);
        // Rebuilt whole, byte for byte (debug info does not name the private folder it was compiled in).
        assertArrayEquals(good, Files.readAllBytes(executor));
        assertTrue(RuntimeBuilder.intact(executor.getParent()));
        assertEquals(1, subfolders(), "the damaged folder is not left behind");
    }

    @Test
    void aLaterRunTrustsAFolderCheckedBeforeUntilAFileChanges() throws IOException {
        RuntimeBuilder builder = new RuntimeBuilder(Toolchain.get(), MoteHome.runtimeDir(), cache);
        Board board = Board.load("lm3s6965evb");
        Path dir = builder.build(board).get(0).getParent();
        Path verified = dir.resolve(RuntimeBuilder.VERIFIED_FILE);
        assertTrue(Files.exists(verified), "a checked folder records how its files looked");
        RuntimeBuilder.forgetVerified();
        assertTrue(RuntimeBuilder.intact(dir));   // from the record, files unchanged

        // A record that does not match sends the next run back to the hashes (and rewrites it).
        Files.writeString(verified, "garbage");
        RuntimeBuilder.forgetVerified();
        assertTrue(RuntimeBuilder.intact(dir));
        assertTrue(!Files.readString(verified).equals("garbage"));

        // A file truncated since has another size: hashed again, and found damaged.
        Path object = dir.resolve("executor.o");
        byte[] good = Files.readAllBytes(object);
        Files.write(object, java.util.Arrays.copyOf(good, good.length / 2));
        RuntimeBuilder.forgetVerified();
        assertTrue(!RuntimeBuilder.intact(dir));
    }

    @Test
    void theSourcesHashIsRememberedAndADamagedEntryRecomputed() throws IOException {
        RuntimeBuilder builder = new RuntimeBuilder(Toolchain.get(), MoteHome.runtimeDir(), cache);
        Board board = Board.load("lm3s6965evb");
        Path dir = builder.build(board).get(0).getParent();
        List<Path> keys;
        try (Stream<Path> entries = Files.list(cache)) {
            keys = entries.filter(p -> p.getFileName().toString().startsWith("key-")).toList();
        }
        assertEquals(1, keys.size(), keys.toString());
        assertEquals(dir.getFileName().toString(), Files.readString(keys.get(0)).strip());
        // A new builder (a new run) with a damaged entry computes the hash again: same folder.
        Files.writeString(keys.get(0), "not a hash");
        Path again = new RuntimeBuilder(Toolchain.get(), MoteHome.runtimeDir(), cache).build(board).get(0).getParent();
        assertEquals(dir, again);
        assertEquals(dir.getFileName().toString(), Files.readString(keys.get(0)).strip());
    }

    @Test
    void aGarbageStackUsageFileIsRebuiltNotBelieved() throws IOException {
        RuntimeBuilder builder = new RuntimeBuilder(Toolchain.get(), MoteHome.runtimeDir(), cache);
        Board board = Board.load("lm3s6965evb");
        Path dir = builder.build(board).get(0).getParent();
        Path su = dir.resolve("executor.su");
        String good = Files.readString(su);
        Files.writeString(su, good.replaceAll("\t\\d+\t", "\t8\t"));   // plausible but wrong frame sizes

        builder.build(board);

        assertEquals(good, Files.readString(su));
    }

    @Test
    void aFolderWithoutItsManifestIsNotTrusted() throws IOException {
        RuntimeBuilder builder = new RuntimeBuilder(Toolchain.get(), MoteHome.runtimeDir(), cache);
        Path dir = builder.build(Board.load("lm3s6965evb")).get(0).getParent();
        assertTrue(RuntimeBuilder.intact(dir));
        Files.delete(dir.resolve(RuntimeBuilder.MANIFEST));   // a build killed before it finished
        assertTrue(!RuntimeBuilder.intact(dir));
        Files.writeString(dir.resolve("stray.o"), "");
        builder.build(Board.load("lm3s6965evb"));
        assertTrue(RuntimeBuilder.intact(dir));
        assertTrue(!Files.exists(dir.resolve("stray.o")));
    }

    @Test
    void temporariesOfKilledBuildsAreRemoved() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path killed = Files.createDirectories(cache.resolve("building-" + gone.pid() + "-123").resolve("x"));
        Path old = Files.createDirectories(cache.resolve("building-" + ProcessHandle.current().pid() + "-old"));
        Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(java.time.Duration.ofHours(2))));
        Path running = Files.createDirectories(cache.resolve("building-" + ProcessHandle.current().pid() + "-now"));
        // An older mote's fresh `building-DIGITS` (a concurrent build sharing the cache): the digits are no pid.
        Path olderMote = Files.createDirectories(cache.resolve("building-" + gone.pid()));

        new RuntimeBuilder(Toolchain.get(), MoteHome.runtimeDir(), cache).build(Board.load("lm3s6965evb"));

        assertTrue(!Files.exists(killed.getParent()), "its process is gone");
        assertTrue(!Files.exists(old), "older than the limit");
        assertTrue(Files.exists(running), "a build of a live process is left alone");
        assertTrue(Files.exists(olderMote), "an older mote's build in progress is left to the age rule");
    }

    @Test
    void aLinkErrorSaysWhereTheCacheIsAndHowToClearIt() throws IOException {
        Path garbage = Files.writeString(cache.resolve("bad.o"), "not an object");
        Board board = Board.load("lm3s6965evb");
        Linker linker = new Linker(Toolchain.get(), new RuntimeBuilder(Toolchain.get(), MoteHome.runtimeDir(), cache));
        mote.diag.ToolError e = org.junit.jupiter.api.Assertions.assertThrows(mote.diag.ToolError.class,
                () -> linker.linkProgram(board, List.of(garbage), cache.resolve("x.elf"), java.util.Optional.empty()));
        assertTrue(e.getMessage().startsWith("ld.lld failed"), e.getMessage());
        assertTrue(e.getMessage().contains("= note: Mote caches compiled runtime objects in " + mote.home.MoteCache.root()
                + "; if that cache is damaged, delete it (`rm -rf " + mote.home.MoteCache.root() + "`)"), e.getMessage());
    }

    private long subfolders() throws IOException {
        try (Stream<Path> entries = Files.list(cache)) {
            return entries.filter(Files::isDirectory).count();
        }
    }
}

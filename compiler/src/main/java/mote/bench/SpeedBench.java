package mote.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import mote.Compiler;
import mote.board.Board;
import mote.home.MoteHome;
import mote.home.Toolchain;
import mote.link.Linker;
import mote.llvm.LlvmBackend;
import mote.link.LinkerScript;
import mote.link.RuntimeBuilder;
import mote.qemu.QemuOptions;
import mote.qemu.QemuResult;
import mote.qemu.QemuRunner;

/**
 * The runtime's speed (issue 20): instructions per yield switch, per channel hand-off, per
 * interrupt-raised signal, per timer expiry and per idle loop iteration, for Mote (--opt all, at
 * -O s and at -O 2, where code that is faster but larger may go) and for expert C with its own minimal executor and no runtime-c (bench/speed/c/).
 *
 * Each case is a program that repeats one event N times (bench/speed/NAME.mote and
 * bench/speed/c/NAME.c), N read from a word of RAM ({@link #ROUNDS_ADDRESS}) that QEMU's
 * loader device sets before the program starts. Each image runs twice, with N and with 2N,
 * under QEMU with one instruction per translation block and every executed block logged
 * ({@code -singlestep -d exec,nochain}): the log has one line per instruction executed, so
 * the difference between the two runs, over the N more events, is what one event costs,
 * start-up and exit subtracted, and the code is the same in both (a different constant N
 * would let the compiler lay the loops out differently). Guest time under {@code -icount shift=0} would count idle time too (a
 * sleep, WFI), which the timer and interrupt cases are made of, and the lm3s6965evb's SysTick
 * runs at 12.5 MHz where the board file says 12 MHz; the log counts instructions only.
 *
 * {@code SpeedBench [--profile] [CASE...]}: the table for the cases named (all by default);
 * {@code --profile} adds, per case, the instructions per event by function (from the log's
 * symbol names).
 */
public final class SpeedBench {
    private static final Board BOARD = Board.load("lm3s6965evb");
    /** Rounds in the shorter run; the longer has twice as many. Every round costs the same. */
    static final int N = 100;
    /** Where the programs read their number of rounds (`register ROUNDS` in each). */
    static final long ROUNDS_ADDRESS = 0x2000_FFF0L;

    /**
     * One measured event.
     *
     * @param name           bench/speed/NAME.mote and bench/speed/c/NAME.c
     * @param what           the table's description
     * @param eventsPerRound events in one of the N repetitions (a ping-pong has two)
     */
    public record Case(String name, String what, int eventsPerRound) {}

    public static final List<Case> CASES = List.of(
            new Case("yield", "yield switch", 2),
            new Case("channel", "channel send -> receiver running", 2),
            new Case("irq_signal", "interrupt raises signal -> task running", 1),
            new Case("timer", "timer expiry -> task running", 1),
            new Case("timer_queue", "timer expiry, two timers queued -> task", 1),
            new Case("idle", "idle loop iteration (with handler)", 1));

    /** Instructions per event, and per function for a profile. */
    public record Cost(double perEvent, Map<String, Double> bySymbol) {}

    private SpeedBench() {}

    public static void main(String[] args) throws IOException {
        boolean profile = false;
        List<String> only = new ArrayList<>();
        for (String a : args) {
            if (a.equals("--profile")) profile = true;
            else only.add(a);
        }
        print(Files.createTempDirectory("mote-speed-"), only, profile);
    }

    /** The table, for `make bench` (every case) and {@link #main}. */
    static void print(Path work, List<String> only, boolean profile) throws IOException {
        System.out.println("Runtime speed: instructions per event (QEMU lm3s6965evb, N and 2N events, instructions counted)");
        System.out.printf(Locale.ROOT, "%-42s %8s %8s %10s %8s %8s%n", "case", "Mote -Os", "Mote -O2", "expert C",
                "ratio s", "ratio 2");
        List<String> profiles = new ArrayList<>();
        for (Case c : CASES) {
            if (!only.isEmpty() && !only.contains(c.name())) continue;
            Cost mote = mote(c, work);
            Cost speed = mote(c, LlvmBackend.OptLevel.O2, work);
            Cost expert = expertC(c, work);
            if (expert == null)
                System.out.printf(Locale.ROOT, "%-42s %8.1f %8.1f %10s %8s %8s%n", c.what(), mote.perEvent(), speed.perEvent(), "-", "-", "-");
            else
                System.out.printf(Locale.ROOT, "%-42s %8.1f %8.1f %10.1f %7.2fx %7.2fx%n", c.what(), mote.perEvent(),
                        speed.perEvent(), expert.perEvent(), mote.perEvent() / expert.perEvent(),
                        speed.perEvent() / expert.perEvent());
            if (profile) profiles.add(profile(c, mote, speed, expert));
        }
        System.out.println();
        profiles.forEach(System.out::println);
    }

    private static String profile(Case c, Cost mote, Cost speed, Cost expert) {
        StringBuilder out = new StringBuilder(c.name() + ": instructions per event by function\n");
        var sides = new ArrayList<>(List.of(Map.entry("-Os", mote), Map.entry("-O2", speed)));
        if (expert != null) sides.add(Map.entry("C", expert));
        for (var side : sides) {
            side.getValue().bySymbol().entrySet().stream()
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .forEach(e -> out.append(String.format(Locale.ROOT, "  %-5s %7.1f  %s%n", side.getKey(), e.getValue(), e.getKey())));
        }
        return out.toString();
    }

    /** The Mote program of case {@code c} under `-O s --opt all`. */
    public static Cost mote(Case c, Path work) throws IOException {
        return mote(c, LlvmBackend.OptLevel.S, work);
    }

    /** The Mote program of case {@code c} under `--opt all` and optimisation level {@code level}. */
    public static Cost mote(Case c, LlvmBackend.OptLevel level, Path work) throws IOException {
        Path source = MoteHome.get().resolve("bench").resolve("speed").resolve(c.name() + ".mote");
        Path dir = Files.createDirectories(work.resolve("mote-" + c.name() + "-" + level.name()));
        return cost(c, Compiler.compile(source, Compiler.Options.defaults(BOARD, dir).withOptLevel(level)).elf(), dir);
    }

    /**
     * The expert C of case {@code c}: bench/speed/c/bare.c and NAME.c, clang -Os, no runtime-c;
     * null for a case without one (timer_queue: the expert's timer is the one-timer design).
     */
    public static Cost expertC(Case c, Path work) throws IOException {
        Path sources = MoteHome.get().resolve("bench").resolve("speed").resolve("c");
        if (!Files.exists(sources.resolve(c.name() + ".c"))) return null;
        Toolchain tc = Toolchain.get();
        Path dir = Files.createDirectories(work.resolve("c-" + c.name()));
        List<Path> objects = new ArrayList<>();
        for (String file : List.of("bare", c.name())) {
            Path object = dir.resolve(file + ".o");
            List<String> args = new ArrayList<>(RuntimeBuilder.targetFlags(BOARD));
            args.addAll(List.of("-Os", "-ffreestanding", "-ffunction-sections", "-fdata-sections", "-Wall", "-Wextra",
                    "-Werror", "-c", sources.resolve(file + ".c").toString(), "-o", object.toString()));
            tc.check(tc.clang(), args);
            objects.add(object);
        }
        Path elf = new Linker(tc, RuntimeBuilder.standard())
                .link(objects, LinkerScript.write(BOARD, dir), dir.resolve(c.name() + ".elf"), Optional.empty());
        return cost(c, elf, dir);
    }

    private static Cost cost(Case c, Path elf, Path dir) {
        Counted[] runs = {count(elf, N, dir), count(elf, 2 * N, dir)};
        double events = (double) N * c.eventsPerRound();
        Map<String, Double> bySymbol = new TreeMap<>();
        for (var e : runs[1].bySymbol().entrySet()) {
            long delta = e.getValue() - runs[0].bySymbol().getOrDefault(e.getKey(), 0L);
            if (delta != 0) bySymbol.put(e.getKey(), delta / events);
        }
        return new Cost((runs[1].total() - runs[0].total()) / events, bySymbol);
    }

    /** Instructions one run executed, in all and by the function QEMU names for them. */
    record Counted(long total, Map<String, Long> bySymbol) {}

    /**
     * Runs {@code elf} for {@code rounds} rounds with every instruction logged and counts them. QEMU logs a block again
     * when it had to stop before executing it ("Stopped execution of TB chain", at an icount
     * deadline) and when it re-executes an I/O instruction with I/O allowed
     * ("cpu_io_recompile"): one line each, subtracted.
     */
    static Counted count(Path elf, int rounds, Path dir) {
        Path log = dir.resolve("exec.log");
        String setRounds = String.format(Locale.ROOT, "loader,addr=0x%x,data=%d,data-len=4", ROUNDS_ADDRESS, rounds);
        QemuResult r = new QemuRunner().run(BOARD, elf, QemuOptions.defaults().withTimeout(Duration.ofSeconds(120))
                .withExtraArgs(List.of("-device", setRounds, "-singlestep", "-d", "exec,nochain", "-D", log.toString())));
        if (r.exitCode() != 0)
            throw new IllegalStateException(elf + " exited with " + r.exitCode() + ": " + r.output() + r.stderr());
        long total = 0;
        Map<String, Long> bySymbol = new TreeMap<>();
        try (BufferedReader in = Files.newBufferedReader(log, StandardCharsets.ISO_8859_1)) {
            String last = "";
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("Trace ")) {
                    total++;
                    last = line.substring(line.lastIndexOf(']') + 1).strip();
                    bySymbol.merge(last, 1L, Long::sum);
                } else if (line.startsWith("Stopped execution of TB chain") || line.startsWith("cpu_io_recompile")) {
                    total--;   // the block logged just before did not run (it runs again, logged again)
                    bySymbol.merge(last, -1L, Long::sum);
                }
            }
            Files.delete(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Counted(total, bySymbol);
    }
}

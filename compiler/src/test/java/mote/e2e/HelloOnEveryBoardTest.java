package mote.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import mote.Compiler;
import mote.home.MoteHome;
import mote.board.Board;
import mote.board.BoardCatalog;
import mote.link.ElfSections;
import mote.testutil.Expectations;
import mote.testutil.ProgramRunner;
import mote.testutil.TestFiles;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The board catalog's promise: every board with a {@code qemu} section really runs under QEMU.
 * examples/hello.mote is built for each and must print what its {@code // expect:} comments
 * say and exit 0, which exercises the board's core (triple, cpu, float ABI), memory map,
 * console driver and semihosting exit; a concurrency program exercises its SysTick timer and the
 * executor. (RunProgramsTest keeps its two default boards.)
 */
class HelloOnEveryBoardTest {
    @TestFactory
    Stream<DynamicTest> helloRunsOnEveryQemuBoard() {
        Path hello = MoteHome.get().resolve("examples/hello.mote");
        Expectations expect = Expectations.parse(TestFiles.read(hello));
        assertFalse(expect.lines().isEmpty());
        String expected = expect.expectedOutput(hello);
        return BoardCatalog.standard().boards().stream()
                .filter(board -> board.qemu().isPresent())
                .map(Board::name)
                .map(name -> DynamicTest.dynamicTest("hello on " + name, () -> {
                    ProgramRunner.Run run = ProgramRunner.run(hello, name);
                    assertEquals(expected, run.output(), "console of hello on " + name + "\n" + run.qemu().stderr());
                    assertEquals(expect.exitCode(), run.exitCode(), "exit code on " + name + "\n" + run.qemu().stderr());
                }));
    }

    /**
     * And on every one of them: a concurrency program (tasks, a bounded channel with
     * back-pressure, timers on SysTick, join and race with cancellation), and one that moves
     * structs and arrays around (block copies, which LLVM lowers per core: on a Cortex-M55
     * it once chose Helium instructions the soft-float runtime had not enabled).
     */
    @TestFactory
    Stream<DynamicTest> programsRunOnEveryQemuBoard() {
        return Stream.of("join_race.mote", "aggregates_mixed.mote").flatMap(file -> {
            Path program = TestFiles.resources("run").resolve(file);
            Expectations expect = Expectations.parse(TestFiles.read(program));
            assertFalse(expect.lines().isEmpty());
            return BoardCatalog.standard().boards().stream()
                    .filter(board -> board.qemu().isPresent())
                    .map(Board::name)
                    .map(name -> DynamicTest.dynamicTest(file + " on " + name, () -> {
                        ProgramRunner.Run run = ProgramRunner.run(program, name);
                        assertEquals(expect.expectedOutput(program), run.output(), "console on " + name + "\n" + run.qemu().stderr());
                        assertEquals(expect.exitCode(), run.exitCode(), "exit code on " + name + "\n" + run.qemu().stderr());
                    }));
        });
    }

    /** Boards with no emulator: hello must still compile, link and fit (the runtime is built with -Werror). */
    @TestFactory
    Stream<DynamicTest> helloBuildsForEveryHardwareOnlyBoard() {
        Path hello = MoteHome.get().resolve("examples/hello.mote");
        return BoardCatalog.standard().boards().stream()
                .filter(board -> board.qemu().isEmpty())
                .map(board -> DynamicTest.dynamicTest("hello builds for " + board.name(), () -> {
                    Compiler.Result build = Compiler.compile(hello, Compiler.Options.defaults(board, ProgramRunner.tempDir()));
                    List<ElfSections.Section> sections = ElfSections.read(build.elf());
                    ElfSections.Section vectors = sections.stream().filter(s -> s.name().equals(".vectors")).findFirst().orElseThrow();
                    assertEquals(board.flashRegion().origin(), vectors.address(), "vector table at the start of flash");
                    assertTrue(build.size().flash() <= board.flashRegion().length());
                }));
    }
}

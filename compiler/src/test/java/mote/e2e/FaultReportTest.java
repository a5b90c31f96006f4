package mote.e2e;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import mote.testutil.Expectations;
import mote.testutil.TestFiles;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The fault programs of {@code run/} (one per fault kind, on an M0, an M3 and an M33 board,
 * and the stack overflow on four boards) and the panic backtrace, on their own: what {@link RunProgramsTest} runs
 * among all the others, here to check the fault path quickly after a change to it.
 */
class FaultReportTest {
    @TestFactory
    Stream<DynamicTest> faultsAreReportedDecoded() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path program : TestFiles.list(TestFiles.resources("run"), ".mote")) {
            String name = program.getFileName().toString();
            if (!name.startsWith("fault_") && !name.equals("stack_overflow.mote") && !name.startsWith("panic_backtrace")) continue;
            Expectations expect = Expectations.parse(TestFiles.read(program));
            for (String board : expect.boards()) {
                tests.add(DynamicTest.dynamicTest(name + " on " + board, () -> RunProgramsTest.check(program, board, expect)));
            }
        }
        return tests.stream();
    }
}

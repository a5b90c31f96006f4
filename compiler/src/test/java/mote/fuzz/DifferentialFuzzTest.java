package mote.fuzz;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import mote.Compiler;
import mote.diag.CompileError;
import mote.diag.SourceFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Differential testing of whole generated programs ({@link ProgramGenerator}): each program,
 * built with a sample of the {@link Differential#matrix() build matrix}, must print and
 * return exactly what its `--opt none -O s` build does. Consecutive seeds get consecutive
 * slices of the matrix, so a run of a few dozen programs covers every build.
 *
 * <p>`make test` checks {@value #DEFAULT_PROGRAMS} programs with {@value #DEFAULT_BUILDS}
 * builds each; `make fuzz` many more. System properties: {@code mote.fuzz.programs} (how
 * many), {@code mote.fuzz.seed} (the first seed), {@code mote.fuzz.builds} (per program, or
 * {@code all}), {@code mote.fuzz.shrinks} (how many failures to shrink; the rest are reported
 * by seed) and {@code mote.fuzz.shrinkSeconds} (time for each). A failure prints the seed,
 * the build, both outcomes and the shrunk program; replay one seed with
 * {@code -Dmote.fuzz.seed=S -Dmote.fuzz.programs=1 -Dmote.fuzz.builds=all}.
 */
class DifferentialFuzzTest {
    static final int DEFAULT_PROGRAMS = 30;
    static final int DEFAULT_BUILDS = 3;

    private static Differential differential;
    private static final AtomicInteger shrinksLeft = new AtomicInteger(intProperty("mote.fuzz.shrinks", 3));

    @AfterAll
    static void closeHarness() {
        if (differential != null) differential.close();
    }

    /** The generator's programs are valid: the front end accepts them as they are, in both build kinds. */
    @Test
    void generatedProgramsAreAccepted() {
        for (long seed = 1_000_000; seed < 1_000_200; seed++) {
            String src = ProgramGenerator.generate(seed);
            try {
                Compiler.analyze(SourceFile.of("fuzz.mote", src), false);
                Compiler.analyze(SourceFile.of("fuzz.mote", src), true);
            } catch (CompileError e) {
                fail("seed " + seed + ": generated program rejected:\n" + e.diagnostics().render() + "\n" + src);
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> generatedProgramsBehaveTheSameInEveryBuild() {
        int programs = intProperty("mote.fuzz.programs", DEFAULT_PROGRAMS);
        long first = longProperty("mote.fuzz.seed", 1);
        List<Differential.Build> matrix = Differential.matrix();
        String buildsProperty = System.getProperty("mote.fuzz.builds", "");
        int perProgram = buildsProperty.equals("all") ? matrix.size()
                : Math.min(matrix.size(), intProperty("mote.fuzz.builds", DEFAULT_BUILDS));
        long started = System.nanoTime();
        AtomicInteger done = new AtomicInteger();
        return IntStream.range(0, programs).mapToObj(i -> {
            long seed = first + i;
            List<Differential.Build> builds = new ArrayList<>();
            for (int k = 0; k < perProgram; k++) builds.add(matrix.get((int) ((seed * perProgram + k) % matrix.size())));
            return DynamicTest.dynamicTest("seed " + seed + " " + builds, () -> {
                if (differential == null) differential = new Differential();
                String program = ProgramGenerator.generate(seed);
                Differential.Failure failure = differential.check(program, builds);
                int n = done.incrementAndGet();
                if (n % 25 == 0 || n == programs)
                    System.out.printf("differential fuzz: %d programs in %.0f s (%s)%n", n, (System.nanoTime() - started) / 1e9, differential.stats());
                if (failure == null) return;
                String shrunk = program;
                if (shrinksLeft.getAndDecrement() > 0) {
                    shrunk = Shrinker.shrink(program, p -> differential.stillFails(p, failure),
                            1000L * intProperty("mote.fuzz.shrinkSeconds", 300));
                }
                Differential.Failure shown = shrunk.equals(program) ? failure : differential.check(shrunk, List.of(failure.build()));
                if (shown == null) shown = failure;
                String message = "seed " + seed + ": " + shown.describe() + "\n--- program"
                        + (shrunk.equals(program) ? "" : " (shrunk)") + ":\n" + shrunk;
                System.out.println("FAILURE " + message);
                fail(message);
            });
        });
    }

    private static int intProperty(String name, int otherwise) {
        String v = System.getProperty(name);
        return v == null || v.isBlank() || v.equals("all") ? otherwise : Integer.parseInt(v.trim());
    }

    private static long longProperty(String name, long otherwise) {
        String v = System.getProperty(name);
        return v == null || v.isBlank() ? otherwise : Long.parseLong(v.trim());
    }
}

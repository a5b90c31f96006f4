package mote;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import mote.home.MoteHome;
import mote.diag.CompileError;
import mote.diag.SourceFile;
import mote.lex.Token;
import mote.testutil.Mutations;
import mote.testutil.TestFiles;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The whole front end (parse, names and types, MIR, verifier, async lowering: everything
 * {@link Compiler#analyze} does) answers any input with diagnostics or success: never another
 * exception, never a hang; and what it accepts becomes IR the LLVM verifier accepts, both for
 * the baseline (`--opt none`, release and debug) and with every optimization (`--opt all`). Every valid program under {@code examples/} and
 * {@code resources/run/} is mutated deterministically ({@link Mutations}); the normal run
 * checks about {@value #DEFAULT_TOTAL} mutants in all, and {@code -Dmote.fuzz.mutations=N}
 * (per program; `make fuzz`) checks many more.
 */
class FrontEndRobustnessTest {
    private static final int DEFAULT_TOTAL = 3000;

    static List<Path> programs() {
        List<Path> all = new ArrayList<>(TestFiles.list(MoteHome.get().resolve("examples"), ".mote"));
        all.addAll(TestFiles.list(TestFiles.resources("run"), ".mote"));
        return all.stream().filter(p -> !TestFiles.isModule(p)).toList();
    }

    @TestFactory
    Stream<DynamicTest> mutatedProgramsGetDiagnosticsNotCrashes() {
        List<Path> programs = programs();
        assertFalse(programs.isEmpty());
        String property = System.getProperty("mote.fuzz.mutations");
        int perProgram = property != null && !property.isBlank() ? Integer.parseInt(property.trim())
                : Math.max(20, DEFAULT_TOTAL / programs.size());
        return programs.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            String src = TestFiles.read(f);
            List<Token> toks = Mutations.tokens(src);
            Random rnd = new Random(f.getFileName().toString().hashCode());
            assertTimeoutPreemptively(Duration.ofSeconds(Math.max(30, perProgram / 20)), () -> {
                for (int i = 0; i < perProgram; i++) {
                    String mutant = Mutations.mutate(src, toks, rnd);
                    // Now and then a second mutation on top, to reach states one change cannot.
                    if (rnd.nextInt(4) == 0) mutant = Mutations.mutate(mutant, Mutations.tokens(mutant), rnd);
                    analyzeMustAnswer(mutant, f.getFileName() + " mutation " + i);
                }
            });
        }));
    }

    /** Odd but valid programs: diverging bases of places, borrows of temporaries, deep nesting. */
    @Test
    void oddValidProgramsAnalyze() {
        for (String src : List.of("""
                struct P { x: i32 }
                async fn main() -> i32 {
                    let a = loop {}[0];
                    let b = (return 1).x;
                    let c = &return 2;
                    let d = [return 3, 1];
                    let e = *loop {};
                    let f = (loop {}).len();
                    let mut xs = [1, 2];
                    let g = xs[return 4];
                    let h = &mut xs[loop {}];
                    let i = 1 << return 5;
                    0
                }
                """, """
                struct P { x: i32 }
                fn f() -> P { P { x: 1 } }
                async fn main() -> i32 {
                    let z = &f().x;
                    let y = &mut [1, 2][1];
                    *y += 1;
                    let s: &[i32] = &[4, 5, 6];
                    let q = &&5;
                    **q + s.len() as i32 + *z
                }
                """, """
                struct A { b: [B; 2] }
                struct B { c: [u8; 2] }
                static mut G: [A; 2] = [A { b: [B { c: [1; 2] }; 2] }; 2];
                async fn main() -> i32 {
                    let r = &mut G[1].b[0];
                    r.c[1] += 1;
                    yield_now().await;
                    G[1].b[0].c[1] as i32
                }
                """)) {
            try {
                Compiler.analyze(SourceFile.of("m.mote", src), true);
            } catch (CompileError e) {
                fail("valid program rejected:\n" + src + "\n" + e.diagnostics().render());
            }
        }
    }

    static void analyzeMustAnswer(String src, String what) {
        try {
            Compiler.analyze(SourceFile.of("m.mote", src), false);
            Compiler.Analysis debug = Compiler.analyze(SourceFile.of("m.mote", src), true);
            // A mutant the front end accepts must also make valid LLVM IR (no optimisation, no link).
            try (mote.llvm.LlvmCodegen codegen = new mote.llvm.LlvmCodegen("m")) {
                codegen.enableDebugInfo();
                codegen.generate(debug.mir(), debug.machines());
                codegen.verify();
            }
            // The same with every async optimization (what `mote build` does by default), not only the baseline.
            Compiler.Analysis optimized = Compiler.analyze(SourceFile.of("m.mote", src), java.util.EnumSet.allOf(mote.opt.Optimization.class), false, true);
            try (mote.llvm.LlvmCodegen codegen = new mote.llvm.LlvmCodegen("m")) {
                codegen.generate(optimized.mir(), optimized.machines());
                codegen.verify();
            }
        } catch (CompileError e) {
            e.diagnostics().render();
        } catch (RuntimeException | StackOverflowError e) {
            fail("the front end threw on " + what + ":\n" + src, e);
        }
    }
}

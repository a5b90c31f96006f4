package mote.e2e;

import static org.bytedeco.llvm.global.LLVM.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import mote.Compiler;
import mote.diag.SourceFile;
import mote.mir.MirFn;
import mote.opt.Inline;
import mote.board.Board;
import mote.board.BoardCatalog;
import mote.llvm.LlvmCodegen;
import mote.opt.Optimization;
import mote.qemu.QemuOptions;
import mote.qemu.QemuResult;
import mote.qemu.QemuRunner;
import mote.testutil.ProgramRunner;
import mote.testutil.TestFiles;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.llvm.LLVM.LLVMTypeRef;
import org.junit.jupiter.api.Test;

/**
 * State machines with more states than a u8 discriminant numbers (issue 10, item 8): 300 awaits
 * in `main`, and a chain of 260 async fns that inlining folds into one machine, build under
 * `--opt none` and `--opt all` and run. Under `--opt none` the chain nests 260 polls on the
 * stack, so it runs on a test board with a 32K stack.
 */
class ManyAwaitsTest {
    static Board deepStack() {
        return new BoardCatalog(TestFiles.resources("boards-deep")).load("deep-stack-m3");
    }

    /** `main` awaiting `yield_now()` {@code n} times in a row. */
    static String yields(int n) {
        StringBuilder s = new StringBuilder("async fn main() -> i32 {\n    let mut n: u32 = 0;\n");
        for (int i = 0; i < n; i++) s.append("    yield_now().await;\n    n += 1;\n");
        return s.append("    println(\"{}\", n);\n    0\n}\n").toString();
    }

    /** {@code n} async fns, each yielding once and then awaiting the next: x + n at the end. */
    static String chain(int n) {
        StringBuilder s = new StringBuilder();
        s.append("async fn c").append(n - 1).append("(x: u32) -> u32 {\n    yield_now().await;\n    x + 1\n}\n");
        for (int i = n - 2; i >= 0; i--)
            s.append("async fn c").append(i).append("(x: u32) -> u32 {\n    yield_now().await;\n    c").append(i + 1).append("(x + 1).await\n}\n");
        return s.append("async fn main() -> i32 {\n    println(\"{}\", c0(0).await);\n    0\n}\n").toString();
    }

    private static void buildsAndRuns(String name, String program, String expected) throws IOException {
        Path dir = ProgramRunner.tempDir();
        Path src = dir.resolve(name + ".mote");
        Files.writeString(src, program);
        Board board = deepStack();
        for (Set<Optimization> opts : java.util.List.of(EnumSet.noneOf(Optimization.class), EnumSet.allOf(Optimization.class))) {
            Compiler.Result r = Compiler.compile(src, Compiler.Options.defaults(board, dir).withOpts(opts));
            QemuResult q = new QemuRunner().run(board, r.elf(), QemuOptions.defaults().withTimeout(Duration.ofSeconds(60)));
            String how = name + " with " + (opts.isEmpty() ? "--opt none" : "--opt all");
            assertEquals(expected + "\n", q.output().replace("\r\n", "\n"), how + "\n" + q.stderr());
            assertEquals(0, q.exitCode(), how);
        }
    }

    @Test
    void threeHundredAwaitsInOneFunction() throws IOException {
        buildsAndRuns("yields300", yields(300), "300");
    }

    @Test
    void chainOf260AsyncFns() throws IOException {
        buildsAndRuns("chain260", chain(260), "260");
    }

    @Test
    void aMachineWithMoreThan256StatesHasAU16Discriminant() {
        Compiler.Analysis many = Compiler.analyze(SourceFile.of("many.mote", yields(300)));
        assertEquals(2, many.machines().get("main").tagSize());
        Compiler.Analysis few = Compiler.analyze(SourceFile.of("few.mote", yields(250)));
        assertEquals(1, few.machines().get("main").tagSize(), "u8 while the states fit: today's sizes");
    }

    /**
     * Inlining a deep chain is linear in its length (issue 13): it once recounted every fn's
     * await sites over the whole program for each await it considered, and kept every copy, so
     * 2,000 fns took minutes and gigabytes. The limit is far above what the pass needs now
     * (about a second) and far below what it needed then.
     */
    @Test
    void inliningAChainOf1500AsyncFnsTakesSeconds() {
        Compiler.Analysis a = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                () -> Compiler.analyze(SourceFile.of("chain.mote", chain(1500)), EnumSet.allOf(Optimization.class), false, true));
        assertTrue(a.machines().size() > 1 && a.machines().size() < 1500 / 10, a.machines().size() + " machines");
    }

    @Test
    void inliningStopsAtTheCallerBudget() {
        // A 400-fn chain folded whole would be about 4000 MIR statements: past the budget, so
        // some fns keep their own state machines.
        Compiler.Analysis a = Compiler.analyze(SourceFile.of("chain.mote", chain(400)),
                EnumSet.allOf(Optimization.class), false, true);
        assertTrue(a.machines().size() > 1, a.machines().keySet().toString());
        for (MirFn f : a.mir().functions())
            assertTrue(f.blocks().stream().mapToInt(b -> b.statements().size() + 1).sum() <= Inline.CALLER_BUDGET, f.name());
    }

    @Test
    void aVerifierFailureIsOneLineNotTheModule() {
        try (LlvmCodegen codegen = new LlvmCodegen("broken")) {
            // A switch with the same case twice: what an overflowing u8 discriminant produced.
            var ctx = codegen.context();
            var i8 = LLVMInt8TypeInContext(ctx);
            var fn = LLVMAddFunction(codegen.module(), "f",
                    LLVMFunctionType(LLVMVoidTypeInContext(ctx),
                            new PointerPointer<>(new LLVMTypeRef[] {i8}), 1, 0));
            var b = LLVMCreateBuilderInContext(ctx);
            var entry = LLVMAppendBasicBlockInContext(ctx, fn, "entry");
            var other = LLVMAppendBasicBlockInContext(ctx, fn, "other");
            LLVMPositionBuilderAtEnd(b, entry);
            var sw = LLVMBuildSwitch(b, LLVMGetParam(fn, 0), other, 2);
            for (int k = 0; k < 2; k++) LLVMAddCase(sw, LLVMConstInt(i8, 1, 0), other);
            LLVMPositionBuilderAtEnd(b, other);
            LLVMBuildRetVoid(b);
            LLVMDisposeBuilder(b);
            IllegalStateException e = assertThrows(IllegalStateException.class, codegen::verify);
            assertTrue(e.getMessage().contains("Duplicate integer as switch case"), e.getMessage());
            assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("switch i8"), e.getMessage());
        }
    }
}

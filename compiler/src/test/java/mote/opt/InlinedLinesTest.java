package mote.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import mote.Compiler;
import mote.diag.SourceFile;
import mote.mir.BasicBlock;
import mote.mir.MirFn;
import mote.mir.Statement;
import org.junit.jupiter.api.Test;

/**
 * `inline` copies an awaited fn's debug line marks into its caller saying which awaits they
 * came through, innermost first: what makes the copies DWARF inlined frames (docs/gdb.md).
 */
class InlinedLinesTest {
    private static final String PROGRAM = """
            async fn leaf(ms: u32) -> u32 {
                sleep_ms(ms).await;
                ms + 1
            }

            async fn middle(x: u32) -> u32 {
                let y = leaf(x).await;
                y * 2
            }

            async fn main() -> i32 {
                let z = middle(3).await;
                z as i32
            }
            """;

    private static List<Statement.Line> lines(MirFn fn) {
        List<Statement.Line> lines = new ArrayList<>();
        for (BasicBlock b : fn.blocks()) for (Statement s : b.statements()) if (s instanceof Statement.Line l) lines.add(l);
        return lines;
    }

    @Test
    void copiedLinesRememberTheAwaitsTheyCameThrough() {
        Compiler.Analysis a = Compiler.analyze(SourceFile.of("inlined.mote", PROGRAM), EnumSet.of(Optimization.INLINE), true, true);
        MirFn main = a.mir().function("main");
        List<Statement.Line> lines = lines(main);
        // main's own statement (line 12) has no chain.
        assertTrue(lines.stream().anyMatch(l -> l.span().line() == 12 && l.inlinedAt().isEmpty()), lines.toString());
        // middle's statement (line 7), copied into main at line 12's await.
        Statement.Line fromMiddle = lines.stream().filter(l -> l.span().line() == 7).findFirst().orElseThrow();
        assertEquals(1, fromMiddle.inlinedAt().size(), fromMiddle.toString());
        assertEquals("middle", fromMiddle.inlinedAt().get(0).function());
        assertEquals(6, fromMiddle.inlinedAt().get(0).declared().line());
        assertEquals(12, fromMiddle.inlinedAt().get(0).callSite().line());
        assertEquals(List.of("x"), fromMiddle.inlinedAt().get(0).params());
        // leaf's statement (line 2): copied into middle at line 7, then middle into main at 12.
        Statement.Line fromLeaf = lines.stream().filter(l -> l.span().line() == 2).findFirst().orElseThrow();
        assertEquals(List.of("leaf", "middle"), fromLeaf.inlinedAt().stream().map(Statement.Inlined::function).toList());
        assertEquals(List.of(7, 12), fromLeaf.inlinedAt().stream().map(i -> i.callSite().line()).toList());
        // The printed MIR does not change: the chain is for the debugger only.
        assertTrue(a.mirText().contains("// line 2:"), a.mirText());
    }

    @Test
    void withoutInliningNoLineHasAChain() {
        Compiler.Analysis a = Compiler.analyze(SourceFile.of("inlined.mote", PROGRAM), EnumSet.noneOf(Optimization.class), true, true);
        for (MirFn f : a.mir().functions())
            assertTrue(lines(f).stream().allMatch(l -> l.inlinedAt().isEmpty()), f.name());
    }
}

package mote.llvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import mote.Compiler;
import mote.board.Board;
import mote.testutil.ProgramRunner;
import org.junit.jupiter.api.Test;

/**
 * A send or receive checks for a closed channel (and panics where it is written) only on a
 * channel the program may close: a static that no `close()` names is never closed, so its
 * awaits have no check, even in a program that closes another channel. A close through a
 * reference may close any channel, and every await keeps its check. (run/send_on_closed.mote,
 * run/closed_by_reference.mote and run/channel_close.mote run these paths.)
 */
class ChannelCloseCodegenTest {
    private static String ir(String program) throws IOException {
        Path dir = ProgramRunner.tempDir();
        Path src = dir.resolve("prog.mote");
        Files.writeString(src, program);
        Compiler.Options o = Compiler.Options.defaults(Board.load("lm3s6965evb"), dir).withOptLevel(LlvmBackend.OptLevel.O0);
        Compiler.compile(src, o.withEmit(EnumSet.of(Compiler.Emit.ELF, Compiler.Emit.LL)));
        return Files.readString(dir.resolve("prog.ll"));
    }

    private static int count(String text, String what) {
        return text.split(java.util.regex.Pattern.quote(what), -1).length - 1;
    }

    private static String program(String close) {
        return """
                static Q: Channel<u8, 2>;
                static R: Channel<u8, 2>;
                %s
                task fn consumer() {
                    let a = Q.recv().await;
                    let b = R.recv().await;
                    println("{} {}", a, b);
                    %s
                }
                async fn main() {
                    spawn consumer();
                    Q.send(1).await;
                    R.send(2).await;
                    R.send(3).await;
                }
                """.formatted(close.startsWith("shut") ? "fn shut(c: &Channel<u8, 2>) { c.close(); }" : "", close);
    }

    /**
     * The checks in the IR of {@link #program} with {@code close}: calls of mote_channel_closed
     * on Q and on R, then of mote_channel_drained on Q and on R. Each await polls at its start
     * and when resumed: two calls per checked send or receive.
     */
    private static List<Integer> checks(String close) throws IOException {
        String ir = ir(program(close));
        List<Integer> counts = new java.util.ArrayList<>();
        for (String fn : new String[] {"closed", "drained"})
            for (String ch : new String[] {"Q", "R"}) counts.add(count(ir, "call i1 @mote_channel_" + fn + "(ptr @_M1" + ch + ")"));
        return counts;
    }

    @Test
    void onlyTheChannelTheProgramClosesIsChecked() throws IOException {
        assertEquals(List.of(2, 0, 2, 0), checks("Q.close();"), "Q's one send and one receive; R is never closed");
    }

    @Test
    void aCloseThroughAReferenceKeepsEveryCheck() throws IOException {
        assertEquals(List.of(2, 4, 2, 2), checks("shut(&Q);"), "every send and receive, R's two sends included");
    }

    @Test
    void aProgramThatClosesNothingChecksNothing() throws IOException {
        assertEquals(List.of(0, 0, 0, 0), checks(""));
    }
}

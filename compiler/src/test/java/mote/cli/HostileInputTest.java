package mote.cli;

import static mote.cli.CliTest.mote;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import mote.testutil.ProgramRunner;
import org.junit.jupiter.api.Test;

/**
 * Inputs built to break a compiler (deep nesting by syntax or by struct names, megabytes of
 * junk, one enormous line, control bytes) end in a compile error: exit 1, a diagnostic,
 * bounded output, no Java stack trace, no hang. Generated here; nothing large is committed.
 */
class HostileInputTest {
    /** Generous: only a guard against hangs and runaway output. */
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final int MAX_OUTPUT = 64 * 1024;

    private static CliTest.Outcome build(String name, byte[] source) throws Exception {
        Path dir = ProgramRunner.tempDir();
        Path file = dir.resolve(name);
        Files.write(file, source);
        return assertTimeoutPreemptively(LIMIT, () -> mote("build", file.toString(), "-o", dir.resolve("out").toString()));
    }

    private static CliTest.Outcome build(String name, String source) throws Exception {
        return build(name, source.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertRejected(CliTest.Outcome o, String code) {
        assertEquals(1, o.exit(), () -> o.err().substring(0, Math.min(2000, o.err().length())));
        assertTrue(o.err().length() < MAX_OUTPUT, "output is bounded: " + o.err().length() + " chars");
        assertTrue(o.err().contains("error[" + code + "]"), () -> o.err().substring(0, Math.min(2000, o.err().length())));
        assertFalse(o.err().contains("\tat ") || o.err().contains("internal compiler error"), o.err());
    }

    @Test
    void fiveThousandNestedStructTypes() throws Exception {
        StringBuilder src = new StringBuilder();
        for (int i = 0; i < 5000; i++) src.append("struct S").append(i).append(" { a: S").append(i + 1).append(" }\n");
        src.append("struct S5000 { a: i32 }\nasync fn main() -> i32 { 0 }\n");
        CliTest.Outcome o = build("structs.mote", src.toString());
        assertRejected(o, "E0039");
        assertTrue(o.err().contains("is nested too deeply to compile"), o.err());
    }

    @Test
    void deeplyNestedSyntax() throws Exception {
        int n = 5000;
        String[] programs = {
                "async fn main() -> i32 { " + "(".repeat(n) + "1" + ")".repeat(n) + " }\n",
                "async fn main() -> i32 { " + "{".repeat(n) + "1" + "}".repeat(n) + " }\n",
                "async fn main() -> i32 { let x: " + "[".repeat(n) + "i32" + "; 1]".repeat(n) + " = 0; 0 }\n",
                "async fn main() -> i32 { " + "-".repeat(n) + "1 }\n",
                "async fn main() -> i32 { " + "1 + ".repeat(50_000) + "1 }\n",
                "async fn main() -> i32 { " + "if true { ".repeat(n) + "1" + " } else { 0 }".repeat(n) + " }\n",
                "async fn main() -> i32 { let x = 3; if x == 0 { 0 } " + "else if x == 1 { 1 } ".repeat(n) + "else { 2 } }\n",
        };
        for (String p : programs) {
            CliTest.Outcome o = build("deep.mote", p);
            assertRejected(o, "E0039");
        }
    }

    @Test
    void megabytesOfJunkTokensGiveABoundedNumberOfErrors() throws Exception {
        String[] tokens = {"(", ")", "{", "}", "fn", "let", "=", ";", "+", "x", "1", "struct", "\"a\"", "::", ".", "[", "]", "async", "@", "#", "$"};
        Random random = new Random(10);
        StringBuilder junk = new StringBuilder();
        while (junk.length() < 5_000_000) junk.append(tokens[random.nextInt(tokens.length)]).append(random.nextInt(30) == 0 ? '\n' : ' ');
        CliTest.Outcome o = build("junk.mote", junk.toString());
        assertRejected(o, "E0001");
        assertTrue(o.err().contains("more diagnostics are not shown"), o.err());
        // The same junk on one line: excerpts are cut to a window, not printed whole 50 times.
        o = build("line.mote", junk.substring(0, 200_000).replace('\n', ' '));
        assertRejected(o, "E0001");
        assertTrue(o.err().contains("…"), o.err());
    }

    @Test
    void controlBytesAreShownEscaped() throws Exception {
        CliTest.Outcome o = build("nul.mote", "async fn main() -> i32 { let x = 1\u0000\u0007\u001b[31m; 0 }\n");
        assertRejected(o, "E0001");
        assertTrue(o.err().contains("\\u{0}\\u{7}\\u{1b}"), o.err());
        for (char c : o.err().toCharArray()) assertFalse(c != '\n' && Character.isISOControl(c), "raw control character in:\n" + o.err());
    }

    @Test
    void aByteOrderMarkIsAccepted() throws Exception {
        byte[] program = "async fn main() -> i32 { 0 }\n".getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[program.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(program, 0, withBom, 3, program.length);
        CliTest.Outcome o = build("bom.mote", withBom);
        assertEquals(0, o.exit(), o.err());
    }
}

package mote.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import mote.Compiler;
import mote.board.Board;
import mote.mir.BasicBlock;
import mote.mir.MirFn;
import mote.mir.Terminator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks proven case by case (mote.opt.CheckCases, in ProvenChecks): a request decoded into a
 * struct, rejected when it names a slot past the table, then matched on its command; each case
 * beside its near miss, which keeps the check: a command the test does not cover, the struct
 * changed between the test and the match, assigned twice, a parameter changed before it, a
 * slice parameter assigned a string on another path, a program whose payload references may
 * put a value no variant has in an enum field.
 * run/check_cases.mote runs such a program on QEMU.
 */
class CheckCasesTest {
    @TempDir Path dir;

    private static final Board BOARD = Board.load("lm3s6965evb");

    private static final String ITEMS = """
            enum Cmd { Get, Set, Clear, Info }
            struct Req { cmd: Cmd, slot: u32, value: u32 }
            static mut TABLE: [u32; 4] = [0; 4];
            static mut INPUT: [u32; 6] = [1, 2, 40, 0, 9, 0];
            fn decode(i: u32) -> Req {
                let cmd = match INPUT[i % 2 * 3] { 0 => Cmd.Get, 1 => Cmd.Set, 2 => Cmd.Clear, _ => Cmd.Info };
                Req { cmd: cmd, slot: INPUT[i % 2 * 3 + 1], value: INPUT[i % 2 * 3 + 2] }
            }
            fn uses_slot(cmd: Cmd) -> bool {
                match cmd { Cmd.Get | Cmd.Set | Cmd.Clear => true, Cmd.Info => false }
            }
            fn only_get_and_set(cmd: Cmd) -> bool {
                match cmd { Cmd.Get | Cmd.Set => true, _ => false }
            }
            """;

    /** A loop that decodes, tests with {@code test}, runs {@code between}, then dispatches. */
    private static String program(String test, String decodeAs, String between) {
        return ITEMS + """
                async fn main() -> i32 {
                    let mut i: u32 = 0;
                    let mut sum: u32 = 0;
                    while i < 6 {
                        %s
                        i += 1;
                        if %s(r.cmd) && r.slot >= 4 { continue; }
                        %s
                        match r.cmd {
                            Cmd.Get => { sum += TABLE[r.slot]; }
                            Cmd.Set => { TABLE[r.slot] = r.value; }
                            Cmd.Clear => { TABLE[r.slot] = 0; }
                            Cmd.Info => { sum += 1; }
                        }
                    }
                    sum as i32
                }
                """.formatted(decodeAs, test, between);
    }

    private int checks(String source, String fn) throws IOException {
        Path file = dir.resolve("prog.mote");
        Files.writeString(file, source);
        MirFn f = Compiler.analyzeFor(BOARD, Compiler.read(file), EnumSet.allOf(Optimization.class), false, true).mir().function(fn);
        assertNotNull(f, fn + " is in the MIR");
        int n = 0;
        for (BasicBlock b : f.blocks()) if (b.terminator() instanceof Terminator.Assert) n++;
        return n;
    }

    @Test
    void everyArmThatIndexesPassedTheTest() throws IOException {
        assertEquals(0, checks(program("uses_slot", "let r = decode(i);", ""), "main"));
    }

    @Test
    void anArmTheTestDoesNotCoverKeepsItsCheck() throws IOException {
        assertEquals(1, checks(program("only_get_and_set", "let r = decode(i);", ""), "main"), "Clear's TABLE[r.slot]");
    }

    @Test
    void theStructChangedAfterTheTestKeepsTheChecks() throws IOException {
        assertEquals(3, checks(program("uses_slot", "let mut r = decode(i);", "r.slot += 1;"), "main"));
        assertEquals(3, checks(program("uses_slot", "let mut r = decode(i);", "r = decode(i + 1);"), "main"), "assigned twice");
    }

    /** The case starts from nothing known where the struct is assigned: not from what callers pass (n is 3, then 11). */
    @Test
    void aParameterChangedBeforeTheKeyIsNotTakenAsPassed() throws IOException {
        String items = ITEMS + """
                fn serve(at: u32, mut n: u32) -> u32 {
                    while n < 11 { n += 4; }
                    let r = decode(at);
                    if uses_slot(r.cmd) && r.slot >= 4 { return 0; }
                    match r.cmd {
                        Cmd.Get => TABLE[n],
                        _ => 0,
                    }
                }
                async fn main() -> i32 { (serve(0, 3) + serve(1, 3)) as i32 }
                """;
        assertEquals(1, checks(items, "serve"), "TABLE[11]");
        String keyed = items.replace("TABLE[n]", "TABLE[r.slot]");
        assertEquals(0, checks(keyed, "serve"));
    }

    /** A program that takes a reference into a data enum's payload may read an enum field holding no variant's value (review finding). */
    @Test
    void noCasesWhereAPayloadReferenceMayPunAnEnum() throws IOException {
        String program = program("uses_slot", "let r = decode(i);", "");
        String punning = program.replace("async fn main() -> i32 {", """
                enum Ev { A(Req), B(u32, u32) }
                fn pun() -> u32 {
                    let mut ev = Ev.A(decode(0));
                    let p: &mut Req = match &mut ev { Ev.A(x) => x, Ev.B(_, _) => { return 0; } };
                    ev = Ev.B(77, 9);
                    p.slot
                }
                async fn main() -> i32 {
                    let _ = pun();""");
        assertEquals(0, checks(program, "main"));
        assertEquals(3, checks(punning, "main"));
    }

    /** A slice parameter is not the one string the fn assigns it on another path (review finding). */
    @Test
    void aSliceParameterIsNotTheStringAssignedToItElsewhere() throws IOException {
        String items = ITEMS + """
                fn pick(mut s: &[u8], at: u32) -> u8 {
                    let r = decode(at);
                    match r.cmd {
                        Cmd.Get => s[5],
                        _ => { s = "abcdefgh"; s[0] }
                    }
                }
                async fn main() -> i32 { (pick("ab", 0) + pick("ab", 1)) as i32 }
                """;
        assertEquals(2, checks(items, "pick"), "s[5] on the caller's slice, and s[0] (which LLVM sees for itself)");
    }
}

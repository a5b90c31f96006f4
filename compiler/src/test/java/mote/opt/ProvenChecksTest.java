package mote.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import mote.Compiler;
import mote.board.Board;
import mote.mir.BasicBlock;
import mote.mir.MirFn;
import mote.mir.MirProgram;
import mote.mir.Terminator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mote.opt.ProvenChecks drops a bounds check only where mote.mir.ProgramRanges proves it: a
 * struct field bounded by every store to it, a parameter bounded at every call, a bound tested
 * on one read of a field holding at the next, a bound across an await; and leaves to LLVM the
 * ones LLVM sees for itself. Each case beside its near miss, which keeps the
 * check: one store out of range, a mutable borrow of the field, a static starting out of range,
 * an interrupt handler that may change the field between the test and the index, a caller
 * passing anything. run/proven_checks.mote runs such a program on QEMU, and
 * run/proven_checks_kept.mote shows a kept check still firing, as do
 * run/proven_checks_slice_alias.mote and run/proven_checks_payload_alias.mote for two of the
 * reviews' findings.
 */
class ProvenChecksTest {
    @TempDir Path dir;

    private static final Board BOARD = Board.load("lm3s6965evb");

    private static final String LINE = """
            struct Line { buf: [u8; 8], len: u32 }
            fn push(l: &mut Line, b: u8) {
                if l.len < 8 {
                    l.buf[l.len] = b;
                    l.len += 1;
                }
            }
            fn last(l: &Line) -> u8 {
                let mut i: u32 = 0;
                let mut b: u8 = 0;
                while i < l.len {
                    b = l.buf[i];
                    i += 1;
                }
                b
            }
            """;

    /** The bounds checks (asserts) left in {@code fn} after the MIR passes. */
    private int checks(String source, String fn, boolean debug) throws IOException {
        Path file = dir.resolve("prog.mote");
        Files.writeString(file, source);
        MirProgram mir = Compiler.analyzeFor(BOARD, Compiler.read(file), EnumSet.allOf(Optimization.class), debug, true).mir();
        MirFn f = mir.function(fn);
        org.junit.jupiter.api.Assertions.assertNotNull(f, fn + " is in the MIR");
        int n = 0;
        for (BasicBlock b : f.blocks()) if (b.terminator() instanceof Terminator.Assert) n++;
        return n;
    }

    private int checks(String source, String fn) throws IOException {
        return checks(source, fn, false);
    }

    private static String withMain(String items, String mainBody) {
        return items + "\nasync fn main() -> i32 {\n" + mainBody + "\n}\n";
    }

    @Test
    void aFieldEveryStoreBoundsNeedsNoCheckUnderItsLength() throws IOException {
        String program = withMain(LINE, "let mut l = Line { buf: [0; 8], len: 0 }; push(&mut l, 7); last(&l) as i32");
        assertEquals(0, checks(program, "last"), "i < l.len <= 8");
        assertEquals(0, checks(program, "push"), "l.len < 8, read again after the test");
    }

    @Test
    void oneStoreOutOfRangeKeepsTheCheck() throws IOException {
        String program = withMain(LINE + "fn spoil(l: &mut Line) { l.len = 9; }\n",
                "let mut l = Line { buf: [0; 8], len: 0 }; push(&mut l, 7); spoil(&mut l); last(&l) as i32");
        assertEquals(1, checks(program, "last"));
        String literal = withMain(LINE, "let l = Line { buf: [0; 8], len: 12 }; last(&l) as i32");
        assertEquals(1, checks(literal, "last"), "a struct literal out of range");
    }

    @Test
    void aMutableBorrowOfTheFieldKeepsTheCheck() throws IOException {
        String program = withMain(LINE + "fn set(n: &mut u32) { *n = 100; }\n",
                "let mut l = Line { buf: [0; 8], len: 0 }; set(&mut l.len); last(&l) as i32");
        assertEquals(1, checks(program, "last"));
    }

    @Test
    void aStaticStartingOutOfRangeKeepsTheCheck() throws IOException {
        String inRange = withMain(LINE + "static mut L: Line = Line { buf: [0; 8], len: 3 };\n", "push(&mut L, 1); last(&L) as i32");
        assertEquals(0, checks(inRange, "last"));
        String outOfRange = withMain(LINE + "static mut L: Line = Line { buf: [0; 8], len: 30 };\n", "push(&mut L, 1); last(&L) as i32");
        assertEquals(1, checks(outOfRange, "last"));
    }

    /** A handler may run between `L.len < 8` and `L.buf[L.len]`: the second read is not the first. */
    @Test
    void aFieldAnInterruptHandlerWritesIsReadAfresh() throws IOException {
        String items = """
                struct Line { buf: [u8; 8], len: u32 }
                static mut L: Line = Line { buf: [0; 8], len: 0 };
                fn put(b: u8) {
                    if L.len < 8 {
                        L.buf[L.len] = b;
                        L.len += 1;
                    }
                }
                """;
        assertEquals(0, checks(withMain(items, "put(1); L.len as i32"), "put"));
        String handler = items + "interrupt UART0() { L.len = 0; }\n";
        assertEquals(1, checks(withMain(handler, "put(1); L.len as i32"), "put"));
    }

    @Test
    void aParameterEveryCallerBoundsNeedsNoCheck() throws IOException {
        String items = """
                static TABLE: [u8; 6] = [1, 2, 3, 4, 5, 6];
                static mut SEED: u32 = 9;
                fn at(i: u32) -> u8 { TABLE[i] }
                """;
        assertEquals(0, checks(withMain(items, "(at(2) + at(5)) as i32"), "at"));
        assertEquals(1, checks(withMain(items, "(at(2) + at(SEED)) as i32"), "at"));
        assertEquals(1, checks(withMain(items, "(at(2) + at(6)) as i32"), "at"));
    }

    /** `a && b` joins a path on which `a` failed; threading it to the else-branch keeps `i` bounded. */
    @Test
    void aShortCircuitConditionBoundsTheLoopCounter() throws IOException {
        String items = LINE + """
                fn skip_spaces(l: &Line) -> u32 {
                    let mut i: u32 = 0;
                    while i < l.len && l.buf[i] == 32 { i += 1; }
                    i
                }
                fn first_word(l: &Line) -> u8 {
                    let i = skip_spaces(l);
                    if i < l.len { l.buf[i] } else { 0 }
                }
                """;
        String program = withMain(items, "let mut l = Line { buf: [0; 8], len: 0 }; push(&mut l, 7); first_word(&l) as i32");
        assertEquals(0, checks(program, "skip_spaces"));
        assertEquals(0, checks(program, "first_word"));
    }

    /**
     * A check the fn shows by itself is LLVM's to remove (taken out before it, the loop can come
     * out larger); one whose proof crosses an await, where LLVM only sees a value reloaded from
     * the state object, is removed here.
     */
    @Test
    void whatLlvmSeesItLeavesToLlvmWhatCrossesAnAwaitItRemoves() throws IOException {
        String items = """
                static mut TABLE: [u32; 4] = [1, 2, 3, 4];
                fn sum() -> u32 { let mut s: u32 = 0; for i in 0u32..4 { s += TABLE[i]; } s }
                task fn slow() {
                    let mut s: u32 = 0;
                    for i in 0u32..4 { yield_now().await; s += TABLE[i]; }
                    println("{}", s);
                }
                """;
        String program = withMain(items, "spawn slow(); sum() as i32");
        assertEquals(1, checks(program, "sum"), "left for LLVM");
        assertEquals(0, checks(program, "slow"));
    }

    /** Found by review (helper-60): each of these read past the buffer in a release build. */
    @Test
    void aPointerOrAnIndexChangedThroughAReferenceIsNotTheOneTested() throws IOException {
        String items = "struct Line { buf: [u8; 4], len: u32 }\n";
        String pointer = withMain(items + """
                fn pick(a: &Line, b: &Line) -> u8 {
                    let mut p = a;
                    let pp = &mut p;
                    let mut r: u8 = 0;
                    if p.len < 4 { *pp = b; r = p.buf[p.len]; }
                    r
                }
                """, "let a = Line { buf: [1, 2, 3, 4], len: 2 }; let b = Line { buf: [5, 6, 7, 8], len: 9 }; pick(&a, &b) as i32");
        assertEquals(1, checks(pointer, "pick"), "the pointer the second read goes through was replaced");
        String index = withMain(items + """
                fn pick(ls: &[Line; 2]) -> u8 {
                    let mut i: u8 = 0;
                    let p = &mut i;
                    let mut r: u8 = 0;
                    if ls[i].len < 4 { *p = 1; r = ls[i].buf[ls[i].len]; }
                    r
                }
                """, "let ls = [Line { buf: [1, 2, 3, 4], len: 2 }, Line { buf: [5, 6, 7, 8], len: 9 }]; pick(&ls) as i32");
        assertEquals(4, checks(index, "pick"), "the index changed through a reference: another line, every check kept");
    }

    @Test
    void aFlagWrittenThroughAReferenceIsNotThreaded() throws IOException {
        String program = withMain("struct Line { buf: [u8; 4], len: u32 }\n" + """
                fn sum(l: &Line) -> u32 {
                    let mut more = true;
                    let r = &mut more;
                    let mut i = l.len;
                    let mut s: u32 = 0;
                    let mut n: u32 = 0;
                    while more {
                        s += l.buf[i] as u32;
                        i = 10;
                        n += 1;
                        more = false;
                        *r = n < 2;
                    }
                    s
                }
                """, "let l = Line { buf: [1, 2, 3, 4], len: 3 }; sum(&l) as i32");
        assertEquals(1, checks(program, "sum"));
    }

    /** A mutex declared without a value starts zeroed: 0 is in every field, not only what is stored. */
    @Test
    void zeroedMemoryKeepsZeroInEveryField() throws IOException {
        String program = withMain("""
                struct Line { buf: [u8; 4], len: u32 }
                static M: Mutex<Line>;
                static mut K: u32 = 7;
                """, "lock M as s { if K == 3 { s.len = 1; } let v = s.buf[4 - s.len]; println(\"{}\", v); } 0");
        assertEquals(1, checks(program, "main"));
    }

    /** A reference into a data enum's payload sees what a later variant writes over it. */
    @Test
    void aReferenceIntoAVariantMakesItsStructsUnknown() throws IOException {
        String program = withMain("""
                struct Line { buf: [u8; 4], len: u32 }
                struct Pair { a: u32, b: u32 }
                enum Slot { Text(Line), Nums(Pair) }
                fn read(s: &mut Slot) -> u8 {
                    let mut r: u8 = 0;
                    if let Slot.Text(l) = s {
                        *s = Slot.Nums(Pair { a: 0, b: 1000 });
                        r = l.buf[l.len];
                    }
                    r
                }
                fn put(l: &mut Line) { if l.len < 4 { l.buf[l.len] = 1; l.len += 1; } }
                """, "let mut s = Slot.Text(Line { buf: [1, 2, 3, 4], len: 2 }); let mut l = Line { buf: [0; 4], len: 0 }; put(&mut l); read(&mut s) as i32");
        assertEquals(1, checks(program, "read"));
    }

    /**
     * Found by the second review (helper-61): an index into a slice is not the slice local's
     * own storage, so a store through one slice may change what another read.
     */
    @Test
    void twoSlicesOfOneArrayAreOneStorage() throws IOException {
        String program = withMain("""
                struct Line { buf: [u8; 6], len: u32 }
                fn set(l: &mut Line, s: &[u32], t: &mut [u32]) { if s[0] < 6 { t[0] = 100; l.len = s[0]; } }
                fn get(l: &Line, i: u32) -> u8 { if i < l.len { l.buf[i] } else { 0 } }
                """, "let mut l = Line { buf: [1, 2, 3, 4, 5, 6], len: 0 }; let mut a = [3u32; 2]; set(&mut l, &a, &mut a); (l.len + get(&l, 50) as u32) as i32");
        assertEquals(1, checks(program, "get"), "l.len may be 100");
    }

    /** A reference into one variant's payload writes over the others': no type says what it reaches. */
    @Test
    void aReferenceIntoAPayloadWritesOverEveryVariant() throws IOException {
        String line = withMain("""
                struct Line { buf: [u8; 6], len: u32 }
                fn get(l: &Line, i: u32) -> u8 { if i < l.len { l.buf[i] } else { 0 } }
                """, """
                let mut r: Result<Line, [u32; 4]> = Err([0; 4]);
                let p = &mut r;
                if let Err(a) = p {
                    *p = Ok(Line { buf: [1, 2, 3, 4, 5, 6], len: 6 });
                    a[2] = 100000;
                }
                let l = r.unwrap();
                get(&l, 5000) as i32""");
        assertEquals(1, checks(line, "get"), "Line.len written as the Err payload's a[2]");
    }

    @Test
    void debugBuildsKeepEveryCheck() throws IOException {
        String program = withMain(LINE, "let mut l = Line { buf: [0; 8], len: 0 }; push(&mut l, 7); last(&l) as i32");
        assertEquals(2, checks(program, "last", true), "the bounds check and the overflow check of `i += 1`");
        assertEquals(2, checks(program, "push", true), "the bounds check and the overflow check of `l.len += 1`");
    }
}

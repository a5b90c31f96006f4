package mote.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import mote.Compiler;
import mote.async.StateMachine;
import mote.types.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rematerialize (part of overlap-layout): an address fixed for the whole call is computed again
 * after an await, not saved. run/rematerialized_refs.mote runs the cases on QEMU under every
 * optimization set.
 */
class RematerializeTest {
    @TempDir Path dir;

    /** The shape of bench/firmware.mote's console: a line buffer filled through `&mut`, a method on a local. */
    private static final String PROGRAM = """
            struct Line { buf: [u8; 8], len: u32 }
            struct Meter { count: u32 }
            static RX: Channel<u8, 4>;
            static mut TOTAL: u32 = 0;

            impl Meter {
                async fn add(&mut self, v: u32) { yield_now().await; self.count += v; }
            }

            async fn read_line(line: &mut Line) {
                line.len = 0;
                loop {
                    let b = RX.recv().await;
                    if b == 10 { break; }
                    line.buf[line.len] = b;
                    line.len += 1;
                }
            }

            task fn feed() { for b in 0..3u8 { RX.send(b + 65).await; } RX.send(10).await; }

            async fn main() -> i32 {
                spawn feed();
                let mut line = Line { buf: [0; 8], len: 0 };
                read_line(&mut line).await;
                let mut meter = Meter { count: 0 };
                let m = &mut meter;
                for v in 0..3u32 { m.add(v).await; }
                let t = &mut TOTAL;
                yield_now().await;
                *t = line.len + meter.count;
                TOTAL as i32
            }
            """;

    private Compiler.Analysis analysis(Set<Optimization> opts, boolean debug) throws IOException {
        Path file = dir.resolve("prog.mote");
        Files.writeString(file, PROGRAM);
        return Compiler.analyze(Compiler.read(file), opts, debug, true);
    }

    /** The references main's await states save. */
    private static List<String> savedReferences(Compiler.Analysis a) {
        StateMachine m = a.machines().get("main");
        return m.states().stream().flatMap(s -> s.saved().stream())
                .filter(slot -> slot.type() instanceof Type.Ref).map(StateMachine.Slot::name).distinct().sorted().toList();
    }

    @Test
    void addressesOfOwnLocalsAndStaticsAreNotSaved() throws IOException {
        Compiler.Analysis all = analysis(EnumSet.allOf(Optimization.class), false);
        assertEquals(List.of(), savedReferences(all));
        Set<Optimization> without = EnumSet.allOf(Optimization.class);
        without.remove(Optimization.OVERLAP_LAYOUT);
        Compiler.Analysis kept = analysis(without, false);
        // The inlined read_line's `line`, the method's `self` (a copy of `m`), `m` and `t`.
        assertEquals(List.of("Meter.add.self", "m", "read_line.line", "t"), savedReferences(kept));
    }

    /** The baseline saves every reference, as rustc's generators do; a debug build keeps each variable where a debugger reads it. */
    @Test
    void baselineAndDebugBuildsSaveThem() throws IOException {
        assertTrue(!savedReferences(analysis(EnumSet.noneOf(Optimization.class), false)).isEmpty());
        assertTrue(savedReferences(analysis(EnumSet.allOf(Optimization.class), true)).contains("t"));
    }

    /**
     * On its own, on MIR that kept them (no overlap-layout): afterwards no reference is live
     * across any await of main, and the function reads the same number of borrowed locals.
     */
    @Test
    void afterThePassNoReferenceIsLiveAcrossAnAwait() throws IOException {
        Set<Optimization> without = EnumSet.allOf(Optimization.class);
        without.remove(Optimization.OVERLAP_LAYOUT);
        mote.mir.MirFn before = analysis(without, false).mir().function("main");
        assertTrue(referencesAcrossAwaits(before) >= 3, "the program has something to do");
        mote.mir.MirFn after = Rematerialize.rewrite(before);
        assertEquals(0, referencesAcrossAwaits(after));
        assertEquals(mote.mir.BorrowedLocals.of(before), mote.mir.BorrowedLocals.of(after));
        mote.mir.MirVerifier.verify(after);
    }

    /** ConstantCalls, which feeds it: a sync fn returning a literal is the literal; any other body stays a call. */
    @Test
    void aCallReturningAConstantIsTheConstantAndIsNotSaved() throws IOException {
        Path file = dir.resolve("calls.mote");
        Files.writeString(file, """
                static OUT: Channel<u8, 2>;
                fn script() -> &[u8] { "abc" }
                fn limit() -> u32 { 2 }
                fn doubled(a: u32) -> u32 { a * 2 }
                fn noisy() -> u32 { println("side effect"); 1 }
                task fn drain() { loop { let _b = OUT.recv().await; } }
                async fn main() -> i32 {
                    spawn drain();
                    let text = script();
                    let n = limit();
                    let d = doubled(n);
                    let k = noisy();
                    for i in 0..n { OUT.send(text[i]).await; }
                    (d + k + text.len()) as i32
                }
                """);
        mote.mir.MirProgram mir = Compiler.analyze(Compiler.read(file), EnumSet.allOf(Optimization.class), false, true).mir();
        assertTrue(ConstantCalls.constantResult(mir.function("script")) instanceof mote.mir.Rvalue.Str);
        assertEquals(null, ConstantCalls.constantResult(mir.function("doubled")));
        assertEquals(null, ConstantCalls.constantResult(mir.function("noisy")));
        String main = mote.mir.MirPrinter.print(mir.function("main"));
        assertTrue(!main.contains("script(") && !main.contains("limit("), main);
        assertTrue(main.contains("doubled(") && main.contains("noisy("), main);
        Compiler.Analysis a = Compiler.analyze(Compiler.read(file), EnumSet.allOf(Optimization.class), false, true);
        List<String> saved = a.machines().get("main").states().stream().flatMap(st -> st.saved().stream())
                .map(StateMachine.Slot::name).distinct().sorted().toList();
        assertTrue(!saved.contains("text") && !saved.contains("n"), "constants are read again: " + saved);
        assertTrue(saved.contains("d") && saved.contains("k"), "computed values are saved: " + saved);
    }

    private static int referencesAcrossAwaits(mote.mir.MirFn fn) {
        mote.mir.Liveness live = mote.mir.Liveness.compute(fn);
        java.util.BitSet refs = new java.util.BitSet();
        for (mote.mir.BasicBlock b : fn.blocks())
            if (b.terminator() instanceof mote.mir.Terminator.Await a) refs.or(live.acrossAwait(a));
        int n = 0;
        for (int l = refs.nextSetBit(0); l >= 0; l = refs.nextSetBit(l + 1))
            if (fn.locals().get(l).type() instanceof Type.Ref) n++;
        return n;
    }
}

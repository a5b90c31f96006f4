package mote.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import mote.home.MoteHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rustc column of `make bench`: a Rust program from bench/rust/ builds, runs under QEMU
 * printing what its Mote example expects, and its futures are read from -Zprint-type-sizes.
 * Skipped where no rustc for thumbv7m with its library source is installed (the first run
 * builds core into the Mote cache: about half a minute).
 */
class RustBaselineTest {
    @Test
    void readsFutureSizesFromPrintTypeSizes() {
        String out = """
                print-type-size type: `{async fn body of fwd1()}`: 20 bytes, alignment: 4 bytes
                print-type-size     discriminant: 1 bytes
                print-type-size         local `.__awaitee`: 12 bytes, offset: 8 bytes, alignment: 4 bytes, type: {async fn body of leaf()}
                print-type-size type: `core::mem::MaybeUninit<{async fn body of leaf()}>`: 12 bytes, alignment: 4 bytes
                print-type-size type: `{async fn body of leaf()}`: 12 bytes, alignment: 4 bytes
                print-type-size type: `{async fn body of firmware::main()}`: 12 bytes, alignment: 4 bytes
                """;
        assertEquals(Map.of("fwd1", 20L, "leaf", 12L, "main", 12L), RustBaseline.futureSizes(out));
    }

    @Test
    void forwardingBuildsRunsAndHasRustcsLayout(@TempDir Path work) {
        RustBaseline.Found found = RustBaseline.find();
        assumeTrue(found instanceof RustBaseline.Usable, () -> "no rustc for thumbv7m: " + ((RustBaseline.Missing) found).reason());
        RustBaseline rust = ((RustBaseline.Usable) found).rust();
        RustBaseline.Build b = rust.build("forwarding", work);
        Optional<String> wrong = RustBaseline.checkAgainst(b, MoteHome.get().resolve("examples/forwarding.mote"));
        assertEquals(Optional.empty(), wrong);
        assertTrue(b.flash() > 240, "an image with the vector table and code: " + b.flash());
        // The layouts docs/baseline-layout.md compares Mote's baseline with (BaselineLoweringTest).
        assertEquals(12L, b.futures().get("leaf"));
        assertEquals(20L, b.futures().get("fwd1"));
        assertEquals(28L, b.futures().get("fwd2"));
        assertEquals(36L, b.futures().get("fwd3"));
    }
}

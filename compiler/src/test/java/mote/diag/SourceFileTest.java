package mote.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** How programs are named in diagnostics and panic locations. */
class SourceFileTest {
    static final Path CWD = Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize();

    @Test
    void anAbsolutePathInsideTheWorkingDirectoryIsShownRelativeToIt() {
        assertEquals(Path.of("examples", "hello.mote").toString(), SourceFile.displayPath(CWD.resolve("examples/hello.mote")));
        assertEquals(Path.of("a.mote").toString(), SourceFile.displayPath(CWD.resolve("x/../a.mote")));
    }

    @Test
    void otherPathsAreShownAsGiven() {
        assertEquals("examples/hello.mote", SourceFile.displayPath(Path.of("examples/hello.mote")));
        assertEquals("../elsewhere/app.mote", SourceFile.displayPath(Path.of("../elsewhere/app.mote")));
        Path outside = CWD.getRoot().resolve("definitely-not-under-cwd").resolve("app.mote");
        if (!outside.startsWith(CWD)) assertEquals(outside.toString(), SourceFile.displayPath(outside));
    }

    @Test
    void positionsAreOneBased() {
        SourceFile f = SourceFile.of("t.mote", "ab\ncd\n");
        assertEquals(2, f.lineOf(3));
        assertEquals(1, f.columnOf(3));
        assertEquals("cd", f.lineText(2));
    }
}

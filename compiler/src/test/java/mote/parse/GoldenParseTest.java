package mote.parse;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import mote.ast.AstPrinter;
import mote.ast.Module;
import mote.diag.Diagnostics;
import mote.diag.SourceFile;
import mote.testutil.Golden;
import mote.testutil.TestFiles;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden parse tests: each {@code parse/*.mote} must parse without errors and print (AstPrinter)
 * exactly as the {@code .ast} file beside it. Run with MOTE_BLESS=1 to (re)write the .ast files.
 */
class GoldenParseTest {
    static List<Path> programs() {
        List<Path> files = TestFiles.list(TestFiles.resources("parse"), ".mote");
        assertFalse(files.isEmpty(), "no golden parse programs found");
        return files;
    }

    static Module parseClean(Path file) {
        Diagnostics d = new Diagnostics();
        SourceFile sf = new SourceFile(file, file.getFileName().toString(), TestFiles.read(file));
        String name = file.getFileName().toString().replace(".mote", "");
        Module m = Parser.parse(sf, name, d);
        assertFalse(d.hasErrors(), () -> d.render());
        return m;
    }

    @TestFactory
    Stream<DynamicTest> goldenParse() {
        return programs().stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            String printed = AstPrinter.print(parseClean(f));
            Path expected = f.resolveSibling(f.getFileName().toString().replace(".mote", ".ast"));
            Golden.assertMatches(expected, printed);
            assertTrue(printed.equals(AstPrinter.print(parseClean(f))), "printing is deterministic");
        }));
    }
}

package mote.parse;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import mote.ast.AstPrinter;
import mote.ast.Module;
import mote.diag.Diagnostics;
import mote.diag.SourceFile;
import mote.lex.Lexer;
import mote.lex.Token;
import mote.testutil.Mutations;
import mote.testutil.TestFiles;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Bad input must only ever produce diagnostics: for every valid test program, a few hundred
 * deterministic random token mutations ({@link Mutations}) are parsed; the parser
 * must return — diagnostics allowed — without throwing and within a time bound.
 */
class ParserRobustnessTest {
    private static final int MUTATIONS = 300;

    static List<Path> programs() {
        List<Path> all = new java.util.ArrayList<>(TestFiles.list(TestFiles.resources("parse"), ".mote"));
        all.addAll(TestFiles.list(TestFiles.resources("errors/syntax"), ".mote"));
        return all;
    }

    @TestFactory
    Stream<DynamicTest> mutatedProgramsNeverCrash() {
        return programs().stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            String src = TestFiles.read(f);
            List<Token> toks = Lexer.lex(SourceFile.of("x", src), new Diagnostics());
            Random rnd = new Random(f.getFileName().toString().hashCode());
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                for (int i = 0; i < MUTATIONS; i++) parseMustReturn(Mutations.mutate(src, toks, rnd), f + " mutation " + i);
            });
        }));
    }

    static void parseMustReturn(String src, String what) {
        try {
            Diagnostics d = new Diagnostics();
            Module m = Parser.parse(SourceFile.of("m.mote", src), "m", d);
            AstPrinter.print(m);
            d.render();
        } catch (RuntimeException | StackOverflowError e) {
            fail("parser threw on " + what + ":\n" + (src.length() > 600 ? src.substring(0, 600) + "..." : src), e);
        }
    }

    @Test
    void pathologicalInputs() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (String s : List.of("", "{", "}", "fn", "fn f(", "fn f() {", "(((((", "fn f() { " + "(".repeat(5000) + " }",
                    "fn f() { " + "{".repeat(5000) + " }", "fn f() { let x = " + "-".repeat(5000) + "1; }",
                    "static X: " + "&".repeat(3000) + "u8;", "fn f() -> " + "[".repeat(3000) + " {}",
                    "fn f() { match x { " + "1 | ".repeat(2000) + " } }", "fn f() { x" + ".a".repeat(3000) + "; }",
                    "fn f() { x" + " + x".repeat(3000) + "; }", "fn f() { x" + "[0]".repeat(3000) + "; }",
                    "}}}}}}}}", ";;;;", "fn f() { a = b = c = d = e; }", "'", "\"", "/*", "0x", "task(", "fn f() { if }",
                    "fn f() { match }", "fn f() { for }", "fn f() { join }", "fn f() { spawn }", "fn f() { try_spawn x }")) {
                parseMustReturn(s, "pathological input");
            }
        });
    }
}

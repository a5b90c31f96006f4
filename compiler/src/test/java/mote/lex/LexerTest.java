package mote.lex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import mote.diag.Diagnostic;
import mote.diag.Diagnostics;
import mote.diag.SourceFile;
import org.junit.jupiter.api.Test;

class LexerTest {
    private final Diagnostics diags = new Diagnostics();

    private List<Token> lex(String src) {
        return Lexer.lex(SourceFile.of("t.mote", src), diags);
    }

    private List<Token> lexOk(String src) {
        List<Token> t = lex(src);
        assertFalse(diags.hasErrors(), diags::render);
        return t;
    }

    private String kinds(String src) {
        return lexOk(src).stream().map(t -> t.kind().name()).collect(Collectors.joining(" "));
    }

    private Token single(String src) {
        List<Token> t = lex(src);
        assertEquals(2, t.size(), () -> t.toString());
        return t.get(0);
    }

    /** "E0011@1:5" for each diagnostic. */
    private String errors() {
        return diags.all().stream().map(d -> d.code() + "@" + d.span().line() + ":" + d.span().column())
                .collect(Collectors.joining(" "));
    }

    @Test
    void keywordsAndIdentifiers() {
        String all = "fn async await task spawn let mut const static register interrupt struct enum if else while loop for in "
                + "break continue return match true false as import join race and or test critical";
        List<Token> toks = lexOk(all);
        assertEquals(all.split(" ").length + 1, toks.size());
        for (int i = 0; i < toks.size() - 1; i++) {
            assertTrue(toks.get(i).kind().isKeyword(), toks.get(i).toString());
            assertEquals(toks.get(i).text(), toks.get(i).kind().text);
        }
        assertEquals("IDENT IDENT IDENT IDENT IDENT EOF", kinds("try_spawn _ _x Foo9 fnord"));
        assertEquals("try_spawn", lexOk("try_spawn").get(0).text());
    }

    @Test
    void punctuationIsLongestMatch() {
        assertEquals("DOT_DOT_EQ DOT_DOT DOT FAT_ARROW ARROW AT COLON_COLON COLON SEMI COMMA EOF", kinds("..= .. . => -> @ :: : ; ,"));
        assertEquals("SHL_EQ SHR_EQ SHL SHR LT_EQ GT_EQ LT GT EOF", kinds("<<= >>= << >> <= >= < >"));
        assertEquals("AMP_AMP PIPE_PIPE AMP PIPE CARET BANG TILDE BANG_EQ EQ_EQ EQ EOF", kinds("&& || & | ^ ! ~ != == ="));
        assertEquals("PLUS_EQ MINUS_EQ STAR_EQ SLASH_EQ PERCENT_EQ AMP_EQ PIPE_EQ CARET_EQ EOF", kinds("+= -= *= /= %= &= |= ^="));
        assertEquals("INT DOT_DOT_EQ INT EOF", kinds("3..=9"));
        assertEquals("INT DOT_DOT IDENT EOF", kinds("0..n"));
        assertEquals("IDENT DOT AWAIT EOF", kinds("x.await"));
    }

    @Test
    void decimalHexBinaryAndSeparators() {
        assertEquals(42, single("42").value());
        assertEquals(1_000_000, single("1_000_000").value());
        assertEquals(0x4000_C000L, single("0x4000_C000").value());
        assertEquals(0xff, single("0xFF").value());
        assertEquals(0b1010, single("0b1010").value());
        assertEquals(0b1010_0101, single("0b_1010_0101").value());
        assertEquals(-1L, single("18446744073709551615").value(), "u64::MAX keeps its bits");
        assertEquals(-1L, single("0xFFFF_FFFF_FFFF_FFFF").value());
        assertNull(single("7").suffix());
        assertFalse(diags.hasErrors());
    }

    @Test
    void suffixes() {
        for (String s : List.of("u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "usize")) {
            Token t = single("12" + s);
            assertEquals(12, t.value());
            assertEquals(s, t.suffix());
        }
        Token hex = single("0xFFu8");
        assertEquals(255, hex.value());
        assertEquals("u8", hex.suffix());
        assertEquals("u32", single("0b1_u32").suffix());
        assertFalse(diags.hasErrors(), diags::render);
    }

    @Test
    void charLiteralsAreU8Integers() {
        Token a = single("'a'");
        assertEquals(TokenKind.INT, a.kind());
        assertEquals(97, a.value());
        assertEquals("u8", a.suffix());
        assertEquals("'a'", a.text());
        assertEquals('\n', single("'\\n'").value());
        assertEquals('\r', single("'\\r'").value());
        assertEquals('\t', single("'\\t'").value());
        assertEquals('\\', single("'\\\\'").value());
        assertEquals('\'', single("'\\''").value());
        assertEquals('"', single("'\\\"'").value());
        assertEquals(0, single("'\\0'").value());
        assertEquals(0xff, single("'\\xff'").value());
        assertEquals(0x41, single("'\\x41'").value());
        assertEquals(' ', single("' '").value());
        assertFalse(diags.hasErrors(), diags::render);
    }

    @Test
    void stringsUnescapeToUtf8() {
        Token s = single("\"a\\n\\r\\t\\\\\\\"\\'\\0\\x41\\xff\"");
        assertEquals(TokenKind.STRING, s.kind());
        assertArrayEquals(new byte[] {'a', '\n', '\r', '\t', '\\', '"', '\'', 0, 0x41, (byte) 0xff}, s.bytes());
        assertArrayEquals("héllo €".getBytes(StandardCharsets.UTF_8), single("\"héllo €\"").bytes());
        assertArrayEquals(new byte[0], single("\"\"").bytes());
        assertArrayEquals("two\nlines".getBytes(StandardCharsets.UTF_8), single("\"two\nlines\"").bytes());
        assertFalse(diags.hasErrors(), diags::render);
    }

    @Test
    void comments() {
        assertEquals("IDENT IDENT EOF", kinds("a // comment ' \" /*\nb"));
        assertEquals("IDENT IDENT EOF", kinds("a /* one */ b"));
        assertEquals("IDENT IDENT EOF", kinds("a /* outer /* nested */ still comment */ b"));
        assertEquals("IDENT IDENT EOF", kinds("a /* multi\nline\n*/ b"));
        assertEquals("INT SLASH INT EOF", kinds("4 / 2"));
        assertEquals("EOF", kinds("// only a comment"));
    }

    @Test
    void spansAreExact() {
        List<Token> t = lexOk("let x =\n  0x10u8;");
        Token lit = t.get(3);
        assertEquals("0x10u8", lit.text());
        assertEquals(2, lit.span().line());
        assertEquals(3, lit.span().column());
        assertEquals(lit.text().length(), lit.span().end() - lit.span().start());
        Token eof = t.get(t.size() - 1);
        assertEquals(TokenKind.EOF, eof.kind());
    }

    // ---- errors: reported with a code and a position, and lexing goes on ---------------------

    @Test
    void unknownCharacterIsReportedOnceAndLexingContinues() {
        List<Token> t = lex("a $ b\n  #@x");
        assertEquals("E0001@1:3 E0001@2:3", errors());
        assertEquals(TokenKind.ERROR, t.get(1).kind());
        assertEquals("b", t.get(2).text());
        assertEquals(TokenKind.AT, t.get(4).kind());
    }

    @Test
    void unknownUnicodeRun() {
        lex("x = €€;");
        assertEquals("E0001@1:5", errors());
        assertTrue(diags.all().get(0).message().contains("€€"));
    }

    @Test
    void unterminatedStringCharAndComment() {
        Lexer.Result r = Lexer.lexWithStatus(SourceFile.of("t.mote", "x\n \"abc"), diags);
        assertEquals("E0003@2:2", errors());
        assertTrue(r.endsInsideLiteral());
        Diagnostics d2 = new Diagnostics();
        assertTrue(Lexer.lexWithStatus(SourceFile.of("t.mote", "a /* /* */ b"), d2).endsInsideLiteral());
        assertEquals("E0002", d2.all().get(0).code());
        // `'a` without a closing quote lexes as a loop label; the parser reports the literal (ParserTest).
        Diagnostics d3 = new Diagnostics();
        assertEquals(TokenKind.LABEL, Lexer.lex(SourceFile.of("t.mote", "let c = 'a\nfoo"), d3).get(3).kind());
        assertEquals("'a", Lexer.lex(SourceFile.of("t.mote", "let c = 'a\nfoo"), d3).get(3).text());
        assertEquals(TokenKind.INT, Lexer.lex(SourceFile.of("t.mote", "'a' 'ab'"), d3).get(0).kind());
        assertEquals("E0008", d3.all().get(0).code());   // 'ab' is still a too-long character literal
        Diagnostics d4 = new Diagnostics();
        Lexer.lex(SourceFile.of("t.mote", "'\\"), d4);
        assertEquals("E0004", d4.all().get(0).code());
    }

    @Test
    void badEscapes() {
        List<Token> t = lex("\"a\\qb\" \"\\x4\" '\\z'");
        assertEquals("E0005@1:3 E0006@1:9 E0005@1:15", errors());
        assertArrayEquals(new byte[] {'a', 'b'}, t.get(0).bytes());
        assertEquals(TokenKind.STRING, t.get(1).kind());
        assertEquals(TokenKind.INT, t.get(2).kind());
    }

    @Test
    void badCharLiterals() {
        lex("'' 'ab' 'é'");
        assertEquals("E0007@1:1 E0008@1:4 E0009@1:10", errors());
    }

    @Test
    void badIntegers() {
        List<Token> t = lex("5u3 18446744073709551616 0x 0b102 0x_u8 1e");
        assertEquals("E0010@1:2 E0011@1:5 E0012@1:26 E0013@1:33 E0012@1:35 E0010@1:42", errors());
        assertEquals(7, t.size(), "every bad literal is still one token");
        for (int i = 0; i < 6; i++) assertEquals(TokenKind.INT, t.get(i).kind());
    }

    @Test
    void floatLiteralsAreF32Bits() {
        List<Token> t = lex("3.3 1e-3 2.5E2 7f32 1_000.5 0.1f32 t.0.1 1..2 3.max");
        assertEquals("", errors());
        float[] values = {3.3f, 1e-3f, 250f, 7f, 1000.5f, 0.1f};
        for (int i = 0; i < values.length; i++) {
            assertEquals(TokenKind.FLOAT, t.get(i).kind(), t.get(i).text());
            assertEquals(Float.floatToRawIntBits(values[i]), (int) t.get(i).value(), t.get(i).text());
        }
        // A tuple field after `.`, a range and a method call stay integers.
        assertEquals(List.of(TokenKind.IDENT, TokenKind.DOT, TokenKind.INT, TokenKind.DOT, TokenKind.INT),
                t.subList(6, 11).stream().map(Token::kind).toList());
        assertEquals(TokenKind.INT, t.get(11).kind());
        assertEquals(TokenKind.INT, t.get(14).kind());
    }

    @Test
    void errorsRenderWithPositionAndCaret() {
        lex("fn main() {\n    let s = \"oops\\q\";\n}");
        Diagnostic d = diags.all().get(0);
        String r = d.render();
        assertTrue(r.startsWith("error[E0005]: unknown escape sequence `\\q`"), r);
        assertTrue(r.contains("--> t.mote:2:18"), r);
        assertTrue(r.contains("^^"), r);
        assertTrue(r.contains("= help:"), r);
    }
}

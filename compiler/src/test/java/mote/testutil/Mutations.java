package mote.testutil;

import java.util.List;
import java.util.Random;
import mote.diag.Diagnostics;
import mote.diag.SourceFile;
import mote.lex.Lexer;
import mote.lex.Token;
import mote.lex.TokenKind;

/**
 * Deterministic random mutations of a program at token granularity, for robustness tests:
 * delete a token, swap two, truncate after one, duplicate one, or insert a random token
 * (keyword, punctuation, name, number, string or a stray quote). The same seed gives the same
 * mutations, so a failure can be replayed.
 */
public final class Mutations {
    private Mutations() {}

    /** The tokens of {@code src} (with EOF last), for {@link #mutate}. */
    public static List<Token> tokens(String src) {
        return Lexer.lex(SourceFile.of("x", src), new Diagnostics());
    }

    public static String mutate(String src, List<Token> toks, Random rnd) {
        int n = toks.size() - 1; // without EOF
        if (n <= 0) return src;
        Token a = toks.get(rnd.nextInt(n)), b = toks.get(rnd.nextInt(n));
        Token first = a.span().start() <= b.span().start() ? a : b, second = first == a ? b : a;
        return switch (rnd.nextInt(5)) {
            case 0 -> src.substring(0, a.span().start()) + src.substring(a.span().end());
            case 1 -> first == second || first.span().end() > second.span().start() ? src
                    : src.substring(0, first.span().start()) + second.text() + src.substring(first.span().end(), second.span().start())
                    + first.text() + src.substring(second.span().end());
            case 2 -> src.substring(0, a.span().end());
            case 3 -> src.substring(0, a.span().start()) + a.text() + " " + src.substring(a.span().start());
            default -> src.substring(0, a.span().start()) + randomToken(rnd) + " " + src.substring(a.span().start());
        };
    }

    private static String randomToken(Random rnd) {
        TokenKind[] kinds = TokenKind.values();
        TokenKind k = kinds[rnd.nextInt(kinds.length)];
        return k.isKeyword() || k.isPunctuation() ? k.text : switch (rnd.nextInt(4)) {
            case 0 -> "x";
            case 1 -> "1";
            case 2 -> "\"s\"";
            default -> "'";
        };
    }

}

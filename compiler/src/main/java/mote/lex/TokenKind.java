package mote.lex;

import java.util.HashMap;
import java.util.Map;

/**
 * Every kind of token. Keywords carry their spelling; punctuation its symbol. {@code try_spawn}
 * is not a keyword (the spec does not reserve it): it lexes as {@link #IDENT} and the parser
 * recognises it when it is followed by a name.
 */
public enum TokenKind {
    // literals and names
    IDENT("identifier"), INT("integer literal"), FLOAT("floating-point literal"), STRING("string literal"), LABEL("loop label"),

    // keywords
    FN("fn"), ASYNC("async"), AWAIT("await"), TASK("task"), SPAWN("spawn"), LET("let"), MUT("mut"),
    CONST("const"), STATIC("static"), REGISTER("register"), INTERRUPT("interrupt"), STRUCT("struct"),
    ENUM("enum"), IF("if"), ELSE("else"), WHILE("while"), LOOP("loop"), FOR("for"), IN("in"),
    BREAK("break"), CONTINUE("continue"), RETURN("return"), MATCH("match"), TRUE("true"),
    FALSE("false"), AS("as"), IMPORT("import"), JOIN("join"), RACE("race"), AND("and"), OR("or"),
    TEST("test"), CRITICAL("critical"), LOCK("lock"),

    // delimiters
    LPAREN("("), RPAREN(")"), LBRACE("{"), RBRACE("}"), LBRACKET("["), RBRACKET("]"),
    COMMA(","), SEMI(";"), COLON(":"), COLON_COLON("::"), DOT("."), DOT_DOT(".."), DOT_DOT_EQ("..="),
    FAT_ARROW("=>"), ARROW("->"), AT("@"), QUESTION("?"),

    // operators
    PLUS("+"), MINUS("-"), STAR("*"), SLASH("/"), PERCENT("%"), AMP("&"), PIPE("|"), CARET("^"),
    BANG("!"), TILDE("~"), LT("<"), GT(">"), EQ("="), EQ_EQ("=="), BANG_EQ("!="), LT_EQ("<="),
    GT_EQ(">="), SHL("<<"), SHR(">>"), AMP_AMP("&&"), PIPE_PIPE("||"),
    PLUS_EQ("+="), MINUS_EQ("-="), STAR_EQ("*="), SLASH_EQ("/="), PERCENT_EQ("%="), AMP_EQ("&="),
    PIPE_EQ("|="), CARET_EQ("^="), SHL_EQ("<<="), SHR_EQ(">>="),

    /** A character the lexer already reported; the parser recovers silently at it. */
    ERROR("invalid token"),
    EOF("end of file");

    /** The spelling for keywords and punctuation, or a description for the others. */
    public final String text;

    TokenKind(String text) { this.text = text; }

    public boolean isKeyword() { return ordinal() >= FN.ordinal() && ordinal() <= LOCK.ordinal(); }

    public boolean isPunctuation() { return ordinal() >= LPAREN.ordinal() && ordinal() <= SHR_EQ.ordinal(); }

    /** How the kind is named in messages: `fn`, `;`, or "identifier". */
    public String describe() {
        return isKeyword() || isPunctuation() ? "`" + text + "`" : text;
    }

    private static final Map<String, TokenKind> KEYWORDS = new HashMap<>();
    static {
        for (TokenKind k : values()) if (k.isKeyword()) KEYWORDS.put(k.text, k);
    }

    /** The keyword spelled {@code word}, or null. */
    public static TokenKind keyword(String word) { return KEYWORDS.get(word); }
}

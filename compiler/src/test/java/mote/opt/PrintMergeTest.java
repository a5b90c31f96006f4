package mote.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.List;
import mote.mir.BinOp;
import mote.mir.Local;
import mote.mir.Operand;
import mote.mir.PrintItem;
import mote.mir.Rvalue;
import mote.mir.Statement;
import mote.types.FormatSpec;
import mote.types.Type;
import org.junit.jupiter.api.Test;

/**
 * PrintMerge on a block's statements: constants printed plainly become text, and a print joins
 * the next one when only side-effect-free computations of locals it does not print are between
 * them. run/print_merge.mote runs the same cases (and `--debug`, which keeps every print, in
 * the optimization matrix) and checks the console's bytes.
 */
class PrintMergeTest {
    private static final Type U32 = new Type.Int(false, 32);
    private static final Type I8 = new Type.Int(true, 8);
    private static final Type U64 = new Type.Int(false, 64);
    private static final mote.diag.Span LINE = new mote.diag.Span(mote.diag.SourceFile.of("t.mote", "x\n"), 0, 1);

    private static PrintItem text(String s) { return new PrintItem.Text(s.getBytes(StandardCharsets.UTF_8)); }
    private static PrintItem value(Operand v, Type t) { return new PrintItem.Value(v, t); }
    private static PrintItem hex(Operand v, Type t) { return new PrintItem.Value(v, t, FormatSpec.HEX); }
    private static Operand local(int i) { return Operand.of(new Local(i)); }
    private static Statement print(PrintItem... items) { return new Statement.Print(List.of(items)); }
    private static Statement assign(int dest, Rvalue value) { return new Statement.Assign(new Local(dest), value); }

    /** Statements as MIR prints them (a print's texts are byte arrays, which records compare by identity). */
    private static List<String> shown(List<Statement> statements) {
        return statements.stream().map(Statement::toString).toList();
    }

    private static void assertMerged(List<Statement> expected, List<Statement> block) {
        assertEquals(shown(expected), shown(PrintMerge.merge(block)));
    }

    @Test
    void constantsPrintedPlainlyBecomeText() {
        Statement p = print(text("n = "), value(new Operand.Const(U32, 4), U32), text(", m = "),
                value(new Operand.Const(I8, 0xFB), I8), text(", h = "), hex(new Operand.Const(I8, -1), I8),
                text(", big = "), value(new Operand.Const(U64, -1L), U64), text(", "),
                value(new Operand.Const(Type.BOOL, 1), Type.BOOL), text("\n"));
        assertMerged(List.of(print(text("n = 4, m = -5, h = ff, big = 18446744073709551615, true\n"))), List.of(p));
    }

    @Test
    void widthsAndNonConstantsStayValues() {
        FormatSpec padded = new FormatSpec(' ', FormatSpec.Align.DEFAULT, 5, false, false, false, FormatSpec.Radix.DECIMAL, false, -1);
        assertNull(PrintMerge.constantText(new PrintItem.Value(new Operand.Const(U32, 7), U32, padded)));
        assertNull(PrintMerge.constantText((PrintItem.Value) value(local(3), U32)));
        Statement p = print(text("a "), value(local(3), U32), text(" b"));
        assertEquals(p, PrintMerge.merge(List.of(p)).get(0));   // the same statement, untouched
    }

    @Test
    void aPrintJoinsTheNextPastComputationsOfLocals() {
        Statement first = print(text("x = "), value(local(1), U32), text("\n"));
        Statement sum = assign(2, new Rvalue.Binary(BinOp.ADD, local(1), new Operand.Const(U32, 1)));
        Statement load = assign(3, new Rvalue.ReadStatic("COUNT", U32));
        Statement second = print(text("y = "), value(local(2), U32), text(" "), value(local(3), U32), text("\n"));
        assertMerged(List.of(sum, load, print(text("x = "), value(local(1), U32), text("\ny = "), value(local(2), U32), text(" "),
                value(local(3), U32), text("\n"))), List.of(first, sum, load, second));
    }

    @Test
    void printsJoinOnlyWhereTheirTextsMeet() {
        // `println("{}", a); println("{}", b)`: joined, the newline would sit between two values
        // and cost a string where it was one byte to the console driver; nothing is saved.
        Statement first = print(value(local(1), U32), text("\n"));
        Statement second = print(value(local(2), U32), text("\n"));
        assertEquals(shown(List.of(first, second)), shown(PrintMerge.merge(List.of(first, second))));
        Statement endsWithValue = print(text("a = "), value(local(1), U32));
        Statement third = print(text("!\n"));
        assertEquals(shown(List.of(endsWithValue, third)), shown(PrintMerge.merge(List.of(endsWithValue, third))));
    }

    @Test
    void aPrintStaysBeforeWhatChangesItsValueOrCanBeSeen() {
        Statement first = print(text("x = "), value(local(1), U32), text("\n"));
        Statement second = print(text("done\n"));
        Statement overwrite = assign(1, new Rvalue.Use(new Operand.Const(U32, 9)));
        Statement call = assign(4, new Rvalue.Call("work", List.of()));
        Statement register = assign(4, new Rvalue.ReadRegister("UART_DR", 0x4000_C000L, U32));
        Statement clock = assign(4, new Rvalue.Ticks());
        Statement write = new Statement.WriteStatic("COUNT", local(1));
        for (Statement between : List.of(overwrite, call, register, clock, write)) {
            List<Statement> block = List.of(first, between, second);
            assertEquals(shown(block), shown(PrintMerge.merge(block)), between.toString());
        }
        // A slice's bytes may be a local's: `let s = &buf; println(s); buf = [..]; println(s)`.
        Type u8 = new Type.Int(false, 8);
        Statement slice = print(text("s = "), value(local(5), new Type.Slice(u8, false)), text("\n"));
        Statement refill = assign(6, new Rvalue.Aggregate(new Type.Array(u8, 1), List.of(new Operand.Const(u8, 7))));
        List<Statement> block = List.of(slice, refill, second);
        assertEquals(shown(block), shown(PrintMerge.merge(block)));
        // Nothing but a line marker between them: joined.
        assertMerged(List.of(new Statement.Line(LINE), print(text("s = "), value(local(5), new Type.Slice(u8, false)), text("\ndone\n"))),
                List.of(slice, new Statement.Line(LINE), second));
    }
}

package mote.opt;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import mote.mir.BasicBlock;
import mote.mir.Local;
import mote.mir.MirFn;
import mote.mir.MirProgram;
import mote.mir.Operand;
import mote.mir.PrintItem;
import mote.mir.Rvalue;
import mote.mir.Statement;
import mote.types.FormatSpec;
import mote.types.Type;

/**
 * Prints the compiler can write out ahead of time. A constant printed plainly (`{}` or `{:x}`
 * of an integer or a bool) becomes text, and the prints of a block that follow one another,
 * with nothing between them but computations of locals, become one print: a firmware's
 * `println`s of a report, one after the other, are one call per piece of text instead of one
 * for each line's text and one for its newline. Two prints are joined only where the text that
 * ends the one meets the text that begins the other. The console shows the same bytes in the
 * same order.
 *
 * A print moves down to the next one only past statements that nothing outside the task can
 * see (assignments of locals from locals, constants, statics and memory, no calls, registers,
 * clock reads or channel operations) and that do not change what it prints: none that
 * assigns a local it prints, and only line markers when it prints a slice, whose bytes an
 * assignment to the local they live in would change. Debug builds keep
 * every print where its line is, for stepping. Not one of the switchable async optimizations:
 * like CertainSpawns it runs under every `--opt`.
 */
public final class PrintMerge {
    private PrintMerge() {}

    public static MirProgram run(MirProgram program) {
        List<MirFn> out = new ArrayList<>();
        boolean changed = false;
        for (MirFn f : program.functions()) {
            MirFn merged = run(f);
            changed |= merged != f;
            out.add(merged);
        }
        return changed ? program.withFunctions(out) : program;
    }

    static MirFn run(MirFn f) {
        List<BasicBlock> blocks = new ArrayList<>();
        boolean changed = false;
        for (BasicBlock b : f.blocks()) {
            List<Statement> statements = merge(b.statements());
            boolean same = sameStatements(statements, b.statements());
            changed |= !same;
            blocks.add(same ? b : new BasicBlock(statements, b.terminator()));
        }
        if (!changed) return f;
        return new MirFn(f.name(), f.isAsync(), f.params(), f.returnLocal(), f.returnType(), f.locals(), blocks, f.span(), f.interrupt());
    }

    /** The block's statements with each print folded and joined with the prints it can reach. */
    static List<Statement> merge(List<Statement> statements) {
        List<Statement> out = new ArrayList<>();
        Statement.Print pending = null;   // a print moving down to the next one
        List<Statement> passed = new ArrayList<>();   // what it has moved past
        for (Statement s : statements) {
            if (s instanceof Statement.Print p) {
                Statement.Print folded = fold(p);
                if (pending != null && joinsText(pending, folded)) {
                    List<PrintItem> items = new ArrayList<>(pending.items());
                    items.addAll(folded.items());
                    out.addAll(passed);
                    pending = fold(new Statement.Print(items));
                } else {
                    if (pending != null) {
                        out.add(pending);
                        out.addAll(passed);
                    }
                    pending = folded;
                }
                passed.clear();
                continue;
            }
            if (pending != null && invisible(s) && !(s instanceof Statement.Assign a && (reads(pending, a.dest()) || readsMemory(pending)))) {
                passed.add(s);
                continue;
            }
            if (pending != null) {
                out.add(pending);
                out.addAll(passed);
                pending = null;
                passed.clear();
            }
            out.add(s);
        }
        if (pending != null) {
            out.add(pending);
            out.addAll(passed);
        }
        return out;
    }

    /** The same statement objects in the same order: merge keeps each statement it does not change. */
    private static boolean sameStatements(List<Statement> a, List<Statement> b) {
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) if (a.get(i) != b.get(i)) return false;
        return true;
    }

    /**
     * Whether joining {@code next} to {@code first} saves a call: the text that ends the one
     * and the text that begins the other become one. Otherwise the two calls stay, and a
     * println's newline in the middle of a print would cost a string where it was one byte
     * to the console driver.
     */
    private static boolean joinsText(Statement.Print first, Statement.Print next) {
        return !first.items().isEmpty() && !next.items().isEmpty()
                && first.items().get(first.items().size() - 1) instanceof PrintItem.Text
                && next.items().get(0) instanceof PrintItem.Text;
    }

    /** Whether a print can move past {@code s}: a line marker, or a local computed without side effects. */
    private static boolean invisible(Statement s) {
        if (s instanceof Statement.Line) return true;
        if (!(s instanceof Statement.Assign a)) return false;
        Rvalue v = a.value();
        return v instanceof Rvalue.Use || v instanceof Rvalue.Binary || v instanceof Rvalue.Unary || v instanceof Rvalue.Cast
                || v instanceof Rvalue.ReadStatic || v instanceof Rvalue.Load || v instanceof Rvalue.AddressOf
                || v instanceof Rvalue.StaticAddr || v instanceof Rvalue.Aggregate || v instanceof Rvalue.Variant
                || v instanceof Rvalue.Discriminant || v instanceof Rvalue.Repeat || v instanceof Rvalue.Str
                || v instanceof Rvalue.Overflows;
    }

    /**
     * Whether {@code p} prints text through a pointer (a slice): the bytes may be a local's,
     * which an assignment it would move past can change (`let s = &buf; ...; buf = ...`).
     */
    private static boolean readsMemory(Statement.Print p) {
        for (PrintItem item : p.items())
            if (item instanceof PrintItem.Value v && v.type() instanceof Type.Slice) return true;
        return false;
    }

    private static boolean reads(Statement.Print p, Local l) {
        for (PrintItem item : p.items())
            if (item instanceof PrintItem.Value v && v.value() instanceof Operand.Copy c && c.local().equals(l)) return true;
        return false;
    }

    /** {@code print} with plainly printed constants as text and neighbouring texts joined; itself when there are none. */
    static Statement.Print fold(Statement.Print print) {
        List<PrintItem> items = print.items();
        boolean foldable = false;
        for (int i = 0; i < items.size(); i++)
            foldable |= items.get(i) instanceof PrintItem.Value v ? constantText(v) != null
                    : i > 0 && items.get(i - 1) instanceof PrintItem.Text;
        if (!foldable) return print;
        List<PrintItem> out = new ArrayList<>();
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        for (PrintItem item : items) {
            byte[] bytes = item instanceof PrintItem.Text t ? t.bytes() : item instanceof PrintItem.Value v ? constantText(v) : null;
            if (bytes != null) {
                text.writeBytes(bytes);
                continue;
            }
            if (text.size() > 0) {
                out.add(new PrintItem.Text(text.toByteArray()));
                text.reset();
            }
            out.add(item);
        }
        if (text.size() > 0) out.add(new PrintItem.Text(text.toByteArray()));
        return new Statement.Print(out);
    }

    /** How runtime-c would print a constant integer or bool with a plain `{}` or `{:x}`; null for anything else. */
    static byte[] constantText(PrintItem.Value v) {
        if (!(v.value() instanceof Operand.Const k) || !v.spec().isPlain() || v.spec().debug()) return null;
        String s;
        if (v.type() instanceof Type.Bool && k.type() instanceof Type.Bool && !v.spec().isHex()) {
            s = k.bits() != 0 ? "true" : "false";
        } else if (v.type() instanceof Type.Int it && k.type() instanceof Type.Int) {
            long mask = it.bits() >= 64 ? -1L : (1L << it.bits()) - 1;
            long raw = k.bits() & mask;
            if (v.spec().isHex()) {
                s = Long.toHexString(raw);   // a negative number's own bits, as runtime-c prints them
            } else if (it.signed()) {
                long value = it.bits() >= 64 ? raw : (raw << (64 - it.bits())) >> (64 - it.bits());
                s = Long.toString(value);
            } else {
                s = Long.toUnsignedString(raw);
            }
        } else {
            return null;
        }
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

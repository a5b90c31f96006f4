package mote.mir;

/** A stable text form of MIR for golden tests and `--emit mir`, close to rustc's MIR dumps. */
public final class MirPrinter {
    private MirPrinter() {}

    public static String print(MirProgram program) {
        StringBuilder sb = new StringBuilder();
        for (MirProgram.Global g : program.globals()) {
            sb.append("static ").append(g.mutable() ? "mut " : "").append(g.name()).append(": ").append(g.type())
              .append(" = ").append(g.image() != null ? bytes(g.image()) : new Operand.Const(g.type(), g.initialValue()).toString());
            for (var s : g.strings().entrySet()) sb.append(", @").append(s.getKey()).append(" -> ").append(PrintItem.quote(s.getValue()));
            sb.append(";\n");
        }
        if (!program.globals().isEmpty()) sb.append('\n');
        for (MirFn f : program.functions()) sb.append(print(f)).append('\n');
        return sb.toString();
    }

    /** An aggregate static's initial bytes: `bytes [01 00 ff]`. */
    private static String bytes(byte[] image) {
        StringBuilder sb = new StringBuilder("bytes [");
        for (int i = 0; i < image.length; i++) sb.append(i > 0 ? " " : "").append(String.format("%02x", image[i] & 0xFF));
        return sb.append(']').toString();
    }

    public static String print(MirFn f) {
        StringBuilder sb = new StringBuilder();
        sb.append(f.isAsync() ? "async fn " : "fn ").append(f.name()).append('(');
        for (int i = 0; i < f.params().size(); i++) {
            Local p = f.params().get(i);
            if (i > 0) sb.append(", ");
            sb.append(p).append(": ").append(f.typeOf(p));
        }
        sb.append(") -> ").append(f.returnType()).append(" {\n");
        for (int i = 0; i < f.locals().size(); i++) {
            LocalDecl d = f.locals().get(i);
            sb.append("    let _").append(i).append(": ").append(d.type()).append(';');
            if (d.name() != null) sb.append(" // ").append(d.name());
            sb.append('\n');
        }
        for (int i = 0; i < f.blocks().size(); i++) {
            BasicBlock b = f.blocks().get(i);
            sb.append("\n    bb").append(i).append(": {\n");
            for (Statement s : b.statements()) sb.append("        ").append(s).append(";\n");
            sb.append("        ").append(b.terminator()).append(";\n    }\n");
        }
        return sb.append("}\n").toString();
    }
}

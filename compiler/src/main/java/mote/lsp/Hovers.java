package mote.lsp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import mote.mir.Callee;
import java.util.StringJoiner;
import mote.Compiler;
import mote.ast.Item;
import mote.async.StateMachine;
import mote.size.TaskReport;
import mote.types.Symbol;
import mote.types.Type;

/**
 * What a hover shows, as Markdown: the declaration or type of the name or expression under the
 * cursor, and for an `async fn` or `task` what no other embedded toolchain's editor shows: its
 * state machine with every optimization and with none, what inlining did with it, and, from the
 * last build of the saved file, its worst-case poll stack and RAM.
 */
final class Hovers {
    private Hovers() {}

    static String of(DocumentAnalysis analysis, TaskBuild build, int offset) {
        SourceIndex index = analysis.index();
        if (index == null) return null;
        SourceIndex.Occurrence o = index.occurrenceAt(offset);
        if (o != null) {
            String text = describe(index, o);
            if (text != null) {
                Item.Fn fn = o.key() instanceof SourceIndex.Decl d && d.node() instanceof Item.Fn f ? f : null;
                if (fn != null && fn.isAsync()) text += "\n\n---\n" + asyncText(analysis, build, index.function(fn));
                return text;
            }
        }
        SourceIndex.Node node = index.nodeAt(offset);
        if (node == null) return null;
        Type t = index.typeOf(node.expr());
        return t == null ? null : code(t.toString());
    }

    private static String code(String mote) {
        return "```mote\n" + mote + "\n```";
    }

    private static String describe(SourceIndex index, SourceIndex.Occurrence o) {
        Object key = o.key() instanceof SourceIndex.Decl d ? d.node() : o.key(), what = o.what();
        if (key instanceof Symbol.LocalVar v) return code((v.mutable() ? "let mut " : "let ") + v.name() + ": " + v.type());
        if (key instanceof Item.Fn f) return code(signature(f, index.function(f)));
        if (key instanceof Item.Const c) return code("const " + c.name().name() + typeSuffix(index, c.name().name()));
        if (key instanceof Item.Static s) return code("static " + (s.mutable() ? "mut " : "") + s.name().name() + typeSuffix(index, s.name().name()));
        if (key instanceof Item.Register r) return code("register " + r.name().name());
        if (what instanceof Symbol.Variant v) return code(v.type().name() + "." + v.name() + " = " + v.value());
        if (what instanceof Symbol.Builtin b) return builtin(b.name());
        if (key instanceof String s && s.startsWith("builtin:")) return builtin(s.substring("builtin:".length()));
        if (key instanceof String s && s.startsWith("field:")) return fieldText(s.substring("field:".length()), what);
        if (key instanceof String s && s.startsWith("type:")) return typeText(index, s);
        if (key instanceof String s && s.startsWith("variant:")) return code(s.substring("variant:".length()));
        return null;
    }

    private static String builtin(String name) {
        return code("built-in " + name) + "\n\n" + Completions.builtinDoc(name);
    }

    /** `: T` of a static or const, from its use's symbol (the checker keeps no table of them by name). */
    private static String typeSuffix(SourceIndex index, String name) {
        for (Symbol.Static s : index.typed.statics) if (s.name().equals(name)) return ": " + s.type();
        for (SourceIndex.Occurrence o : index.occurrences) {
            if (o.what() instanceof Symbol.Const c && c.name().equals(name)) return ": " + c.type() + " = " + c.value();
        }
        return "";
    }

    static String signature(Item.Fn f, Symbol.Fn sym) {
        String kind = switch (f.kind()) {
            case SYNC -> "fn";
            case ASYNC -> "async fn";
            case TASK -> f.poolSize() == 1 ? "task fn" : "task(" + f.poolSize() + ") fn";
            case TEST -> "test fn";
            case TEST_ASYNC -> "test async fn";
            default -> f.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " fn";   // a kind added later
        };
        StringJoiner params = new StringJoiner(", ", "(", ")");
        for (int i = 0; i < f.params().size(); i++) {
            String type = sym != null && i < sym.params().size() ? sym.params().get(i).toString() : "?";
            params.add(f.params().get(i).name().name() + ": " + type);
        }
        String result = sym == null || sym.result() == null || sym.result().toString().equals("()") ? "" : " -> " + sym.result();
        return kind + " " + f.name().name() + params + result;
    }

    /** The async part of a hover: state machines (all and none), inlining, poll stack, RAM. */
    static String asyncText(DocumentAnalysis analysis, TaskBuild build, Symbol.Fn fn) {
        if (fn == null) return "";
        String name = fn.qualifiedName();
        StringBuilder sb = new StringBuilder();
        Compiler.Analysis all = analysis.withAll(), none = analysis.withNone();
        if (all == null || none == null) {
            sb.append("State machine: once the file checks (and has a `main`)  \n");
        } else {
            StateMachine after = all.machines().get(name), before = none.machines().get(name);
            if (after != null) sb.append("**State machine** (`--opt all`): ").append(machine(after)).append("  \n");
            else if (all.mir().function(name) != null) sb.append("**No state machine** with `--opt all`: it never suspends, so awaiting it is a plain call (ready-fold)  \n");
            else sb.append("**No state machine** with `--opt all`: inlined into its callers (inline)  \n");
            if (before != null) sb.append("Baseline (`--opt none`): ").append(machine(before)).append("  \n");
            List<String> inlined = inlinedInto(before, all);
            if (after != null && !inlined.isEmpty()) sb.append("Inlined into it (`inline`): ").append(String.join(", ", inlined)).append("  \n");
            if (after != null && before != null && after.size() < before.size())
                sb.append(String.format(Locale.ROOT, "The optimizations save %d bytes of its state (%d%%)  \n",
                        before.size() - after.size(), 100 * (before.size() - after.size()) / Math.max(1, before.size())));
        }
        sb.append(stackText(build, fn));
        return sb.toString();
    }

    /** The async fns this one awaits in the baseline that have no state machine of their own with every optimization. */
    static List<String> inlinedInto(StateMachine baseline, Compiler.Analysis all) {
        List<String> names = new ArrayList<>();
        if (baseline == null) return names;
        for (StateMachine.State s : baseline.states()) {
            if (s.awaitee() != null && s.awaitee().callee() instanceof Callee.Function f && !all.machines().containsKey(f.name())
                    && all.mir().function(f.name()) == null && !names.contains(f.name())) names.add(f.name());
        }
        return names;
    }

    static String machine(StateMachine m) {
        StringJoiner states = new StringJoiner(", ");
        for (StateMachine.State s : m.states()) states.add(s.name());
        return m.states().size() + " states, " + m.size() + " bytes (" + states + ")";
    }

    /** The task's poll stack and RAM from the last build, or why there is none yet. */
    static String stackText(TaskBuild build, Symbol.Fn fn) {
        if (fn.decl().kind() != Item.FnKind.TASK && !fn.name().equals("main")) return "";
        if (build == null) return "Poll stack: measuring (the file is built when opened and saved)";
        if (build.error() != null) return "Poll stack: no build of the saved file (" + build.error() + ")";
        TaskReport.Task t = build.tasks().get(fn.qualifiedName());
        if (t == null) return "Poll stack: not a task of the saved file's build";
        int pool = build.pools().getOrDefault(fn.qualifiedName(), 1);
        return "**Worst-case poll stack** (" + build.board() + ", as saved): " + t.stackPath() + "  \n**Task RAM**: " + ram(t, pool);
    }

    static String ram(TaskReport.Task t, int pool) {
        return pool == 1 ? t.stateBytes() + " B of state"
                : t.stateBytes() * pool + " B of state (" + pool + " × " + t.stateBytes() + " B)";
    }

    /** The code lens over a task: its RAM and poll stack, or what is known before a build. */
    static String lens(DocumentAnalysis analysis, TaskBuild build, Symbol.Fn fn) {
        TaskReport.Task t = build == null || build.error() != null ? null : build.tasks().get(fn.qualifiedName());
        if (t != null) {
            int pool = build.pools().getOrDefault(fn.qualifiedName(), 1);
            return "RAM " + ram(t, pool) + " · poll stack " + (t.pollStack() < 0 ? "unbounded" : t.pollStack() + " B") + " · " + build.board();
        }
        StateMachine m = analysis.withAll() == null ? null : analysis.withAll().machines().get(fn.qualifiedName());
        return m == null ? "RAM: once the file checks" : "RAM " + m.size() + " B of state (--opt all) · poll stack: on save";
    }

    /** A struct's or enum's declaration as written, and a struct's size where the program uses one. */
    private static String typeText(SourceIndex index, String key) {
        SourceIndex.Occurrence def = index.definitions.get(key);
        String name = key.substring("type:".length());
        if (def == null || !(def.what() instanceof mote.ast.Item item)) return code("type " + name);
        String source = item.span().file().text().substring(item.span().start(), Math.min(item.span().end(), item.span().file().text().length()));
        String text = code(source.lines().limit(20).collect(java.util.stream.Collectors.joining("\n")));
        for (SourceIndex.Node n : index.nodes) {
            Type t = index.typeOf(n.expr());
            if (t instanceof Type.Struct st && st.name().equals(name)) return text + "\n\n" + st.size() + " bytes, aligned to " + st.align();
        }
        return text;
    }

    /** `Point.x: u32` (offset 4 of 8 bytes), when the struct's layout is known here. */
    private static String fieldText(String structDotField, Object what) {
        if (what instanceof Type.Struct st) {
            String field = structDotField.substring(structDotField.indexOf('.') + 1);
            for (Type.Struct.Field f : st.fields()) {
                if (f.name().equals(field)) return code(structDotField + ": " + f.type()) + "\n\noffset " + f.offset() + " of " + st.size() + " bytes";
            }
        }
        return code(structDotField);
    }
}

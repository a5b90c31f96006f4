package mote.lsp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mote.ast.Item;
import mote.ast.Module;
import mote.lex.TokenKind;
import mote.types.Symbol;
import mote.types.Type;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionItemKind;

/**
 * Completion of names (the function's variables declared before the cursor, every item of the
 * program and its imports, the built-in primitives, keywords) and, after a dot, of a value's
 * fields, a channel's or array's methods and an enum's variants. The text being typed rarely
 * checks, so names and types come from the last version of the document that parsed.
 */
final class Completions {
    /** The language's built-in functions (TypeChecker's BUILTINS), each with a line of help. */
    static final Map<String, String> BUILTINS = new LinkedHashMap<>();
    static {
        BUILTINS.put("print", "print(\"format {}\", args...): writes to the console; `{}` decimal, `{:x}` hex");
        BUILTINS.put("println", "println(\"format {}\", args...): as print, then a newline");
        BUILTINS.put("exit", "exit(code): ends the program with that exit code");
        BUILTINS.put("assert", "assert(condition): panics when it is false");
        BUILTINS.put("assert_eq", "assert_eq(left, right): panics when they differ, showing both");
        BUILTINS.put("panic", "panic(\"message\"): stops the program (or the task, with --panic=task)");
        BUILTINS.put("unreachable", "unreachable(): panics; marks code that cannot run");
        BUILTINS.put("yield_now", "yield_now().await: lets the other tasks run once");
        BUILTINS.put("sleep_ms", "sleep_ms(ms).await: suspends this task for ms milliseconds");
        BUILTINS.put("sleep_us", "sleep_us(us).await: suspends this task for us microseconds");
        BUILTINS.put("sleep_until", "sleep_until(tick).await: suspends this task until ticks() reaches tick (absolute deadlines)");
        BUILTINS.put("ticks", "ticks(): the time since start, in timer ticks (u64)");
    }

    private static final Pattern MEMBER = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)[ \\t]*\\.[ \\t]*([A-Za-z0-9_]*)$");
    private static final Pattern WORD = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)$");

    private Completions() {}

    static String builtinDoc(String name) {
        return BUILTINS.getOrDefault(name, "");
    }

    /** What fits at {@code offset} of {@code text}, from {@code index} (the last document version that parsed). */
    static List<CompletionItem> at(String text, int offset, SourceIndex index) {
        String before = text.substring(0, Math.min(offset, text.length()));
        Matcher member = MEMBER.matcher(before);
        if (member.find()) return members(member.group(1), member.group(2), offset, index);
        Matcher word = WORD.matcher(before);
        String prefix = word.find() ? word.group(1) : "";
        List<CompletionItem> items = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        if (index != null) {
            Item.Fn fn = index.functionAt(offset);
            for (Symbol.LocalVar v : index.locals.getOrDefault(fn, List.of())) {
                if (v.span().start() < offset) add(items, seen, prefix, v.name(), CompletionItemKind.Variable, String.valueOf(v.type()));
            }
            for (Module m : index.typed.modules) {
                for (Item item : m.items()) {
                    if (item instanceof Item.Fn f) {
                        add(items, seen, prefix, f.name().name(), CompletionItemKind.Function, Hovers.signature(f, index.function(f)));
                    } else if (item instanceof Item.Const c) {
                        add(items, seen, prefix, c.name().name(), CompletionItemKind.Constant, "const");
                    } else if (item instanceof Item.Static s) {
                        add(items, seen, prefix, s.name().name(), CompletionItemKind.Variable, "static");
                    } else if (item instanceof Item.Register r) {
                        add(items, seen, prefix, r.name().name(), CompletionItemKind.Variable, "register");
                    } else if (item instanceof Item.Struct s) {
                        add(items, seen, prefix, s.name().name(), CompletionItemKind.Struct, "struct");
                    } else if (item instanceof Item.Enum e) {
                        add(items, seen, prefix, e.name().name(), CompletionItemKind.Enum, "enum");
                    }
                }
            }
        }
        for (Map.Entry<String, String> b : BUILTINS.entrySet()) add(items, seen, prefix, b.getKey(), CompletionItemKind.Function, b.getValue());
        for (TokenKind k : TokenKind.values()) if (k.isKeyword()) add(items, seen, prefix, k.text, CompletionItemKind.Keyword, "keyword");
        return items;
    }

    private static List<CompletionItem> members(String receiver, String prefix, int offset, SourceIndex index) {
        List<CompletionItem> items = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        if (index == null) return items;
        Type type = typeOfName(receiver, offset, index);
        if (type instanceof Type.Ref r) type = r.target();
        if (type instanceof Type.Struct st) {
            for (Type.Struct.Field f : st.fields()) add(items, seen, prefix, f.name(), CompletionItemKind.Field, String.valueOf(f.type()));
            methods(st.name(), true, prefix, index, items, seen);
        } else if (type instanceof Type.Channel ch) {
            List<String> methods = ch.signal() ? List.of("raise", "wait", "try_recv") : List.of("send", "recv", "try_send", "try_recv");
            for (String m : methods) add(items, seen, prefix, m, CompletionItemKind.Method, ch + " method");
        } else if (type instanceof Type.Array || type instanceof Type.Slice) {
            add(items, seen, prefix, "len", CompletionItemKind.Method, "len(): the number of elements");
        } else {
            // A type's name: an enum's variants, and the type's functions without `self` (`Avg.new()`).
            for (Module m : index.typed.modules) {
                for (Item item : m.items()) {
                    if (item instanceof Item.Enum e && e.name().name().equals(receiver)) {
                        for (Item.Variant v : e.variants()) add(items, seen, prefix, v.name().name(), CompletionItemKind.EnumMember, e.name().name());
                    }
                }
            }
            methods(receiver, false, prefix, index, items, seen);
        }
        return items;
    }

    /** The functions of {@code type}'s impl blocks: the methods (with `self`) or the others. */
    private static void methods(String type, boolean withSelf, String prefix, SourceIndex index, List<CompletionItem> items, Set<String> seen) {
        for (Module m : index.typed.modules) {
            for (Item item : m.items()) {
                if (!(item instanceof Item.Impl impl) || !impl.type().name().equals(type)) continue;
                for (Item.Fn f : impl.methods()) {
                    boolean hasSelf = !f.params().isEmpty() && f.params().get(0).name().name().equals("self");
                    String name = f.name().name().substring(f.name().name().lastIndexOf('.') + 1);   // the checker names a method `Type.name`
                    if (hasSelf == withSelf) add(items, seen, prefix, name, CompletionItemKind.Method, Hovers.signature(f, index.function(f)));
                }
            }
        }
    }

    /** The type of the variable, static or constant {@code name} as seen from {@code offset}. */
    private static Type typeOfName(String name, int offset, SourceIndex index) {
        Symbol.LocalVar best = null;
        for (Symbol.LocalVar v : index.locals.getOrDefault(index.functionAt(offset), List.of())) {
            if (v.name().equals(name) && v.span().start() < offset) best = v;   // the latest declaration before the cursor
        }
        if (best != null) return best.type();
        for (Symbol.Static s : index.typed.statics) if (s.name().equals(name)) return s.type();
        for (SourceIndex.Occurrence o : index.occurrences) {
            if (o.what() instanceof Symbol.Const c && c.name().equals(name)) return c.type();
        }
        return null;
    }

    private static void add(List<CompletionItem> items, Set<String> seen, String prefix, String label, CompletionItemKind kind, String detail) {
        if (!label.startsWith(prefix) || !seen.add(label)) return;
        CompletionItem item = new CompletionItem(label);
        item.setKind(kind);
        item.setDetail(detail);
        items.add(item);
    }
}

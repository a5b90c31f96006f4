package mote.lsp;

import java.util.ArrayList;
import java.util.List;
import mote.ast.Ident;
import mote.ast.Item;
import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.SymbolKind;

/** The outline of a file: its items, with a struct's fields and an enum's variants under them. */
final class DocumentSymbols {
    private DocumentSymbols() {}

    /** The outline entry of {@code item}, or null for an item with no name of its own. */
    static DocumentSymbol of(Item item, SourceIndex index) {
        Ident name = nameOf(item);
        if (name == null) return null;
        DocumentSymbol symbol = new DocumentSymbol(name.name(), kind(item), Positions.range(item.span()), Positions.range(name.span()));
        List<DocumentSymbol> children = new ArrayList<>();
        if (item instanceof Item.Fn f) {
            symbol.setDetail(Hovers.signature(f, index.function(f)));
        } else if (item instanceof Item.Struct s) {
            for (Item.FieldDecl fd : s.fields())
                children.add(new DocumentSymbol(fd.name().name(), SymbolKind.Field, Positions.range(fd.span()), Positions.range(fd.name().span())));
        } else if (item instanceof Item.Impl impl) {
            for (Item.Fn f : impl.methods())
                children.add(new DocumentSymbol(f.name().name().substring(f.name().name().lastIndexOf('.') + 1), SymbolKind.Method, Positions.range(f.span()), Positions.range(f.name().span()),
                        Hovers.signature(f, index.function(f))));
        } else if (item instanceof Item.Enum e) {
            for (Item.Variant v : e.variants())
                children.add(new DocumentSymbol(v.name().name(), SymbolKind.EnumMember, Positions.range(v.span()), Positions.range(v.name().span())));
        }
        if (!children.isEmpty()) symbol.setChildren(children);
        return symbol;
    }

    private static SymbolKind kind(Item item) {
        if (item instanceof Item.Fn) return SymbolKind.Function;
        if (item instanceof Item.Struct) return SymbolKind.Struct;
        if (item instanceof Item.Enum) return SymbolKind.Enum;
        if (item instanceof Item.Const) return SymbolKind.Constant;
        if (item instanceof Item.Interrupt) return SymbolKind.Event;
        if (item instanceof Item.Import) return SymbolKind.Module;
        if (item instanceof Item.Impl) return SymbolKind.Class;
        return SymbolKind.Variable;
    }

    private static Ident nameOf(Item item) {
        if (item instanceof Item.Fn f) return f.name();
        if (item instanceof Item.Const c) return c.name();
        if (item instanceof Item.Static s) return s.name();
        if (item instanceof Item.Register r) return r.name();
        if (item instanceof Item.Struct s) return s.name();
        if (item instanceof Item.Enum e) return e.name();
        if (item instanceof Item.Interrupt i) return i.name();
        if (item instanceof Item.Import i) return i.name();
        if (item instanceof Item.Impl i) return i.type();
        return null;
    }
}

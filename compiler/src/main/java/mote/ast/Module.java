package mote.ast;

import java.util.List;
import mote.diag.SourceFile;

/** One parsed `.mote` file. {@code name} is the import name (file name without `.mote`). */
public record Module(String name, SourceFile file, List<Item> items) {
    public Module {
        items = List.copyOf(items);
    }
}

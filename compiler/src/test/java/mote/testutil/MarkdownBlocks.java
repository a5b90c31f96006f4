package mote.testutil;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fenced code blocks of a markdown file, in order, each with its info string split into a
 * language (the first word, what renderers highlight by) and attributes (the other words,
 * {@code key=value} or a bare {@code flag}), and the line its opening fence is on.
 */
public final class MarkdownBlocks {
    private MarkdownBlocks() {}

    public record Block(String file, int line, String language, Map<String, String> attributes, String text) {
        public boolean has(String attribute) { return attributes.containsKey(attribute); }

        public String attribute(String name, String otherwise) { return attributes.getOrDefault(name, otherwise); }

        /** Where the block is, as a test name and in failure messages: {@code reference.md:42}. */
        public String where() { return file + ":" + line; }
    }

    public static List<Block> parse(String fileName, String markdown) {
        List<Block> blocks = new ArrayList<>();
        String[] lines = markdown.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String opening = lines[i].strip();
            if (!opening.startsWith("```")) continue;
            String fence = opening.substring(0, opening.length() - opening.replaceFirst("^`+", "").length());
            String[] info = opening.substring(fence.length()).strip().split("\\s+");
            StringBuilder text = new StringBuilder();
            int j = i + 1;
            while (j < lines.length && !lines[j].strip().equals(fence)) text.append(lines[j++]).append('\n');
            if (j == lines.length) throw new IllegalStateException(fileName + ":" + (i + 1) + ": code block never closed");
            Map<String, String> attributes = new LinkedHashMap<>();
            for (int k = 1; k < info.length; k++) {
                int eq = info[k].indexOf('=');
                if (eq < 0) attributes.put(info[k], "");
                else attributes.put(info[k].substring(0, eq), info[k].substring(eq + 1));
            }
            blocks.add(new Block(fileName, i + 1, info[0], attributes, text.toString()));
            i = j;
        }
        return blocks;
    }
}

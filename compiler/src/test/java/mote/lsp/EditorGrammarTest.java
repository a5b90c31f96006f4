package mote.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import mote.home.MoteHome;
import mote.lex.TokenKind;
import org.junit.jupiter.api.Test;

/**
 * editors/vscode's TextMate grammar keeps up with the language, checked without npm (npm test
 * in that folder runs the grammar through VS Code's engine): every keyword of the lexer and
 * every built-in is highlighted as one, and the extension starts `mote lsp`.
 */
class EditorGrammarTest {
    private static final Path VSCODE = MoteHome.get().resolve("editors/vscode");

    private static List<Pattern> patterns(JsonNode node, String scopePrefix) {
        List<Pattern> found = new ArrayList<>();
        if (node.isObject()) {
            if (node.has("match") && node.path("name").asText().startsWith(scopePrefix)) found.add(Pattern.compile(node.get("match").asText()));
            node.elements().forEachRemaining(child -> found.addAll(patterns(child, scopePrefix)));
        } else if (node.isArray()) {
            node.elements().forEachRemaining(child -> found.addAll(patterns(child, scopePrefix)));
        }
        return found;
    }

    @Test
    void everyKeywordAndBuiltinIsHighlighted() throws Exception {
        JsonNode grammar = new ObjectMapper().readTree(VSCODE.resolve("syntaxes/mote.tmLanguage.json").toFile());
        assertEquals("source.mote", grammar.get("scopeName").asText());
        List<Pattern> keywords = new ArrayList<>(patterns(grammar, "keyword."));
        keywords.addAll(patterns(grammar, "constant.language."));
        for (TokenKind k : TokenKind.values()) {
            if (!k.isKeyword()) continue;
            assertTrue(keywords.stream().anyMatch(p -> p.matcher(k.text).matches()), "keyword `" + k.text + "` has no highlighting rule");
        }
        List<Pattern> builtins = patterns(grammar, "support.function.builtin");
        for (String b : Completions.BUILTINS.keySet()) {
            assertTrue(builtins.stream().anyMatch(p -> p.matcher(b + "(").lookingAt()), "built-in `" + b + "` is not highlighted");
        }
    }

    @Test
    void theExtensionStartsTheLanguageServerForMoteFiles() throws Exception {
        JsonNode pkg = new ObjectMapper().readTree(VSCODE.resolve("package.json").toFile());
        JsonNode language = pkg.at("/contributes/languages/0");
        assertEquals("mote", language.get("id").asText());
        assertEquals(".mote", language.at("/extensions/0").asText());
        assertEquals("./syntaxes/mote.tmLanguage.json", pkg.at("/contributes/grammars/0/path").asText());
        String client = java.nio.file.Files.readString(VSCODE.resolve("extension.js"));
        assertTrue(client.contains("args: [\"lsp\"]"), client);
        new ObjectMapper().readTree(VSCODE.resolve("language-configuration.json").toFile());
    }
}

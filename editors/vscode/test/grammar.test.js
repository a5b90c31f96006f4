// Tokenizes Mote with the extension's grammar, through the same TextMate engine VS Code uses,
// and checks the scopes of the constructs that matter: `npm test`.
const fs = require("fs");
const path = require("path");
const assert = require("assert");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const wasm = fs.readFileSync(path.join(path.dirname(require.resolve("vscode-oniguruma")), "onig.wasm")).buffer;
const onigLib = oniguruma.loadWASM(wasm).then(() => ({
  createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
  createOnigString: (s) => new oniguruma.OnigString(s),
}));

const registry = new vsctm.Registry({
  onigLib,
  loadGrammar: async (scope) => scope === "source.mote"
    ? vsctm.parseRawGrammar(fs.readFileSync(path.join(__dirname, "..", "syntaxes", "mote.tmLanguage.json"), "utf8"), "mote.tmLanguage.json")
    : null,
});

/** The scope of each token of `source`, as [text, innermost scope]. */
function tokens(grammar, source) {
  let state = vsctm.INITIAL;
  const out = [];
  for (const line of source.split("\n")) {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) out.push([line.substring(t.startIndex, t.endIndex), t.scopes[t.scopes.length - 1]]);
    state = r.ruleStack;
  }
  return out;
}

function scopeOf(toks, text) {
  const t = toks.find(([s]) => s === text);
  assert.ok(t, `no token ${JSON.stringify(text)} in ${JSON.stringify(toks)}`);
  return t[1];
}

(async () => {
  const grammar = await registry.loadGrammar("source.mote");
  const toks = tokens(grammar, [
    "/* a /* nested */ comment */",
    "task fn producer(n: u32) {",
    "    for i in 1..=n { QUEUE.send(i).await; } // line",
    "    println(\"sum = {} {:x}\\n\", 0x1F_u8, 42);",
    "    let ok: bool = true as bool;",
    "    'outer: loop { if let Some(v) = self.next() { break 'outer; } }",
    "    let c = 'x';",
    "    let v: f32 = 3.3e-1 * 2f32;",
    "}",
    "impl Avg { fn new() -> Option<usize> { None } }",
  ].join("\n"));
  assert.strictEqual(scopeOf(toks, " comment "), "comment.block.mote", "the nested comment goes on after the inner */");
  assert.strictEqual(scopeOf(toks, "task"), "keyword.control.async.mote");
  assert.strictEqual(scopeOf(toks, "producer"), "entity.name.function.mote");
  assert.strictEqual(scopeOf(toks, "u32"), "storage.type.primitive.mote");
  assert.strictEqual(scopeOf(toks, "await"), "keyword.control.async.mote");
  assert.strictEqual(scopeOf(toks, "..="), "keyword.operator.range.mote");
  assert.strictEqual(scopeOf(toks, "QUEUE"), "constant.other.mote");
  assert.strictEqual(scopeOf(toks, "// line"), "comment.line.double-slash.mote");
  assert.strictEqual(scopeOf(toks, "println"), "support.function.builtin.mote");
  assert.strictEqual(scopeOf(toks, "{:x}"), "constant.other.placeholder.mote");
  assert.strictEqual(scopeOf(toks, "\\n"), "constant.character.escape.mote");
  assert.strictEqual(scopeOf(toks, "0x1F_u8"), "constant.numeric.hex.mote");
  assert.strictEqual(scopeOf(toks, "true"), "constant.language.boolean.mote");
  assert.strictEqual(scopeOf(toks, "as"), "keyword.operator.cast.mote");
  assert.strictEqual(scopeOf(toks, "'outer"), "entity.name.label.mote");
  assert.strictEqual(scopeOf(toks, "'x'"), "string.quoted.single.mote");
  assert.strictEqual(scopeOf(toks, "Some"), "support.constant.variant.mote");
  assert.strictEqual(scopeOf(toks, "self"), "variable.language.self.mote");
  assert.strictEqual(scopeOf(toks, "impl"), "keyword.declaration.impl.mote");
  assert.strictEqual(scopeOf(toks, "usize"), "storage.type.primitive.mote");
  assert.strictEqual(scopeOf(toks, "f32"), "storage.type.primitive.mote");
  assert.strictEqual(scopeOf(toks, "3.3e-1"), "constant.numeric.float.mote");
  assert.strictEqual(scopeOf(toks, "2f32"), "constant.numeric.float.mote");
  assert.strictEqual(scopeOf(toks, "Option"), "support.type.mote");

  // Every example of the repository tokenizes without a token left unscoped inside code.
  const examples = path.join(__dirname, "..", "..", "..", "examples");
  let files = 0;
  for (const f of fs.readdirSync(examples).filter((f) => f.endsWith(".mote"))) {
    tokens(grammar, fs.readFileSync(path.join(examples, f), "utf8"));
    files++;
  }
  assert.ok(files > 3, "examples tokenized: " + files);
  console.log(`grammar: 21 scope checks and ${files} examples: 1 passed, 0 failed`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});

// The Mote extension: highlighting comes from the grammar in syntaxes/; everything else from
// the language server, `mote lsp`, which this starts and talks to over stdio.
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("mote").get("path") || "mote";
  const serverOptions = {
    run: { command, args: ["lsp"], transport: TransportKind.stdio },
    debug: { command, args: ["lsp"], transport: TransportKind.stdio },
  };
  const clientOptions = {
    documentSelector: [{ scheme: "file", language: "mote" }],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/{*.mote,Mote.toml}") },
  };
  client = new LanguageClient("mote", "Mote language server", serverOptions, clientOptions);
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };

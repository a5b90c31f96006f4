package mote.cli;

import java.util.concurrent.Callable;
import mote.lsp.MoteLanguageServer;
import picocli.CommandLine.Command;

@Command(name = "lsp", mixinStandardHelpOptions = true,
        description = {"Runs the language server for editors (the Language Server Protocol on stdin/stdout).",
                "Diagnostics as you type, definitions, references, hovers with types and, on an async fn or task,",
                "its state machine and worst-case poll stack, completion, the outline, and each task's RAM.",
                "editors/vscode/ is an extension that starts it."})
public final class LspCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        // stdout carries the protocol: nothing else may print there.
        return MoteLanguageServer.serve(System.in, System.out);
    }
}

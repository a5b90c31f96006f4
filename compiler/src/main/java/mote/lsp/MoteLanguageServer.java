package mote.lsp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import mote.ast.Item;
import mote.diag.Diagnostic;
import mote.diag.Severity;
import mote.diag.ToolError;
import mote.types.Symbol;
import org.eclipse.lsp4j.CodeLens;
import org.eclipse.lsp4j.CodeLensOptions;
import org.eclipse.lsp4j.CodeLensParams;
import org.eclipse.lsp4j.Command;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionList;
import org.eclipse.lsp4j.CompletionOptions;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DefinitionParams;
import org.eclipse.lsp4j.DiagnosticSeverity;
import org.eclipse.lsp4j.DidChangeConfigurationParams;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidChangeWatchedFilesParams;
import org.eclipse.lsp4j.DidCloseTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.DidSaveTextDocumentParams;
import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.DocumentSymbolParams;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.Location;
import org.eclipse.lsp4j.LocationLink;
import org.eclipse.lsp4j.MarkupContent;
import org.eclipse.lsp4j.MarkupKind;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.ReferenceParams;
import org.eclipse.lsp4j.SaveOptions;
import org.eclipse.lsp4j.ServerCapabilities;
import org.eclipse.lsp4j.ServerInfo;
import org.eclipse.lsp4j.SymbolInformation;
import org.eclipse.lsp4j.TextDocumentSyncKind;
import org.eclipse.lsp4j.TextDocumentSyncOptions;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageClientAware;
import org.eclipse.lsp4j.services.LanguageServer;
import org.eclipse.lsp4j.services.TextDocumentService;
import org.eclipse.lsp4j.services.WorkspaceService;

/**
 * The language server: open documents, their latest analysis, and the answers to requests.
 * Each change is analysed on one worker thread, in order, and its diagnostics published; a
 * request waits for the analysis of the version it was asked about. Builds for stack and RAM
 * run on a second thread when a file is opened or saved.
 */
public final class MoteLanguageServer implements LanguageServer, LanguageClientAware {
    private final Map<String, Document> documents = new ConcurrentHashMap<>();
    private final ExecutorService analyses = Executors.newSingleThreadExecutor(daemon("mote-lsp-analysis"));
    private final ExecutorService builds = Executors.newSingleThreadExecutor(daemon("mote-lsp-build"));
    private final TextDocuments textDocuments = new TextDocuments();
    private final Path buildDir;
    private volatile LanguageClient client;
    private volatile boolean shutdown;
    /** The client redraws code lenses when asked (workspace/codeLens/refresh). */
    private volatile boolean clientRefreshesLenses;
    /** Completed by the client's `exit`: with 0 after a `shutdown`, else 1 (as the protocol says). */
    private final CompletableFuture<Integer> exited = new CompletableFuture<>();

    /** One open document: its text, and its analyses as they complete. */
    private static final class Document {
        final String uri;
        final Path path;
        volatile String text;
        volatile int version;
        volatile CompletableFuture<DocumentAnalysis> analysis;
        /** The last analysis whose text parsed: what completion uses while the user types. */
        volatile DocumentAnalysis lastParsed;
        volatile CompletableFuture<TaskBuild> build;

        Document(String uri, Path path) {
            this.uri = uri;
            this.path = path;
        }
    }

    public MoteLanguageServer() {
        try {
            this.buildDir = Files.createTempDirectory("mote-lsp");
        } catch (IOException e) {
            throw ToolError.io("create a build folder in", Path.of(System.getProperty("java.io.tmpdir")), e);
        }
    }

    /**
     * A request lsp4j declares but Mote does not serve (formatting, rename, ...) throws
     * UnsupportedOperationException in lsp4j's default method: the protocol's answer is
     * MethodNotFound (-32601), not an internal error (-32603). Anything else stays lsp4j's.
     */
    static org.eclipse.lsp4j.jsonrpc.messages.ResponseError responseError(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnsupportedOperationException)
                return new org.eclipse.lsp4j.jsonrpc.messages.ResponseError(org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode.MethodNotFound,
                        "mote lsp does not serve this request", null);
        }
        return org.eclipse.lsp4j.jsonrpc.RemoteEndpoint.DEFAULT_EXCEPTION_HANDLER.apply(thrown);
    }

    /** Held here: java.util.logging keeps loggers weakly, and a collected one loses its handler. */
    private static final java.util.logging.Logger LSP4J_LOG = java.util.logging.Logger.getLogger("org.eclipse.lsp4j");

    /**
     * lsp4j reports what it cannot read (a header whose Content-Length is not a number, a body
     * that is not JSON) through java.util.logging, as a SEVERE record with a stack trace, and
     * reads on. Editors show the server's stderr in a log: one line naming the problem serves.
     */
    static void reportProtocolErrorsInOneLine() {
        LSP4J_LOG.setUseParentHandlers(false);
        for (java.util.logging.Handler h : LSP4J_LOG.getHandlers()) LSP4J_LOG.removeHandler(h);
        LSP4J_LOG.addHandler(new java.util.logging.Handler() {
            @Override public void publish(java.util.logging.LogRecord r) {
                if (r.getLevel().intValue() < java.util.logging.Level.WARNING.intValue()) return;
                Throwable t = r.getThrown();
                String what = t instanceof NumberFormatException ? "a Content-Length that is not a number (" + t.getMessage() + ")"
                        : t != null && t.getMessage() != null ? t.getMessage() : r.getMessage();
                System.err.println("mote lsp: cannot read a message from the editor: "
                        + what.replace("\r", "\\r").replace("\n", "\\n"));
            }
            @Override public void flush() { System.err.flush(); }
            @Override public void close() {}
        });
    }

    /** Serves the protocol on these streams until the client exits; returns the exit code. */
    public static int serve(InputStream in, OutputStream out) {
        reportProtocolErrorsInOneLine();
        MoteLanguageServer server = new MoteLanguageServer();
        Launcher<LanguageClient> launcher = new LSPLauncher.Builder<LanguageClient>()
                .setLocalService(server).setRemoteInterface(LanguageClient.class).setInput(in).setOutput(out)
                .setExceptionHandler(MoteLanguageServer::responseError).create();
        server.connect(launcher.getRemoteProxy());
        Future<Void> listening = launcher.startListening();
        // Ends on `exit`, or when the stream closes (the editor went away).
        Thread watcher = daemon("mote-lsp-stream").newThread(() -> {
            try {
                listening.get();
            } catch (Exception e) {
                // closed
            }
            server.exited.complete(server.shutdown ? 0 : 1);
        });
        watcher.start();
        int code = server.exited.join();
        server.stopWorkers();
        return code;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void connect(LanguageClient client) {
        this.client = client;
    }

    @Override
    public CompletableFuture<InitializeResult> initialize(InitializeParams params) {
        var workspace = params.getCapabilities() == null ? null : params.getCapabilities().getWorkspace();
        clientRefreshesLenses = workspace != null && workspace.getCodeLens() != null && Boolean.TRUE.equals(workspace.getCodeLens().getRefreshSupport());
        ServerCapabilities caps = new ServerCapabilities();
        TextDocumentSyncOptions sync = new TextDocumentSyncOptions();
        sync.setOpenClose(true);
        sync.setChange(TextDocumentSyncKind.Full);
        sync.setSave(new SaveOptions(false));
        caps.setTextDocumentSync(sync);
        caps.setHoverProvider(true);
        caps.setDefinitionProvider(true);
        caps.setReferencesProvider(true);
        caps.setDocumentSymbolProvider(true);
        caps.setCompletionProvider(new CompletionOptions(false, List.of(".")));
        caps.setCodeLensProvider(new CodeLensOptions(false));
        return CompletableFuture.completedFuture(new InitializeResult(caps, new ServerInfo("mote", mote.InternalCompilerError.VERSION)));
    }

    @Override
    public CompletableFuture<Object> shutdown() {
        shutdown = true;
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void exit() {
        exited.complete(shutdown ? 0 : 1);
    }

    private void stopWorkers() {
        analyses.shutdownNow();
        builds.shutdownNow();
        mote.home.BuildFolder.discard(buildDir);
    }

    @Override
    public TextDocumentService getTextDocumentService() { return textDocuments; }

    @Override
    public WorkspaceService getWorkspaceService() {
        return new WorkspaceService() {
            @Override public void didChangeConfiguration(DidChangeConfigurationParams params) {}
            /** An imported file or a Mote.toml changed on disk: the open documents may read differently now. */
            @Override public void didChangeWatchedFiles(DidChangeWatchedFilesParams params) {
                boolean manifest = params.getChanges().stream().anyMatch(c -> c.getUri().endsWith("/" + mote.project.Manifest.FILE_NAME));
                for (Document doc : documents.values()) {
                    update(doc, doc.text, doc.version);
                    if (manifest) rebuild(doc);
                }
            }
        };
    }

    private void update(Document doc, String text, int version) {
        doc.text = text;
        doc.version = version;
        doc.analysis = CompletableFuture.supplyAsync(() -> {
            // A newer version is queued behind this one: skip straight to it.
            if (doc.version != version) return null;
            DocumentAnalysis a = DocumentAnalysis.of(doc.path, text, version);
            if (a.index() != null) doc.lastParsed = a;
            publish(doc, a);
            return a;
        }, analyses);
    }

    private void publish(Document doc, DocumentAnalysis a) {
        LanguageClient c = client;
        if (c == null || doc.version != a.version()) return;
        List<org.eclipse.lsp4j.Diagnostic> list = new ArrayList<>();
        for (Diagnostic d : a.diagnostics()) {
            boolean here = d.span() != null && d.span().file().path() != null && d.span().file().path().equals(doc.path);
            org.eclipse.lsp4j.Diagnostic out = new org.eclipse.lsp4j.Diagnostic();
            // An error in an imported file shows at the top of this one, naming its place.
            out.setRange(here ? Positions.range(d.span()) : new org.eclipse.lsp4j.Range(new org.eclipse.lsp4j.Position(0, 0), new org.eclipse.lsp4j.Position(0, 0)));
            out.setMessage((here || d.span() == null ? "" : d.span().location() + ": ") + d.message()
                    + (d.help().isEmpty() ? "" : "\nhelp: " + String.join("\nhelp: ", d.help())));
            out.setSeverity(d.severity() == Severity.ERROR ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning);
            if (d.code() != null) out.setCode(d.code());
            out.setSource("mote");
            list.add(out);
        }
        c.publishDiagnostics(new PublishDiagnosticsParams(doc.uri, list, a.version()));
    }

    private void rebuild(Document doc) {
        if (!Files.isRegularFile(doc.path)) return;
        doc.build = CompletableFuture.supplyAsync(() -> TaskBuild.of(doc.path, buildDir), builds);
        // Editors that support it redraw the task lenses with the measured numbers.
        doc.build.thenRun(() -> {
            LanguageClient c = client;
            if (c != null && clientRefreshesLenses) {
                try {
                    c.refreshCodeLenses();
                } catch (RuntimeException ignored) {
                    // Not every client takes this request.
                }
            }
        });
    }

    /** The analysis of the document's current version (waiting for it when it is still running). */
    private DocumentAnalysis current(String uri) {
        Document doc = documents.get(uri);
        if (doc == null) return null;
        DocumentAnalysis a = doc.analysis.join();
        while (a == null || a.version() != doc.version) {
            a = doc.analysis.join();
            if (a != null && a.version() == doc.version) break;
            Thread.onSpinWait();
        }
        return a;
    }

    private TaskBuild finishedBuild(Document doc) {
        if (doc == null) return null;   // closed meanwhile
        CompletableFuture<TaskBuild> b = doc.build;
        return b != null && b.isDone() ? b.join() : null;
    }

    private static Path pathOf(String uri) {
        try {
            return Path.of(URI.create(uri));
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return Path.of(uri.replaceFirst("^[a-z]+:", ""));
        }
    }

    /** Where {@code span} is, for the editor; null for a file it cannot open. */
    private Location location(mote.diag.Span span) {
        Path file = span.file().path();
        if (file == null) file = stdFile(span.file().programPath());
        return file == null ? null : new Location(file.toUri().toString(), Positions.range(span));
    }

    /**
     * A standard-library module ({@code std/bits.mote}) lives inside the jar: the editor opens a
     * copy written into the server's folder.
     */
    private Path stdFile(String programPath) {
        if (!programPath.startsWith("std/")) return null;
        String name = programPath.substring("std/".length()).replaceFirst("\\.mote$", "");
        String text = mote.parse.Modules.stdSource(name);
        if (text == null) return null;
        Path copy = buildDir.resolve("std").resolve(name + ".mote");
        try {
            Files.createDirectories(copy.getParent());
            if (!Files.isRegularFile(copy)) Files.writeString(copy, text);
            return copy;
        } catch (IOException e) {
            return null;
        }
    }

    private final class TextDocuments implements TextDocumentService {
        @Override
        public void didOpen(DidOpenTextDocumentParams params) {
            String uri = params.getTextDocument().getUri();
            Document doc = documents.computeIfAbsent(uri, u -> new Document(u, pathOf(u)));
            update(doc, params.getTextDocument().getText(), params.getTextDocument().getVersion());
            rebuild(doc);
        }

        @Override
        public void didChange(DidChangeTextDocumentParams params) {
            Document doc = documents.get(params.getTextDocument().getUri());
            if (doc == null || params.getContentChanges().isEmpty()) return;
            // Full synchronisation: the last change is the whole text.
            update(doc, params.getContentChanges().get(params.getContentChanges().size() - 1).getText(), params.getTextDocument().getVersion());
        }

        @Override
        public void didClose(DidCloseTextDocumentParams params) {
            documents.remove(params.getTextDocument().getUri());
            LanguageClient c = client;
            if (c != null) c.publishDiagnostics(new PublishDiagnosticsParams(params.getTextDocument().getUri(), List.of()));
        }

        @Override
        public void didSave(DidSaveTextDocumentParams params) {
            Document doc = documents.get(params.getTextDocument().getUri());
            if (doc != null) rebuild(doc);
        }

        /** A request without the document or position it is about (a client's mistake): answered empty, not with a Java trace. */
        private boolean missing(org.eclipse.lsp4j.TextDocumentPositionParams params) {
            return params == null || params.getTextDocument() == null || params.getTextDocument().getUri() == null || params.getPosition() == null;
        }

        @Override
        public CompletableFuture<Hover> hover(HoverParams params) {
            if (missing(params)) return CompletableFuture.completedFuture(null);
            return CompletableFuture.supplyAsync(() -> {
                Document doc = documents.get(params.getTextDocument().getUri());
                DocumentAnalysis a = current(params.getTextDocument().getUri());
                if (a == null) return null;
                String text = Hovers.of(a, finishedBuild(doc), Positions.offset(a.file().text(), params.getPosition()));
                return text == null ? null : new Hover(new MarkupContent(MarkupKind.MARKDOWN, text));
            });
        }

        @Override
        public CompletableFuture<Either<List<? extends Location>, List<? extends LocationLink>>> definition(DefinitionParams params) {
            if (missing(params)) return CompletableFuture.completedFuture(Either.forLeft(List.of()));
            return CompletableFuture.supplyAsync(() -> {
                DocumentAnalysis a = current(params.getTextDocument().getUri());
                List<Location> found = new ArrayList<>();
                if (a != null && a.index() != null) {
                    SourceIndex.Occurrence o = a.index().occurrenceAt(Positions.offset(a.file().text(), params.getPosition()));
                    SourceIndex.Occurrence def = o == null ? null : a.index().definitions.get(o.key());
                    Location where = def == null ? null : location(def.span());
                    if (where != null) found.add(where);
                }
                return Either.forLeft(found);
            });
        }

        @Override
        public CompletableFuture<List<? extends Location>> references(ReferenceParams params) {
            if (missing(params)) return CompletableFuture.completedFuture(List.of());
            return CompletableFuture.supplyAsync(() -> {
                DocumentAnalysis a = current(params.getTextDocument().getUri());
                List<Location> found = new ArrayList<>();
                if (a == null || a.index() == null) return found;
                SourceIndex.Occurrence o = a.index().occurrenceAt(Positions.offset(a.file().text(), params.getPosition()));
                if (o == null) return found;
                boolean withDeclaration = params.getContext() == null || params.getContext().isIncludeDeclaration();
                for (SourceIndex.Occurrence r : a.index().referencesTo(o.key())) {
                    if (!r.definition() || withDeclaration) {
                        Location where = location(r.span());
                        if (where != null) found.add(where);
                    }
                }
                return found;
            });
        }

        @Override
        public CompletableFuture<Either<List<CompletionItem>, CompletionList>> completion(CompletionParams params) {
            if (missing(params)) return CompletableFuture.completedFuture(Either.forLeft(List.of()));
            return CompletableFuture.supplyAsync(() -> {
                Document doc = documents.get(params.getTextDocument().getUri());
                if (doc == null) return Either.forLeft(List.of());
                String text = doc.text;
                DocumentAnalysis a = current(doc.uri);
                DocumentAnalysis parsed = a != null && a.index() != null ? a : doc.lastParsed;
                return Either.forLeft(Completions.at(text, Positions.offset(text, params.getPosition()), parsed == null ? null : parsed.index()));
            });
        }

        @Override
        public CompletableFuture<List<Either<SymbolInformation, DocumentSymbol>>> documentSymbol(DocumentSymbolParams params) {
            if (params == null || params.getTextDocument() == null || params.getTextDocument().getUri() == null)
                return CompletableFuture.completedFuture(List.of());
            return CompletableFuture.supplyAsync(() -> {
                DocumentAnalysis a = current(params.getTextDocument().getUri());
                // Mid-edit, the text may not parse: the outline of the last version that did.
                Document doc = documents.get(params.getTextDocument().getUri());
                if ((a == null || a.index() == null) && doc != null) a = doc.lastParsed;
                List<Either<SymbolInformation, DocumentSymbol>> out = new ArrayList<>();
                if (a == null || a.index() == null) return out;
                for (Item item : a.index().root().items()) {
                    DocumentSymbol s = DocumentSymbols.of(item, a.index());
                    if (s != null) out.add(Either.forRight(s));
                }
                return out;
            });
        }

        @Override
        public CompletableFuture<List<? extends CodeLens>> codeLens(CodeLensParams params) {
            return CompletableFuture.supplyAsync(() -> {
                Document doc = documents.get(params.getTextDocument().getUri());
                DocumentAnalysis a = current(params.getTextDocument().getUri());
                List<CodeLens> lenses = new ArrayList<>();
                if (a == null || a.index() == null) return lenses;
                TaskBuild build = finishedBuild(doc);
                for (Item item : a.index().root().items()) {
                    if (!(item instanceof Item.Fn f) || (f.kind() != Item.FnKind.TASK && !f.name().name().equals("main"))) continue;
                    Symbol.Fn fn = a.index().function(f);
                    if (fn == null) continue;
                    lenses.add(new CodeLens(Positions.range(f.name().span()), new Command(Hovers.lens(a, build, fn), ""), null));
                }
                return lenses;
            });
        }
    }
}

package mote.testutil;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * Reads a child process's output on a thread of its own, started now. Not the common
 * ForkJoin pool: on a 2-core machine it has one worker, so a reader queued behind another
 * blocking one may start only after its process was destroyed, and then reads nothing.
 */
public final class Streams {
    private Streams() {}

    public static CompletableFuture<String> readAllAsync(InputStream in) {
        CompletableFuture<String> out = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                out.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                out.complete("(could not read: " + e.getMessage() + ")");
            }
        }, "test-stream-reader");
        t.setDaemon(true);
        t.start();
        return out;
    }
}

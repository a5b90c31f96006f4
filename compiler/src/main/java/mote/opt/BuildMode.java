package mote.opt;

/** What about the build a layout pass may depend on: debug checks, and `--panic=abort` (else `--panic=task`). */
public record BuildMode(boolean debug, boolean panicAbort) {}

package mote.opt;

/**
 * What about the build a layout pass may depend on: debug checks, `--panic=abort` (else
 * `--panic=task`), and whether the target core loads and stores words at any address (v7-M
 * and up, not v6-M or v8-M Baseline), so that a state object may keep a scalar unaligned.
 */
public record BuildMode(boolean debug, boolean panicAbort, boolean unalignedWords) {}

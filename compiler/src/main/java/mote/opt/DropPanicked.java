package mote.opt;

/**
 * `drop-panicked`: no Panicked state under `--panic=abort`.
 *
 * rustc reserves a Panicked discriminant value and a poll arm for a coroutine that unwound
 * while being polled. With `--panic=abort` a panic ends the program before anything could
 * poll the future again, so the state is unreachable: removing it shrinks the dispatch switch
 * and frees a discriminant value. Under `--panic=task` a panicking task is poisoned and never
 * polled again either, but its state stays inspectable, so the state is kept there.
 */
public final class DropPanicked implements LayoutPass {
    @Override public Optimization optimization() { return Optimization.DROP_PANICKED; }

    @Override public boolean dropsPanicked(BuildMode mode) {
        return mode.panicAbort();
    }
}

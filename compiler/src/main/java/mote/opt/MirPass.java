package mote.opt;

import mote.mir.MirProgram;

/**
 * An optimization that rewrites MIR, whole program at a time. Its file holds all of its code
 * and the argument that it is legal; {@link Passes#MIR} says when it runs, and the MIR verifier
 * checks what it returns.
 */
public interface MirPass {
    /** The `--opt` name that switches it on. */
    Optimization optimization();

    MirProgram transform(MirProgram program);
}

/**
 * The async optimizations, one file each (docs/optimizations.md): {@link mote.opt.MirPass}es
 * rewrite MIR, {@link mote.opt.LayoutPass}es answer async lowering's questions about each
 * state machine; {@link mote.opt.Passes} lists them in running order and {@link
 * mote.opt.Optimization} names them for `--opt`. Also {@link mote.opt.CertainSpawns}, which is
 * always on, and the MIR editing helpers the passes share.
 *
 * May import: diag, types, mir (and the front end below them). The order of all packages is
 * checked by PackageDependenciesTest.
 */
package mote.opt;

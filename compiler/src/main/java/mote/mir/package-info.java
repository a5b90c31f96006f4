/**
 * The mid-level IR: functions as control-flow graphs over numbered locals ({@link
 * mote.mir.MirFn}, {@link mote.mir.Statement}, {@link mote.mir.Terminator}, {@link
 * mote.mir.Rvalue} with MIR's own operators), built from the typed AST by {@link
 * mote.mir.MirBuilder} (with the files beneath it one responsibility each, see {@link
 * mote.mir.CfgBuilder}; `join`/`race` in {@link mote.mir.JoinRaceLowering}) and checked by {@link mote.mir.MirVerifier}. Also the analyses both the
 * optimizations and async lowering use: {@link mote.mir.Liveness}, {@link
 * mote.mir.AsyncCallGraph} (E0420 for await cycles), {@link mote.mir.BorrowedLocals}.
 *
 * May import: diag, ast, types (and lex, parse). The order of all packages is checked by
 * PackageDependenciesTest.
 */
package mote.mir;

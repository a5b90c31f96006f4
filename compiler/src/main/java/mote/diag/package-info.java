/**
 * Diagnostics and source text, used by every package: {@link mote.diag.SourceFile} (a file's
 * text and line index), {@link mote.diag.Span}, rustc-style {@link mote.diag.Diagnostic}s with
 * stable codes (docs/errors.md) collected in {@link mote.diag.Diagnostics}, and the two ways a
 * build fails: {@link mote.diag.CompileError} (the program is wrong) and {@link
 * mote.diag.ToolError} (something outside it is).
 *
 * May import: nothing of Mote's. The order of all packages is checked by
 * PackageDependenciesTest.
 */
package mote.diag;

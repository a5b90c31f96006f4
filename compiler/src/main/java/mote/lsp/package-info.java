/**
 * {@code mote lsp}: the Language Server Protocol over stdio (Eclipse LSP4J), for editors.
 * Diagnostics come from the compiler's own phases (parse, types, definite assignment, MIR and
 * async lowering) run on the editor's text; definitions, references, hovers and completions
 * from the type checker's side tables, walked here; the async hovers and the task RAM code lens
 * from the same analyses as {@code mote size} (state machines with {@code --opt all} and
 * {@code none}, the worst-case poll stack of a build for the file's board). May use everything
 * below the command line, and the project package for a file's board.
 */
package mote.lsp;

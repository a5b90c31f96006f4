/**
 * Names and types: {@link mote.types.TypeChecker} resolves every name, checks every expression
 * (E0xxx errors) and records a type per expression in a {@link mote.types.TypedProgram}, with
 * the files beneath it one responsibility each (see {@link mote.types.CheckerState}: inference,
 * item declarations, variants, patterns, format strings, calls, the async rules);
 * {@link mote.types.DefiniteAssignment} checks reads before assignment; {@link
 * mote.types.ConstEval} folds constants; {@link mote.types.Type} is the semantic type, with
 * sizes and alignments.
 *
 * May import: diag, lex, ast, parse. The order of all packages is checked by
 * PackageDependenciesTest.
 */
package mote.types;

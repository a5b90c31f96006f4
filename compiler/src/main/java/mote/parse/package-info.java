/**
 * Tokens to the syntax tree: the recursive-descent {@link mote.parse.Parser}, and {@link
 * mote.parse.Modules}, which loads the root file and every module it imports (the std library
 * from the jar).
 *
 * May import: diag, lex, ast. The order of all packages is checked by PackageDependenciesTest.
 */
package mote.parse;

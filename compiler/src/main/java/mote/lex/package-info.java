/**
 * Source text to tokens ({@link mote.lex.Lexer}).
 *
 * May import: diag. The order of all packages is checked by PackageDependenciesTest.
 */
package mote.lex;

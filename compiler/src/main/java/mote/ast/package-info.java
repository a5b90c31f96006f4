/**
 * The syntax tree as written: items, statements, expressions, patterns and types as spelled,
 * each with its span. Records and sealed interfaces; no behaviour.
 *
 * May import: diag. The order of all packages is checked by PackageDependenciesTest.
 */
package mote.ast;

/**
 * The command line: argument parsing and one class per subcommand (build, run, test, size,
 * flash, boards, explain).
 *
 * May import: everything. The order of all packages is checked by PackageDependenciesTest.
 */
package mote.cli;

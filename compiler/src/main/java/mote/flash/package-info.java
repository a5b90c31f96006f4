/**
 * Writing an image to a real board through a gdb server, and watching its console (ConsoleMonitor).
 *
 * May import: decode, link, board, home, diag. The order of all packages is checked by
 * PackageDependenciesTest.
 */
package mote.flash;

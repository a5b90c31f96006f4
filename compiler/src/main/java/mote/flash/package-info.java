/**
 * Writing an image to a real board through a gdb server.
 *
 * May import: link, board, home, diag. The order of all packages is checked by
 * PackageDependenciesTest.
 */
package mote.flash;

/**
 * Target boards: a board file (boards/*.json) read and checked into a {@link mote.board.Board}
 * (CPU, memory, console, interrupts), the catalog of boards. Checks a board's LLVM triple and
 * CPU against the bundled LLVM.
 *
 * May import: llvm, home, diag. The order of all packages is checked by
 * PackageDependenciesTest.
 */
package mote.board;

/**
 * Turning what a device prints into what a person reads: fault reports (runtime-c's
 * {@code fault:} line) and --backtrace builds' panic backtraces ({@code backtrace:}) decoded
 * with the image's symbols, line table and call frame information and the board's memory
 * map; interned log frames as text. Used by {@code mote run}, {@code mote monitor} and the tests.
 *
 * May import: link, board, llvm (symbol names), home, diag. The order of all packages is checked by
 * PackageDependenciesTest.
 */
package mote.decode;

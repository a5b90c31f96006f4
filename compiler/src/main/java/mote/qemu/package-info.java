/**
 * Running an image under QEMU: machine flags per board, semihosting exit codes, gdb attach.
 *
 * May import: board, home, diag. The order of all packages is checked by
 * PackageDependenciesTest.
 */
package mote.qemu;

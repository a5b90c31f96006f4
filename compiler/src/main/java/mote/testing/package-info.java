/**
 * `mote test`: builds and runs each `test fn` of a file under QEMU.
 *
 * May import: the driver, qemu and below. The order of all packages is checked by
 * PackageDependenciesTest.
 */
package mote.testing;

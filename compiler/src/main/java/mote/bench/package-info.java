/**
 * `make bench`: sizes and timings of the examples against the baselines.
 *
 * May import: the driver, size, qemu and below. The order of all packages is checked by
 * PackageDependenciesTest.
 */
package mote.bench;

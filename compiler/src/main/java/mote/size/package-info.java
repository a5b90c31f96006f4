/**
 * Reports on a compiled image: flash and RAM by section and by task state, worst-case stack
 * depth, the size baselines.
 *
 * May import: the driver and everything below it. The order of all packages is checked by
 * PackageDependenciesTest.
 */
package mote.size;

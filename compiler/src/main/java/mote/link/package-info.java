/**
 * From object files to an image: runtime-c built and cached per board ({@link
 * mote.link.RuntimeBuilder}), the linker script and ld.lld ({@link mote.link.Linker}), image
 * sizes, and the bin/hex/uf2 forms.
 *
 * May import: board, home, diag. The order of all packages is checked by
 * PackageDependenciesTest.
 */
package mote.link;

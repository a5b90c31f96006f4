/**
 * Where Mote's files and tools are: the installation ({@link mote.home.MoteHome}: boards,
 * runtime-c, examples), the per-user cache ({@link mote.home.MoteCache}), a build's private
 * folder and the installing of its outputs ({@link mote.home.BuildFolder}), and the external
 * tools Mote runs ({@link mote.home.Toolchain}: clang, ld.lld, llc, objcopy).
 *
 * May import: diag. The order of all packages is checked by PackageDependenciesTest.
 */
package mote.home;

/**
 * Where Mote's files and tools are: the installation ({@link mote.home.MoteHome}: boards,
 * runtime-c, examples), the per-user cache ({@link mote.home.MoteCache}), a build's private
 * folder and the installing of its outputs ({@link mote.home.BuildFolder}), and the external
 * tools Mote runs ({@link mote.home.Toolchain}: clang, ld.lld, llc, objcopy), and the
 * per-phase `--timings` recorder ({@link mote.home.Timings}) that every phase, from MIR passes
 * to the linker, reports into.
 *
 * May import: diag. The order of all packages is checked by PackageDependenciesTest.
 */
package mote.home;

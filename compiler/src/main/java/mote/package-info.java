/**
 * The driver: {@link mote.Compiler} runs the whole pipeline in order (read, parse, check, MIR,
 * optimize, lower, LLVM, link); start reading there. Also the internal-compiler-error wrapper.
 *
 * May import: every package of the pipeline (diag up to flash), never size, testing, bench or
 * cli. The order of all packages is checked by PackageDependenciesTest.
 */
package mote;

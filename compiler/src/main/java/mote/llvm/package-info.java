/**
 * MIR and state machines to an LLVM module through the LLVM C API: {@link
 * mote.llvm.LlvmCodegen} (module-wide state and the order of emission) with its parts {@link
 * mote.llvm.BodyEmitter} (one function's body, with {@link mote.llvm.BodyEmitterState}, {@link
 * mote.llvm.PrintEmitter} and {@link mote.llvm.AwaitEmitter} beneath it), {@link mote.llvm.StateMachineEmitter} (init,
 * cancel, poll calls), {@link mote.llvm.TaskTable} and {@link mote.llvm.DebugInfo} (DWARF, its
 * types in {@link mote.llvm.DebugTypes}); {@link
 * mote.llvm.LlvmBackend} optimises and emits objects; {@link mote.llvm.SymbolNames} mangles
 * linkage names.
 *
 * May import: async, opt, mir, types, diag (the pipeline below it). The order of all packages
 * is checked by PackageDependenciesTest.
 */
package mote.llvm;

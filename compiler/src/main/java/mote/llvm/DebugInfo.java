package mote.llvm;

import static org.bytedeco.llvm.global.LLVM.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import mote.async.StateMachine;
import mote.diag.SourceFile;
import mote.diag.Span;
import mote.mir.BasicBlock;
import mote.mir.BlockId;
import mote.mir.Local;
import mote.mir.LocalDecl;
import mote.mir.MirFn;
import mote.mir.MirProgram;
import mote.mir.Rvalue;
import mote.mir.Statement;
import mote.mir.Terminator;
import mote.types.Type;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.llvm.LLVM.LLVMBasicBlockRef;
import org.bytedeco.llvm.LLVM.LLVMDIBuilderRef;
import org.bytedeco.llvm.LLVM.LLVMMetadataRef;
import org.bytedeco.llvm.LLVM.LLVMValueRef;

/**
 * DWARF for the program, in every build (it is in no loaded section: it costs no flash and
 * changes no code): a compile unit, a file per source file (named relative to the program's
 * root, so builds are reproducible), a subprogram per function, the statics by their Mote
 * names and types ({@link DebugTypes}), each task's state object as {@code NAME_state}, and
 * the named locals and arguments of every function. A `--debug` build's MIR also carries a
 * {@code Line} statement per source statement, which gives the line table its rows inside
 * functions; a release build's rows are the functions' first lines. {@code di} is null when
 * debug info is off.
 *
 * Locals live in allocas (declared here; LLVM follows them into registers as it optimises),
 * or, pinned by async lowering, in the state object: declared at {@code self} plus their
 * offset. A local an async fn keeps across an await is in an alloca while the poll runs, and
 * in the state object while the fn is suspended, where the state's DWARF type names it; in
 * `--debug` builds its location is also the state object's slot from the await and from each
 * resume on ({@link #keptInState}, {@link #backInFrame}). A fn inlined at several awaits has
 * an inlined frame per copy, each with its own locals ({@link #copyOf}).
 */
final class DebugInfo {
    private static final long DW_OP_LIT0 = 0x30, DW_OP_MUL = 0x1e, DW_OP_PLUS_UCONST = 0x23, DW_OP_DEREF = 0x06, DW_OP_DEREF_SIZE = 0x94;

    private final LlvmCodegen cg;

    DebugInfo(LlvmCodegen cg) {
        this.cg = cg;
    }

    /** Set by {@link LlvmCodegen#enableDebugInfo()}. */
    LLVMDIBuilderRef di;
    LLVMMetadataRef compileUnit;
    private DebugTypes types;
    final Map<SourceFile, LLVMMetadataRef> diFiles = new IdentityHashMap<>();

    LLVMMetadataRef diFile(SourceFile f) {
        return diFiles.computeIfAbsent(f, k -> {
            // Relative to the program's root, with no directory: the same bytes from any
            // working directory (a debugger finds the file when run from the program's folder).
            String name = k.programPath(), dir = "";
            return LLVMDIBuilderCreateFile(di, name, name.getBytes(StandardCharsets.UTF_8).length, dir, dir.getBytes(StandardCharsets.UTF_8).length);
        });
    }

    void createCompileUnit(MirProgram program, Map<String, StateMachine> machines, boolean compactChannels) {
        MirFn first = program.mainFunction() != null ? program.function(program.mainFunction()) : program.functions().isEmpty() ? null : program.functions().get(0);
        SourceFile file = first != null ? first.span().file() : SourceFile.of("program.mote", "");
        String producer = "mote 0.1.0";
        compileUnit = LLVMDIBuilderCreateCompileUnit(di, LLVMDWARFSourceLanguageC, diFile(file), producer, producer.length(), 1,
                "", 0, 0, "", 0, LLVMDWARFEmissionFull, 0, 0, 0, "", 0, "", 0);
        types = new DebugTypes(di, compileUnit, diFile(file), machines, program, compactChannels);
    }

    /** A subprogram for {@code fn}'s LLVM function, and the builder's location at its first line. */
    LLVMMetadataRef subprogram(MirFn fn, LLVMValueRef llvmFn) {
        return subprogram(fn.name(), fn.span(), llvmFn);
    }

    LLVMMetadataRef subprogram(String name, Span span, LLVMValueRef llvmFn) {
        SourceFile file = span.file();
        LLVMMetadataRef f = diFile(file);
        LLVMMetadataRef type = LLVMDIBuilderCreateSubroutineType(di, f, new PointerPointer<LLVMMetadataRef>(0), 0, LLVMDIFlagZero);
        // No linkage name: gdb would name the function by it (`_M7blinker.poll`) instead of `blinker`.
        int line = span.line();
        LLVMMetadataRef sp = LLVMDIBuilderCreateFunction(di, f, name, name.getBytes(StandardCharsets.UTF_8).length,
                "", 0, f, line, type, 1, 1, line, LLVMDIFlagZero, 1);
        LLVMSetSubprogram(llvmFn, sp);
        LLVMSetCurrentDebugLocation2(cg.builder, LLVMDIBuilderCreateDebugLocation(cg.ctx, line, span.column(), sp, null));
        return sp;
    }

    /**
     * The location of a line mark in a function whose subprogram is {@code scope}: for code the
     * `inline` pass copied from other fns, in the copied fn's subprogram, inlined at the await
     * it replaced (and so on outwards), as LLVM's own inliner marks it: gdb shows the copied fn
     * as a frame of its own, and breaks on its lines.
     */
    LLVMMetadataRef location(Statement.Line line, LLVMMetadataRef scope) {
        return location(line.span(), line.inlinedAt(), scope);
    }

    private LLVMMetadataRef location(Span span, List<Statement.Inlined> chain, LLVMMetadataRef scope) {
        LLVMMetadataRef at = null, outer = scope;
        if (!chain.isEmpty()) {
            at = inlinedAt(chain, scope);
            outer = inlinedSubprogram(chain.get(0).function(), chain.get(0).declared());
        }
        return LLVMDIBuilderCreateDebugLocation(cg.ctx, span.line(), span.column(), outer, at);
    }

    /**
     * The inlined-at locations made in the current function ({@link #inlinedAtScope}): a tree
     * of the calls, from the outermost in, each node holding the location its call was inlined
     * at. Keyed by identity: the lines of one inlined copy share their calls (and mostly their
     * chain, {@code Statement.Line#inlinedInto}), so walking a chain costs a reference lookup a
     * level, where hashing it by value cost its depth a level, quadratic in the nesting (a
     * 2,000-deep await chain inlined 200 deep spent a third of a second here, issue 13).
     * Calls equal but not the same object get nodes of their own, whose locations LLVM
     * uniques into the same node.
     */
    private static final class CallNode {
        final java.util.IdentityHashMap<Statement.Inlined, CallNode> inner = new java.util.IdentityHashMap<>();
        final LLVMMetadataRef at;
        CallNode(LLVMMetadataRef at) { this.at = at; }
    }

    private CallNode inlinedAtRoot = new CallNode(null);
    private final java.util.IdentityHashMap<List<Statement.Inlined>, LLVMMetadataRef> inlinedAtOfChain = new java.util.IdentityHashMap<>();
    private long inlinedAtScope;

    /**
     * The location {@code chain}'s innermost call was inlined at, and so on outwards: each
     * call's site in its caller's subprogram, the outermost in {@code scope}.
     */
    private LLVMMetadataRef inlinedAt(List<Statement.Inlined> chain, LLVMMetadataRef scope) {
        if (scope.address() != inlinedAtScope) {
            inlinedAtRoot = new CallNode(null);
            inlinedAtOfChain.clear();
            inlinedAtScope = scope.address();
        }
        LLVMMetadataRef known = inlinedAtOfChain.get(chain);
        if (known != null) return known;
        CallNode node = inlinedAtRoot;
        for (int k = chain.size() - 1; k >= 0; k--) {
            Statement.Inlined call = chain.get(k);
            CallNode next = node.inner.get(call);
            if (next == null) {
                LLVMMetadataRef outer = k + 1 < chain.size()
                        ? inlinedSubprogram(chain.get(k + 1).function(), chain.get(k + 1).declared()) : scope;
                next = new CallNode(LLVMDIBuilderCreateDebugLocation(cg.ctx, call.callSite().line(), call.callSite().column(), outer, node.at));
                node.inner.put(call, next);
            }
            node = next;
        }
        inlinedAtOfChain.put(chain, node.at);
        return node.at;
    }

    /** The location of {@code fn}'s first line, where its code starts before any line mark. */
    LLVMMetadataRef fnLocation(MirFn fn, LLVMMetadataRef scope) {
        return LLVMDIBuilderCreateDebugLocation(cg.ctx, fn.span().line(), fn.span().column(), scope, null);
    }

    /**
     * Sets the builder's location to the await ending block {@code awaitBlock} (inlined frames
     * and all): where a resumed poll polls its awaitee, so a callee's frame shows its caller
     * at the await, not at the fn's first line.
     */
    void atAwait(MirFn fn, BlockId awaitBlock, LLVMMetadataRef scope) {
        if (awaitBlock == null) return;
        BasicBlock b = fn.block(awaitBlock);
        Statement.Line last = null;
        for (Statement s : b.statements()) if (s instanceof Statement.Line l) last = l;
        if (last == null) return;   // no line mark (a release build): nothing says which frame the await is in
        Span span = b.terminator() instanceof Terminator.Await a && a.span() != null ? a.span() : last.span();
        LLVMSetCurrentDebugLocation2(cg.builder, location(span, last.inlinedAt(), scope));
    }

    /**
     * The line mark in effect where each block starts: the last mark of a predecessor (the first
     * one in block order, when they differ). The builder's location otherwise carries over from
     * whichever block was emitted before, and the block after an overflow check in one arm took
     * the other arm's line, so a fault there named the wrong line.
     */
    static Statement.Line[] linesAtEntry(MirFn fn) {
        int n = fn.blocks().size();
        List<List<Integer>> preds = new ArrayList<>();
        for (int i = 0; i < n; i++) preds.add(new ArrayList<>());
        for (int i = 0; i < n; i++)
            for (BlockId succ : fn.blocks().get(i).terminator().successors()) preds.get(succ.index()).add(i);
        Statement.Line[] lastMark = new Statement.Line[n];
        for (int i = 0; i < n; i++)
            for (Statement st : fn.blocks().get(i).statements()) if (st instanceof Statement.Line l) lastMark[i] = l;
        Statement.Line[] in = new Statement.Line[n];
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int j = 0; j < n; j++) {
                Statement.Line chosen = null;
                for (int p : preds.get(j)) {
                    Statement.Line out = lastMark[p] != null ? lastMark[p] : in[p];
                    if (out != null) { chosen = out; break; }
                }
                if (chosen != in[j]) { in[j] = chosen; changed = true; }
            }
        }
        return in;
    }

    private final Map<String, LLVMMetadataRef> inlinedSubprograms = new HashMap<>();

    /** The subprogram an inlined fn's lines and locals belong to (the abstract origin of its inlined frames). */
    private LLVMMetadataRef inlinedSubprogram(String name, Span declared) {
        return inlinedSubprograms.computeIfAbsent(name, n -> {
            LLVMMetadataRef f = diFile(declared.file());
            LLVMMetadataRef type = LLVMDIBuilderCreateSubroutineType(di, f, new PointerPointer<LLVMMetadataRef>(0), 0, LLVMDIFlagZero);
            return LLVMDIBuilderCreateFunction(di, f, n, DebugTypes.utf8(n), "", 0, f, declared.line(), type, 1, 1, declared.line(), LLVMDIFlagZero, 1);
        });
    }

    /**
     * The inlined calls of the fn's line marks, by the names of the fns they pass through from
     * the outermost call in (`callee`, `outer.callee`: the prefixes `inline` gives the locals it
     * copies): each chain from the outermost call to that callee. A fn inlined at several awaits
     * of one caller has several chains under one key.
     */
    private static Map<String, Set<List<Statement.Inlined>>> inlinedCalls(MirFn fn) {
        // Each chain once (the line marks of one inlined copy share theirs), then each of its
        // outer parts (suffixes) once: a chain's outer parts are its callers' chains. Keyed
        // from the outside in, this is linear in the chains' total length; building every
        // line's keys afresh was cubic in the nesting depth (a 2,000-deep await chain inlined
        // 200 deep took most of a build and gigabytes).
        Set<List<Statement.Inlined>> chains = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (BasicBlock b : fn.blocks())
            for (Statement s : b.statements())
                if (s instanceof Statement.Line l && !l.inlinedAt().isEmpty()) chains.add(l.inlinedAt());
        // A tree of the calls from the outermost in, by identity (see CallNode): each node is
        // one outer part, keyed and listed once, when first walked through.
        Map<String, Set<List<Statement.Inlined>>> calls = new HashMap<>();
        record Part(String key, java.util.IdentityHashMap<Statement.Inlined, Part> inner) {}
        Part root = new Part(null, new java.util.IdentityHashMap<>());
        for (List<Statement.Inlined> chain : chains) {
            Part at = root;
            for (int k = chain.size() - 1; k >= 0; k--) {
                Statement.Inlined call = chain.get(k);
                Part next = at.inner().get(call);
                if (next == null) {
                    next = new Part(at.key() == null ? call.function() : at.key() + "." + call.function(), new java.util.IdentityHashMap<>());
                    at.inner().put(call, next);
                    calls.computeIfAbsent(next.key(), x -> new HashSet<>()).add(List.copyOf(chain.subList(k, chain.size())));
                }
                at = next;
            }
        }
        return calls;
    }

    /** The calls a line mark's chain passes through, by key (see {@link #inlinedCalls}). */
    private static Map<String, List<Statement.Inlined>> callsOf(List<Statement.Inlined> chain) {
        Map<String, List<Statement.Inlined>> calls = new HashMap<>();
        for (int k = chain.size() - 1; k >= 0; k--) {
            List<Statement.Inlined> outer = chain.subList(k, chain.size());
            StringBuilder key = new StringBuilder();
            for (int j = outer.size() - 1; j >= 0; j--) key.append(key.length() == 0 ? "" : ".").append(outer.get(j).function());
            calls.put(key.toString(), List.copyOf(outer));
        }
        return calls;
    }

    /** The longest key of {@code inlined} that {@code name} starts with, then a dot ("" for none). */
    private static String inlinedKey(String name, Map<String, ?> inlined) {
        for (int dot = name.lastIndexOf('.'); dot > 0; dot = name.lastIndexOf('.', dot - 1)) {
            String prefix = name.substring(0, dot);
            if (inlined.containsKey(prefix)) return prefix;
        }
        return "";
    }

    /**
     * Which copy a local of a fn inlined at several awaits belongs to (its name, `callee.x`, is
     * the same in every copy; `inline` made each copy its own locals): the inlined call under
     * {@code key} of the line marks in force where the fn's statements and terminators mention
     * it (as MIR prints it, `_7`), when they all name one; null otherwise.
     */
    private static List<Statement.Inlined> copyOf(MirFn fn, Local local, String key) {
        java.util.regex.Pattern mention = java.util.regex.Pattern.compile("\\b" + local + "\\b");
        Set<List<Statement.Inlined>> found = new HashSet<>();
        for (BasicBlock b : fn.blocks()) {
            List<Statement.Inlined> chain = null;
            for (Statement s : b.statements()) {
                if (s instanceof Statement.Line l) chain = l.inlinedAt();
                else if (chain != null && mention.matcher(s.toString()).find() && callsOf(chain).containsKey(key)) found.add(callsOf(chain).get(key));
            }
            if (chain != null && mention.matcher(b.terminator().toString()).find() && callsOf(chain).containsKey(key)) found.add(callsOf(chain).get(key));
        }
        return found.size() == 1 ? found.iterator().next() : null;
    }

    /** A static by its Mote name and type, at its global. (A `const` is folded where it is used: no storage.) */
    void declareStatic(MirProgram.Global g, LLVMValueRef global) {
        LLVMMetadataRef type = types.ofStatic(g.type());
        if (type == null) return;
        attach(global, g.name(), type, new long[0]);
    }

    /**
     * Each register the program reads or writes, as a volatile variable at its address. DWARF
     * names a variable's address through a symbol, so each hangs on an anchor: a byte in
     * section {@link #ANCHORS}, which nothing references and the linker's --gc-sections drops
     * (the debug info's relocation to it then reads 0): the expression multiplies that
     * address by 0 and adds the register's.
     */
    void declareRegisters(MirProgram program) {
        record Register(long address, Type type) {}
        Map<String, Register> registers = new TreeMap<>();
        for (MirFn f : program.functions()) {
            for (BasicBlock b : f.blocks()) {
                for (Statement st : b.statements()) {
                    if (st instanceof Statement.WriteRegister w)
                        registers.putIfAbsent(w.name(), new Register(w.address(), f.typeOf(w.value())));
                    if (st instanceof Statement.Assign a && a.value() instanceof Rvalue.ReadRegister r)
                        registers.putIfAbsent(r.name(), new Register(r.address(), r.type()));
                }
            }
        }
        if (registers.isEmpty()) return;
        List<LLVMValueRef> anchors = new ArrayList<>();
        for (var e : registers.entrySet()) {
            LLVMValueRef anchor = LLVMAddGlobal(cg.module, cg.i8, "mote.debug.register." + e.getKey());
            LLVMSetInitializer(anchor, cg.constInt(cg.i8, 0));
            LLVMSetLinkage(anchor, LLVMInternalLinkage);
            LLVMSetSection(anchor, ANCHORS);
            attach(anchor, e.getKey(), types.volatileOf(e.getValue().type()), new long[] {DW_OP_LIT0, DW_OP_MUL, DW_OP_PLUS_UCONST, e.getValue().address()});
            anchors.add(anchor);
        }
        // Kept by LLVM (llvm.compiler.used), not by the linker.
        LLVMValueRef used = LLVMAddGlobal(cg.module, LLVMArrayType(cg.ptr, anchors.size()), "llvm.compiler.used");
        LLVMSetInitializer(used, LLVMConstArray(cg.ptr, LlvmCodegen.values(anchors.toArray(LLVMValueRef[]::new)), anchors.size()));
        LLVMSetLinkage(used, LLVMAppendingLinkage);
        LLVMSetSection(used, "llvm.metadata");
    }

    /** The section of the registers' debug anchors: unreferenced, so never in the image. */
    static final String ANCHORS = ".mote.debug.registers";

    /** The state objects of task {@code fn}: {@code fn_state}, or {@code fn_state_0}.. for a pool. */
    void declareTaskStates(String fn, LLVMValueRef[] states) {
        LLVMMetadataRef type = types.stateMachine(fn);
        String name = fn.replace('.', '_') + "_state";
        for (int i = 0; i < states.length; i++) attach(states[i], states.length == 1 ? name : name + "_" + i, type, new long[0]);
    }

    private void attach(LLVMValueRef global, String name, LLVMMetadataRef type, long[] ops) {
        // No linkage name, as for functions: gdb looks a variable up by it when there is one.
        LLVMMetadataRef expr = LLVMDIBuilderCreateExpression(di, ops, ops.length);
        LLVMMetadataRef gve = LLVMDIBuilderCreateGlobalVariableExpression(di, compileUnit, name, DebugTypes.utf8(name),
                "", 0, types.file(), 0, type, 1, expr, null, 0);   // local to the unit: one LLVM deleted is "optimized out", not looked up in the ELF
        LLVMGlobalSetMetadata(global, LLVMGetMDKindIDInContext(cg.ctx, "dbg", 3), gve);
    }

    /** A declared local's DWARF variable and the location (scope, inlined frames) its records carry. */
    record Declared(LLVMMetadataRef variable, LLVMMetadataRef location) {}

    /**
     * Declares {@code fn}'s named locals and arguments at their storage ({@code slots}: allocas
     * in {@code entry}, or places in the state object at {@code self}), in {@code scope}; returns
     * the variables of the locals in allocas, by local, for {@link #keptInState} and {@link #backInFrame}.
     */
    Map<Local, Declared> declareLocals(MirFn fn, StateMachine machine, LLVMValueRef[] slots, LLVMValueRef self,
                       LLVMMetadataRef scope, LLVMBasicBlockRef entry) {
        Map<Local, Declared> declared = new HashMap<>();
        Set<List<Object>> parameters = new java.util.HashSet<>();   // (scope, argument number) declared
        Map<String, Set<List<Statement.Inlined>>> inlined = inlinedCalls(fn);
        for (int i = 0; i < slots.length; i++) {
            LocalDecl decl = fn.locals().get(i);
            if (slots[i] == null || decl.name() == null) continue;
            LLVMMetadataRef type = types.of(decl.type());
            if (type == null) continue;
            Local local = new Local(i);
            Span at = decl.span() != null ? decl.span() : fn.span();
            LLVMMetadataRef file = diFile(at.file());
            // An inlined fn's local (`callee.x`) belongs to its inlined frame, as `x`; with
            // several copies of the fn, to the one whose code uses it (else it stays the
            // caller's, by its dotted name).
            String key = inlinedKey(decl.name(), inlined);
            List<Statement.Inlined> call = List.of();
            if (!key.isEmpty()) {
                Set<List<Statement.Inlined>> copies = inlined.get(key);
                call = copies.size() == 1 ? copies.iterator().next() : copyOf(fn, local, key);
                if (call == null) {
                    call = List.of();
                    key = "";
                }
            }
            String name = key.isEmpty() ? decl.name() : decl.name().substring(key.length() + 1);
            if (name.equals("return") || name.endsWith(".return")) continue;   // a result: the caller's local it is assigned to names it
            LLVMMetadataRef loc = location(at, call, scope);
            LLVMMetadataRef varScope = call.isEmpty() ? scope : inlinedSubprogram(call.get(0).function(), call.get(0).declared());
            // A parameter: of this fn, or of the inlined fn whose local it is. An inlined fn's
            // parameters are known by name, which a later `let` may shadow: only the first local
            // of that name is the parameter (two with one argument number crash LLVM's DWARF writer).
            int param = call.isEmpty() ? fn.params().indexOf(local) : call.get(0).params().indexOf(name);
            if (param >= 0 && !parameters.add(java.util.Arrays.asList(varScope, param))) param = -1;
            LLVMMetadataRef variable = param >= 0
                    ? LLVMDIBuilderCreateParameterVariable(di, varScope, name, DebugTypes.utf8(name), param + 1, file, at.line(), type, 1, LLVMDIFlagZero)
                    : LLVMDIBuilderCreateAutoVariable(di, varScope, name, DebugTypes.utf8(name), file, at.line(), type, 1, LLVMDIFlagZero, 0);
            StateMachine.Slot pinned = machine == null ? null : machine.pinnedSlot(local);
            if (pinned != null) {
                long[] ops = pinned.offset() == 0 ? new long[0] : new long[] {DW_OP_PLUS_UCONST, pinned.offset()};
                LLVMDIBuilderInsertDeclareRecordAtEnd(di, self, variable, LLVMDIBuilderCreateExpression(di, ops, ops.length), loc, entry);
            } else {
                LLVMDIBuilderInsertDeclareRecordAtEnd(di, slots[i], variable, LLVMDIBuilderCreateExpression(di, new long[0], 0), loc, entry);
                declared.put(local, new Declared(variable, loc));
            }
        }
        return declared;
    }

    /**
     * Where a resumed poll has restored what state {@code s} kept (at the end of {@code block}):
     * each kept local is, from here, the value at its slot in the state object
     * ({@code self} plus the slot's offset, a memory location). The optimiser often loads a
     * restored value only where it is next used, or never, so without this the local would be
     * "optimized out" while the poll resumes the awaited future (a callee's frame, a sleep) and
     * in the code after the await, although the state object holds it. The description holds
     * until the local is assigned (the assignment's own record follows it) or the body starts
     * another future, which may reuse the slot's bytes ({@link #backInFrame}). (A struct or
     * array the optimiser left in its alloca keeps the alloca's description: LLVM prefers a
     * variable's stack slot to any other record, and that copy holds the value too.)
     */
    void keptInState(Map<Local, Declared> declared, LLVMValueRef self, StateMachine.State s, LLVMBasicBlockRef block) {
        for (StateMachine.Slot slot : s.saved()) {
            Declared d = declared.get(slot.local());
            if (d == null) continue;
            // A narrowed slot holds fewer bytes than the local's type: read those, zero-extended.
            long[] deref = slot.narrowed() ? new long[] {DW_OP_DEREF_SIZE, slot.size()} : new long[] {DW_OP_DEREF};
            long[] ops = slot.offset() == 0 ? deref : java.util.stream.LongStream.concat(
                    java.util.stream.LongStream.of(DW_OP_PLUS_UCONST, slot.offset()), java.util.Arrays.stream(deref)).toArray();
            LLVMDIBuilderInsertDbgValueRecordAtEnd(di, self, d.variable(), LLVMDIBuilderCreateExpression(di, ops, ops.length), d.location(), block);
        }
    }

    /**
     * Before the body starts a future (whose bytes may be a kept local's slot in another state):
     * each scalar local some state keeps is again its alloca's value, read here (at the end of
     * {@code block}). The read is only for the record: the optimiser replaces it with the value
     * the alloca holds (or drops it, and the local is "optimized out" from here), and emits no
     * code for it. A struct or array is "optimized out" until its next record: the await
     * starting here saves it again if it is still live ({@link #keptInState}).
     */
    void backInFrame(Map<Local, Declared> declared, MirFn fn, StateMachine machine, LLVMValueRef[] slots, LLVMBasicBlockRef block) {
        Set<Local> kept = new HashSet<>();
        for (StateMachine.State s : machine.suspendStates()) for (StateMachine.Slot slot : s.saved()) kept.add(slot.local());
        for (Local local : kept.stream().sorted(java.util.Comparator.comparingInt(Local::index)).toList()) {
            Declared d = declared.get(local);
            Type t = fn.locals().get(local.index()).type();
            if (d == null) continue;
            LLVMValueRef now = Type.isAggregate(t) ? LLVMGetPoison(cg.ptr) : LLVMBuildLoad2(cg.builder, cg.llvmType(t), slots[local.index()], "");
            LLVMDIBuilderInsertDbgValueRecordAtEnd(di, now, d.variable(), LLVMDIBuilderCreateExpression(di, new long[0], 0), d.location(), block);
        }
    }
}

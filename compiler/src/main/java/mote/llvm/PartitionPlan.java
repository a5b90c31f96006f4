package mote.llvm;

import static org.bytedeco.llvm.global.LLVM.*;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.llvm.LLVM.LLVMModuleRef;
import org.bytedeco.llvm.LLVM.LLVMUseRef;
import org.bytedeco.llvm.LLVM.LLVMValueRef;

/**
 * Where each function and variable of a large module goes when it is optimised and compiled in
 * partitions ({@link SplitCodegen}), planned on the module as generated, before LLVM's
 * optimiser. The optimiser inlines only what a partition holds, so the plan keeps together what
 * is worth inlining:
 * <ul>
 *   <li>a function with one caller goes with its caller (the steps an async fn awaits, the
 *       helpers a poll calls), as long as the group stays under a share of the module: a long
 *       chain of single callers is cut into pieces of that size, never kept whole;</li>
 *   <li>a small function without calls of its own that several functions call (runtime-c's
 *       wake and lock helpers, a getter) is copied, module-local, into every partition that
 *       calls it, where the optimiser inlines it or keeps one copy;</li>
 *   <li>the groups are dealt to the partitions largest first, each to the least loaded; a
 *       function several groups call goes where most of its callers are;</li>
 *   <li>a variable goes where most of the code using it is; a constant (a table, a string)
 *       used elsewhere too is also given, `available_externally`, to those partitions, so
 *       their loads from it still fold.</li>
 * </ul>
 * The plan depends on the module alone, never on the machine.
 *
 * @param partitions how many (1: the module is not cut)
 * @param owner      the partition that defines each function and variable, by name
 * @param copies     each copied function, and the partitions that get a copy of it
 * @param imported   the constants given to other partitions than their owner, and those partitions
 * @param namedInAssembly the symbols inline assembly may name (they must stay linkable)
 */
record PartitionPlan(int partitions, Map<String, Integer> owner, Map<String, BitSet> copies,
                     Map<String, BitSet> imported, Set<String> namedInAssembly) {

    /** IR instructions (as generated) per partition when the count is chosen by size. */
    static final int INSTRUCTIONS_PER_PARTITION = 25_000;
    /**
     * At most this many partitions by size: each reads the module once more, which a machine
     * of 2 cores pays for more than 2. `--codegen-units` may ask for up to {@link SplitCodegen#MAX_UNITS}.
     */
    static final int MAX_PARTITIONS_BY_SIZE = 4;
    /** A function called from several places is copied where it is called when it has at most this many instructions. */
    static final int COPY_LIMIT = 40;

    static final PartitionPlan WHOLE = new PartitionPlan(1, Map.of(), Map.of(), Map.of(), Set.of());

    boolean whole() { return partitions == 1; }

    /** Whether partition {@code p} defines the function or variable {@code name} (its own or a copy). */
    boolean holds(String name, int p) {
        BitSet c = copies.get(name);
        return c != null ? c.get(p) : owner.getOrDefault(name, 0) == p;
    }

    /** How many partitions a module of {@code instructions} in {@code functions} functions is cut into. */
    static int partitionCount(long instructions, int functions, int units) {
        // By size, a power of two: on a machine of 2 (or 4) cores, 3 partitions take as long as 4.
        long wanted = units > 0 ? units : Long.highestOneBit(Math.max(1, Math.min(MAX_PARTITIONS_BY_SIZE, instructions / INSTRUCTIONS_PER_PARTITION)));
        return (int) Math.max(1, Math.min(wanted, functions));
    }

    /** The plan for {@code module} (not yet optimised); {@code units} 0 chooses the count by size. */
    static PartitionPlan of(LLVMModuleRef module, int units) {
        Set<String> namedInAssembly = new HashSet<>();
        collectSymbols(moduleAssembly(module), namedInAssembly);
        Map<String, LLVMValueRef> functions = new LinkedHashMap<>();   // defined, in module order
        Map<String, Integer> sizes = new HashMap<>();
        Set<String> callsOthers = new HashSet<>();
        long total = 0;
        for (LLVMValueRef f = LLVMGetFirstFunction(module); f != null && !f.isNull(); f = LLVMGetNextFunction(f)) {
            if (LLVMIsDeclaration(f) != 0) continue;
            String name = name(f);
            int n = scan(f, namedInAssembly, callsOthers, name);
            functions.put(name, f);
            sizes.put(name, n);
            total += n;
        }
        int partitions = partitionCount(total, functions.size(), units);
        if (partitions < 2) return WHOLE;
        foldLocalAliases(module, namedInAssembly);
        if (!splittable(module)) return WHOLE;

        // Who uses each function: the functions whose code names it; `root` when anything else
        // does (a table, an alias, another object, inline assembly) or it is not module-local.
        Map<String, Set<String>> users = new HashMap<>();
        Set<String> root = new HashSet<>();
        for (var e : functions.entrySet()) {
            Set<String> u = new LinkedHashSet<>();
            boolean[] elsewhere = {namedInAssembly.contains(e.getKey()) || !isLocal(e.getValue())};
            forEachUser(e.getValue(), fn -> u.add(fn), () -> elsewhere[0] = true);
            u.retainAll(functions.keySet());
            users.put(e.getKey(), u);
            if (elsewhere[0]) root.add(e.getKey());
        }
        Set<String> copied = new LinkedHashSet<>();
        for (String f : functions.keySet())
            if (!root.contains(f) && users.get(f).size() >= 2 && sizes.get(f) <= COPY_LIMIT && !callsOthers.contains(f)
                    && onlyCalled(functions.get(f)))
                copied.add(f);

        // Groups: a function with one caller joins its caller's group while the group stays
        // under the cap; callees first, so a chain grows from its end and is cut where full.
        long cap = Math.max(1, total / (2L * partitions));
        Map<String, String> single = new HashMap<>();   // function -> its one caller
        for (String f : functions.keySet()) {
            Set<String> u = users.get(f);
            if (!root.contains(f) && !copied.contains(f) && u.size() == 1 && !u.contains(f)) single.put(f, u.iterator().next());
        }
        Map<String, List<String>> children = new HashMap<>();
        for (var e : single.entrySet()) children.computeIfAbsent(e.getValue(), k -> new ArrayList<>()).add(e.getKey());
        breakCycles(single, children, functions.keySet());
        Map<String, Long> groupSize = new HashMap<>();
        Set<String> joined = new HashSet<>();   // functions in their caller's group
        List<String> order = postOrder(functions.keySet(), single, children);
        for (String f : order) {
            long size = sizes.get(f);
            List<String> kids = new ArrayList<>(children.getOrDefault(f, List.of()));
            kids.sort(Comparator.comparingLong(groupSize::get));   // smallest first, most of them; stable: module order breaks ties
            for (String k : kids) {
                if (size + groupSize.get(k) > cap) continue;
                size += groupSize.get(k);
                joined.add(k);
            }
            groupSize.put(f, size);
        }
        Map<String, String> head = new HashMap<>();   // function -> the head of its group: callers before callees
        for (int i = order.size() - 1; i >= 0; i--) {
            String f = order.get(i);
            head.put(f, joined.contains(f) ? head.get(single.get(f)) : f);
        }
        // Group heads that hang off a caller (a cut chain) or off nothing are dealt by size;
        // heads several groups call follow their callers.
        Map<String, Integer> owner = new HashMap<>();
        long[] load = new long[partitions];
        List<String> heads = new ArrayList<>();
        List<String> shared = new ArrayList<>();
        for (String f : functions.keySet()) {
            if (copied.contains(f) || !head.get(f).equals(f)) continue;
            (users.get(f).size() >= 2 && !root.contains(f) ? shared : heads).add(f);
        }
        heads.sort(Comparator.comparingLong((String f) -> groupSize.get(f)).reversed());
        for (String h : heads) {
            int least = 0;
            for (int p = 1; p < partitions; p++) if (load[p] < load[least]) least = p;
            owner.put(h, least);
            load[least] += groupSize.get(h);
        }
        // Shared heads: callers' partitions first, so repeat while that places more.
        for (boolean progress = true; !shared.isEmpty(); ) {
            List<String> left = new ArrayList<>();
            for (String h : shared) {
                int[] votes = new int[partitions];
                boolean any = false;
                for (String u : users.get(h)) {
                    Integer p = owner.get(head.getOrDefault(u, u));
                    if (p != null) { votes[p]++; any = true; }
                }
                if (!any && progress) { left.add(h); continue; }
                int best = 0;
                for (int p = 1; p < partitions; p++) if (votes[p] > votes[best]) best = p;
                owner.put(h, best);
                load[best] += groupSize.get(h);
            }
            progress = left.size() < shared.size();
            shared = left;
        }
        for (String f : functions.keySet()) if (!copied.contains(f)) owner.put(f, owner.get(head.get(f)));
        Map<String, BitSet> copies = new LinkedHashMap<>();
        for (String f : copied) {
            BitSet where = new BitSet(partitions);
            for (String u : users.get(f)) where.set(owner.get(u));
            copies.put(f, where);
        }

        // Variables: where most of the code using them is (a copy's use counts wherever it is).
        // One no code uses (the vector table) goes to partition 0.
        Map<String, BitSet> imported = new LinkedHashMap<>();
        for (LLVMValueRef g = LLVMGetFirstGlobal(module); g != null && !g.isNull(); g = LLVMGetNextGlobal(g)) {
            if (LLVMIsDeclaration(g) != 0 || isLlvmSpecial(g)) continue;
            int[] uses = new int[partitions];
            forEachUsingPartition(g, owner, copies, p -> uses[p]++);
            int best = 0;
            for (int p = 1; p < partitions; p++) if (uses[p] > uses[best]) best = p;
            owner.put(name(g), best);
            if (LLVMIsGlobalConstant(g) != 0 && !hasSection(g) && plainData(LLVMGetInitializer(g))) {
                BitSet elsewhere = new BitSet(partitions);
                for (int p = 0; p < partitions; p++) if (p != best && uses[p] > 0) elsewhere.set(p);
                if (!elsewhere.isEmpty()) imported.put(name(g), elsewhere);
            }
        }
        return new PartitionPlan(partitions, owner, copies, imported, namedInAssembly);
    }

    /** A ring of functions each called only by the next has no top: the first in module order becomes one. */
    private static void breakCycles(Map<String, String> single, Map<String, List<String>> children, Set<String> order) {
        Map<String, Integer> state = new HashMap<>();   // 1: on the current walk, 2: done
        for (String start : order) {
            List<String> walk = new ArrayList<>();
            String f = start;
            while (f != null && !state.containsKey(f)) {
                state.put(f, 1);
                walk.add(f);
                f = single.get(f);
            }
            if (f != null && state.get(f) == 1) {   // f is on this walk: a ring; cut it at f
                String caller = single.remove(f);
                children.get(caller).remove(f);
            }
            for (String w : walk) state.put(w, 2);
        }
    }

    /** Every function after the functions that hang off it (its one-caller callees), without recursion. */
    private static List<String> postOrder(Set<String> functions, Map<String, String> single, Map<String, List<String>> children) {
        List<String> out = new ArrayList<>();
        for (String top : functions) {
            if (single.containsKey(top)) continue;
            List<String> stack = new ArrayList<>(List.of(top));
            List<Integer> next = new ArrayList<>(List.of(0));
            while (!stack.isEmpty()) {
                int i = stack.size() - 1;
                List<String> kids = children.getOrDefault(stack.get(i), List.of());
                if (next.get(i) < kids.size()) {
                    next.set(i, next.get(i) + 1);
                    stack.add(kids.get(next.get(i) - 1));
                    next.add(0);
                } else {
                    out.add(stack.remove(i));
                    next.remove(i);
                }
            }
        }
        return out;
    }

    /**
     * The one change planning makes to the module: a module-local alias (runtime-c's weak
     * interrupt handlers, each the default handler under another name, once internalized) is
     * replaced by what it names, as LLVM's optimiser would do, and dropped; an alias in a
     * partition where its target is only declared would not be valid IR.
     */
    private static void foldLocalAliases(LLVMModuleRef module, Set<String> namedInAssembly) {
        boolean folded = false;
        for (LLVMValueRef a = LLVMGetFirstGlobalAlias(module); isNonNull(a); a = LLVMGetNextGlobalAlias(a)) {
            if (!isLocal(a) || namedInAssembly.contains(name(a))) continue;
            LLVMReplaceAllUsesWith(a, LLVMAliasGetAliasee(a));
            folded = true;
        }
        if (!folded) return;
        // The C API cannot delete an alias; global dead code elimination drops the unused ones.
        WholeProgram.dropUnused(module);
    }

    /**
     * Whether every global value can be given to one partition by name: aliases and ifuncs
     * (none in Mote's modules today) would need copying, and an unnamed value has no name
     * for a declaration to link to.
     */
    private static boolean splittable(LLVMModuleRef module) {
        if (LLVMGetFirstGlobalAlias(module) != null && !LLVMGetFirstGlobalAlias(module).isNull()) return false;
        if (LLVMGetFirstGlobalIFunc(module) != null && !LLVMGetFirstGlobalIFunc(module).isNull()) return false;
        for (LLVMValueRef f = LLVMGetFirstFunction(module); f != null && !f.isNull(); f = LLVMGetNextFunction(f))
            if (name(f).isEmpty()) return false;
        for (LLVMValueRef g = LLVMGetFirstGlobal(module); g != null && !g.isNull(); g = LLVMGetNextGlobal(g))
            if (name(g).isEmpty()) return false;
        return true;
    }

    /**
     * Calls {@code inFunction} with the function of each instruction using {@code value}
     * (through constant expressions too), {@code elsewhere} for every other use: a variable's
     * initializer, a function's personality.
     */
    private static void forEachUser(LLVMValueRef value, java.util.function.Consumer<String> inFunction, Runnable elsewhere) {
        for (LLVMUseRef use = LLVMGetFirstUse(value); use != null && !use.isNull(); use = LLVMGetNextUse(use)) {
            LLVMValueRef user = LLVMGetUser(use);
            if (isNonNull(LLVMIsAInstruction(user))) inFunction.accept(name(LLVMGetBasicBlockParent(LLVMGetInstructionParent(user))));
            else if (isNonNull(LLVMIsAGlobalValue(user))) elsewhere.run();
            else if (isNonNull(LLVMIsAConstant(user))) forEachUser(user, inFunction, elsewhere);
        }
    }

    /** Whether every use of {@code f} is an instruction calling it (never its address taken). */
    private static boolean onlyCalled(LLVMValueRef f) {
        for (LLVMUseRef use = LLVMGetFirstUse(f); use != null && !use.isNull(); use = LLVMGetNextUse(use)) {
            LLVMValueRef user = LLVMGetUser(use);
            if (!isNonNull(LLVMIsACallInst(user)) || !f.equals(LLVMGetCalledValue(user))) return false;
        }
        return true;
    }

    /**
     * Calls {@code action} with the partition of each use of {@code value}: the function of an
     * instruction (each partition with a copy of it), the variable whose initializer holds it
     * (through constant expressions and aggregates), `llvm.used` and its kind in partition 0.
     */
    static void forEachUsingPartition(LLVMValueRef value, Map<String, Integer> owner, Map<String, BitSet> copies, IntConsumer action) {
        for (LLVMUseRef use = LLVMGetFirstUse(value); use != null && !use.isNull(); use = LLVMGetNextUse(use)) {
            LLVMValueRef user = LLVMGetUser(use);
            if (isNonNull(LLVMIsAInstruction(user))) {
                String fn = name(LLVMGetBasicBlockParent(LLVMGetInstructionParent(user)));
                BitSet c = copies.get(fn);
                if (c != null) c.stream().forEach(action);
                else action.accept(owner.getOrDefault(fn, 0));
            } else if (isNonNull(LLVMIsAGlobalVariable(user))) {
                action.accept(isLlvmSpecial(user) ? 0 : owner.getOrDefault(name(user), 0));
            } else if (isNonNull(LLVMIsAFunction(user))) {   // a personality or prefix: none in Mote, owned all the same
                action.accept(owner.getOrDefault(name(user), 0));
            } else if (isNonNull(LLVMIsAConstant(user))) {
                forEachUsingPartition(user, owner, copies, action);
            }
        }
    }

    /** The function's instructions; notes whether it calls a defined function, and the symbols its inline assembly might name. */
    private static int scan(LLVMValueRef f, Set<String> namedInAssembly, Set<String> callsOthers, String name) {
        int n = 0;
        for (var b = LLVMGetFirstBasicBlock(f); b != null && !b.isNull(); b = LLVMGetNextBasicBlock(b))
            for (var i = LLVMGetFirstInstruction(b); i != null && !i.isNull(); i = LLVMGetNextInstruction(i)) {
                n++;
                if (!isNonNull(LLVMIsACallInst(i))) continue;
                LLVMValueRef callee = LLVMGetCalledValue(i);
                if (isNonNull(LLVMIsAInlineAsm(callee))) {
                    org.bytedeco.javacpp.SizeTPointer length = new org.bytedeco.javacpp.SizeTPointer(1);
                    BytePointer text = LLVMGetInlineAsmAsmString(callee, length);
                    collectSymbols(text == null || text.isNull() ? "" : text.limit(length.get()).getString(), namedInAssembly);
                } else if (!isNonNull(LLVMIsAFunction(callee)) || LLVMIsDeclaration(callee) == 0 || !name(callee).startsWith("llvm.")) {
                    callsOthers.add(name);
                }
            }
        return n;
    }

    static String moduleAssembly(LLVMModuleRef module) {
        org.bytedeco.javacpp.SizeTPointer length = new org.bytedeco.javacpp.SizeTPointer(1);
        BytePointer text = LLVMGetModuleInlineAsm(module, length);
        return text == null || text.isNull() ? "" : text.limit(length.get()).getString();
    }

    private static final java.util.regex.Pattern SYMBOL = java.util.regex.Pattern.compile("[A-Za-z_.$][A-Za-z0-9_.$]*");

    /** Every word of {@code assembly} that could be a symbol: more than it names, which only exports a little more. */
    private static void collectSymbols(String assembly, Set<String> into) {
        var m = SYMBOL.matcher(assembly);
        while (m.find()) into.add(m.group());
    }

    /** Whether a constant names no function or variable (a string, a table of numbers): a copy of it links to nothing. */
    private static boolean plainData(LLVMValueRef constant) {
        if (!isNonNull(constant) || isNonNull(LLVMIsAGlobalValue(constant))) return false;
        for (int i = 0, n = LLVMGetNumOperands(constant); i < n; i++) if (!plainData(LLVMGetOperand(constant, i))) return false;
        return true;
    }

    private static boolean hasSection(LLVMValueRef g) {
        BytePointer section = LLVMGetSection(g);
        return section != null && !section.isNull() && !section.getString().isEmpty();
    }

    private static boolean isLocal(LLVMValueRef v) {
        int linkage = LLVMGetLinkage(v);
        return linkage == LLVMInternalLinkage || linkage == LLVMPrivateLinkage;
    }

    /** `llvm.used`, `llvm.compiler.used` and the other variables LLVM gives meaning by name. */
    static boolean isLlvmSpecial(LLVMValueRef g) { return name(g).startsWith("llvm."); }

    static boolean isNonNull(LLVMValueRef v) { return v != null && !v.isNull(); }

    static String name(LLVMValueRef v) { return LLVMGetValueName(v).getString(); }
}

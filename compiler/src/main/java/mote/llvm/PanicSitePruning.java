package mote.llvm;

import static org.bytedeco.llvm.global.LLVM.*;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.bytedeco.llvm.LLVM.LLVMModuleRef;
import org.bytedeco.llvm.LLVM.LLVMTypeRef;
import org.bytedeco.llvm.LLVM.LLVMValueRef;

/**
 * After optimisation, drops the rows of the panic-site table ({@link PanicSites}) that no
 * panic names any more and renumbers the rest. The table is laid out while the code is
 * generated, a row per check; the optimiser then removes the checks it proves never fail (a
 * bounds check behind a loop condition, a division by a value tested non-zero), and their
 * rows stayed in flash: 8 of bench/firmware.mote's 19, 10 of examples/firmware.mote's 20.
 *
 * <p>Which rows are used is found backwards from where the table is read: the index of each
 * read comes from a constant, a phi or select of such, or a parameter, whose every call
 * passes one (mote_panic_end_at's site, passed on by mote_panic_at and mote_panic_bounds_at,
 * which the program's checks call; whichever parameters the optimiser dropped or
 * specialised). Every value on the way must be used only as a site, so renumbering changes
 * nothing else. When anything does not fit that (a read at a constant address, a function
 * whose address is taken, a table or a site function another partition may use), the table
 * stays as it is.
 */
final class PanicSitePruning {
    private PanicSitePruning() {}

    static final String TABLE = "mote_panic_sites";

    /** An operand that holds a site index: operand {@code index} of {@code user}. */
    private record Slot(LLVMValueRef user, int index) {
        LLVMValueRef value() { return LLVMGetOperand(user, index); }
        @Override public boolean equals(Object o) { return o instanceof Slot s && s.user.equals(user) && s.index == index; }
        @Override public int hashCode() { return user.hashCode() * 31 + index; }
    }

    /** Prunes {@code module}'s table; the number of rows dropped (0 too when it cannot tell which are used). */
    static int prune(LLVMModuleRef module) {
        LLVMValueRef table = LLVMGetNamedGlobal(module, TABLE);
        if (table == null || table.isNull() || LLVMIsDeclaration(table) != 0) return 0;
        int linkage = LLVMGetLinkage(table);
        if (linkage != LLVMInternalLinkage && linkage != LLVMPrivateLinkage) return 0;   // partitions share it
        LLVMTypeRef arrayType = LLVMGlobalGetValueType(table);
        if (LLVMGetTypeKind(arrayType) != LLVMArrayTypeKind) return 0;
        int rowCount = (int) LLVMGetArrayLength2(arrayType);
        LLVMTypeRef rowType = LLVMGetElementType(arrayType);

        Deque<Slot> work = new ArrayDeque<>();
        for (var use = LLVMGetFirstUse(table); use != null && !use.isNull(); use = LLVMGetNextUse(use)) {
            Slot index = rowIndex(LLVMGetUser(use), table, rowType);
            if (index == null) return 0;
            work.add(index);
        }
        Set<Slot> slots = new HashSet<>();
        List<Slot> constants = new ArrayList<>();
        Set<LLVMValueRef> passedOn = new HashSet<>();   // by address: each LLVMGetOperand is a new wrapper
        while (!work.isEmpty()) {
            Slot slot = work.poll();
            if (!slots.add(slot)) continue;
            LLVMValueRef v = slot.value();
            if (isA(LLVMIsAConstantInt(v))) {
                if (LLVMConstIntGetZExtValue(v) >= rowCount) return 0;
                constants.add(slot);
                continue;
            }
            if (!passedOn.add(v)) continue;
            if (isA(LLVMIsAArgument(v))) {
                LLVMValueRef f = LLVMGetParamParent(v);
                // Its callers must all be in this module: a partition's exported function has
                // callers in others, whose sites this cannot renumber.
                int fLinkage = LLVMGetLinkage(f);
                if (fLinkage != LLVMInternalLinkage && fLinkage != LLVMPrivateLinkage) return 0;
                int param = paramIndex(f, v);
                for (var use = LLVMGetFirstUse(f); use != null && !use.isNull(); use = LLVMGetNextUse(use)) {
                    LLVMValueRef call = LLVMGetUser(use);
                    if (!isA(LLVMIsACallInst(call)) || !LLVMGetCalledValue(call).equals(f)) return 0;   // its address taken
                    work.add(new Slot(call, param));
                }
            } else if (isA(LLVMIsAPHINode(v))) {
                for (int i = 0; i < LLVMCountIncoming(v); i++) work.add(new Slot(v, i));
            } else if (isA(LLVMIsASelectInst(v))) {
                work.add(new Slot(v, 1));
                work.add(new Slot(v, 2));
            } else {
                return 0;
            }
        }
        // Renumbering a value's constants must change nothing but sites: each use of each value
        // on the way is one of the slots found.
        for (LLVMValueRef v : passedOn)
            if (!usedOnlyIn(v, slots)) return 0;

        TreeMap<Long, Integer> renumbered = new TreeMap<>();
        for (Slot s : constants) renumbered.put(LLVMConstIntGetZExtValue(s.value()), 0);
        if (renumbered.size() == rowCount) return 0;
        int next = 0;
        for (var e : renumbered.entrySet()) e.setValue(next++);
        for (Slot s : constants) {
            LLVMValueRef old = s.value();
            LLVMSetOperand(s.user(), s.index(), LLVMConstInt(LLVMTypeOf(old), renumbered.get(LLVMConstIntGetZExtValue(old)), 0));
        }

        LLVMValueRef rows = LLVMGetInitializer(table);
        LLVMValueRef[] kept = new LLVMValueRef[renumbered.size()];
        int k = 0;
        for (long row : renumbered.keySet()) kept[k++] = LLVMGetAggregateElement(rows, (int) row);
        LLVMValueRef pruned = LLVMAddGlobal(module, LLVMArrayType2(rowType, kept.length), TABLE + ".pruned");
        LLVMSetInitializer(pruned, LLVMConstArray2(rowType, LlvmCodegen.values(kept), kept.length));
        LLVMSetGlobalConstant(pruned, 1);
        LLVMSetLinkage(pruned, linkage);
        LLVMSetAlignment(pruned, LLVMGetAlignment(table));
        LLVMSetUnnamedAddr(pruned, LLVMGetUnnamedAddress(table) != LLVMNoUnnamedAddr ? 1 : 0);
        var section = LLVMGetSection(table);
        if (section != null && !section.isNull()) LLVMSetSection(pruned, section);
        LLVMReplaceAllUsesWith(table, pruned);
        LLVMDeleteGlobal(table);
        LLVMSetValueName2(pruned, TABLE, TABLE.length());
        return rowCount - kept.length;
    }

    /**
     * The operand of {@code user} that indexes the table's rows: a GEP over the row type (its
     * first index the row, any more constant field indices), or over an array of rows (runtime-c
     * declares `mote_panic_sites[]`: 0, then the row). Null for any other use.
     */
    private static Slot rowIndex(LLVMValueRef user, LLVMValueRef table, LLVMTypeRef rowType) {
        if (!isA(LLVMIsAGetElementPtrInst(user)) || !LLVMGetOperand(user, 0).equals(table)) return null;
        LLVMTypeRef source = LLVMGetGEPSourceElementType(user);
        int operands = LLVMGetNumOperands(user), row;
        if (source.equals(rowType)) {
            row = 1;
        } else if (LLVMGetTypeKind(source) == LLVMArrayTypeKind && LLVMGetElementType(source).equals(rowType) && operands >= 3
                && isA(LLVMIsAConstantInt(LLVMGetOperand(user, 1))) && LLVMConstIntGetZExtValue(LLVMGetOperand(user, 1)) == 0) {
            row = 2;
        } else {
            return null;
        }
        if (operands <= row) return null;
        for (int i = row + 1; i < operands; i++)
            if (!isA(LLVMIsAConstantInt(LLVMGetOperand(user, i)))) return null;   // a field, not another row
        return new Slot(user, row);
    }

    private static int paramIndex(LLVMValueRef f, LLVMValueRef param) {
        for (int i = 0; i < LLVMCountParams(f); i++)
            if (LLVMGetParam(f, i).equals(param)) return i;
        throw new IllegalStateException("a parameter not of its function");
    }

    /** Whether every operand that holds {@code v} is one of {@code slots}. */
    private static boolean usedOnlyIn(LLVMValueRef v, Set<Slot> slots) {
        for (var use = LLVMGetFirstUse(v); use != null && !use.isNull(); use = LLVMGetNextUse(use)) {
            LLVMValueRef user = LLVMGetUser(use);
            for (int i = 0; i < LLVMGetNumOperands(user); i++)
                if (LLVMGetOperand(user, i).equals(v) && !slots.contains(new Slot(user, i))) return false;
        }
        return true;
    }

    private static boolean isA(LLVMValueRef v) {
        return v != null && !v.isNull();
    }
}

package mote.llvm;

import static org.bytedeco.llvm.global.LLVM.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.BitSet;
import java.util.function.Consumer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.llvm.LLVM.LLVMContextRef;
import org.bytedeco.llvm.LLVM.LLVMMemoryBufferRef;
import org.bytedeco.llvm.LLVM.LLVMModuleRef;
import org.bytedeco.llvm.LLVM.LLVMValueRef;
import org.junit.jupiter.api.Test;

/**
 * Where {@link PartitionPlan} puts each function and variable of a module cut before
 * optimisation, and that every partition {@link SplitCodegen#keepOnly} cuts from it is a valid
 * module: on small modules written in LLVM's own text, cut in two by asking for 2 units.
 */
class PartitionPlanTest {
    /** `count` functions, `@entry` (called from outside) calling f1, f1 calling f2, and so on, each of `body` adds. */
    private static String chain(int count, int body) {
        StringBuilder ir = new StringBuilder();
        for (int i = 0; i < count; i++) {
            String name = i == 0 ? "entry" : "f" + i;
            ir.append(i == 0 ? "define i32 @" : "define internal i32 @").append(name).append("(i32 %x0) {\n");
            for (int k = 1; k <= body; k++) ir.append("  %x").append(k).append(" = add i32 %x").append(k - 1).append(", ").append(k).append("\n");
            if (i + 1 < count) ir.append("  %r = call i32 @f").append(i + 1).append("(i32 %x").append(body).append(")\n  ret i32 %r\n}\n");
            else ir.append("  ret i32 %x").append(body).append("\n}\n");
        }
        return ir.toString();
    }

    @Test
    void aChainOfSingleCallersIsCutIntoFewLongPieces() {
        withModule(chain(40, 20), m -> {
            PartitionPlan plan = PartitionPlan.of(m, 2);
            assertEquals(2, plan.partitions());
            int cuts = 0;
            BitSet used = new BitSet();
            for (int i = 1; i < 40; i++) {
                int caller = plan.owner().get(i == 1 ? "entry" : "f" + (i - 1)), callee = plan.owner().get("f" + i);
                used.set(callee);
                if (caller != callee) cuts++;
            }
            assertEquals(2, used.cardinality(), "both partitions get a share: " + plan.owner());
            // Pieces of at most a quarter of the module: 4 or 5 of them, so 3 to 4 cuts between partitions at most.
            assertTrue(cuts >= 1 && cuts <= 4, cuts + " cuts: " + plan.owner());
        });
    }

    @Test
    void aModuleOfLessThanTwoPartitionsWorthIsWhole() {
        withModule(chain(40, 20), m -> assertTrue(PartitionPlan.of(m, 0).whole()));
    }

    private static final String SHARED = """
            @table = internal constant [4 x i32] [i32 1, i32 2, i32 3, i32 5]
            @counter = internal global i32 0
            @handlers = constant [2 x ptr] [ptr @a, ptr @h]
            @h = internal alias void (), ptr @handler

            define internal void @handler() {
              ret void
            }

            define internal i32 @tiny(i32 %x) {
              %y = mul i32 %x, 3
              ret i32 %y
            }

            define void @a(i32 %i) {
            %BODY_A%
              %p = getelementptr [4 x i32], ptr @table, i32 0, i32 %i
              %v = load i32, ptr %p
              %t = call i32 @tiny(i32 %v)
              store i32 %t, ptr @counter
              ret void
            }

            define void @b(i32 %i) {
            %BODY_B%
              %p = getelementptr [4 x i32], ptr @table, i32 0, i32 %i
              %v = load i32, ptr %p
              %t = call i32 @tiny(i32 %v)
              %c = load i32, ptr @counter
              %s = add i32 %c, %t
              store i32 %s, ptr @counter
              ret void
            }
            """;

    private static String shared() {
        StringBuilder a = new StringBuilder(), b = new StringBuilder();
        for (int k = 0; k < 30; k++) {
            a.append("  %a").append(k).append(" = add i32 %i, ").append(k).append("\n");
            b.append("  %b").append(k).append(" = add i32 %i, ").append(k).append("\n");
        }
        return SHARED.replace("%BODY_A%", a).replace("%BODY_B%", b);
    }

    @Test
    void smallLeavesAreCopiedConstantsLentAndVariablesShared() {
        withModule(shared(), m -> {
            PartitionPlan plan = PartitionPlan.of(m, 2);
            assertEquals(2, plan.partitions());
            assertNotEquals(plan.owner().get("a"), plan.owner().get("b"), "the two large roots are dealt to both partitions");
            BitSet tiny = plan.copies().get("tiny");
            assertNotNull(tiny, "a small leaf called from both partitions is copied: " + plan.copies());
            assertEquals(2, tiny.cardinality());
            int tableOwner = plan.owner().get("table");
            BitSet lent = plan.imported().get("table");
            assertNotNull(lent, "a constant both use is lent to the other: " + plan.imported());
            assertTrue(lent.get(1 - tableOwner) && !lent.get(tableOwner));
            assertFalse(plan.imported().containsKey("counter"), "a variable is never copied");
            assertFalse(plan.imported().containsKey("handlers"), "a constant that names functions is not lent");
            assertTrue(LLVMGetFirstGlobalAlias(m) == null || LLVMGetFirstGlobalAlias(m).isNull(), "the local alias was folded");
        });
    }

    @Test
    void everyPartitionCutFromTheModuleIsValid() {
        withModule(shared(), m -> {
            PartitionPlan plan = PartitionPlan.of(m, 2);
            SplitCodegen.exportCrossPartitionReferences(m, plan);
            LLVMValueRef counter = LLVMGetNamedGlobal(m, "counter");
            assertEquals(LLVMExternalLinkage, LLVMGetLinkage(counter), "a variable used from both partitions is exported");
            assertEquals(LLVMHiddenVisibility, LLVMGetVisibility(counter));
            LLVMMemoryBufferRef bitcode = LLVMWriteBitcodeToMemoryBuffer(m);
            try {
                for (int p = 0; p < 2; p++) {
                    LLVMContextRef ctx = LLVMContextCreate();
                    LLVMModuleRef part = new LLVMModuleRef();
                    assertEquals(0, LLVMParseBitcodeInContext2(ctx, bitcode, part));
                    SplitCodegen.keepOnly(part, plan, p);
                    BytePointer message = new BytePointer();
                    if (LLVMVerifyModule(part, LLVMReturnStatusAction, message) != 0) fail("partition " + p + ": " + message.getString());
                    LLVMValueRef tiny = LLVMGetNamedFunction(part, "tiny");
                    assertEquals(0, LLVMIsDeclaration(tiny), "partition " + p + " has its own copy of tiny");
                    assertEquals(LLVMInternalLinkage, LLVMGetLinkage(tiny));
                    LLVMValueRef table = LLVMGetNamedGlobal(part, "table");
                    int expected = plan.owner().get("table") == p ? LLVMExternalLinkage : LLVMAvailableExternallyLinkage;
                    assertEquals(expected, LLVMGetLinkage(table), "partition " + p + "'s table");
                    LLVMDisposeModule(part);
                    LLVMContextDispose(ctx);
                }
            } finally {
                LLVMDisposeMemoryBuffer(bitcode);
            }
        });
    }

    /** Parses {@code ir} into a module of its own context for {@code test} (NarrowLookupTablesTest too). */
    static void withModule(String ir, Consumer<LLVMModuleRef> test) {
        LLVMContextRef ctx = LLVMContextCreate();
        try {
            byte[] bytes = ir.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            LLVMMemoryBufferRef buffer = LLVMCreateMemoryBufferWithMemoryRangeCopy(new BytePointer(bytes), bytes.length, new BytePointer("test.ll"));
            LLVMModuleRef m = new LLVMModuleRef();
            BytePointer error = new BytePointer();
            if (LLVMParseIRInContext(ctx, buffer, m, error) != 0) fail(error.getString());
            try {
                test.accept(m);
            } finally {
                LLVMDisposeModule(m);
            }
        } finally {
            LLVMContextDispose(ctx);
        }
    }
}

package mote.home;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;

import org.junit.jupiter.api.Test;

import mote.diag.ToolError;

class ToolchainTest {
    @Test
    void everyToolRuns() {
        Toolchain toolchain = Toolchain.get();
        assertTrue(toolchain.check(toolchain.clang(), List.of("--version")).contains("clang version 20."));
        assertTrue(toolchain.check(toolchain.ldLld(), List.of("--version")).contains("LLD 20."));
        for (var tool : List.of(toolchain.llvmSize(), toolchain.llvmObjcopy(), toolchain.llvmObjdump(), toolchain.llvmNm())) {
            assertTrue(Files.isExecutable(tool), tool.toString());
            assertEquals(0, toolchain.run(tool, List.of("--version")).exitCode(), tool.toString());
        }
        assertTrue(Files.isSymbolicLink(toolchain.libDir().resolve("libLLVM.so.20.1")));
    }

    @Test
    void onePerJvm() {
        assertTrue(Toolchain.get() == Toolchain.get());
    }

    @Test
    void failureCarriesTheToolsStderr() {
        Toolchain toolchain = Toolchain.get();
        ToolError error = assertThrows(ToolError.class,
                () -> toolchain.check(toolchain.clang(), List.of("-c", "/no/such/file.c")));
        assertTrue(error.getMessage().startsWith("clang failed (exit code 1)"), error.getMessage());
        assertTrue(error.getMessage().contains("no such file"), error.getMessage());
    }

    @Test
    void unknownToolIsAToolError() {
        assertThrows(ToolError.class, () -> Toolchain.get().tool("no-such-tool"));
    }
}

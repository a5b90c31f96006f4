package mote.home;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import mote.diag.ToolError;

class MoteHomeTest {
    @TempDir Path dir;

    @Test
    void surefireSetsTheRealHome() {
        Path home = MoteHome.get();
        assertTrue(Files.isRegularFile(home.resolve("boards/lm3s6965evb.json")));
        assertTrue(Files.isRegularFile(home.resolve("runtime-c/include/mote_rt.h")));
    }

    @Test
    void propertyWinsOverEnvironmentAndLocation() throws IOException {
        Path a = makeHome("a"), b = makeHome("b");
        assertEquals(a, MoteHome.resolve(a.toString(), b.toString(), b));
        assertEquals(b, MoteHome.resolve(null, b.toString(), a));
    }

    @Test
    void walksUpFromTheJar() throws IOException {
        Path home = makeHome("install");
        Path jar = Files.createDirectories(home.resolve("compiler/target")).resolve("mote.jar");
        assertEquals(home, MoteHome.resolve(null, "", jar));
    }

    @Test
    void aWrongHomeIsAClearError() {
        ToolError error = assertThrows(ToolError.class, () -> MoteHome.resolve(dir.toString(), null, null));
        assertTrue(error.getMessage().startsWith("system property mote.home is `"), error.getMessage());
        assertThrows(ToolError.class, () -> MoteHome.resolve(null, null, dir));
    }

    private Path makeHome(String name) throws IOException {
        Path home = dir.resolve(name);
        Files.createDirectories(home.resolve("boards"));
        Files.createDirectories(home.resolve("runtime-c"));
        return home.toAbsolutePath().normalize();
    }
}

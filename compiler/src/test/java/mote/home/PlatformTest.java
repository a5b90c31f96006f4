package mote.home;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Host platforms as the JVM names them, their tool names, and paths written for any OS. */
class PlatformTest {
    @Test
    void namesTheBytedecoArtifactOfEachHost() {
        assertEquals("linux-x86_64", Platform.of("Linux", "amd64").javacppName());
        assertEquals("linux-arm64", Platform.of("Linux", "aarch64").javacppName());
        assertEquals("macosx-arm64", Platform.of("Mac OS X", "aarch64").javacppName());
        assertEquals("macosx-x86_64", Platform.of("Mac OS X", "x86_64").javacppName());
        assertEquals("windows-x86_64", Platform.of("Windows 11", "amd64").javacppName());
        assertFalse(Platform.of("Linux", "riscv64").supported(), "no LLVM artifact for it");
        assertTrue(Platform.host().supported(), "this machine: " + Platform.host());
    }

    @Test
    void toolsAndQemuHaveEachOsFileNames() {
        Platform windows = Platform.of("Windows 10", "amd64"), mac = Platform.of("Mac OS X", "aarch64"), linux = Platform.of("Linux", "amd64");
        assertEquals("ld.lld.exe", windows.executable("ld.lld"));
        assertEquals("qemu-system-arm.exe", windows.qemuExecutable());
        assertEquals("ld.lld", mac.executable("ld.lld"));
        assertEquals("qemu-system-arm", linux.qemuExecutable());
        assertEquals("PATH", windows.libraryPathVariable());
        assertEquals("DYLD_LIBRARY_PATH", mac.libraryPathVariable());
        assertEquals("LD_LIBRARY_PATH", linux.libraryPathVariable());
        assertEquals("libs;C:\\Windows", windows.prependToPathList(Path.of("libs"), "C:\\Windows"));
        assertEquals("libs:/usr/lib", linux.prependToPathList(Path.of("libs"), "/usr/lib"));
        assertEquals("libs", linux.prependToPathList(Path.of("libs"), ""));
        assertTrue(mac.qemuInstallHint().contains("brew install qemu"));
    }

    @Test
    void eachOsKeepsTheCacheInItsOwnPlace() {
        Path home = Path.of("home", "me");
        java.util.Map<String, String> env = java.util.Map.of("LOCALAPPDATA", "appdata", "XDG_CACHE_HOME", "xdg");
        assertEquals(Path.of("appdata", "mote", "cache"), Platform.of("Windows 11", "amd64").cacheRoot(env::get, home));
        assertEquals(home.resolve("AppData/Local/mote/cache"), Platform.of("Windows 11", "amd64").cacheRoot(k -> null, home));
        assertEquals(home.resolve("Library/Caches/mote"), Platform.of("Mac OS X", "aarch64").cacheRoot(env::get, home));
        assertEquals(Path.of("xdg", "mote"), Platform.of("Linux", "amd64").cacheRoot(env::get, home));
        assertEquals(home.resolve(".cache/mote"), Platform.of("Linux", "amd64").cacheRoot(k -> null, home));
    }

    @Test
    void absolutePathsOfEveryOsAreRecognisedOnAnyHost() {
        for (String abs : List.of("C:\\fw\\main.mote", "c:/fw/main.mote", "\\\\server\\share\\x.mote", "/home/me/x.mote", "\\x.mote"))
            assertTrue(Platform.isAbsolute(abs), abs);
        for (String rel : List.of("src\\main.mote", "src/main.mote", "main.mote", ".\\a.mote", "..\\a.mote"))
            assertFalse(Platform.isAbsolute(rel), rel);
    }

    @Test
    void windowsStyleRelativePathsResolveInsideTheProject() {
        Path root = Path.of("proj").toAbsolutePath();
        assertEquals(List.of("src", "app", "main.mote"), Platform.parts("src\\app/main.mote"));
        assertEquals(List.of("boards"), Platform.parts(".\\boards\\"));
        assertEquals(root.resolve("src").resolve("main.mote"), Platform.resolveInside(root, "src\\main.mote"));
        assertEquals(root.resolve("src").resolve("main.mote"), Platform.resolveInside(root, "src/./main.mote"));
        assertEquals(root.resolve("main.mote"), Platform.resolveInside(root, "src\\..\\main.mote"));
        assertNull(Platform.resolveInside(root, "..\\elsewhere\\main.mote"), "leaves the project");
        assertNull(Platform.resolveInside(root, "C:\\fw\\main.mote"), "absolute");
    }
}

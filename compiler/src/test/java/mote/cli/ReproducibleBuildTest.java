package mote.cli;

import static mote.cli.CliTest.mote;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mote.home.MoteHome;
import mote.testutil.ProgramRunner;
import org.junit.jupiter.api.Test;

/**
 * The same program and flags give the same image bytes however its path is typed and from
 * whichever directory `mote` runs: panic locations and debug info name files relative to the
 * program's root (the entry file's directory), never by the path given or the build machine's.
 */
class ReproducibleBuildTest {
    private static Path program() throws Exception {
        Path root = ProgramRunner.tempDir().resolve("project");
        Files.createDirectories(root);
        Files.writeString(root.resolve("helper.mote"), "fn div(a: i32, b: i32) -> i32 { a / b }\n");
        Files.writeString(root.resolve("app.mote"), """
                import helper;
                async fn main() -> i32 {
                    let xs = [1, 2, 3];
                    let mut s = 0;
                    for i in 0..3 { s += xs[i]; }
                    helper.div(s, s - 6)
                }
                """);
        return root.resolve("app.mote");
    }

    /** `mote build` in a fresh JVM whose working directory is {@code cwd}. */
    private static void buildIn(Path cwd, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dmote.home=" + MoteHome.get(), "-cp", System.getProperty("java.class.path"), Main.class.getName(), "build"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output);
    }

    private static byte[] read(Path out, String file) throws Exception { return Files.readAllBytes(out.resolve(file)); }

    @Test
    void theImageDoesNotDependOnHowOrWhereThePathIsTyped() throws Exception {
        Path app = program(), root = app.getParent();
        Path tmp = ProgramRunner.tempDir();
        String relative = Path.of("").toAbsolutePath().relativize(app).toString();   // from this JVM's directory
        for (String flag : List.of("--opt=all", "--debug")) {
            Path absolute = tmp.resolve("abs" + flag), typedRelative = tmp.resolve("rel" + flag),
                    inRoot = tmp.resolve("root" + flag), inParent = tmp.resolve("parent" + flag);
            assertEquals(0, mote("build", app.toString(), flag, "--emit", "bin", "-o", absolute.toString()).exit());
            assertEquals(0, mote("build", relative, flag, "--emit", "bin", "-o", typedRelative.toString()).exit());
            buildIn(root, "app.mote", flag, "--emit", "bin", "-o", inRoot.toString());
            buildIn(root.getParent(), "project/app.mote", flag, "--emit", "bin", "-o", inParent.toString());
            byte[] expected = read(absolute, "app.bin");
            for (Path other : List.of(typedRelative, inRoot, inParent)) {
                assertArrayEquals(expected, read(other, "app.bin"), flag + ": " + other.getFileName());
                assertArrayEquals(read(absolute, "app.elf"), read(other, "app.elf"), flag + ": " + other.getFileName() + " (ELF, debug info included)");
            }
            String image = new String(read(absolute, "app.elf"), StandardCharsets.ISO_8859_1);
            assertTrue(image.contains("helper.mote:1:33"), "panic locations name the files from the root");
            assertFalse(image.contains(root.toString()) || image.contains("project/"), "no directory of the build machine in the image");
            assertFalse(image.contains(MoteHome.get().toAbsolutePath().normalize() + "/runtime-c"),
                    "runtime-c's files named from Mote's folder, not this checkout's path: two checkouts build one image");
        }
    }

    /** Code generation changes the IR it runs on: the assembly comes from a copy, so the image is the one a build without it makes. */
    @Test
    void emittingAssemblyLeavesTheImageAsItIs() throws Exception {
        Path tmp = ProgramRunner.tempDir();
        String hello = MoteHome.get().resolve("examples/hello.mote").toString();
        for (String units : List.of("1", "3")) {
            Path plain = tmp.resolve("plain" + units), withAsm = tmp.resolve("asm" + units);
            assertEquals(0, mote("build", hello, "--codegen-units=" + units, "-o", plain.toString()).exit());
            assertEquals(0, mote("build", hello, "--codegen-units=" + units, "--emit", "asm", "-o", withAsm.toString()).exit());
            assertArrayEquals(read(plain, "hello.elf"), read(withAsm, "hello.elf"), "--codegen-units=" + units);
            assertTrue(Files.size(withAsm.resolve("hello.s")) > 0);
        }
    }
}

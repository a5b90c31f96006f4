package mote.home;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.bytedeco.javacpp.Loader;

import mote.home.MoteCache;
import mote.diag.ToolError;

/**
 * The LLVM command-line tools shipped in the bytedeco LLVM jar: clang (builds runtime-c),
 * ld.lld, llvm-size, llvm-objcopy, llvm-objdump, llvm-nm.
 *
 * <p>JavaCPP unpacks them into {@code ~/.javacpp/cache} on first use (a few seconds, once per
 * machine). Two quirks are handled here: the jar ships {@code libLLVM.so} and
 * {@code libclang-cpp.so} but the tools are linked against {@code libLLVM.so.20.1} and
 * {@code libclang-cpp.so.20.1}, so we keep symlinks with those names in a cache folder and put
 * it on {@code LD_LIBRARY_PATH}; and only some tools keep their executable bit when unpacked.
 */
public final class Toolchain {
    private static final List<String> VERSIONED_LIBS = List.of("libLLVM.so", "libclang-cpp.so");
    private static final String LIB_SUFFIX = ".20.1";
    private static volatile Toolchain instance;

    private final Path binDir;
    private final Path libDir;

    private Toolchain(Path binDir, Path libDir) {
        this.binDir = binDir;
        this.libDir = libDir;
    }

    /** The toolchain, located and prepared once per JVM. */
    public static Toolchain get() {
        Toolchain toolchain = instance;
        if (toolchain == null) {
            synchronized (Toolchain.class) {
                toolchain = instance;
                if (toolchain == null) {
                    toolchain = locate();
                    instance = toolchain;
                }
            }
        }
        return toolchain;
    }

    private static final Platform HOST = Platform.host();

    private static Toolchain locate() {
        String jar = toolsJar();
        Path binDir = jar == null ? null : unpackedBefore(jar);
        if (binDir == null) {
            Path clang;
            try {
                clang = Path.of(Loader.load(org.bytedeco.llvm.program.clang.class));
            } catch (RuntimeException | UnsatisfiedLinkError e) {
                throw new ToolError("cannot unpack clang from the bytedeco LLVM jar: " + e.getMessage());
            }
            binDir = clang.getParent();
            if (jar != null) rememberUnpacked(jar, binDir);
        }
        // Only Linux tools look for libraries by a versioned name the jar does not ship.
        return new Toolchain(binDir, HOST.os() == Platform.Os.LINUX ? linkVersionedLibraries(binDir) : binDir);
    }

    /**
     * Where JavaCPP unpacked the tools, when it did so for this very jar before. Loading the
     * clang program through JavaCPP checks every file of the package against the jar (and
     * loads a JNI library): a few hundred milliseconds of every build, hello's included
     * (issue 13). The note is keyed by the jar's path, size and modification time, and only
     * trusted while the tools and libraries it names are there.
     */
    private static final String UNPACKED_NOTE = "unpacked-tools";

    /** The jar the tools come from (its URL, size and time), or null when they are not in a jar. */
    private static String toolsJar() {
        try {
            java.net.URL url = Toolchain.class.getClassLoader().getResource("org/bytedeco/llvm/" + Loader.getPlatform() + "/clang");
            if (url == null || !url.getProtocol().equals("jar")) return null;
            String spec = url.getPath();
            Path jar = Path.of(new java.net.URI(spec.substring(0, spec.indexOf("!/"))));
            return jar + "\n" + Files.size(jar) + "\n" + Files.getLastModifiedTime(jar).toMillis();
        } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
            return null;   // no shortcut: JavaCPP finds the tools as always
        }
    }

    private static Path unpackedBefore(String jar) {
        try {
            Path note = MoteCache.dir("toolchain-libs").resolve(UNPACKED_NOTE);
            if (!Files.isRegularFile(note)) return null;
            String text = Files.readString(note, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            if (end < 0 || !text.substring(0, end).equals(jar)) return null;
            Path binDir = Path.of(text.substring(end + 1));
            for (String tool : List.of("clang", "ld.lld", "llvm-objcopy", "llvm-size", "llvm-objdump", "llvm-nm"))
                if (!Files.isRegularFile(binDir.resolve(HOST.executable(tool)))) return null;
            if (HOST.os() == Platform.Os.LINUX)
                for (String lib : VERSIONED_LIBS) if (!Files.isRegularFile(binDir.resolve(lib))) return null;
            return binDir;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void rememberUnpacked(String jar, Path binDir) {
        try {
            // Another build never reads half a note (see writeQuietly).
            MoteCache.writeQuietly(MoteCache.dir("toolchain-libs").resolve(UNPACKED_NOTE), jar + "\n" + binDir);
        } catch (RuntimeException e) {
            // Only the shortcut is lost.
        }
    }

    /** Creates {@code libLLVM.so.20.1 -> <binDir>/libLLVM.so} and friends in our cache. */
    private static Path linkVersionedLibraries(Path binDir) {
        Path libDir = MoteCache.dir("toolchain-libs");
        for (String lib : VERSIONED_LIBS) {
            Path target = binDir.resolve(lib);
            Path link = libDir.resolve(lib + LIB_SUFFIX);
            try {
                if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(target)) continue;
                // Make the link under a unique name, then rename it over the old one: another
                // JVM doing the same at the same moment never sees a half-made link.
                Path temporary = libDir.resolve(lib + ".tmp-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
                Files.createSymbolicLink(temporary, target);
                Files.move(temporary, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new ToolError("cannot prepare LLVM libraries in " + libDir + ": " + e.getMessage());
            }
        }
        return libDir;
    }

    public Path binDir() { return binDir; }

    /** The folder put on the library path ({@link Platform#libraryPathVariable()}) when a tool runs. */
    public Path libDir() { return libDir; }

    public Path clang() { return tool("clang"); }

    public Path ldLld() { return tool("ld.lld"); }

    public Path llvmSize() { return tool("llvm-size"); }

    public Path llvmObjcopy() { return tool("llvm-objcopy"); }

    public Path llvmObjdump() { return tool("llvm-objdump"); }

    public Path llvmNm() { return tool("llvm-nm"); }

    /** The path of tool {@code name} ({@code ld.lld.exe} on Windows), made executable if the unpacking lost the bit. */
    public Path tool(String name) {
        Path path = binDir.resolve(HOST.executable(name));
        if (!Files.isRegularFile(path)) {
            throw new ToolError(name + " is missing from the bytedeco LLVM jar (looked in " + binDir + ")");
        }
        if (!Files.isExecutable(path) && !path.toFile().setExecutable(true)) {
            throw new ToolError("cannot make " + path + " executable");
        }
        return path;
    }

    /** Runs {@code tool args...} and returns whatever happened; never throws for a non-zero exit. */
    public ToolResult run(Path tool, List<String> args, Path workingDir) {
        List<String> command = new ArrayList<>();
        command.add(tool.toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE);
        if (workingDir != null) builder.directory(workingDir.toFile());
        Map<String, String> env = builder.environment();
        String variable = HOST.libraryPathVariable();
        env.put(variable, HOST.prependToPathList(libDir, env.get(variable)));
        try {
            Process process = builder.start();
            process.getOutputStream().close(); // no tool here reads stdin
            // Drain stderr on its own thread so a chatty tool cannot fill one pipe and block.
            ByteArrayOutputStream stderr = new ByteArrayOutputStream();
            Thread stderrReader = new Thread(() -> copy(process.getErrorStream(), stderr), "toolchain-stderr");
            stderrReader.start();
            byte[] stdout = process.getInputStream().readAllBytes();
            int exitCode = process.waitFor();
            stderrReader.join();
            return new ToolResult(command, exitCode, new String(stdout, StandardCharsets.UTF_8),
                    stderr.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ToolError("cannot run " + tool.getFileName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolError("interrupted while running " + tool.getFileName());
        }
    }

    public ToolResult run(Path tool, List<String> args) { return run(tool, args, null); }

    /** Runs the tool and returns its stdout; a non-zero exit becomes a ToolError carrying its stderr. */
    public String check(Path tool, List<String> args, Path workingDir) {
        ToolResult result = run(tool, args, workingDir);
        if (!result.ok()) {
            String detail = result.stderr().isBlank() ? result.stdout() : result.stderr();
            throw new ToolError(tool.getFileName() + " failed (exit code " + result.exitCode() + "):\n"
                    + detail.stripTrailing());
        }
        return result.stdout();
    }

    public String check(Path tool, List<String> args) { return check(tool, args, null); }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

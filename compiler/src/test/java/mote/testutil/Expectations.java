package mote.testutil;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a test program says about itself, in comments (jlox/QBE style):
 * {@code // expect: line} (each console line, in order), {@code // exit: N} (default 0),
 * {@code // boards: a, b} (default: every QEMU board of the spine), {@code // flags: ...}.
 */
public record Expectations(List<String> lines, int exitCode, List<String> boards, List<String> flags, String input) {
    public static final List<String> DEFAULT_BOARDS = List.of("lm3s6965evb", "mps2-an385");
    private static final Pattern DIRECTIVE = Pattern.compile("//\\s*(expect|exit|boards|flags|input):\\s?(.*)$");

    /** The console output expected from {@code program}: the lines, `{file}` replaced by its name (panic locations are relative to the program's root). */
    public String expectedOutput(java.nio.file.Path program) {
        return lines.isEmpty() ? "" : String.join("\n", lines).replace("{file}", program.getFileName().toString()) + "\n";
    }

    /**
     * {@code options} as the program's {@code // flags:} ask (`--debug`, `--panic=task`, as
     * `mote build` takes them). An unknown flag fails, rather than running the program without it.
     */
    public mote.Compiler.Options applyFlags(mote.Compiler.Options options) {
        for (String flag : flags) {
            options = switch (flag) {
                case "--debug" -> options.withDebug(true);
                case "--panic=task" -> options.withPanicAbort(false);
                case "--panic=abort" -> options.withPanicAbort(true);
                case "--log=interned" -> options.withInternedLog(true);
                case "--backtrace" -> options.withBacktrace(true);
                case "-O0", "-Os", "-Oz", "-O2" -> options.withOptLevel(mote.llvm.LlvmBackend.OptLevel.parse(flag.substring(2)));
                default -> {
                    if (flag.startsWith("--codegen-units="))
                        yield options.withCodegenUnits(Integer.parseInt(flag.substring("--codegen-units=".length())));
                    throw new IllegalArgumentException("unknown `// flags:` flag " + flag + " (known: --debug, --panic=task,"
                            + " --panic=abort, --log=interned, --backtrace, -O0, -Os, -Oz, -O2, --codegen-units=N)");
                }
            };
        }
        return options;
    }

    public static Expectations parse(String source) {
        List<String> lines = new ArrayList<>();
        int exit = 0;
        List<String> boards = DEFAULT_BOARDS;
        List<String> flags = List.of();
        StringBuilder input = new StringBuilder();
        for (String line : source.split("\n", -1)) {
            Matcher m = DIRECTIVE.matcher(line);
            if (!m.find()) continue;
            String value = m.group(2).stripTrailing();
            switch (m.group(1)) {
                case "expect" -> lines.add(value);
                case "exit" -> exit = Integer.parseInt(value.trim());
                case "boards" -> boards = splitList(value);
                case "flags" -> flags = List.of(value.trim().split("\\s+"));
                case "input" -> input.append(value.replace("\\n", "\n"));
                default -> throw new IllegalStateException(m.group(1));
            }
        }
        return new Expectations(List.copyOf(lines), exit, boards, flags, input.toString());
    }

    private static List<String> splitList(String value) {
        List<String> out = new ArrayList<>();
        for (String s : value.split(",")) if (!s.isBlank()) out.add(s.trim());
        return out;
    }
}

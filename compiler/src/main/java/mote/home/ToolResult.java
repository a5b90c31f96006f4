package mote.home;

import java.util.List;

/** What a finished external tool left behind. */
public record ToolResult(List<String> command, int exitCode, String stdout, String stderr) {
    public boolean ok() { return exitCode == 0; }
}

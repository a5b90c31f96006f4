package mote.qemu;

import java.time.Duration;
import java.util.List;

/**
 * How a QEMU run ended.
 *
 * @param exitCode the guest's exit code (semihosting SYS_EXIT_EXTENDED, modulo 256 as the
 *                 host sees it); {@link #TIMEOUT_EXIT_CODE} when the run timed out
 * @param output   everything the guest printed on its console
 * @param stderr   QEMU's own stderr, minus known harmless lines
 * @param qemuError when QEMU itself failed (a bad option, a machine it does not know, an image
 *                  it cannot load) rather than the guest exiting: QEMU's own error lines;
 *                  {@code exitCode} is then QEMU's exit status, not the program's
 */
public record QemuResult(List<String> command, int exitCode, boolean timedOut, String output, String stderr,
                         Duration elapsed, java.util.Optional<String> qemuError) {
    /** What `mote run` exits with when `--timeout` ran out (as coreutils' timeout does). */
    public static final int TIMEOUT_EXIT_CODE = 124;
}

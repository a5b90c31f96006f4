package mote.e2e;

import java.nio.file.Path;
import java.util.List;

/** The end-to-end program list, for other suites that run the same programs differently. */
public final class RunProgramsTestAccess {
    private RunProgramsTestAccess() {}

    public static List<Path> programs() { return RunProgramsTest.programs(); }
}

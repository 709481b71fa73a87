package scada.redundancy.modbus.tests;

import java.io.IOException;
import java.nio.file.Path;

/** The shipped sample project (examples/plant), copied so that a test can point it at its simulator. */
public final class SampleProject {
    private SampleProject() {
    }

    /** examples/plant in the source tree, found from the working directory upwards. */
    public static Path sample() {
        return scada.redundancy.cli.harness.SampleProject.find();
    }

    /**
     * A copy of the sample in {@code to} whose PLC is at 127.0.0.1:{@code port}, with the given
     * timeouts.
     */
    public static Path copyOn(Path to, int port, int connectTimeoutMs, int readTimeoutMs) throws IOException {
        return scada.redundancy.cli.harness.SampleProject.copyOn(to, port, connectTimeoutMs, readTimeoutMs);
    }
}

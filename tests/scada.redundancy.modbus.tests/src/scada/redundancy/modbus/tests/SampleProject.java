package scada.redundancy.modbus.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The shipped sample project (examples/plant), copied so that a test can point it at its simulator. */
public final class SampleProject {
    private SampleProject() {
    }

    /** examples/plant in the source tree, found from the working directory upwards. */
    public static Path sample() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("examples/plant/project.json"))) {
                return dir.resolve("examples/plant");
            }
        }
        throw new IllegalStateException("examples/plant not found above " + Path.of("").toAbsolutePath());
    }

    /**
     * A copy of the sample in {@code to} whose PLC is at 127.0.0.1:{@code port}, with the given
     * timeouts.
     */
    public static Path copyOn(Path to, int port, int connectTimeoutMs, int readTimeoutMs) throws IOException {
        Path from = sample();
        try (var walk = Files.walk(from)) {
            for (Path f : walk.sorted().toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
        Path project = to.resolve("project.json");
        Files.writeString(project, Files.readString(project).replace("\"port\": 5020", "\"port\": " + port)
                .replace("\"connectTimeoutMs\": 1000", "\"connectTimeoutMs\": " + connectTimeoutMs)
                .replace("\"readTimeoutMs\": 500", "\"readTimeoutMs\": " + readTimeoutMs));
        return to;
    }
}

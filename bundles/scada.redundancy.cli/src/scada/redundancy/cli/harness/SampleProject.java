package scada.redundancy.cli.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The shipped sample project ({@code examples/plant}), and copies of it pointed at a PLC
 * simulator: what the demo, the benchmarks and the process tests run.
 */
public final class SampleProject {
    private SampleProject() {
    }

    /**
     * {@code examples/plant} of the source tree: found above the server product (the launcher
     * passes {@code -Dduplex.product}, which lies under {@code releng/} of the checkout), else above
     * the working directory.
     */
    public static Path find() {
        String product = System.getProperty("duplex.product");
        if (product != null) {
            Path found = above(Path.of(product).toAbsolutePath());
            if (found != null) {
                return found;
            }
        }
        Path found = above(Path.of("").toAbsolutePath());
        if (found == null) {
            throw new IllegalStateException("the sample project examples/plant is not above " + Path.of("").toAbsolutePath()
                    + (product != null ? " nor above " + product : "") + ": run from a checkout of Duplex");
        }
        return found;
    }

    private static Path above(Path start) {
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("examples/plant/project.json"))) {
                return dir.resolve("examples/plant");
            }
        }
        return null;
    }

    /**
     * A copy of the project in {@code from} written to {@code to}, every PLC of which is at
     * 127.0.0.1:{@code port} with the given timeouts.
     *
     * @return {@code to}
     */
    public static Path copyOn(Path from, Path to, int port, int connectTimeoutMs, int readTimeoutMs) throws IOException {
        return copyOn(from, to, port, connectTimeoutMs, readTimeoutMs, 0);
    }

    /**
     * As {@link #copyOn(Path, Path, int, int, int)}, and with {@code pollMs > 0} every tag polled
     * every {@code pollMs} (a benchmark measures gaps finer than the sample's 500 ms).
     */
    public static Path copyOn(Path from, Path to, int port, int connectTimeoutMs, int readTimeoutMs, int pollMs)
            throws IOException {
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
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        JsonNode root = json.readTree(project.toFile());
        for (JsonNode plc : root.path("plcs")) {
            ((ObjectNode) plc).put("host", "127.0.0.1").put("port", port).put("connectTimeoutMs", connectTimeoutMs)
                    .put("readTimeoutMs", readTimeoutMs);
        }
        json.writeValue(project.toFile(), root);
        if (pollMs > 0) {
            try (var tagFiles = Files.list(to.resolve("tags"))) {
                for (Path f : tagFiles.filter(f -> f.toString().endsWith(".json")).toList()) {
                    JsonNode tags = json.readTree(f.toFile());
                    for (JsonNode tag : tags.path("tags")) {
                        ((ObjectNode) tag).put("pollMs", pollMs);
                    }
                    json.writeValue(f.toFile(), tags);
                }
            }
        }
        return to;
    }

    /** {@link #copyOn(Path, Path, int, int, int)} of the shipped sample. */
    public static Path copyOn(Path to, int port, int connectTimeoutMs, int readTimeoutMs) throws IOException {
        return copyOn(find(), to, port, connectTimeoutMs, readTimeoutMs);
    }
}

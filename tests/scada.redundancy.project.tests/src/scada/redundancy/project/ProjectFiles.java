package scada.redundancy.project;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Projects for tests: the shipped sample, or files written on the spot. */
final class ProjectFiles {
    private ProjectFiles() {
    }

    /** examples/plant in the source tree, found from the working directory upwards. */
    static Path sample() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("examples/plant");
            if (Files.isRegularFile(candidate.resolve("project.json"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("examples/plant not found above " + Path.of("").toAbsolutePath());
    }

    /** A copy of the sample in a fresh temporary directory. */
    static Path copyOfSample() throws IOException {
        Path from = sample();
        Path to = Files.createTempDirectory("duplex-project-");
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.sorted(Comparator.naturalOrder()).toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return to;
    }

    static void write(Path dir, String relative, String text) throws IOException {
        Path f = dir.resolve(relative);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
    }
}

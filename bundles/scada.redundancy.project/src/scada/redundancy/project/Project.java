package scada.redundancy.project;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A checked SCADA project, as {@link ProjectReader} read it.
 *
 * @param directory   where it was read from
 * @param fingerprint {@link ProjectFingerprint#of} the directory at the time it was read
 */
public record Project(Path directory, String name, String version, String description, List<Plc> plcs, List<Tag> tags,
        String fingerprint) {

    public Project {
        plcs = List.copyOf(plcs);
        tags = List.copyOf(tags);
    }

    public Optional<Tag> tag(String name) {
        return tags.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** The tags read through {@code plc}, in project order. */
    public List<Tag> tagsOf(Plc plc) {
        return tags.stream().filter(t -> t.plc().equals(plc.name())).toList();
    }
}

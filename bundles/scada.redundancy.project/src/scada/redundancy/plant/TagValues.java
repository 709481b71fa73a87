package scada.redundancy.plant;

import java.util.List;
import java.util.Optional;

import scada.redundancy.project.Project;

/**
 * The current value of every tag of the loaded project on this server. A service that exists
 * while a project is loaded; every method returns at once.
 */
public interface TagValues {
    /** The project the values belong to (tags, their types, units and PLCs). */
    Project project();

    /** Every tag's current value, in project order. */
    List<TagValue> snapshot();

    /** The current value of one tag, empty if the project has no such tag. */
    Optional<TagValue> current(String tag);

    /** Whether this server polls the PLCs now (it is primary): only then are values fresh. */
    boolean polling();
}

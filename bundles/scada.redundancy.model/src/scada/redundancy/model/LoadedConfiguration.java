package scada.redundancy.model;

import java.util.Map;
import java.util.Optional;

/**
 * A configuration read from a file, with where each field stood in it, so that a problem can be
 * reported by line.
 *
 * @param configuration the configuration
 * @param locations     field path ({@code thisScada.port}, {@code partners[0]}, ...) to position
 */
public record LoadedConfiguration(RedundancyConfiguration configuration, Map<String, SourceLocation> locations) {

    public LoadedConfiguration {
        locations = Map.copyOf(locations);
    }

    /**
     * Where a problem's field stands in the file; for a field the file left out (it has its
     * default), where its row starts.
     */
    public Optional<SourceLocation> locationOf(Problem problem) {
        SourceLocation exact = locations.get(problem.path());
        if (exact != null) {
            return Optional.of(exact);
        }
        String row = problem.partnerIndex() < 0 ? Section.THIS_SCADA.jsonName() : FieldPaths.partner(problem.partnerIndex());
        return Optional.ofNullable(locations.get(row));
    }

    /**
     * One problem as one line, the way compilers and {@code nginx -t} report:
     * {@code file:line:column: error: field: what is wrong. Fix: what to do}.
     */
    public String describe(Object file, Problem problem) {
        String at = locationOf(problem).map(l -> ":" + l).orElse("");
        return file + at + ": " + (problem.isError() ? "error" : "warning") + ": " + problem.path() + ": "
                + problem.message() + " Fix: " + problem.howToFix();
    }
}

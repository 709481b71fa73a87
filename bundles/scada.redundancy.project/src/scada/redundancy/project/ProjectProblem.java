package scada.redundancy.project;

/**
 * One thing wrong with a project, where it is.
 *
 * @param file   relative to the project directory, with '/' (e.g. "tags/boiler.json")
 * @param line   1-based; 0 when the problem is with the file as a whole
 * @param column 1-based; 0 when unknown
 * @param field  the field, as a path such as "tags[3].area", or empty
 * @param message what is wrong and what would be right
 */
public record ProjectProblem(String file, int line, int column, String field, String message) {
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(file);
        if (line > 0) {
            s.append(':').append(line);
            if (column > 0) {
                s.append(':').append(column);
            }
        }
        s.append(": ");
        if (!field.isEmpty()) {
            s.append(field).append(": ");
        }
        return s.append(message).toString();
    }
}

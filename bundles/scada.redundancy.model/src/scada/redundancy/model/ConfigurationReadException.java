package scada.redundancy.model;

/**
 * A configuration file that cannot be read. Reading is all or nothing: when this is thrown, no
 * configuration was produced.
 */
public class ConfigurationReadException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;
    private final int column;
    private final String fieldPath;
    private final String reason;

    /**
     * @param source    the file name (or another name of the input)
     * @param line      1-based line, 0 if unknown
     * @param column    1-based column, 0 if unknown
     * @param fieldPath the path of the offending field such as {@code partners[0].port}, or {@code null}
     * @param reason    what is wrong and what to do
     */
    public ConfigurationReadException(String source, int line, int column, String fieldPath, String reason) {
        super(format(source, line, column, fieldPath, reason));
        this.source = source;
        this.line = line;
        this.column = column;
        this.fieldPath = fieldPath;
        this.reason = reason;
    }

    private static String format(String source, int line, int column, String fieldPath, String reason) {
        StringBuilder b = new StringBuilder(source);
        if (line > 0) {
            b.append(':').append(line);
            if (column > 0) {
                b.append(':').append(column);
            }
        }
        b.append(": ");
        if (fieldPath != null) {
            b.append(fieldPath).append(": ");
        }
        return b.append(reason).toString();
    }

    public String source() {
        return source;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** The offending field's path, or {@code null} when the problem is not in one field (e.g. bad JSON). */
    public String fieldPath() {
        return fieldPath;
    }

    public String reason() {
        return reason;
    }
}

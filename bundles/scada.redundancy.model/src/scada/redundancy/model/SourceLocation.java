package scada.redundancy.model;

/** A position in a configuration file, 1-based. */
public record SourceLocation(int line, int column) {
    @Override
    public String toString() {
        return line + ":" + column;
    }
}

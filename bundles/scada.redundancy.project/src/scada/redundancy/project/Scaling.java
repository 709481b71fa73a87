package scada.redundancy.project;

/** Engineering value = raw × factor + offset. */
public record Scaling(double factor, double offset) {
    public static final Scaling NONE = new Scaling(1, 0);

    public double apply(double raw) {
        return raw * factor + offset;
    }

    /** The raw value of an engineering value (factor is never 0). */
    public double invert(double engineering) {
        return (engineering - offset) / factor;
    }
}

package scada.redundancy.model;

/** How serious a configuration problem is. */
public enum Severity {
    /** Redundancy works, but not as recommended. */
    WARNING,
    /** The configuration must not be deployed: redundancy would not work or would be unsafe. */
    ERROR
}

package scada.redundancy.opcua.internal;

/**
 * How fresh the plant data this server serves is, as {@link PlantFreshness} judges it (a tag is
 * fresh while its last good value is younger than what its poll rate promises).
 */
public enum DataFreshness {
    /** Every tag has a fresh, good value. */
    FRESH,
    /** Some tags are stale or bad: part of the address space is out of date. */
    PARTIAL,
    /** No tag has a fresh value: the server has no data to offer (no PLC reached, or not polling yet). */
    NONE,
    /** Nothing to judge: no plant, or a project without tags. Counts as fresh, so that a server without a project is not shown as broken. */
    NOT_TRACKED
}

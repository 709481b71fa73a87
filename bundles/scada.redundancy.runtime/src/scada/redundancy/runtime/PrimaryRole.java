package scada.redundancy.runtime;

/**
 * A service that exists only while this server serves the plant (primary, or standalone when
 * redundancy is off). DS components that must run only on the primary (PLC drivers, alarm
 * servers, history writers) declare a mandatory {@code @Reference PrimaryRole}: they start on
 * takeover and stop on demotion, without knowing anything about the protocol.
 */
public interface PrimaryRole {
    /** The term in which this server became primary. */
    long term();

    /** PRIMARY or STANDALONE. */
    Role role();
}

package scada.redundancy.runtime;

/**
 * Whiteboard: register a service of this type to hear status changes (role, connections, faults,
 * verification) on a dispatcher thread. Changes may be coalesced: a listener always ends up with
 * the latest status, not necessarily every intermediate one.
 */
@FunctionalInterface
public interface StatusListener {
    void statusChanged(RedundancyStatus status);
}

package scada.redundancy.runtime;

/**
 * Whiteboard: register a service of this type to hear every role change of this server, in
 * order, on a dispatcher thread (never on the link's thread, so a slow listener cannot delay a
 * heartbeat). A listener registered later first hears the current role as a change from itself.
 */
@FunctionalInterface
public interface RoleListener {
    void roleChanged(RoleChange change);
}

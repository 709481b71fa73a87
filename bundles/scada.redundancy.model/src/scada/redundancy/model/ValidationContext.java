package scada.redundancy.model;

import java.net.InetAddress;
import java.util.Set;

/**
 * What the validator knows about the machine the configuration is for. The studio usually does
 * not know the server's own addresses; a runtime server (or {@code check --bind}) does, and then
 * a partner row that points at the server itself is found.
 *
 * @param localAddresses the addresses of the server this configuration belongs to; may be empty
 */
public record ValidationContext(Set<InetAddress> localAddresses) {

    public ValidationContext {
        localAddresses = Set.copyOf(localAddresses);
    }

    /** Nothing known about the server's own addresses. */
    public static ValidationContext unknownHost() {
        return new ValidationContext(Set.of());
    }

    /** The server binds to these addresses. */
    public static ValidationContext boundTo(InetAddress... addresses) {
        return new ValidationContext(Set.of(addresses));
    }
}

package scada.redundancy.runtime;

import java.util.Locale;

/** The role of a server in its redundancy set. */
public enum Role {
    /** Talks to the PLCs, stores history, serves the clients. Exactly one per set of servers that see each other. */
    PRIMARY,
    /** Waits for the primary's heartbeat, ready to take over. */
    BACKUP,
    /** Redundancy is off (This SCADA's Activate): the server is its own primary and listens on no redundancy port. */
    STANDALONE,
    /** This server reports itself unhealthy: it will not take the primary role. */
    FAULT;

    /** The name used in the status JSON: {@code primary}, {@code backup}, {@code standalone}, {@code fault}. */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a server in this role serves the plant (runs drivers, history, clients). */
    public boolean servesPlant() {
        return this == PRIMARY || this == STANDALONE;
    }
}

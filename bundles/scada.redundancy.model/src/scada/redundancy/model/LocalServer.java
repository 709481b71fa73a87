package scada.redundancy.model;

import java.util.Objects;

/**
 * The "This SCADA" row: the redundancy settings of the local server.
 *
 * @param symbol             the name of this server, unique in the redundancy set
 * @param port               the TCP port for redundancy traffic; the same on every server of the set
 * @param activate           whether the redundancy service runs; off means standalone
 * @param enableDbSync       whether history and logs are synchronised with the backup
 * @param database           the database name or JDBC URL to synchronise
 * @param comment            free text
 * @param failback           what a repaired former primary does when it comes back
 * @param startupAllowanceMs how long a starting server waits for its partners before it may claim the primary role
 */
public record LocalServer(String symbol, int port, boolean activate, boolean enableDbSync, String database,
        String comment, Failback failback, int startupAllowanceMs) {

    public static final int DEFAULT_PORT = 8000;
    public static final int DEFAULT_STARTUP_ALLOWANCE_MS = 3000;

    public LocalServer {
        symbol = Objects.requireNonNullElse(symbol, "");
        database = Objects.requireNonNullElse(database, "");
        comment = Objects.requireNonNullElse(comment, "");
        failback = Objects.requireNonNullElse(failback, Failback.MANUAL);
    }

    /** The defaults of a new configuration: "This SCADA" on port 8000, redundancy on, no DB sync. */
    public static LocalServer defaults() {
        return new LocalServer("This SCADA", DEFAULT_PORT, true, false, "", "", Failback.MANUAL,
                DEFAULT_STARTUP_ALLOWANCE_MS);
    }

    public LocalServer withSymbol(String value) {
        return new LocalServer(value, port, activate, enableDbSync, database, comment, failback, startupAllowanceMs);
    }

    public LocalServer withPort(int value) {
        return new LocalServer(symbol, value, activate, enableDbSync, database, comment, failback, startupAllowanceMs);
    }

    public LocalServer withActivate(boolean value) {
        return new LocalServer(symbol, port, value, enableDbSync, database, comment, failback, startupAllowanceMs);
    }

    public LocalServer withEnableDbSync(boolean value) {
        return new LocalServer(symbol, port, activate, value, database, comment, failback, startupAllowanceMs);
    }

    public LocalServer withDatabase(String value) {
        return new LocalServer(symbol, port, activate, enableDbSync, value, comment, failback, startupAllowanceMs);
    }

    public LocalServer withComment(String value) {
        return new LocalServer(symbol, port, activate, enableDbSync, database, value, failback, startupAllowanceMs);
    }

    public LocalServer withFailback(Failback value) {
        return new LocalServer(symbol, port, activate, enableDbSync, database, comment, value, startupAllowanceMs);
    }

    public LocalServer withStartupAllowanceMs(int value) {
        return new LocalServer(symbol, port, activate, enableDbSync, database, comment, failback, value);
    }
}

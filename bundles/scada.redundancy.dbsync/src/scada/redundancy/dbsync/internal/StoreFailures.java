package scada.redundancy.dbsync.internal;

import java.sql.SQLException;
import java.util.Locale;

/**
 * Turns what JDBC throws into a sentence for the status and the log: what failed, why in plain
 * words, what to do. The SQL states are the standard ones PostgreSQL uses; H2 reports its own
 * error codes (as numbers and as the SQL state).
 */
final class StoreFailures {
    private StoreFailures() {
    }

    /**
     * @param doing what was being done, e.g. "cannot write history"
     */
    static StoreException describe(String doing, SQLException e, StoreLocation where) {
        return new StoreException(doing + ": " + reason(e, where), e);
    }

    /** Whether the connection that threw this is worth keeping (else it is closed and a new one made). */
    static boolean connectionLost(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        int h2Code = e.getErrorCode();
        return state.startsWith("08") || state.startsWith("57P") || h2Code == 90067 || h2Code == 90121
                || h2Code == 90098 || diskFull(e) || (h2Code == 50000 && mvStoreFailed(e));
    }

    /**
     * The database's storage failed (a full disk, a file too large, H2's storage engine closed):
     * with H2 every session of the process must go before the file's lock is released.
     */
    static boolean storageFailed(SQLException e) {
        return diskFull(e) || (e.getErrorCode() == 50000 && mvStoreFailed(e));
    }

    /**
     * H2's storage engine failed under the session (a write refused: disk full, file too large):
     * it has closed the store, but the database stays open, holding the file's lock, until its last
     * session closes. A session kept would keep the lock for ever and every new connection would
     * find the file "in use" (seen with a full disk): such a connection is dropped too.
     */
    private static boolean mvStoreFailed(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getClass().getName().startsWith("org.h2.mvstore.") || String.valueOf(t.getMessage()).contains("MVStoreException")) {
                return true;
            }
        }
        return false;
    }

    static String reason(SQLException e, StoreLocation where) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String detail = firstLine(e.getMessage());
        boolean h2 = where.kind() == StoreLocation.Kind.H2;
        if (diskFull(e) || state.equals("53100")) {
            return h2 ? "disk full on " + where.directory() + ": free space"
                    : "the disk of " + where.description() + " is full: free space on the database server";
        }
        if (h2) {
            switch (e.getErrorCode()) {
                case 90020:
                    return "the H2 database of " + where.description() + " is in use by another process: stop it, "
                            + "or give this server its own data directory";
                case 90097:
                    return "the H2 database of " + where.description() + " is read-only: make " + where.directory()
                            + " writable";
                case 50200:
                    return "the history tables stayed locked by another session for more than "
                            + StoreLocation.LOCK_TIMEOUT_MS / 1000 + " s";
                case 42102:
                case 42104:
                    return "a history table is missing (" + detail + "): the database was changed by hand";
                case 90121:
                case 90067:
                case 90098:
                    return "the H2 database of " + where.description() + " was closed (" + detail + ")";
                default:
                    return detail;
            }
        }
        if (state.startsWith("08") || state.startsWith("57P")) {
            return "cannot reach " + where.description() + " (" + detail + "): start the database, or correct "
                    + "This SCADA \u203a Database";
        }
        if (state.startsWith("28")) {
            return where.description() + " refused the login (" + detail + "): check the password in "
                    + where.dataDir().resolve(StoreLocation.PASSWORD_FILE) + " or " + StoreLocation.PASSWORD_VARIABLE
                    + ", and the role";
        }
        if (state.equals("53300")) {
            return where.description() + " accepts no more connections (" + detail + "): raise its connection "
                    + "limit or close other clients";
        }
        if (state.equals("3D000")) {
            return "the database of " + where.description() + " does not exist (" + detail + "): create it, e.g. "
                    + "createdb -O " + where.user() + " DBNAME";
        }
        if (state.equals("55P03")) {
            return "the history tables stayed locked by another session for more than "
                    + StoreLocation.LOCK_TIMEOUT_MS / 1000 + " s";
        }
        if (state.equals("42P01")) {
            return "a history table is missing (" + detail + "): the database was changed by hand";
        }
        if (state.equals("42501")) {
            return where.user() + " may not use the history tables (" + detail + "): grant it the rights";
        }
        return detail + (state.isEmpty() ? "" : " (SQL state " + state + ")");
    }

    private static boolean diskFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            // ENOSPC, and EFBIG ("File too large"): a file-size limit or quota refuses to let the file grow,
            // which for the store is the same as a full disk (and is cured the same way: room for it).
            if (m.contains("no space left on device") || m.contains("disk full") || m.contains("file too large")) {
                return true;
            }
        }
        return false;
    }

    private static String firstLine(String message) {
        if (message == null || message.isBlank()) {
            return "no reason given";
        }
        String line = message.strip().lines().findFirst().orElse("");
        // H2 appends the statement and its error code in brackets: useful in a log, noise in a status.
        int sql = line.indexOf("; SQL statement:");
        return sql > 0 ? line.substring(0, sql) : line;
    }
}

package scada.redundancy.dbsync.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The store's tables, created and migrated by the product itself: a version table and numbered
 * migrations applied in order, each in one transaction with its version row. The same SQL runs
 * on H2 and PostgreSQL.
 * <p>
 * PostgreSQL runs DDL inside the transaction, so a failed migration leaves nothing. H2 commits
 * each DDL statement by itself, so every statement is written to be run again ({@code IF NOT
 * EXISTS}): a migration interrupted halfway completes at the next start. Two servers migrating
 * the same database at once: the version row's primary key lets one win; the other reads the
 * version again.
 * <p>
 * <b>One table for tag values and log entries.</b> A row's identity (origin, seq) is one
 * sequence over both kinds, and replication moves an origin's rows in seq order whatever their
 * kind: with one table, {@code rowsAfter} is one range scan of the primary key and
 * {@code apply} one batch insert; two tables would need a merge by seq on every read and two
 * inserts per batch. The kind-specific columns are few (value and quality, severity and
 * text); the kind-leading indexes serve each kind's queries.
 * <p>
 * <b>When this store stored a row</b> ({@code stored_micros}, this machine's clock): the local
 * append's transaction on the origin, the apply's transaction on a replica; one time per
 * transaction. It is this store's own fact, not part of the row (a partner sets its own), so an
 * audit can say when a row reached which server, and the benchmark measures replication lag as
 * the replica's time minus the origin's.
 * <p>
 * Column names avoid words reserved in H2 or PostgreSQL ({@code value}, {@code text}); table
 * names carry {@code duplex_} so the store can share a plant's PostgreSQL database.
 */
final class Schema {
    private Schema() {
    }

    /** A step from {@code version - 1} to {@code version}. */
    record Migration(int version, String description, List<String> statements) {
    }

    static final String VERSION_TABLE = "duplex_schema_version";

    static final List<Migration> MIGRATIONS = List.of(new Migration(1,
            "history rows, high-water marks, gaps, store identity", List.of(
                    """
                    CREATE TABLE IF NOT EXISTS duplex_store (
                      singleton INT PRIMARY KEY CHECK (singleton = 1),
                      origin VARCHAR(64) NOT NULL,
                      created_micros BIGINT NOT NULL,
                      incarnation BIGINT NOT NULL DEFAULT 0)""",
                    """
                    CREATE TABLE IF NOT EXISTS duplex_history (
                      origin VARCHAR(64) NOT NULL,
                      seq BIGINT NOT NULL,
                      kind VARCHAR(3) NOT NULL CHECK (kind IN ('TAG', 'LOG')),
                      time_micros BIGINT NOT NULL,
                      name VARCHAR(200) NOT NULL,
                      tag_value DOUBLE PRECISION NOT NULL,
                      quality BIGINT NOT NULL,
                      severity SMALLINT,
                      log_text VARCHAR(2000) NOT NULL,
                      stored_micros BIGINT NOT NULL,
                      PRIMARY KEY (origin, seq))""",
                    // A tag's trend (and a source's log entries) over a time range.
                    "CREATE INDEX IF NOT EXISTS duplex_history_name_time ON duplex_history (kind, name, time_micros)",
                    // Everything of one kind over a time range (the alarm and event journal).
                    "CREATE INDEX IF NOT EXISTS duplex_history_time ON duplex_history (kind, time_micros)",
                    """
                    CREATE TABLE IF NOT EXISTS duplex_mark (
                      origin VARCHAR(64) PRIMARY KEY,
                      high_seq BIGINT NOT NULL CHECK (high_seq >= 0))""",
                    """
                    CREATE TABLE IF NOT EXISTS duplex_gap (
                      origin VARCHAR(64) NOT NULL,
                      from_seq BIGINT NOT NULL,
                      to_seq BIGINT NOT NULL,
                      from_time_micros BIGINT NOT NULL,
                      to_time_micros BIGINT NOT NULL,
                      reason VARCHAR(2000) NOT NULL,
                      recorded_micros BIGINT NOT NULL,
                      PRIMARY KEY (origin, from_seq),
                      CHECK (to_seq >= from_seq))""")));

    /** The newest version this product knows. */
    static final int VERSION = MIGRATIONS.get(MIGRATIONS.size() - 1).version();

    /**
     * Brings the database to {@link #VERSION}.
     *
     * @return the version it is at now
     * @throws StoreException the database is at a newer version (nothing is touched), or a migration failed
     */
    static int migrate(Connection connection, StoreLocation where) throws StoreException {
        try {
            try (Statement s = connection.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + VERSION_TABLE + " (version INT PRIMARY KEY, "
                        + "description VARCHAR(200) NOT NULL, applied_micros BIGINT NOT NULL)");
            }
            connection.commit();
        } catch (SQLException e) {
            rollbackQuietly(connection);
            throw StoreFailures.describe("cannot create the history tables in " + where.description(), e, where);
        }
        for (int attempt = 0;; attempt++) {
            int current;
            try {
                current = currentVersion(connection);
                connection.commit();
            } catch (SQLException e) {
                rollbackQuietly(connection);
                throw StoreFailures.describe("cannot read the schema version of " + where.description(), e, where);
            }
            if (current > VERSION) {
                throw new StoreException("the history database " + where.description() + " is at schema version "
                        + current + ", written by a newer Duplex; this one knows versions up to " + VERSION
                        + ". Nothing was changed: run the newer Duplex, or point This SCADA \u203a Database at "
                        + "another database");
            }
            if (current == VERSION) {
                return current;
            }
            Migration next = MIGRATIONS.get(current);
            try {
                try (Statement s = connection.createStatement()) {
                    for (String sql : next.statements()) {
                        s.execute(sql);
                    }
                }
                try (PreparedStatement p = connection.prepareStatement(
                        "INSERT INTO " + VERSION_TABLE + " (version, description, applied_micros) VALUES (?, ?, ?)")) {
                    p.setInt(1, next.version());
                    p.setString(2, next.description());
                    p.setLong(3, System.currentTimeMillis() * 1000);
                    p.executeUpdate();
                }
                connection.commit();
            } catch (SQLException e) {
                rollbackQuietly(connection);
                // Another server migrated the same database at the same time: read the version again.
                if (JdbcStore.duplicateKey(e) && attempt < MIGRATIONS.size() + 1) {
                    continue;
                }
                throw StoreFailures.describe("cannot migrate the history database " + where.description()
                        + " to schema version " + next.version() + " (" + next.description() + ")", e, where);
            }
        }
    }

    static int currentVersion(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet r = s.executeQuery("SELECT MAX(version) FROM " + VERSION_TABLE)) {
            r.next();
            return r.getInt(1);
        }
    }

    static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; its owner closes it, and the database rolls back by itself
        }
    }
}

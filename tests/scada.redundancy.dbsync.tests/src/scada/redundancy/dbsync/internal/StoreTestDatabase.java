package scada.redundancy.dbsync.internal;

import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/**
 * A fresh, empty store location for one test, on H2 (a file database in the test's folder) or on
 * the real PostgreSQL server named by {@code DUPLEX_TEST_POSTGRES} (a schema of its own, dropped
 * at the end, so tests never see each other's rows and may run beside other test runs on the
 * same server). Also a separate admin connection, to look at or damage the store the way the
 * outside world would.
 */
final class StoreTestDatabase implements AutoCloseable {
    enum Backend {
        H2, POSTGRESQL
    }

    static final String POSTGRES_VARIABLE = "DUPLEX_TEST_POSTGRES";
    static final String POSTGRES_PASSWORD_VARIABLE = "DUPLEX_TEST_POSTGRES_PASSWORD";
    private static final SecureRandom RANDOM = new SecureRandom();

    final Backend backend;
    final Path dataDir;
    private final StoreLocation location;
    private final String schema;
    private Connection admin;

    private StoreTestDatabase(Backend backend, Path dataDir, StoreLocation location, String schema, Connection admin) {
        this.backend = backend;
        this.dataDir = dataDir;
        this.location = location;
        this.schema = schema;
        this.admin = admin;
    }

    /** The backends the parameterised store tests run against. */
    static List<Object[]> backends() {
        return List.of(new Object[] { Backend.H2 }, new Object[] { Backend.POSTGRESQL });
    }

    /**
     * The PostgreSQL URL of the test server, with its password written to {@code dataDir}'s
     * password file (mode 600) as an operator would. Fails, never skips, when it is not set.
     */
    static String postgresUrl(Path dataDir) throws Exception {
        String url = System.getenv(POSTGRES_VARIABLE);
        if (url == null || url.isBlank()) {
            fail("no PostgreSQL server for the tests: run ./scada-redundancy test (it installs and starts "
                    + "PostgreSQL) or set " + POSTGRES_VARIABLE + " (e.g. postgresql://127.0.0.1:5432/duplex_test"
                    + "?user=duplex_test) and " + POSTGRES_PASSWORD_VARIABLE);
        }
        String password = System.getenv(POSTGRES_PASSWORD_VARIABLE);
        if (password != null && !password.isEmpty()) {
            Files.createDirectories(dataDir);
            Path file = dataDir.resolve(StoreLocation.PASSWORD_FILE);
            Files.writeString(file, password + "\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        return url;
    }

    static StoreTestDatabase create(Backend backend, Path dataDir) throws Exception {
        if (backend == Backend.H2) {
            StoreLocation location = StoreLocation.parse("history", dataDir, Map.of());
            return new StoreTestDatabase(backend, dataDir, location, null, location.connect());
        }
        String url = postgresUrl(dataDir);
        Connection admin = StoreLocation.parse(url, dataDir, Map.of()).connect();
        String schema = "duplex_store_test_" + String.format("%08x", RANDOM.nextInt());
        try (Statement s = admin.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        admin.commit();
        // The store's connections carry the schema's name, so a test can find (and cut) exactly them.
        String storeUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema + "&ApplicationName="
                + schema;
        return new StoreTestDatabase(backend, dataDir, StoreLocation.parse(storeUrl, dataDir, Map.of()), schema, admin);
    }

    StoreLocation location() {
        return location;
    }

    /** The store's tables, for statements by the test (the admin connection, auto-commit off). */
    String table(String name) {
        return schema == null ? name : schema + "." + name;
    }

    /** Runs statements on the admin connection and commits. */
    void execute(String... statements) throws SQLException {
        try (Statement s = admin.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
        admin.commit();
    }

    long count(String sqlQuery) throws SQLException {
        try (Statement s = admin.createStatement(); var r = s.executeQuery(sqlQuery)) {
            r.next();
            long n = r.getLong(1);
            admin.commit();
            return n;
        }
    }

    /**
     * Breaks the store as an outage would: its connections are cut (PostgreSQL: the backends are
     * terminated; H2: the database is shut down) and the history table is out of reach until
     * {@link #repair()}.
     */
    void breakStore() throws SQLException {
        if (backend == Backend.POSTGRESQL) {
            execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '" + schema + "'");
            execute("ALTER TABLE " + table("duplex_history") + " RENAME TO duplex_history_away");
        } else {
            execute("ALTER TABLE duplex_history RENAME TO duplex_history_away");
            // Closes the embedded database under every session; the next connection opens it again.
            try (Statement s = admin.createStatement()) {
                s.execute("SHUTDOWN");
            }
            admin.close();
            try {
                admin = location.connect();
            } catch (StoreException e) {
                throw new SQLException(e.getMessage(), e);
            }
        }
    }

    void repair() throws SQLException {
        execute("ALTER TABLE " + table("duplex_history_away") + " RENAME TO duplex_history");
    }

    @Override
    public void close() throws SQLException {
        try {
            if (schema != null) {
                execute("DROP SCHEMA " + schema + " CASCADE");
            }
        } finally {
            admin.close();
        }
    }
}

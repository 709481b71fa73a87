package scada.redundancy.dbsync.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** This SCADA's Database column read into a store location; where the password comes from and where it may not. */
public class StoreLocationTest {
    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private Path dataDir;

    @Before
    public void dataDirectory() {
        dataDir = folder.getRoot().toPath();
    }

    private StoreLocation parse(String database) throws StoreException {
        return StoreLocation.parse(database, dataDir, Map.of());
    }

    private String refusal(String database) {
        return assertThrows(StoreException.class, () -> parse(database)).getMessage();
    }

    @Test
    public void aNameIsAnH2FileInTheDataDirectory() throws Exception {
        Path file = dataDir.resolve("db").resolve("history").toAbsolutePath();
        for (String column : List.of("history", "h2:history", "  history ")) {
            StoreLocation location = parse(column);
            assertEquals(StoreLocation.Kind.H2, location.kind());
            assertTrue(location.jdbcUrl(), location.jdbcUrl().startsWith("jdbc:h2:file:" + file + ";"));
            assertEquals("H2 file " + file, location.description());
        }
        try (Connection c = parse("history").connect()) {
            assertTrue(Files.exists(dataDir.resolve("db").resolve("history.mv.db")));
        }
    }

    @Test
    public void aPathOrAnUnknownKindIsRefused() {
        for (String column : List.of("../history", "a/b", "/var/lib/history", "..")) {
            String message = refusal(column);
            assertTrue(message, message.startsWith("This SCADA \u203a Database '" + column + "' is not a database name"));
        }
        assertTrue(refusal("jdbc:mysql://db/plant").contains("only H2"));
        assertTrue(refusal("  ").startsWith("This SCADA \u203a Database is empty"));
        assertTrue(refusal("postgresql://db1").contains("is not a PostgreSQL URL"));
    }

    @Test
    public void aPostgresqlUrlNamesHostDatabaseAndUser() throws Exception {
        StoreLocation plain = parse("postgresql://db1/plant?user=duplex");
        assertEquals(StoreLocation.Kind.POSTGRESQL, plain.kind());
        assertEquals("jdbc:postgresql://db1:5432/plant", plain.jdbcUrl());
        assertEquals("PostgreSQL plant on db1:5432 as duplex", plain.description());

        StoreLocation jdbc = parse("jdbc:postgresql://10.0.0.5:5433/history?user=scada&sslmode=require");
        assertEquals("jdbc:postgresql://10.0.0.5:5433/history", jdbc.jdbcUrl());
        assertEquals("scada", jdbc.user());
        assertEquals("require", jdbc.driverProperties().get("sslmode"));
        assertEquals("PostgreSQL history on 10.0.0.5:5433 as scada", jdbc.description());

        assertEquals("ops", parse("postgresql://ops@db1/plant").user());
    }

    @Test
    public void everyPostgresqlConnectionHasTimeoutsAndBatchedInserts() throws Exception {
        Map<String, String> properties = parse("postgresql://db1/plant?user=duplex").driverProperties();
        assertEquals(String.valueOf(StoreLocation.CONNECT_TIMEOUT_S), properties.get("connectTimeout"));
        assertEquals(String.valueOf(StoreLocation.LOGIN_TIMEOUT_S), properties.get("loginTimeout"));
        assertEquals(String.valueOf(StoreLocation.SOCKET_TIMEOUT_S), properties.get("socketTimeout"));
        assertEquals("true", properties.get("reWriteBatchedInserts"));
        assertEquals("-c lock_timeout=" + StoreLocation.LOCK_TIMEOUT_MS, properties.get("options"));
        // A parameter of the column may override ours.
        assertEquals("3", parse("postgresql://db1/plant?user=duplex&loginTimeout=3").driverProperties().get("loginTimeout"));
    }

    @Test
    public void aServerThatNeverAnswersFailsWithinTheLoginTimeout() throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // accepted, never answered
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            }, "silent-postgresql");
            acceptor.setDaemon(true);
            acceptor.start();
            StoreLocation location = parse("postgresql://127.0.0.1:" + silent.getLocalPort()
                    + "/plant?user=duplex&loginTimeout=2");
            long started = System.nanoTime();
            StoreException e = assertThrows(StoreException.class, location::connect);
            long ms = (System.nanoTime() - started) / 1_000_000;
            assertTrue(e.getMessage(), e.getMessage().startsWith("cannot connect to the history database: "));
            assertTrue("gave up after " + ms + " ms", ms < StoreLocation.SOCKET_TIMEOUT_S * 1000 / 2);
            System.out.println("StoreLocationTest: a silent server refused after " + ms + " ms: " + e.getMessage());
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    public void aPasswordInTheProjectIsRefused() {
        String expected = "This SCADA \u203a Database: put the password in " + dataDir.resolve("db-password")
                + " or DUPLEX_DB_PASSWORD, not in the project";
        for (String column : List.of("postgresql://duplex:secret@db1/plant", "postgresql://db1/plant?user=duplex&password=secret",
                "jdbc:postgresql://db1/plant?password=secret")) {
            String message = refusal(column);
            assertTrue(message, message.startsWith(expected));
            assertTrue(message, !message.contains("secret"));
        }
    }

    @Test
    public void thePasswordComesFromThePrivateFileElseTheEnvironment() throws Exception {
        StoreLocation withVariable = StoreLocation.parse("postgresql://db1/plant?user=duplex", dataDir,
                Map.of("DUPLEX_DB_PASSWORD", "from-env"));
        assertEquals("from-env", withVariable.password());
        assertNull(parse("postgresql://db1/plant?user=duplex").password());

        Path file = dataDir.resolve("db-password");
        Files.writeString(file, "from-file\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertEquals("from-file", withVariable.password());

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        String message = assertThrows(StoreException.class, withVariable::password).getMessage();
        assertEquals("the password file " + file + " may be read by other users: make it private with chmod 600 " + file,
                message);
        // Refused at connection too, before anything is sent.
        assertEquals(message, assertThrows(StoreException.class, withVariable::connect).getMessage());

        Files.writeString(file, "");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertTrue(assertThrows(StoreException.class, withVariable::password).getMessage().contains("is empty"));
    }

    @Test
    public void aWrongPasswordIsNamedWithWhereItCameFrom() throws Exception {
        String url = StoreTestDatabase.postgresUrl(dataDir);
        try (Connection c = StoreLocation.parse(url, dataDir, Map.of()).connect()) {
            assertTrue(c.isValid(5));
        }
        Path file = dataDir.resolve("db-password");
        Files.writeString(file, "not-the-password\n");
        StoreException e = assertThrows(StoreException.class, () -> StoreLocation.parse(url, dataDir, Map.of()).connect());
        assertTrue(e.getMessage(), e.getMessage().startsWith("cannot connect to the history database: PostgreSQL "));
        assertTrue(e.getMessage(), e.getMessage().contains("refused the login"));
        assertTrue(e.getMessage(), e.getMessage().contains(file.toString()));
    }
}

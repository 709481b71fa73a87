package scada.redundancy.dbsync.internal;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where the history store is: This SCADA's Database column (the text the engineer typed) read
 * once, with the data directory it is relative to.
 * <ul>
 * <li>{@code history} or {@code h2:history}: an H2 file database {@code <dataDir>/db/history}
 * (nothing to install). A name, not a path: the store stays under the server's data directory.</li>
 * <li>{@code postgresql://host[:port]/dbname[?user=NAME&...]}, also with a {@code jdbc:} prefix:
 * a PostgreSQL database. Other parameters of the URL go to the driver as they are (e.g.
 * {@code sslmode}, {@code currentSchema}); ours are defaults they may override.</li>
 * </ul>
 * Secrets never go into the project file: a password in the column is refused. The password is
 * read at each connection (so fixing it needs no restart) from {@code <dataDir>/db-password}
 * (readable by its owner only) or else the environment variable {@code DUPLEX_DB_PASSWORD}.
 * <p>
 * In OSGi {@link java.sql.DriverManager} does not see drivers of other bundles, so the drivers
 * are instantiated directly (this bundle imports their packages).
 */
public final class StoreLocation {
    /** What kind of database holds the store. */
    public enum Kind {
        H2, POSTGRESQL
    }

    /** The password file in the data directory. */
    public static final String PASSWORD_FILE = "db-password";
    /** The environment variable read when there is no password file. */
    public static final String PASSWORD_VARIABLE = "DUPLEX_DB_PASSWORD";
    /** The folder of the data directory that holds H2 stores. */
    public static final String H2_FOLDER = "db";

    /**
     * Seconds before a PostgreSQL connection attempt, a login or a silent socket gives up, so a
     * dead database or a cut network never holds a thread for ever. The socket timeout is generous:
     * it must outlast the longest legitimate statement (a catch-up batch on a busy server).
     */
    static final int CONNECT_TIMEOUT_S = 10;
    static final int LOGIN_TIMEOUT_S = 10;
    static final int SOCKET_TIMEOUT_S = 60;
    /** Milliseconds a statement waits for a row lock before it fails instead of waiting for ever. */
    static final int LOCK_TIMEOUT_MS = 10_000;

    private static final String FIELD = "This SCADA \u203a Database";
    private static final Pattern H2_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final int DEFAULT_PORT = 5432;

    private final Kind kind;
    private final String jdbcUrl;
    private final String user;
    private final Map<String, String> driverProperties;
    private final String description;
    private final Path dataDir;
    private final Map<String, String> environment;

    private StoreLocation(Kind kind, String jdbcUrl, String user, Map<String, String> driverProperties,
            String description, Path dataDir, Map<String, String> environment) {
        this.kind = kind;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.driverProperties = Map.copyOf(driverProperties);
        this.description = description;
        this.dataDir = dataDir;
        this.environment = Map.copyOf(environment);
    }

    /** The Database column of This SCADA, relative to the server's data directory; the password from the real environment. */
    public static StoreLocation parse(String database, Path dataDir) throws StoreException {
        return parse(database, dataDir, System.getenv());
    }

    /**
     * @param environment where {@link #PASSWORD_VARIABLE} is looked up (the process environment;
     *                    a map in tests)
     * @throws StoreException the column is empty, not understood, or holds a password
     */
    public static StoreLocation parse(String database, Path dataDir, Map<String, String> environment)
            throws StoreException {
        Objects.requireNonNull(dataDir, "dataDir");
        String text = database == null ? "" : database.strip();
        if (text.isEmpty()) {
            throw new StoreException(FIELD + " is empty: type a name such as history (an H2 database in the data "
                    + "directory) or postgresql://HOST/DBNAME?user=NAME");
        }
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("jdbc:postgresql:") || lower.startsWith("postgresql:") || lower.startsWith("postgres:")) {
            return postgresql(text, dataDir, environment);
        }
        String name = lower.startsWith("h2:") ? text.substring(3) : text;
        if (lower.startsWith("jdbc:")) {
            throw new StoreException(FIELD + " '" + text + "': only H2 (a name such as history) and PostgreSQL "
                    + "(postgresql://HOST/DBNAME?user=NAME) are supported");
        }
        if (!H2_NAME.matcher(name).matches() || name.contains("..")) {
            throw new StoreException(FIELD + " '" + text + "' is not a database name: use letters, digits, '_', "
                    + "'-' and '.' (at most 64, no path; it is kept in " + dataDir.resolve(H2_FOLDER) + "), or "
                    + "postgresql://HOST/DBNAME?user=NAME for PostgreSQL");
        }
        Path file = dataDir.resolve(H2_FOLDER).resolve(name).toAbsolutePath().normalize();
        // LOCK_TIMEOUT: a row lock is waited for at most this long, then the statement fails.
        // WRITE_DELAY=0: every commit reaches the file before it returns (H2 otherwise keeps commits in
        // memory for up to 500 ms, and a killed server would lose rows whose writers were told "stored").
        // DB_CLOSE_ON_EXIT=FALSE: H2 must not close the database from its own shutdown hook while the
        // writer still drains its queue at a graceful stop; the store closes it in order.
        String url = "jdbc:h2:file:" + file + ";LOCK_TIMEOUT=" + LOCK_TIMEOUT_MS + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
        return new StoreLocation(Kind.H2, url, "duplex", Map.of(), "H2 file " + file, dataDir, environment);
    }

    private static StoreLocation postgresql(String text, Path dataDir, Map<String, String> environment)
            throws StoreException {
        String uriText = text.replaceFirst("(?i)^jdbc:", "").replaceFirst("(?i)^postgres(ql)?:", "postgresql:");
        URI uri;
        try {
            uri = new URI(uriText);
        } catch (URISyntaxException e) {
            throw new StoreException(FIELD + " '" + redacted(text) + "' is not a PostgreSQL URL ("
                    + e.getReason() + "): write postgresql://HOST[:PORT]/DBNAME?user=NAME");
        }
        String host = uri.getHost();
        String path = uri.getPath() == null ? "" : uri.getPath();
        String dbname = path.startsWith("/") ? path.substring(1) : path;
        if (host == null || host.isEmpty() || dbname.isEmpty() || dbname.contains("/")) {
            throw new StoreException(FIELD + " '" + redacted(text) + "' is not a PostgreSQL URL: write "
                    + "postgresql://HOST[:PORT]/DBNAME?user=NAME");
        }
        int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
        String user = null;
        String userInfo = uri.getUserInfo();
        if (userInfo != null) {
            if (userInfo.contains(":")) {
                throw passwordInProject(dataDir);
            }
            user = userInfo;
        }
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("connectTimeout", Integer.toString(CONNECT_TIMEOUT_S));
        properties.put("loginTimeout", Integer.toString(LOGIN_TIMEOUT_S));
        properties.put("socketTimeout", Integer.toString(SOCKET_TIMEOUT_S));
        properties.put("tcpKeepAlive", "true");
        // One INSERT with many VALUES per batch instead of one statement each: several times faster.
        properties.put("reWriteBatchedInserts", "true");
        properties.put("ApplicationName", "duplex");
        properties.put("options", "-c lock_timeout=" + LOCK_TIMEOUT_MS);
        String query = uri.getRawQuery();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                if (key.equalsIgnoreCase("password") || key.equalsIgnoreCase("sslpassword")) {
                    throw passwordInProject(dataDir);
                }
                if (key.equals("user")) {
                    user = value;
                } else {
                    properties.put(key, value);
                }
            }
        }
        if (user == null || user.isEmpty()) {
            // What psql and the driver would do: the operating system's user name, made visible here.
            user = System.getProperty("user.name", "duplex");
        }
        String hostPort = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        String url = "jdbc:postgresql://" + hostPort + "/" + dbname;
        return new StoreLocation(Kind.POSTGRESQL, url, user, properties,
                "PostgreSQL " + dbname + " on " + hostPort + " as " + user, dataDir, environment);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** The text with anything after a {@code :} in the user part cut, for messages. */
    private static String redacted(String text) {
        return text.replaceAll("//([^/@:]*):[^/@]*@", "//$1:***@");
    }

    private static StoreException passwordInProject(Path dataDir) {
        return new StoreException(FIELD + ": put the password in " + dataDir.resolve(PASSWORD_FILE) + " or "
                + PASSWORD_VARIABLE + ", not in the project (the project file is shared and kept in version control)");
    }

    public Kind kind() {
        return kind;
    }

    /** The JDBC URL without any secret; safe to log. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String user() {
        return user;
    }

    /** For the status: "H2 file /var/lib/duplex/db/history" or "PostgreSQL plant on db1:5432 as duplex". */
    public String description() {
        return description;
    }

    @Override
    public String toString() {
        return description;
    }

    /**
     * The password to log in with, read now: the file {@code <dataDir>/db-password} (its first
     * line, readable by its owner only), else {@link #PASSWORD_VARIABLE}, else none.
     */
    String password() throws StoreException {
        Path file = dataDir.resolve(PASSWORD_FILE);
        try {
            Set<PosixFilePermission> permissions;
            try {
                permissions = Files.getPosixFilePermissions(file);
            } catch (UnsupportedOperationException e) {
                permissions = Set.of();
            }
            for (PosixFilePermission p : permissions) {
                if (p != PosixFilePermission.OWNER_READ && p != PosixFilePermission.OWNER_WRITE) {
                    throw new StoreException("the password file " + file + " may be read by other users: make it "
                            + "private with chmod 600 " + file);
                }
            }
            String content = Files.readString(file, StandardCharsets.UTF_8);
            String firstLine = content.lines().findFirst().orElse("");
            if (firstLine.isEmpty()) {
                throw new StoreException("the password file " + file + " is empty: write the database password on "
                        + "its first line, or delete the file");
            }
            return firstLine;
        } catch (NoSuchFileException e) {
            return environment.get(PASSWORD_VARIABLE);
        } catch (IOException e) {
            throw new StoreException("cannot read the password file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * A new connection with auto-commit off, owned by the caller (who closes it).
     *
     * @throws StoreException the database cannot be reached or refused the login; the message
     *                        says which and what to do
     */
    public Connection connect() throws StoreException {
        Properties properties = new Properties();
        properties.putAll(driverProperties);
        properties.setProperty("user", user);
        if (kind == Kind.POSTGRESQL) {
            String password = password();
            if (password != null) {
                properties.setProperty("password", password);
            }
        } else {
            properties.setProperty("password", "");
        }
        Driver driver = kind == Kind.H2 ? new org.h2.Driver() : new org.postgresql.Driver();
        try {
            Connection connection = driver.connect(jdbcUrl, properties);
            if (connection == null) {
                throw new StoreException("the " + kind + " driver does not accept " + jdbcUrl);
            }
            connection.setAutoCommit(false);
            return connection;
        } catch (SQLException e) {
            throw StoreFailures.describe("cannot connect to the history database", e, this);
        }
    }

    /** Where an H2 store keeps its files (to name the disk when it is full); the data directory for PostgreSQL. */
    Path directory() {
        return kind == Kind.H2 ? dataDir.resolve(H2_FOLDER).toAbsolutePath().normalize() : dataDir;
    }

    /** What the driver is given besides the user and the password (timeouts, batching, the URL's parameters). */
    Map<String, String> driverProperties() {
        return driverProperties;
    }

    Path dataDir() {
        return dataDir;
    }
}

package scada.redundancy.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import scada.redundancy.cli.harness.RedundancySet;
import scada.redundancy.cli.harness.Stats;
import scada.redundancy.dbsync.internal.JdbcStore;
import scada.redundancy.dbsync.internal.LocalWriter;
import scada.redundancy.dbsync.internal.StoreException;
import scada.redundancy.dbsync.internal.StoreLocation;
import scada.redundancy.runtime.PartnerStatus;
import scada.redundancy.runtime.RedundancyStatus;

/**
 * {@code bench dbsync}: DB sync between two real server processes on loopback, on H2 and on
 * PostgreSQL, measured from the stores themselves: every row records when its store stored it
 * ({@code stored_micros}, one clock: both servers run on this machine), so after a phase the
 * servers are stopped and both stores are joined on (origin, seq).
 * <ul>
 * <li><b>Plain insert and catch-up.</b> SCADA-A's store is filled before it starts with the
 * store's own local append, in transactions of the server writer's size: the plain local JDBC
 * batch insert rate of that database in this run, the goal's reference. Then both servers start,
 * SCADA-B with an empty store, and the benchmark waits until B says it is in sync with A; B's rate
 * is the rows it applied after its first transaction over the time from its first to its last one
 * (B applies by its database's bulk path: multi-row INSERTs on H2, binary COPY on PostgreSQL). Goal:
 * catch-up at 80% or more of the plain insert rate.</li>
 * <li><b>Steady load.</b> The primary's load generator writes a given rate of tag values for a
 * given time; the lag of a row is the backup's stored time minus the primary's, over the rows the
 * primary stored in the window from one second after the backup first said "in sync" to the end of
 * the load. Goal: lag p99 under 2 x Period.</li>
 * </ul>
 * PostgreSQL: each server gets its own schema of the database that {@code DUPLEX_TEST_POSTGRES}
 * names (with the password of {@code DUPLEX_TEST_POSTGRES_PASSWORD} in its data directory's
 * {@code db-password}), created for the phase and dropped after it.
 */
final class DbSyncBench {
    /** The databases the benchmark knows. */
    enum Database {
        H2, POSTGRESQL;

        String label() {
            return this == H2 ? "H2" : "PostgreSQL";
        }
    }

    /** Catch-up of {@code rows} rows by an empty backup, beside the plain insert of the same rows. */
    record CatchUp(String database, long rows, double insertRowsPerSecond, long insertMs, long rowsOnBackup,
            double catchUpRowsPerSecond, long catchUpMs, long startToInSyncMs, double ratio, boolean goalMet, String note) {
    }

    /** A steady load, its lag and throughput; times in ms. */
    record Steady(String database, int periodMs, int timeoutMs, int offeredRowsPerSecond, long windowMs,
            long rowsInWindow, double writtenRowsPerSecond, double replicatedRowsPerSecond, long missingOnBackup,
            long refused, double lagP50Ms, double lagP99Ms, double lagMaxMs, double lagMeanMs, boolean goalMet,
            String note) {
    }

    /**
     * A ratio as a percentage rounded down to 0.1%, so that a figure printed beside the goal never
     * reads as met when it is not (0.7996 is 79.9%, not 80%).
     */
    static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.1f%%", Math.floor(ratio * 1000) / 10);
    }

    /** Rows per transaction of the plain insert: what the server's own writer commits at most at once. */
    static final int FILL_BATCH = LocalWriter.DEFAULT_BATCH;
    /** Rows per INSERT statement of an H2 backup's apply (its bulk path), for the report. */
    static final int H2_ROWS_PER_STATEMENT = JdbcStore.H2_ROWS_PER_STATEMENT;
    /**
     * Time the servers are given to start, elect and connect before the steady window begins (the
     * load runs from the election to the window's end: it is set before the processes start). On
     * a busy shared machine two servers took 28 s.
     */
    private static final long STARTUP_MARGIN_MS = 60_000;
    /** Of the catch-up goal: catch-up at this share of the plain insert rate or more. */
    static final double CATCH_UP_GOAL = 0.8;
    /**
     * Not an option of the command: {@code DUPLEX_BENCH_DBSYNC_STEADY=off} skips the steady phases
     * (each reported as not run), to measure only the catch-up while working on it.
     */
    private static final String STEADY_SWITCH = "DUPLEX_BENCH_DBSYNC_STEADY";
    /**
     * Not an option of the command either: {@code DUPLEX_BENCH_SERVER_JAVA="-Xmx1g ..."} gives the
     * servers of every phase these JVM options after the product's own, while tuning it.
     */
    private static final String SERVER_JAVA = "DUPLEX_BENCH_SERVER_JAVA";
    private static final Pattern LOAD_STOPPED = Pattern.compile("db-sync load: stopped: (\\d+) rows stored, (\\d+) refused");

    private final PrintWriter log;

    /** The servers' extra JVM options of {@link #SERVER_JAVA}, or none. */
    private static List<String> serverJava() {
        String options = System.getenv(SERVER_JAVA);
        return options == null || options.isBlank() ? List.of() : List.of(options.strip().split("\\s+"));
    }

    /** DUPLEX_TEST_POSTGRES, or null: then PostgreSQL is not run. */
    private final String postgres;
    private final String postgresPassword;

    DbSyncBench(PrintWriter log, String postgres, String postgresPassword) {
        this.log = log;
        this.postgres = postgres == null || postgres.isBlank() ? null : postgres.strip();
        this.postgresPassword = postgresPassword;
    }

    boolean hasPostgres() {
        return postgres != null;
    }

    /** Where PostgreSQL is, without any secret, for the report. */
    String postgresDescription() {
        return postgres;
    }

    // ------------------------------------------------------------------ catch-up

    CatchUp catchUp(Database db, int rows) throws Exception {
        Path dir = Files.createTempDirectory("duplex-bench-dbsync-");
        try (Stores stores = new Stores(db); TempTree removed = new TempTree(dir)) {
            RedundancySet set = stores.set(dir, 1000, 3000, serverJava());
            long insertNanos;
            String origin;
            double insertRate;
            long startToInSync = -1;
            String note = "";
            try {
                JdbcStore filled = JdbcStore.open(stores.location(set, 0), RedundancySet.symbol(0));
                try {
                    origin = filled.origin();
                    insertNanos = fill(filled, rows);
                } finally {
                    filled.close();
                }
                insertRate = rows / seconds(insertNanos);
                log.printf(Locale.ROOT, "%s: plain insert of %,d rows in %,d ms: %,.0f rows/s%n", db.label(), rows,
                        TimeUnit.NANOSECONDS.toMillis(insertNanos), insertRate);
                log.flush();

                long started = System.nanoTime();
                set.startAll();
                String a = RedundancySet.symbol(0);
                try {
                    set.server(1).await(set.monitor(), s -> database(s, a).startsWith("in sync (lag 0 rows"),
                            Duration.ofSeconds(300 + rows / 1000), "SCADA-B in sync with " + a + " (all " + rows + " rows)");
                    startToInSync = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                } catch (Exception e) {
                    note = "SCADA-B did not catch up: " + e.getMessage();
                    log.println(db.label() + ": " + note);
                }
            } finally {
                set.close(); // the H2 files are locked by the servers until then
            }

            long[] stored;
            JdbcStore backup = JdbcStore.open(stores.location(set, 1), RedundancySet.symbol(1));
            try {
                stored = backup.storedMicros(origin, 1, rows);
            } finally {
                backup.close();
            }
            long held = 0;
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            for (long t : stored) {
                if (t != 0) {
                    held++;
                    first = Math.min(first, t);
                    last = Math.max(last, t);
                }
            }
            long firstTransaction = 0;
            for (long t : stored) {
                if (t == first) {
                    firstTransaction++;
                }
            }
            double catchUpRate = held > firstTransaction && last > first
                    ? (held - firstTransaction) / ((last - first) / 1e6) : 0;
            long catchUpMs = held == 0 ? -1 : (last - first) / 1000;
            if (held < rows && note.isEmpty()) {
                note = "SCADA-B holds " + held + " of " + rows + " rows";
            }
            double ratio = insertRate > 0 ? catchUpRate / insertRate : 0;
            boolean met = held == rows && ratio >= CATCH_UP_GOAL;
            log.printf(Locale.ROOT, "%s: catch-up of %,d rows in %,d ms (store to store): %,.0f rows/s, %s of the plain "
                    + "insert; start to in sync %,d ms%s%n", db.label(), held, catchUpMs, catchUpRate, percent(ratio),
                    startToInSync, note.isEmpty() ? "" : "; " + note);
            log.flush();
            return new CatchUp(db.label(), rows, round(insertRate), TimeUnit.NANOSECONDS.toMillis(insertNanos), held,
                    round(catchUpRate), catchUpMs, startToInSync, Math.floor(ratio * 10_000) / 10_000.0, met, note);
        }
    }

    /**
     * The plain insert: {@code rows} tag values appended to an empty store in transactions of
     * {@link #FILL_BATCH} rows, one JDBC batch each, as the server's writer commits them.
     *
     * @return the nanoseconds it took
     */
    private static long fill(JdbcStore store, int rows) throws StoreException {
        long started = System.nanoTime();
        long seq = 0;
        long micros = System.currentTimeMillis() * 1000;
        while (seq < rows) {
            int n = (int) Math.min(FILL_BATCH, rows - seq);
            List<JdbcStore.NewRow> batch = new ArrayList<>(n);
            for (int i = 1; i <= n; i++) {
                batch.add(JdbcStore.NewRow.tag(micros + seq + i, "bench/" + ((seq + i) % 100), seq + i, 0));
            }
            store.appendLocal(seq, batch);
            seq += n;
        }
        return System.nanoTime() - started;
    }

    // ------------------------------------------------------------------ steady load

    Steady steady(Database db, int period, int timeout, int rate, int steadySeconds) throws Exception {
        if ("off".equals(System.getenv(STEADY_SWITCH))) {
            throw new IllegalStateException("not run: " + STEADY_SWITCH + "=off (catch-up only, while tuning it)");
        }
        Path dir = Files.createTempDirectory("duplex-bench-dbsync-");
        try (Stores stores = new Stores(db); TempTree removed = new TempTree(dir)) {
            long until = System.currentTimeMillis() + STARTUP_MARGIN_MS + steadySeconds * 1000L;
            List<String> options = new java.util.ArrayList<>(serverJava());
            options.addAll(List.of("-Dduplex.dbsync.load=" + rate, "-Dduplex.dbsync.loadUntil=" + until));
            RedundancySet set = stores.set(dir, period, timeout, options);
            int primary;
            long windowFrom;
            long windowTo;
            String note = "";
            try {
                set.startAll();
                primary = set.awaitStable(Duration.ofSeconds(60));
                String p = RedundancySet.symbol(primary);
                set.server(1 - primary).await(set.monitor(), s -> database(s, p).startsWith("in sync"),
                        Duration.ofSeconds(60), "the backup in sync with the primary " + p);
                windowFrom = System.currentTimeMillis() + 1000;
                windowTo = Math.min(until, windowFrom + steadySeconds * 1000L);
                if (windowTo - windowFrom < steadySeconds * 1000L / 2) {
                    note = "the servers took long to start: the window is " + (windowTo - windowFrom) / 1000 + " s";
                }
                long left = until + 2000 - System.currentTimeMillis(); // the load ends at a known moment
                if (left > 0) {
                    Thread.sleep(left);
                }
                set.server(1 - primary).await(set.monitor(), s -> database(s, p).startsWith("in sync (lag 0 rows"),
                        Duration.ofSeconds(120), "the backup settled after the load (nothing left to receive)");
                if (set.status(primary).role() != scada.redundancy.runtime.Role.PRIMARY) {
                    note = (note.isEmpty() ? "" : note + "; ") + p + " was no longer primary at the end";
                }
            } finally {
                set.close();
            }
            long refused = refused(set.server(primary).log());

            // The load's origin: the primary's with the most rows (the backup's own origin has none).
            String origin = null;
            long mark = 0;
            long[] primaryStored;
            JdbcStore ps = JdbcStore.open(stores.location(set, primary), "check");
            try {
                for (Map.Entry<String, Long> m : ps.highWaterMarks().entrySet()) {
                    if (m.getValue() > mark) {
                        origin = m.getKey();
                        mark = m.getValue();
                    }
                }
                if (origin == null) {
                    throw new IllegalStateException("the primary " + RedundancySet.symbol(primary) + " stored no row: see "
                            + set.server(primary).log());
                }
                primaryStored = ps.storedMicros(origin, 1, (int) mark);
            } finally {
                ps.close();
            }
            long[] backupStored;
            JdbcStore bs = JdbcStore.open(stores.location(set, 1 - primary), "check");
            try {
                backupStored = bs.storedMicros(origin, 1, (int) mark);
            } finally {
                bs.close();
            }
            long fromMicros = windowFrom * 1000;
            long toMicros = windowTo * 1000;
            List<Long> lags = new ArrayList<>();
            long inWindow = 0;
            long missing = 0;
            long replicatedInWindow = 0;
            for (int i = 0; i < primaryStored.length; i++) {
                long b = backupStored[i];
                if (b >= fromMicros && b < toMicros) {
                    replicatedInWindow++;
                }
                long a = primaryStored[i];
                if (a < fromMicros || a >= toMicros) {
                    continue;
                }
                inWindow++;
                if (b == 0) {
                    missing++;
                } else {
                    lags.add(b - a);
                }
            }
            double windowSeconds = (toMicros - fromMicros) / 1e6;
            Stats lag = Stats.of(lags);
            boolean met = lag.n() > 0 && missing == 0 && lag.p99() < 2L * period * 1000;
            Steady s = new Steady(db.label(), period, timeout, rate, (toMicros - fromMicros) / 1000, inWindow,
                    round(inWindow / windowSeconds), round(replicatedInWindow / windowSeconds), missing, refused,
                    ms(lag.p50()), ms(lag.p99()), ms(lag.max()), ms(Math.round(lag.mean())), met, note);
            log.printf(Locale.ROOT, "%s %d/%d: %,d rows/s offered, %,.0f written, %,.0f replicated over %.0f s; lag p50 %.1f "
                    + "p99 %.1f max %.1f ms; %d missing, %d refused%s%n", db.label(), period, timeout, rate,
                    s.writtenRowsPerSecond(), s.replicatedRowsPerSecond(), windowSeconds, s.lagP50Ms(), s.lagP99Ms(),
                    s.lagMaxMs(), missing, refused, note.isEmpty() ? "" : "; " + note);
            log.flush();
            return s;
        }
    }

    /** Rows the load generator had refused (the writer's queue full), from the primary's log line at its stop. */
    private static long refused(Path serverLog) throws IOException {
        long refused = 0;
        if (Files.exists(serverLog)) {
            Matcher m = LOAD_STOPPED.matcher(Files.readString(serverLog));
            while (m.find()) {
                refused += Long.parseLong(m.group(2));
            }
        }
        return refused;
    }

    // ------------------------------------------------------------------ the two servers' stores

    /**
     * The stores of one phase's two servers: H2 files in their data directories, or two schemas of
     * the PostgreSQL database made for the phase and dropped at {@link #close()}.
     */
    private final class Stores implements AutoCloseable {
        private final Database db;
        private final List<String> schemas = new ArrayList<>();

        Stores(Database db) throws StoreException, SQLException {
            this.db = db;
            if (db == Database.POSTGRESQL) {
                if (postgres == null) {
                    throw new IllegalStateException("DUPLEX_TEST_POSTGRES is not set");
                }
                String prefix = "duplex_bench_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
                try (Connection c = admin()) {
                    for (int i = 0; i < 2; i++) {
                        String schema = prefix + "_" + (char) ('a' + i);
                        try (Statement s = c.createStatement()) {
                            s.execute("CREATE SCHEMA " + schema);
                        }
                        c.commit();
                        schemas.add(schema);
                    }
                }
            }
        }

        /** Two servers, DB sync on, each on its own store; not started. */
        RedundancySet set(Path dir, int period, int timeout, List<String> javaOptions) throws IOException {
            RedundancySet set = RedundancySet.builder(dir, 2).timing(period, timeout).retryCount(3)
                    .adjust((i, c) -> c.withThisScada(c.thisScada().withEnableDbSync(true).withDatabase(column(i))))
                    .javaOptions(javaOptions).build();
            if (db == Database.POSTGRESQL) {
                for (int i = 0; i < 2; i++) {
                    Path file = set.server(i).data().resolve(StoreLocation.PASSWORD_FILE);
                    Files.writeString(file, postgresPassword == null ? "" : postgresPassword + "\n");
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                }
            }
            return set;
        }

        /** Server i's Database column. */
        String column(int i) {
            if (db == Database.H2) {
                return "history";
            }
            return postgres + (postgres.contains("?") ? "&" : "?") + "currentSchema=" + schemas.get(i);
        }

        StoreLocation location(RedundancySet set, int i) throws StoreException {
            return StoreLocation.parse(column(i), set.server(i).data(), passwordEnvironment());
        }

        private Connection admin() throws StoreException {
            return StoreLocation.parse(postgres, Path.of(System.getProperty("java.io.tmpdir")), passwordEnvironment())
                    .connect();
        }

        private Map<String, String> passwordEnvironment() {
            return postgresPassword == null ? Map.of() : Map.of(StoreLocation.PASSWORD_VARIABLE, postgresPassword);
        }

        @Override
        public void close() throws StoreException, SQLException {
            if (schemas.isEmpty()) {
                return;
            }
            try (Connection c = admin()) {
                for (String schema : schemas) {
                    try (Statement s = c.createStatement()) {
                        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                    }
                    c.commit();
                }
            }
        }
    }

    /** A phase's folder (H2 files of a million rows are hundreds of MB), removed when the phase ends, the servers stopped. */
    private record TempTree(Path dir) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private static String database(RedundancyStatus s, String partner) {
        for (PartnerStatus p : s.partners()) {
            if (p.symbol().equals(partner)) {
                return p.database();
            }
        }
        return "";
    }

    /** The machine's load average (1, 5, 15 minutes), or an empty list where /proc/loadavg is not there. */
    static List<Double> loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return List.of(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static double round(double rate) {
        return Math.round(rate);
    }

    private static double ms(long micros) {
        return micros < 0 ? -1 : Math.round(micros / 100.0) / 10.0;
    }
}

package scada.redundancy.dbsync.internal;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import scada.redundancy.history.Severity;

/**
 * The history store in a JDBC database (H2 or PostgreSQL): local appends, replication's
 * {@link ReplicaStore}, and the counts the status and the tests read.
 * <p>
 * <b>Who owns which connection.</b> Every thread that uses the store owns its own connection,
 * made at its first call and kept for the next ones: the {@link LocalWriter}'s thread (local
 * appends), each replication thread (apply, rowsAfter, marks), a status or test thread (counts).
 * No connection is ever used by two threads, so a transaction is never interleaved with another
 * thread's statements, and a slow catch-up batch never holds up local writes. A connection that
 * failed is closed and the owner's next call makes a new one (that is how the store recovers when
 * the database comes back). A thread that stops using the store calls {@link #releaseConnection()};
 * connections of threads that ended are closed when the next connection is made; {@link #close()}
 * closes the rest once the threads are stopped.
 * <p>
 * <b>Numbers.</b> This store's own rows get their seq from its mark, read with a row lock in the
 * same transaction that inserts them and moves the mark: a transaction that fails rolls back the
 * mark with the rows, so no number is ever consumed by a failure (a hole would stall replication
 * for ever). Only local appends move this store's own mark; {@link #apply} refuses new rows of
 * the own origin.
 * <p>
 * Every method is one short transaction.
 * <p>
 * <b>When a row was stored.</b> Each row gets this store's {@code stored_micros}: one time per
 * transaction, taken right before its insert statements (the insert and the commit follow at
 * once; a time after the commit would cost a second write of every row). For a local append it is
 * when the origin stored the row, for an apply when this replica did: the difference is the
 * replication lag, on one machine's clock when both stores' servers share it.
 */
public final class JdbcStore implements ReplicaStore, AutoCloseable {
    /** Rows sent to the database per JDBC batch: large enough for speed, small enough for memory. */
    private static final int INSERT_BATCH = 1000;
    /**
     * The most rows one H2 transaction of {@link #apply} commits. H2 (2.3, MVStore, WRITE_DELAY=0)
     * slows down with the transaction's size: 1,000,000 rows applied from memory into an empty store
     * in a 256 MB JVM went in at 74-77k rows/s in 2,000-row transactions, 70-87k at 4,000, 53-63k
     * at 8,000 (a catch-up batch) and 58k at 16,000; the plain insert, 2,000-row transactions,
     * 59-72k in the same runs. PostgreSQL gains from long batches and applies each in one.
     */
    static final int H2_APPLY_TRANSACTION_ROWS = 2_000;
    private static final int VALID_CHECK_S = 2;
    private static final String COLUMNS = "origin, seq, kind, time_micros, name, tag_value, quality, severity, log_text";
    private static final String INSERT = "INSERT INTO duplex_history (" + COLUMNS + ", stored_micros) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    /**
     * Rows per statement of an H2 apply ({@link #insertMultiRow}). H2 runs every statement of a JDBC
     * batch as a statement of its own (its start and end in the transaction, parameter checks, the
     * command's set-up); one INSERT of many rows pays that once. 1,000,000 rows into an empty store,
     * 2,000-row transactions, raw JDBC, interleaved runs: 200 rows a statement went in at 66-88k
     * rows/s for 12-16 µs of CPU a row, the JDBC batch at 53-77k for 14-25 µs; 100 and 500 rows a
     * statement measured like 200.
     */
    public static final int H2_ROWS_PER_STATEMENT = 200;
    private static final String INSERT_H2_FULL = multiRowInsert(H2_ROWS_PER_STATEMENT);

    /** A row to append locally, before it has its identity. */
    public record NewRow(Row.Kind kind, long timeMicros, String name, double value, long quality, Severity severity,
            String text) {
        public NewRow {
            Objects.requireNonNull(kind, "kind");
            if ((kind == Row.Kind.LOG) != (severity != null)) {
                throw new IllegalArgumentException("a log entry has a severity and a tag value has none");
            }
        }

        public static NewRow tag(long timeMicros, String tag, double value, long quality) {
            return new NewRow(Row.Kind.TAG, timeMicros, tag, value, quality, null, "");
        }

        public static NewRow log(long timeMicros, Severity severity, String source, String text) {
            return new NewRow(Row.Kind.LOG, timeMicros, source, 0, 0, severity, text);
        }

        Row withIdentity(String origin, long seq) {
            return new Row(origin, seq, kind, timeMicros, name, value, quality, severity, text);
        }
    }

    /**
     * The seq numbers local rows got.
     *
     * @param alreadyCommitted the rows had been committed by an earlier attempt whose answer was
     *                         lost (e.g. the connection broke during the commit): nothing was written again
     */
    public record Appended(long firstSeq, long lastSeq, boolean alreadyCommitted) {
        public int rows() {
            return (int) (lastSeq - firstSeq + 1);
        }
    }

    /** How many rows of one origin and kind the store holds. */
    public record RowCount(String origin, Row.Kind kind, long rows) {
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection connection) throws SQLException, StoreException;
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final StoreLocation location;
    private final String origin;
    private final int schemaVersion;
    private final Map<Thread, Connection> connections = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private JdbcStore(StoreLocation location, String origin, int schemaVersion) {
        this.location = location;
        this.origin = origin;
        this.schemaVersion = schemaVersion;
    }

    /**
     * Opens the store: creates or migrates its tables, and creates its identity the first time.
     *
     * @param symbol This SCADA's Symbol: the start of the origin id of a store created now
     * @throws StoreException the database cannot be reached, or is at a newer schema version
     */
    public static JdbcStore open(StoreLocation location, String symbol) throws StoreException {
        // A connection of its own, closed at the end: the opening thread (a component's activation)
        // is not one of the store's users.
        try (Connection connection = location.connect()) {
            int version = Schema.migrate(connection, location);
            String origin = identity(connection, location, symbol);
            return new JdbcStore(location, origin, version);
        } catch (SQLException e) {
            throw StoreFailures.describe("cannot open the history store", e, location);
        }
    }

    /**
     * The origin of this opening of the store: {@code <store id>.<incarnation>}, the incarnation
     * counted up at every open. A store whose last commits were lost in a crash (they never reached
     * the disk) may already have sent them to partners: numbering on under the same origin would
     * give new rows the identities of those, and partners would take them for the same rows. A new
     * incarnation never reuses a number; rows of the former one that partners hold come back by
     * replication like any partner's rows.
     */
    private static String identity(Connection connection, StoreLocation location, String symbol)
            throws StoreException {
        for (int attempt = 0;; attempt++) {
            try {
                String base = null;
                long incarnation = 0;
                try (PreparedStatement p = connection.prepareStatement(
                        "SELECT origin, incarnation FROM duplex_store WHERE singleton = 1 FOR UPDATE");
                        ResultSet r = p.executeQuery()) {
                    if (r.next()) {
                        base = r.getString(1);
                        incarnation = r.getLong(2);
                    }
                }
                if (base == null) {
                    base = newOrigin(symbol);
                    incarnation = 1;
                    try (PreparedStatement p = connection.prepareStatement(
                            "INSERT INTO duplex_store (singleton, origin, created_micros, incarnation) VALUES (1, ?, ?, ?)")) {
                        p.setString(1, base);
                        p.setLong(2, nowMicros());
                        p.setLong(3, incarnation);
                        p.executeUpdate();
                    }
                } else {
                    incarnation++;
                    try (PreparedStatement p = connection.prepareStatement(
                            "UPDATE duplex_store SET incarnation = ? WHERE singleton = 1")) {
                        p.setLong(1, incarnation);
                        p.executeUpdate();
                    }
                }
                String origin = base + "." + incarnation;
                try (PreparedStatement p = connection.prepareStatement(
                        "INSERT INTO duplex_mark (origin, high_seq) VALUES (?, 0)")) {
                    p.setString(1, origin);
                    p.executeUpdate();
                }
                connection.commit();
                return origin;
            } catch (SQLException e) {
                Schema.rollbackQuietly(connection);
                if (duplicateKey(e) && attempt == 0) {
                    continue; // another process created it at the same moment: read theirs
                }
                throw StoreFailures.describe("cannot read or create the identity of the history store", e, location);
            }
        }
    }

    /** {@code <Symbol>-<8 random hex>}, at most 54 characters (an incarnation follows it). */
    static String newOrigin(String symbol) {
        String base = symbol == null || symbol.isBlank() ? "store" : symbol.strip();
        if (base.length() > 45) {
            base = base.substring(0, 45);
        }
        return base + "-" + String.format("%08x", RANDOM.nextInt());
    }

    public StoreLocation location() {
        return location;
    }

    @Override
    public int schemaVersion() {
        return schemaVersion;
    }

    @Override
    public String origin() {
        return origin;
    }

    // ---- local appends (the LocalWriter's thread) ----

    /**
     * Appends local rows in one transaction as {@code afterSeq + 1 ... afterSeq + n}, contiguous.
     * The caller, the one local writer, says where it believes this origin ends: when it retries a
     * batch whose commit succeeded but whose answer was lost, the mark is already
     * {@code afterSeq + n} and nothing is written twice.
     *
     * @throws StoreException the store failed; nothing was written and no number was used
     * @throws IllegalArgumentException a row is invalid (see {@link StoreRowRules}); nothing was written
     * @throws IllegalStateException this origin ends elsewhere: another process writes into this store
     */
    public Appended appendLocal(long afterSeq, List<NewRow> rows) throws StoreException {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no rows to append");
        }
        for (int i = 0; i < rows.size(); i++) {
            NewRow row = rows.get(i);
            String problem = StoreRowRules.problem(row.kind(), row.name(), row.text(), row.quality());
            if (problem != null) {
                throw new IllegalArgumentException("row " + (i + 1) + " of " + rows.size() + ": " + problem);
            }
        }
        int n = rows.size();
        return transaction("cannot write history", c -> {
            long mark = lockMark(c, origin);
            if (mark == afterSeq + n) {
                return new Appended(afterSeq + 1, afterSeq + n, true);
            }
            if (mark != afterSeq) {
                throw new IllegalStateException("this store's own rows end at seq " + mark + ", but its writer "
                        + "expected " + afterSeq + ": is another process writing into " + location.description() + "?");
            }
            List<Row> numbered = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                numbered.add(rows.get(i).withIdentity(origin, afterSeq + 1 + i));
            }
            insert(c, numbered, nowMicros());
            setMark(c, origin, afterSeq + n);
            return new Appended(afterSeq + 1, afterSeq + n, false);
        });
    }

    // ---- ReplicaStore ----

    @Override
    public Map<String, Long> highWaterMarks() throws StoreException {
        return transaction("cannot read the high-water marks", c -> {
            Map<String, Long> marks = new LinkedHashMap<>();
            marks.put(origin, 0L);
            try (PreparedStatement p = c.prepareStatement("SELECT origin, high_seq FROM duplex_mark ORDER BY origin");
                    ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    marks.put(r.getString(1), r.getLong(2));
                }
            }
            return marks;
        });
    }

    /** The high-water mark of one origin, 0 when it has none. */
    public long highWaterMark(String origin) throws StoreException {
        return transaction("cannot read the high-water mark", c -> readMark(c, origin, false));
    }

    /**
     * {@inheritDoc}
     * <p>
     * The list is contiguous; its first row is above {@code afterSeq + 1} when the rows after
     * {@code afterSeq} are gone (a recorded gap, or purged): the caller compares.
     */
    @Override
    public List<Row> rowsAfter(String origin, long afterSeq, int maxRows) throws StoreException {
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows is " + maxRows);
        }
        return transaction("cannot read history rows", c -> {
            List<Row> rows = new ArrayList<>();
            // ORDER BY origin, seq, not just seq (the same order, the origin being fixed): H2 then reads
            // the primary key in order and stops after maxRows; with ORDER BY seq it read and sorted every
            // row after afterSeq, so each batch of a catch-up cost as much as all the rows still to send.
            try (PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM duplex_history WHERE origin = ? AND seq > ? ORDER BY origin, seq LIMIT ?")) {
                p.setString(1, origin);
                p.setLong(2, afterSeq);
                p.setInt(3, maxRows);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        Row row = read(r);
                        if (!rows.isEmpty() && row.seq() != rows.get(rows.size() - 1).seq() + 1) {
                            break; // a hole (a gap): the list stays contiguous
                        }
                        rows.add(row);
                    }
                }
            }
            return rows;
        });
    }

    @Override
    public long lowestHeld(String origin) throws StoreException {
        return transaction("cannot read history rows", c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT MIN(seq) FROM duplex_history WHERE origin = ?")) {
                p.setString(1, origin);
                try (ResultSet r = p.executeQuery()) {
                    r.next();
                    return r.getLong(1); // SQL NULL reads as 0
                }
            }
        });
    }

    @Override
    public int apply(List<Row> rows) throws StoreException {
        if (rows.isEmpty()) {
            return 0;
        }
        String rowsOrigin = rows.get(0).origin();
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            if (!row.origin().equals(rowsOrigin)) {
                throw new IllegalArgumentException("a batch holds rows of " + rowsOrigin + " and of " + row.origin()
                        + ": one origin per batch");
            }
            if (i > 0 && row.seq() != rows.get(i - 1).seq() + 1) {
                throw new IllegalArgumentException("the rows of " + rowsOrigin + " go from seq " + rows.get(i - 1).seq()
                        + " to " + row.seq() + ": a batch is in seq order without holes");
            }
            String problem = StoreRowRules.problem(row);
            if (problem != null) {
                throw new IllegalArgumentException("row " + rowsOrigin + " #" + row.seq() + ": " + problem);
            }
        }
        int limit = location.kind() == StoreLocation.Kind.H2 ? H2_APPLY_TRANSACTION_ROWS : rows.size();
        int added = 0;
        for (int from = 0; from < rows.size(); from += limit) {
            List<Row> part = rows.subList(from, Math.min(rows.size(), from + limit));
            try {
                added += applyInTransaction(rowsOrigin, part);
            } catch (StoreException e) {
                throw added == 0 ? e : e.afterApplying(added);
            }
        }
        return added;
    }

    private int applyInTransaction(String rowsOrigin, List<Row> rows) throws StoreException {
        for (int attempt = 0;; attempt++) {
            try {
                return transaction("cannot apply rows of " + rowsOrigin, c -> applyIn(c, rows));
            } catch (StoreException e) {
                // The first rows of a new origin from two partners at once: both inserted its mark;
                // the second sees the first's now.
                if (attempt == 0 && e.getCause() instanceof SQLException s && duplicateKey(s)) {
                    continue;
                }
                throw e;
            }
        }
    }

    /**
     * Applies in the open transaction. On PostgreSQL the rows go in by COPY: the same rows, checks
     * and transaction as the batch insert, for much less work in the database and in the driver
     * per row (a backup catching up has a million rows to apply; see {@link PostgresCopy}).
     */
    private int applyIn(Connection c, List<Row> rows) throws SQLException {
        String rowsOrigin = rows.get(0).origin();
        long mark = lockMark(c, rowsOrigin);
        long first = rows.get(0).seq();
        if (first > mark + 1) {
            throw new IllegalArgumentException("the rows of " + rowsOrigin + " start at seq " + first
                    + " but this store holds them up to " + mark + ": rows " + (mark + 1) + " to " + (first - 1)
                    + " must come first");
        }
        int skip = (int) (mark + 1 - first);
        if (skip >= rows.size()) {
            return 0; // a replay: everything is held already
        }
        if (rowsOrigin.equals(origin)) {
            throw new IllegalArgumentException("a partner sent rows of this store's own origin " + origin
                    + " above its mark " + mark + ": this store was restored from an older copy; only its own "
                    + "writer numbers its rows");
        }
        List<Row> fresh = rows.subList(skip, rows.size());
        if (location.kind() == StoreLocation.Kind.POSTGRESQL) {
            PostgresCopy.insert(c, fresh, nowMicros());
        } else {
            insertMultiRow(c, fresh, nowMicros());
        }
        setMark(c, rowsOrigin, fresh.get(fresh.size() - 1).seq());
        return fresh.size();
    }

    /**
     * {@inheritDoc}
     * <p>
     * The gap starts right after the mark; recording the same gap again changes nothing.
     *
     * @throws IllegalArgumentException the gap does not start at mark + 1, or is of this store's own rows
     */
    @Override
    public void recordGap(Gap gap) throws StoreException {
        if (gap.origin().equals(origin)) {
            throw new IllegalArgumentException("this store holds all of its own rows: no gap in " + origin);
        }
        for (int attempt = 0;; attempt++) {
            try {
                transaction("cannot record a gap in the rows of " + gap.origin(), c -> {
                    long mark = lockMark(c, gap.origin());
                    try (PreparedStatement p = c.prepareStatement(
                            "SELECT to_seq FROM duplex_gap WHERE origin = ? AND from_seq = ?")) {
                        p.setString(1, gap.origin());
                        p.setLong(2, gap.fromSeq());
                        try (ResultSet r = p.executeQuery()) {
                            if (r.next() && r.getLong(1) == gap.toSeq()) {
                                return null; // recorded already
                            }
                        }
                    }
                    if (gap.fromSeq() != mark + 1) {
                        throw new IllegalArgumentException("a gap in the rows of " + gap.origin() + " from seq "
                                + gap.fromSeq() + ": this store holds them up to " + mark + ", so a gap starts at "
                                + (mark + 1));
                    }
                    try (PreparedStatement p = c.prepareStatement("INSERT INTO duplex_gap (origin, from_seq, to_seq, "
                            + "from_time_micros, to_time_micros, reason, recorded_micros) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                        p.setString(1, gap.origin());
                        p.setLong(2, gap.fromSeq());
                        p.setLong(3, gap.toSeq());
                        p.setLong(4, gap.fromTimeMicros());
                        p.setLong(5, gap.toTimeMicros());
                        p.setString(6, gap.reason());
                        p.setLong(7, gap.recordedMicros());
                        p.executeUpdate();
                    }
                    setMark(c, gap.origin(), gap.toSeq());
                    return null;
                });
                return;
            } catch (StoreException e) {
                if (attempt == 0 && e.getCause() instanceof SQLException s && duplicateKey(s)) {
                    continue;
                }
                throw e;
            }
        }
    }

    @Override
    public List<Gap> gaps(int max) throws StoreException {
        return transaction("cannot read the gaps", c -> {
            List<Gap> gaps = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT origin, from_seq, to_seq, from_time_micros, "
                    + "to_time_micros, reason, recorded_micros FROM duplex_gap "
                    + "ORDER BY recorded_micros DESC, origin, from_seq DESC LIMIT ?")) {
                p.setInt(1, max);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        gaps.add(new Gap(r.getString(1), r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5),
                                r.getString(6), r.getLong(7)));
                    }
                }
            }
            return gaps;
        });
    }

    // ---- queries for the status and the tests ----

    /**
     * How many rows of each origin and kind the store holds. A full count: for tests and an
     * operator's question, not for a status refreshed every second (the marks serve that).
     */
    public List<RowCount> rowCounts() throws StoreException {
        return transaction("cannot count history rows", c -> {
            List<RowCount> counts = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT origin, kind, COUNT(*) FROM duplex_history GROUP BY origin, kind ORDER BY origin, kind");
                    ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    counts.add(new RowCount(r.getString(1), Row.Kind.valueOf(r.getString(2)), r.getLong(3)));
                }
            }
            return counts;
        });
    }

    /** The rows of one origin: how many, and the time of the first and the last (microseconds since the epoch). */
    public record OriginSpan(String origin, long rows, long firstMicros, long lastMicros) {
    }

    /** Every origin's rows and time span, by origin. A full scan: for an audit (the demo's census), not a status. */
    public List<OriginSpan> originSpans() throws StoreException {
        return transaction("cannot read history rows", c -> {
            List<OriginSpan> spans = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT origin, COUNT(*), MIN(time_micros), MAX(time_micros) "
                    + "FROM duplex_history GROUP BY origin ORDER BY origin");
                    ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    spans.add(new OriginSpan(r.getString(1), r.getLong(2), r.getLong(3), r.getLong(4)));
                }
            }
            return spans;
        });
    }

    /**
     * Per origin, how many of its rows have a time at or before {@code cutoffMicros}: an audit
     * compares stores up to a moment every server had time to replicate, leaving out the last rows a
     * server wrote while the others were already stopping.
     */
    public Map<String, Long> rowsUpTo(long cutoffMicros) throws StoreException {
        return transaction("cannot read history rows", c -> {
            Map<String, Long> counts = new LinkedHashMap<>();
            try (PreparedStatement p = c.prepareStatement("SELECT origin, COUNT(*) FROM duplex_history "
                    + "WHERE time_micros <= ? GROUP BY origin ORDER BY origin")) {
                p.setLong(1, cutoffMicros);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        counts.put(r.getString(1), r.getLong(2));
                    }
                }
            }
            return counts;
        });
    }

    /**
     * How many samples are held more than once under different identities: rows of the same kind,
     * name and time recorded by two origins (e.g. two servers polling the same PLC as primaries).
     * The key forbids the same identity twice; this finds the same fact twice.
     */
    public long repeatedSamples() throws StoreException {
        return transaction("cannot read history rows", c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT COALESCE(SUM(n - 1), 0) FROM (SELECT COUNT(*) AS n "
                    + "FROM duplex_history GROUP BY kind, name, time_micros HAVING COUNT(*) > 1) repeated");
                    ResultSet r = p.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        });
    }

    /** The values of a tag with {@code fromMicros <= time < toMicros}, by time, at most {@code max}. */
    public List<Row> tagValues(String tag, long fromMicros, long toMicros, int max) throws StoreException {
        return transaction("cannot read the history of " + tag, c -> {
            List<Row> rows = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS + " FROM duplex_history WHERE kind = 'TAG' "
                    + "AND name = ? AND time_micros >= ? AND time_micros < ? ORDER BY time_micros, origin, seq LIMIT ?")) {
                p.setString(1, tag);
                p.setLong(2, fromMicros);
                p.setLong(3, toMicros);
                p.setInt(4, max);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        rows.add(read(r));
                    }
                }
            }
            return rows;
        });
    }

    /**
     * When this store stored each row of {@code origin} from {@code fromSeq} on, as microseconds
     * since the epoch on this machine's clock: element i is seq {@code fromSeq + i}, 0 where the
     * row is not held; at most {@code count} rows. For an audit and for the benchmark's lag.
     */
    public long[] storedMicros(String origin, long fromSeq, int count) throws StoreException {
        if (fromSeq < 1 || count < 0) {
            throw new IllegalArgumentException("rows from seq " + fromSeq + ", " + count + " of them");
        }
        return transaction("cannot read when history rows were stored", c -> {
            long[] stored = new long[count];
            try (PreparedStatement p = c.prepareStatement("SELECT seq, stored_micros FROM duplex_history "
                    + "WHERE origin = ? AND seq >= ? AND seq < ?")) {
                p.setFetchSize(10_000); // PostgreSQL streams instead of loading everything at once
                p.setString(1, origin);
                p.setLong(2, fromSeq);
                p.setLong(3, fromSeq + count);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        stored[(int) (r.getLong(1) - fromSeq)] = r.getLong(2);
                    }
                }
            }
            return stored;
        });
    }

    /** How many times the row (origin, seq) is held: 1 when it is, 0 when not; never more. */
    public int copiesOf(String origin, long seq) throws StoreException {
        return transaction("cannot read history rows", c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT COUNT(*) FROM duplex_history WHERE origin = ? AND seq = ?")) {
                p.setString(1, origin);
                p.setLong(2, seq);
                try (ResultSet r = p.executeQuery()) {
                    r.next();
                    return r.getInt(1);
                }
            }
        });
    }

    // ---- connections ----

    /** Closes the calling thread's connection; a thread that stops using the store calls it. */
    public void releaseConnection() {
        Connection c = connections.remove(Thread.currentThread());
        if (c != null) {
            closeQuietly(c);
        }
    }

    /** Closes every connection; call it after the threads that use the store have stopped. */
    @Override
    public void close() {
        closed = true;
        closeAllConnections();
    }

    private void closeAllConnections() {
        for (Thread t : List.copyOf(connections.keySet())) {
            Connection c = connections.remove(t);
            if (c != null) {
                closeQuietly(c);
            }
        }
    }

    private Connection connection() throws StoreException {
        if (closed) {
            throw new StoreException("the history store " + location.description() + " is closed");
        }
        Thread self = Thread.currentThread();
        Connection c = connections.get(self);
        if (c == null) {
            // Ended threads no longer use theirs: closing them here (not by their owner) is safe.
            for (Thread t : List.copyOf(connections.keySet())) {
                if (!t.isAlive()) {
                    Connection orphan = connections.remove(t);
                    if (orphan != null) {
                        closeQuietly(orphan);
                    }
                }
            }
            c = location.connect();
            connections.put(self, c);
            if (closed) {
                releaseConnection();
                throw new StoreException("the history store " + location.description() + " is closed");
            }
        }
        return c;
    }

    private <T> T transaction(String doing, SqlWork<T> work) throws StoreException {
        Connection c = connection();
        try {
            T result = work.run(c);
            c.commit();
            return result;
        } catch (SQLException e) {
            Schema.rollbackQuietly(c);
            if (location.kind() == StoreLocation.Kind.H2 && StoreFailures.storageFailed(e)) {
                // H2 keeps the file locked while any session of ours is open, and every new
                // connection would find it "in use" for good: all of them go, each thread
                // reconnects at its next call (a thread in a statement now gets a closed-connection
                // failure, which its own retry handles).
                closeAllConnections();
            } else if (StoreFailures.connectionLost(e) || !valid(c)) {
                releaseConnection();
            }
            throw StoreFailures.describe(doing, e, location);
        } catch (StoreException | RuntimeException | Error e) {
            Schema.rollbackQuietly(c);
            throw e;
        }
    }

    private static boolean valid(Connection c) {
        try {
            return c.isValid(VALID_CHECK_S);
        } catch (SQLException e) {
            return false;
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // closing a broken connection: nothing more to do
        }
    }

    // ---- SQL pieces ----

    /** The origin's mark, row-locked until the transaction ends; a mark row of 0 is made for a new origin. */
    private static long lockMark(Connection c, String origin) throws SQLException {
        return readMark(c, origin, true);
    }

    private static long readMark(Connection c, String origin, boolean lock) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "SELECT high_seq FROM duplex_mark WHERE origin = ?" + (lock ? " FOR UPDATE" : ""))) {
            p.setString(1, origin);
            try (ResultSet r = p.executeQuery()) {
                if (r.next()) {
                    return r.getLong(1);
                }
            }
        }
        if (lock) {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO duplex_mark (origin, high_seq) VALUES (?, 0)")) {
                p.setString(1, origin);
                p.executeUpdate();
            }
        }
        return 0;
    }

    private static void setMark(Connection c, String origin, long seq) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE duplex_mark SET high_seq = ? WHERE origin = ?")) {
            p.setLong(1, seq);
            p.setString(2, origin);
            p.executeUpdate();
        }
    }

    /** Inserts the rows, each stored at {@code storedMicros} (see the class comment). */
    private static void insert(Connection c, List<Row> rows, long storedMicros) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(INSERT)) {
            for (int i = 0; i < rows.size(); i++) {
                bind(p, 0, rows.get(i));
                p.setLong(10, storedMicros);
                p.addBatch();
                if ((i + 1) % INSERT_BATCH == 0 || i == rows.size() - 1) {
                    p.executeBatch();
                }
            }
        }
    }

    /**
     * Inserts the rows by INSERTs of {@link #H2_ROWS_PER_STATEMENT} rows each (the last one of
     * fewer): the same rows, columns, checks and transaction as {@link #insert}, for less work per
     * row in H2. What an H2 backup's apply uses; the local append keeps the JDBC batch (the plain
     * insert the benchmark measures against).
     */
    private static void insertMultiRow(Connection c, List<Row> rows, long storedMicros) throws SQLException {
        int full = rows.size() - rows.size() % H2_ROWS_PER_STATEMENT;
        if (full > 0) {
            try (PreparedStatement p = c.prepareStatement(INSERT_H2_FULL)) {
                for (int from = 0; from < full; from += H2_ROWS_PER_STATEMENT) {
                    bindRows(p, rows.subList(from, from + H2_ROWS_PER_STATEMENT), storedMicros);
                    p.executeUpdate();
                }
            }
        }
        if (full < rows.size()) {
            List<Row> rest = rows.subList(full, rows.size());
            try (PreparedStatement p = c.prepareStatement(multiRowInsert(rest.size()))) {
                bindRows(p, rest, storedMicros);
                p.executeUpdate();
            }
        }
    }

    private static String multiRowInsert(int rows) {
        StringBuilder sql = new StringBuilder(INSERT.length() + rows * 32).append(INSERT);
        for (int i = 1; i < rows; i++) {
            sql.append(", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        }
        return sql.toString();
    }

    private static void bindRows(PreparedStatement p, List<Row> rows, long storedMicros) throws SQLException {
        for (int i = 0; i < rows.size(); i++) {
            bind(p, i * 10, rows.get(i));
            p.setLong(i * 10 + 10, storedMicros);
        }
    }

    /** Binds the row's nine columns to parameters {@code at + 1} to {@code at + 9}. */
    private static void bind(PreparedStatement p, int at, Row row) throws SQLException {
        p.setString(at + 1, row.origin());
        p.setLong(at + 2, row.seq());
        p.setString(at + 3, row.kind().name());
        p.setLong(at + 4, row.timeMicros());
        p.setString(at + 5, row.name());
        p.setDouble(at + 6, row.value());
        p.setLong(at + 7, row.quality());
        if (row.severity() == null) {
            p.setNull(at + 8, Types.SMALLINT);
        } else {
            p.setShort(at + 8, (short) row.severity().code());
        }
        p.setString(at + 9, row.text());
    }

    private static Row read(ResultSet r) throws SQLException {
        Row.Kind kind = Row.Kind.valueOf(r.getString(3));
        int code = r.getInt(8);
        Severity severity = r.wasNull() ? null : Severity.ofCode(code);
        return new Row(r.getString(1), r.getLong(2), kind, r.getLong(4), r.getString(5), r.getDouble(6), r.getLong(7),
                severity, r.getString(9));
    }

    /** A primary key or unique constraint refused a row (the same SQL state on H2 and PostgreSQL). */
    static boolean duplicateKey(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }
}

package scada.redundancy.dbsync.tests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static scada.redundancy.dbsync.tests.HistoryCensus.database;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.After;
import org.junit.Test;

import scada.redundancy.cli.harness.RedundancySet;
import scada.redundancy.cli.harness.ServerProcess;
import scada.redundancy.runtime.PartnerStatus;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.Role;

/**
 * DB sync's faults between real server processes on loopback: the backup's database down, a full
 * disk under the primary's store, a backup slower than the primary, and synchronous mode. Each
 * proves by counting the stores (opened after the servers stopped) that no row was lost or
 * applied twice, and that the fault was shown (status) and said (log line) while it lasted.
 * <p>
 * The faults are made honestly from outside the servers: the backup's PostgreSQL goes down behind a
 * relay ({@link DatabaseRelay}); the disk fills by a file-size limit lowered on the running
 * process ({@code prlimit}: H2's next growth of its file fails with EFBIG, as with a full disk it
 * would with ENOSPC); the backup is made slow by freezing it (SIGSTOP) for part of every cycle.
 */
public class DbSyncFaultsProcessTest {
    private static final Duration START = Duration.ofSeconds(40);
    private static final Duration SETTLE = Duration.ofSeconds(60);
    private static final Pattern QUEUED = Pattern.compile("([\\d,]+) rows queued");

    private RedundancySet set;
    private final Deque<AutoCloseable> cleanUp = new ArrayDeque<>();
    /**
     * When the load generators stop writing (epoch ms): at the latest the scenario's bound, or when
     * {@link HistoryCensus#endLoad} ends it once the scenario is over.
     */
    private long until;
    /** The file whose existence stops every load generator of the set. */
    private Path stopFile;

    @After
    public void close() throws Exception {
        if (set != null) {
            set.close();
        }
        while (!cleanUp.isEmpty()) {
            cleanUp.pop().close();
        }
    }

    private RedundancySet start(int rowsPerSecond, long writeForMs, int periodMs, int timeoutMs, List<String> databases,
            List<String> moreOptions) throws Exception {
        until = System.currentTimeMillis() + writeForMs;
        Path dir = RedundancySet.tempDir("duplex-dbsync-faults-");
        stopFile = dir.resolve("stop-load");
        List<String> options = new ArrayList<>(List.of("-Dduplex.dbsync.load=" + rowsPerSecond,
                "-Dduplex.dbsync.loadUntil=" + until, "-Dduplex.dbsync.loadStopFile=" + stopFile));
        options.addAll(moreOptions);
        set = RedundancySet.builder(dir, 2).timing(periodMs, timeoutMs)
                .adjust((i, c) -> c.withThisScada(c.thisScada().withEnableDbSync(true).withDatabase(databases.get(i))))
                .javaOptions(options).build();
        return set;
    }

    // ================================================================== 1. the backup's database down

    @Test
    public void theBackupsDatabaseDownShowsAnErrorAndCatchesUpAfterwards() throws Exception {
        Postgres pg = Postgres.fromEnvironment();
        String tag = String.format("%08x", new SecureRandom().nextInt());
        List<String> schemas = List.of("dbsync_fault_" + tag + "_a", "dbsync_fault_" + tag + "_b");
        pg.createSchemas(schemas);
        cleanUp.push(() -> pg.dropSchemas(schemas));
        List<DatabaseRelay> relays = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            DatabaseRelay r = new DatabaseRelay(pg.address());
            cleanUp.push(r);
            relays.add(r);
        }
        start(400, 30_000, 200, 600, List.of(pg.url(relays.get(0).port(), schemas.get(0)),
                pg.url(relays.get(1).port(), schemas.get(1))), List.of());
        for (int i = 0; i < 2; i++) {
            pg.writePasswordFile(set.server(i).data());
        }
        set.startAll();
        int primary = set.awaitStable(START);
        int backup = 1 - primary;
        ServerProcess b = set.server(backup);
        awaitStreaming(backup, primary);
        StatusRecorder onPrimary = record(primary);
        long logMark = b.logLength();

        relays.get(backup).down();
        // A backup whose store fails is degraded (health 70), not unhealthy: it can still take over if the
        // primary fails (control of the plant before its history), after any backup whose store works.
        RedundancyStatus down = b.await(set.monitor(), s -> s.database().startsWith("error: ") && s.health() == 70,
                Duration.ofSeconds(20), "the backup shows its database's error and a degraded health");
        PartnerStatus seen = HistoryCensus.partner(set.server(primary).await(set.monitor(),
                s -> database(s, RedundancySet.symbol(backup)).startsWith("error") && partnerHealth(s, backup) == 70
                        && !partnerFault(s, backup),
                Duration.ofSeconds(20), "the primary shows the backup's store in error and its degraded health"),
                RedundancySet.symbol(backup));
        System.out.println("backup, database down: This SCADA Database = " + down.database() + "; health "
                + down.health() + "; role " + down.role() + "; note " + down.note());
        System.out.println("primary's partner row for it: Database = " + seen.database() + "; fault " + seen.fault()
                + " (" + seen.faultReason() + ")");
        assertTrue(down.database(), down.database().contains("cannot reach PostgreSQL"));
        List<String> failed = HistoryCensus.linesWith(b.log(), logMark, "DB sync: the store failed");
        assertFalse("the backup logs the failure", failed.isEmpty());
        System.out.println("backup's log: " + failed.get(0));
        // The fault lasts 5 s while the primary writes on (a duration of the fault, not a wait for something).
        Thread.sleep(5_000);
        relays.get(backup).up();
        b.await(set.monitor(), s -> s.database().contains(": reachable,") && s.health() == 100, Duration.ofSeconds(30),
                "the backup's database reachable again, health back");
        List<String> back = HistoryCensus.linesWith(b.log(), logMark, "DB sync: the store answers again");
        assertFalse("the backup logs the recovery", back.isEmpty());
        System.out.println("backup's log: " + back.get(0));

        assertFalse("the primary's statuses were recorded", onPrimary.seen().isEmpty());
        long maxQueued = maxQueued(onPrimary.seen());
        assertTrue("the primary's writer never fell a second behind while the backup's database was down: "
                + maxQueued + " rows queued at most", maxQueued < 400);
        assertEquals("the primary never left its role", 0,
                onPrimary.seen().stream().filter(s -> s.role() != Role.PRIMARY).count());
        settleAndStop();
        Map<String, Long> marks = HistoryCensus.assertEveryRowOnBothExactlyOnce(
                HistoryCensus.count(pg.url(pg.address().getPort(), schemas.get(0)), set.server(0).data()),
                HistoryCensus.count(pg.url(pg.address().getPort(), schemas.get(1)), set.server(1).data()));
        assertWriterLostNothing(primary, marks);
    }

    // ================================================================== 2. a full disk under H2

    @Test
    public void aFullDiskUnderThePrimarysStoreKeepsItsRowsHandsOverAndCatchesUp() throws Exception {
        start(400, 35_000, 200, 600, List.of("history", "history"), List.of()).startAll();
        int primary = set.awaitStable(START);
        int backup = 1 - primary;
        ServerProcess p = set.server(primary);
        awaitStreaming(backup, primary);
        long logMark = p.logLength();
        Path h2 = p.data().resolve("db").resolve("history.mv.db");
        // Room for what the process writes now (the H2 file, its own log), none for the file to grow.
        long limit = Math.max(Files.size(h2), p.logLength() + (1 << 20));
        prlimit(p.pid(), limit + ":unlimited");

        RedundancyStatus full = p.await(set.monitor(),
                s -> s.database().contains("disk full") && s.database().contains("rows queued are kept"),
                Duration.ofSeconds(30), "the primary shows its disk full and its rows kept");
        set.server(backup).await(set.monitor(), s -> s.role() == Role.PRIMARY, Duration.ofSeconds(15),
                "the healthy backup takes over from the primary whose disk is full");
        RedundancyStatus after = set.status(primary);
        System.out.println("disk full: This SCADA Database = " + full.database() + "; health " + full.health());
        System.out.println("then: role " + after.role() + ", health " + after.health() + ", Database " + after.database());
        assertTrue("the old primary is degraded while its disk is full: " + after.health(), after.health() < 100);
        List<String> said = HistoryCensus.linesWith(p.log(), logMark, "disk full");
        assertFalse("the log says the disk is full", said.isEmpty());
        System.out.println("log: " + said.get(0));
        // The disk stays full for 3 s more while the new primary writes (the fault's duration).
        Thread.sleep(3_000);
        prlimit(p.pid(), "unlimited:unlimited");
        p.await(set.monitor(), s -> s.database().contains(": reachable,") && s.health() == 100, Duration.ofSeconds(30),
                "the store works again (space returned), health back");
        List<String> back = HistoryCensus.linesWith(p.log(), logMark, "the history store works again");
        assertFalse("the log says the store works again", back.isEmpty());
        System.out.println("log: " + back.get(0));
        List<long[]> stopped = HistoryCensus.stopped(p.log());
        assertFalse("the old primary's load generator stopped at its demotion", stopped.isEmpty());
        assertEquals("no row refused by the primary whose disk was full (they were kept)", 0, stopped.get(0)[1]);

        settleAndStop();
        Map<String, Long> marks = HistoryCensus.assertEveryRowOnBothExactlyOnce(
                HistoryCensus.count("history", set.server(0).data()), HistoryCensus.count("history", set.server(1).data()));
        assertTrue("both primaries wrote: " + marks, marks.size() >= 2);
    }

    /**
     * The backup's disk full: it cannot apply the primary's rows. It says so (its Database column
     * and a log line), it is degraded (it could still take over), the primary never waits, and once
     * space returns the backup catches up: every row on both, once.
     */
    @Test
    public void aFullDiskUnderTheBackupsStoreHoldsNothingUpAndCatchesUp() throws Exception {
        start(400, 30_000, 200, 600, List.of("history", "history"), List.of()).startAll();
        int primary = set.awaitStable(START);
        int backup = 1 - primary;
        ServerProcess b = set.server(backup);
        awaitStreaming(backup, primary);
        long logMark = b.logLength();
        Path h2 = b.data().resolve("db").resolve("history.mv.db");
        long limit = Math.max(Files.size(h2), b.logLength() + (1 << 20));
        prlimit(b.pid(), limit + ":unlimited");

        RedundancyStatus full = b.await(set.monitor(), s -> s.database().startsWith("error: ") && s.health() == 70,
                Duration.ofSeconds(30), "the backup shows its store's error and a degraded health");
        System.out.println("backup, disk full: This SCADA Database = " + full.database() + "; health " + full.health());
        assertEquals("the primary stays primary", Role.PRIMARY, set.status(primary).role());
        Thread.sleep(3_000); // the fault's duration while the primary writes on
        prlimit(b.pid(), "unlimited:unlimited");
        b.await(set.monitor(), s -> s.database().contains(": reachable,") && s.health() == 100, Duration.ofSeconds(30),
                "the backup's store works again (space returned), health back");
        List<String> said = HistoryCensus.linesWith(b.log(), logMark, "were not applied");
        said.addAll(HistoryCensus.linesWith(b.log(), logMark, "DB sync: the store failed"));
        assertFalse("the backup's log says its store failed", said.isEmpty());
        System.out.println("backup's log: " + said.get(0));
        settleAndStop();
        Map<String, Long> marks = HistoryCensus.assertEveryRowOnBothExactlyOnce(
                HistoryCensus.count("history", set.server(0).data()), HistoryCensus.count("history", set.server(1).data()));
        assertWriterLostNothing(primary, marks);
    }

    // ================================================================== 3. a slow backup

    @Test
    public void aBackupSlowerThanThePrimaryNeverHoldsUpItsWrites() throws Exception {
        int rate = 2500;
        // Timeout 5 s: the backup frozen for 2 s stays connected, it is only slow.
        start(rate, 30_000, 250, 5000, List.of("history", "history"), List.of()).startAll();
        int primary = set.awaitStable(START);
        int backup = 1 - primary;
        awaitStreaming(backup, primary);
        StatusRecorder onPrimary = record(primary);
        // The backup runs 1 s of every 3 s: it gets a third of the time, and falls 5,000 rows behind each freeze.
        for (int cycle = 0; cycle < 5; cycle++) {
            set.server(backup).freeze();
            Thread.sleep(2_000);
            set.server(backup).thaw();
            Thread.sleep(1_000);
        }
        set.server(primary).await(set.monitor(), s -> database(s, RedundancySet.symbol(backup)).startsWith("in sync"),
                SETTLE, "the slow backup in sync again");
        List<RedundancyStatus> seenOnPrimary = onPrimary.seen();
        System.out.println(seenOnPrimary.size() + " statuses of the primary; its partner column showed: " + seenOnPrimary
                .stream().map(s -> database(s, RedundancySet.symbol(backup))).distinct().limit(40).toList());
        List<String> catchingUp = onPrimary.seen().stream().map(s -> database(s, RedundancySet.symbol(backup)))
                .filter(t -> t.startsWith("catching up")).distinct().toList();
        System.out.println("the primary's partner column while the backup was slow: " + catchingUp);
        assertFalse("the primary showed the backup catching up", catchingUp.isEmpty());
        assertTrue("with progress: " + catchingUp, catchingUp.stream().anyMatch(t -> !t.startsWith("catching up 0%")));
        long maxQueued = maxQueued(onPrimary.seen());
        System.out.println("the primary's writer backlog at most " + maxQueued + " rows");
        // Bounded by two seconds of load, not by the backup: the two share this machine's CPU with
        // others, and a thawed backup catching up takes CPU from the primary's writer for a moment.
        assertTrue("the primary's writer never waited for the backup: " + maxQueued + " rows queued at most",
                maxQueued < 2 * rate);
        settleAndStop();
        Map<String, Long> marks = HistoryCensus.assertEveryRowOnBothExactlyOnce(
                HistoryCensus.count("history", set.server(0).data()), HistoryCensus.count("history", set.server(1).data()));
        assertWriterLostNothing(primary, marks);
    }

    // ================================================================== 4. synchronous mode

    @Test
    public void synchronousWritesCompleteOnlyOnceTheBackupHasThemOrAfterTheTimeout() throws Exception {
        // Timeout 8 s: the backup frozen for 4.5 s stays connected, so the primary waits for it.
        start(400, 60_000, 250, 8000, List.of("history", "history"),
                List.of("-Dduplex.dbsync.mode=sync", "-Dduplex.dbsync.syncTimeoutMs=3000")).startAll();
        int primary = set.awaitStable(START);
        int backup = 1 - primary;
        ServerProcess p = set.server(primary);
        ServerProcess b = set.server(backup);
        awaitStreaming(backup, primary);

        // A frozen backup: each write completes after the 3 s timeout, counted in the status note.
        long timeoutsBefore = syncTimeouts(set.status(primary));
        Instant frozen = Instant.now();
        b.freeze();
        RedundancyStatus timedOut = p.await(set.monitor(), s -> syncTimeouts(s) > timeoutsBefore,
                Duration.ofSeconds(8), "the primary counts the synchronous writes that timed out");
        Thread.sleep(1_500); // the backup stays frozen a little longer: writes go on completing by the timeout
        List<HistoryCensus.Progress> during = HistoryCensus.progress(p.log());
        b.thaw();
        long thawed = System.nanoTime();
        System.out.println("primary's note with the backup frozen: " + timedOut.note() + " (before the freeze: "
                + timeoutsBefore + ")");
        // A batch committed just before the freeze times out first: a second in, every completion since
        // the freeze was a confirmation the backup sent before it froze; later ones can only be timeouts.
        Instant stalledBy = frozen.plusSeconds(1);
        long stalled = lastStoredBefore(during, stalledBy);
        List<HistoryCensus.Progress> released = during.stream().filter(x -> x.time().isAfter(stalledBy)).toList();
        System.out.println("stored a second into the freeze " + stalled + "; later in it: " + released);
        assertTrue("writes completed while the backup was frozen (by the timeout), none refused: " + during,
                released.stream().anyMatch(x -> x.stored() > stalled && x.refused() == 0));
        // Every write that waited during the freeze is settled one timeout after the thaw at the latest
        // (confirmed, or released by its timeout): a duration the mode defines, not a guess.
        long settled = TimeUnit.NANOSECONDS.toMillis(thawed + TimeUnit.MILLISECONDS.toNanos(3_500) - System.nanoTime());
        if (settled > 0) {
            Thread.sleep(settled);
        }
        // And the backup holds all but the last second of rows (the primary's own view, not a stale one).
        p.await(set.monitor(), s -> lagRows(database(s, RedundancySet.symbol(backup))) < 400, SETTLE,
                "the backup within a second of the primary again");

        // Connected: a write completes only once the backup has it. Freeze the backup, kill the primary
        // within the timeout: whatever the writer was told was stored must be on the backup.
        b.freeze();
        Instant killedAfter = Instant.now();
        Thread.sleep(1_500); // well inside the 3 s timeout: no write may be released by it
        p.kill();
        b.thaw();
        b.await(set.monitor(), s -> s.role() == Role.PRIMARY, Duration.ofSeconds(20), "the backup takes over");
        List<HistoryCensus.Progress> told = HistoryCensus.progress(p.log());
        HistoryCensus.Progress last = told.get(told.size() - 1);
        assertTrue("the killed primary reported its count during the freeze: " + last, last.time().isAfter(killedAfter));
        set.close();
        set = null;
        HistoryCensus.Store killed = HistoryCensus.count("history", p.data());
        HistoryCensus.Store survivor = HistoryCensus.count("history", b.data());
        String origin = killed.marks().keySet().stream().filter(o -> o.startsWith(RedundancySet.symbol(primary) + "-"))
                .findFirst().orElseThrow();
        long onKilled = killed.marks().get(origin);
        long onSurvivor = survivor.marks().getOrDefault(origin, 0L);
        System.out.println("sync mode, primary killed with the backup frozen: the writer was told " + last.stored()
                + " rows stored; the backup holds " + onSurvivor + ", the killed primary " + onKilled);
        assertTrue("every row the writer was told was stored is on the backup: told " + last.stored() + ", backup "
                + onSurvivor, last.stored() <= onSurvivor);
        assertTrue("rows were at stake: the primary committed rows the backup never got (" + onKilled + " > "
                + onSurvivor + "), and no writer was told they were stored", onKilled > onSurvivor);
        assertEquals("the backup holds the killed primary's rows 1.." + onSurvivor + " once", onSurvivor,
                (long) survivor.rows().getOrDefault(origin, 0L));
    }

    // ================================================================== helpers

    private static long lastStoredBefore(List<HistoryCensus.Progress> progress, Instant t) {
        long stored = 0;
        for (HistoryCensus.Progress x : progress) {
            if (x.time().isBefore(t)) {
                stored = x.stored();
            }
        }
        return stored;
    }

    private static final Pattern LAG = Pattern.compile("^in sync \\(lag ([\\d,]+) rows");

    /** The rows of an "in sync" partner column's lag, or Long.MAX_VALUE when it is not in sync. */
    private static long lagRows(String partnerColumn) {
        Matcher m = LAG.matcher(partnerColumn);
        return m.find() ? Long.parseLong(m.group(1).replace(",", "")) : Long.MAX_VALUE;
    }

    private static final Pattern SYNC_TIMEOUTS = Pattern.compile("(\\d+) synchronous writes? (was|were) not confirmed");

    /** The synchronous writes the status note says were not confirmed in time, 0 if it says none. */
    private static long syncTimeouts(RedundancyStatus s) {
        Matcher m = SYNC_TIMEOUTS.matcher(s.note());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private StatusRecorder record(int server) {
        StatusRecorder r = new StatusRecorder(set.monitor(), set.server(server));
        cleanUp.push(r);
        return r;
    }

    private static boolean partnerFault(RedundancyStatus s, int partner) {
        PartnerStatus p = HistoryCensus.partner(s, RedundancySet.symbol(partner));
        return p != null && p.fault();
    }

    private static int partnerHealth(RedundancyStatus s, int partner) {
        PartnerStatus p = HistoryCensus.partner(s, RedundancySet.symbol(partner));
        return p == null ? -1 : p.health();
    }

    /** The most rows the server's This SCADA Database column said were queued. */
    private static long maxQueued(List<RedundancyStatus> statuses) {
        long max = 0;
        for (RedundancyStatus s : statuses) {
            Matcher m = QUEUED.matcher(s.database());
            if (m.find()) {
                max = Math.max(max, Long.parseLong(m.group(1).replace(",", "")));
            }
        }
        return max;
    }

    /** Rows flow from {@code from} to {@code to}: {@code to}'s row of {@code from} says in sync. */
    private void awaitStreaming(int to, int from) throws Exception {
        set.server(to).await(set.monitor(), s -> database(s, RedundancySet.symbol(from)).startsWith("in sync"),
                SETTLE, "DB sync with " + RedundancySet.symbol(from) + " in sync");
    }

    /**
     * Waits until the load has stopped and both servers say in sync with nothing left either way,
     * and stops them gracefully (their load generators log their final counts).
     */
    private void settleAndStop() throws Exception {
        until = HistoryCensus.endLoad(stopFile, until);
        // The writing ends at a known moment: the scenario's end, not a wait for something to happen.
        long left = until + 3_000 - System.currentTimeMillis();
        if (left > 0) {
            Thread.sleep(left);
        }
        for (int i = 0; i < 2; i++) {
            String other = RedundancySet.symbol(1 - i);
            set.server(i).await(set.monitor(), s -> database(s, other).startsWith("in sync (lag 0 rows"), SETTLE,
                    "DB sync with " + other + " settled (load over, nothing left to send)");
        }
        assertTrue("no uncaught exceptions: " + set.logsWithUncaughtExceptions(), set.logsWithUncaughtExceptions().isEmpty());
        for (int i = 0; i < 2; i++) {
            assertTrue(set.server(i).terminate(Duration.ofSeconds(30)));
        }
    }

    /**
     * The writer's own account: the load generator of {@code writer} (primary throughout, never
     * restarted: one origin) was told of exactly as many rows stored as its origin holds, none refused.
     */
    private void assertWriterLostNothing(int writer, Map<String, Long> marks) throws IOException {
        List<long[]> stopped = HistoryCensus.stopped(set.server(writer).log());
        assertEquals("one stop of the writer's load generator: " + stopped.size(), 1, stopped.size());
        String prefix = RedundancySet.symbol(writer) + "-";
        List<Long> origins = marks.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .map(Map.Entry::getValue).toList();
        assertEquals("one origin of the writer: " + marks, 1, origins.size());
        System.out.println("the writer's load generator: " + stopped.get(0)[0] + " rows stored, " + stopped.get(0)[1]
                + " refused; its origin holds " + origins.get(0));
        assertEquals("no write refused", 0, stopped.get(0)[1]);
        assertEquals("every row the writer was told was stored, and no other, is in its origin", origins.get(0).longValue(),
                stopped.get(0)[0]);
    }

    private static void prlimit(long pid, String fsize) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("prlimit", "--pid", Long.toString(pid), "--fsize=" + fsize).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail("prlimit --pid " + pid + " --fsize=" + fsize + " failed (util-linux's prlimit is needed): " + out);
        }
    }

    /** The tests' PostgreSQL server ({@code DUPLEX_TEST_POSTGRES}), a schema of its own per server. */
    private record Postgres(URI uri, String password) {
        static Postgres fromEnvironment() throws Exception {
            String url = System.getenv("DUPLEX_TEST_POSTGRES");
            if (url == null || url.isBlank()) {
                fail("no PostgreSQL server for the tests: run ./scada-redundancy test (it installs and starts "
                        + "PostgreSQL) or set DUPLEX_TEST_POSTGRES and DUPLEX_TEST_POSTGRES_PASSWORD");
            }
            return new Postgres(new URI(url.replaceFirst("(?i)^jdbc:", "")),
                    System.getenv().getOrDefault("DUPLEX_TEST_POSTGRES_PASSWORD", ""));
        }

        InetSocketAddress address() {
            return new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort());
        }

        /** This SCADA's Database column for a store in {@code schema}, reached at 127.0.0.1:{@code port}. */
        String url(int port, String schema) {
            String query = uri.getRawQuery() == null ? "" : uri.getRawQuery() + "&";
            return "postgresql://127.0.0.1:" + port + uri.getRawPath() + "?" + query + "currentSchema=" + schema;
        }

        void writePasswordFile(Path data) throws IOException {
            Path file = data.resolve("db-password");
            Files.writeString(file, password + "\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }

        private Connection admin() throws Exception {
            Properties props = new Properties();
            String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
            for (String pair : query.split("&")) {
                if (pair.startsWith("user=")) {
                    props.setProperty("user", pair.substring(5));
                }
            }
            props.setProperty("password", password);
            return new org.postgresql.Driver().connect("jdbc:postgresql://" + uri.getHost() + ":" + address().getPort()
                    + uri.getRawPath(), props);
        }

        void createSchemas(List<String> schemas) throws Exception {
            execute(schemas, "CREATE SCHEMA ");
        }

        void dropSchemas(List<String> schemas) throws Exception {
            execute(schemas, "DROP SCHEMA IF EXISTS %s CASCADE");
        }

        private void execute(List<String> schemas, String sql) throws Exception {
            try (Connection c = admin(); Statement s = c.createStatement()) {
                for (String schema : schemas) {
                    s.execute(sql.contains("%s") ? String.format(sql, schema) : sql + schema);
                }
            }
        }
    }
}

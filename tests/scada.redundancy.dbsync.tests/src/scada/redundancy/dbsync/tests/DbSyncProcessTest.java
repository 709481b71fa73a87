package scada.redundancy.dbsync.tests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.After;
import org.junit.Test;

import scada.redundancy.cli.harness.RedundancySet;
import scada.redundancy.cli.harness.ServerProcess;
import scada.redundancy.dbsync.internal.JdbcStore;
import scada.redundancy.dbsync.internal.StoreLocation;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.Role;

/**
 * DB sync between real server processes on loopback, each with its own H2 file: the primary
 * writes a steady stream of rows (the load generator, as a driver would, only while primary);
 * the set is then failed over — kill -9, SIGSTOP, a graceful stop, a cut link with two
 * primaries — and once the writing has stopped and both say "in sync", both stores are opened
 * and counted: every origin's rows 1..mark on both sides, the same marks on both, each row once.
 */
public class DbSyncProcessTest {
    private static final int ROWS_PER_SECOND = 400;
    private static final Duration SETTLE = Duration.ofSeconds(60);

    private RedundancySet set;
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
    }

    private RedundancySet start(int servers, long writeForMs, boolean relayed) throws Exception {
        return start(servers, writeForMs, relayed, true);
    }

    private RedundancySet start(int servers, long writeForMs, boolean relayed, boolean startAll) throws Exception {
        until = System.currentTimeMillis() + writeForMs;
        Path dir = RedundancySet.tempDir("duplex-dbsync-");
        stopFile = dir.resolve("stop-load");
        RedundancySet.Builder b = RedundancySet.builder(dir, servers)
                .timing(200, 600)
                .adjust((i, c) -> c.withThisScada(c.thisScada().withEnableDbSync(true).withDatabase("history")))
                .javaOptions(List.of("-Dduplex.dbsync.load=" + ROWS_PER_SECOND, "-Dduplex.dbsync.loadUntil=" + until,
                        "-Dduplex.dbsync.loadStopFile=" + stopFile));
        if (relayed) {
            b.relayed(0, 1);
        }
        set = b.build();
        return startAll ? set.startAll() : set;
    }

    @Test
    public void aPrimaryKilledMidStreamLosesNoRowAndCatchesUpAsBackup() throws Exception {
        start(2, 30_000, false);
        int primary = set.awaitStable(Duration.ofSeconds(30));
        int backup = 1 - primary;
        awaitStreaming(backup, primary);
        set.server(primary).kill();
        set.server(backup).await(set.monitor(), s -> s.role() == Role.PRIMARY, Duration.ofSeconds(10),
                "the backup takes over");
        set.server(primary).start(); // returns as backup: its store opens as a new incarnation
        set.awaitStable(Duration.ofSeconds(30));
        assertEveryRowOnBothExactlyOnce();
    }

    @Test
    public void aFrozenPrimaryThenAGracefulHandOverLoseNoRow() throws Exception {
        start(2, 35_000, false);
        int primary = set.awaitStable(Duration.ofSeconds(30));
        int backup = 1 - primary;
        awaitStreaming(backup, primary);
        set.server(primary).freeze();
        set.server(backup).await(set.monitor(), s -> s.role() == Role.PRIMARY, Duration.ofSeconds(10),
                "the backup takes over from the frozen primary");
        set.server(primary).thaw(); // it wrote until it froze; now it learns of the higher term
        int now = set.awaitStable(Duration.ofSeconds(30));
        assertEquals("the thawed primary stepped down", backup, now);
        awaitStreaming(primary, backup);
        // A graceful stop of the new primary: it hands over, the old one writes again.
        set.server(backup).terminate(Duration.ofSeconds(20));
        set.server(primary).await(set.monitor(), s -> s.role() == Role.PRIMARY, Duration.ofSeconds(10),
                "the hand-over");
        set.server(backup).start();
        set.awaitStable(Duration.ofSeconds(30));
        assertEveryRowOnBothExactlyOnce();
    }

    @Test
    public void aSplitBrainHealedKeepsWhatBothSidesWrote() throws Exception {
        start(2, 30_000, true);
        int primary = set.awaitStable(Duration.ofSeconds(30));
        int backup = 1 - primary;
        awaitStreaming(backup, primary);
        set.cut(0, 1);
        set.server(backup).await(set.monitor(), s -> s.role() == Role.PRIMARY, Duration.ofSeconds(10),
                "two primaries while the cable is cut");
        assertEquals("the other is primary too", Role.PRIMARY, set.status(primary).role());
        // The scenario: both write under their own origins for 3 s (a duration of the fault, not a wait
        // for something to happen).
        Thread.sleep(3_000);
        assertEquals(Role.PRIMARY, set.status(backup).role());
        assertEquals(Role.PRIMARY, set.status(primary).role());
        set.mend(0, 1);
        set.awaitStable(Duration.ofSeconds(30));
        assertEveryRowOnBothExactlyOnce();
    }

    /**
     * Enable DB Sync switched on in the running configuration of a server that started with it off
     * (an edited file, a deployment): no restart, it catches up with its partner and streams from
     * then on; every row ends up on both, once.
     */
    @Test
    public void enableDbSyncSwitchedOnWhileRunningCatchesUpWithoutARestart() throws Exception {
        start(2, 40_000, false, false);
        set.reconfigure(1, c -> c.withThisScada(c.thisScada().withEnableDbSync(false)));
        set.startAll();
        int primary = set.awaitStable(Duration.ofSeconds(30));
        int other = 1 - primary;
        String otherSymbol = RedundancySet.symbol(other);
        set.server(primary).await(set.monitor(), s -> HistoryCensus.database(s, otherSymbol).equals(
                primary == 0 ? "DB sync off on the partner" : "DB sync off here"), SETTLE, "DB sync off on SCADA-B, said");
        // SCADA-B stays off for 3 s while the primary writes (a backlog for it to catch up: the
        // scenario's duration, not a wait for something to happen).
        Thread.sleep(3_000);
        long pid = set.server(1).pid();
        long logMark = set.server(1).logLength();

        set.reconfigure(1, c -> c.withThisScada(c.thisScada().withEnableDbSync(true)));
        awaitStreaming(other, primary);
        assertEquals("no restart", pid, set.server(1).pid());
        assertFalse("SCADA-B's log says it switched on", HistoryCensus.linesWith(set.server(1).log(), logMark,
                "Enable DB Sync switched on").isEmpty());
        assertEveryRowOnBothExactlyOnce(1);
    }

    /**
     * A server's history purged before its partner got it (as a retention would): the partner
     * records the gap once, shows it, and {@code history gaps} prints it with its range and reason.
     */
    @Test
    public void aGapThatCanNoLongerBeFilledIsRecordedAndListedByHistoryGaps() throws Exception {
        start(2, 12_000, false, false);
        // A alone first: it becomes primary and writes; B has never seen those rows.
        set.server(0).start();
        set.server(0).await(set.monitor(), s -> s.role() == Role.PRIMARY, Duration.ofSeconds(30), "A alone is primary");
        long left = until + 1_000 - System.currentTimeMillis();
        if (left > 0) {
            Thread.sleep(left); // A's writing for the scenario's 6 s
        }
        assertTrue(set.server(0).terminate(Duration.ofSeconds(20)));
        JdbcStore a = JdbcStore.open(StoreLocation.parse("history", set.server(0).data()), "check");
        String origin;
        try {
            origin = a.highWaterMarks().entrySet().stream().filter(e -> e.getValue() > 200).findFirst().orElseThrow()
                    .getKey();
        } finally {
            a.close();
        }
        // Rows 1..100 gone from A, as a retention would remove them.
        try (java.sql.Connection c = StoreLocation.parse("history", set.server(0).data()).connect();
                java.sql.PreparedStatement delete = c.prepareStatement(
                        "DELETE FROM duplex_history WHERE origin = ? AND seq <= 100")) {
            delete.setString(1, origin);
            assertEquals(100, delete.executeUpdate());
            c.commit();
        }
        set.startAll().awaitStable(Duration.ofSeconds(30));
        RedundancyStatus b = set.server(1).await(set.monitor(), s -> s.note().contains("can no longer be filled"),
                SETTLE, "B records the gap");
        assertTrue(b.note(), b.note().contains("gap"));
        Process p = new ProcessBuilder(java(), "-cp", ServerProcess.product().resolve("plugins") + "/*",
                "scada.redundancy.cli.DuplexCommand", "history", "gaps", set.server(1).bind() + ":" + set.port(),
                "--data", set.server(1).data().toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(out, 0, p.exitValue());
        assertTrue(out, out.contains("1 gap that can no longer be filled"));
        assertTrue(out, out.contains(origin + " seq 1-100 (100 rows"));
        assertTrue(out, out.contains("SCADA-A: in sync"));
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    // ------------------------------------------------------------------ helpers

    /** Rows flow from {@code from} to {@code to}: {@code to}'s row of {@code from} says in sync. */
    private void awaitStreaming(int to, int from) throws Exception {
        set.server(to).await(set.monitor(), s -> HistoryCensus.database(s, RedundancySet.symbol(from)).startsWith("in sync"),
                SETTLE, "DB sync with " + RedundancySet.symbol(from) + " in sync");
    }

    /**
     * Waits until the load has stopped and both servers say in sync with nothing to send either
     * way, stops them, and counts both stores.
     */
    private void assertEveryRowOnBothExactlyOnce() throws Exception {
        assertEveryRowOnBothExactlyOnce(2);
    }

    /** As above, with rows of at least {@code writers} origins (primaries in turn). */
    private void assertEveryRowOnBothExactlyOnce(int writers) throws Exception {
        until = HistoryCensus.endLoad(stopFile, until);
        // The writing ends at a known moment: the scenario's end, not a wait for something to happen.
        long left = until + 3_000 - System.currentTimeMillis(); // and the status, refreshed each second, says so
        if (left > 0) {
            Thread.sleep(left);
        }
        for (int i = 0; i < 2; i++) {
            String other = RedundancySet.symbol(1 - i);
            set.server(i).await(set.monitor(), s -> HistoryCensus.database(s, other).startsWith("in sync (lag 0 rows"),
                    Duration.ofSeconds(90), "DB sync with " + other + " settled (load over, nothing left to send)");
        }
        List<Path> data = List.of(set.server(0).data(), set.server(1).data());
        assertTrue("no uncaught exceptions: " + set.logsWithUncaughtExceptions(), set.logsWithUncaughtExceptions().isEmpty());
        set.close();
        set = null;
        Map<String, Long> marks = HistoryCensus.assertEveryRowOnBothExactlyOnce(
                HistoryCensus.count("history", data.get(0)), HistoryCensus.count("history", data.get(1)));
        long total = marks.values().stream().mapToLong(Long::longValue).sum();
        assertTrue("rows were written: " + marks, total > ROWS_PER_SECOND * 5L);
        assertTrue("rows of at least " + writers + " writers (primaries in turn): " + marks.keySet(),
                marks.size() >= writers);
    }
}

package scada.redundancy.dbsync.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Test;

import scada.redundancy.dbsync.internal.SyncStatus.PartnerSyncStatus;
import scada.redundancy.dbsync.internal.SyncStatus.State;

/**
 * Replication between two and three engines over {@link SyncTestNetwork}'s bounded, cuttable
 * links: every row reaches every store exactly once, whatever the link does.
 */
public class ReplicatorSyncTest {
    private static final Duration CONVERGE = Duration.ofSeconds(120);
    private static final Replicator.Settings FAST = Replicator.Settings.defaults(true)
            .withTimes(Duration.ofMillis(100), Duration.ofMillis(200));

    private SyncTestNetwork net;

    @After
    public void close() {
        if (net != null) {
            net.close();
        }
    }

    private SyncTestNetwork twoServers(Replicator.Settings settings, int queueMessages) {
        net = new SyncTestNetwork(queueMessages);
        net.add("A", "A-origin", settings);
        net.add("B", "B-origin", settings);
        net.link("A", "B");
        return net;
    }

    /** A, B and C, each linked to both others, started. */
    private void threeServers() {
        net = new SyncTestNetwork(16);
        net.add("A", "A-origin", FAST);
        net.add("B", "B-origin", FAST);
        net.add("C", "C-origin", FAST);
        net.link("A", "B");
        net.link("B", "C");
        net.link("A", "C");
        net.start();
    }

    /** Waits until every store holds every origin's rows exactly as the origin wrote them. */
    private void awaitConverged(String what) {
        net.await(this::converged, CONVERGE, () -> what);
        for (SyncTestNetwork.Node n : net.nodes.values()) {
            assertEquals(n.symbol + " held a row with other contents", 0, n.store.conflicts());
        }
    }

    private boolean converged() {
        Map<String, SyncTestNetwork.Node> byOrigin = new java.util.HashMap<>();
        for (SyncTestNetwork.Node n : net.nodes.values()) {
            byOrigin.put(n.store.origin(), n);
        }
        for (SyncTestNetwork.Node owner : byOrigin.values()) {
            long mark = owner.store.mark(owner.store.origin());
            for (SyncTestNetwork.Node n : net.nodes.values()) {
                if (n.store.mark(owner.store.origin()) != mark) {
                    return false;
                }
            }
        }
        for (SyncTestNetwork.Node owner : byOrigin.values()) {
            NavigableMap<Long, Row> truth = owner.store.snapshot().getOrDefault(owner.store.origin(),
                    new java.util.TreeMap<>());
            for (SyncTestNetwork.Node n : net.nodes.values()) {
                NavigableMap<Long, Row> held = n.store.snapshot().getOrDefault(owner.store.origin(),
                        new java.util.TreeMap<>());
                if (!held.equals(truth)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static double perSecond(long rows, long startNanos) {
        return rows / Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
    }

    @Test
    public void steadyStreamingDeliversEveryRowExactlyOnce() {
        twoServers(FAST, 64).start();
        SyncTestNetwork.Node a = net.node("A");
        SyncTestNetwork.Node b = net.node("B");
        long start = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            a.write(200);
        }
        awaitConverged("B holds A's 20,000 rows");
        System.out.printf("ReplicatorSyncTest steady: 20,000 rows A->B through the in-memory path at %.0f rows/s, "
                + "%d batches applied, %d rows resent%n", perSecond(20_000, start), b.store.appliedBatches(),
                b.store.skippedRows());
        assertEquals("every row applied as new exactly once", 20_000, b.store.newRows());
        net.await(() -> a.replicator.status().partner("B").text().startsWith("in sync (lag 0 rows"), CONVERGE,
                () -> "A shows B in sync with no lag");
        assertTrue(a.replicator.status().partner("B").verified());
        net.await(() -> b.replicator.status().rowsHeld() == 20_000 && a.replicator.status().rowsHeld() == 20_000, CONVERGE,
                () -> "both show the 20,000 rows they hold: A " + a.replicator.status().rowsHeld() + ", B "
                        + b.replicator.status().rowsHeld());
    }

    private State stateOf(String node, String partner) {
        PartnerSyncStatus p = net.node(node).replicator.status().partner(partner);
        return p == null ? null : p.state();
    }

    @Test
    public void catchUpOf100000RowsAfterACutWithASmallWindow() {
        twoServers(FAST.withWindow(200, 2), 4).start();
        SyncTestNetwork.Node a = net.node("A");
        SyncTestNetwork.Node b = net.node("B");
        net.await(() -> stateOf("A", "B") == State.IN_SYNC, CONVERGE, () -> "A and B in session");
        net.cut("A", "B");
        for (int i = 0; i < 100; i++) {
            a.write(1000);
        }
        net.await(() -> stateOf("A", "B") == State.NOT_CONNECTED, CONVERGE, () -> "A shows B not connected");
        net.await(() -> a.replicator.status().partner("B").backlog() == 100_000, CONVERGE,
                () -> "A's backlog to B is 100,000");
        assertEquals(0, b.store.mark("A-origin"));
        long start = System.nanoTime();
        net.mend("A", "B");
        awaitConverged("B caught up with A's 100,000 rows");
        System.out.printf("ReplicatorSyncTest catch-up: 100,000 rows in batches of 200, window 2, queue 4, at %.0f "
                + "rows/s through the in-memory path; %d rows resent%n", perSecond(100_000, start),
                b.store.skippedRows());
        assertEquals(100_000, b.store.newRows());
        net.await(() -> stateOf("A", "B") == State.IN_SYNC && stateOf("B", "A") == State.IN_SYNC, CONVERGE,
                () -> "both in sync after the catch-up");
    }

    @Test
    public void afterASplitBrainBothStoresHoldTheUnionAndNothingChanged() {
        twoServers(FAST, 16).start();
        SyncTestNetwork.Node a = net.node("A");
        SyncTestNetwork.Node b = net.node("B");
        a.write(500);
        awaitConverged("before the split");
        net.cut("A", "B");
        // both primary: each records under its own origin
        for (int i = 0; i < 30; i++) {
            a.write(100);
            b.write(70);
        }
        Map<String, NavigableMap<Long, Row>> aBefore = a.store.snapshot();
        Map<String, NavigableMap<Long, Row>> bBefore = b.store.snapshot();
        net.mend("A", "B");
        awaitConverged("the union on both after the split brain");
        assertEquals(a.store.snapshot(), b.store.snapshot());
        assertEquals("A's own rows unchanged", aBefore.get("A-origin"), a.store.snapshot().get("A-origin"));
        assertEquals("B's own rows unchanged", bBefore.get("B-origin"), b.store.snapshot().get("B-origin"));
        assertEquals(3500, a.store.held("A-origin"));
        assertEquals(2100, a.store.held("B-origin"));
        assertEquals("B applied A's rows once each", 3500, b.store.newRows());
        assertEquals("A applied B's rows once each", 2100, a.store.newRows());
    }

    @Test
    public void threeServersConvergeThroughTheThirdWhenOneLinkIsCut() {
        threeServers();
        SyncTestNetwork.Node a = net.node("A");
        SyncTestNetwork.Node b = net.node("B");
        SyncTestNetwork.Node c = net.node("C");
        // once every session is up, C's standing source for A's rows is A; before, it may start from B
        for (String x : List.of("A", "B", "C")) {
            for (String y : List.of("A", "B", "C")) {
                if (!x.equals(y)) {
                    net.await(() -> stateOf(x, y) == State.IN_SYNC, CONVERGE, () -> x + " in session with " + y);
                }
            }
        }
        a.write(1000);
        awaitConverged("three servers, all links up");
        assertEquals("C took A's rows once: from A, not again via B", 0, c.store.skippedRows());
        net.cut("A", "B");
        for (int i = 0; i < 10; i++) {
            a.write(500);
            b.write(300);
            c.write(100);
        }
        awaitConverged("A's rows reach B and B's reach A through C");
        assertEquals(6000 + 1000, b.store.newRows());
        assertEquals(3000 + 1000, a.store.newRows());
        assertEquals(6000 + 3000, c.store.newRows());
        System.out.printf("ReplicatorSyncTest three servers: rows resent (harmless duplicates) A %d, B %d, C %d%n",
                a.store.skippedRows(), b.store.skippedRows(), c.store.skippedRows());
    }

    @Test
    public void tenThousandHostileFramesNeverThrowAndApplyNothing() {
        twoServers(FAST, 64).start();
        SyncTestNetwork.Node a = net.node("A");
        SyncTestNetwork.Node b = net.node("B");
        List<byte[]> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        a.tap = sent::add;
        a.write(1000);
        awaitConverged("before the fuzz");
        Map<String, NavigableMap<Long, Row>> before = b.store.snapshot();
        long batches = b.store.appliedBatches();
        Random random = new Random(7);
        List<byte[]> valid = new ArrayList<>(sent);
        for (int i = 0; i < 10_000; i++) {
            byte[] frame;
            if (i % 3 == 0) {
                frame = new byte[random.nextInt(2000)];
                random.nextBytes(frame);
            } else {
                byte[] v = valid.get(random.nextInt(valid.size()));
                frame = i % 3 == 1 ? java.util.Arrays.copyOf(v, random.nextInt(v.length)) : v.clone();
                if (i % 3 == 2) {
                    frame[random.nextInt(frame.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            b.replicator.received("A", frame); // never throws: received() catches nothing it did not expect either
        }
        assertEquals(before, b.store.snapshot());
        assertEquals("no batch applied from a damaged frame", batches, b.store.appliedBatches());
        a.write(100);
        awaitConverged("replication goes on after the fuzz");
    }

    @Test
    public void replayedAndDuplicateBatchesChangeNothing() {
        twoServers(FAST, 64).start();
        SyncTestNetwork.Node a = net.node("A");
        SyncTestNetwork.Node b = net.node("B");
        List<byte[]> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        a.tap = sent::add;
        for (int i = 0; i < 20; i++) {
            a.write(250);
        }
        awaitConverged("before the replay");
        Map<String, NavigableMap<Long, Row>> before = b.store.snapshot();
        long skipped = b.store.skippedRows();
        List<byte[]> replay = new ArrayList<>(sent);
        int rowsMessages = 0;
        for (byte[] m : replay) {
            rowsMessages += m[1] == SyncMessageCodec.ROWS ? 1 : 0;
            b.replicator.received("A", m);
        }
        java.util.Collections.reverse(replay);
        for (byte[] m : replay) {
            b.replicator.received("A", m);
        }
        assertTrue("the replay held ROWS messages", rowsMessages > 0);
        assertEquals(before, b.store.snapshot());
        assertEquals(5000, b.store.newRows());
        assertEquals(0, b.store.conflicts());
        assertTrue("the replayed rows were seen and skipped", b.store.skippedRows() > skipped);
    }

    @Test
    public void silentlyLostAndCorruptedMessagesAreSentAgain() {
        twoServers(FAST.withWindow(100, 3), 8).start();
        SyncTestNetwork.Node a = net.node("A");
        SyncTestNetwork.Node b = net.node("B");
        net.direction("A", "B").onlyRows();
        for (int i = 0; i < 20; i++) {
            if (i % 4 == 0) {
                net.direction("A", "B").drop(2);
            }
            if (i % 5 == 1) {
                net.direction("A", "B").corrupt(1);
            }
            if (i % 7 == 3) {
                net.direction("B", "A").drop(1); // an acknowledgement lost
            }
            a.write(500);
        }
        awaitConverged("every row despite lost and corrupted messages");
        assertEquals(10_000, b.store.newRows());
        // the status is rebuilt on the next tick: wait for it to count the resends
        net.await(() -> a.replicator.status().rowsSent() > 10_000, CONVERGE,
                () -> "rows were lost and sent again: " + a.replicator.status().rowsSent() + " sent");
        System.out.printf("ReplicatorSyncTest losses: 10,000 rows delivered with %d sent%n",
                a.replicator.status().rowsSent());
    }

    @Test
    public void aStoreFailureDuringApplyLosesNothing() {
        twoServers(FAST, 16).start();
        SyncTestNetwork.Node a = net.node("A");
        SyncTestNetwork.Node b = net.node("B");
        a.write(100);
        awaitConverged("before the failure");
        b.store.failing("the disk under the store is full");
        for (int i = 0; i < 10; i++) {
            a.write(500);
        }
        net.await(() -> stateOf("B", "A") == State.ERROR, CONVERGE, () -> "B shows its store's error");
        assertTrue(b.replicator.status().partner("A").text(),
                b.replicator.status().partner("A").text().contains("the disk under the store is full"));
        net.await(() -> stateOf("A", "B") == State.ERROR, CONVERGE, () -> "A shows B's store error");
        assertTrue(a.replicator.status().partner("B").text().startsWith("error: the partner's store:"));
        assertEquals(100, b.store.mark("A-origin"));
        b.store.failing(null);
        awaitConverged("after the store recovered");
        assertEquals(5100, b.store.newRows());
        net.await(() -> stateOf("B", "A") == State.IN_SYNC, CONVERGE, () -> "B in sync again");
    }

    @Test
    public void awaitReplicatedCompletesOnAcknowledgementAndOnTimeout() throws Exception {
        twoServers(FAST, 16).start();
        SyncTestNetwork.Node a = net.node("A");
        SyncTestNetwork.Node b = net.node("B");
        net.await(() -> stateOf("A", "B") == State.IN_SYNC, CONVERGE, () -> "A and B in session");
        long seq = a.write(300);
        CompletableFuture<Void> acked = a.replicator.awaitReplicated(seq, Duration.ofSeconds(60)).toCompletableFuture();
        acked.get(60, TimeUnit.SECONDS);
        assertTrue("completed only once B held the rows", b.store.mark("A-origin") >= seq);
        assertEquals(0, a.replicator.status().syncTimeouts());

        b.store.failing("the database on B is down");
        long later = a.write(10);
        long t0 = System.nanoTime();
        a.replicator.awaitReplicated(later, Duration.ofMillis(300)).toCompletableFuture().get(60, TimeUnit.SECONDS);
        long waitedMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue("B cannot hold the rows yet", b.store.mark("A-origin") < later);
        assertTrue("waited for the timeout, not less: " + waitedMs + " ms", waitedMs >= 300);
        net.await(() -> a.replicator.status().syncTimeouts() == 1, CONVERGE, () -> "the timeout counted");

        b.store.failing(null);
        net.cut("A", "B");
        net.await(() -> stateOf("A", "B") == State.NOT_CONNECTED, CONVERGE, () -> "B not connected");
        long alone = a.write(5);
        a.replicator.awaitReplicated(alone, Duration.ofSeconds(60)).toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertEquals("with no partner connected there is nothing to wait for", 1,
                a.replicator.status().syncTimeouts());
    }

    @Test
    public void rowsPurgedAtTheOriginBeforeTheyReachedTheBackupAreOneGapNamingWhoPurgedThem() {
        twoServers(FAST, 16).start();
        SyncTestNetwork.Node a = net.node("A");
        SyncTestNetwork.Node b = net.node("B");
        net.await(() -> stateOf("A", "B") == State.IN_SYNC, CONVERGE, () -> "A and B in session");
        net.cut("A", "B");
        a.write(1000);
        a.store.purge("A-origin", 600);
        net.mend("A", "B");
        net.await(() -> b.store.mark("A-origin") == 1000, CONVERGE, () -> "B past the gap with A's rows");
        assertEquals(400, b.store.held("A-origin"));
        List<Gap> gaps = b.replicator.status().gaps();
        net.await(() -> b.replicator.status().gaps().size() == 1, CONVERGE, () -> "the gap in B's status");
        gaps = b.replicator.status().gaps();
        Gap g = gaps.get(0);
        assertEquals("A-origin", g.origin());
        assertEquals(1, g.fromSeq());
        assertEquals(600, g.toSeq());
        assertTrue(g.reason(), g.reason().contains("A (the origin) holds them from seq 601"));
        a.write(50);
        net.await(() -> b.store.mark("A-origin") == 1050, CONVERGE, () -> "rows after the gap flow");
        assertEquals("recorded once", 1, b.replicator.status().gaps().size());
    }

    @Test
    public void rowsPurgedAtTheOriginAreTakenFromAThirdServerThatStillHoldsThem() {
        threeServers();
        SyncTestNetwork.Node a = net.node("A");
        SyncTestNetwork.Node b = net.node("B");
        net.cut("A", "B");
        net.cut("B", "C");
        a.write(1000);
        net.await(() -> net.node("C").store.mark("A-origin") == 1000, CONVERGE, () -> "C holds A's rows");
        a.store.purge("A-origin", 600);
        // C first: were A (the origin, which purged them) B's only partner, the rule would record a gap
        net.mend("B", "C");
        net.await(() -> stateOf("B", "C") == State.IN_SYNC, CONVERGE, () -> "B in session with C");
        net.mend("A", "B");
        net.await(() -> b.store.held("A-origin") == 1000, CONVERGE, () -> "B holds all of A's rows, the purged ones from C");
        assertEquals(net.node("C").store.snapshot().get("A-origin"), b.store.snapshot().get("A-origin"));
        assertTrue("no gap: C still held them", b.replicator.status().gaps().isEmpty());
        a.write(10);
        net.await(() -> b.store.held("A-origin") == 1010, CONVERGE, () -> "new rows from A after that");
    }

    @Test
    public void noGapIsConcludedWhileTheOriginThatMayHoldTheRowsIsAway() {
        threeServers();
        SyncTestNetwork.Node a = net.node("A");
        SyncTestNetwork.Node b = net.node("B");
        SyncTestNetwork.Node c = net.node("C");
        net.cut("A", "B");
        net.cut("B", "C");
        a.write(1000);
        net.await(() -> c.store.mark("A-origin") == 1000, CONVERGE, () -> "C holds A's rows");
        net.cut("A", "C");
        c.store.purge("A-origin", 600);
        net.mend("B", "C");
        net.await(() -> !b.replicator.status().waiting().isEmpty(), CONVERGE, () -> "B says why A's rows wait");
        assertTrue(b.replicator.status().waiting().get(0), b.replicator.status().waiting().get(0)
                .startsWith("rows 1..600 of origin A-origin are held by no connected partner"));
        assertTrue(b.replicator.status().notes().toString(), b.replicator.status().notes().get(0).contains("A-origin"));
        assertTrue("no gap while A is away", b.replicator.status().gaps().isEmpty());
        assertEquals(0, b.store.mark("A-origin"));
        net.mend("A", "B");
        net.await(() -> b.store.held("A-origin") == 1000, CONVERGE, () -> "B takes every row from A, the origin");
        assertTrue(b.replicator.status().gaps().isEmpty());
    }

    @Test
    public void aSlowCatchUpShowsItsProgress() {
        twoServers(FAST.withWindow(100, 1), 4).start();
        SyncTestNetwork.Node a = net.node("A");
        SyncTestNetwork.Node b = net.node("B");
        net.await(() -> stateOf("A", "B") == State.IN_SYNC, CONVERGE, () -> "A and B in session");
        net.cut("A", "B");
        a.write(10_000);
        // each batch waits 10 ms each way: about 100 batches, two seconds of catching up
        net.direction("A", "B").delay(Duration.ofMillis(10));
        net.direction("B", "A").delay(Duration.ofMillis(10));
        net.mend("A", "B");
        List<String> seen = new ArrayList<>();
        net.await(() -> {
            PartnerSyncStatus p = a.replicator.status().partner("B");
            if (p.state() == State.CATCHING_UP && p.percent() > 0 && p.percent() < 100) {
                seen.add(p.text());
            }
            return !seen.isEmpty();
        }, CONVERGE, () -> "A shows B catching up with its progress");
        assertTrue(seen.get(0), seen.get(0).matches("catching up \\d+% \\([\\d,]+ rows to send, 0 to receive.*"));
        awaitConverged("the catch-up ends");
        net.await(() -> stateOf("A", "B") == State.IN_SYNC, CONVERGE, () -> "in sync after it");
        System.out.println("ReplicatorSyncTest progress seen: " + seen.get(0));
    }

    @Test
    public void theStatusSaysWhyRowsDoNotFlow() {
        net = new SyncTestNetwork(16);
        net.add("A", "A-origin", 1, FAST);
        net.add("B", "B-origin", 2, FAST);
        net.add("C", "C-origin", 1, Replicator.Settings.defaults(false).withTimes(Duration.ofMillis(100),
                Duration.ofMillis(200)));
        net.link("A", "B");
        net.link("A", "C");
        net.start();
        net.node("A").write(10);
        net.await(() -> stateOf("A", "B") == State.SCHEMA_DIFFERS && stateOf("A", "C") == State.OFF_ON_PARTNER,
                CONVERGE, () -> "A shows B's schema and C's DB sync off");
        PartnerSyncStatus b = net.node("A").replicator.status().partner("B");
        assertTrue(b.text(), b.text().startsWith("schema differs (here 1, partner 2)"));
        assertFalse(b.verified());
        assertFalse(net.node("A").replicator.status().partner("C").verified());
        assertEquals(State.OFF_HERE, stateOf("C", "A"));
        assertEquals("DB sync off here", net.node("C").replicator.status().partner("A").text());
        assertEquals(0, net.node("B").store.mark("A-origin"));
        assertEquals(0, net.node("C").store.mark("A-origin"));
    }

    /**
     * This SCADA's Enable DB Sync switched on and off on a running server: off, it applies none of
     * its partner's rows and says so on both sides; on, it catches up as after a reconnection; off
     * again, new rows stay with their origin (the partner's VECTORs go on), and on again they flow.
     */
    @Test
    public void enableDbSyncSwitchesOnAndOffWhileRunning() throws Exception {
        net = new SyncTestNetwork(16);
        net.add("A", "A-origin", FAST);
        net.add("B", "B-origin", Replicator.Settings.defaults(false).withTimes(Duration.ofMillis(100),
                Duration.ofMillis(200)));
        net.link("A", "B");
        net.start();
        SyncTestNetwork.Node a = net.node("A");
        SyncTestNetwork.Node b = net.node("B");
        a.write(500);
        net.await(() -> stateOf("A", "B") == State.OFF_ON_PARTNER && stateOf("B", "A") == State.OFF_HERE, CONVERGE,
                () -> "both show DB sync off on B");
        assertEquals(0, b.store.mark("A-origin"));

        b.replicator.enable(true);
        assertTrue(b.replicator.enabled());
        awaitConverged("B, switched on, catches up with A's 500 rows");
        net.await(() -> a.replicator.status().partner("B").text().startsWith("in sync (lag 0 rows"), CONVERGE,
                () -> "A shows B in sync");

        b.replicator.enable(false);
        net.await(() -> stateOf("A", "B") == State.OFF_ON_PARTNER, CONVERGE, () -> "A shows B switched off");
        java.util.concurrent.atomic.AtomicInteger sentByA = new java.util.concurrent.atomic.AtomicInteger();
        a.tap = m -> sentByA.incrementAndGet();
        a.write(300);
        // Ten more messages from A (its VECTORs every 100 ms go on): B applied none of the new rows.
        net.await(() -> sentByA.get() >= 10, CONVERGE, () -> "A goes on talking to B");
        assertEquals("nothing applied while switched off", 500, b.store.mark("A-origin"));
        assertEquals(State.OFF_HERE, stateOf("B", "A"));

        b.replicator.enable(true);
        awaitConverged("B, switched on again, gets the 300 rows written meanwhile");
        assertEquals(800, b.store.mark("A-origin"));
        assertEquals("every row applied as new exactly once", 800, b.store.newRows());
    }

    /**
     * Enable DB Sync switched off while batches are in flight and on again, three times during a
     * stream: the batches that arrive while off are not applied (and are accounted, so the sender
     * is not left waiting for them), and every row ends up on the backup exactly once.
     */
    @Test
    public void switchedOffAndOnMidStreamLosesAndDoublesNothing() throws Exception {
        twoServers(FAST.withWindow(500, 4), 8);
        net.direction("A", "B").delay(Duration.ofMillis(50)); // batches stay in flight for 50 ms
        net.start();
        SyncTestNetwork.Node a = net.node("A");
        SyncTestNetwork.Node b = net.node("B");
        int inFlightAtOff = 0;
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 10; i++) {
                a.write(1_000);
            }
            long before = b.store.mark("A-origin");
            net.await(() -> b.store.mark("A-origin") > before, CONVERGE, () -> "B applies rows of the stream");
            b.replicator.enable(false);
            inFlightAtOff += net.direction("A", "B").queued();
            net.await(() -> stateOf("A", "B") == State.OFF_ON_PARTNER && net.direction("A", "B").queued() == 0,
                    CONVERGE, () -> "A hears B is off, and what was in flight has arrived at B");
            b.replicator.enable(true);
        }
        assertTrue("messages were in flight when B switched off", inFlightAtOff > 0);
        awaitConverged("B holds A's 30,000 rows");
        assertEquals("every row applied as new exactly once", 30_000, b.store.newRows());
        net.await(() -> a.replicator.status().partner("B").text().startsWith("in sync (lag 0 rows"), CONVERGE,
                () -> "A shows B in sync");
    }
}

package scada.redundancy.dbsync.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameter;
import org.junit.runners.Parameterized.Parameters;

import scada.redundancy.history.HistoryException;
import scada.redundancy.history.Severity;

/** The local writer on H2 and on a real PostgreSQL server: group commit, order, back-pressure, outages. */
@RunWith(Parameterized.class)
public class LocalWriterTest {
    private static final long WAIT_S = 60;
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Parameters(name = "{0}")
    public static Collection<Object[]> backends() {
        return StoreTestDatabase.backends();
    }

    @Parameter
    public StoreTestDatabase.Backend backend;

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private StoreTestDatabase db;
    private JdbcStore store;
    private LocalWriter writer;
    /** What the writer told its listener, in order. */
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final AtomicLong committedHigh = new AtomicLong();
    /** The same, for a test to wait on. */
    private final BlockingQueue<String> news = new LinkedBlockingQueue<>();

    private final LocalWriter.Listener listener = new LocalWriter.Listener() {
        @Override
        public void committed(long highSeq) {
            committedHigh.set(highSeq);
        }

        @Override
        public void failing(String message, int rowsKept) {
            events.add("failing " + rowsKept + ": " + message);
            news.add("failing " + rowsKept + ": " + message);
        }

        @Override
        public void recovered(long highSeq) {
            events.add("recovered");
            news.add("recovered");
        }
    };

    @Before
    public void openStore() throws Exception {
        db = StoreTestDatabase.create(backend, folder.getRoot().toPath());
        store = JdbcStore.open(db.location(), "A");
    }

    @After
    public void closeStore() throws Exception {
        if (writer != null) {
            writer.close(Duration.ofSeconds(5));
        }
        if (store != null) {
            store.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private LocalWriter start(LocalWriter.Settings settings,
            java.util.function.Function<Long, CompletionStage<Void>> afterCommit) {
        writer = new LocalWriter(store, settings, listener, afterCommit);
        writer.start();
        return writer;
    }

    private static LocalWriter.Settings quickRetries(int capacity, int batch) {
        return new LocalWriter.Settings(capacity, batch, Duration.ofMillis(20), Duration.ofMillis(200));
    }

    /** Waits for the listener to be told something that starts with {@code prefix}; returns it. */
    private String awaitEvent(String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (true) {
            String event = news.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (event == null) {
                throw new AssertionError("the writer never reported '" + prefix + "...'; it reported " + events);
            }
            if (event.startsWith(prefix)) {
                return event;
            }
        }
    }

    private static void await(List<CompletableFuture<Void>> stages) throws Exception {
        CompletableFuture.allOf(stages.toArray(new CompletableFuture<?>[0])).get(WAIT_S, TimeUnit.SECONDS);
    }

    private List<Row> allRows() throws StoreException {
        return store.rowsAfter(store.origin(), 0, 1_000_000);
    }

    /** The rows are exactly seq 1..n, each once. */
    private static void assertContiguous(List<Row> rows, int n) {
        assertEquals(n, rows.size());
        for (int i = 0; i < n; i++) {
            assertEquals(i + 1, rows.get(i).seq());
        }
    }

    @Test
    public void rowsFromFourThreadsAreCommittedOnceInTheirOrder() throws Exception {
        start(LocalWriter.Settings.defaults(), null);
        int threads = 4;
        int perThread = 2_500;
        List<CompletableFuture<Void>> stages = new CopyOnWriteArrayList<>();
        List<Thread> producers = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        long started = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            String tag = "Producer" + t;
            Thread producer = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    stages.add(writer.tagValue(tag, T0.plusMillis(i), i, 0).toCompletableFuture());
                }
            }, "producer-" + t);
            producers.add(producer);
            producer.start();
        }
        go.countDown();
        for (Thread producer : producers) {
            producer.join(TimeUnit.SECONDS.toMillis(WAIT_S));
        }
        await(stages);
        double seconds = (System.nanoTime() - started) / 1e9;

        List<Row> rows = allRows();
        assertContiguous(rows, threads * perThread);
        Map<String, Integer> next = new HashMap<>();
        for (Row row : rows) {
            int expected = next.getOrDefault(row.name(), 0);
            assertEquals("the rows of " + row.name() + " in the order written", expected, (int) row.value());
            next.put(row.name(), expected + 1);
        }
        for (int t = 0; t < threads; t++) {
            assertEquals(perThread, (int) next.get("Producer" + t));
        }
        assertEquals(threads * perThread, committedHigh.get());
        assertEquals(List.of(), events);
        System.out.printf(Locale.ROOT, "LocalWriterTest[%s]: %,d rows from %d threads, each stage after its commit: "
                + "%.2f s, %,.0f rows/s%n", backend, threads * perThread, threads, seconds, threads * perThread / seconds);
    }

    @Test
    public void replicationAppliesOnItsOwnConnectionWhileTheWriterWrites() throws Exception {
        start(LocalWriter.Settings.defaults(), null);
        AtomicReference<Throwable> replicationFailed = new AtomicReference<>();
        Thread replication = new Thread(() -> {
            try {
                for (long from = 1; from <= 5_000; from += 250) {
                    List<Row> batch = new ArrayList<>();
                    for (long seq = from; seq < from + 250; seq++) {
                        batch.add(Row.log("B-1", seq, seq, Severity.INFO, "B", "row " + seq));
                    }
                    assertEquals(250, store.apply(batch));
                }
            } catch (Throwable e) {
                replicationFailed.set(e);
            } finally {
                store.releaseConnection();
            }
        }, "replication");
        replication.start();
        List<CompletableFuture<Void>> local = write(0, 5_000);
        replication.join(TimeUnit.SECONDS.toMillis(WAIT_S));
        await(local);

        assertNull(replicationFailed.get());
        assertContiguous(allRows(), 5_000);
        assertContiguous(store.rowsAfter("B-1", 0, 10_000), 5_000);
        assertEquals(Map.of(store.origin(), 5_000L, "B-1", 5_000L), store.highWaterMarks());
    }

    @Test
    public void aFullQueueRefusesAtOnceAndKeepsWhatItHolds() throws Exception {
        db.breakStore();
        start(quickRetries(10, 5), null);
        List<CompletableFuture<Void>> accepted = new ArrayList<>();
        accepted.add(writer.logEntry(T0, Severity.INFO, "test", "first").toCompletableFuture());
        awaitEvent("failing 1: ");
        // The first row is the batch being retried; ten more fill the queue.
        for (int i = 0; i < 10; i++) {
            accepted.add(writer.tagValue("T", T0.plusSeconds(i), i, 0).toCompletableFuture());
        }
        CompletableFuture<Void> refused = writer.tagValue("T", T0.plusSeconds(99), 99, 0).toCompletableFuture();

        assertTrue("refused at once", refused.isCompletedExceptionally());
        String why = cause(refused).getMessage();
        assertTrue(why, why.startsWith("the history store is 11 rows behind (cannot write history: "));
        assertTrue(why, why.endsWith("; this row was not recorded"));
        assertEquals(11, writer.backlog());
        for (CompletableFuture<Void> stage : accepted) {
            assertFalse(stage.isDone());
        }

        db.repair();
        await(accepted);
        List<Row> rows = allRows();
        assertContiguous(rows, 11);
        assertEquals("first", rows.get(0).text());
        assertTrue(rows.stream().noneMatch(r -> r.value() == 99));
    }

    @Test
    public void anOutageKeepsTheRowsAndWritesThemOnceWhenTheStoreWorksAgain() throws Exception {
        start(quickRetries(100_000, 100), null);
        List<CompletableFuture<Void>> before = write(0, 500);
        await(before);

        db.breakStore();
        List<CompletableFuture<Void>> during = write(500, 1_000);
        // Reported at each attempt (the waits double up to 200 ms), with every row still held.
        String report = awaitEvent("failing 1000: ");
        assertTrue(report, report.startsWith("failing 1000: cannot write history: "));
        assertTrue(report, report.endsWith("; the 1,000 rows queued are kept"));
        awaitEvent("failing 1000: ");
        assertTrue(writer.problem(), writer.problem().startsWith("cannot write history: "));
        assertTrue(during.stream().noneMatch(CompletableFuture::isDone));

        db.repair();
        await(during);
        assertEquals("recovered", events.get(events.size() - 1));
        assertNull(writer.problem());
        List<Row> rows = allRows();
        assertContiguous(rows, 1_500);
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(i, (int) rows.get(i).value());
        }
        assertEquals(0, writer.backlog());
    }

    private List<CompletableFuture<Void>> write(int from, int count) {
        List<CompletableFuture<Void>> stages = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            stages.add(writer.tagValue("Outage.T", T0.plusMillis(i), i, 0).toCompletableFuture());
        }
        return stages;
    }

    @Test
    public void invalidRowsAreRefusedWithTheReason() throws Exception {
        start(LocalWriter.Settings.defaults(), null);
        assertRefused(writer.tagValue("x".repeat(201), T0, 1, 0), "the tag name is 201 characters long, at most 200");
        assertRefused(writer.tagValue("", T0, 1, 0), "the tag name is empty");
        assertRefused(writer.tagValue("T\n1", T0, 1, 0), "holds the control character U+000A at 2");
        assertRefused(writer.tagValue("T", null, 1, 0), "the time is missing");
        assertRefused(writer.tagValue("T", Instant.MAX, 1, 0), "is outside what the store keeps");
        assertRefused(writer.tagValue("T", T0, 1, -1), "is not an OPC UA StatusCode");
        assertRefused(writer.logEntry(T0, Severity.INFO, "src", "a\u0000b"), "the log text holds the control character U+0000");
        assertRefused(writer.logEntry(T0, Severity.INFO, "src", "y".repeat(2001)), "2001 characters long, at most 2000");
        assertRefused(writer.logEntry(T0, null, "src", "text"), "the severity is missing");
        // NaN and a tab in a text are allowed.
        writer.tagValue("T", T0, Double.NaN, 0x80000000L).toCompletableFuture().get(WAIT_S, TimeUnit.SECONDS);
        writer.logEntry(T0, Severity.WARNING, "src", "a\tb").toCompletableFuture().get(WAIT_S, TimeUnit.SECONDS);
        assertContiguous(allRows(), 2);
    }

    private static void assertRefused(CompletionStage<Void> stage, String reason) {
        CompletableFuture<Void> f = stage.toCompletableFuture();
        assertTrue("refused at once", f.isCompletedExceptionally());
        String message = cause(f).getMessage();
        assertTrue(message, message.startsWith("history refused ") && message.contains(reason));
    }

    @Test
    public void synchronousModeCompletesAStageOnlyWhenTheAfterCommitStepDoes() throws Exception {
        CompletableFuture<Void> partners = new CompletableFuture<>();
        CompletableFuture<Long> firstAsked = new CompletableFuture<>();
        List<Long> asked = new CopyOnWriteArrayList<>();
        start(LocalWriter.Settings.defaults(), seq -> {
            asked.add(seq);
            firstAsked.complete(seq);
            return seq <= 1 ? partners : CompletableFuture.failedFuture(new TimeoutException("B did not confirm in 2 s"));
        });
        CompletableFuture<Void> first = writer.tagValue("T", T0, 1, 0).toCompletableFuture();
        // The writer asks once the row is committed; the stage still waits for the partners.
        assertEquals(1L, (long) firstAsked.get(WAIT_S, TimeUnit.SECONDS));
        assertEquals(1, store.copiesOf(store.origin(), 1));
        assertFalse(first.isDone());
        partners.complete(null);
        first.get(WAIT_S, TimeUnit.SECONDS);

        CompletableFuture<Void> second = writer.tagValue("T", T0, 2, 0).toCompletableFuture();
        ExecutionException e = org.junit.Assert.assertThrows(ExecutionException.class,
                () -> second.get(WAIT_S, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage(), e.getCause() instanceof HistoryException
                && e.getCause().getMessage().equals("the row is stored here (seq 2 to 2) but the partners did not "
                        + "confirm it: B did not confirm in 2 s"));
        assertEquals(List.of(1L, 2L), asked);
    }

    @Test
    public void closingFailsWhatCannotBeWritten() throws Exception {
        db.breakStore();
        start(quickRetries(100, 10), null);
        CompletableFuture<Void> stage = writer.tagValue("T", T0, 1, 0).toCompletableFuture();
        awaitEvent("failing 1: ");
        writer.close(Duration.ofSeconds(1));
        assertTrue(stage.isCompletedExceptionally());
        String message = cause(stage).getMessage();
        assertTrue(message, message.startsWith("the history writer stopped before the row was written (cannot write history: "));
        assertRefusedAfterClose(writer.tagValue("T", T0, 2, 0));
    }

    private static void assertRefusedAfterClose(CompletionStage<Void> stage) {
        CompletableFuture<Void> f = stage.toCompletableFuture();
        assertTrue(f.isCompletedExceptionally());
        assertTrue(cause(f).getMessage().startsWith("the history writer is stopped"));
    }

    private static Throwable cause(CompletableFuture<Void> f) {
        try {
            f.getNow(null);
            throw new AssertionError("the stage did not fail");
        } catch (java.util.concurrent.CompletionException e) {
            return e.getCause();
        }
    }
}

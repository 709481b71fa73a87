package scada.redundancy.dbsync.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.LongFunction;

import scada.redundancy.history.HistoryException;
import scada.redundancy.history.HistoryWriter;
import scada.redundancy.history.Severity;

/**
 * The {@link HistoryWriter} of this server: rows go into a bounded queue, and one writer thread
 * owns every local append (and its own connection of the {@link JdbcStore}).
 * <p>
 * <b>Group commit.</b> The writer takes everything queued, up to a batch, and appends it in one
 * transaction; each row's stage completes after that commit. Under load batches grow by
 * themselves, so one commit (one fsync) carries many rows.
 * <p>
 * <b>Nothing queued without bound.</b> When the queue is full the returned stage fails at once
 * ("the history store is N rows behind"): the caller decides to drop, retry or raise an alarm.
 * <p>
 * <b>When the store fails</b> (database down, disk full): the batch stays with the writer — not
 * lost, and not written twice, because the store recognises a retry of a batch that was in fact
 * committed ({@link JdbcStore#appendLocal}). The writer tries again after a wait that doubles from
 * {@link Settings#firstRetry} up to {@link Settings#longestRetry}, tells the {@link Listener} at
 * each failure (for the status and the health report), and carries on by itself when the store
 * works again. New rows keep queuing meanwhile, up to the bound.
 * <p>
 * <b>Synchronous mode.</b> An optional {@code afterCommit} step (replication's
 * "await replicated up to seq, with a timeout") runs after each commit with the batch's last seq;
 * the batch's stages complete when it does. Without it (asynchronous mode) a stage completes at the
 * local commit.
 * <p>
 * Stages complete, and the listener is called, on the writer thread: callbacks must be short
 * (or use the {@code *Async} variants of {@link CompletionStage}).
 */
public final class LocalWriter implements HistoryWriter, AutoCloseable {
    /** Rows that may wait for the store before new ones are refused. */
    public static final int DEFAULT_CAPACITY = 100_000;
    /** The most rows in one transaction. */
    public static final int DEFAULT_BATCH = 2_000;

    /**
     * @param capacity     rows that may wait (besides the batch being written)
     * @param batchSize    the most rows per transaction
     * @param firstRetry   the wait after the first failure
     * @param longestRetry the longest wait between attempts
     */
    public record Settings(int capacity, int batchSize, Duration firstRetry, Duration longestRetry) {
        public Settings {
            if (capacity < 1 || batchSize < 1) {
                throw new IllegalArgumentException("capacity " + capacity + " and batch size " + batchSize
                        + " must be at least 1");
            }
            if (firstRetry.isNegative() || firstRetry.isZero() || longestRetry.compareTo(firstRetry) < 0) {
                throw new IllegalArgumentException("retry waits from " + firstRetry + " to " + longestRetry);
            }
        }

        public static Settings defaults() {
            return new Settings(DEFAULT_CAPACITY, DEFAULT_BATCH, Duration.ofMillis(100), Duration.ofSeconds(5));
        }
    }

    /** What the writer tells the status, the health report and replication; called on the writer thread. */
    public interface Listener {
        /** Rows up to {@code highSeq} of this origin are committed: replication may stream them now. */
        default void committed(long highSeq) {
        }

        /** A write failed; {@code message} is a sentence for the status, the rows are kept. */
        default void failing(String message, int rowsKept) {
        }

        /** The store works again after failures. */
        default void recovered(long highSeq) {
        }
    }

    private record Pending(JdbcStore.NewRow row, CompletableFuture<Void> done) {
    }

    /** Wakes an idle writer at {@link #close}; never part of a batch. */
    private static final Pending WAKE = new Pending(null, null);
    private static final long IDLE_POLL_MS = 1000;

    private final JdbcStore store;
    private final Settings settings;
    private final Listener listener;
    private final Function<Long, CompletionStage<Void>> afterCommit;
    private final ArrayBlockingQueue<Pending> queue;
    private final Thread thread;
    /** Wakes the writer from a retry wait when it must stop. */
    private final ReentrantLock stopLock = new ReentrantLock();
    private final Condition stopSignal = stopLock.newCondition();

    private volatile boolean stopping;
    /** Set by the writer thread before it fails what is left in the queue: a row queued after that is failed by its caller. */
    private volatile boolean ended;
    private volatile long drainDeadlineNanos;
    /** The last failure while it lasts, for refusals and the status; null while the store works. */
    private volatile String problem;
    /** Rows in the batch being written; written by the writer thread only. */
    private volatile int inFlight;

    // Owned by the writer thread.
    private long committedHigh = -1;

    /**
     * @param afterCommit null in asynchronous mode; in synchronous mode, given the last seq
     *                    committed, a stage that completes when the partners have it
     */
    public LocalWriter(JdbcStore store, Settings settings, Listener listener,
            Function<Long, CompletionStage<Void>> afterCommit) {
        this.store = Objects.requireNonNull(store, "store");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.listener = listener == null ? new Listener() {
        } : listener;
        this.afterCommit = afterCommit;
        this.queue = new ArrayBlockingQueue<>(settings.capacity());
        this.thread = new Thread(this::run, "duplex-history-writer");
        this.thread.setDaemon(true);
    }

    /** Starts the writer thread. */
    public void start() {
        thread.start();
    }

    @Override
    public CompletionStage<Void> tagValue(String tag, Instant sourceTime, double value, long quality) {
        return enqueue("a tag value", sourceTime, micros -> JdbcStore.NewRow.tag(micros, tag, value, quality));
    }

    @Override
    public CompletionStage<Void> logEntry(Instant time, Severity severity, String source, String text) {
        if (severity == null) {
            return refused("a log entry", "the severity is missing");
        }
        return enqueue("a log entry", time, micros -> JdbcStore.NewRow.log(micros, severity, source, text));
    }

    /** Rows waiting, with the batch being written. */
    public int backlog() {
        return queue.size() + inFlight;
    }

    /** The current failure ("cannot write history: ..."), or null while the store works. */
    public String problem() {
        return problem;
    }

    private CompletionStage<Void> enqueue(String what, Instant time, LongFunction<JdbcStore.NewRow> rowAt) {
        long micros;
        try {
            micros = micros(time);
        } catch (IllegalArgumentException e) {
            return refused(what, e.getMessage());
        }
        JdbcStore.NewRow row = rowAt.apply(micros);
        String rule = StoreRowRules.problem(row.kind(), row.name(), row.text(), row.quality());
        if (rule != null) {
            return refused(what, rule);
        }
        if (stopping) {
            return CompletableFuture.failedFuture(new HistoryException("the history writer is stopped: the row was "
                    + "not recorded"));
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        Pending pending = new Pending(row, done);
        if (!queue.offer(pending)) {
            String cause = problem;
            return CompletableFuture.failedFuture(new HistoryException("the history store is " + count(backlog())
                    + " rows behind" + (cause == null ? " (it cannot keep up with the rows arriving)" : " (" + cause + ")")
                    + "; this row was not recorded"));
        }
        if (ended && queue.remove(pending)) {
            done.completeExceptionally(new HistoryException("the history writer is stopped: the row was not recorded"));
        }
        return done;
    }

    private static CompletionStage<Void> refused(String what, String why) {
        return CompletableFuture.failedFuture(new HistoryException("history refused " + what + ": " + why));
    }

    private static long micros(Instant time) {
        if (time == null) {
            throw new IllegalArgumentException("the time is missing");
        }
        try {
            return Math.addExact(Math.multiplyExact(time.getEpochSecond(), 1_000_000L), time.getNano() / 1000);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("the time " + time + " is outside what the store keeps (microseconds "
                    + "since 1970 in 64 bits)");
        }
    }

    // ---- the writer thread ----

    private void run() {
        List<Pending> batch = new ArrayList<>(settings.batchSize());
        long retryNanos = settings.firstRetry().toNanos();
        boolean failing = false;
        try {
            while (true) {
                if (batch.isEmpty()) {
                    if (stopping && (queue.isEmpty() || System.nanoTime() - drainDeadlineNanos > 0)) {
                        return;
                    }
                    Pending first = queue.poll(IDLE_POLL_MS, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, settings.batchSize() - 1);
                    batch.removeIf(p -> p == WAKE);
                    if (batch.isEmpty()) {
                        continue;
                    }
                    inFlight = batch.size();
                }
                String failure;
                try {
                    if (committedHigh < 0) {
                        committedHigh = store.highWaterMark(store.origin());
                    }
                    List<JdbcStore.NewRow> rows = new ArrayList<>(batch.size());
                    for (Pending p : batch) {
                        rows.add(p.row());
                    }
                    JdbcStore.Appended appended = store.appendLocal(committedHigh, rows);
                    committedHigh = appended.lastSeq();
                    List<Pending> written = batch;
                    batch = new ArrayList<>(settings.batchSize());
                    inFlight = 0;
                    retryNanos = settings.firstRetry().toNanos();
                    if (failing) {
                        failing = false;
                        problem = null;
                        listener.recovered(committedHigh);
                    }
                    listener.committed(committedHigh);
                    complete(written, appended);
                    continue;
                } catch (StoreException e) {
                    failure = e.getMessage();
                } catch (IllegalArgumentException e) {
                    // The rows were checked when queued, so this is a rule the database enforces and we do
                    // not: retrying cannot help. The batch's callers learn why; the next rows go on.
                    fail(batch, "history refused the row: " + e.getMessage());
                    batch.clear();
                    inFlight = 0;
                    continue;
                } catch (RuntimeException e) {
                    // e.g. IllegalStateException: another process writes this origin. Keep the rows and
                    // say so until someone looks: writing them after foreign rows could double them.
                    failure = "cannot write history: " + e.getMessage();
                }
                failing = true;
                int kept = batch.size() + queue.size();
                String message = failure + "; the " + count(kept) + " rows queued are kept";
                problem = message;
                listener.failing(message, kept);
                if (stopping) {
                    return; // no retries while stopping: the rest fail below with the reason
                }
                waitForRetry(retryNanos);
                retryNanos = Math.min(retryNanos * 2, settings.longestRetry().toNanos());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ended = true;
            String why = problem == null ? "" : " (" + problem + ")";
            fail(batch, "the history writer stopped before the row was written" + why);
            List<Pending> rest = new ArrayList<>();
            queue.drainTo(rest);
            fail(rest, "the history writer stopped before the row was written" + why);
            inFlight = 0;
            store.releaseConnection();
        }
    }

    private void complete(List<Pending> written, JdbcStore.Appended appended) {
        if (afterCommit == null) {
            for (Pending p : written) {
                p.done().complete(null);
            }
            return;
        }
        CompletionStage<Void> confirmed;
        try {
            confirmed = afterCommit.apply(appended.lastSeq());
        } catch (RuntimeException e) {
            confirmed = CompletableFuture.failedFuture(e);
        }
        confirmed.whenComplete((ok, error) -> {
            if (error == null) {
                for (Pending p : written) {
                    p.done().complete(null);
                }
            } else {
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                HistoryException e = new HistoryException("the row is stored here (seq " + appended.firstSeq() + " to "
                        + appended.lastSeq() + ") but the partners did not confirm it: " + cause.getMessage(), cause);
                for (Pending p : written) {
                    p.done().completeExceptionally(e);
                }
            }
        });
    }

    private static void fail(List<Pending> pending, String message) {
        HistoryException e = new HistoryException(message);
        for (Pending p : pending) {
            if (p != WAKE) {
                p.done().completeExceptionally(e);
            }
        }
    }

    private void waitForRetry(long nanos) throws InterruptedException {
        stopLock.lock();
        try {
            long left = nanos;
            while (left > 0 && !stopping) {
                left = stopSignal.awaitNanos(left);
            }
        } finally {
            stopLock.unlock();
        }
    }

    /**
     * Stops the writer: rows queued are still written for up to {@code drain} while the store
     * works; the rest fail with the reason. Returns when the writer thread has ended (or after
     * {@code drain} plus the longest transaction, when it has not).
     */
    public void close(Duration drain) throws InterruptedException {
        drainDeadlineNanos = System.nanoTime() + drain.toNanos();
        stopping = true;
        stopLock.lock();
        try {
            stopSignal.signalAll();
        } finally {
            stopLock.unlock();
        }
        queue.offer(WAKE);
        if (thread.getState() != Thread.State.NEW) {
            thread.join(drain.toMillis() + TimeUnit.SECONDS.toMillis(StoreLocation.SOCKET_TIMEOUT_S));
        } else {
            fail(new ArrayList<>(queue), "the history writer was never started");
            queue.clear();
        }
    }

    /** {@link #close(Duration)} with 10 seconds to write what is queued. */
    @Override
    public void close() {
        try {
            close(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}

package scada.redundancy.modbus.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import scada.redundancy.plant.Quality;
import scada.redundancy.project.Plc;
import scada.redundancy.project.Tag;

/**
 * One PLC connection and the one thread that owns it. The thread connects, polls the PLC's tags
 * at their periods, holds the connection idle, or closes it, as its {@link Mode} says; the mode
 * is the only state other threads change. Every blocking step is bounded (connect timeout, read
 * timeout, a wait on the mode), so a dead or silent PLC costs bad-quality values and a health
 * report, never a stuck thread: {@link #stop} ends it within the PLC's timeouts.
 */
final class PlcSession {
    /** What the session does with its PLC. */
    enum Mode {
        /** No connection (a backup in cold standby). */
        CLOSED,
        /** Connected, no request sent (a backup in warm standby): a takeover polls at once. */
        HOLD,
        /** Connected and polling (the primary). */
        POLL
    }

    /** What a session reports; called on its thread. */
    interface Events {
        /** A tag's new value ({@code value} null: keep the last value) and quality. */
        void update(Tag tag, Double value, long quality);

        /** The PLC's problem in a plain sentence, or null when it is fine again. */
        void problem(Plc plc, String problem);
    }

    static final long FIRST_RETRY_MS = 250;
    static final long LONGEST_RETRY_MS = 2000;
    /** How often a held (warm) connection is checked for having been closed by the PLC. */
    static final long HOLD_CHECK_MS = 1000;

    private final Plc plc;
    private final List<Tag> tags;
    private final List<ReadBlock> blocks;
    private final InetAddress source;
    private final Events events;
    private final Thread thread;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition modeChanged = lock.newCondition();
    /** Guarded by lock. */
    private Mode mode = Mode.CLOSED;
    /** Guarded by lock. */
    private boolean stopping;

    /** Written by the session's thread only; read by {@link #stop} to close it under a blocked read. */
    private volatile ModbusConnection connection;

    // The session thread's own state.
    private final long[] due;
    /** Per block: why the PLC refused its last read, or null. */
    private final String[] refusals;
    private boolean polling;
    private long retryMs = FIRST_RETRY_MS;
    private long retryAtNanos = System.nanoTime();
    private String problem;

    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong connects = new AtomicLong();

    PlcSession(Plc plc, List<Tag> tags, InetAddress source, Events events) {
        this.plc = plc;
        this.tags = List.copyOf(tags);
        this.blocks = ReadBlock.plan(tags);
        this.source = source;
        this.events = events;
        this.due = new long[blocks.size()];
        this.refusals = new String[blocks.size()];
        this.thread = new Thread(this::run, "duplex-plc-" + plc.name());
        thread.setDaemon(true);
    }

    PlcSession start() {
        thread.start();
        return this;
    }

    Plc plc() {
        return plc;
    }

    void setMode(Mode newMode) {
        lock.lock();
        try {
            mode = newMode;
            modeChanged.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Whether a connection is open now. */
    boolean isConnected() {
        return connection != null;
    }

    /** Requests sent so far (for tests and status). */
    long requests() {
        return requests.get();
    }

    /** Connections made so far. */
    long connects() {
        return connects.get();
    }

    /** Ends the thread: at once when it waits, within the PLC's timeouts when it talks. */
    boolean stop(Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            stopping = true;
            modeChanged.signalAll();
        } finally {
            lock.unlock();
        }
        ModbusConnection c = connection;
        if (c != null) {
            c.close(); // a read blocked on it ends now
        }
        thread.join(timeout.toMillis());
        return !thread.isAlive();
    }

    private void run() {
        try {
            for (Mode m; (m = currentMode()) != null;) {
                if (m != Mode.POLL && polling) {
                    polling = false;
                    // Nobody updates these values any more: say so (OPC UA's "last usable value").
                    for (Tag t : tags) {
                        events.update(t, null, Quality.UNCERTAIN_LAST_USABLE_VALUE);
                    }
                }
                if (m == Mode.CLOSED) {
                    disconnect();
                    report(null); // a backup in cold standby does not know, and does not claim to
                    awaitChange(Mode.CLOSED, Long.MAX_VALUE);
                    continue;
                }
                if (connection == null) {
                    long wait = retryAtNanos - System.nanoTime();
                    if (wait > 0) {
                        awaitChange(m, wait);
                    } else {
                        connect(m);
                    }
                    continue;
                }
                if (m == Mode.HOLD) {
                    if (awaitChange(Mode.HOLD, TimeUnit.MILLISECONDS.toNanos(HOLD_CHECK_MS)) == Mode.HOLD
                            && !connection.stillOpen(1)) {
                        fail(plc.describe() + " closed the idle connection", Quality.BAD_COMMUNICATION_ERROR, false);
                    }
                    continue;
                }
                poll();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            disconnect();
        }
    }

    /** The mode, or null once stopping. */
    private Mode currentMode() {
        lock.lock();
        try {
            return stopping ? null : mode;
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code nanos} while the mode stays {@code current}; returns the mode then (null: stopping). */
    private Mode awaitChange(Mode current, long nanos) throws InterruptedException {
        lock.lock();
        try {
            while (!stopping && mode == current && nanos > 0) {
                nanos = modeChanged.awaitNanos(nanos);
            }
            return stopping ? null : mode;
        } finally {
            lock.unlock();
        }
    }

    private void connect(Mode m) {
        try {
            connection = ModbusConnection.open(plc, source);
            connects.incrementAndGet();
            if (m == Mode.HOLD) {
                retryMs = FIRST_RETRY_MS;
                report(null); // all a warm backup asks of the PLC
            } // polling: fine again only once a read succeeds (a PLC may accept connections and never answer)
        } catch (IOException e) {
            fail(plc.describe() + " unreachable: " + plain(e), Quality.BAD_COMMUNICATION_ERROR, m == Mode.POLL);
        }
    }

    private void poll() throws InterruptedException {
        long now = System.nanoTime();
        if (!polling) {
            polling = true;
            java.util.Arrays.fill(due, now); // a takeover polls at once
        }
        int next = 0;
        for (int i = 1; i < due.length; i++) {
            if (due[i] - due[next] < 0) {
                next = i;
            }
        }
        if (due.length == 0) {
            awaitChange(Mode.POLL, Long.MAX_VALUE);
            return;
        }
        long wait = due[next] - now;
        if (wait > 0) {
            awaitChange(Mode.POLL, wait);
            return;
        }
        for (int i = 0; i < blocks.size(); i++) {
            if (due[i] - now > 0) {
                continue;
            }
            ReadBlock b = blocks.get(i);
            long period = TimeUnit.MILLISECONDS.toNanos(b.pollMs());
            due[i] += period;
            if (due[i] - now <= 0) {
                due[i] = now + period; // fell behind (a slow PLC): skip the missed cycles, no burst
            }
            try {
                requests.incrementAndGet();
                int[] words = connection.read(b.area(), b.offset(), b.count());
                for (Tag t : b.tags()) {
                    events.update(t, b.value(t, words), Quality.GOOD);
                }
                retryMs = FIRST_RETRY_MS;
                refusals[i] = null;
            } catch (ModbusConnection.RefusedException e) {
                for (Tag t : b.tags()) {
                    events.update(t, null, Quality.BAD_DEVICE_FAILURE);
                }
                refusals[i] = e.getMessage() + ": check the tags' addresses";
            } catch (ModbusConnection.NoAnswerException e) {
                fail(e.getMessage(), Quality.BAD_TIMEOUT, true);
                return;
            } catch (IOException e) {
                fail(plain(e), Quality.BAD_COMMUNICATION_ERROR, true);
                return;
            }
        }
        // The connection works: what is left to report is a block the PLC refuses, if any.
        String refused = null;
        for (String r : refusals) {
            refused = refused == null ? r : refused;
        }
        report(refused);
    }

    /** The connection failed: close it, mark the values if polling, report, retry later with backoff. */
    private void fail(String reason, long quality, boolean markValues) {
        disconnect();
        if (markValues) {
            for (Tag t : tags) {
                events.update(t, null, quality);
            }
        }
        report(reason);
        retryAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(retryMs);
        retryMs = Math.min(retryMs * 2, LONGEST_RETRY_MS);
    }

    private void report(String newProblem) {
        if (!java.util.Objects.equals(problem, newProblem)) {
            problem = newProblem;
            events.problem(plc, newProblem);
        }
    }

    private void disconnect() {
        ModbusConnection c = connection;
        if (c != null) {
            connection = null;
            c.close();
        }
    }

    private static String plain(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}

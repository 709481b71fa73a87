package scada.redundancy.dbsync.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import scada.redundancy.dbsync.internal.SyncMessage.Missing;
import scada.redundancy.dbsync.internal.SyncMessage.OriginState;
import scada.redundancy.dbsync.internal.SyncMessage.Rows;
import scada.redundancy.dbsync.internal.SyncMessage.Vector;
import scada.redundancy.dbsync.internal.SyncStatus.PartnerSyncStatus;
import scada.redundancy.dbsync.internal.SyncStatus.State;

/**
 * The DB sync engine of one server: keeps its {@link ReplicaStore} and its partners' stores
 * holding the same rows, by anti-entropy over origins (see {@link SyncMessage}).
 * <p>
 * <b>Threads.</b> One replicator thread owns every partner's send state ({@link PartnerSync}),
 * the choice of sources and the waiters of synchronous mode; it reads the store to send rows and
 * builds every VECTOR. ROWS are applied on the channel thread that delivers them
 * ({@link #received}): the link grants the sender more credit only as that returns, which is the
 * back-pressure. Inputs reach the replicator thread through coalescing signals (per-partner
 * latest VECTOR, a set of partners to look at, flags), never an unbounded queue. Calls into the
 * store are made one at a time (a lock), from either thread.
 * <p>
 * <b>Wiring.</b> Create, {@link #start()}; feed {@link #partners} from the redundancy status,
 * {@link #received}/{@link #writable} from the "dbsync" {@code ChannelListener}, and
 * {@link #localRowsCommitted()} from the store's writer; show {@link #status()} (also pushed to
 * the status consumer); {@link #close()} on deactivation.
 */
public final class Replicator implements AutoCloseable {
    /** How many gaps the status lists. */
    public static final int GAPS_SHOWN = 20;
    /**
     * Beyond this many rows missing one way or the other, DB sync with a partner shows "catching
     * up" with its progress (back to "in sync" below half of it): about a second of a busy plant's
     * rows, whatever the batch size.
     */
    static final long CATCH_UP_ROWS = 4_000;
    /** The most rows in one ROWS message by default: see {@link Settings#defaults}. */
    static final int CATCH_UP_BATCH_ROWS = 8_000;

    /**
     * How the engine behaves.
     *
     * @param enabled        DB sync is on here (off: VECTORs still tell partners so, no rows flow)
     * @param batchRows      the most rows in one ROWS message
     * @param batchBytes     the largest ROWS message
     * @param windowBatches  the most ROWS messages in flight to one partner before its acknowledgement
     * @param vectorInterval how often a VECTOR goes to every partner (keep-alive, retry)
     * @param retryDelay     how long to wait before sending again to a partner whose store failed, or
     *                       reading again after this store failed
     * @param maxWaiters     the most {@link #awaitReplicated} waits at a time
     */
    public record Settings(boolean enabled, int batchRows, int batchBytes, int windowBatches, Duration vectorInterval,
            Duration retryDelay, int maxWaiters) {
        public Settings {
            Objects.requireNonNull(vectorInterval, "vectorInterval");
            Objects.requireNonNull(retryDelay, "retryDelay");
            if (batchRows < 1 || batchRows > SyncMessageCodec.MAX_BATCH_ROWS) {
                throw new IllegalArgumentException("batchRows must be 1.." + SyncMessageCodec.MAX_BATCH_ROWS);
            }
            if (batchBytes < 16 * 1024 || batchBytes > SyncMessageCodec.MAX_MESSAGE_BYTES) {
                throw new IllegalArgumentException("batchBytes must be 16 KiB.." + SyncMessageCodec.MAX_MESSAGE_BYTES);
            }
            if (windowBatches < 1 || maxWaiters < 0) {
                throw new IllegalArgumentException("windowBatches must be at least 1 and maxWaiters at least 0");
            }
        }

        /**
         * 8,000 rows or 512 KiB a batch, 4 in flight, a VECTOR every second, 1 s retry, 10,000 waiters.
         * <p>
         * A batch is applied in one transaction, and each costs fixed work whatever its size: the
         * commit (H2 with WRITE_DELAY=0 writes out at each, PostgreSQL flushes its WAL), the mark's
         * lock and update, the backup's VECTOR that acknowledges it (a read of the marks) and the
         * sender's next read. Only a backlog fills a batch: a steady stream sends what is new, so the
         * size matters for a catch-up alone. {@code bench dbsync} (1,000,000 rows, PostgreSQL, the
         * same build, interleaved runs on a busy machine) caught up at 58% and 71% of the plain insert
         * with 2,000-row batches (the local writer's transactions), 94% to 119% with 6,000 and 113%
         * with up to 10,000 (cut by the 512 KiB bound); H2 applied 500-row batches at half the rate of 2,000-row ones. A batch of 8,000
         * short tag rows is about 400 KiB; longer rows stop at 512 KiB, and four of those stay well
         * inside a channel's 4 MiB receive window.
         */
        public static Settings defaults(boolean enabled) {
            return new Settings(enabled, CATCH_UP_BATCH_ROWS, 512 * 1024, 4, Duration.ofSeconds(1), Duration.ofSeconds(1),
                    10_000);
        }

        public Settings withWindow(int batchRows, int windowBatches) {
            return new Settings(enabled, batchRows, batchBytes, windowBatches, vectorInterval, retryDelay, maxWaiters);
        }

        public Settings withTimes(Duration vectorInterval, Duration retryDelay) {
            return new Settings(enabled, batchRows, batchBytes, windowBatches, vectorInterval, retryDelay, maxWaiters);
        }
    }

    /** Where messages go: {@code PartnerChannels.offer(partner, SyncMessage.CHANNEL, message)}. */
    @FunctionalInterface
    public interface Outbox {
        /** @return false when the partner is not connected or its queue is full ({@link #writable} follows) */
        boolean offer(String partnerSymbol, byte[] message);
    }

    private final ReplicaStore store;
    private final Settings settings;
    private final Outbox outbox;
    private final Consumer<String> log;
    private final Consumer<SyncStatus> statusChanged;
    private final String selfName;
    private final String myOrigin;
    private final int mySchema;
    /** This engine's session: a partner seeing a new one forgets what it had accounted of us. */
    private final long nonce;
    /** One call into the store at a time, from the channel thread or the replicator thread. */
    private final ReentrantLock storeLock = new ReentrantLock();

    // ---- inputs, written by other threads, read by the replicator thread
    private final Signal signal = new Signal();
    private final AtomicReference<Map<String, Boolean>> configured = new AtomicReference<>(Map.of());
    private final Map<String, Inbox> inboxes = new ConcurrentHashMap<>();
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Waiter> newWaiters = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waiterCount = new AtomicInteger();
    private final AtomicLong syncTimeouts = new AtomicLong();
    private final AtomicLong rowsApplied = new AtomicLong();
    private final AtomicReference<String> applyProblem = new AtomicReference<>("");
    private final AtomicReference<SyncStatus> status;

    // ---- the replicator thread's own state
    private final Map<String, PartnerSync> partners = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>((a, b) -> Long.compare(a.seq, b.seq));
    private Map<String, Long> myMarks = Map.of();
    private final Map<String, Long> lowestHeld = new HashMap<>();
    private long lowestHeldReadNanos;
    private Map<String, String> sources = Map.of();
    private List<String> waitingNotes = List.of();
    private List<Gap> gaps = List.of();
    private long gapsReadNanos;
    private String readProblem = "";
    private long readHoldUntilNanos;
    private long rowsSent;
    /** (seq of this store's own origin, when first seen) samples for the lag in seconds; bounded. */
    private final long[] ownSeqSeen = new long[256];
    private final long[] ownSeqSeenAt = new long[256];
    private int ownSeqCount;
    private int ownSeqHead;

    private final Thread thread;
    private volatile boolean closed;
    /**
     * DB sync on here (This SCADA's Enable DB Sync): set by {@link #enable} from any thread, read by
     * the replicator thread and by the channel thread that applies ROWS.
     */
    private volatile boolean enabled;
    /** {@link #enable} changed {@link #enabled}: the replicator thread tells every partner at once. */
    private volatile boolean enabledChanged;

    /**
     * @param store         the local store
     * @param settings      see {@link Settings}
     * @param outbox        sends to a partner on the DB sync channel
     * @param selfName      this server's Symbol, named in reasons sent to partners
     * @param log           one line per event worth logging
     * @param statusChanged told of every new status, on the replicator thread; must return at once
     */
    public Replicator(ReplicaStore store, Settings settings, Outbox outbox, String selfName, Consumer<String> log,
            Consumer<SyncStatus> statusChanged) {
        this.store = Objects.requireNonNull(store, "store");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.selfName = Objects.requireNonNull(selfName, "selfName");
        this.log = Objects.requireNonNull(log, "log");
        this.statusChanged = Objects.requireNonNull(statusChanged, "statusChanged");
        this.myOrigin = store.origin();
        this.mySchema = store.schemaVersion();
        long n;
        do {
            n = ThreadLocalRandom.current().nextLong();
        } while (n == 0);
        this.nonce = n;
        this.enabled = settings.enabled();
        this.status = new AtomicReference<>(new SyncStatus(myOrigin, mySchema, enabled, "", List.of(),
                List.of(), List.of(), 0, 0, 0, 0));
        this.thread = new Thread(this::run, "duplex-dbsync-replicator");
        this.thread.setDaemon(true);
    }

    /** Starts the replicator thread. */
    public void start() {
        thread.start();
    }

    /** Stops the replicator thread (waits up to 5 s for it); pending waits complete. */
    @Override
    public void close() {
        closed = true;
        signal.raise();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Waiter w;
        while ((w = newWaiters.poll()) != null) {
            w.future.completeAsync(() -> null);
        }
    }

    // ================================================================ inputs (any thread)

    /**
     * The configured partners (activated ones) and whether the redundancy link to each is up,
     * from the runtime's status; replaces the previous call's set.
     */
    public void partners(Map<String, Boolean> connectedBySymbol) {
        configured.set(Map.copyOf(connectedBySymbol));
        signal.raise();
    }

    /**
     * Switches DB sync on or off here while running (This SCADA's Enable DB Sync changed). Off: rows
     * received are no longer applied, none are sent or asked for, synchronous writes wait for no
     * partner, and the next VECTOR tells the partners so; the store and the marks stay. On again:
     * each partner's marks are compared anew and what either side lacks flows, as after a
     * reconnection. Idempotent.
     */
    public synchronized void enable(boolean on) {
        if (enabled != on) {
            enabled = on;
            enabledChanged = true;
            signal.raise();
        }
    }

    /** Whether DB sync is on here. */
    public boolean enabled() {
        return enabled;
    }

    /** The store's writer committed local rows: send them. */
    public void localRowsCommitted() {
        signal.raise();
    }

    /** The send queue to {@code partner} has room again ({@code ChannelListener.writable}). */
    public void writable(String partner) {
        inbox(partner).writable = true;
        wake(partner);
    }

    /**
     * A message from {@code partner} on the DB sync channel ({@code ChannelListener.received}).
     * Called by one channel thread at a time; applies ROWS here, so it returns only when they are
     * in the store. Never throws.
     */
    public void received(String partner, byte[] frame) {
        try {
            Inbox in = inbox(partner);
            synchronized (in) {
                receive(partner, in, frame);
            }
        } catch (RuntimeException e) {
            log.accept("DB sync: a message from " + partner + " could not be handled: " + e);
        }
    }

    /**
     * Completes when every connected DB-sync partner holds this store's own rows up to
     * {@code localSeq}, or at {@code timeout}: then it completes all the same and counts a sync
     * timeout, shown in the status. Synchronous mode must not stop a plant because a backup is
     * slow or gone; it bounds how long a write waits for confirmation. With no DB-sync partner
     * connected it completes at once. Beyond {@link Settings#maxWaiters()} waits it completes at
     * once and counts a timeout. Dependent actions run on the common pool, never on the replicator.
     */
    public CompletionStage<Void> awaitReplicated(long localSeq, Duration timeout) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (closed || waiterCount.incrementAndGet() > settings.maxWaiters()) {
            if (!closed) {
                waiterCount.decrementAndGet();
                syncTimeouts.incrementAndGet();
            }
            f.completeAsync(() -> null);
            return f;
        }
        newWaiters.add(new Waiter(localSeq, System.nanoTime() + timeout.toNanos(), f));
        signal.raise();
        return f;
    }

    /** The latest status. */
    public SyncStatus status() {
        return status.get();
    }

    /** This engine's store origin. */
    public String origin() {
        return myOrigin;
    }

    private Inbox inbox(String partner) {
        return inboxes.computeIfAbsent(partner.toLowerCase(java.util.Locale.ROOT), k -> new Inbox(partner));
    }

    // ================================================================ receiving (channel thread)

    /** What the channel thread hands the replicator about one partner; the latest of each kind wins. */
    private static final class Inbox {
        /** The partner's Symbol as the link first named it. */
        final String symbol;
        volatile Vector vector;
        final Map<String, Missing> missing = new ConcurrentHashMap<>();
        volatile boolean writable;
        volatile int otherFormat;
        /** The partner's engine nonce whose batches {@link #accounted} counts (channel thread writes). */
        volatile long senderNonce;
        volatile long accounted;
        volatile boolean answerDue;
        /** The channel thread's own copy of whether rows from this partner may be applied. */
        boolean compatible;
        int corruptLogged;

        Inbox(String symbol) {
            this.symbol = symbol;
        }
    }

    private void receive(String partner, Inbox in, byte[] frame) {
        SyncMessage m;
        try {
            m = SyncMessageCodec.decode(frame);
        } catch (SyncMessageException e) {
            if (e.otherFormat() != 0) {
                in.otherFormat = e.otherFormat();
            }
            if (in.corruptLogged++ < 10) {
                log.accept("DB sync: a message from " + partner + " was not applied: " + e.getMessage()
                        + "; asking it to resend from this store's marks" + (in.corruptLogged == 10
                                ? " (further ones from it are not logged)" : ""));
            }
            in.answerDue = true;
            wake(partner);
            return;
        }
        in.otherFormat = 0;
        if (m instanceof Vector v) {
            in.compatible = v.enabled() && v.schemaVersion() == mySchema;
            if (v.nonce() != in.senderNonce) {
                in.senderNonce = v.nonce();
                in.accounted = 0;
                in.answerDue = true;
            }
            if (v.sentBatches() > in.accounted) {
                // the channel is in order: every batch it sent before this VECTOR has arrived or never will
                in.accounted = v.sentBatches();
                in.answerDue = true;
            }
            in.vector = v;
            wake(partner);
        } else if (m instanceof Rows r) {
            if (r.nonce() != in.senderNonce) {
                in.senderNonce = r.nonce();
                in.accounted = 0;
            }
            applyRows(partner, in, r);
            in.accounted = Math.max(in.accounted, r.batchNo());
            in.answerDue = true;
            wake(partner);
        } else if (m instanceof Missing miss) {
            if (in.missing.size() < SyncMessageCodec.MAX_ORIGINS || in.missing.containsKey(miss.origin())) {
                in.missing.put(miss.origin(), miss);
            }
            wake(partner);
        }
    }

    private void applyRows(String partner, Inbox in, Rows r) {
        if (!enabled || !in.compatible) {
            return;
        }
        if (r.origin().equals(myOrigin)) {
            log.accept("DB sync: " + partner + " sent rows " + r.firstSeq() + ".." + r.lastSeq()
                    + " of this store's own origin " + myOrigin + "; not applied (was this store restored from an "
                    + "older copy? then give it a new origin by creating it afresh)");
            return;
        }
        storeLock.lock();
        try {
            int added = store.apply(r.rows());
            rowsApplied.addAndGet(added);
            applyProblem.set("");
        } catch (IllegalArgumentException e) {
            // starts above this store's mark + 1: an earlier batch was lost; the VECTOR asks for it again
        } catch (StoreException e) {
            rowsApplied.addAndGet(e.rowsApplied());
            if (applyProblem.getAndSet(e.getMessage()).isEmpty()) {
                log.accept("DB sync: rows " + r.firstSeq() + ".." + r.lastSeq() + " of origin " + r.origin() + " from "
                        + partner + " were not applied: " + e.getMessage() + "; they will be sent again");
            }
        } finally {
            storeLock.unlock();
        }
    }

    private void wake(String partner) {
        dirty.add(partner.toLowerCase(java.util.Locale.ROOT));
        signal.raise();
    }

    // ================================================================ the replicator thread

    private void run() {
        long nextTick = System.nanoTime();
        while (!closed) {
            long now = System.nanoTime();
            boolean tick = now - nextTick >= 0;
            if (tick) {
                nextTick = now + settings.vectorInterval().toNanos();
            }
            try {
                round(tick, now);
            } catch (RuntimeException e) {
                log.accept("DB sync: the replicator failed a round and carries on: " + e);
            }
            long waitNanos = Math.max(0, nextTick - System.nanoTime());
            Waiter first = waiters.peek();
            if (first != null) {
                waitNanos = Math.min(waitNanos, Math.max(0, earliestDeadline() - System.nanoTime()));
            }
            signal.await(waitNanos);
        }
        for (Waiter w : waiters) {
            w.future.completeAsync(() -> null);
        }
    }

    private long earliestDeadline() {
        long d = Long.MAX_VALUE;
        for (Waiter w : waiters) {
            d = Math.min(d, w.deadlineNanos);
        }
        return d;
    }

    private void round(boolean tick, long now) {
        followPartners();
        if (enabledChanged) {
            enabledChanged = false;
            for (PartnerSync p : partners.values()) {
                p.vectorDue = true; // the partners learn it now, not at the next tick
            }
        }
        Set<String> look = new java.util.HashSet<>(dirty);
        dirty.removeAll(look);
        for (String key : look) {
            PartnerSync p = partnerFor(key);
            Inbox in = inboxes.get(key);
            if (p == null || in == null) {
                continue;
            }
            takeInbox(p, in, now);
        }
        for (PartnerSync p : partners.values()) {
            // read each partner's accounting before the marks: the marks then cover every batch it counts
            Inbox in = inboxes.get(key(p));
            p.echoNonce = in == null ? 0 : in.senderNonce;
            p.echoAccounted = in == null ? 0 : in.accounted;
        }
        readMarks(tick, now);
        chooseSources(now);
        for (PartnerSync p : partners.values()) {
            if (!p.connected) {
                continue;
            }
            if (tick) {
                p.vectorDue = true;
            }
            if (p.vectorDue) {
                sendVector(p);
            }
            pump(p, now, tick);
        }
        settleWaiters(now);
        publishStatus(now, tick);
    }

    private PartnerSync partnerFor(String key) {
        PartnerSync p = partners.get(key);
        Inbox in = inboxes.get(key);
        if (p == null && in != null) {
            // a message before the status said the link is up: remember it for when it does
            p = new PartnerSync(in.symbol);
            partners.put(in.symbol, p);
        }
        return p;
    }

    /** Brings the partner set in line with the runtime's view of the links. */
    private void followPartners() {
        Map<String, Boolean> cfg = configured.get();
        for (Map.Entry<String, Boolean> e : cfg.entrySet()) {
            PartnerSync p = partners.computeIfAbsent(e.getKey(), PartnerSync::new);
            boolean up = e.getValue();
            if (p.connected && !up) {
                p.linkDown();
                Inbox in = inboxes.get(key(p));
                if (in != null) {
                    in.vector = null;
                }
            } else if (!p.connected && up) {
                p.vectorDue = true;
                p.blocked = false;
            }
            p.connected = up;
        }
        for (PartnerSync p : partners.values()) {
            if (p.connected && !containsIgnoreCase(cfg, p.symbol)) {
                // no longer configured: nothing more goes to it
                p.linkDown();
                p.connected = false;
            }
        }
        partners.keySet().removeIf(k -> !containsIgnoreCase(cfg, k) && !inboxes.containsKey(k.toLowerCase(java.util.Locale.ROOT)));
    }

    private static boolean containsIgnoreCase(Map<String, Boolean> cfg, String k) {
        for (String s : cfg.keySet()) {
            if (s.equalsIgnoreCase(k)) {
                return true;
            }
        }
        return false;
    }

    private static String key(PartnerSync p) {
        return p.symbol.toLowerCase(java.util.Locale.ROOT);
    }

    private void takeInbox(PartnerSync p, Inbox in, long now) {
        if (in.writable) {
            in.writable = false;
            p.blocked = false;
        }
        p.otherFormat = in.otherFormat;
        if (in.answerDue) {
            in.answerDue = false;
            p.vectorDue = true;
        }
        Vector v = in.vector;
        if (v != null && (p.vector != v)) {
            boolean rewound = p.vectorReceived(v, nonce, now);
            if (rewound && !v.problem().isEmpty()) {
                p.holdUntilNanos = now + settings.retryDelay().toNanos();
            }
        }
        for (Map.Entry<String, Missing> e : in.missing.entrySet()) {
            if (in.missing.remove(e.getKey(), e.getValue())) {
                p.lacks.put(e.getKey(), e.getValue());
            }
        }
    }

    private void readMarks(boolean tick, long now) {
        if (now - readHoldUntilNanos < 0) {
            return;
        }
        storeLock.lock();
        try {
            myMarks = Map.copyOf(store.highWaterMarks());
            boolean refreshLows = tick && now - lowestHeldReadNanos > 10 * settings.vectorInterval().toNanos();
            for (Map.Entry<String, Long> e : myMarks.entrySet()) {
                String o = e.getKey();
                Long low = lowestHeld.get(o);
                // a cached 0 ("holds none") must never outlive the first row: partners would take it
                // as "purged them all" and could record a gap of rows this store holds
                if (refreshLows || low == null || (low == 0 && e.getValue() > 0)) {
                    lowestHeld.put(o, store.lowestHeld(o));
                }
            }
            if (refreshLows) {
                lowestHeldReadNanos = now;
            }
            if (gapsReadNanos == 0 || (tick && now - gapsReadNanos > 10 * settings.vectorInterval().toNanos())) {
                gaps = List.copyOf(store.gaps(GAPS_SHOWN));
                gapsReadNanos = now;
            }
            if (!readProblem.isEmpty()) {
                log.accept("DB sync: the store answers again");
            }
            readProblem = "";
        } catch (StoreException e) {
            storeFailed(e, now);
        } finally {
            storeLock.unlock();
        }
        noteOwnSeq(myMarks.getOrDefault(myOrigin, 0L), now);
    }

    private void storeFailed(StoreException e, long now) {
        if (readProblem.isEmpty()) {
            log.accept("DB sync: the store failed: " + e.getMessage() + "; trying again in "
                    + settings.retryDelay().toMillis() + " ms");
        }
        readProblem = e.getMessage();
        readHoldUntilNanos = now + settings.retryDelay().toNanos();
    }

    /** Partners that can exchange rows with this store now. */
    private List<PartnerSync> peers() {
        List<PartnerSync> list = new ArrayList<>();
        for (PartnerSync p : partners.values()) {
            if (p.inSession() && compatible(p)) {
                list.add(p);
            }
        }
        return list;
    }

    private boolean compatible(PartnerSync p) {
        return enabled && p.vector != null && p.vector.enabled() && p.vector.schemaVersion() == mySchema;
    }

    private void chooseSources(long now) {
        if (!enabled || !readProblem.isEmpty()) {
            return;
        }
        List<PartnerSync> peers = peers();
        boolean everyHeard = true;
        for (Map.Entry<String, Boolean> e : configured.get().entrySet()) {
            PartnerSync p = partners.get(e.getKey());
            everyHeard &= p != null && p.inSession();
        }
        SyncSources.Choice c = SyncSources.choose(myOrigin, myMarks, peers, everyHeard, sources, now / 1000);
        waitingNotes = c.waiting();
        if (!c.gaps().isEmpty()) {
            recordGaps(c.gaps(), now);
            return;
        }
        if (!c.sourceByOrigin().equals(sources)) {
            sources = c.sourceByOrigin();
            for (PartnerSync p : partners.values()) {
                p.vectorDue = true;
            }
        }
    }

    private void recordGaps(List<Gap> found, long now) {
        storeLock.lock();
        try {
            for (Gap g : found) {
                long fromTime = -1;
                if (g.fromSeq() > 1) {
                    List<Row> before = store.rowsAfter(g.origin(), g.fromSeq() - 2, 1);
                    if (!before.isEmpty() && before.get(0).seq() == g.fromSeq() - 1) {
                        fromTime = before.get(0).timeMicros();
                    }
                }
                Gap gap = new Gap(g.origin(), g.fromSeq(), g.toSeq(), fromTime, g.toTimeMicros(), g.reason(),
                        System.currentTimeMillis() * 1000);
                store.recordGap(gap);
                log.accept("DB sync: recorded a gap of " + gap.rows() + " rows: " + gap.reason());
            }
            gaps = List.copyOf(store.gaps(GAPS_SHOWN));
            gapsReadNanos = now;
            myMarks = Map.copyOf(store.highWaterMarks());
        } catch (StoreException e) {
            storeFailed(e, now);
        } finally {
            storeLock.unlock();
        }
    }

    private void sendVector(PartnerSync p) {
        Map<String, Long> marks = myMarks;
        List<OriginState> entries = new ArrayList<>();
        java.util.TreeSet<String> names = new java.util.TreeSet<>(marks.keySet());
        names.addAll(sources.keySet());
        for (String o : names) {
            if (entries.size() == SyncMessageCodec.MAX_ORIGINS) {
                break;
            }
            entries.add(new OriginState(o, marks.getOrDefault(o, 0L), lowestHeld.getOrDefault(o, 0L),
                    enabled ? sources.getOrDefault(o, "") : ""));
        }
        String problem = !readProblem.isEmpty() ? readProblem : applyProblem.get();
        Vector v = new Vector(mySchema, myOrigin, enabled, nonce, p.sentBatches, p.echoNonce,
                p.echoAccounted, problem, entries);
        if (offer(p, SyncMessageCodec.encode(v))) {
            p.vectorDue = false;
        }
    }

    private boolean offer(PartnerSync p, byte[] message) {
        try {
            if (outbox.offer(p.symbol, message)) {
                p.blocked = false;
                return true;
            }
        } catch (RuntimeException e) {
            log.accept("DB sync: sending to " + p.symbol + " failed: " + e);
        }
        p.blocked = true;
        return false;
    }

    /** Sends the partner the rows it wants from this store, up to the window. */
    private void pump(PartnerSync p, long now, boolean tick) {
        if (!compatible(p) || !p.inSession() || p.blocked || now - p.holdUntilNanos < 0
                || now - readHoldUntilNanos < 0) {
            return;
        }
        java.util.LinkedHashSet<String> asked = new java.util.LinkedHashSet<>();
        for (OriginState o : p.vector.origins()) {
            if (o.source().equals(myOrigin) && !o.origin().equals(p.vector.origin())) {
                asked.add(o.origin());
            }
        }
        List<String> wanted = new ArrayList<>(asked);
        if (wanted.isEmpty()) {
            return;
        }
        Set<String> exhausted = new java.util.HashSet<>();
        while (p.inFlight.size() < settings.windowBatches() && exhausted.size() < wanted.size() && !p.blocked) {
            String origin = wanted.get(Math.floorMod(p.nextOrigin++, wanted.size()));
            if (exhausted.contains(origin)) {
                continue;
            }
            long from = p.sendFrom(origin);
            long mine = myMarks.getOrDefault(origin, 0L);
            if (mine <= from) {
                exhausted.add(origin);
                continue;
            }
            List<Row> rows;
            storeLock.lock();
            try {
                rows = store.rowsAfter(origin, from, settings.batchRows());
            } catch (StoreException e) {
                storeFailed(e, now);
                return;
            } finally {
                storeLock.unlock();
            }
            if (rows.isEmpty() || rows.get(0).seq() != from + 1) {
                long to = rows.isEmpty() ? mine : rows.get(0).seq() - 1;
                sendMissing(p, origin, from + 1, to, now, tick);
                exhausted.add(origin);
                continue;
            }
            int n = 1;
            while (n < rows.size() && rows.get(n).seq() == from + 1 + n) {
                n++;
            }
            SyncMessageCodec.EncodedRows e;
            try {
                e = SyncMessageCodec.encodeRows(nonce, p.sentBatches + 1, rows.subList(0, n), settings.batchRows(),
                        settings.batchBytes());
            } catch (IllegalArgumentException bad) {
                storeFailed(new StoreException("row " + origin + "/" + (from + 1) + " cannot be sent: "
                        + bad.getMessage()), now);
                return;
            }
            if (!offer(p, e.bytes())) {
                return;
            }
            p.sentBatches++;
            p.inFlight.addLast(new PartnerSync.Batch(p.sentBatches, origin, e.lastSeq()));
            p.sentUpTo.put(origin, e.lastSeq());
            rowsSent += e.rowCount();
        }
    }

    private void sendMissing(PartnerSync p, String origin, long from, long to, long now, boolean tick) {
        long[] last = p.missingSent.get(origin);
        if (last != null && last[0] == from && !tick) {
            return;
        }
        storeLock.lock();
        try {
            lowestHeld.put(origin, store.lowestHeld(origin));
        } catch (StoreException e) {
            storeFailed(e, now);
            return;
        } finally {
            storeLock.unlock();
        }
        String reason = selfName + " no longer holds rows " + from + ".." + to + " (purged by retention, or recorded "
                + "there as a gap)";
        if (offer(p, SyncMessageCodec.encode(new Missing(origin, from, to, reason)))) {
            p.missingSent.put(origin, new long[] { from, now });
            p.vectorDue = true;
        }
    }

    // ================================================================ synchronous mode

    private record Waiter(long seq, long deadlineNanos, CompletableFuture<Void> future) {
    }

    private void settleWaiters(long now) {
        Waiter w;
        while ((w = newWaiters.poll()) != null) {
            waiters.add(w);
        }
        if (waiters.isEmpty()) {
            return;
        }
        long confirmed = Long.MAX_VALUE;
        for (PartnerSync p : peers()) {
            confirmed = Math.min(confirmed, p.mark(myOrigin));
        }
        while (!waiters.isEmpty() && waiters.peek().seq <= confirmed) {
            finish(waiters.poll(), false);
        }
        for (java.util.Iterator<Waiter> it = waiters.iterator(); it.hasNext();) {
            Waiter x = it.next();
            if (now - x.deadlineNanos >= 0) {
                it.remove();
                finish(x, true);
            }
        }
    }

    private void finish(Waiter w, boolean timedOut) {
        waiterCount.decrementAndGet();
        if (timedOut) {
            syncTimeouts.incrementAndGet();
        }
        w.future.completeAsync(() -> null);
    }

    // ================================================================ status

    private void noteOwnSeq(long seq, long now) {
        int last = (ownSeqHead + ownSeqCount - 1) % ownSeqSeen.length;
        if (ownSeqCount > 0 && ownSeqSeen[last] >= seq) {
            return;
        }
        if (ownSeqCount == ownSeqSeen.length) {
            ownSeqHead = (ownSeqHead + 1) % ownSeqSeen.length;
            ownSeqCount--;
        }
        int at = (ownSeqHead + ownSeqCount) % ownSeqSeen.length;
        ownSeqSeen[at] = seq;
        ownSeqSeenAt[at] = now;
        ownSeqCount++;
    }

    /** Seconds since the first row of this store's own origin above {@code partnerMark} was seen here. */
    private double lagSeconds(long partnerMark, long now) {
        for (int i = 0; i < ownSeqCount; i++) {
            int at = (ownSeqHead + i) % ownSeqSeen.length;
            if (ownSeqSeen[at] > partnerMark) {
                return (now - ownSeqSeenAt[at]) / 1e9;
            }
        }
        return 0;
    }

    private long lastPublishNanos;

    /** Builds the status on every tick and, between ticks, at most every 200 ms: acknowledgements come fast. */
    private void publishStatus(long now, boolean tick) {
        if (!tick && now - lastPublishNanos < TimeUnit.MILLISECONDS.toNanos(200)) {
            return;
        }
        lastPublishNanos = now;
        Map<String, Boolean> cfg = configured.get();
        List<PartnerSyncStatus> list = new ArrayList<>();
        Map<String, PartnerSync> shown = new LinkedHashMap<>();
        for (String symbol : new java.util.TreeSet<>(cfg.keySet())) {
            PartnerSync p = partners.get(symbol);
            shown.put(symbol, p != null ? p : new PartnerSync(symbol));
        }
        for (Map.Entry<String, PartnerSync> e : shown.entrySet()) {
            list.add(partnerStatus(e.getKey(), e.getValue(), now));
        }
        String problem = !readProblem.isEmpty() ? readProblem : applyProblem.get();
        long held = 0;
        for (long mark : myMarks.values()) {
            held += mark;
        }
        for (Gap g : gaps) {
            held -= g.rows();
        }
        SyncStatus s = new SyncStatus(myOrigin, mySchema, enabled, problem, list, gaps, waitingNotes,
                syncTimeouts.get(), rowsSent, rowsApplied.get(), Math.max(0, held));
        SyncStatus before = status.getAndSet(s);
        if (!s.equals(before)) {
            try {
                statusChanged.accept(s);
            } catch (RuntimeException ex) {
                log.accept("DB sync: the status consumer failed: " + ex);
            }
        }
    }

    private PartnerSyncStatus partnerStatus(String symbol, PartnerSync p, long now) {
        Vector v = p.vector;
        int schema = v == null ? -1 : v.schemaVersion();
        String porigin = v == null ? "" : v.origin();
        boolean verified = enabled && v != null && v.enabled() && schema == mySchema;
        long backlog = 0;
        long behind = 0;
        long agreed = 0;
        if (!p.origins.isEmpty()) {
            for (Map.Entry<String, Long> e : myMarks.entrySet()) {
                backlog += Math.max(0, e.getValue() - p.mark(e.getKey()));
            }
            for (OriginState o : p.origins.values()) {
                long mine = myMarks.getOrDefault(o.origin(), 0L);
                behind += Math.max(0, o.mark() - mine);
                agreed += Math.min(o.mark(), mine);
            }
        }
        double lag = v == null ? 0 : lagSeconds(p.mark(myOrigin), now);
        State state;
        String problem = "";
        int percent = 100;
        long eta = -1;
        if (!enabled) {
            state = State.OFF_HERE;
        } else if (!p.connected) {
            state = State.NOT_CONNECTED;
            p.catchingUp = false;
        } else if (p.otherFormat != 0) {
            state = State.FORMAT_DIFFERS;
            problem = "format differs (here " + SyncMessageCodec.FORMAT + ", partner " + p.otherFormat
                    + "): install the same version on both servers";
        } else if (v == null || now - p.lastHeardNanos > 5 * settings.vectorInterval().toNanos()) {
            // never answered, or silent for five VECTOR intervals: its DB sync is not (or no longer) there
            state = State.CONNECTING;
        } else if (!v.enabled()) {
            state = State.OFF_ON_PARTNER;
        } else if (schema != mySchema) {
            state = State.SCHEMA_DIFFERS;
            problem = "schema differs (here " + mySchema + ", partner " + schema + "): upgrade the older server";
        } else if (!readProblem.isEmpty() || !applyProblem.get().isEmpty()) {
            state = State.ERROR;
            problem = "this store: " + (!readProblem.isEmpty() ? readProblem : applyProblem.get());
        } else if (!v.problem().isEmpty()) {
            state = State.ERROR;
            problem = "the partner's store: " + v.problem();
        } else {
            long missing = backlog + behind;
            long threshold = CATCH_UP_ROWS;
            if (!p.catchingUp && missing > threshold) {
                p.catchingUp = true;
                p.catchUpStartNanos = now;
                p.agreedAtStart = agreed;
            } else if (p.catchingUp && missing <= threshold / 2) {
                p.catchingUp = false;
            }
            if (p.catchingUp) {
                state = State.CATCHING_UP;
                long done = Math.max(0, agreed - p.agreedAtStart);
                percent = (int) Math.min(99, done * 100 / Math.max(1, done + missing));
                double secs = (now - p.catchUpStartNanos) / 1e9;
                if (done > 0 && secs > 1) {
                    eta = (long) Math.ceil(missing / (done / secs));
                }
            } else {
                state = State.IN_SYNC;
            }
        }
        return new PartnerSyncStatus(symbol, state, verified, schema, porigin, backlog, behind,
                Math.round(lag * 10) / 10.0, percent, eta, problem);
    }

    // ================================================================ the signal

    /** A coalescing wake-up: any number of raises before the wait make one. */
    private static final class Signal {
        private boolean raised;

        synchronized void raise() {
            raised = true;
            notifyAll();
        }

        synchronized void await(long nanos) {
            long end = System.nanoTime() + nanos;
            while (!raised) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            raised = false;
        }
    }
}

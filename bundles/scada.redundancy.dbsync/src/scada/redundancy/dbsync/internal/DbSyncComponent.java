package scada.redundancy.dbsync.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import scada.redundancy.history.HistoryException;
import scada.redundancy.history.HistoryWriter;
import scada.redundancy.history.Severity;
import scada.redundancy.model.LocalServer;
import scada.redundancy.model.Partner;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.runtime.ChannelListener;
import scada.redundancy.runtime.HealthReporter;
import scada.redundancy.runtime.PartnerChannels;
import scada.redundancy.runtime.PartnerStatus;
import scada.redundancy.runtime.RedundancyService;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.Role;
import scada.redundancy.runtime.StatusContribution;
import scada.redundancy.runtime.StatusListener;

/**
 * DB sync on a runtime server, plugged into the redundancy runtime through its services only:
 * the history store ({@link JdbcStore}, where This SCADA's Database column says), the
 * {@link HistoryWriter} service that the plant's drivers, alarms and audit write through
 * ({@link LocalWriter}), replication over the link's "dbsync" channel ({@link Replicator}), the
 * Database columns and notes of the status (this component is the {@link StatusContribution}
 * "db-sync"), and a health report while the store cannot be written or replicated into (weighted
 * by the role: see the two weights).
 * <p>
 * It shares the server's Config Admin PID (so it exists exactly while the server is configured)
 * and reads from it {@code data} (the data directory: the H2 file and the password file live
 * there), {@code dbsync.mode} ({@code async}, the default, or {@code sync}) and
 * {@code dbsync.syncTimeoutMs} (how long a synchronous write waits for the partners, default
 * 2,000 ms). Whether DB sync is on, and which database, come from the configuration in force
 * (This SCADA's Enable DB Sync and Database), read again on every status change.
 * <p>
 * <b>Threads.</b> The store is opened, and the writer and the replicator started, on this
 * component's own thread ("duplex-dbsync"), which retries while the database cannot be reached
 * and refreshes the status once a second; activation never waits for a database. Until the store
 * is open, writes are refused at once with the reason (the caller keeps the row), never queued
 * without bound. The Database column changed in a live configuration takes effect at the next
 * start of the server: the status note says so.
 */
@Component(configurationPid = "scada.redundancy.server", configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = { HistoryWriter.class, ChannelListener.class, StatusListener.class, StatusContribution.class },
        property = ChannelListener.CHANNEL_PROPERTY + "=" + SyncMessage.CHANNEL, immediate = true)
public final class DbSyncComponent extends StatusContribution implements HistoryWriter, ChannelListener, StatusListener {
    /** The source of this contribution and of the health report. */
    static final String SOURCE = "db-sync";
    /** The Database column's default: an H2 file "history" in the data directory. */
    static final String DEFAULT_DATABASE = "history";
    /**
     * Health weight of a primary whose store cannot be written: health 40, below 50, so it hands
     * over to a healthy backup if there is one (history then goes on being stored there) and stays
     * primary if there is none.
     */
    static final int PRIMARY_STORE_FAILING_WEIGHT = 60;
    /**
     * Health weight of a backup whose store fails: health 70, still able to take over (control of
     * the plant comes before its history) but ranked after every backup whose store works.
     */
    static final int BACKUP_STORE_FAILING_WEIGHT = 30;
    private static final long REFRESH_MS = 1000;
    private static final long REOPEN_MS = 5000;

    /** The settings this component reads from the server's configuration. */
    public @interface Settings {
        String data() default "duplex-data";

        String dbsync_mode() default "async";

        long dbsync_syncTimeoutMs() default 2000;
    }

    @Reference
    private RedundancyService redundancy;
    @Reference
    private PartnerChannels channels;
    @Reference
    private HealthReporter health;

    private Path dataDir;
    private boolean synchronous;
    private Duration syncTimeout;
    private String database;
    private Thread keeper;

    /** Set once by the keeper thread when the store is open; read by any thread. */
    private volatile Running running;
    /** The last reason the store could not be opened, for refusals and the status. */
    private volatile String openProblem = "opening";
    private final AtomicReference<RedundancyStatus> lastStatus = new AtomicReference<>();
    private volatile boolean stopping;
    /** The health reason last reported, "" for none; owned by the keeper thread. */
    private String healthReported;
    private int weightReported = -1;
    private final ReentrantLock wakeLock = new ReentrantLock();
    private final Condition wake = wakeLock.newCondition();

    /** The parts that exist once the store is open. */
    private record Running(JdbcStore store, LocalWriter writer, Replicator replicator) {
    }

    public DbSyncComponent() {
        super(SOURCE);
    }

    @Activate
    void activate(Settings settings) {
        dataDir = Path.of(settings.data()).toAbsolutePath();
        synchronous = "sync".equalsIgnoreCase(settings.dbsync_mode().strip());
        syncTimeout = Duration.ofMillis(Math.max(1, settings.dbsync_syncTimeoutMs()));
        LocalServer local = redundancy.configuration().thisScada();
        database = local.database().isBlank() ? DEFAULT_DATABASE : local.database().strip();
        keeper = new Thread(this::keep, "duplex-dbsync");
        keeper.setDaemon(true);
        keeper.start();
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        stopping = true;
        signal();
        keeper.join(TimeUnit.SECONDS.toMillis(15));
        Running r = running;
        if (r != null) {
            r.replicator().close();
            r.writer().close(Duration.ofSeconds(5));
            r.store().close();
        }
        health.report(SOURCE, 0, "");
    }

    // ------------------------------------------------------------ the keeper thread

    private void keep() {
        while (!stopping && running == null) {
            try {
                open();
            } catch (StoreException | RuntimeException e) {
                openProblem = e.getMessage();
                log("cannot open the history store " + database + ": " + e.getMessage() + "; trying again in "
                        + REOPEN_MS / 1000 + " s");
                reportHealth("history store not reachable: " + e.getMessage());
                publishStatus();
                await(REOPEN_MS);
            }
        }
        while (!stopping) {
            followEnableDbSync();
            publishStatus();
            await(REFRESH_MS);
        }
    }

    /**
     * On the keeper thread, once the store is open: Enable DB Sync changed in the running
     * configuration (an edited file, a deployment) is applied at once; the Database waits for a
     * restart (see {@link #publishStatus}).
     */
    private void followEnableDbSync() {
        boolean wanted = redundancy.configuration().thisScada().enableDbSync();
        Replicator replicator = running.replicator();
        if (replicator.enabled() != wanted) {
            replicator.enable(wanted);
            log(wanted ? "Enable DB Sync switched on: the partners' marks are compared and what either side lacks flows"
                    : "Enable DB Sync switched off: rows are stored here but no longer sent, asked for or applied");
        }
    }

    private void open() throws StoreException {
        StoreLocation location = StoreLocation.parse(database, dataDir);
        JdbcStore store = JdbcStore.open(location, redundancy.configuration().thisScada().symbol());
        AtomicReference<Replicator> replicatorRef = new AtomicReference<>();
        boolean enabled = redundancy.configuration().thisScada().enableDbSync();
        Replicator replicator = new Replicator(store, Replicator.Settings.defaults(enabled),
                (partner, message) -> channels.offer(partner, SyncMessage.CHANNEL, message),
                redundancy.configuration().thisScada().symbol(), DbSyncComponent::log, s -> signal());
        replicatorRef.set(replicator);
        LocalWriter writer = new LocalWriter(store, LocalWriter.Settings.defaults(), new LocalWriter.Listener() {
            @Override
            public void committed(long highSeq) {
                replicator.localRowsCommitted();
            }

            @Override
            public void failing(String message, int rowsKept) {
                log(message);
                signal(); // the keeper reports the health and publishes the status now
            }

            @Override
            public void recovered(long highSeq) {
                log("the history store works again; rows up to " + highSeq + " are stored");
                replicator.localRowsCommitted();
                signal();
            }
        }, synchronous ? seq -> replicatorRef.get().awaitReplicated(seq, syncTimeout) : null);
        replicator.start();
        writer.start();
        running = new Running(store, writer, replicator);
        openProblem = "";
        reportHealth("");
        log("history store " + location.description() + " open (origin " + store.origin() + ", schema "
                + store.schemaVersion() + "); DB sync " + (enabled ? "on" : "off") + ", "
                + (synchronous ? "synchronous (a write waits up to " + syncTimeout.toMillis() + " ms for the partners)"
                        : "asynchronous"));
        RedundancyStatus status = lastStatus.get();
        if (status != null) {
            replicator.partners(partnersOf(status));
        }
    }

    /**
     * On the keeper thread, its only caller (one owner of this source's health): weight
     * {@link #PRIMARY_STORE_FAILING_WEIGHT} or {@link #BACKUP_STORE_FAILING_WEIGHT} (by the role) while
     * {@code problem} is not empty — local writes failing on a
     * primary, or replication failing to read or apply on a backup, whose history would then fall
     * behind unseen — else 0. Reported when it changes.
     */
    private void reportHealth(String problem) {
        int weight = problem.isEmpty() ? 0 : isPrimary() ? PRIMARY_STORE_FAILING_WEIGHT : BACKUP_STORE_FAILING_WEIGHT;
        if (!problem.equals(healthReported) || weight != weightReported) {
            healthReported = problem;
            weightReported = weight;
            health.report(SOURCE, weight, problem);
        }
    }

    private boolean isPrimary() {
        RedundancyStatus s = lastStatus.get();
        return s != null && (s.role() == Role.PRIMARY || s.role() == Role.STANDALONE);
    }

    private void await(long ms) {
        wakeLock.lock();
        try {
            if (!stopping) {
                wake.await(ms, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        } finally {
            wakeLock.unlock();
        }
    }

    private void signal() {
        wakeLock.lock();
        try {
            wake.signalAll();
        } finally {
            wakeLock.unlock();
        }
    }

    /** On the keeper thread: the Database columns and notes from the store, the writer and the replicator. */
    private void publishStatus() {
        Running r = running;
        Snapshot.Builder b = Snapshot.builder();
        RedundancyConfiguration config = redundancy.configuration();
        if (r == null) {
            b.database("error: " + openProblem + " (" + database + ")");
            b.note("history is not being stored: " + openProblem);
        } else {
            SyncStatus sync = r.replicator().status();
            String problem = r.writer().problem();
            String description = r.store().location().description();
            String error = problem != null && !problem.isEmpty() ? problem : sync.problem();
            // The error first: the column is cut at StatusContribution.MAX_TEXT, and while the store fails
            // what failed and what is kept matter more than where the store is (the reason names it anyway).
            StringBuilder column = new StringBuilder(error.isEmpty()
                    ? description + ": reachable, " + String.format(Locale.ROOT, "%,d", sync.rowsHeld()) + " rows"
                    : "error: " + error + " (" + description + ")");
            int backlog = r.writer().backlog();
            if (backlog > 0 && (problem == null || problem.isEmpty())) {
                column.append(", ").append(String.format(Locale.ROOT, "%,d", backlog)).append(" rows queued");
            }
            b.database(column.toString());
            reportHealth(problem != null && !problem.isEmpty() ? problem
                    : sync.problem().isEmpty() ? "" : "the history store fails for DB sync: " + sync.problem());
            for (Partner p : config.partners()) {
                SyncStatus.PartnerSyncStatus ps = sync.partner(p.symbol());
                if (ps == null) {
                    continue;
                }
                b.partnerDatabase(p.symbol(), ps.text());
                if (ps.state() == SyncStatus.State.OFF_ON_PARTNER || ps.state() == SyncStatus.State.SCHEMA_DIFFERS
                        || ps.state() == SyncStatus.State.FORMAT_DIFFERS) {
                    b.partnerNotVerified(p.symbol());
                }
            }
            for (String n : sync.notes()) {
                b.note(n.startsWith("DB sync: ") ? n.substring("DB sync: ".length()) : n);
            }
            for (Gap g : sync.gaps()) {
                b.detail(gapLine(g)); // printed by `history gaps`
            }
        }
        LocalServer local = config.thisScada();
        String configured = local.database().isBlank() ? DEFAULT_DATABASE : local.database().strip();
        if (!configured.equals(database)) {
            b.note("the changed Database (" + configured + ") takes effect when this server is restarted; until then "
                    + "history goes to " + database);
        }
        Snapshot next = b.build();
        if (!next.equals(snapshot())) {
            publish(next);
        }
    }

    /** One gap as {@code history gaps} prints it; the prefix "gap:" lets it pick them out of the details. */
    static String gapLine(Gap g) {
        return "gap: " + g.origin() + " seq " + g.fromSeq() + "-" + g.toSeq() + " ("
                + String.format(Locale.ROOT, "%,d", g.rows()) + (g.rows() == 1 ? " row" : " rows")
                + (g.fromTimeMicros() >= 0 || g.toTimeMicros() >= 0 ? ", " + time(g.fromTimeMicros()) + " to "
                        + time(g.toTimeMicros()) : "")
                + "): " + g.reason();
    }

    private static String time(long micros) {
        return micros < 0 ? "?" : Instant.EPOCH.plusNanos(micros * 1000).toString();
    }

    // ------------------------------------------------------------ HistoryWriter

    @Override
    public CompletionStage<Void> tagValue(String tag, Instant sourceTime, double value, long quality) {
        Running r = running;
        return r == null ? notOpen() : r.writer().tagValue(tag, sourceTime, value, quality);
    }

    @Override
    public CompletionStage<Void> logEntry(Instant time, Severity severity, String source, String text) {
        Running r = running;
        return r == null ? notOpen() : r.writer().logEntry(time, severity, source, text);
    }

    private CompletionStage<Void> notOpen() {
        return CompletableFuture.failedFuture(new HistoryException("the history store " + database
                + " is not open (" + openProblem + "); this row was not recorded"));
    }

    // ------------------------------------------------------------ the link

    @Override
    public void received(String partnerSymbol, byte[] message) {
        Running r = running;
        if (r != null) {
            r.replicator().received(partnerSymbol, message);
        }
        // Before the store is open a partner's message is dropped: its sender resends from our marks,
        // which our first VECTOR will tell it.
    }

    @Override
    public void writable(String partnerSymbol) {
        Running r = running;
        if (r != null) {
            r.replicator().writable(partnerSymbol);
        }
    }

    @Override
    public void statusChanged(RedundancyStatus status) {
        RedundancyStatus before = lastStatus.getAndSet(status);
        if (before == null || before.role() != status.role()) {
            signal(); // the keeper weighs a failing store's health report by the new role
        }
        Running r = running;
        if (r != null) {
            r.replicator().partners(partnersOf(status));
        }
    }

    /** The activated partners and whether the link to each is up. */
    private static Map<String, Boolean> partnersOf(RedundancyStatus status) {
        Map<String, Boolean> partners = new LinkedHashMap<>();
        for (PartnerStatus p : status.partners()) {
            if (p.activate()) {
                partners.put(p.symbol(), p.connected());
            }
        }
        return partners;
    }

    /** The store, for the load generator and tests in this bundle; null until open. */
    JdbcStore store() {
        Running r = running;
        return r == null ? null : r.store();
    }

    private static void log(String line) {
        // Standard output is the server's log; the runtime's own lines go through its bounded writer.
        System.out.println(Instant.now() + " db-sync " + line);
    }
}

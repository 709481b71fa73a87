package scada.redundancy.dbsync.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import scada.redundancy.history.HistoryWriter;
import scada.redundancy.history.Severity;
import scada.redundancy.runtime.PrimaryRole;

/**
 * A stand-in for the plant's drivers until they exist (issue 9): while this server is primary
 * it writes {@code dbsync.load} tag values a second through the {@link HistoryWriter}, plus one
 * log entry a second, as a driver would. Off unless {@code -Dduplex.dbsync.load=ROWS_PER_SECOND}
 * is given: the integration tests, the benchmark and the demo use it. With
 * {@code -Dduplex.dbsync.loadUntil=EPOCH_MS} it writes nothing after that moment, whoever is
 * primary then: a test can let the set settle and count every row. With
 * {@code -Dduplex.dbsync.loadStopFile=PATH} it writes nothing once that file exists (looked for
 * at every tick): a test ends the load when its scenario is over instead of at a moment fixed
 * in advance for the slowest machine.
 * <p>
 * The mandatory {@link PrimaryRole} reference is the whole role logic: SCR starts this component
 * on takeover and stops it on demotion, as it will a PLC driver.
 */
@Component(configurationPid = "scada.redundancy.server", configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class LoadGenerator {
    /** Ticks a second; each writes rate / TICKS rows. */
    private static final int TICKS = 20;

    public @interface Settings {
        int dbsync_load() default 0;

        long dbsync_loadUntil() default Long.MAX_VALUE;

        String dbsync_loadStopFile() default "";
    }

    @Reference
    private PrimaryRole primary;
    @Reference
    private HistoryWriter history;

    private ScheduledExecutorService ticker;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private long sequence;
    private long ticks;
    private long until;
    private Path stopFile;
    private boolean stopped;

    @Activate
    void activate(Settings settings) {
        int rate = settings.dbsync_load();
        if (rate <= 0) {
            return;
        }
        until = settings.dbsync_loadUntil();
        stopFile = settings.dbsync_loadStopFile().isBlank() ? null : Path.of(settings.dbsync_loadStopFile());
        int perTick = Math.max(1, rate / TICKS);
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "duplex-dbsync-load");
            t.setDaemon(true);
            return t;
        });
        log("writing " + perTick * TICKS + " tag values a second while primary (term " + primary.term() + ")");
        ticker.scheduleAtFixedRate(() -> tick(perTick), 0, 1000 / TICKS, TimeUnit.MILLISECONDS);
    }

    private void tick(int rows) {
        Instant now = Instant.now();
        if (now.toEpochMilli() >= until || stopped) {
            return;
        }
        if (stopFile != null && Files.exists(stopFile)) {
            stopped = true;
            log(stopFile + " exists: writing no more (" + written.get() + " rows stored, " + refused.get() + " refused)");
            return;
        }
        if (++ticks % TICKS == 0) {
            // Once a second: what a killed server had been told was stored stays in its log.
            log(written.get() + " rows stored, " + refused.get() + " refused so far");
        }
        for (int i = 0; i < rows; i++) {
            long n = ++sequence;
            count(history.tagValue("load/" + (n % 10), now, n, 0));
        }
        if (sequence % (rows * TICKS) < rows) {
            count(history.logEntry(now, Severity.INFO, "load", "load generator at " + sequence + " values"));
        }
    }

    private void count(CompletionStage<Void> stage) {
        stage.whenComplete((v, e) -> (e == null ? written : refused).incrementAndGet());
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        if (ticker != null) {
            ticker.shutdown();
            ticker.awaitTermination(2, TimeUnit.SECONDS);
            log("stopped: " + written.get() + " rows stored, " + refused.get() + " refused");
        }
    }

    private static void log(String line) {
        System.out.println(Instant.now() + " db-sync load: " + line);
    }
}

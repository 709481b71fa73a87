package scada.redundancy.runtime.tls;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The link certificates this server refused because nobody approved them, as the status shows
 * them to an operator who wants to approve one: the newest few with when each was last seen, and
 * a count of all. Bounded whatever a stranger does: 20,000 certificates from a scanner cost the
 * same memory, status text and log lines as a handful.
 *
 * <p>Logging is rate-limited here because the list knows what is new: at most one line per
 * {@link #LOG_INTERVAL_NANOS} names a new stranger; the others are counted and told in one
 * line by {@link #quietSummary()}, which the owner calls periodically.
 *
 * <p>Not thread-safe: one thread owns it (the node's redundancy thread); a TLS handshake on
 * another thread hands the fingerprint over to that thread first.
 */
public final class RefusedCertificates {
    /** How many of the newest strangers are listed. */
    public static final int NEWEST_KEPT = 8;
    static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** One refused certificate. */
    public record Refusal(String fingerprint, Instant lastSeen) {
    }

    private final int capacity;
    private final Clock clock;
    private final LongSupplier nanoTime;
    /** Least recently seen first; at most {@code capacity} entries. */
    private final LinkedHashMap<String, Instant> newest = new LinkedHashMap<>();
    private long count;
    private long lastLogAt;
    private boolean loggedOnce;
    private long quiet;

    public RefusedCertificates() {
        this(NEWEST_KEPT, Clock.systemUTC(), System::nanoTime);
    }

    /**
     * @param capacity how many of the newest strangers to list
     * @param clock    for the last-seen times people read
     * @param nanoTime monotonic time for the log's rate limit
     */
    public RefusedCertificates(int capacity, Clock clock, LongSupplier nanoTime) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity + " < 1");
        }
        this.capacity = capacity;
        this.clock = clock;
        this.nanoTime = nanoTime;
    }

    /**
     * Records a refusal of the certificate with this SHA-256 fingerprint.
     *
     * @return true if it is new: not among the listed ones (a stranger pushed out of the list by
     *         newer ones counts as new when it comes back), so the count and the status changed
     */
    public boolean add(String fingerprint) {
        boolean isNew = newest.remove(fingerprint) == null;
        newest.put(fingerprint, clock.instant()); // re-inserted: now the most recently seen
        if (isNew) {
            count++;
            if (newest.size() > capacity) {
                Iterator<String> oldest = newest.keySet().iterator();
                oldest.next();
                oldest.remove();
            }
        }
        return isNew;
    }

    /**
     * The log line for a stranger {@link #add} just called new, or null while the rate limit
     * holds; such strangers are counted for {@link #quietSummary()}.
     */
    public String logLine(String fingerprint) {
        long now = nanoTime.getAsLong();
        if (loggedOnce && now - lastLogAt < LOG_INTERVAL_NANOS) {
            quiet++;
            return null;
        }
        loggedOnce = true;
        lastLogAt = now;
        return "refused a link certificate that is not trusted: SHA-256 " + fingerprint + " (approve it with: "
                + approveHint(fingerprint) + ")";
    }

    /**
     * One line for the strangers not logged one by one since the last call, or null if there were
     * none; call it periodically (e.g. every minute).
     */
    public String quietSummary() {
        if (quiet == 0) {
            return null;
        }
        String line = "refused " + quiet + " more untrusted link certificate" + (quiet == 1 ? "" : "s")
                + " without a log line each (at most one a second is logged); the status lists the newest";
        quiet = 0;
        return line;
    }

    /**
     * Forgets the listed certificates that are trusted now (approved, pinned or our own).
     *
     * @return true if any was removed, so the status changed
     */
    public boolean approved(Set<String> trusted) {
        boolean removed = false;
        for (Iterator<String> i = newest.keySet().iterator(); i.hasNext();) {
            if (trusted.contains(i.next())) {
                i.remove();
                count--;
                removed = true;
            }
        }
        return removed;
    }

    /** How many certificates were refused as new (see {@link #add}), less those approved since. */
    public long count() {
        return count;
    }

    /** The newest refusals, most recent first. */
    public List<Refusal> newest() {
        List<Refusal> list = new ArrayList<>(newest.size());
        newest.forEach((f, at) -> list.add(0, new Refusal(f, at)));
        return list;
    }

    /**
     * The status note's text, empty if nothing is refused: the count, the newest fingerprints in
     * full (an operator copies one to approve it) and the command that approves one.
     */
    public String summary() {
        if (count == 0) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        text.append(count).append(count == 1 ? " untrusted link certificate" : " untrusted link certificates").append(" refused");
        List<Refusal> list = newest();
        if (!list.isEmpty()) {
            text.append(list.size() < count ? " (newest: " : " (");
            for (int i = 0; i < list.size(); i++) {
                text.append(i == 0 ? "" : ", ").append(list.get(i).fingerprint());
            }
            text.append(')');
        }
        return text.append("; approve one with: ").append(approveHint("FINGERPRINT")).toString();
    }

    private static String approveHint(String fingerprint) {
        return "scada-redundancy trust --data DIR --as partner --symbol SYMBOL|monitor|operator " + fingerprint;
    }
}

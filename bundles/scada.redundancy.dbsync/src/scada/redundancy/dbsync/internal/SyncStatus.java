package scada.redundancy.dbsync.internal;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What the replicator shows: per partner its sync state (as data, and as the text of the
 * partner's Database column), the gaps recorded, and the synchronous-mode timeouts. Immutable;
 * a new one is made whenever something shown changes.
 *
 * @param origin        this store's origin id
 * @param schemaVersion this store's schema version
 * @param enabled       DB sync is on here
 * @param problem       a plain sentence when this store fails for replication (reading or applying), else empty
 * @param partners      one entry per configured partner, sorted by Symbol
 * @param gaps          the gaps recorded, newest first (at most {@link Replicator#GAPS_SHOWN})
 * @param waiting       why rows of an origin wait although a partner holds later ones (a gap not yet concluded)
 * @param syncTimeouts  how many {@link Replicator#awaitReplicated} waits ended without every partner confirming
 * @param rowsSent      rows sent to partners since start (resends included)
 * @param rowsApplied   rows new to this store applied from partners since start
 * @param rowsHeld      rows this store holds up to its high-water marks (every origin's 1..mark, less the
 *                      rows of the gaps shown): what the operator compares between servers
 */
public record SyncStatus(String origin, int schemaVersion, boolean enabled, String problem,
        List<PartnerSyncStatus> partners, List<Gap> gaps, List<String> waiting, long syncTimeouts, long rowsSent,
        long rowsApplied, long rowsHeld) {

    public SyncStatus {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(problem, "problem");
        partners = List.copyOf(partners);
        gaps = List.copyOf(gaps);
        waiting = List.copyOf(waiting);
    }

    /**
     * Sentences for the status note, most serious first: this store's replication problem, the
     * gaps, rows waiting for a source, synchronous-mode timeouts. Empty when all is well.
     */
    public List<String> notes() {
        List<String> notes = new java.util.ArrayList<>();
        if (!problem.isEmpty()) {
            notes.add("DB sync: this store fails: " + problem);
        }
        if (!gaps.isEmpty()) {
            Gap g = gaps.get(0);
            notes.add("DB sync: " + (gaps.size() >= Replicator.GAPS_SHOWN ? "at least " : "") + gaps.size()
                    + (gaps.size() == 1 ? " gap" : " gaps") + " in the history that can no longer be filled; the latest: "
                    + g.reason());
        }
        if (!waiting.isEmpty()) {
            notes.add("DB sync: " + waiting.get(0) + (waiting.size() > 1 ? " (and " + (waiting.size() - 1) + " more)" : ""));
        }
        if (syncTimeouts > 0) {
            notes.add("DB sync: " + syncTimeouts + " synchronous write" + (syncTimeouts == 1 ? " was" : "s were")
                    + " not confirmed by every partner within the timeout (the plant went on)");
        }
        return notes;
    }

    /** The entry of the partner with {@code symbol}, or null. */
    public PartnerSyncStatus partner(String symbol) {
        for (PartnerSyncStatus p : partners) {
            if (p.symbol().equalsIgnoreCase(symbol)) {
                return p;
            }
        }
        return null;
    }

    /** Where DB sync with one partner stands, most serious first. */
    public enum State {
        /** DB sync is off on this server. */
        OFF_HERE,
        /** The redundancy link to the partner is down. */
        NOT_CONNECTED,
        /** The link is up, the partner's DB sync has not answered (yet, or for five VECTOR intervals): not installed, starting or stuck. */
        CONNECTING,
        /** The partner's DB sync is off. */
        OFF_ON_PARTNER,
        /** The partner's store has another schema version. */
        SCHEMA_DIFFERS,
        /** The partner's DB sync speaks another wire format. */
        FORMAT_DIFFERS,
        /** A store (here or on the partner) fails. */
        ERROR,
        /** Many rows are still to go one way or the other. */
        CATCHING_UP,
        /** Both hold nearly the same rows. */
        IN_SYNC
    }

    /**
     * DB sync with one partner.
     *
     * @param symbol         the partner's Symbol
     * @param state          where it stands
     * @param verified       both servers have DB sync on and agree on the schema version (what the status's
     *                       Verified covers for DB sync)
     * @param partnerSchema  the partner's schema version, or -1 if not known
     * @param partnerOrigin  the partner store's origin id, or empty
     * @param backlog        rows this store holds that the partner lacks (to send)
     * @param behind         rows the partner holds that this store lacks (to receive)
     * @param lagSeconds     how long the oldest row of this store's own origin the partner lacks has been
     *                       waiting, in seconds (0 when it lacks none)
     * @param percent        catch-up progress 0..100 (100 when in sync)
     * @param etaSeconds     the estimated seconds left while catching up, or -1
     * @param problem        the error's reason, or empty
     */
    public record PartnerSyncStatus(String symbol, State state, boolean verified, int partnerSchema,
            String partnerOrigin, long backlog, long behind, double lagSeconds, int percent, long etaSeconds,
            String problem) {

        public PartnerSyncStatus {
            Objects.requireNonNull(symbol, "symbol");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(partnerOrigin, "partnerOrigin");
            Objects.requireNonNull(problem, "problem");
        }

        /** The partner's Database column, e.g. "in sync (lag 12 rows, 0.2 s)". */
        public String text() {
            return switch (state) {
                case OFF_HERE -> "DB sync off here";
                case NOT_CONNECTED -> "not connected" + backlogText();
                case CONNECTING -> "connecting (no answer from the partner's DB sync)";
                case OFF_ON_PARTNER -> "DB sync off on the partner";
                case SCHEMA_DIFFERS -> problem;
                case FORMAT_DIFFERS -> problem;
                case ERROR -> "error: " + problem;
                case CATCHING_UP -> "catching up " + percent + "% (" + count(backlog) + " rows to send, "
                        + count(behind) + " to receive" + (etaSeconds >= 0 ? ", about " + etaSeconds + " s left" : "")
                        + ")";
                case IN_SYNC -> "in sync (lag " + count(backlog + behind) + " rows, "
                        + String.format(Locale.ROOT, "%.1f", lagSeconds) + " s)";
            };
        }

        private String backlogText() {
            return backlog > 0 ? " (" + count(backlog) + " rows to send)" : "";
        }

        private static String count(long n) {
            return String.format(Locale.ROOT, "%,d", n);
        }
    }
}

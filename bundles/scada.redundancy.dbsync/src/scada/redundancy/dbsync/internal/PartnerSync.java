package scada.redundancy.dbsync.internal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

import scada.redundancy.dbsync.internal.SyncMessage.Missing;
import scada.redundancy.dbsync.internal.SyncMessage.OriginState;
import scada.redundancy.dbsync.internal.SyncMessage.Vector;

/**
 * What this server's replicator knows of one partner and what it has sent it. Owned by the
 * replicator thread alone: nothing here is shared.
 * <p>
 * <b>Sending.</b> Rows of an origin go out from the partner's acknowledged mark; {@link #sentUpTo}
 * runs ahead of it by at most {@link Replicator.Settings#windowBatches()} batches in flight. Every
 * batch has a number; the partner's VECTOR says up to which number it has accounted for our
 * batches (processed, or known lost: the channel is in order, so a later batch or our VECTOR
 * claiming more proves the earlier ones arrived or never will). A batch accounted for whose rows
 * the partner's mark does not cover was lost or refused: sending of that origin rewinds to the
 * mark. So a link reset, a corrupt frame or a store failure on the partner costs a resend from
 * the mark, never a lost row; and the partner's idempotent apply makes a resend harmless.
 */
final class PartnerSync {
    /** One ROWS message in flight. */
    record Batch(long batchNo, String origin, long lastSeq) {
    }

    final String symbol;
    /** The runtime says the link is up. */
    boolean connected;
    /** The partner's last VECTOR in this link session, or null before it. */
    Vector vector;
    /** Its marks and lowest held seqs by origin, from its last VECTOR (kept while the link is down). */
    final Map<String, OriginState> origins = new HashMap<>();
    /** What it said it lacks, by origin (its latest MISSING for each). */
    final Map<String, Missing> lacks = new HashMap<>();
    long lastHeardNanos;

    final Map<String, Long> sentUpTo = new HashMap<>();
    final ArrayDeque<Batch> inFlight = new ArrayDeque<>();
    /** Batches of these origins in flight were sent after a lost one: their outcome no longer matters. */
    final Map<String, Long> voidUpTo = new HashMap<>();
    /** ROWS messages sent to it under this engine's nonce; numbers batches from 1, never reset. */
    long sentBatches;
    /** {@code offer} refused: wait for {@code writable} (or the next tick's probe). */
    boolean blocked;
    boolean vectorDue = true;
    /** No rows before this time ({@link System#nanoTime()}): the partner's store failed, give it a moment. */
    long holdUntilNanos;
    /** The MISSING last sent per origin (its fromSeq) and when, so it is repeated only once per tick. */
    final Map<String, long[]> missingSent = new HashMap<>();
    /** Which origin to try first next time: fairness between origins. */
    int nextOrigin;

    /** Its accounting of our batches and its nonce, read at the start of a round (before the marks). */
    long echoNonce;
    long echoAccounted;

    /** A frame from it in another format, shown until a valid message arrives; 0 if none. */
    int otherFormat;

    // catch-up progress
    boolean catchingUp;
    long catchUpStartNanos;
    long agreedAtStart;

    PartnerSync(String symbol) {
        this.symbol = symbol;
    }

    /** The partner's mark of {@code origin}, 0 if it holds none. */
    long mark(String origin) {
        OriginState o = origins.get(origin);
        return o == null ? 0 : o.mark();
    }

    /** The link went down: what was in flight is lost, and the partner's state will be told afresh. */
    void linkDown() {
        vector = null;
        // origins stay, as the last known marks: the status shows the backlog while it is away
        lacks.clear();
        forgetSending();
        blocked = false;
        vectorDue = true;
        catchingUp = false;
    }

    private void forgetSending() {
        sentUpTo.clear();
        inFlight.clear();
        voidUpTo.clear();
        missingSent.clear();
        holdUntilNanos = 0;
    }

    /**
     * Takes a VECTOR from the partner.
     *
     * @return true when sending had to rewind (something sent was lost or refused)
     */
    boolean vectorReceived(Vector v, long myNonce, long nowNanos) {
        boolean newSession = vector == null || v.nonce() != vector.nonce() || !v.origin().equals(vector.origin());
        if (newSession) {
            // a restarted engine or a replaced store: nothing we sent before counts
            forgetSending();
            lacks.clear();
            vectorDue = true;
        }
        vector = v;
        lastHeardNanos = nowNanos;
        otherFormat = 0;
        origins.clear();
        for (OriginState o : v.origins()) {
            origins.putIfAbsent(o.origin(), o);
        }
        for (Iterator<Map.Entry<String, Missing>> it = lacks.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, Missing> e = it.next();
            if (mark(e.getKey()) >= e.getValue().toSeq()) {
                it.remove();
            }
        }
        boolean rewound = false;
        if (v.echoNonce() == myNonce) {
            while (!inFlight.isEmpty() && inFlight.peekFirst().batchNo() <= v.accountedBatches()) {
                Batch b = inFlight.pollFirst();
                boolean voided = b.batchNo() <= voidUpTo.getOrDefault(b.origin(), 0L);
                if (!voided && mark(b.origin()) < b.lastSeq()) {
                    rewind(b.origin());
                    rewound = true;
                }
            }
        }
        return rewound;
    }

    /** Sends {@code origin} again from the partner's mark; batches of it still in flight are void. */
    private void rewind(String origin) {
        sentUpTo.put(origin, mark(origin));
        voidUpTo.put(origin, sentBatches);
    }

    /** Where the next batch of {@code origin} starts after: the acknowledged mark or what is in flight. */
    long sendFrom(String origin) {
        return Math.max(mark(origin), sentUpTo.getOrDefault(origin, 0L));
    }

    boolean inSession() {
        return connected && vector != null;
    }
}

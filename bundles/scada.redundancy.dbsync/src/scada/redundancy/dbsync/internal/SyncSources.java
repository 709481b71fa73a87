package scada.redundancy.dbsync.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import scada.redundancy.dbsync.internal.SyncMessage.Missing;
import scada.redundancy.dbsync.internal.SyncMessage.OriginState;

/**
 * Chooses, for every origin this store lacks rows of, the one partner to pull them from, and
 * decides when rows can no longer be had (a {@link Gap}).
 * <p>
 * Pulling from one source per origin (the receiver chooses, and says so in its VECTOR) means a
 * row reaches a store once even with three servers: C takes A's rows from A while A is
 * connected, from B when the A–C link is cut. The origin itself is preferred, then the partner
 * holding the most. The choice stands while nothing is missing (the origin, when connected, is
 * always asked for its own rows): a source sends new rows as soon as it has them, so streaming
 * never waits for a round of VECTORs.
 * <p>
 * <b>When a gap is concluded.</b> Rows m+1.. of origin O are a gap (m = this store's mark of O)
 * only when (1) some connected partner holds rows of O above m, so there is something after the
 * gap; (2) no connected DB-sync partner holds row m+1 (by its VECTOR's lowest held seq, or a
 * MISSING it sent); and (3) either the origin O itself is among them — it wrote every row of O,
 * so if it has purged them, its retention has passed them — or every configured partner is
 * connected and has told its state (so nobody who might still hold them is out of sight). A third
 * server that is away and still holds the rows with a longer retention is the one case where (3)
 * by the origin records a gap that server could have filled: the gap is then listed to the
 * operator, never silent. Without (3) the origin waits, and the status says why.
 */
final class SyncSources {
    /** The result: the source origin id per origin, the gaps to record, and why other origins wait. */
    record Choice(Map<String, String> sourceByOrigin, List<Gap> gaps, List<String> waiting) {
    }

    private SyncSources() {
    }

    /**
     * @param myOrigin             this store's origin (never pulled)
     * @param myMarks              this store's marks
     * @param peers                the connected partners in session with DB sync on and the same schema
     * @param everyPartnerHeard    every configured partner is connected and has sent its VECTOR
     * @param nowMicros            the time recorded with a gap
     */
    static Choice choose(String myOrigin, Map<String, Long> myMarks, Collection<PartnerSync> peers,
            boolean everyPartnerHeard, Map<String, String> previous, long nowMicros) {
        TreeSet<String> known = new TreeSet<>(myMarks.keySet());
        for (PartnerSync p : peers) {
            known.addAll(p.origins.keySet());
        }
        known.remove(myOrigin);
        Map<String, String> sources = new TreeMap<>();
        List<Gap> gaps = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        for (String origin : known) {
            long m = myMarks.getOrDefault(origin, 0L);
            List<PartnerSync> holders = new ArrayList<>();
            PartnerSync best = null;
            for (PartnerSync p : peers) {
                if (p.mark(origin) <= m) {
                    continue;
                }
                holders.add(p);
                if (firstHeldAbove(p, origin, m) == m + 1 && (best == null || better(p, best, origin))) {
                    best = p;
                }
            }
            if (holders.isEmpty()) {
                // nothing missing now: keep a standing choice, so new rows flow the moment they are
                // written (the origin streams its own) or relayed, without waiting for a VECTOR
                String standing = standingSource(origin, peers, previous.get(origin));
                if (standing != null) {
                    sources.put(origin, standing);
                }
                continue;
            }
            if (best != null) {
                sources.put(origin, best.vector.origin());
                continue;
            }
            long end = Long.MAX_VALUE;
            boolean originSpeaks = false;
            List<String> parts = new ArrayList<>();
            holders.sort(Comparator.comparing(p -> p.symbol));
            for (PartnerSync p : holders) {
                long first = firstHeldAbove(p, origin, m);
                end = Math.min(end, first - 1);
                originSpeaks |= p.vector.origin().equals(origin);
                Missing said = p.lacks.get(origin);
                parts.add(p.symbol + (p.vector.origin().equals(origin) ? " (the origin)" : "") + " holds them from seq "
                        + first + (said != null ? " (" + said.reason() + ")" : ""));
            }
            String what = "rows " + (m + 1) + ".." + end + " of origin " + origin;
            if (originSpeaks || everyPartnerHeard) {
                String reason = what + " are held by no connected partner (purged by retention, or lost): "
                        + String.join("; ", parts)
                        + (originSpeaks ? "" : "; every partner is connected and none holds them");
                gaps.add(new Gap(origin, m + 1, end, -1, -1, reason, nowMicros));
            } else {
                waiting.add(what + " are held by no connected partner; not recorded as a gap while the origin or "
                        + "another partner that may hold them is not connected");
            }
        }
        return new Choice(sources, gaps, waiting);
    }

    /** The origin itself if it is a peer, else the previous source if it still is one, else null. */
    private static String standingSource(String origin, Collection<PartnerSync> peers, String previous) {
        String kept = null;
        for (PartnerSync p : peers) {
            if (p.vector.origin().equals(origin)) {
                return origin;
            }
            if (p.vector.origin().equals(previous)) {
                kept = previous;
            }
        }
        return kept;
    }

    /**
     * The first seq above {@code mark} the partner can send: mark + 1 when it can supply the next
     * row, higher when it purged or lacks them.
     */
    static long firstHeldAbove(PartnerSync p, String origin, long mark) {
        OriginState o = p.origins.get(origin);
        if (o == null) {
            return Long.MAX_VALUE;
        }
        long first = o.lowestHeld() == 0 ? o.mark() + 1 : Math.max(mark + 1, o.lowestHeld());
        Missing lacks = p.lacks.get(origin);
        if (lacks != null && lacks.fromSeq() <= first && first <= lacks.toSeq()) {
            first = lacks.toSeq() + 1;
        }
        return Math.min(first, o.mark() + 1);
    }

    private static boolean better(PartnerSync a, PartnerSync b, String origin) {
        boolean aOrigin = a.vector.origin().equals(origin);
        boolean bOrigin = b.vector.origin().equals(origin);
        if (aOrigin != bOrigin) {
            return aOrigin;
        }
        if (a.mark(origin) != b.mark(origin)) {
            return a.mark(origin) > b.mark(origin);
        }
        return a.symbol.compareTo(b.symbol) < 0;
    }
}

package scada.redundancy.dbsync.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import scada.redundancy.history.Severity;

/**
 * A {@link ReplicaStore} in memory, for the replication tests: it follows the contract exactly
 * ({@link MemoryReplicaStoreContractTest} checks it), appends local rows like the store's writer,
 * and can be made to fail. Thread-safe: every method holds the store's monitor; a change notifies
 * {@link #changed} so tests wait on it instead of sleeping.
 */
final class MemoryReplicaStore implements ReplicaStore {
    private final String origin;
    private final int schemaVersion;
    private final Object changed;
    private final Map<String, TreeMap<Long, Row>> rows = new HashMap<>();
    private final Map<String, Long> marks = new HashMap<>();
    private final List<Gap> gaps = new ArrayList<>();
    private String failing;
    private long newRows;
    private long skippedRows;
    private long conflicts;
    private long appliedBatches;

    /**
     * @param changed notified (notifyAll) after every change; tests wait on it
     */
    MemoryReplicaStore(String origin, int schemaVersion, Object changed) {
        this.origin = origin;
        this.schemaVersion = schemaVersion;
        this.changed = changed;
        marks.put(origin, 0L);
    }

    @Override
    public int schemaVersion() {
        return schemaVersion;
    }

    @Override
    public String origin() {
        return origin;
    }

    /** From now on every method but the local writes fails with {@code reason}; null heals it. */
    synchronized void failing(String reason) {
        this.failing = reason;
    }

    private void check() throws StoreException {
        if (failing != null) {
            throw new StoreException(failing);
        }
    }

    /** The local writer: appends {@code n} tag values under this store's own origin; returns the last seq. */
    long writeLocal(int n) {
        long last;
        synchronized (this) {
            TreeMap<Long, Row> mine = rows.computeIfAbsent(origin, o -> new TreeMap<>());
            long seq = marks.get(origin);
            for (int i = 0; i < n; i++) {
                seq++;
                mine.put(seq, (seq % 7 == 0)
                        ? Row.log(origin, seq, 1_700_000_000_000_000L + seq, Severity.INFO, "audit", "entry " + seq + " of " + origin)
                        : Row.tag(origin, seq, 1_700_000_000_000_000L + seq, "Line1.Tag" + (seq % 50), seq * 0.5, 0));
            }
            marks.put(origin, seq);
            last = seq;
        }
        notifyChanged();
        return last;
    }

    /** Retention: drops the rows of {@code origin} up to {@code seq} (the mark stays). */
    void purge(String o, long seq) {
        synchronized (this) {
            TreeMap<Long, Row> m = rows.get(o);
            if (m != null) {
                m.headMap(seq, true).clear();
            }
        }
        notifyChanged();
    }

    @Override
    public synchronized Map<String, Long> highWaterMarks() throws StoreException {
        check();
        return new HashMap<>(marks);
    }

    @Override
    public synchronized List<Row> rowsAfter(String o, long afterSeq, int maxRows) throws StoreException {
        check();
        TreeMap<Long, Row> m = rows.get(o);
        List<Row> out = new ArrayList<>();
        if (m == null) {
            return out;
        }
        for (Row r : m.tailMap(afterSeq, false).values()) {
            if (out.size() == maxRows) {
                break;
            }
            out.add(r);
        }
        return out;
    }

    @Override
    public synchronized long lowestHeld(String o) throws StoreException {
        check();
        TreeMap<Long, Row> m = rows.get(o);
        return m == null || m.isEmpty() ? 0 : m.firstKey();
    }

    @Override
    public int apply(List<Row> batch) throws StoreException {
        int added;
        synchronized (this) {
            check();
            if (batch.isEmpty()) {
                return 0;
            }
            String o = batch.get(0).origin();
            long seq = batch.get(0).seq();
            for (Row r : batch) {
                if (!r.origin().equals(o)) {
                    throw new IllegalArgumentException("rows of several origins: " + o + " and " + r.origin());
                }
                if (r.seq() != seq++) {
                    throw new IllegalArgumentException("rows out of order or with holes at " + o + "/" + r.seq());
                }
            }
            long mark = marks.getOrDefault(o, 0L);
            if (batch.get(0).seq() > mark + 1) {
                throw new IllegalArgumentException("rows of " + o + " start at " + batch.get(0).seq() + ", above mark "
                        + mark + " + 1");
            }
            TreeMap<Long, Row> m = rows.computeIfAbsent(o, x -> new TreeMap<>());
            added = 0;
            for (Row r : batch) {
                if (r.seq() <= mark) {
                    Row held = m.get(r.seq());
                    if (held != null && !held.equals(r)) {
                        conflicts++;
                    }
                    skippedRows++;
                    continue;
                }
                m.put(r.seq(), r);
                added++;
            }
            marks.put(o, Math.max(mark, batch.get(batch.size() - 1).seq()));
            newRows += added;
            appliedBatches++;
        }
        notifyChanged();
        return added;
    }

    @Override
    public void recordGap(Gap gap) throws StoreException {
        synchronized (this) {
            check();
            long mark = marks.getOrDefault(gap.origin(), 0L);
            if (gap.fromSeq() > mark + 1) {
                throw new IllegalArgumentException("a gap of " + gap.origin() + " from " + gap.fromSeq()
                        + " leaves rows above mark " + mark + " unaccounted");
            }
            gaps.add(gap);
            marks.put(gap.origin(), Math.max(mark, gap.toSeq()));
        }
        notifyChanged();
    }

    @Override
    public synchronized List<Gap> gaps(int max) throws StoreException {
        check();
        List<Gap> out = new ArrayList<>();
        for (int i = gaps.size() - 1; i >= 0 && out.size() < max; i--) {
            out.add(gaps.get(i));
        }
        return out;
    }

    // ---- for assertions

    /** Every row held, by origin then seq (a copy). */
    synchronized Map<String, NavigableMap<Long, Row>> snapshot() {
        Map<String, NavigableMap<Long, Row>> copy = new HashMap<>();
        rows.forEach((o, m) -> copy.put(o, new TreeMap<>(m)));
        return copy;
    }

    synchronized long mark(String o) {
        return marks.getOrDefault(o, 0L);
    }

    synchronized int held(String o) {
        TreeMap<Long, Row> m = rows.get(o);
        return m == null ? 0 : m.size();
    }

    /** Rows applied from partners that were new. */
    synchronized long newRows() {
        return newRows;
    }

    /** Rows applied from partners that were already held (replays, resends). */
    synchronized long skippedRows() {
        return skippedRows;
    }

    /** Rows applied that were already held with other contents (never expected). */
    synchronized long conflicts() {
        return conflicts;
    }

    synchronized long appliedBatches() {
        return appliedBatches;
    }

    private void notifyChanged() {
        synchronized (changed) {
            changed.notifyAll();
        }
    }
}

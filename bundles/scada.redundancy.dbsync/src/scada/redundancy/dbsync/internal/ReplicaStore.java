package scada.redundancy.dbsync.internal;

import java.util.List;
import java.util.Map;

/**
 * What replication needs of a store: which rows it holds, rows to send, rows to apply. The
 * JDBC store implements it; each method is one short transaction. Replication calls it one call
 * at a time (the {@link Replicator} holds a lock around every call), though not always from the
 * same thread: rows are applied on the channel thread that delivered them, everything else runs
 * on the replicator thread; meanwhile the store's writer appends local rows.
 * <p>
 * <b>High-water mark.</b> For each origin, the highest seq such that every row 1..seq is held
 * (or recorded as a {@link Gap}). Rows of an origin are only ever applied in seq order, so the
 * mark is simply the highest seq applied: a store never holds rows above its mark.
 */
public interface ReplicaStore {
    /** The schema version this store is at; partners synchronise only with the same version. */
    int schemaVersion();

    /**
     * This store's own origin id: stable for the life of the store, new when the store is
     * created afresh (so a store that was wiped never reuses the numbers of its former self).
     * At most 64 characters, e.g. {@code "A-3f9c21d0"} (the Symbol at creation and a random part).
     */
    String origin();

    /** Every origin this store holds rows of, with its high-water mark; its own origin included (0 before the first row). */
    Map<String, Long> highWaterMarks() throws StoreException;

    /**
     * The rows of {@code origin} this store holds after {@code afterSeq}, in seq order, at most
     * {@code maxRows}; empty when it holds none after it. Rows it does not hold are simply absent
     * (as {@code WHERE seq > ? ORDER BY seq LIMIT ?} gives them): after a purge the first row may be
     * above {@code afterSeq + 1}, and where a {@link Gap} was recorded the list skips it. The
     * replicator sends only the consecutive part from {@code afterSeq + 1} and tells the partner
     * what it lacks.
     */
    List<Row> rowsAfter(String origin, long afterSeq, int maxRows) throws StoreException;

    /**
     * The lowest seq of {@code origin} this store still holds, or 0 if it holds none (it has
     * purged older rows by retention, or was created after them).
     */
    long lowestHeld(String origin) throws StoreException;

    /**
     * Applies rows from a partner. The rows are of one origin, in seq order without holes, and start
     * at or below this store's mark + 1; rows already held are skipped (a replay changes nothing).
     * A store may commit a long batch in several transactions, in seq order, each moving the mark
     * with its rows (H2 applies 2,000-row transactions faster than larger ones): a failure then
     * keeps the rows of the transactions before it, the mark says how far, and sending the batch
     * again adds the rest.
     *
     * @return how many rows were new
     * @throws StoreException when the store failed; the rows from the mark + 1 on are not applied,
     *         {@link StoreException#rowsApplied()} says how many new rows were committed before
     * @throws IllegalArgumentException when the rows are of several origins, out of order, or start
     *         above mark + 1; nothing is applied
     */
    int apply(List<Row> rows) throws StoreException;

    /** Records rows that can no longer be had, and moves the origin's mark past them. */
    void recordGap(Gap gap) throws StoreException;

    /** The gaps recorded, newest first, at most {@code max}. */
    List<Gap> gaps(int max) throws StoreException;
}

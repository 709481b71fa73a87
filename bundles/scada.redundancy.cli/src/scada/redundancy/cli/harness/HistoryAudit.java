package scada.redundancy.cli.harness;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import scada.redundancy.dbsync.internal.JdbcStore;
import scada.redundancy.dbsync.internal.StoreException;
import scada.redundancy.dbsync.internal.StoreLocation;

/**
 * An audit of the histories of stopped servers: what each store holds of each origin (a
 * server's store incarnation), compared across the stores. A row's identity is (origin, seq) and
 * every origin numbers its rows 1, 2, 3, ...: a store that holds fewer rows of an origin than the
 * highest number any store saw has lost some; the key forbids the same identity twice, and
 * {@link JdbcStore#repeatedSamples()} finds the same sample recorded under two identities.
 *
 * @param stores what each store holds, in the order given
 */
public record HistoryAudit(List<Store> stores) {

    /**
     * One store: per origin its mark (highest seq), rows held and time span, and the rows held up
     * to the audit's cutoff; samples recorded twice.
     */
    public record Store(String name, Map<String, Long> marks, Map<String, JdbcStore.OriginSpan> spans,
            Map<String, Long> upToCutoff, long repeated) {
        public long rows() {
            return spans.values().stream().mapToLong(JdbcStore.OriginSpan::rows).sum();
        }
    }

    /**
     * Opens and reads each store as its server would ({@code database} is This SCADA's Database
     * column, {@code data} its data directory). Opening one starts a new incarnation that writes
     * nothing, so it changes no count. {@code cutoffMillis} is the moment up to which every server
     * had time to replicate (see {@link #lost()}).
     */
    public static Store read(String name, String database, Path data, long cutoffMillis) throws StoreException {
        JdbcStore store = JdbcStore.open(StoreLocation.parse(database, data), "audit");
        try {
            Map<String, Long> marks = new TreeMap<>(store.highWaterMarks());
            marks.values().removeIf(v -> v == 0); // this audit's incarnation, and any that wrote nothing
            Map<String, JdbcStore.OriginSpan> spans = new TreeMap<>();
            for (JdbcStore.OriginSpan s : store.originSpans()) {
                spans.put(s.origin(), s);
            }
            return new Store(name, marks, spans, new TreeMap<>(store.rowsUpTo(cutoffMillis * 1000)), store.repeatedSamples());
        } finally {
            store.close();
        }
    }

    /** Every origin any store holds a row of. */
    public TreeSet<String> origins() {
        TreeSet<String> all = new TreeSet<>();
        for (Store s : stores) {
            all.addAll(s.marks().keySet());
            all.addAll(s.spans().keySet());
        }
        return all;
    }

    /** The highest seq of {@code origin} any store knows: how many rows the origin wrote (at least). */
    public long written(String origin) {
        return stores.stream().mapToLong(s -> s.marks().getOrDefault(origin, 0L)).max().orElse(0);
    }

    /** Rows written by all origins together. */
    public long written() {
        return origins().stream().mapToLong(this::written).sum();
    }

    /**
     * Rows up to the cutoff that some store holds and another does not, summed over the stores: a
     * row recorded before every server had time to replicate it and missing from one history.
     * (Rows after the cutoff are those the last server wrote while the others were stopping.)
     */
    public long lost() {
        long lost = 0;
        for (String o : origins()) {
            long most = stores.stream().mapToLong(s -> s.upToCutoff().getOrDefault(o, 0L)).max().orElse(0);
            for (Store s : stores) {
                lost += most - s.upToCutoff().getOrDefault(o, 0L);
            }
        }
        return lost;
    }

    /**
     * Rows missing inside the numbering of an origin, summed over the stores: numbers below a
     * store's mark for that origin that it does not hold (a store holds 1..mark of each origin once
     * in sync, less any gap it recorded).
     */
    public long holes() {
        long holes = 0;
        for (Store s : stores) {
            for (Map.Entry<String, Long> m : s.marks().entrySet()) {
                JdbcStore.OriginSpan span = s.spans().get(m.getKey());
                holes += m.getValue() - (span == null ? 0 : span.rows());
            }
        }
        return holes;
    }

    /** Samples recorded twice, summed over the stores. */
    public long repeated() {
        return stores.stream().mapToLong(Store::repeated).sum();
    }

    /**
     * The longest silence in the history between two origins that wrote one after the other (a
     * failover): from the last row of one to the first row of the next that began later; 0 with
     * fewer than two writing origins.
     */
    public long longestHandOverGapMillis() {
        List<JdbcStore.OriginSpan> spans = stores.stream().flatMap(s -> s.spans().values().stream())
                .sorted(java.util.Comparator.comparingLong(JdbcStore.OriginSpan::firstMicros)).toList();
        long gap = 0;
        for (int i = 1; i < spans.size(); i++) {
            JdbcStore.OriginSpan before = spans.get(i - 1);
            JdbcStore.OriginSpan after = spans.get(i);
            if (!before.origin().equals(after.origin()) && after.firstMicros() > before.lastMicros()) {
                gap = Math.max(gap, (after.firstMicros() - before.lastMicros()) / 1000);
            }
        }
        return gap;
    }
}

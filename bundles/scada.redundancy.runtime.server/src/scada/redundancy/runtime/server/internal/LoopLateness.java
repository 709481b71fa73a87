package scada.redundancy.runtime.server.internal;

/**
 * How late the redundancy loop ran its watchdog tick, over the node's life: a histogram in whole
 * milliseconds (the last bucket holds everything from its value up), so max and p99 cost no
 * memory however long the server runs. Loop-owned; {@link #snapshot} is read on the loop too.
 */
final class LoopLateness {
    private static final int BUCKETS = 10_001;
    private final long[] counts = new long[BUCKETS];
    private long ticks;
    private long maxMs;

    void record(long lateMs) {
        long ms = Math.max(0, lateMs);
        counts[(int) Math.min(BUCKETS - 1, ms)]++;
        ticks++;
        maxMs = Math.max(maxMs, ms);
    }

    /** @param ticks watchdog ticks measured; {@code p99Ms} and {@code maxMs} how late they ran */
    record Snapshot(long ticks, long p99Ms, long maxMs) {
    }

    Snapshot snapshot() {
        if (ticks == 0) {
            return new Snapshot(0, 0, 0);
        }
        long rank = (long) Math.ceil(ticks * 0.99);
        long seen = 0;
        for (int ms = 0; ms < BUCKETS; ms++) {
            seen += counts[ms];
            if (seen >= rank) {
                return new Snapshot(ticks, ms, maxMs);
            }
        }
        return new Snapshot(ticks, maxMs, maxMs);
    }
}

package scada.redundancy.cli.harness;

import java.util.Arrays;
import java.util.List;

/**
 * Summary statistics of measured values, percentiles by nearest rank: the p-th percentile is the
 * smallest value with at least p% of the values at or below it (so p99 of 20 values is the maximum).
 */
public record Stats(int n, long min, long p50, long p99, long max, double mean) {

    public static Stats of(List<Long> values) {
        if (values.isEmpty()) {
            return new Stats(0, -1, -1, -1, -1, -1);
        }
        long[] v = values.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Stats(v.length, v[0], rank(v, 50), rank(v, 99), v[v.length - 1], Arrays.stream(v).average().orElse(-1));
    }

    static long rank(long[] sorted, int percent) {
        int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}

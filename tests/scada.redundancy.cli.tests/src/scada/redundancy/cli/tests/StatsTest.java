package scada.redundancy.cli.tests;

import static org.junit.Assert.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.Test;

import scada.redundancy.cli.harness.Stats;

/** The benchmark's statistics: nearest-rank percentiles. */
public class StatsTest {
    @Test
    public void nearestRankPercentiles() {
        List<Long> v = new ArrayList<>();
        for (long i = 20; i >= 1; i--) {
            v.add(i * 10);
        }
        Stats s = Stats.of(v);
        assertEquals(20, s.n());
        assertEquals(10, s.min());
        assertEquals(100, s.p50()); // the 10th of 20 values
        assertEquals(200, s.p99()); // ceil(19.8) = 20th
        assertEquals(200, s.max());
        assertEquals(105.0, s.mean(), 1e-9);
        Stats hundred = Stats.of(java.util.stream.LongStream.rangeClosed(1, 100).boxed().toList());
        assertEquals(50, hundred.p50());
        assertEquals(99, hundred.p99());
        assertEquals(1, Stats.of(List.of(7L)).n());
        assertEquals(7, Stats.of(List.of(7L)).p99());
        assertEquals(0, Stats.of(List.of()).n());
    }
}

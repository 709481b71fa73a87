package scada.redundancy.runtime.server.internal;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

/** The redundancy thread's lateness figures: nearest-rank p99 and max, bounded memory however long it runs. */
public class LoopLatenessTest {

    @Test
    public void nothingMeasuredIsZero() {
        assertEquals(new LoopLateness.Snapshot(0, 0, 0), new LoopLateness().snapshot());
    }

    @Test
    public void p99IsTheNearestRankAndMaxTheWorst() {
        LoopLateness l = new LoopLateness();
        for (int i = 0; i < 990; i++) {
            l.record(1);
        }
        for (int i = 0; i < 9; i++) {
            l.record(40);
        }
        l.record(700); // one stall in a thousand ticks: the p99 does not hide the stall in max
        LoopLateness.Snapshot s = l.snapshot();
        assertEquals(1000, s.ticks());
        assertEquals(1, s.p99Ms());
        assertEquals(700, s.maxMs());
        for (int i = 0; i < 20; i++) {
            l.record(40);
        }
        assertEquals("now over one per cent are 40 ms late", 40, l.snapshot().p99Ms());
    }

    @Test
    public void earlyTicksCountAsOnTimeAndHugeStallsStayExactInMax() {
        LoopLateness l = new LoopLateness();
        l.record(-5); // a tick a little early (timer jitter)
        l.record(3_600_000); // an hour frozen: beyond the histogram, still the exact max
        LoopLateness.Snapshot s = l.snapshot();
        assertEquals(3_600_000, s.maxMs());
        assertEquals(10_000, s.p99Ms()); // the histogram's last bucket: "10 s or more"
    }
}

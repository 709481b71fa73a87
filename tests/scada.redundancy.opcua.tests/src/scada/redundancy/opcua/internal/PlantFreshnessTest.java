package scada.redundancy.opcua.internal;

import static org.junit.Assert.assertEquals;

import java.time.Instant;

import org.junit.After;
import org.junit.Test;
import org.osgi.framework.FrameworkUtil;

import scada.redundancy.plant.Quality;
import scada.redundancy.project.DataType;

/**
 * Freshness as the ServiceLevel sees it: a tag is fresh while Good and younger than 3 poll
 * periods plus the read timeout; a new primary's tags count as pending, not stale, for the time
 * its first polls take (connect + 3 polls + read).
 */
public class PlantFreshnessTest {
    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
    /** 3 × 200 ms + the test PLC's 100 ms read timeout. */
    private static final long FRESH_MS = 700;
    /** The test PLC's 100 ms connect timeout + 3 × 200 ms + 100 ms read. */
    private static final long GRACE_MS = 800;

    private final TestPlant plant = new TestPlant(FrameworkUtil.getBundle(PlantFreshnessTest.class).getBundleContext(), "p",
            TestPlant.tag("a", DataType.INT16, 1, 200, ""), TestPlant.tag("b", DataType.INT16, 1, 200, ""));

    @After
    public void close() {
        plant.close();
    }

    @Test
    public void everyTagGoodAndYoungerThanItsLimitIsFresh() {
        plant.set("a", 1, Quality.GOOD, NOW.minusMillis(FRESH_MS));
        plant.set("b", 1, Quality.GOOD, NOW);
        assertEquals(DataFreshness.FRESH, PlantFreshness.judge(plant, NOW, null));
        plant.set("a", 1, Quality.GOOD, NOW.minusMillis(FRESH_MS + 1));
        assertEquals("one tag a millisecond too old", DataFreshness.PARTIAL, PlantFreshness.judge(plant, NOW, null));
        plant.set("b", 1, Quality.UNCERTAIN_LAST_USABLE_VALUE, NOW);
        assertEquals("old and not Good: nothing fresh", DataFreshness.NONE, PlantFreshness.judge(plant, NOW, null));
    }

    @Test
    public void aNewPrimarysTagsArePendingForTheTimeItsFirstPollsTake() {
        // Nothing read yet (BadWaitingForInitialData).
        assertEquals(DataFreshness.PARTIAL, PlantFreshness.judge(plant, NOW, NOW.minusMillis(GRACE_MS - 1)));
        assertEquals(DataFreshness.NONE, PlantFreshness.judge(plant, NOW, NOW.minusMillis(GRACE_MS)));
        assertEquals("not serving: no grace", DataFreshness.NONE, PlantFreshness.judge(plant, NOW, null));
        plant.set("a", 1, Quality.GOOD, NOW);
        plant.set("b", 1, Quality.GOOD, NOW);
        assertEquals(DataFreshness.FRESH, PlantFreshness.judge(plant, NOW, NOW));
    }

    @Test
    public void withoutAPlantOrTagsThereIsNothingToJudge() {
        assertEquals(DataFreshness.NOT_TRACKED, PlantFreshness.judge(null, NOW, NOW));
        try (TestPlant empty = new TestPlant(FrameworkUtil.getBundle(PlantFreshnessTest.class).getBundleContext(), "empty")) {
            assertEquals(DataFreshness.NOT_TRACKED, PlantFreshness.judge(empty, NOW, null));
        }
    }
}

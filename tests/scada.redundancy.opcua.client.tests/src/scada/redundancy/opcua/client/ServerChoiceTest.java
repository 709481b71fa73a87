package scada.redundancy.opcua.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.Test;

/** Where a client keeps its subscription, given the servers' ServiceLevels. */
public class ServerChoiceTest {

    private static Map<String, Integer> levels(Object... pairs) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], (Integer) pairs[i + 1]);
        }
        return m;
    }

    @Test
    public void withoutACurrentServerTheHighestLevelWinsAndTheFirstGivenOnATie() {
        assertEquals("B", ServerChoice.choose(null, levels("A", 120, "B", 250)));
        assertEquals("A", ServerChoice.choose(null, levels("A", 150, "B", 150)));
        assertNull(ServerChoice.choose(null, levels()));
    }

    @Test
    public void itStaysUnlessAnotherIsClearlyBetter() {
        assertEquals("A", ServerChoice.choose("A", levels("A", 150, "B", 150 + ServerChoice.HYSTERESIS)));
        assertEquals("B", ServerChoice.choose("A", levels("A", 150, "B", 151 + ServerChoice.HYSTERESIS)));
        assertEquals("a higher sub-range of Part 4 wins even by one point", "B",
                ServerChoice.choose("A", levels("A", 199, "B", 200)));
        assertEquals("NoData beats Maintenance", "B", ServerChoice.choose("A", levels("A", 0, "B", 1)));
        assertEquals("a current server that no longer answers is not in the map", "B",
                ServerChoice.choose("A", levels("B", 100)));
    }

    @Test
    public void maintenanceOrNoDataIsTakenOnlyWhenNothingBetterAnswers() {
        assertEquals("B", ServerChoice.choose(null, levels("A", 0, "B", 40)));
        assertEquals("A", ServerChoice.choose(null, levels("A", 1, "B", 0)));
        assertEquals("a server at 0 is still better than none", "A", ServerChoice.choose(null, levels("A", 0)));
    }
}

package scada.redundancy.modbus.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import org.junit.After;
import org.junit.Test;

import scada.redundancy.cli.harness.PlcSimulator;
import scada.redundancy.plant.Quality;
import scada.redundancy.plant.TagValue;
import scada.redundancy.project.Project;

/**
 * The Modbus driver against the real simulator (a Modbus TCP slave on loopback), in this JVM:
 * values decoded and scaled as the project says, quality when the PLC is dead, hangs or refuses
 * an address, reconnection, and what cold and warm standby do with the connection.
 */
public class ModbusDriverTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String LOCAL = "127.0.0.1";

    private PlcSimulator sim;
    private TestPlant plant;

    @After
    public void close() throws Exception {
        if (plant != null) {
            plant.close();
        }
        if (sim != null) {
            sim.close();
        }
    }

    private Project startSimulator(int connectTimeoutMs, int readTimeoutMs) throws Exception {
        Project probe = TestPlant.sampleOn(5020, connectTimeoutMs, readTimeoutMs);
        sim = new PlcSimulator(probe.tags(), InetAddress.getByName(LOCAL), 0);
        return TestPlant.sampleOn(sim.port(), connectTimeoutMs, readTimeoutMs);
    }

    @Test
    public void valuesAreDecodedAndScaledAsTheProjectSays() throws Exception {
        Project project = startSimulator(1000, 500);
        sim.pin("boiler/temperature", 87.25);
        sim.pin("boiler/pressure", -1.5); // int16 raw -150 × 0.01
        sim.pin("boiler/level", 6553.5); // uint16 raw 65535 × 0.1
        sim.pin("line/count", 100_000); // int32 across two registers
        sim.pin("line/motor-current", 3.5);
        sim.pin("boiler/burner-on", 1);
        sim.pin("line/door-open", 0);
        plant = new TestPlant(project, Plant.Standby.COLD);
        plant.plant.startPolling(1);
        assertValue("boiler/temperature", 87.25);
        assertValue("boiler/pressure", -1.5);
        assertValue("boiler/level", 6553.5);
        assertValue("line/count", 100_000);
        assertValue("line/motor-current", 3.5);
        assertValue("boiler/burner-on", 1);
        assertValue("line/door-open", 0);
        sim.pin("boiler/burner-on", 0);
        assertValue("boiler/burner-on", 0);
        assertTrue(plant.plant.polling());
    }

    @Test
    public void simulatedValuesChangeAndArePolledAtTheirPeriods() throws Exception {
        Project project = startSimulator(1000, 500);
        plant = new TestPlant(project, Plant.Standby.COLD);
        plant.plant.startPolling(1);
        TagValue first = plant.await("boiler/temperature", TagValue::isGood, WAIT, "good");
        plant.await("boiler/temperature", v -> v.isGood() && v.value() != first.value(), WAIT, "changed");
        long before = sim.requestsFrom(LOCAL);
        // 500 ms and 1000 ms tags in a few blocks: over 2 s, at least the 500 ms blocks come 4 times.
        assertTrue(sim.awaitRequests(LOCAL, before + 8, Duration.ofMillis(2500)));
    }

    @Test
    public void beforePollingEveryValueWaitsForInitialData() throws Exception {
        Project project = startSimulator(1000, 500);
        plant = new TestPlant(project, Plant.Standby.COLD);
        List<TagValue> all = plant.plant.snapshot();
        assertEquals(10, all.size());
        for (TagValue v : all) {
            assertEquals(v.toString(), Quality.BAD_WAITING_FOR_INITIAL_DATA, v.quality());
            assertTrue(Double.isNaN(v.value()));
        }
        assertFalse(plant.plant.polling());
    }

    @Test
    public void aDeadPlcGivesBadQualityAndAHealthReportWithoutAStuckThread() throws Exception {
        Project project = TestPlant.sampleOn(TestPlant.freePort(), 1000, 500);
        plant = new TestPlant(project, Plant.Standby.COLD);
        plant.plant.startPolling(1);
        TagValue v = plant.await("boiler/temperature", x -> x.quality() == Quality.BAD_COMMUNICATION_ERROR, WAIT,
                "BadCommunicationError");
        assertTrue(Double.isNaN(v.value()));
        var health = plant.awaitHealth(h -> h.containsKey("plc:boiler-plc"), WAIT, "reporting the PLC");
        String report = health.get("plc:boiler-plc");
        assertTrue(report, report.startsWith(Plant.PLC_PROBLEM_WEIGHT + " PLC boiler-plc (127.0.0.1:"));
        assertTrue(report, report.contains("unreachable"));
        // close() asserts the session ends within 3 s
    }

    @Test
    public void aPlcThatComesBackIsPolledAgainAndTheHealthReportClears() throws Exception {
        Project project = startSimulator(1000, 500);
        int port = sim.port();
        plant = new TestPlant(project, Plant.Standby.COLD);
        plant.plant.startPolling(1);
        plant.await("line/speed", TagValue::isGood, WAIT, "good");
        sim.close();
        TagValue bad = plant.await("line/speed", v -> v.quality() == Quality.BAD_COMMUNICATION_ERROR, WAIT, "bad");
        assertFalse("the last value is kept with the bad quality", Double.isNaN(bad.value()));
        plant.awaitHealth(h -> h.containsKey("plc:boiler-plc"), WAIT, "reporting the PLC");
        sim = new PlcSimulator(project.tags(), InetAddress.getByName(LOCAL), port);
        long back = System.nanoTime();
        plant.await("line/speed", TagValue::isGood, WAIT, "good again");
        long ms = (System.nanoTime() - back) / 1_000_000;
        assertTrue("reconnected within the longest retry and a poll period: " + ms + " ms",
                ms < PlcSession.LONGEST_RETRY_MS + 500 + 500);
        plant.awaitHealth(h -> !h.containsKey("plc:boiler-plc"), WAIT, "cleared");
    }

    @Test
    public void aPlcThatHangsTimesOutWithBadTimeout() throws Exception {
        Project project = startSimulator(1000, 300);
        plant = new TestPlant(project, Plant.Standby.COLD);
        plant.plant.startPolling(1);
        plant.await("boiler/temperature", TagValue::isGood, WAIT, "good");
        sim.stall(true);
        long stalled = System.nanoTime();
        plant.await("boiler/temperature", v -> v.quality() == Quality.BAD_TIMEOUT, WAIT, "BadTimeout");
        long ms = (System.nanoTime() - stalled) / 1_000_000;
        assertTrue("timed out within a poll period and the read timeout: " + ms + " ms", ms < 500 + 300 + 500);
        String report = plant.awaitHealth(h -> h.containsKey("plc:boiler-plc"), WAIT, "reporting").get("plc:boiler-plc");
        assertTrue(report, report.contains("did not answer") && report.contains("within 300 ms"));
        sim.stall(false);
        plant.await("boiler/temperature", TagValue::isGood, WAIT, "good again");
    }

    @Test
    public void anAddressThePlcRefusesIsBadDeviceFailureAndTheOthersStayGood() throws Exception {
        Project full = startSimulator(1000, 500);
        // The simulator serves the sample's addresses only; a tag at holding register 100 is refused.
        java.nio.file.Path dir = full.directory();
        java.nio.file.Files.writeString(dir.resolve("tags/extra.json"), """
                { "tags": [ { "name": "nowhere", "plc": "boiler-plc", "area": "holding-register", "offset": 100,
                  "type": "int16", "pollMs": 500 } ] }
                """);
        Project project = scada.redundancy.project.ProjectReader.read(dir);
        plant = new TestPlant(project, Plant.Standby.COLD);
        plant.plant.startPolling(1);
        plant.await("nowhere", v -> v.quality() == Quality.BAD_DEVICE_FAILURE, WAIT, "BadDeviceFailure");
        plant.await("boiler/temperature", TagValue::isGood, WAIT, "good");
        String report = plant.awaitHealth(h -> h.containsKey("plc:boiler-plc"), WAIT, "reporting").get("plc:boiler-plc");
        assertTrue(report, report.contains("refused a read of holding-register 100"));
    }

    @Test
    public void coldStandbyHasNoConnectionUntilItPolls() throws Exception {
        Project project = startSimulator(1000, 500);
        plant = new TestPlant(project, Plant.Standby.COLD);
        plant.plant.startPolling(1);
        assertTrue(sim.awaitRequests(LOCAL, 1, WAIT));
        plant.plant.stopPolling();
        assertTrue("the connection closes when polling stops", sim.awaitOpenConnections(LOCAL, 0, WAIT));
        long requests = sim.requestsFrom(LOCAL);
        plant.await("boiler/temperature", v -> v.quality() == Quality.UNCERTAIN_LAST_USABLE_VALUE, WAIT,
                "UncertainLastUsableValue");
        assertFalse("no request while not polling", sim.awaitRequests(LOCAL, requests + 1, Duration.ofSeconds(1)));
        assertEquals(0, sim.openConnectionsFrom(LOCAL));
    }

    @Test
    public void warmStandbyHoldsTheConnectionWithoutPollingAndTakesOverOnIt() throws Exception {
        Project project = startSimulator(1000, 500);
        plant = new TestPlant(project, Plant.Standby.WARM);
        assertTrue("warm: connected before polling", sim.awaitOpenConnections(LOCAL, 1, WAIT));
        assertFalse("warm: no request before polling", sim.awaitRequests(LOCAL, 1, Duration.ofSeconds(1)));
        long start = System.nanoTime();
        plant.plant.startPolling(1);
        assertTrue(sim.awaitRequests(LOCAL, 1, WAIT));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue("takeover polls at once: " + ms + " ms", ms < 200);
        assertEquals("on the connection it held", 1, sim.stats().get(LOCAL).connections());
        plant.plant.stopPolling();
        // The round in flight finishes; then the session marks its values and stops asking.
        plant.await("line/count", v -> v.quality() == Quality.UNCERTAIN_LAST_USABLE_VALUE, WAIT, "UncertainLastUsableValue");
        long requests = sim.requestsFrom(LOCAL);
        assertFalse(sim.awaitRequests(LOCAL, requests + 1, Duration.ofSeconds(1)));
        assertEquals("still connected after polling stops", 1, sim.openConnectionsFrom(LOCAL));
    }

    @Test
    public void warmStandbyReconnectsWhenThePlcDropsTheIdleConnection() throws Exception {
        Project project = startSimulator(1000, 500);
        plant = new TestPlant(project, Plant.Standby.WARM);
        assertTrue(sim.awaitOpenConnections(LOCAL, 1, WAIT));
        sim.dropConnections();
        assertTrue("the drop is seen", sim.awaitOpenConnections(LOCAL, 0, WAIT));
        // The held connection is checked once a second; the retry follows at once.
        assertTrue("reconnected", sim.awaitOpenConnections(LOCAL, 1, WAIT));
        assertEquals(2, sim.stats().get(LOCAL).connections());
        assertEquals("still no request", 0, sim.requestsFrom(LOCAL));
    }

    @Test
    public void readBlocksJoinNeighboursAndSplitAtPeriodsAndGaps() throws Exception {
        Project project = TestPlant.sampleOn(5020, 1000, 500);
        List<ReadBlock> blocks = ReadBlock.plan(project.tags());
        // 500 ms: holding 0..4 (temperature, pressure, speed), coils 0..1, discrete 0..1;
        // 1000 ms: holding 6..7 (count: another period), input 0..3 (level, motor current).
        assertEquals(blocks.toString(), 5, blocks.size());
        ReadBlock holding = blocks.stream().filter(b -> b.pollMs() == 500 && b.area().name().equals("HOLDING_REGISTER"))
                .findFirst().orElseThrow();
        assertEquals(0, holding.offset());
        assertEquals(5, holding.count());
        assertEquals(3, holding.tags().size());
        ReadBlock input = blocks.stream().filter(b -> b.area().name().equals("INPUT_REGISTER")).findFirst().orElseThrow();
        assertEquals("uint16 at 0 and float32 at 2: one read of 4", 4, input.count());
        assertNotEquals("a different period is another read", holding.pollMs(),
                blocks.stream().filter(b -> b.offset() == 6).findFirst().orElseThrow().pollMs());
    }

    private void assertValue(String tag, double expected) throws InterruptedException {
        TagValue v = plant.await(tag, x -> x.isGood() && Math.abs(x.value() - expected) < 1e-6, WAIT, "= " + expected);
        assertEquals(Quality.GOOD, v.quality());
    }
}

package scada.redundancy.modbus.tests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.After;
import org.junit.Test;

import scada.redundancy.cli.harness.PlcSimulator;
import scada.redundancy.cli.harness.RedundancySet;
import scada.redundancy.project.Project;
import scada.redundancy.project.ProjectReader;
import scada.redundancy.runtime.Role;

/**
 * Two real server processes with the sample project and the simulated PLC: only the primary
 * polls (the simulator counts requests by client address, and each server connects from its own
 * address), in cold standby the backup does not even connect, in warm standby it holds a
 * connection without a request; after kill -9 of the primary the new primary polls within
 * Timeout plus a poll period (plus the time the machine takes to schedule it).
 */
public class PrimaryPollsProcessTest {
    private static final int PERIOD_MS = 200;
    private static final int TIMEOUT_MS = 600;
    /** The sample's fastest poll period. */
    private static final int POLL_MS = 500;
    /** What a loaded 2-core machine adds to a takeover: SCR activation, a thread wake-up, a connect. */
    private static final int SLACK_MS = 1000;

    private RedundancySet set;
    private PlcSimulator sim;

    @After
    public void close() throws Exception {
        if (set != null) {
            set.close();
        }
        if (sim != null) {
            sim.close();
        }
    }

    private void start(String standby) throws Exception {
        Path dir = RedundancySet.tempDir("duplex-plant-");
        Project sample = ProjectReader.read(SampleProject.sample());
        sim = new PlcSimulator(sample.tags(), InetAddress.getByName("127.0.0.1"), 0);
        Path project = SampleProject.copyOn(dir.resolve("plant"), sim.port(), 1000, 500);
        set = RedundancySet.builder(dir, 2).timing(PERIOD_MS, TIMEOUT_MS)
                .javaOptions(List.of("-Dduplex.project=" + project, "-Dduplex.standby=" + standby,
                        "-Dduplex.plc.source=bind"))
                .build().startAll();
    }

    @Test
    public void coldStandbyOnlyThePrimaryPollsAndTheBackupTakesOverAfterKill9() throws Exception {
        start("cold");
        int primary = set.awaitStable(Duration.ofSeconds(25));
        int backup = 1 - primary;
        String p = set.address(primary);
        String b = set.address(backup);
        assertTrue("the primary polls", sim.awaitRequests(p, 10, Duration.ofSeconds(10)));
        assertFalse("the backup sends no request", sim.awaitRequests(b, 1, Duration.ofSeconds(2)));
        assertEquals("cold: the backup has no connection", 0, sim.stats().containsKey(b) ? sim.stats().get(b).connections() : 0);

        long killed = System.nanoTime();
        set.server(primary).kill();
        assertTrue("the new primary polls", sim.awaitRequests(b, 1, Duration.ofSeconds(10)));
        long takeoverMs = (System.nanoTime() - killed) / 1_000_000;
        System.out.println("cold standby: first poll by the new primary " + takeoverMs + " ms after kill -9 (Timeout "
                + TIMEOUT_MS + " ms, poll " + POLL_MS + " ms)");
        assertTrue("first poll " + takeoverMs + " ms after the kill", takeoverMs <= TIMEOUT_MS + POLL_MS + SLACK_MS);
        assertEquals(Role.PRIMARY, set.status(backup).role());
        assertEquals("the killed server's connection is gone", 0, sim.openConnectionsFrom(p));
        // A set that names no OPC UA port runs its servers without one (opcua.port=0): no certificate, no port.
        assertFalse(java.nio.file.Files.exists(set.server(backup).data().resolve("opcua/server.p12")));
        assertTrue(set.server(backup).countInLog("no OPC UA server on this server (opcua.port=0)", 0,
                set.server(backup).logLength()) == 1);
        assertTrue(set.logsWithUncaughtExceptions().toString(), set.logsWithUncaughtExceptions().isEmpty());
    }

    @Test
    public void warmStandbyTheBackupHoldsAConnectionWithoutPollingAndPollsOnItAfterKill9() throws Exception {
        start("warm");
        int primary = set.awaitStable(Duration.ofSeconds(25));
        int backup = 1 - primary;
        String p = set.address(primary);
        String b = set.address(backup);
        assertTrue("the primary polls", sim.awaitRequests(p, 10, Duration.ofSeconds(10)));
        assertTrue("warm: the backup is connected", sim.awaitOpenConnections(b, 1, Duration.ofSeconds(5)));
        assertFalse("warm: the backup sends no request", sim.awaitRequests(b, 1, Duration.ofSeconds(2)));
        long connectionsBefore = sim.stats().get(b).connections();

        long killed = System.nanoTime();
        set.server(primary).kill();
        assertTrue("the new primary polls", sim.awaitRequests(b, 1, Duration.ofSeconds(10)));
        long takeoverMs = (System.nanoTime() - killed) / 1_000_000;
        System.out.println("warm standby: first poll by the new primary " + takeoverMs + " ms after kill -9 (Timeout "
                + TIMEOUT_MS + " ms, poll " + POLL_MS + " ms)");
        assertTrue("first poll " + takeoverMs + " ms after the kill", takeoverMs <= TIMEOUT_MS + POLL_MS + SLACK_MS);
        assertEquals("on the connection it held", connectionsBefore, sim.stats().get(b).connections());
        assertTrue(set.logsWithUncaughtExceptions().toString(), set.logsWithUncaughtExceptions().isEmpty());
    }
}

package scada.redundancy.opcua.tests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.junit.After;
import org.junit.Test;

import scada.redundancy.cli.harness.PlcSimulator;
import scada.redundancy.cli.harness.RedundancySet;
import scada.redundancy.cli.harness.SampleProject;
import scada.redundancy.opcua.internal.OpcUaTestClient;
import scada.redundancy.runtime.RedundancyStatus;

/**
 * The plant over OPC UA in real server processes: the built server product, two servers with
 * the sample project (examples/plant) in cold standby and the PLC simulator. A plain OPC UA
 * client subscribed to a tag on the primary gets changing Good values with the PLC's time; the
 * same tag on the backup, which never polled, is Bad_WaitingForInitialData; and the primary's
 * status (read as the studio reads it, over the redundancy link) counts and names the client's
 * session.
 */
public class PlantOverOpcUaProcessTest {
    private static final String TAG = "boiler/temperature";
    private static final Duration UP = Duration.ofSeconds(20);

    private RedundancySet set;
    private PlcSimulator sim;
    private OpcUaTestClient toPrimary;
    private OpcUaTestClient toBackup;

    @After
    public void close() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] { toPrimary, toBackup, set, sim }) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    public void aClientOnThePrimaryGetsChangingGoodValuesTheColdBackupHasNoneAndTheStatusNamesTheClient() throws Exception {
        Path dir = RedundancySet.tempDir("duplex-opcua-plant-");
        sim = PlcSimulator.forProject(SampleProject.find(), "127.0.0.1", 0);
        Path project = SampleProject.copyOn(dir.resolve("plant"), sim.port(), 1000, 500);
        int opcuaPort = RedundancySet.freePort(List.of("127.0.2.1", "127.0.2.2"));
        set = RedundancySet.builder(dir, 2).timing(200, 600)
                .javaOptions(List.of("-Dduplex.opcua.port=" + opcuaPort, "-Dduplex.project=" + project,
                        "-Dduplex.standby=cold"))
                .build();
        OpcUaTestClient.Identity hmi = OpcUaTestClient.Identity.create("hmi");
        for (int i = 0; i < 2; i++) {
            hmi.trustOn(set.server(i).data());
        }
        set.startAll();
        int primary = set.awaitStable(Duration.ofSeconds(30));
        int backup = 1 - primary;
        toPrimary = OpcUaTestClient.connectWhenUp(set.address(primary), opcuaPort, hmi, false, UP);
        toBackup = OpcUaTestClient.connectWhenUp(set.address(backup), opcuaPort, hmi, false, UP);
        NodeId temperature = new NodeId(toPrimary.client().getNamespaceTable().getIndex("urn:duplex:scada:tags"), TAG);

        Set<Object> seen = new LinkedHashSet<>();
        long started = System.nanoTime();
        DataValue last = toPrimary.await(temperature, v -> {
            if (v.getStatusCode().isGood() && v.getValue().getValue() != null) {
                seen.add(v.getValue().getValue());
            }
            return seen.size() >= 3;
        }, Duration.ofSeconds(15), "three different Good values of " + TAG + " on the primary");
        long ms = (System.nanoTime() - started) / 1_000_000;
        System.out.println("opcua_plant_values=" + seen + " in " + ms + " ms (poll 500 ms)");
        assertTrue("the PLC's time: within the last seconds", last.getSourceTime().getJavaInstant()
                .isAfter(java.time.Instant.now().minusSeconds(10)));
        assertTrue("fresh data: Healthy", toPrimary.serviceLevel() >= 200);

        NodeId onBackup = new NodeId(toBackup.client().getNamespaceTable().getIndex("urn:duplex:scada:tags"), TAG);
        assertEquals("cold standby: the backup never polled", StatusCodes.Bad_WaitingForInitialData,
                toBackup.read(onBackup).getStatusCode().getValue());

        RedundancyStatus status = set.status(primary);
        assertTrue("the primary's status names the session: " + status.clients(),
                status.clients().stream().anyMatch(c -> c.matches("opcua hmi \\(127\\.[0-9.]+\\)")));
        assertTrue("connectedClients counts it: " + status.connectedClients(), status.connectedClients() >= 1);
        assertTrue(set.logsWithUncaughtExceptions().toString(), set.logsWithUncaughtExceptions().isEmpty());
    }
}

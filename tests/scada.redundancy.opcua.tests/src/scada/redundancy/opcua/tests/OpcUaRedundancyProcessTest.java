package scada.redundancy.opcua.tests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.List;

import org.eclipse.milo.opcua.stack.core.Identifiers;
import org.eclipse.milo.opcua.stack.core.types.enumerated.RedundancySupport;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;

import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.enumerated.ServerState;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodResult;
import org.junit.After;
import org.junit.Test;

import scada.redundancy.cli.harness.RedundancySet;
import scada.redundancy.opcua.internal.OpcUaTestClient;
import scada.redundancy.runtime.Role;

/**
 * The OPC UA redundancy information of real server processes (the built server product, two
 * servers on 127.0.2.1 and 127.0.2.2, the same OPC UA port on both), read by a plain Milo client
 * with SignAndEncrypt, as a plant's HMI would: RedundancySupport and ServerUriArray on each, the
 * primary's ServiceLevel Healthy (200 and above) and the backup's Degraded (2 to 199), and after
 * kill -9 of the primary the backup's ServiceLevel Healthy within Timeout + Period; maintenance of
 * the primary by an administrator: it hands over first, then shows ServiceLevel 0.
 */
public class OpcUaRedundancyProcessTest {
    private static final int PERIOD_MS = 200;
    private static final int TIMEOUT_MS = 600;
    private static final Duration UP = Duration.ofSeconds(20);

    private RedundancySet set;
    private OpcUaTestClient toPrimary;
    private OpcUaTestClient toBackup;

    @After
    public void close() throws Exception {
        for (OpcUaTestClient c : new OpcUaTestClient[] { toPrimary, toBackup }) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    // the killed server's session is gone with it
                }
            }
        }
        if (set != null) {
            set.close();
        }
    }

    @Test
    public void serviceLevelFollowsTheRolesAndTheNewPrimaryRisesToHealthyAfterKill9() throws Exception {
        int opcuaPort = RedundancySet.freePort(List.of("127.0.2.1", "127.0.2.2"));
        set = RedundancySet.builder(RedundancySet.tempDir("duplex-opcua-"), 2).timing(PERIOD_MS, TIMEOUT_MS)
                .javaOptions(List.of("-Dduplex.opcua.port=" + opcuaPort)).build();
        OpcUaTestClient.Identity hmi = OpcUaTestClient.Identity.create("hmi");
        for (int i = 0; i < 2; i++) {
            hmi.trustOn(set.server(i).data()); // an operator approves the HMI's certificate on both servers
        }
        set.startAll();
        int primary = set.awaitStable(Duration.ofSeconds(30));
        int backup = 1 - primary;
        toPrimary = OpcUaTestClient.connectWhenUp(set.address(primary), opcuaPort, hmi, false, UP);
        toBackup = OpcUaTestClient.connectWhenUp(set.address(backup), opcuaPort, hmi, false, UP);

        for (int i : new int[] { primary, backup }) {
            OpcUaTestClient c = i == primary ? toPrimary : toBackup;
            assertEquals(RedundancySupport.Cold.getValue(),
                    ((Number) c.read(Identifiers.Server_ServerRedundancy_RedundancySupport).getValue().getValue()).intValue());
            assertArrayEquals("each names the other", new String[] { "urn:duplex:scada:" + RedundancySet.symbol(1 - i) },
                    (String[]) c.read(Identifiers.Server_ServerRedundancy_ServerUriArray).getValue().getValue());
        }
        int primaryLevel = toPrimary.awaitServiceLevel(l -> l >= 200, Duration.ofSeconds(5), "the primary is Healthy");
        int backupLevel = toBackup.awaitServiceLevel(l -> l >= 2 && l <= 199, Duration.ofSeconds(5),
                "the backup is Degraded");
        assertTrue(primaryLevel + " > " + backupLevel, primaryLevel > backupLevel);

        long killed = System.nanoTime();
        set.server(primary).kill();
        Duration allowed = Duration.ofMillis(TIMEOUT_MS + PERIOD_MS);
        int risen = toBackup.awaitServiceLevel(l -> l >= 200, allowed, "the new primary's ServiceLevel is Healthy");
        long ms = (System.nanoTime() - killed) / 1_000_000;
        System.out.println("opcua_service_level_rise_ms=" + ms + " from=" + backupLevel + " to=" + risen
                + " (kill -9 of the primary to a Healthy ServiceLevel on the backup, allowed " + allowed.toMillis() + " ms)");
        assertEquals(Role.PRIMARY, set.status(backup).role());
    }

    @Test
    public void maintenanceOfThePrimaryHandsOverFirstAndClientsSeeServiceLevelZero() throws Exception {
        int opcuaPort = RedundancySet.freePort(List.of("127.0.2.1", "127.0.2.2"));
        set = RedundancySet.builder(RedundancySet.tempDir("duplex-opcua-"), 2).timing(PERIOD_MS, TIMEOUT_MS)
                .javaOptions(List.of("-Dduplex.opcua.port=" + opcuaPort)).build();
        OpcUaTestClient.Identity admin = OpcUaTestClient.Identity.create("admin");
        for (int i = 0; i < 2; i++) {
            admin.trustOn(set.server(i).data());
            admin.administerOn(set.server(i).data());
        }
        set.startAll();
        int primary = set.awaitStable(Duration.ofSeconds(30));
        int backup = 1 - primary;
        toPrimary = OpcUaTestClient.connectWhenUp(set.address(primary), opcuaPort, admin, false, UP);
        toBackup = OpcUaTestClient.connectWhenUp(set.address(backup), opcuaPort, admin, false, UP);
        toPrimary.awaitServiceLevel(l -> l >= 200, Duration.ofSeconds(5), "the primary is Healthy");

        Instant back = Instant.now().plusSeconds(600).truncatedTo(ChronoUnit.MILLIS);
        CallMethodResult r = toPrimary.client().call(new CallMethodRequest(Identifiers.Server,
                Identifiers.Server_RequestServerStateChange, new Variant[] { new Variant(ServerState.Suspended.getValue()),
                        new Variant(new DateTime(back)), new Variant(UInteger.valueOf(0)),
                        new Variant(LocalizedText.english("update")), new Variant(false) }))
                .get(20, TimeUnit.SECONDS);
        assertTrue(String.valueOf(r.getStatusCode()), r.getStatusCode().isGood());
        // The call returns once the hand-over is done: the backup is primary already.
        assertEquals(Role.PRIMARY, set.status(backup).role());
        toBackup.awaitServiceLevel(l -> l >= 200, Duration.ofSeconds(2), "the successor is Healthy");
        assertEquals(0, toPrimary.awaitServiceLevel(l -> l == 0, Duration.ofSeconds(2), "the old primary in Maintenance"));
        assertEquals(ServerState.Suspended.getValue(),
                ((Number) toPrimary.read(Identifiers.Server_ServerStatus_State).getValue().getValue()).intValue());
        assertEquals(back, ((DateTime) toPrimary.read(Identifiers.Server_EstimatedReturnTime).getValue().getValue())
                .getJavaInstant());

        CallMethodResult done = toPrimary.client().call(new CallMethodRequest(Identifiers.Server,
                Identifiers.Server_RequestServerStateChange, new Variant[] { new Variant(ServerState.Running.getValue()),
                        new Variant(DateTime.NULL_VALUE), new Variant(UInteger.valueOf(0)), new Variant(LocalizedText.english("")),
                        new Variant(false) }))
                .get(20, TimeUnit.SECONDS);
        assertTrue(done.getStatusCode().isGood());
        // Leaving maintenance withdraws its health report; the status that says so may reach the
        // OPC UA server a moment after the state change (a backup that cannot take over, 2-50, meanwhile).
        int level = toPrimary.awaitServiceLevel(l -> l >= 75 && l <= 150, Duration.ofSeconds(10),
                "back from maintenance as a healthy backup, Degraded range (failback is manual)");
        assertTrue("a healthy backup again: " + level, level >= 75);
        assertEquals(Role.BACKUP, set.status(primary).role());
    }
}

package scada.redundancy.opcua.client.tests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

import org.junit.After;
import org.junit.Test;

import scada.redundancy.cli.harness.HistoryAudit;
import scada.redundancy.cli.harness.PlcSimulator;
import scada.redundancy.cli.harness.RedundancySet;
import scada.redundancy.cli.harness.SampleProject;
import scada.redundancy.opcua.client.ClientIdentity;
import scada.redundancy.opcua.client.FailoverClient;
import scada.redundancy.opcua.client.FailoverListener;
import scada.redundancy.opcua.client.Switch;
import scada.redundancy.opcua.client.TagValue;
import scada.redundancy.project.Project;
import scada.redundancy.project.ProjectReader;
import scada.redundancy.project.Tag;

/**
 * The failover client against the real product: a PLC simulator, two server processes with the
 * sample project (every tag polled every 100 ms), H2 history with DB sync, OPC UA on the same port
 * of 127.0.2.1 and 127.0.2.2. A client whose certificate no server approved is refused and told
 * what to do; an approved one sits on the primary with Good values of every tag, and the primary's
 * status names its session (Connected Client); after kill -9 of
 * the primary it moves to the new primary by itself and receives Good values of every tag there
 * (its subscription re-created, nothing to do for the user); the client gap and the history's
 * silence at the failover are measured; the old primary returns and catches up, and when the new
 * primary is killed too the client moves back to it; both histories hold every row recorded up to
 * the moment they were in sync, once.
 */
public class FailoverClientProcessTest {
    private static final int PERIOD_MS = 200;
    private static final int TIMEOUT_MS = 600;
    private static final int POLL_MS = 100;
    private static final Duration UP = Duration.ofSeconds(30);

    private final List<AutoCloseable> open = new ArrayList<>();

    @After
    public void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                // a killed server's session is gone with it
            }
        }
    }

    /** What the client heard, from its own thread; the test waits on it by polling its state. */
    private static final class Heard implements FailoverListener {
        final Map<String, Map<String, TagValue>> goodByServer = new ConcurrentHashMap<>();
        final List<Switch> switches = new CopyOnWriteArrayList<>();
        final List<String> problems = new CopyOnWriteArrayList<>();

        @Override
        public void value(TagValue v) {
            if (v.good()) {
                goodByServer.computeIfAbsent(v.server(), k -> new ConcurrentHashMap<>()).put(v.tag(), v);
            }
        }

        @Override
        public void switched(Switch change) {
            switches.add(change);
        }

        @Override
        public void problem(String endpointUrl, String message) {
            problems.add(message);
        }

        Set<String> goodTags(String server) {
            return goodByServer.getOrDefault(server, Map.of()).keySet();
        }
    }

    private static void await(java.util.function.BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("not within " + timeout.toMillis() + " ms: " + what.get());
            }
            Thread.sleep(20); // polls a condition the client's thread changes; the deadline bounds it
        }
    }

    @Test
    public void anApprovedClientFollowsTheNewPrimaryAfterKill9WithEveryTagAndAnUnapprovedOneIsRefused() throws Exception {
        Path dir = RedundancySet.tempDir("duplex-opcua-client-");
        Project plant = ProjectReader.read(SampleProject.find());
        PlcSimulator plc = new PlcSimulator(plant.tags(), InetAddress.getByName("127.0.0.1"), 0);
        open.add(plc);
        Path project = SampleProject.copyOn(SampleProject.find(), dir.resolve("project"), plc.port(), 1000, 500, POLL_MS);
        int opcuaPort = RedundancySet.freePort(List.of("127.0.2.1", "127.0.2.2"));
        RedundancySet set = RedundancySet.builder(dir, 2).timing(PERIOD_MS, TIMEOUT_MS)
                .adjust((i, c) -> c.withThisScada(c.thisScada().withEnableDbSync(true).withDatabase("history")))
                .javaOptions(List.of("-Dduplex.project=" + project, "-Dduplex.opcua.port=" + opcuaPort,
                        "-Dduplex.plc.source=bind"))
                .build();
        open.add(set);
        ClientIdentity hmi = ClientIdentity.loadOrCreate(dir.resolve("hmi"), "hmi");
        ClientIdentity stranger = ClientIdentity.loadOrCreate(dir.resolve("stranger"), "stranger");
        for (int i = 0; i < 2; i++) {
            hmi.trustOn(set.server(i).data());
        }
        set.startAll();
        int primary = set.awaitStable(UP);
        int backup = 1 - primary;
        for (int i = 0; i < 2; i++) {
            hmi.trustServer(set.server(i).opcuaCertificate(Duration.ofSeconds(30))); // each server made its certificate at its first start
            stranger.trustServer(set.server(i).opcuaCertificate(Duration.ofSeconds(30))); // the stranger trusts them; they do not trust it
        }
        List<String> endpoints = List.of("opc.tcp://" + set.address(0) + ":" + opcuaPort,
                "opc.tcp://" + set.address(1) + ":" + opcuaPort);
        String[] tags = plant.tags().stream().map(Tag::name).toArray(String[]::new);

        Heard refused = new Heard();
        FailoverClient unapproved = FailoverClient.builder().endpoints(endpoints).identity(stranger).tags(tags)
                .listener(refused).start();
        open.add(unapproved);
        try {
            unapproved.awaitCurrentServer(Duration.ofSeconds(5));
            fail("a client no server approved got a session");
        } catch (TimeoutException expected) {
            await(() -> refused.problems.stream().anyMatch(p -> p.contains("trusted/certs")), Duration.ofSeconds(10),
                    () -> "a problem that says where to approve the certificate: " + refused.problems);
        }
        assertTrue("no value reached the unapproved client", refused.goodByServer.isEmpty());
        unapproved.close();

        Heard heard = new Heard();
        FailoverClient client = FailoverClient.builder().endpoints(endpoints).identity(hmi).tags(tags).listener(heard).start();
        open.add(client);
        String onPrimary = endpoints.get(primary);
        assertEquals("on the primary (highest ServiceLevel)", onPrimary, client.awaitCurrentServer(UP));
        await(() -> heard.goodTags(onPrimary).size() == tags.length, UP,
                () -> "Good values of every tag from the primary: " + heard.goodTags(onPrimary));
        scada.redundancy.runtime.RedundancyStatus status = set.status(primary);
        assertTrue("the primary's Connected Client names the OPC UA session: " + status.clients(),
                status.clients().stream().anyMatch(c -> c.startsWith("opcua ") && c.contains("(127.0.")));
        assertTrue("and counts it: " + status.connectedClients(), status.connectedClients() >= 1);

        Instant killed = Instant.now();
        set.server(primary).kill();
        String onBackup = endpoints.get(backup);
        await(() -> heard.switches.stream().anyMatch(s -> s.to().equals(onBackup) && s.gap() != null),
                Duration.ofMillis(TIMEOUT_MS * 3L + 15_000), () -> "a move to the new primary: " + heard.switches);
        Switch moved = heard.switches.stream().filter(s -> s.to().equals(onBackup)).findFirst().orElseThrow();
        assertEquals(onPrimary, moved.from());
        await(() -> heard.goodTags(onBackup).size() == tags.length, Duration.ofSeconds(10),
                () -> "Good values of every tag from the new primary: " + heard.goodTags(onBackup));
        assertTrue("the values from the new primary are newer than the kill", heard.goodByServer.get(onBackup).values()
                .stream().allMatch(v -> v.sourceTime() != null && v.sourceTime().isAfter(killed.minusMillis(POLL_MS))));
        assertNotNull(moved.gap());
        System.out.println("FailoverClientProcessTest: kill -9 of the primary; the client moved (" + moved.reason()
                + ") with a gap of " + moved.gap().toMillis() + " ms (Period " + PERIOD_MS + " ms, Timeout " + TIMEOUT_MS
                + " ms, poll " + POLL_MS + " ms)");

        set.server(primary).start();
        set.awaitStable(UP);
        for (int i : new int[] { primary, backup }) {
            String other = RedundancySet.symbol(i == primary ? backup : primary);
            set.server(i).await(set.monitor(), s -> s.partners().stream()
                    .anyMatch(p -> p.symbol().equals(other) && p.database().startsWith("in sync")), UP,
                    "history in sync with " + other);
        }
        assertEquals("the client stays on the new primary", onBackup, client.currentServer().orElse(""));
        long cutoff = System.currentTimeMillis() - 500;

        // The old primary came back as backup: the client must have its session again, so that a second
        // failover (the new primary killed too) finds it at once.
        await(() -> client.servers().stream().allMatch(v -> v.connected() && v.serviceLevel() >= 2), UP,
                () -> "the client hears both servers again: " + client.servers());
        int movesBefore = heard.switches.size();
        set.server(backup).kill();
        await(() -> heard.switches.stream().skip(movesBefore).anyMatch(s -> s.to().equals(onPrimary) && s.gap() != null),
                Duration.ofMillis(TIMEOUT_MS * 3L + 15_000), () -> "a move back to the restarted server: " + heard.switches);
        Switch back = heard.switches.stream().skip(movesBefore).filter(s -> s.to().equals(onPrimary)).findFirst().orElseThrow();
        System.out.println("FailoverClientProcessTest: second kill -9; the client moved back with a gap of "
                + back.gap().toMillis() + " ms");
        client.close();
        set.server(primary).terminate(Duration.ofSeconds(15));
        HistoryAudit audit = new HistoryAudit(List.of(
                HistoryAudit.read(RedundancySet.symbol(0), "history", set.server(0).data(), cutoff),
                HistoryAudit.read(RedundancySet.symbol(1), "history", set.server(1).data(), cutoff)));
        System.out.println("FailoverClientProcessTest: history " + audit.written() + " rows, silent "
                + audit.longestHandOverGapMillis() + " ms at the failover");
        assertTrue("rows were recorded", audit.written() > 0);
        assertEquals("rows up to the last in-sync moment missing from a history", 0, audit.lost());
        assertEquals("holes in a history's numbering", 0, audit.holes());
        assertEquals("samples recorded twice", 0, audit.repeated());
        assertTrue(set.logsWithUncaughtExceptions().toString(), set.logsWithUncaughtExceptions().isEmpty());
    }
}

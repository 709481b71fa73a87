package scada.redundancy.opcua.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.eclipse.milo.opcua.stack.client.DiscoveryClient;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.Identifiers;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExtensionObject;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.enumerated.ApplicationType;
import org.eclipse.milo.opcua.stack.core.types.enumerated.RedundancySupport;
import org.eclipse.milo.opcua.stack.core.types.enumerated.ServerState;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.ApplicationDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.EUInformation;
import org.eclipse.milo.opcua.stack.core.types.structured.FindServersRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.FindServersResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadValueId;
import org.eclipse.milo.opcua.stack.core.types.structured.ReferenceDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodResult;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

import scada.redundancy.cli.harness.RedundancySet;
import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.Failback;
import scada.redundancy.model.LocalServer;
import scada.redundancy.model.Partner;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.plant.Quality;
import scada.redundancy.project.DataType;
import scada.redundancy.project.Tag;
import scada.redundancy.runtime.RedundancyService;
import scada.redundancy.runtime.Role;

/**
 * The OPC UA server as the runtime server runs it, in this framework: the redundancy service and
 * the OPC UA component configured through Config Admin (PID scada.redundancy.server, as the
 * launcher does), and a plain Milo client with SignAndEncrypt: the redundancy nodes read, a tag
 * source's variables with value, quality and source time, ServiceLevel following freshness,
 * refusal of anonymous and untrusted clients, and maintenance for an administrator only.
 */
public class OpcUaServerTest {
    private static final long WAIT_MS = 15_000;
    private static final Duration CHANGE = Duration.ofSeconds(5);
    /** An address where nothing listens: the partner of a set whose other server is down. */
    private static final String ABSENT_PARTNER = "127.0.2.93";
    private static final String BIND = "127.0.2.91";

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private final BundleContext context = FrameworkUtil.getBundle(OpcUaServerTest.class).getBundleContext();
    private ServiceTracker<ConfigurationAdmin, ConfigurationAdmin> admins;
    private ServiceTracker<RedundancyService, RedundancyService> services;
    private Configuration configuration;
    private Path data;
    private int opcuaPort;
    private OpcUaTestClient.Identity identity;
    private OpcUaTestClient client;
    private final List<TestPlant> plants = new java.util.ArrayList<>();

    @Before
    public void open() throws Exception {
        admins = new ServiceTracker<>(context, ConfigurationAdmin.class, null);
        admins.open();
        services = new ServiceTracker<>(context, RedundancyService.class, null);
        services.open();
        data = temp.newFolder("data").toPath();
        identity = OpcUaTestClient.Identity.create("hmi");
        identity.trustOn(data);
    }

    @After
    public void close() throws Exception {
        if (client != null) {
            client.close();
        }
        plants.forEach(TestPlant::close);
        if (configuration != null) {
            configuration.delete();
            long deadline = System.currentTimeMillis() + WAIT_MS;
            while (services.getService() != null && System.currentTimeMillis() < deadline) {
                Thread.sleep(10); // SCR withdraws the service asynchronously; there is no event to wait on here
            }
        }
        services.close();
        admins.close();
    }

    /** Starts the server: a set of two whose partner is down (it becomes primary once its allowance ends), or standalone. */
    private RedundancyService start(boolean redundancy, Map<String, Object> extra) throws Exception {
        int port = RedundancySet.freePort(List.of(BIND));
        opcuaPort = RedundancySet.freePort(List.of(BIND));
        Path file = temp.getRoot().toPath().resolve("redundancy.scadaredundancy");
        List<Partner> partners = redundancy
                ? List.of(new Partner(1, "SCADA-Z", ABSENT_PARTNER, port, 200, 600, 1, true, "", ""))
                : List.of();
        ConfigurationFile.write(new RedundancyConfiguration(
                new LocalServer("SCADA-UA", port, redundancy, false, "", "", Failback.MANUAL, 500), partners), file);
        ConfigurationAdmin admin = admins.waitForService(WAIT_MS);
        assertNotNull("Config Admin", admin);
        configuration = admin.getConfiguration("scada.redundancy.server", "?");
        Hashtable<String, Object> settings = new Hashtable<>();
        settings.put("config", file.toString());
        settings.put("bind", BIND);
        settings.put("data", data.toString());
        settings.put("opcua.port", String.valueOf(opcuaPort)); // as the launcher passes it: a string
        settings.putAll(extra);
        configuration.update(settings);
        RedundancyService service = services.waitForService(WAIT_MS);
        assertNotNull("the redundancy service runs", service);
        return service;
    }

    private OpcUaTestClient connect(OpcUaTestClient.Identity who, boolean anonymous) throws Exception {
        return OpcUaTestClient.connectWhenUp(BIND, opcuaPort, who, anonymous, Duration.ofMillis(WAIT_MS));
    }

    @Test
    public void aTrustedClientReadsTheRedundancyNodesAndServiceLevelFollowsTheRole() throws Exception {
        RedundancyService service = start(true, Map.of());
        client = connect(identity, false);
        assertEquals("Cold by default", RedundancySupport.Cold.getValue(),
                ((Number) client.read(Identifiers.Server_ServerRedundancy_RedundancySupport).getValue().getValue()).intValue());
        assertArrayEquals("the other server of the set",
                new String[] { "urn:duplex:scada:SCADA-Z" },
                (String[]) client.read(Identifiers.Server_ServerRedundancy_ServerUriArray).getValue().getValue());
        int level = client.awaitServiceLevel(l -> l >= 200, Duration.ofMillis(WAIT_MS),
                "the server alone becomes primary and its ServiceLevel Healthy");
        assertEquals(Role.PRIMARY, service.status().role());
        assertEquals("200 + health/2 at health 100", 250, level);
        assertEquals("Running", ServerState.Running.getValue(),
                ((Number) client.read(Identifiers.Server_ServerStatus_State).getValue().getValue()).intValue());
    }

    @Test
    public void warmStandbyIsShownAsWarm() throws Exception {
        start(false, Map.of("standby", "warm"));
        client = connect(identity, false);
        assertEquals(RedundancySupport.Warm.getValue(),
                ((Number) client.read(Identifiers.Server_ServerRedundancy_RedundancySupport).getValue().getValue()).intValue());
        assertArrayEquals("standalone: no other server", new String[0],
                (String[]) client.read(Identifiers.Server_ServerRedundancy_ServerUriArray).getValue().getValue());
    }

    @Test
    public void anonymousAndUntrustedClientsAreRefusedByDefault() throws Exception {
        start(false, Map.of());
        client = connect(identity, false); // waits for the endpoint
        assertFalse("the endpoint offers no anonymous token", offersAnonymous());
        try (OpcUaTestClient c = OpcUaTestClient.connect(BIND, opcuaPort, identity, true)) {
            fail("an anonymous session was accepted");
        } catch (ExecutionException e) {
            assertTrue(String.valueOf(e.getCause()), String.valueOf(e.getCause()).contains("no anonymous token policy"));
        }
        OpcUaTestClient.Identity stranger = OpcUaTestClient.Identity.create("stranger");
        try (OpcUaTestClient c = connect(stranger, false)) {
            fail("a client whose certificate is not in the trust list was accepted");
        } catch (ExecutionException e) {
            assertStatus(e, StatusCodes.Bad_SecurityChecksFailed, StatusCodes.Bad_CertificateUntrusted);
        }
        assertTrue("the trusted client is still in", client.serviceLevel() >= 1);
    }

    @Test
    public void anonymousSessionsAreASetting() throws Exception {
        start(false, Map.of("opcua.anonymous", "true"));
        client = connect(identity, true);
        assertTrue("the endpoint offers an anonymous token", offersAnonymous());
        assertTrue("standalone with no tags: Healthy", client.awaitServiceLevel(l -> l >= 200, CHANGE, "Healthy") >= 200);
    }

    private TestPlant plant(String name, Tag... tags) {
        TestPlant p = new TestPlant(context, name, tags);
        plants.add(p);
        return p;
    }

    private NodeId tagNode(String tag) {
        return new NodeId(client.client().getNamespaceTable().getIndex(TagNamespace.URI), tag);
    }

    @Test
    public void thePlantsTagsAreVariablesWithTheirTypeUnitValueExactStatusCodeAndSourceTime() throws Exception {
        TestPlant plant = plant("line", TestPlant.tag("line/speed", DataType.UINT16, 0.1, 200, "m/min"),
                TestPlant.tag("line/count", DataType.INT32, 1, 200, "pieces"),
                TestPlant.tag("line/running", DataType.BOOL, 1, 200, ""),
                TestPlant.tag("boiler/temperature", DataType.FLOAT32, 1, 200, "°C"));
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(2);
        plant.set("line/speed", 12.5, Quality.GOOD, t0);
        plant.set("line/count", 41, Quality.GOOD, t0);
        plant.register(context);
        start(false, Map.of());
        client = connect(identity, false);

        DataValue speed = client.read(tagNode("line/speed"));
        assertEquals("scaled: a Double", 12.5, (Double) speed.getValue().getValue(), 0.0);
        assertEquals(StatusCode.GOOD, speed.getStatusCode());
        assertEquals("the PLC's time, not the server's", t0, speed.getSourceTime().getJavaInstant());
        assertEquals("unscaled int32: an Int32", 41, client.read(tagNode("line/count")).getValue().getValue());
        assertEquals(Identifiers.Int32, attribute(tagNode("line/count"), AttributeId.DataType));
        assertEquals(Identifiers.Double, attribute(tagNode("line/speed"), AttributeId.DataType));
        assertEquals(Identifiers.Boolean, attribute(tagNode("line/running"), AttributeId.DataType));
        assertEquals(Identifiers.Float, attribute(tagNode("boiler/temperature"), AttributeId.DataType));
        assertEquals(LocalizedText.english("line/speed for tests"), attribute(tagNode("line/speed"), AttributeId.Description));
        Object units = client.read(tagNode("line/speed.EngineeringUnits")).getValue().getValue();
        EUInformation eu = (EUInformation) ((ExtensionObject) units).decode(client.client().getStaticSerializationContext());
        assertEquals("the project's unit", "m/min", eu.getDisplayName().getText());
        assertEquals("no sample yet", StatusCodes.Bad_WaitingForInitialData,
                client.read(tagNode("line/running")).getStatusCode().getValue());

        // Through a subscription, at the poll rate: an Uncertain sub-code and a Bad one, both exact.
        Instant t1 = t0.plusSeconds(1);
        plant.set("line/speed", 13.0, StatusCodes.Uncertain_SensorNotAccurate, t1);
        DataValue changed = client.await(tagNode("line/speed"), d -> d.getValue().getValue() instanceof Double x && x == 13.0,
                CHANGE, "the new value");
        assertEquals("the plant's own Uncertain code", StatusCodes.Uncertain_SensorNotAccurate, changed.getStatusCode().getValue());
        assertEquals(t1, changed.getSourceTime().getJavaInstant());
        plant.set("line/speed", 13.0, Quality.BAD_DEVICE_FAILURE, t1.plusSeconds(1));
        DataValue bad = client.await(tagNode("line/speed"), d -> d.getStatusCode().isBad(), CHANGE, "the Bad value");
        assertEquals(Quality.BAD_DEVICE_FAILURE, bad.getStatusCode().getValue());
        assertTrue("a Bad value carries no value", bad.getValue().isNull());
    }

    @Test
    public void freshnessFromThePollRatesMovesServiceLevel() throws Exception {
        TestPlant plant = plant("fresh", TestPlant.tag("a", DataType.INT16, 1, 100, ""), TestPlant.tag("b", DataType.INT16, 1, 100, ""))
                .register(context);
        start(false, Map.of());
        client = connect(identity, false);
        java.util.concurrent.ScheduledExecutorService poller = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        java.util.concurrent.atomic.AtomicLong bQuality = new java.util.concurrent.atomic.AtomicLong(Quality.GOOD);
        try {
            // As the Plant does: every poll stamps each tag with the time of its answer, changed or not.
            poller.scheduleAtFixedRate(() -> {
                plant.set("a", 1, Quality.GOOD, Instant.now());
                plant.set("b", 2, bQuality.get(), Instant.now());
            }, 0, 100, java.util.concurrent.TimeUnit.MILLISECONDS);
            assertEquals(250, client.awaitServiceLevel(l -> l == 250, CHANGE, "every tag fresh: Healthy"));
            bQuality.set(Quality.BAD_TIMEOUT);
            int partial = client.awaitServiceLevel(l -> l < 200, CHANGE, "one tag Bad: Degraded");
            assertTrue(partial + " in the degraded primary band", partial >= 151 && partial <= 199);
        } finally {
            poller.shutdownNow();
        }
        assertEquals("no poll for longer than 3 poll periods + the read timeout: stale", 1,
                client.awaitServiceLevel(l -> l == 1, CHANGE, "stale: NoData"));
    }

    @Test
    public void aNewProjectReplacesTheVariablesAndWithoutAPlantTheFolderIsEmpty() throws Exception {
        TestPlant first = plant("first", TestPlant.tag("line/speed", DataType.UINT16, 1, 200, "")).register(context);
        first.set("line/speed", 7, Quality.GOOD, Instant.now());
        start(false, Map.of());
        client = connect(identity, false);
        assertEquals(List.of("line/speed"), browseTags());

        TestPlant second = plant("second", TestPlant.tag("tank/level", DataType.FLOAT32, 1, 200, "%"));
        second.set("tank/level", 55.5, Quality.GOOD, Instant.now());
        first.close(); // SCR withdraws the old project's service, then registers the new one
        second.register(context);
        long shown = System.currentTimeMillis() + CHANGE.toMillis();
        while (!browseTags().contains("tank/level") && System.currentTimeMillis() < shown) {
            Thread.sleep(50); // the folder is rebuilt on the server's thread; an item on a node not there yet is refused
        }
        DataValue level = client.await(tagNode("tank/level"), d -> d.getValue().getValue() instanceof Float f && f == 55.5f,
                CHANGE, "the new project's tag");
        assertTrue(level.getStatusCode().isGood());
        assertEquals(List.of("tank/level"), browseTags());
        assertEquals("the old project's tag is gone", StatusCodes.Bad_NodeIdUnknown,
                client.read(tagNode("line/speed")).getStatusCode().getValue());
        second.set("tank/level", 56.5, Quality.GOOD, Instant.now());
        client.await(tagNode("tank/level"), d -> d.getValue().getValue() instanceof Float f && f == 56.5f, CHANGE,
                "the new plant's values keep coming");

        second.close();
        long deadline = System.currentTimeMillis() + CHANGE.toMillis();
        while (!browseTags().isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50); // the folder empties on the server's thread; a browse has no change to subscribe to
        }
        assertEquals("no plant: an empty Tags folder", List.of(), browseTags());
        assertEquals("no plant: freshness does not count", 250, client.awaitServiceLevel(l -> l == 250, CHANGE, "Healthy"));
    }

    private List<String> browseTags() throws Exception {
        NodeId folder = new NodeId(client.client().getNamespaceTable().getIndex(TagNamespace.URI), TagNamespace.FOLDER);
        List<String> names = new java.util.ArrayList<>();
        for (ReferenceDescription r : client.client().getAddressSpace().browse(folder)) {
            names.add(r.getBrowseName().getName());
        }
        return names;
    }

    private Object attribute(NodeId node, AttributeId attribute) throws Exception {
        return client.client().read(0.0, TimestampsToReturn.Neither, List.of(new ReadValueId(node, attribute.uid(), null,
                QualifiedName.NULL_VALUE))).get(5, java.util.concurrent.TimeUnit.SECONDS).getResults()[0].getValue().getValue();
    }

    @Test
    public void theSessionsAreCountedAndNamedInTheServersStatus() throws Exception {
        RedundancyService service = start(false, Map.of());
        client = connect(identity, false);
        awaitStatus(st -> st.connectedClients() == 1 && st.clients().size() == 1, "one OPC UA session in the status");
        String name = services.getService().status().clients().get(0);
        assertTrue(name, name.matches("opcua hmi \\(127\\.[0-9.]+\\)"));
        assertTrue(service.status().contributors().contains(OpcUaClients.SOURCE));

        OpcUaTestClient.Identity other = OpcUaTestClient.Identity.create("historian");
        other.trustOn(data);
        try (OpcUaTestClient second = connect(other, false)) {
            awaitStatus(st -> st.connectedClients() == 2, "two sessions");
            List<String> clients = services.getService().status().clients();
            assertEquals(2, clients.size());
            assertTrue(clients.toString(), clients.get(0).startsWith("opcua historian (") && clients.get(1).startsWith("opcua hmi ("));
        }
        awaitStatus(st -> st.connectedClients() == 1, "the closed session is gone");
        client.close();
        client = null;
        awaitStatus(st -> st.connectedClients() == 0 && st.clients().isEmpty(), "no session");
    }

    @Test
    public void findServersListsThisServerAndItsPartnersWithTheirEndpointUrls() throws Exception {
        start(true, Map.of());
        client = connect(identity, false); // waits for the endpoint
        String url = "opc.tcp://" + BIND + ":" + opcuaPort;
        List<ApplicationDescription> servers = DiscoveryClient.findServers(url + "/discovery").get(10,
                java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(2, servers.size());
        assertEquals("urn:duplex:scada:SCADA-UA", servers.get(0).getApplicationUri());
        assertEquals(List.of(url + "/discovery"), List.of(servers.get(0).getDiscoveryUrls()));
        ApplicationDescription partner = servers.get(1);
        assertEquals("the value of ServerUriArray", "urn:duplex:scada:SCADA-Z", partner.getApplicationUri());
        assertEquals(ApplicationType.Server, partner.getApplicationType());
        assertEquals("the partner's address from the configuration, the same OPC UA port",
                List.of("opc.tcp://" + ABSENT_PARTNER + ":" + opcuaPort + "/discovery"), List.of(partner.getDiscoveryUrls()));

        // A client with a session asks on its own secure channel, for the URIs ServerUriArray gave it.
        String[] uris = (String[]) client.read(Identifiers.Server_ServerRedundancy_ServerUriArray).getValue().getValue();
        FindServersResponse asked = (FindServersResponse) client.client().getStackClient().sendRequest(new FindServersRequest(
                client.client().newRequestHeader(), url, null, uris)).get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals("only the partners asked for", List.of("urn:duplex:scada:SCADA-Z"),
                java.util.Arrays.stream(asked.getServers()).map(ApplicationDescription::getApplicationUri).toList());
    }

    @Test
    public void onlyAnAdministratorPutsTheServerIntoMaintenanceAndTakesItOut() throws Exception {
        start(false, Map.of());
        client = connect(identity, false);
        client.awaitServiceLevel(l -> l >= 200, CHANGE, "serving");
        Instant back = Instant.now().plus(Duration.ofMinutes(30)).truncatedTo(ChronoUnit.MILLIS);
        assertEquals("not an administrator", StatusCodes.Bad_UserAccessDenied,
                call(ServerState.Suspended, back, "update").getStatusCode().getValue());
        assertTrue("still serving", client.serviceLevel() >= 200);

        identity.administerOn(data);
        assertTrue(call(ServerState.Suspended, back, "update to 0.2").getStatusCode().isGood());
        assertEquals("Maintenance", 0, client.awaitServiceLevel(l -> l == 0, CHANGE, "Maintenance"));
        assertEquals(ServerState.Suspended.getValue(),
                ((Number) client.read(Identifiers.Server_ServerStatus_State).getValue().getValue()).intValue());
        assertEquals(back, ((DateTime) client.read(Identifiers.Server_EstimatedReturnTime).getValue().getValue()).getJavaInstant());
        awaitStatus(st -> st.health() == 40, "the runtime hears of it: health 40");

        assertTrue(call(ServerState.Running, null, "").getStatusCode().isGood());
        assertEquals(250, client.awaitServiceLevel(l -> l == 250, CHANGE, "serving again"));
        assertEquals(ServerState.Running.getValue(),
                ((Number) client.read(Identifiers.Server_ServerStatus_State).getValue().getValue()).intValue());
        awaitStatus(st -> st.health() == 100, "health 100 again");
    }

    @Test
    public void aPrimaryWithNoBackupToHandOverToStaysInService() throws Exception {
        RedundancyService service = start(true, Map.of());
        client = connect(identity, false);
        client.awaitServiceLevel(l -> l >= 200, Duration.ofMillis(WAIT_MS), "primary");
        assertEquals(Role.PRIMARY, service.status().role());
        identity.administerOn(data);
        assertEquals("the hand-over fails: refused", StatusCodes.Bad_InvalidState,
                call(ServerState.Suspended, null, "update").getStatusCode().getValue());
        assertTrue("still serving", client.serviceLevel() >= 200);
        assertEquals(Role.PRIMARY, service.status().role());
    }

    /** Waits, through a StatusListener of its own, for the runtime's status to satisfy {@code condition}. */
    private void awaitStatus(java.util.function.Predicate<scada.redundancy.runtime.RedundancyStatus> condition, String what)
            throws Exception {
        java.util.concurrent.CompletableFuture<Void> reached = new java.util.concurrent.CompletableFuture<>();
        ServiceRegistration<scada.redundancy.runtime.StatusListener> r = context.registerService(
                scada.redundancy.runtime.StatusListener.class, st -> {
                    if (condition.test(st)) {
                        reached.complete(null);
                    }
                }, null);
        try {
            if (condition.test(services.getService().status())) {
                return;
            }
            reached.get(CHANGE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(what + ": not within " + CHANGE.toMillis() + " ms; status " + services.getService().status());
        } finally {
            r.unregister();
        }
    }

    private CallMethodResult call(ServerState state, Instant back, String reason) throws Exception {
        return client.client().call(new CallMethodRequest(Identifiers.Server, Identifiers.Server_RequestServerStateChange,
                new Variant[] { new Variant(state.getValue()), new Variant(back == null ? DateTime.NULL_VALUE : new DateTime(back)),
                        new Variant(UInteger.valueOf(0)), new Variant(LocalizedText.english(reason)), new Variant(false) }))
                .get(20, java.util.concurrent.TimeUnit.SECONDS);
    }

    private boolean offersAnonymous() throws Exception {
        return org.eclipse.milo.opcua.stack.client.DiscoveryClient.getEndpoints("opc.tcp://" + BIND + ":" + opcuaPort + "/discovery")
                .get(10, java.util.concurrent.TimeUnit.SECONDS).stream()
                .flatMap(e -> java.util.Arrays.stream(e.getUserIdentityTokens()))
                .anyMatch(t -> t.getTokenType() == org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType.Anonymous);
    }

    private static void assertStatus(Throwable e, long... expected) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UaException ua) {
                for (long code : expected) {
                    if (ua.getStatusCode().getValue() == code) {
                        return;
                    }
                }
                throw new AssertionError("refused, but with " + ua.getStatusCode(), e);
            }
        }
        throw new AssertionError("refused without a status code", e);
    }
}

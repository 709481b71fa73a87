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
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;

import org.eclipse.milo.opcua.stack.core.Identifiers;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.enumerated.RedundancySupport;
import org.eclipse.milo.opcua.stack.core.types.enumerated.ServerState;
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
    private ServiceRegistration<TagSource> tagRegistration;

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
        if (tagRegistration != null) {
            tagRegistration.unregister();
        }
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

    @Test
    public void aTagSourceBecomesVariablesWithValueQualityAndSourceTimeAndItsFreshnessMovesServiceLevel() throws Exception {
        FakeTagSource tags = new FakeTagSource();
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(2);
        tags.sample("Line1/Speed", new TagSource.Sample(12.5, TagSource.Quality.GOOD, t0));
        tagRegistration = context.registerService(TagSource.class, tags, null);
        start(false, Map.of());
        client = connect(identity, false);
        NodeId speed = new NodeId(client.client().getNamespaceTable().getIndex(TagNamespace.URI), "Line1/Speed");
        DataValue v = client.read(speed);
        assertEquals(12.5, (Double) v.getValue().getValue(), 0.0);
        assertEquals(StatusCode.GOOD, v.getStatusCode());
        assertEquals("the PLC's time, not the server's", t0, v.getSourceTime().getJavaInstant());
        NodeId running = new NodeId(client.client().getNamespaceTable().getIndex(TagNamespace.URI), "Line1/Running");
        assertEquals("no sample yet", StatusCodes.Bad_WaitingForInitialData, client.read(running).getStatusCode().getValue());

        Instant t1 = t0.plusSeconds(1);
        tags.sample("Line1/Speed", new TagSource.Sample(13.0, TagSource.Quality.UNCERTAIN, t1));
        DataValue changed = client.await(speed, d -> d.getValue().getValue() instanceof Double x && x == 13.0, CHANGE,
                "the new sample");
        assertTrue("uncertain", changed.getStatusCode().isUncertain());
        assertEquals(t1, changed.getSourceTime().getJavaInstant());

        assertEquals(250, client.awaitServiceLevel(l -> l == 250, CHANGE, "fresh data: Healthy"));
        tags.freshness(DataFreshness.PARTIAL);
        int partial = client.awaitServiceLevel(l -> l < 200, CHANGE, "part of the data stale: Degraded");
        assertTrue(partial + " in the degraded primary band", partial >= 151 && partial <= 199);
        tags.freshness(DataFreshness.NONE);
        assertEquals(1, client.awaitServiceLevel(l -> l == 1, CHANGE, "no fresh data: NoData"));
        tags.freshness(DataFreshness.FRESH);
        assertEquals(250, client.awaitServiceLevel(l -> l == 250, CHANGE, "fresh again"));
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

    /** A tag source the test drives, as the project's tag-values service will be. */
    private static final class FakeTagSource implements TagSource {
        private final Map<String, Sample> current = new ConcurrentHashMap<>();
        private final List<Listener> listeners = new CopyOnWriteArrayList<>();
        private volatile DataFreshness freshness = DataFreshness.FRESH;

        @Override
        public List<Tag> tags() {
            return List.of(new Tag("Line1/Speed", Type.DOUBLE, "conveyor speed, m/s"),
                    new Tag("Line1/Running", Type.BOOLEAN, "conveyor running"));
        }

        @Override
        public Optional<Sample> current(String tag) {
            return Optional.ofNullable(current.get(tag));
        }

        @Override
        public DataFreshness freshness() {
            return freshness;
        }

        @Override
        public Subscription listen(Listener listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }

        void sample(String tag, Sample sample) {
            current.put(tag, sample);
            listeners.forEach(l -> l.sampled(tag, sample));
        }

        void freshness(DataFreshness f) {
            freshness = f;
            listeners.forEach(l -> l.freshnessChanged(f));
        }
    }
}

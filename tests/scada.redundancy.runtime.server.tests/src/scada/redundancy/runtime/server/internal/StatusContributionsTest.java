package scada.redundancy.runtime.server.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;

import org.osgi.util.tracker.ServiceTracker;

import scada.redundancy.model.Failback;
import scada.redundancy.model.LocalServer;
import scada.redundancy.model.Partner;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.runtime.PartnerStatus;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.StatusContribution;
import scada.redundancy.runtime.StatusContribution.Snapshot;
import scada.redundancy.runtime.Verification;
import scada.redundancy.runtime.client.StatusJson;
import scada.redundancy.runtime.tls.LinkIdentity;

/**
 * Status contributions registered as OSGi services, shown by a real node in this JVM (127.0.5.1,
 * its partner row pointing at 127.0.5.2 where nothing runs): the Database columns say "not
 * installed" without one, show what one publishes, follow its updates and return to "not
 * installed" when it goes; no contribution can make the status large or stall the loop.
 */
public class StatusContributionsTest {
    private static final long WAIT_MS = 5_000;

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private final int port = 20000 + ThreadLocalRandom.current().nextInt(20000);
    private final BundleContext context = FrameworkUtil.getBundle(StatusContributionsTest.class).getBundleContext();
    private final StatusContributions contributions = new StatusContributions();
    /** Binds StatusContribution services into {@link #contributions} as the component's @Reference does. */
    private ServiceTracker<StatusContribution, StatusContribution> binder;
    private final InProcessPairTest.Events events = new InProcessPairTest.Events();
    private RedundancyNode node;
    private final List<ServiceRegistration<StatusContribution>> registrations = new ArrayList<>();

    @Before
    public void bind() {
        binder = new ServiceTracker<>(context, StatusContribution.class, null) {
            @Override
            public StatusContribution addingService(ServiceReference<StatusContribution> reference) {
                StatusContribution c = super.addingService(reference);
                contributions.add(c);
                return c;
            }

            @Override
            public void removedService(ServiceReference<StatusContribution> reference, StatusContribution c) {
                contributions.remove(c);
                super.removedService(reference, c);
            }
        };
        binder.open();
    }

    @After
    public void stop() {
        for (ServiceRegistration<StatusContribution> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException e) {
                // the test unregistered it
            }
        }
        if (node != null) {
            node.shutdown(Duration.ofSeconds(2));
        }
        binder.close();
    }

    /** Registers {@code c} as other bundles do; unregistered after the test if the test did not. */
    private ServiceRegistration<StatusContribution> register(StatusContribution c) {
        ServiceRegistration<StatusContribution> r = context.registerService(StatusContribution.class, c, null);
        registrations.add(r);
        return r;
    }

    private void startNode() throws Exception {
        Path data = temp.newFolder("a").toPath();
        LinkIdentity.loadOrCreate(data, "SCADA-A");
        String partnerFingerprint = LinkIdentity.loadOrCreate(temp.newFolder("b").toPath(), "SCADA-B").fingerprint();
        RedundancyConfiguration config = new RedundancyConfiguration(
                new LocalServer("SCADA-A", port, true, false, "", "", Failback.MANUAL, 2000),
                List.of(new Partner(1, "SCADA-B", "127.0.5.2", port, 100, 300, 3, true, "", partnerFingerprint)));
        node = RedundancyNode.start(new RedundancyNode.Settings("127.0.5.1", data, null, contributions), config, events);
    }

    private static String partnerDatabase(RedundancyStatus s) {
        return s.partners().get(0).database();
    }

    @Test
    public void withoutAContributionTheDatabaseColumnsSayNotInstalled() throws Exception {
        startNode();
        RedundancyStatus s = node.status();
        assertEquals("not installed", s.database());
        assertEquals("not installed", partnerDatabase(s));
        assertEquals(List.of(), s.contributors());
    }

    @Test
    public void aRegisteredContributionShowsFollowsItsUpdatesAndGoesWithIt() throws Exception {
        startNode();
        StatusContribution dbSync = new StatusContribution("db-sync");
        dbSync.publish(Snapshot.builder().database("in sync").partnerDatabase("scada-b", "2 s behind")
                .note("replication lag 2 s").build());
        ServiceRegistration<StatusContribution> registration = register(dbSync);
        RedundancyStatus s = events.await(x -> x.database().equals("in sync"), WAIT_MS);
        assertEquals("what this server's contribution says of the partner", "2 s behind", partnerDatabase(s));
        assertTrue(s.note(), s.note().contains("db-sync: replication lag 2 s"));
        assertEquals(List.of("db-sync"), s.contributors());
        assertEquals("the JSON carries it", "in sync", StatusJson.fromJson(StatusJson.toJson(s)).database());

        dbSync.publish(Snapshot.builder().database("catching up").build());
        s = events.await(x -> x.database().equals("catching up"), WAIT_MS);
        assertEquals("the new snapshot no longer speaks of the partner", "not installed", partnerDatabase(s));
        assertFalse(s.note(), s.note().contains("replication lag"));

        registration.unregister();
        s = events.await(x -> x.contributors().isEmpty(), WAIT_MS);
        assertEquals("not installed", s.database());
        assertEquals("not installed", partnerDatabase(s));
    }

    @Test
    public void aContributionThatFindsAPartnerOutOfStepMakesItNotVerified() throws Exception {
        startNode();
        assertEquals(Verification.NOT_CHECKED, node.status().partners().get(0).verified());
        StatusContribution dbSync = new StatusContribution("db-sync");
        register(dbSync);
        dbSync.publish(Snapshot.builder().partnerDatabase("SCADA-B", "not verified: schema 2 here, 3 there")
                .partnerNotVerified("SCADA-B").build());
        RedundancyStatus s = events.await(x -> x.partners().get(0).verified() == Verification.NOT_VERIFIED, WAIT_MS);
        assertEquals("the set is not verified either", Verification.NOT_VERIFIED, s.verified());
        assertEquals("not verified: schema 2 here, 3 there", partnerDatabase(s));
        dbSync.publish(Snapshot.builder().partnerDatabase("SCADA-B", "in sync").build());
        s = events.await(x -> x.partners().get(0).verified() == Verification.NOT_CHECKED
                && x.partners().get(0).database().equals("in sync"), WAIT_MS);
        assertEquals("in step again: back to what Verify found (nothing yet)", "in sync", partnerDatabase(s));
    }

    @Test
    public void aContributionBoundBeforeTheNodeStartsShowsFromTheStart() throws Exception {
        StatusContribution licence = new StatusContribution("licence");
        licence.publish(Snapshot.builder().note("licensed for 2 servers until 2027-01-01").build());
        register(licence);
        startNode();
        RedundancyStatus s = node.status();
        assertTrue(s.note(), s.note().contains("licence: licensed for 2 servers until 2027-01-01"));
        assertEquals("a licence says nothing of the database", "not installed", s.database());
    }

    @Test
    public void severalContributionsEachNameTheirSource() throws Exception {
        startNode();
        StatusContribution dbSync = new StatusContribution("db-sync");
        StatusContribution archive = new StatusContribution("archive");
        dbSync.publish(Snapshot.builder().database("in sync").build());
        archive.publish(Snapshot.builder().database("mirrored").partnerDatabase("SCADA-B", "mirrored").build());
        register(dbSync);
        register(archive);
        RedundancyStatus s = events.await(x -> x.contributors().size() == 2, WAIT_MS);
        assertEquals(List.of("archive", "db-sync"), s.contributors());
        assertEquals("archive: mirrored; db-sync: in sync", s.database());
        assertEquals("only one speaks of the partner: its text as it is", "mirrored", partnerDatabase(s));
    }

    @Test
    public void contributedClientsAreNamedWithTheirSourceAndCountedAsConnectedClients() throws Exception {
        startNode();
        assertEquals(0, node.status().connectedClients());
        StatusContribution opcua = new StatusContribution("opcua");
        register(opcua);
        StatusContribution other = new StatusContribution("web");
        register(other);
        opcua.publish(Snapshot.builder().client("hmi-1 (10.0.0.7)").client("historian (10.0.0.8)").build());
        Snapshot.Builder many = Snapshot.builder();
        for (int i = 0; i < StatusContribution.MAX_CLIENTS; i++) {
            many.client("browser-" + i);
        }
        other.publish(many.clientCount(StatusContribution.MAX_CLIENTS + 70).build());
        RedundancyStatus s = events.await(x -> x.connectedClients() == 2 + StatusContribution.MAX_CLIENTS + 70, WAIT_MS);
        assertEquals("each contribution names at most its bound", 2 + StatusContribution.MAX_CLIENTS, s.clients().size());
        assertEquals("in source order, each with its source", List.of("opcua hmi-1 (10.0.0.7)", "opcua historian (10.0.0.8)"),
                s.clients().subList(0, 2));
        assertEquals("web browser-0", s.clients().get(2));
        assertEquals("the JSON carries them", s.clients(), StatusJson.fromJson(StatusJson.toJson(s)).clients());

        opcua.publish(Snapshot.builder().build());
        other.publish(Snapshot.builder().build());
        s = events.await(x -> x.connectedClients() == 0, WAIT_MS);
        assertEquals(List.of(), s.clients());
    }

    @Test
    public void hugeTextNeverBreaksTheStatus() throws Exception {
        startNode();
        String huge = "lag ".repeat(250_000); // 1 MB
        Snapshot.Builder b = Snapshot.builder().database(huge).partnerDatabase("SCADA-B", huge);
        for (int i = 0; i < 10_000; i++) {
            b.note(huge.substring(0, 1000) + i);
        }
        StatusContribution noisy = new StatusContribution("noisy");
        noisy.publish(b.build());
        register(noisy);
        RedundancyStatus s = events.await(x -> x.contributors().contains("noisy"), WAIT_MS);
        assertEquals(StatusContribution.MAX_TEXT, s.database().length());
        assertEquals(StatusContribution.MAX_TEXT, partnerDatabase(s).length());
        int json = StatusJson.toJson(s).length();
        assertTrue("the status frame stays small: " + json + " characters", json < 10_000);
    }

    @Test
    public void aFloodOfPublishesNeitherStallsTheLoopNorLosesTheLast() throws Exception {
        startNode();
        StatusContribution busy = new StatusContribution("busy");
        register(busy);
        int publishes = 200_000;
        Thread publisher = new Thread(() -> {
            for (int i = 1; i <= publishes; i++) {
                busy.publish(Snapshot.builder().database("n=" + i).build());
            }
        }, "test-publisher");
        publisher.start();
        long worstNanos = 0;
        while (publisher.isAlive()) {
            long t0 = System.nanoTime();
            node.onLoop(() -> null).get(5, TimeUnit.SECONDS);
            worstNanos = Math.max(worstNanos, System.nanoTime() - t0);
        }
        publisher.join(TimeUnit.SECONDS.toMillis(30));
        assertTrue("the loop answered within 1 s during the flood: " + worstNanos / 1_000_000 + " ms",
                worstNanos < TimeUnit.SECONDS.toNanos(1));
        events.await(x -> x.database().equals("n=" + publishes), WAIT_MS);
    }
}

package scada.redundancy.runtime.server.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Hashtable;
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
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.ReferenceDTO;
import org.osgi.service.component.runtime.dto.SatisfiedReferenceDTO;
import org.osgi.util.tracker.ServiceTracker;

import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.Failback;
import scada.redundancy.model.LocalServer;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.runtime.HealthReporter;
import scada.redundancy.runtime.PartnerChannels;
import scada.redundancy.runtime.PrimaryRole;
import scada.redundancy.runtime.RedundancyService;
import scada.redundancy.runtime.Role;
import scada.redundancy.runtime.StatusContribution;

/**
 * The server as Declarative Services and Config Admin run it, in this framework: no service
 * without a configuration; a configuration (as LaunchConfiguration or a management agent makes
 * it) starts a real node and SCR registers its three services; status contributions bind and
 * unbind dynamically; a configuration naming a file that cannot be read fails the activation with
 * the reason and gives no service to anyone; and deleting the configuration stops the node and
 * withdraws the services, PrimaryRole included.
 */
public class RedundancyComponentTest {
    private static final long WAIT_MS = 10_000;

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private final BundleContext context = FrameworkUtil.getBundle(RedundancyComponentTest.class).getBundleContext();
    private ServiceTracker<ConfigurationAdmin, ConfigurationAdmin> admins;
    private ServiceTracker<ServiceComponentRuntime, ServiceComponentRuntime> runtimes;
    private ServiceTracker<RedundancyService, RedundancyService> services;
    private Configuration configuration;

    @Before
    public void open() {
        admins = new ServiceTracker<>(context, ConfigurationAdmin.class, null);
        admins.open();
        runtimes = new ServiceTracker<>(context, ServiceComponentRuntime.class, null);
        runtimes.open();
        services = new ServiceTracker<>(context, RedundancyService.class, null);
        services.open();
    }

    @After
    public void close() throws Exception {
        if (configuration != null) {
            configuration.delete();
            awaitNoService();
        }
        services.close();
        runtimes.close();
        admins.close();
    }

    @Test
    public void aConfigurationStartsTheServerAndItsServicesAndDeletingItStopsThem() throws Exception {
        assertNull("no configuration, no server", services.getService());
        int port = 20000 + ThreadLocalRandom.current().nextInt(20000);
        Path file = temp.getRoot().toPath().resolve("redundancy.scadaredundancy");
        ConfigurationFile.write(new RedundancyConfiguration(
                new LocalServer("SCADA-DS", port, false, false, "", "", Failback.MANUAL, 2000), List.of()), file);

        configure(file);
        RedundancyService service = services.waitForService(WAIT_MS);
        assertNotNull("RedundancyService registered once the node runs", service);
        assertEquals("SCADA-DS", service.status().symbol());
        assertEquals("redundancy off: standalone", Role.STANDALONE, service.status().role());
        awaitPrimaryRole();
        assertEquals("the configuration in force", port, service.configuration().thisScada().port());
        assertNotNull("PartnerChannels from the same component", context.getServiceReference(PartnerChannels.class));
        assertNotNull("HealthReporter from the same component", context.getServiceReference(HealthReporter.class));

        ComponentDescriptionDTO description = description();
        ReferenceDTO reference = Arrays.stream(description.references)
                .filter(r -> r.interfaceName.equals(StatusContribution.class.getName())).findFirst().orElseThrow();
        assertEquals("0..n", reference.cardinality);
        assertEquals("dynamic", reference.policy);
        ServiceRegistration<StatusContribution> registration = context.registerService(StatusContribution.class,
                new StatusContribution("db-sync"), null);
        long id = (Long) registration.getReference().getProperty("service.id");
        assertTrue("bound", bound(description, reference.name, id));
        registration.unregister();
        assertTrue("unbound", !bound(description, reference.name, id));

        configuration.delete();
        configuration = null;
        awaitNoService();
        assertNull("PartnerChannels withdrawn", context.getServiceReference(PartnerChannels.class));
        assertNull("HealthReporter withdrawn", context.getServiceReference(HealthReporter.class));
    }

    @Test
    public void aConfigurationNamingAMissingFileFailsActivationAndRegistersNoService() throws Exception {
        configure(temp.getRoot().toPath().resolve("absent.scadaredundancy"));
        ComponentDescriptionDTO description = description();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        ComponentConfigurationDTO failed = null;
        while (failed == null) {
            assertTrue("SCR reports the failed activation within " + WAIT_MS + " ms", System.nanoTime() < deadline);
            failed = runtime().getComponentConfigurationDTOs(description).stream()
                    .filter(c -> c.state == ComponentConfigurationDTO.FAILED_ACTIVATION).findFirst().orElse(null);
            if (failed == null) {
                Thread.sleep(10); // SCR's DTOs have no notification to wait on
            }
        }
        assertTrue(failed.failure, failed.failure.contains("the redundancy service could not start")
                && failed.failure.contains("absent.scadaredundancy"));
        // SCR advertises an immediate component's services before it activates it, and leaves them
        // advertised after a failed activation: what matters is that nobody can get them.
        assertNull("no RedundancyService from a server that could not start", services.getService());
        org.osgi.framework.ServiceReference<PartnerChannels> channels = context.getServiceReference(PartnerChannels.class);
        assertTrue("no PartnerChannels to be had", channels == null || context.getService(channels) == null);
    }

    private void configure(Path file) throws Exception {
        ConfigurationAdmin admin = admins.waitForService(WAIT_MS);
        assertNotNull("Config Admin", admin);
        configuration = admin.getConfiguration(RedundancyComponent.PID, "?");
        Hashtable<String, Object> settings = new Hashtable<>();
        settings.put("config", file.toString());
        settings.put("bind", "127.0.2.90");
        settings.put("data", temp.newFolder("data").toString());
        configuration.update(settings);
    }

    /**
     * Until the server is gone: SCR withdraws its services first, then deactivates it, and the
     * node's shutdown withdraws PrimaryRole (the standalone node served the plant); the next test
     * must not find either.
     */
    private void awaitNoService() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (services.getService() != null || context.getServiceReference(PrimaryRole.class) != null) {
            assertTrue("RedundancyService and PrimaryRole withdrawn within " + WAIT_MS + " ms",
                    System.nanoTime() < deadline);
            Thread.sleep(10); // polling the registry: nothing to wait on
        }
    }

    /** A standalone server serves the plant: its PrimaryRole appears (on the role thread, soon after). */
    private void awaitPrimaryRole() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (context.getServiceReference(PrimaryRole.class) == null) {
            assertTrue("PrimaryRole registered within " + WAIT_MS + " ms", System.nanoTime() < deadline);
            Thread.sleep(10); // polling the registry: nothing to wait on
        }
    }

    private ServiceComponentRuntime runtime() throws InterruptedException {
        ServiceComponentRuntime runtime = runtimes.waitForService(WAIT_MS);
        assertNotNull("Service Component Runtime", runtime);
        return runtime;
    }

    private ComponentDescriptionDTO description() throws InterruptedException {
        ComponentDescriptionDTO d = runtime().getComponentDescriptionDTO(FrameworkUtil.getBundle(RedundancyComponent.class),
                RedundancyComponent.class.getName());
        assertNotNull("the component is declared", d);
        return d;
    }

    private boolean bound(ComponentDescriptionDTO description, String reference, long serviceId) throws InterruptedException {
        for (ComponentConfigurationDTO c : runtime().getComponentConfigurationDTOs(description)) {
            for (SatisfiedReferenceDTO r : c.satisfiedReferences) {
                if (r.name.equals(reference) && Arrays.stream(r.boundServices).anyMatch(s -> s.id == serviceId)) {
                    return true;
                }
            }
        }
        return false;
    }
}

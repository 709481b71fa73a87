package scada.redundancy.runtime.server.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

import scada.redundancy.runtime.PrimaryRole;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.Role;
import scada.redundancy.runtime.RoleChange;
import scada.redundancy.runtime.RoleChangeCause;
import scada.redundancy.runtime.RoleListener;
import scada.redundancy.runtime.StatusListener;

/**
 * Role-aware services in the real OSGi service registry: PrimaryRole exists exactly while the
 * server serves the plant, and role listeners hear every change in order, late ones the current role;
 * PrimaryRole follows a flood of changes to the last one, and a listener that never returns holds
 * up neither PrimaryRole nor the other listeners.
 */
public class RoleServicesTest {
    private BundleContext context;
    private RoleServices services;
    private ServiceTracker<PrimaryRole, PrimaryRole> tracker;
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final List<ServiceListener> serviceListeners = new ArrayList<>();
    /** Released by close(), so that a test's stuck listener never outlives it. */
    private final CountDownLatch release = new CountDownLatch(1);

    @Before
    public void open() {
        context = FrameworkUtil.getBundle(RoleServicesTest.class).getBundleContext();
        services = new RoleServices(context, log::add);
        tracker = new ServiceTracker<>(context, PrimaryRole.class, null) {
            @Override
            public PrimaryRole addingService(ServiceReference<PrimaryRole> reference) {
                events.add("started term " + reference.getProperty("term"));
                return super.addingService(reference);
            }

            @Override
            public void removedService(ServiceReference<PrimaryRole> reference, PrimaryRole service) {
                events.add("stopped");
                super.removedService(reference, service);
            }
        };
        tracker.open();
    }

    @After
    public void close() {
        release.countDown();
        serviceListeners.forEach(context::removeServiceListener);
        services.close();
        tracker.close();
    }

    private static RoleChange change(Role from, Role to, long term, RoleChangeCause cause) {
        return new RoleChange(System.currentTimeMillis(), from, to, term, cause, "", -1, -1, -1, -1, "test");
    }

    private void apply(Role from, Role to, long term, RoleChangeCause cause) throws Exception {
        services.roleChanged(change(from, to, term, cause), to, term).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    public void primaryRoleExistsExactlyWhileThisServerServesThePlant() throws Exception {
        assertNull(tracker.getService());
        apply(Role.BACKUP, Role.PRIMARY, 3, RoleChangeCause.TIMEOUT);
        assertEquals("started term 3", events.poll(5, TimeUnit.SECONDS));
        assertEquals(3, tracker.getService().term());
        apply(Role.PRIMARY, Role.BACKUP, 4, RoleChangeCause.HIGHER_TERM);
        assertEquals("stopped", events.poll(5, TimeUnit.SECONDS));
        assertNull(tracker.getService());
        apply(Role.BACKUP, Role.FAULT, 4, RoleChangeCause.UNHEALTHY);
        assertNull(tracker.getService());
        apply(Role.FAULT, Role.STANDALONE, 4, RoleChangeCause.REDUNDANCY_SWITCHED);
        assertEquals("started term 4", events.poll(5, TimeUnit.SECONDS));
        assertEquals(Role.STANDALONE, tracker.getService().role());
        services.close(); // the service stops: nothing serves the plant from here any more
        assertEquals("stopped", events.poll(5, TimeUnit.SECONDS));
    }

    @Test
    public void theCompletionComesOnlyAfterPrimaryRoleIsGone() throws Exception {
        apply(Role.BACKUP, Role.PRIMARY, 1, RoleChangeCause.STARTUP_ELECTION);
        apply(Role.PRIMARY, Role.BACKUP, 1, RoleChangeCause.HANDED_OVER);
        // apply() waited for the stage: a hand-over may now tell the successor to start.
        assertNull(tracker.getService());
    }

    @Test
    public void listenersHearEveryChangeInOrderAndLateOnesTheCurrentRole() throws Exception {
        BlockingQueue<String> heard = new LinkedBlockingQueue<>();
        RoleListener early = c -> heard.add("early " + c.to().jsonName() + " " + c.term());
        services.addRoleListener(early);
        apply(Role.BACKUP, Role.PRIMARY, 1, RoleChangeCause.STARTUP_ELECTION);
        apply(Role.PRIMARY, Role.BACKUP, 2, RoleChangeCause.HIGHER_TERM);
        apply(Role.BACKUP, Role.PRIMARY, 3, RoleChangeCause.TIMEOUT);
        BlockingQueue<RoleChange> late = new LinkedBlockingQueue<>();
        services.addRoleListener(late::add);
        RoleChange first = late.poll(5, TimeUnit.SECONDS);
        assertNotNull(first);
        assertEquals("the current role, as a change from itself", Role.PRIMARY, first.from());
        assertEquals(Role.PRIMARY, first.to());
        assertEquals(3, first.term());
        // The stages wait for PrimaryRole only; each listener hears the changes on its own lane.
        for (String expected : List.of("early primary 1", "early backup 2", "early primary 3")) {
            assertEquals(expected, heard.poll(5, TimeUnit.SECONDS));
        }
    }

    @Test
    public void aFailingListenerDoesNotStopTheOthers() throws Exception {
        BlockingQueue<RoleChange> good = new LinkedBlockingQueue<>();
        services.addRoleListener(c -> {
            throw new IllegalStateException("a broken driver");
        });
        services.addRoleListener(good::add);
        apply(Role.BACKUP, Role.PRIMARY, 1, RoleChangeCause.STARTUP_ELECTION);
        assertNotNull(good.poll(5, TimeUnit.SECONDS));
        assertNotNull(tracker.getService());
    }

    /** PrimaryRole's registrations and unregistrations, in the order the registry reported them. */
    private List<String> recordRegistry() throws Exception {
        List<String> registry = new CopyOnWriteArrayList<>();
        ServiceListener recorder = ev -> registry.add(ev.getType() == ServiceEvent.REGISTERED ? "registered"
                : ev.getType() == ServiceEvent.UNREGISTERING ? "unregistered" : "modified");
        context.addServiceListener(recorder, "(objectClass=" + PrimaryRole.class.getName() + ")");
        serviceListeners.add(recorder);
        return registry;
    }

    /** 10,000 alternating changes from one thread; returns the stage of the last one. */
    private CompletableFuture<Void> flood(int firstTerm, Role last) {
        List<CompletableFuture<Void>> stages = new ArrayList<>();
        Role from = last == Role.PRIMARY ? Role.PRIMARY : Role.BACKUP;
        for (int i = 0; i < 10_000; i++) {
            Role to = (i % 2 == 0) == (last == Role.BACKUP) ? Role.PRIMARY : Role.BACKUP;
            long term = firstTerm + i;
            stages.add(services.roleChanged(change(from, to, term, RoleChangeCause.HIGHER_TERM), to, term).toCompletableFuture());
            from = to;
        }
        return CompletableFuture.allOf(stages.toArray(CompletableFuture[]::new));
    }

    @Test
    public void primaryRoleEndsInTheLastRoleOfAFlood() throws Exception {
        List<String> registry = recordRegistry();
        flood(1, Role.PRIMARY).get(20, TimeUnit.SECONDS); // every stage completes: none was dropped
        assertNotNull("the last role is primary: PrimaryRole must be registered", tracker.getService());
        assertEquals(10_000, tracker.getService().term());
        assertEquals(Role.PRIMARY, tracker.getService().role());
        flood(10_001, Role.BACKUP).get(20, TimeUnit.SECONDS);
        assertNull("the last role is backup: PrimaryRole must be gone", tracker.getService());

        int registered = 0;
        String previous = "unregistered";
        for (String event : registry) {
            if (!event.equals("modified")) {
                assertTrue("PrimaryRole " + event + " twice in a row: " + registry, !event.equals(previous));
                previous = event;
                registered += event.equals("registered") ? 1 : -1;
            }
        }
        assertEquals(0, registered);
        assertTrue("PrimaryRole was never registered: " + registry, registry.contains("registered"));
    }

    @Test
    public void aStageCompletesOnlyOnceItsRoleIsReflected() throws Exception {
        for (int i = 1; i <= 200; i++) {
            Role to = i % 2 == 1 ? Role.PRIMARY : Role.BACKUP;
            services.roleChanged(change(Role.BACKUP, to, i, RoleChangeCause.TIMEOUT), to, i).toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            PrimaryRole now = tracker.getService();
            assertEquals("after change " + i, to == Role.PRIMARY, now != null);
            if (now != null) {
                assertEquals(i, now.term());
            }
        }
    }

    @Test
    public void aStuckRoleListenerHoldsUpNeitherPrimaryRoleNorTheOthers() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        BlockingQueue<RoleChange> stuckHeard = new LinkedBlockingQueue<>();
        services.addRoleListener(c -> {
            stuckHeard.add(c);
            stuck.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        BlockingQueue<RoleChange> good = new LinkedBlockingQueue<>();
        services.addRoleListener(good::add);

        int changes = 200;
        for (int term = 1; term <= changes; term++) {
            Role to = term % 2 == 1 ? Role.PRIMARY : Role.BACKUP;
            apply(Role.BACKUP, to, term, RoleChangeCause.TIMEOUT); // waits for PrimaryRole, not for the listeners
            assertEquals("PrimaryRole after term " + term, to == Role.PRIMARY, tracker.getService() != null);
            RoleChange heard = good.poll(5, TimeUnit.SECONDS);
            assertNotNull("the other listener did not hear term " + term, heard);
            assertEquals(term, heard.term());
        }
        assertTrue("the stuck listener never heard the first change", stuck.await(5, TimeUnit.SECONDS));

        release.countDown();
        List<RoleChange> slowHeard = new ArrayList<>();
        while (slowHeard.isEmpty() || slowHeard.get(slowHeard.size() - 1).term() != changes) {
            RoleChange next = stuckHeard.poll(5, TimeUnit.SECONDS);
            assertNotNull("once free, the slow listener must hear the newest change; it heard " + slowHeard, next);
            slowHeard.add(next);
        }
        assertEquals(1, slowHeard.get(0).term());
        for (int i = 1; i < slowHeard.size(); i++) {
            assertTrue("out of order: " + slowHeard, slowHeard.get(i).term() > slowHeard.get(i - 1).term());
        }
        List<String> missedLines = log.stream().filter(l -> l.contains("missed")).toList();
        assertEquals(log.toString(), 1, missedLines.size());
        int missed = Integer.parseInt(missedLines.get(0).replaceAll(".* missed (\\d+) changes.*", "$1"));
        assertEquals("heard plus missed is every change: " + missedLines, changes, slowHeard.size() + missed);
    }

    private static RedundancyStatus status(long term) {
        return RedundancyStatus.builder().symbol("SCADA-A").address("127.0.0.1:7000").activate(true).role(Role.PRIMARY)
                .term(term).build();
    }

    @Test
    public void aStuckStatusListenerHoldsUpNoOtherAndEndsWithTheLatestStatus() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        BlockingQueue<Long> stuckHeard = new LinkedBlockingQueue<>();
        StatusListener slow = s -> {
            stuckHeard.add(s.term());
            stuck.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        services.addStatusListener(slow);
        BlockingQueue<Long> good = new LinkedBlockingQueue<>();
        services.addStatusListener(s -> good.add(s.term()));
        services.statusChanged(status(1));
        assertTrue(stuck.await(5, TimeUnit.SECONDS));
        for (long term = 2; term <= 1000; term++) {
            services.statusChanged(status(term));
        }
        long last = 0;
        while (last != 1000) {
            Long next = good.poll(5, TimeUnit.SECONDS);
            assertNotNull("the other status listener went silent after term " + last, next);
            assertTrue("out of order", next > last);
            last = next;
        }
        release.countDown();
        assertEquals(Long.valueOf(1), stuckHeard.poll(5, TimeUnit.SECONDS));
        assertEquals("coalesced to the latest status", Long.valueOf(1000), stuckHeard.poll(5, TimeUnit.SECONDS));
    }

    @Test
    public void aLateStatusListenerHearsTheLatestStatus() throws Exception {
        services.statusChanged(status(7));
        BlockingQueue<Long> late = new LinkedBlockingQueue<>();
        services.addStatusListener(s -> late.add(s.term()));
        assertEquals(Long.valueOf(7), late.poll(5, TimeUnit.SECONDS));
    }

    @Test
    public void shutdownLogsNoErrorAndLaterWorkIsIgnoredQuietly() throws Exception {
        BlockingQueue<RoleChange> heard = new LinkedBlockingQueue<>();
        services.addRoleListener(heard::add);
        services.addStatusListener(s -> { });
        apply(Role.BACKUP, Role.PRIMARY, 1, RoleChangeCause.STARTUP_ELECTION);
        services.statusChanged(status(1));
        services.close();
        assertNull("close unregisters PrimaryRole", tracker.getService());
        // What the node may still send while it stops:
        CompletableFuture<Void> late = services
                .roleChanged(change(Role.PRIMARY, Role.BACKUP, 2, RoleChangeCause.HANDED_OVER), Role.BACKUP, 2)
                .toCompletableFuture();
        assertTrue("a change after close must not leave its caller waiting", late.isDone());
        services.statusChanged(status(2));
        services.addRoleListener(c -> { });
        services.addStatusListener(s -> { });
        services.roleChanged(change(Role.BACKUP, Role.PRIMARY, 3, RoleChangeCause.TIMEOUT), Role.PRIMARY, 3);
        assertNull("nothing registers PrimaryRole after close", tracker.getService());
        assertTrue("no ERROR at shutdown: " + log, log.stream().noneMatch(l -> l.contains("ERROR")));
    }
}

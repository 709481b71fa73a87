package scada.redundancy.runtime.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

import scada.redundancy.runtime.PrimaryRole;
import scada.redundancy.runtime.Role;
import scada.redundancy.runtime.RoleChange;
import scada.redundancy.runtime.RoleChangeCause;
import scada.redundancy.runtime.RoleListener;

/**
 * Role-aware services in the real OSGi service registry: PrimaryRole exists exactly while the
 * server serves the plant, and role listeners hear every change in order, late ones the current role.
 */
public class RoleServicesTest {
    private BundleContext context;
    private RoleServices services;
    private ServiceTracker<PrimaryRole, PrimaryRole> tracker;
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    @Before
    public void open() {
        context = FrameworkUtil.getBundle(RoleServicesTest.class).getBundleContext();
        services = new RoleServices(context, line -> { });
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
        List<String> heard = new CopyOnWriteArrayList<>();
        RoleListener early = c -> heard.add("early " + c.to().jsonName() + " " + c.term());
        services.addRoleListener(early);
        apply(Role.BACKUP, Role.PRIMARY, 1, RoleChangeCause.STARTUP_ELECTION);
        apply(Role.PRIMARY, Role.BACKUP, 2, RoleChangeCause.HIGHER_TERM);
        apply(Role.BACKUP, Role.PRIMARY, 3, RoleChangeCause.TIMEOUT);
        BlockingQueue<RoleChange> late = new LinkedBlockingQueue<>();
        services.addRoleListener(late::add);
        RoleChange first = late.poll(5, TimeUnit.SECONDS);
        assertNotNull(first);
        assertEquals(Role.PRIMARY, first.to());
        assertEquals(3, first.term());
        assertEquals(List.of("early primary 1", "early backup 2", "early primary 3"), heard);
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
}

package scada.redundancy.runtime.server.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

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

import scada.redundancy.model.Partner;
import scada.redundancy.runtime.PrimaryRole;
import scada.redundancy.runtime.Role;
import scada.redundancy.runtime.RoleChange;
import scada.redundancy.runtime.RoleChangeCause;

/**
 * The fence alone, with the test thread playing the redundancy loop: PrimaryRole goes when the
 * "loop" stops ticking while the role serves the plant, never earlier than the allowed silence,
 * and comes back with the latest role when the loop runs again; a backup is never touched.
 */
public class LoopFenceTest {
    private static final long LIMIT_MS = 200;
    /** How often the test's "loop" ticks while it runs. */
    private static final long TICK_MS = 20;

    private BundleContext context;
    private RoleServices services;
    private LoopFence fence;
    private ServiceTracker<PrimaryRole, PrimaryRole> tracker;
    /** "started term N" / "stopped", each with the System.nanoTime() it happened at. */
    private final BlockingQueue<Object[]> events = new LinkedBlockingQueue<>();
    private final List<String> log = new CopyOnWriteArrayList<>();

    @Before
    public void open() {
        context = FrameworkUtil.getBundle(LoopFenceTest.class).getBundleContext();
        services = new RoleServices(context, log::add);
        fence = new LoopFence(services, log::add, "test");
        tracker = new ServiceTracker<>(context, PrimaryRole.class, null) {
            @Override
            public PrimaryRole addingService(ServiceReference<PrimaryRole> reference) {
                events.add(new Object[] { "started term " + reference.getProperty("term"), System.nanoTime() });
                return super.addingService(reference);
            }

            @Override
            public void removedService(ServiceReference<PrimaryRole> reference, PrimaryRole service) {
                events.add(new Object[] { "stopped", System.nanoTime() });
                super.removedService(reference, service);
            }
        };
        tracker.open();
    }

    @After
    public void close() {
        fence.close();
        services.close();
        tracker.close();
    }

    private void apply(Role from, Role to, long term) throws Exception {
        services.roleChanged(new RoleChange(System.currentTimeMillis(), from, to, term, RoleChangeCause.TIMEOUT, "", -1, -1,
                -1, -1, "test"), to, term).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    /** The "loop" runs for {@code ms}, ticking; returns the time of its last tick. */
    private long runLoopFor(long ms) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        long last;
        do {
            last = System.nanoTime();
            fence.tick(last, LIMIT_MS);
            Thread.sleep(TICK_MS); // the loop's own period: what is measured is its silence after the last tick
        } while (System.nanoTime() < until);
        return last;
    }

    private void awaitLog(String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (log.stream().noneMatch(l -> l.contains(text))) {
            assertTrue("no \"" + text + "\" in the log within 5 s: " + log, System.nanoTime() < deadline);
            Thread.sleep(10); // polling a plain list: bounded by the deadline
        }
    }

    private Object[] next() throws InterruptedException {
        Object[] e = events.poll(5, TimeUnit.SECONDS);
        assertNotNull("no PrimaryRole event within 5 s", e);
        return e;
    }

    @Test
    public void aSilentLoopWithdrawsPrimaryRoleAndARunningOneBringsItBack() throws Exception {
        apply(Role.BACKUP, Role.PRIMARY, 7);
        assertEquals("started term 7", next()[0]);
        long lastTick = runLoopFor(5 * LIMIT_MS);
        assertNull("no fence while the loop runs: " + log, events.poll());
        // The loop stops ticking.
        Object[] stopped = next();
        assertEquals("stopped", stopped[0]);
        long silentMs = TimeUnit.NANOSECONDS.toMillis((long) stopped[1] - lastTick);
        assertTrue("withdrawn after " + silentMs + " ms, not before the allowed silence", silentMs >= LIMIT_MS);
        assertTrue("withdrawn after " + silentMs + " ms: within bound", silentMs < LIMIT_MS + 2000);
        assertTrue(fence.fenced());
        awaitLog("role-aware services stopped (fenced)"); // written once PrimaryRole is gone, just after the event
        // The loop runs again and, having decided, lifts the fence: the role is still primary.
        runLoopFor(TICK_MS);
        fence.unfence();
        assertEquals("started term 7", next()[0]);
        assertEquals(7, tracker.waitForService(5000).term()); // our listener may hear the registration before the tracker does
        assertFalse(fence.fenced());
    }

    @Test
    public void roleChangesDuringTheFenceAreFollowedAndTheLatestOneComesBack() throws Exception {
        apply(Role.BACKUP, Role.PRIMARY, 3);
        assertEquals("started term 3", next()[0]);
        runLoopFor(TICK_MS);
        assertEquals("stopped", next()[0]);
        // Meanwhile the node stepped down and took the role again with a higher term.
        apply(Role.PRIMARY, Role.BACKUP, 4);
        apply(Role.BACKUP, Role.PRIMARY, 5);
        assertNull("PrimaryRole stays away while fenced", tracker.getService());
        runLoopFor(TICK_MS);
        fence.unfence();
        assertEquals("started term 5", next()[0]);
    }

    @Test
    public void aSteppedDownServerStaysWithoutPrimaryRoleWhenTheFenceIsLifted() throws Exception {
        apply(Role.BACKUP, Role.PRIMARY, 3);
        assertEquals("started term 3", next()[0]);
        runLoopFor(TICK_MS);
        assertEquals("stopped", next()[0]);
        apply(Role.PRIMARY, Role.BACKUP, 4); // after the stall the node heard the higher term
        runLoopFor(TICK_MS);
        fence.unfence();
        assertNull("nothing registered: " + log, events.poll(3 * LIMIT_MS, TimeUnit.MILLISECONDS));
        assertNull(tracker.getService());
    }

    @Test
    public void aBackupIsNeverTouched() throws Exception {
        apply(Role.PRIMARY, Role.BACKUP, 2);
        runLoopFor(TICK_MS);
        // The loop stays silent for five times the allowed silence: nothing to fence.
        assertNull(events.poll(5 * LIMIT_MS, TimeUnit.MILLISECONDS));
        assertFalse(fence.fenced());
        assertTrue(log.toString(), log.isEmpty());
        // The loop runs again and the node takes the role: PrimaryRole comes at once, not held back.
        runLoopFor(TICK_MS);
        apply(Role.BACKUP, Role.PRIMARY, 3);
        assertEquals("started term 3", next()[0]);
    }

    @Test
    public void theAllowedSilenceEndsBeforeTheEarliestTakeover() {
        // Timeout 3000, Period 1000: a backup takes over no earlier than 2000 ms after the stall.
        assertEquals(1500, LoopFence.silenceLimitMs(List.of(partner(1000, 3000))));
        assertEquals(150, LoopFence.silenceLimitMs(List.of(partner(100, 300))));
        // The shortest over the partners; none: unarmed.
        assertEquals(150, LoopFence.silenceLimitMs(List.of(partner(1000, 3000), partner(100, 300))));
        assertEquals(0, LoopFence.silenceLimitMs(List.of()));
        for (int period : new int[] { 10, 50, 100, 200, 1000, 5000 }) {
            for (int factor : new int[] { 2, 3, 5, 10 }) {
                int timeout = period * factor;
                long limit = LoopFence.silenceLimitMs(List.of(partner(period, timeout)));
                assertTrue(period + "/" + timeout + ": " + limit, limit > 0 && limit < timeout - period);
            }
        }
    }

    private static Partner partner(int periodMs, int timeoutMs) {
        return new Partner(1, "SCADA-B", "127.0.1.2", 20000, periodMs, timeoutMs, 3, true, "", "");
    }
}

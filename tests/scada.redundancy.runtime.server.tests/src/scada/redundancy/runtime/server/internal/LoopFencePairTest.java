package scada.redundancy.runtime.server.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;

import scada.redundancy.model.Failback;
import scada.redundancy.model.LocalServer;
import scada.redundancy.model.Partner;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.runtime.PrimaryRole;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.Role;
import scada.redundancy.runtime.RoleChange;
import scada.redundancy.runtime.tls.LinkIdentity;

/**
 * Two real nodes in this JVM, each with its role services and fence as the component wires them:
 * the primary's redundancy loop is blocked (as a full stdout pipe or a stuck handshake would
 * block it), and its PrimaryRole is gone before the backup takes over; once the loop runs again
 * the old primary steps down and PrimaryRole stays only on the new one.
 */
public class LoopFencePairTest {
    private static final int PERIOD_MS = 400;
    private static final int TIMEOUT_MS = 1200;

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private final int port = 20000 + ThreadLocalRandom.current().nextInt(20000);
    private BundleContext context;
    private Server a;
    private Server b;
    /** PrimaryRole registered/unregistered, with System.nanoTime(), in the order the registry told. */
    private final BlockingQueue<Object[]> primaryRoles = new LinkedBlockingQueue<>();
    private ServiceListener primaryRoleEvents;
    private final CountDownLatch release = new CountDownLatch(1);

    /** One server as the component wires it: node, role services, fence. */
    private final class Server implements RedundancyNode.Listener {
        final String symbol;
        final RoleServices roles;
        final Queue<String> logs = new ConcurrentLinkedQueue<>();
        /** Role changes with the System.nanoTime() the node made them at. */
        final BlockingQueue<Object[]> changes = new LinkedBlockingQueue<>();
        volatile RedundancyStatus last;
        RedundancyNode node;
        LoopFence fence;

        Server(String symbol) {
            this.symbol = symbol;
            this.roles = new RoleServices(context, this::log);
        }

        void start(String bind, Path data, RedundancyConfiguration config) throws Exception {
            node = RedundancyNode.start(new RedundancyNode.Settings(bind, data, null), config, this);
            fence = LoopFence.watch(node, roles, this::log);
        }

        @Override
        public CompletionStage<Void> roleChanged(RoleChange change, Role role, long term) {
            changes.add(new Object[] { change, System.nanoTime() });
            return roles.roleChanged(change, role, term);
        }

        @Override
        public void statusChanged(RedundancyStatus status) {
            last = status;
        }

        @Override
        public void log(String line) {
            logs.add(line);
            System.out.println("    " + symbol + " " + line);
        }

        void stop() {
            if (node != null) {
                node.shutdown(Duration.ofSeconds(2));
                fence.close();
            }
            roles.close();
        }

        /** The first role change to {@code role} from now on, with its time. */
        Object[] awaitChangeTo(Role role, long timeoutMs) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            while (true) {
                Object[] c = changes.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                assertNotNull(symbol + ": no change to " + role.jsonName() + " within " + timeoutMs + " ms", c);
                if (((RoleChange) c[0]).to() == role) {
                    return c;
                }
            }
        }
    }

    @Before
    public void startPair() throws Exception {
        context = FrameworkUtil.getBundle(LoopFencePairTest.class).getBundleContext();
        primaryRoleEvents = event -> {
            if (event.getType() == ServiceEvent.REGISTERED || event.getType() == ServiceEvent.UNREGISTERING) {
                primaryRoles.add(new Object[] { event.getType() == ServiceEvent.REGISTERED ? "registered" : "unregistered",
                        System.nanoTime(), event.getServiceReference().getProperty("term") });
            }
        };
        context.addServiceListener(primaryRoleEvents, "(objectClass=" + PrimaryRole.class.getName() + ")");
        // The count at the end is of the whole framework: a PrimaryRole an earlier test left behind
        // would be counted too, so say so here rather than blame this pair.
        assertNull("a PrimaryRole from an earlier test is still registered: " + Arrays.toString(
                context.getServiceReferences(PrimaryRole.class.getName(), null)),
                context.getServiceReferences(PrimaryRole.class.getName(), null));
        Path dataA = temp.newFolder("a").toPath();
        Path dataB = temp.newFolder("b").toPath();
        String fpA = LinkIdentity.loadOrCreate(dataA, "SCADA-A").fingerprint();
        String fpB = LinkIdentity.loadOrCreate(dataB, "SCADA-B").fingerprint();
        a = new Server("SCADA-A");
        b = new Server("SCADA-B");
        a.start("127.0.1.3", dataA, config("SCADA-A", "SCADA-B", "127.0.1.4", fpB));
        b.start("127.0.1.4", dataB, config("SCADA-B", "SCADA-A", "127.0.1.3", fpA));
    }

    private RedundancyConfiguration config(String me, String partner, String address, String fingerprint) {
        return new RedundancyConfiguration(new LocalServer(me, port, true, false, "", "", Failback.MANUAL, 2000),
                List.of(new Partner(1, partner, address, port, PERIOD_MS, TIMEOUT_MS, 3, true, "", fingerprint)));
    }

    @After
    public void stopPair() {
        release.countDown();
        for (Server s : new Server[] { a, b }) {
            if (s != null) {
                s.stop();
            }
        }
        context.removeServiceListener(primaryRoleEvents);
    }

    private Object[] nextPrimaryRoleEvent(long timeoutMs) throws InterruptedException {
        Object[] e = primaryRoles.poll(timeoutMs, TimeUnit.MILLISECONDS);
        assertNotNull("no PrimaryRole event within " + timeoutMs + " ms", e);
        return e;
    }

    @Test
    public void aStalledPrimaryStopsItsRoleAwareServicesBeforeTheBackupTakesOver() throws Exception {
        assertEquals("registered", nextPrimaryRoleEvent(15_000)[0]); // the start-up election
        Server primary = a.node.role() == Role.PRIMARY ? a : b;
        Server backup = primary == a ? b : a;
        assertEquals(Role.BACKUP, backup.node.role());
        long firstTerm = primary.node.status().term();

        // The primary's redundancy loop stops running.
        primary.node.loop().execute(() -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Object[] fenced = nextPrimaryRoleEvent(10_000);
        assertEquals("unregistered", fenced[0]);
        Object[] takeover = backup.awaitChangeTo(Role.PRIMARY, 10_000);
        long aheadMs = TimeUnit.NANOSECONDS.toMillis((long) takeover[1] - (long) fenced[1]);
        assertTrue("PrimaryRole went " + aheadMs + " ms before the backup took over", aheadMs > 0);
        assertTrue(String.join("\n", primary.logs),
                primary.logs.stream().anyMatch(l -> l.contains("role-aware services stopped (fenced)")));
        Object[] successor = nextPrimaryRoleEvent(5000);
        assertEquals("registered", successor[0]);
        long newTerm = ((RoleChange) takeover[0]).term();
        assertTrue(newTerm > firstTerm);
        assertEquals(newTerm, successor[2]);

        // The loop runs again: the old primary hears the higher term, steps down, and its fence is
        // lifted without bringing PrimaryRole back — not for a moment, so the events are watched
        // until the fence is lifted and two Timeouts after that.
        release.countDown();
        primary.awaitChangeTo(Role.BACKUP, 10_000);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long settledBy = Long.MAX_VALUE;
        while (System.nanoTime() - Math.min(until, settledBy) < 0) {
            Object[] e = primaryRoles.poll(50, TimeUnit.MILLISECONDS);
            assertTrue("no PrimaryRole change on the old primary: " + (e == null ? "" : e[0] + " term " + e[2]), e == null);
            if (settledBy == Long.MAX_VALUE && primary.logs.stream().anyMatch(l -> l.contains("follow the role again"))) {
                settledBy = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2 * TIMEOUT_MS);
            }
        }
        assertTrue(String.join("\n", primary.logs),
                primary.logs.stream().anyMatch(l -> l.contains("follow the role again")));
        assertEquals(Role.PRIMARY, backup.node.role());
        assertEquals("exactly the new primary's PrimaryRole", 1,
                context.getServiceReferences(PrimaryRole.class, null).size());
    }
}

package scada.redundancy.opcua.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The failover client against real Milo servers on loopback addresses whose ServiceLevel the
 * test sets: it picks the highest level, follows a drop, survives a server's shutdown with a
 * measured gap, does not flap between near-equal levels, and says clearly when a server does
 * not trust it.
 */
public class FailoverClientTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private final List<AutoCloseable> open = new ArrayList<>();
    private ClientIdentity identity;
    private final Recorder events = new Recorder();

    @Before
    public void identity() throws Exception {
        identity = ClientIdentity.loadOrCreate(temp.newFolder("client").toPath(), "hmi-test");
    }

    @After
    public void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private TestServer server(String address, String symbol, int level, boolean trusted) throws Exception {
        return server(address, symbol, level, trusted, true);
    }

    /**
     * @param trusted       the server trusts this client
     * @param trustedServer this client trusts the server's certificate
     */
    private TestServer server(String address, String symbol, int level, boolean trusted, boolean trustedServer)
            throws Exception {
        Path data = temp.newFolder(symbol).toPath();
        if (trusted) {
            identity.trustOn(data);
        }
        TestServer s = TestServer.start(address, data, symbol, level);
        open.add(s);
        if (trustedServer) {
            identity.trustServerOf(data);
        }
        return s;
    }

    private FailoverClient client(TestServer... servers) {
        FailoverClient.Builder b = FailoverClient.builder().identity(identity).tags(TestServer.TAG).listener(events);
        for (TestServer s : servers) {
            b.endpoints(s.url());
        }
        FailoverClient c = b.start();
        open.add(c);
        return c;
    }

    @Test
    public void takesTheHighestServiceLevelAndFollowsItsDropWithTheSubscriptionIntact() throws Exception {
        TestServer backup = server("127.0.3.11", "SCADA-B", 150, true);
        TestServer primary = server("127.0.3.12", "SCADA-A", 250, true);
        FailoverClient client = client(backup, primary); // the backup first: the order given must not decide
        assertEquals("the highest ServiceLevel", primary.url(), client.awaitCurrentServer(WAIT));
        events.await(e -> e.value(primary.url()) >= 3, "values from the primary");
        assertEquals(List.of(primary.url()), events.firstServers());

        primary.serviceLevel(0); // maintenance: the client must leave it
        Switch sw = events.awaitSwitch(1);
        assertEquals(primary.url(), sw.from());
        assertEquals(backup.url(), sw.to());
        assertTrue(sw.reason(), sw.reason().contains("ServiceLevel 0 (Maintenance)"));
        assertNotNull("a value came from the new server: the gap is known", sw.gap());
        assertEquals(backup.url(), client.currentServer().orElseThrow());
        int before = events.value(backup.url());
        events.await(e -> e.value(backup.url()) >= before + 5, "the subscription keeps delivering from the new server");
        assertEquals("no value from the old server after the move", 0, events.valuesFromAfterSwitch(primary.url()));
        ServerView b = client.servers().stream().filter(v -> v.endpointUrl().equals(backup.url())).findFirst().orElseThrow();
        assertTrue(b.current());
        assertEquals(150, b.serviceLevel());
        assertEquals("urn:duplex:scada:SCADA-B", b.applicationUri());
    }

    @Test
    public void aServerThatStopsAbruptlyIsLeftAndTheGapReported() throws Exception {
        TestServer primary = server("127.0.3.21", "SCADA-A", 250, true);
        TestServer backup = server("127.0.3.22", "SCADA-B", 120, true);
        FailoverClient client = client(primary, backup);
        assertEquals(primary.url(), client.awaitCurrentServer(WAIT));
        events.await(e -> e.value(primary.url()) >= 3, "values from the primary");
        events.await(e -> e.level(backup.url()) == 120, "the backup is watched too");

        primary.close(); // its connections close as in a crash
        Switch sw = events.awaitSwitch(1);
        assertEquals(primary.url(), sw.from());
        assertEquals(backup.url(), sw.to());
        assertEquals("connection lost", sw.reason());
        assertNotNull(sw.gap());
        // the backup's session is open already: moving is one CreateSubscription, far below Milo's reconnect delays
        System.out.println("FailoverClientTest: gap after a server stopped: " + sw.gap().toMillis() + " ms");
        assertTrue("gap " + sw.gap().toMillis() + " ms", sw.gap().toMillis() < 1500);
        events.await(e -> e.value(backup.url()) >= 3, "values from the backup");
    }

    @Test
    public void nearlyEqualLevelsDoNotMakeItFlapButAClearlyHigherOneDoes() throws Exception {
        TestServer a = server("127.0.3.31", "SCADA-A", 150, true);
        TestServer b = server("127.0.3.32", "SCADA-B", 150, true);
        FailoverClient client = client(a, b);
        String first = client.awaitCurrentServer(WAIT);
        TestServer there = first.equals(a.url()) ? a : b;
        TestServer other = there == a ? b : a;
        events.await(e -> e.level(other.url()) == 150 && e.value(first) >= 1, "both watched");
        for (int level : new int[] { 152, 149, 154, 151, 155 }) { // the other wobbles within the hysteresis
            other.serviceLevel(level);
            events.await(e -> e.level(other.url()) == level, "level " + level + " seen");
        }
        there.serviceLevel(151);
        events.await(e -> e.level(first) == 151, "level 151 seen");
        assertEquals("no move for a difference of " + ServerChoice.HYSTERESIS + " or less", 0, events.switches().size());
        assertEquals(first, client.currentServer().orElseThrow());

        other.serviceLevel(230); // becomes primary
        Switch sw = events.awaitSwitch(1);
        assertEquals(other.url(), sw.to());
        assertEquals(1, events.switches().size());
    }

    @Test
    public void aServerThatDoesNotTrustTheClientIsReportedWithWhatToDo() throws Exception {
        TestServer stranger = server("127.0.3.41", "SCADA-X", 250, false);
        FailoverClient client = client(stranger);
        try {
            client.awaitCurrentServer(Duration.ofSeconds(5));
            fail("an untrusted client got a session");
        } catch (TimeoutException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("refused this client's certificate"));
            assertTrue(e.getMessage(), e.getMessage().contains("DATA/opcua/pki/trusted/certs"));
            assertTrue(e.getMessage(), e.getMessage().contains(identity.certificateFile().toString()));
        }
        String problem = events.await(e -> !e.problems().isEmpty(), "a problem reported").problems().get(0);
        assertTrue(problem, problem.startsWith(stranger.url() + ": "));

        identity.trustOn(stranger.data); // the operator approves it: the client's next attempt gets in
        assertEquals(stranger.url(), client.awaitCurrentServer(Duration.ofSeconds(15)));
    }

    @Test
    public void aServerWhoseCertificateTheClientDoesNotTrustIsRefusedWithWhatToDo() throws Exception {
        TestServer impostor = server("127.0.3.42", "SCADA-Y", 250, true, false);
        FailoverClient client = client(impostor);
        try {
            client.awaitCurrentServer(Duration.ofSeconds(5));
            fail("the client talked to a server whose certificate it does not trust");
        } catch (TimeoutException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("does not trust the server's certificate"));
            assertTrue(e.getMessage(), e.getMessage().contains(identity.trustedServersDirectory().toString()));
        }
        assertEquals("values only from trusted servers", 0, events.value(impostor.url()));
        java.nio.file.Path rejected;
        try (var files = java.nio.file.Files.list(identity.rejectedServersDirectory())) {
            rejected = files.findFirst().orElseThrow(() -> new AssertionError("the refused certificate is kept for a look"));
        }
        // the operator checks it and moves it to trusted: the client's next attempt gets in, no restart
        java.nio.file.Files.createDirectories(identity.trustedServersDirectory());
        java.nio.file.Files.move(rejected, identity.trustedServersDirectory().resolve(rejected.getFileName()));
        assertEquals(impostor.url(), client.awaitCurrentServer(Duration.ofSeconds(15)));
    }

    @Test
    public void theIdentityIsKeptAcrossRuns() throws Exception {
        Path dir = temp.newFolder("kept").toPath();
        ClientIdentity first = ClientIdentity.loadOrCreate(dir, "hmi-1");
        ClientIdentity again = ClientIdentity.loadOrCreate(dir, "another name");
        assertEquals(first.fingerprint(), again.fingerprint());
        assertEquals("urn:duplex:client:hmi-1", again.applicationUri());
        assertEquals(64, first.fingerprint().length());
        assertEquals(first.certificate(), java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(
                java.nio.file.Files.newInputStream(again.certificateFile())));
    }

    /** Records every listener call; tests wait on it for a condition. */
    private static final class Recorder implements FailoverListener {
        private final List<TagValue> values = new ArrayList<>();
        private final List<Switch> switches = new ArrayList<>();
        private final List<String> firstServers = new ArrayList<>();
        private final java.util.Map<String, Integer> levels = new java.util.HashMap<>();
        private final List<String> problems = new ArrayList<>();
        private int valuesAtLastSwitch;

        @Override
        public synchronized void value(TagValue value) {
            values.add(value);
            notifyAll();
        }

        @Override
        public synchronized void firstServer(String endpointUrl) {
            firstServers.add(endpointUrl);
            notifyAll();
        }

        @Override
        public synchronized void switched(Switch change) {
            switches.add(change);
            valuesAtLastSwitch = values.size();
            notifyAll();
        }

        @Override
        public synchronized void serviceLevel(String endpointUrl, int level) {
            levels.put(endpointUrl, level);
            notifyAll();
        }

        @Override
        public synchronized void problem(String endpointUrl, String message) {
            problems.add(endpointUrl + ": " + message);
            notifyAll();
        }

        synchronized int value(String server) {
            return (int) values.stream().filter(v -> v.server().equals(server) && v.good()).count();
        }

        synchronized int valuesFromAfterSwitch(String server) {
            return (int) values.subList(valuesAtLastSwitch, values.size()).stream().filter(v -> v.server().equals(server)).count();
        }

        synchronized int level(String server) {
            return levels.getOrDefault(server, -1);
        }

        synchronized List<Switch> switches() {
            return List.copyOf(switches);
        }

        synchronized List<String> firstServers() {
            return List.copyOf(firstServers);
        }

        synchronized List<String> problems() {
            return List.copyOf(problems);
        }

        synchronized Recorder await(Predicate<Recorder> condition, String what) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!condition.test(this)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(what + ": not within " + WAIT.toMillis() + " ms; switches " + switches
                            + ", levels " + levels + ", problems " + problems + ", " + values.size() + " values");
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return this;
        }

        /** The {@code number}th switch (from 1), once it happened. */
        synchronized Switch awaitSwitch(int number) throws InterruptedException {
            await(r -> r.switches.size() >= number, "switch " + number);
            return switches.get(number - 1);
        }
    }
}

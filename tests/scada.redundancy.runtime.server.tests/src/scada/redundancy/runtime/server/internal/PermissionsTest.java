package scada.redundancy.runtime.server.internal;

import scada.redundancy.runtime.link.LinkClient;
import scada.redundancy.runtime.link.LinkProtocol;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import scada.redundancy.model.Failback;
import scada.redundancy.model.LocalServer;
import scada.redundancy.model.Partner;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.runtime.ConnectResult;
import scada.redundancy.runtime.ConnectResult.Failure;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.Role;
import scada.redundancy.runtime.RoleChange;
import scada.redundancy.runtime.server.internal.InProcessPairTest.Events;
import scada.redundancy.runtime.link.LinkProtocol.Hello;
import scada.redundancy.runtime.tls.LinkIdentity;
import scada.redundancy.runtime.tls.PinnedTrust;
import scada.redundancy.runtime.tls.TrustStore;
import scada.redundancy.runtime.tls.TrustStore.As;
import scada.redundancy.runtime.link.FrameType;
import scada.redundancy.runtime.link.LinkAccess;

/**
 * Who may do what on a server's port, and how much, with two real nodes over TLS on loopback
 * (127.0.4.1 and 127.0.4.2, a random port). SCADA-A's row for SCADA-B pins nothing: SCADA-B's
 * certificate is approved on A as partner "SCADA-B", so the pair linking up is the case where an
 * approval as that partner is accepted as its server. Each other identity tries each operation
 * against A and gets exactly what its role allows, and a REJECT with the reason otherwise.
 */
public class PermissionsTest {
    private static final String A_ADDRESS = "127.0.4.1";
    private static final String B_ADDRESS = "127.0.4.2";

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private final int port = 20000 + ThreadLocalRandom.current().nextInt(20000);
    private Events a;
    private Events b;
    private RedundancyNode nodeA;
    private RedundancyNode nodeB;
    private Path dataA;
    private Path dataB;
    private EventLoopGroup clients;
    private InetSocketAddress serverA;

    @Before
    public void startPair() throws Exception {
        dataA = temp.newFolder("a").toPath();
        dataB = temp.newFolder("b").toPath();
        String fpA = LinkIdentity.loadOrCreate(dataA, "SCADA-A").fingerprint();
        String fpB = LinkIdentity.loadOrCreate(dataB, "SCADA-B").fingerprint();
        new TrustStore(dataA).approve(fpB, As.PARTNER, "SCADA-B", "the partner, approved rather than pinned");
        a = new Events();
        b = new Events();
        nodeA = RedundancyNode.start(new RedundancyNode.Settings(A_ADDRESS, dataA, null),
                config("SCADA-A", "SCADA-B", B_ADDRESS, ""), a);
        nodeB = RedundancyNode.start(new RedundancyNode.Settings(B_ADDRESS, dataB, null),
                config("SCADA-B", "SCADA-A", A_ADDRESS, fpA), b);
        a.await(s -> s.partners().get(0).connected() && !s.starting(), 10_000);
        b.await(s -> s.partners().get(0).connected() && !s.starting(), 10_000);
        clients = new NioEventLoopGroup(1, new DefaultThreadFactory("permissions-test", true));
        serverA = new InetSocketAddress(A_ADDRESS, port);
    }

    private RedundancyConfiguration config(String me, String partner, String address, String fingerprint) {
        return new RedundancyConfiguration(new LocalServer(me, port, true, false, "", "", Failback.MANUAL, 2000),
                List.of(new Partner(1, partner, address, port, 100, 300, 3, true, "", fingerprint)));
    }

    @After
    public void stop() {
        if (clients != null) {
            clients.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        if (nodeA != null) {
            nodeA.shutdown(Duration.ofSeconds(2));
        }
        if (nodeB != null) {
            nodeB.shutdown(Duration.ofSeconds(2));
        }
    }

    /** An identity of its own, approved on A as {@code as} (null: not approved, a stranger). */
    private LinkIdentity identity(String name, As as, String symbol) throws Exception {
        LinkIdentity id = LinkIdentity.loadOrCreate(temp.newFolder().toPath(), name);
        if (as != null) {
            new TrustStore(dataA).approve(id.fingerprint(), as, symbol, name);
        }
        return id;
    }

    /** A client that talks with {@code id}'s certificate, from {@code bind} (null: any address). */
    private LinkClient client(LinkIdentity id, String bind) throws Exception {
        SslContext ssl = SslContextBuilder.forClient().keyManager(id.key(), id.certificate())
                .trustManager(new PinnedTrust(() -> Set.of(nodeA.fingerprint()), f -> {
                })).protocols("TLSv1.3").build();
        return new LinkClient(clients, ssl, bind, 3000);
    }

    private static Hello serverHello(String symbol, int port) {
        return new Hello(LinkProtocol.OLDEST_VERSION, LinkProtocol.PRODUCT, LinkProtocol.KIND_SERVER, symbol, B_ADDRESS, port,
                0, "backup", 100, "", "", 100, 300, LinkProtocol.VERSION);
    }

    /** What happened when an identity tried one operation. */
    private record Outcome(boolean allowed, String detail) {
    }

    private Outcome helloAsServer(LinkIdentity id) throws Exception {
        // From B's address with B's Symbol and the right port: only the certificate can make it fail.
        ConnectResult r = client(id, B_ADDRESS).probe(serverA, serverHello("SCADA-B", port)).get(10, TimeUnit.SECONDS);
        return new Outcome(r.connected(), r.failure() + ": " + r.detail());
    }

    private Outcome status(LinkIdentity id) throws Exception {
        return outcome(() -> client(id, null).fetchStatus(serverA, LinkAccess.monitorHello("test")).get(10, TimeUnit.SECONDS));
    }

    private Outcome verify(LinkIdentity id) throws Exception {
        return outcome(() -> client(id, null).fetchConfigView(serverA, LinkAccess.probeHello("test")).get(10, TimeUnit.SECONDS));
    }

    /** Hand-over asked of the backup: allowed means A answered (it has nothing to hand over), not a REJECT. */
    private Outcome handOver(LinkIdentity id, RedundancyNode backup, String address) throws Exception {
        InetSocketAddress at = new InetSocketAddress(address, port);
        SslContext ssl = SslContextBuilder.forClient().keyManager(id.key(), id.certificate())
                .trustManager(new PinnedTrust(() -> Set.of(backup.fingerprint()), f -> {
                })).protocols("TLSv1.3").build();
        LinkClient c = new LinkClient(clients, ssl, null, 3000);
        try {
            LinkAccess.act(c, at, "test", LinkAccess.HAND_OVER, null, 2000, String.class).get(10, TimeUnit.SECONDS);
            return new Outcome(true, "handed over");
        } catch (ExecutionException e) {
            String m = String.valueOf(e.getCause().getMessage());
            return new Outcome(m.contains("nothing to hand over"), m);
        }
    }

    private interface Attempt {
        Object run() throws Exception;
    }

    private static Outcome outcome(Attempt attempt) throws Exception {
        try {
            attempt.run();
            return new Outcome(true, "answered");
        } catch (ExecutionException e) {
            return new Outcome(false, String.valueOf(e.getCause().getMessage()));
        }
    }

    /** A stranger never gets past TLS: the client says authentication failed (or, if the close wins the race, that the server does not trust it). */
    private static void assertStrangerRefused(String what, Outcome o) {
        assertFalse(what + " must be refused", o.allowed());
        assertTrue(what + ": " + o.detail(), o.detail().contains("authentication failed")
                || o.detail().contains("AUTHENTICATION_FAILED") || o.detail().contains("does not trust this side's certificate"));
    }

    private static void assertAllowed(String what, Outcome o) {
        assertTrue(what + " must be allowed: " + o.detail(), o.allowed());
    }

    private static void assertRefused(String what, Outcome o, String reason) {
        assertFalse(what + " must be refused", o.allowed());
        assertTrue(what + ": the client shows the reason \"" + reason + "\", not a guess: " + o.detail(),
                o.detail().contains(reason));
    }

    @Test
    public void eachIdentityGetsExactlyWhatItsRoleAllows() throws Exception {
        RedundancyNode backup = nodeA.role() == Role.PRIMARY ? nodeB : nodeA;
        String backupAddress = backup == nodeA ? A_ADDRESS : B_ADDRESS;
        List<RoleChange> rolesA = List.copyOf(a.roles);
        List<RoleChange> rolesB = List.copyOf(b.roles);
        LinkIdentity monitor = identity("monitor", As.MONITOR, null);
        LinkIdentity operator = identity("operator", As.OPERATOR, null);
        LinkIdentity otherPartner = identity("partner-c", As.PARTNER, "SCADA-C");
        LinkIdentity stranger = identity("stranger", null, null);
        if (backup == nodeB) { // the hand-over is asked of the backup: the same approvals there
            new TrustStore(dataB).approve(monitor.fingerprint(), As.MONITOR, null, "monitor");
            new TrustStore(dataB).approve(operator.fingerprint(), As.OPERATOR, null, "operator");
            new TrustStore(dataB).approve(otherPartner.fingerprint(), As.PARTNER, "SCADA-C", "partner-c");
        }

        // HELLO as server: a monitor's, an operator's or another partner's certificate never passes for SCADA-B.
        assertRefused("monitor: HELLO as server", helloAsServer(monitor), "is approved there as monitor");
        assertRefused("operator: HELLO as server", helloAsServer(operator), "is approved there as operator");
        assertRefused("partner SCADA-C: HELLO as server SCADA-B", helloAsServer(otherPartner),
                "is approved there as partner \"SCADA-C\"");
        assertStrangerRefused("stranger: HELLO as server", helloAsServer(stranger));

        // STATUS: monitors and operators.
        assertAllowed("monitor: STATUS", status(monitor));
        assertAllowed("operator: STATUS", status(operator));
        assertRefused("partner SCADA-C: STATUS", status(otherPartner), "not a monitoring client's");
        assertStrangerRefused("stranger: STATUS", status(stranger));
        assertRefused("STATUS on a probe connection", outcome(() -> client(operator, null)
                .fetchStatus(serverA, LinkAccess.probeHello("test")).get(10, TimeUnit.SECONDS)),
                "the status is for monitoring clients");

        // VERIFY: partners of this set and monitors; a partner of another set is neither.
        assertAllowed("monitor: VERIFY", verify(monitor));
        assertAllowed("operator: VERIFY", verify(operator));
        assertRefused("partner SCADA-C: VERIFY", verify(otherPartner), "Verify is for partners and monitoring clients");
        assertStrangerRefused("stranger: VERIFY", verify(stranger));
        scada.redundancy.runtime.VerifyResult fromPartner = nodeB.verify("SCADA-A", Duration.ofSeconds(3)).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertTrue("SCADA-B (approved as partner on A) verifies: " + fromPartner.differences(),
                fromPartner.differences().stream().noneMatch(d -> d.contains("refused") || d.contains("cannot reach")));

        // ACTION hand-over: operators only.
        assertAllowed("operator: hand-over", handOver(operator, backup, backupAddress));
        assertRefused("monitor: hand-over", handOver(monitor, backup, backupAddress), "for operators");
        assertRefused("partner SCADA-C: hand-over", handOver(otherPartner, backup, backupAddress), "not a monitoring client's");
        assertStrangerRefused("stranger: hand-over", handOver(stranger, backup, backupAddress));

        // None of it moved the set.
        assertTrue(nodeA.status().partners().get(0).connected());
        assertTrue(nodeB.status().partners().get(0).connected());
        assertEquals("no role change on A", rolesA, List.copyOf(a.roles));
        assertEquals("no role change on B", rolesB, List.copyOf(b.roles));
    }

    /**
     * A monitor that asks for the status in a loop and never reads: its connection is closed, the
     * node queues nothing more for it meanwhile, and the link to the partner never misses a beat.
     */
    @Test
    public void aMonitorThatNeverReadsIsClosedAndTheLinkGoesOn() throws Exception {
        LinkIdentity monitor = identity("greedy", As.MONITOR, null);
        List<RoleChange> rolesBefore = List.copyOf(a.roles);
        try (javax.net.ssl.SSLSocket socket = rawTls(monitor)) {
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress(A_ADDRESS, port), 2000);
            socket.startHandshake();
            OutputStream out = socket.getOutputStream();
            out.write(frame(FrameType.HELLO, LinkProtocol.toJson(LinkAccess.monitorHello("greedy"))));
            byte[] requests = new byte[50 * 5];
            ByteBuffer buf = ByteBuffer.wrap(requests);
            for (int i = 0; i < 50; i++) {
                buf.putInt(1).put((byte) FrameType.STATUS_REQUEST.code());
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(25);
            boolean closed = false;
            while (System.nanoTime() < deadline && !closed) {
                try {
                    out.write(requests);
                    out.flush();
                    Thread.sleep(5); // about 10,000 asks a second, never a byte read
                } catch (java.io.IOException e) {
                    closed = true;
                }
                assertTrue("the partner stays connected", nodeB.status().partners().get(0).connected());
            }
            assertTrue("the server closed the monitor that does not read", closed);
        }
        assertTrue(String.join("\n", a.logs), a.logs.stream().anyMatch(l -> l.contains("that does not read")));
        assertTrue(nodeA.status().partners().get(0).connected());
        assertTrue(nodeB.status().partners().get(0).connected());
        assertEquals("no role change on A", rolesBefore, List.copyOf(a.roles));
        assertAllowed("the status still answers", status(identity("after", As.MONITOR, null)));
    }

    /**
     * A burst of connections that never finish TLS: refused beyond the caps, each one's slot freed
     * by the handshake timeout, and meanwhile the link and the status go on (TLS runs off the
     * redundancy loop).
     */
    @Test
    public void aBurstOfHalfOpenConnectionsMovesNothing() throws Exception {
        List<RoleChange> rolesA = List.copyOf(a.roles);
        List<RoleChange> rolesB = List.copyOf(b.roles);
        List<Socket> burst = new ArrayList<>();
        try {
            for (int i = 0; i < 300; i++) {
                Socket s = new Socket();
                s.bind(new InetSocketAddress(InetAddress.getByName("127.0.4.9"), 0));
                try {
                    s.connect(new InetSocketAddress(A_ADDRESS, port), 2000);
                    s.getOutputStream().write(new byte[] { 0x16, 0x03, 0x01, 0x02, 0x00 }); // a ClientHello's start, never the rest
                } catch (java.io.IOException refused) {
                    // beyond the caps the server closes at once: that is the point
                }
                burst.add(s);
            }
            // While the burst holds its slots, another source still gets the status, and the link holds.
            assertAllowed("the status answers during the burst", status(identity("operator", As.OPERATOR, null)));
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(6); // past the 5 s handshake timeout
            while (System.nanoTime() < until) {
                assertTrue("B stays connected", nodeB.status().partners().get(0).connected());
                assertTrue("A stays connected", nodeA.status().partners().get(0).connected());
                Thread.sleep(100);
            }
        } finally {
            for (Socket s : burst) {
                s.close();
            }
        }
        assertEquals("no role change on A", rolesA, List.copyOf(a.roles));
        assertEquals("no role change on B", rolesB, List.copyOf(b.roles));
        assertTrue(String.join("\n", a.logs), a.logs.stream().anyMatch(l -> l.contains("too many handshakes in progress")));
        assertAllowed("the status answers after the burst", status(identity("later", As.MONITOR, null)));
    }

    /**
     * Hundreds of strangers' certificates refused: the status note stays short, names the newest
     * few, counts them all, and an approval takes one off the list.
     */
    @Test
    public void refusedCertificatesAreABoundedListInTheStatus() throws Exception {
        int strangers = 500;
        List<String> fingerprints = new ArrayList<>();
        for (int i = 0; i < strangers; i++) {
            fingerprints.add(String.format("%064x", i + 1));
        }
        nodeA.onLoop(() -> {
            for (String f : fingerprints) {
                nodeA.board().certificateRefused(f);
                nodeA.board().certificateRefused(f); // the same stranger again: not counted twice
            }
            return null;
        }).get(10, TimeUnit.SECONDS);
        RedundancyStatus s = nodeA.status();
        assertTrue(s.note().length() + " chars: " + s.note(), s.note().length() < 1024);
        assertTrue(s.note(), s.note().contains(strangers + " untrusted link certificates refused (newest: "
                + fingerprints.get(strangers - 1)));
        assertFalse("the oldest are not listed", s.note().contains(fingerprints.get(0)));
        long logged = a.logs.stream().filter(l -> l.contains("refused a link certificate that is not trusted")).count();
        assertTrue("the log is rate-limited: " + logged + " lines", logged >= 1 && logged <= 3);

        // Approving the newest takes it off the list once a handshake has read the approval.
        new TrustStore(dataA).approve(fingerprints.get(strangers - 1), As.MONITOR, null, "approved after all");
        assertAllowed("a handshake reads the approvals", status(identity("reader", As.MONITOR, null)));
        String after = nodeA.status().note();
        assertTrue(after, after.contains((strangers - 1) + " untrusted link certificates refused"));
        assertFalse(after, after.contains(fingerprints.get(strangers - 1)));
    }

    /** A monitor that asks nothing for the idle time is closed with the reason; pushes do not count. */
    @Test
    public void anIdleMonitorIsClosedWithTheReason() throws Exception {
        long before = InboundHandler.clientIdleMs;
        InboundHandler.clientIdleMs = 1500;
        try {
            LinkIdentity monitor = identity("idle", As.MONITOR, null);
            java.util.concurrent.CompletableFuture<String> ended = new java.util.concurrent.CompletableFuture<>();
            // A raw follower that never asks again (LinkClient.follow would).
            try (javax.net.ssl.SSLSocket socket = rawTls(monitor)) {
                socket.connect(new InetSocketAddress(A_ADDRESS, port), 2000);
                socket.setSoTimeout(10_000);
                socket.startHandshake();
                socket.getOutputStream().write(frame(FrameType.HELLO, LinkProtocol.toJson(LinkAccess.monitorHello("idle"))));
                java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
                long started = System.nanoTime();
                while (!ended.isDone()) {
                    int length = in.readInt();
                    byte type = in.readByte();
                    byte[] payload = new byte[length - 1];
                    in.readFully(payload);
                    if (type == FrameType.REJECT.code()) {
                        ended.complete(new String(payload, java.nio.charset.StandardCharsets.UTF_8));
                    }
                    if (System.nanoTime() - started > TimeUnit.SECONDS.toNanos(10)) {
                        fail("not closed within 10 s");
                    }
                }
            }
            assertTrue(ended.get(), ended.get().contains("idle: this monitor connection asked nothing for"));
        } finally {
            InboundHandler.clientIdleMs = before;
        }
    }

    private javax.net.ssl.SSLSocket rawTls(LinkIdentity id) throws Exception {
        java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("id", id.key(), new char[0], new java.security.cert.Certificate[] { id.certificate() });
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
        kmf.init(keys, new char[0]);
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
        tls.init(kmf.getKeyManagers(), new PinnedTrust(() -> Set.of(nodeA.fingerprint()), f -> {
        }).getTrustManagers(), null);
        return (javax.net.ssl.SSLSocket) tls.getSocketFactory().createSocket();
    }

    private static byte[] frame(FrameType type, byte[] payload) {
        return ByteBuffer.allocate(5 + payload.length).putInt(1 + payload.length).put((byte) type.code()).put(payload).array();
    }
}

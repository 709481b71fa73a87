package scada.redundancy.runtime.server.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import scada.redundancy.model.Failback;
import scada.redundancy.model.LocalServer;
import scada.redundancy.model.Partner;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.Role;
import scada.redundancy.runtime.RoleChange;
import scada.redundancy.runtime.RoleChangeCause;
import scada.redundancy.runtime.tls.LinkIdentity;
import scada.redundancy.runtime.link.ChannelFrames;
import scada.redundancy.runtime.link.FrameType;
import scada.redundancy.runtime.link.LinkProtocol;

/**
 * Two real nodes in this JVM, linked over TLS on loopback (127.0.1.1 and 127.0.1.2, a random
 * port so that it cannot collide with server processes of other tests): the channel API's order
 * and flow control, and health-driven hand-over.
 */
public class InProcessPairTest {
    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private final int port = 20000 + ThreadLocalRandom.current().nextInt(20000);
    /**
     * Six Periods: short enough that a heartbeat stuck behind bulk traffic would show, long enough
     * that two nodes, four I/O threads and the test sharing a busy 2-core machine do not.
     */
    private static final int TIMEOUT_MS = 600;
    private Events a;
    private Events b;
    private RedundancyNode nodeA;
    private RedundancyNode nodeB;
    private Path dataA;
    private Path dataB;
    private RedundancyConfiguration configA;

    /** What a node tells: statuses, role changes and channel messages, for the test to wait on. */
    static final class Events implements RedundancyNode.Listener {
        final BlockingQueue<RedundancyStatus> statuses = new LinkedBlockingQueue<>();
        final BlockingQueue<RoleChange> roles = new LinkedBlockingQueue<>();
        final BlockingQueue<byte[]> messages = new LinkedBlockingQueue<>();
        final BlockingQueue<Runnable> unconsumed = new LinkedBlockingQueue<>();
        final BlockingQueue<String> writable = new LinkedBlockingQueue<>();
        final java.util.Queue<String> logs = new java.util.concurrent.ConcurrentLinkedQueue<>();
        volatile boolean holdMessages;
        volatile RedundancyStatus last;

        @Override
        public CompletionStage<Void> roleChanged(RoleChange change, Role role, long term) {
            roles.add(change);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void statusChanged(RedundancyStatus status) {
            last = status;
            statuses.add(status);
        }

        @Override
        public void log(String line) {
            logs.add(line);
            System.out.println("    " + line);
        }

        @Override
        public void channelMessage(String partner, String channel, byte[] message, Runnable consumed) {
            messages.add(message);
            if (holdMessages) {
                unconsumed.add(consumed);
            } else {
                consumed.run();
            }
        }

        @Override
        public void channelWritable(String partner, String channel) {
            writable.add(partner);
        }

        RedundancyStatus await(Predicate<RedundancyStatus> condition, long timeoutMs) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            RedundancyStatus s = last;
            while (s == null || !condition.test(s)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("condition not met within " + timeoutMs + " ms; last status: " + s);
                }
                s = statuses.poll(left, TimeUnit.NANOSECONDS);
                if (s == null) {
                    s = last;
                }
            }
            return s;
        }

        RoleChange awaitRole(Predicate<RoleChange> condition, long timeoutMs) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            while (true) {
                RoleChange c = roles.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (c == null) {
                    throw new AssertionError("no such role change within " + timeoutMs + " ms");
                }
                if (condition.test(c)) {
                    return c;
                }
            }
        }
    }

    @Before
    public void startPair() throws Exception {
        dataA = temp.newFolder("a").toPath();
        dataB = temp.newFolder("b").toPath();
        String fpA = LinkIdentity.loadOrCreate(dataA, "SCADA-A").fingerprint();
        String fpB = LinkIdentity.loadOrCreate(dataB, "SCADA-B").fingerprint();
        a = new Events();
        b = new Events();
        configA = config("SCADA-A", "SCADA-B", "127.0.1.2", fpB);
        nodeA = RedundancyNode.start(new RedundancyNode.Settings("127.0.1.1", dataA, null), configA, a);
        nodeB = RedundancyNode.start(new RedundancyNode.Settings("127.0.1.2", dataB, null), config("SCADA-B", "SCADA-A", "127.0.1.1", fpA), b);
        a.await(s -> s.partners().get(0).connected() && !s.starting(), 10_000);
        b.await(s -> s.partners().get(0).connected() && !s.starting(), 10_000);
    }

    private RedundancyConfiguration config(String me, String partner, String address, String fingerprint) {
        return new RedundancyConfiguration(new LocalServer(me, port, true, false, "", "", Failback.MANUAL, 2000),
                List.of(new Partner(1, partner, address, port, 100, TIMEOUT_MS, 3, true, "", fingerprint)));
    }

    @After
    public void stopPair() {
        if (nodeA != null) {
            nodeA.shutdown(Duration.ofSeconds(2));
        }
        if (nodeB != null) {
            nodeB.shutdown(Duration.ofSeconds(2));
        }
    }

    private static byte[] numbered(int i, int size) {
        return ByteBuffer.allocate(size).putInt(i).array();
    }

    @Test
    public void channelMessagesArriveInOrder() throws Exception {
        for (int i = 0; i < 2000; i++) {
            assertTrue("offer " + i, nodeA.offer("SCADA-B", "history", numbered(i, 100)));
        }
        for (int i = 0; i < 2000; i++) {
            byte[] m = b.messages.poll(10, TimeUnit.SECONDS);
            assertTrue("message " + i + " arrived", m != null);
            assertEquals(i, ByteBuffer.wrap(m).getInt());
        }
    }

    @Test
    public void aSlowReceiverSlowsItsSenderButNeverTheHeartbeat() throws Exception {
        b.holdMessages = true; // B's service does not consume: no credit goes back
        int size = 256 * 1024;
        int accepted = 0;
        while (nodeA.offer("SCADA-B", "bulk", numbered(accepted, size))) {
            accepted++;
            assertTrue("offer must refuse before 100 MB", accepted < 400);
        }
        // The queue (8 MiB) is full and at most a window (4 MiB) went out: between 32 and 48 messages.
        assertTrue("accepted " + accepted, (long) accepted * size >= ChannelFrames.QUEUE_BYTES
                && (long) accepted * size <= ChannelFrames.QUEUE_BYTES + ChannelFrames.WINDOW_BYTES + size);
        // Three Timeouts later both still hear each other: the heartbeats were never stuck behind the bulk.
        b.statuses.clear(); // only what B says from now on (the start-up's statuses, before it heard A, are history)
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3 * TIMEOUT_MS);
        while (System.nanoTime() < until) {
            RedundancyStatus s = b.statuses.poll(50, TimeUnit.MILLISECONDS);
            if (s != null) {
                assertTrue("B lost A while its channel was full: " + s.partners().get(0), s.partners().get(0).connected());
            }
        }
        assertTrue(nodeB.status().partners().get(0).connected());
        assertTrue(nodeA.status().partners().get(0).connected());
        assertTrue(a.roles.stream().noneMatch(c -> c.cause() == RoleChangeCause.TIMEOUT));
        int delivered = b.messages.size();
        assertTrue("at most one window delivered unconsumed: " + delivered, delivered * (long) size <= ChannelFrames.WINDOW_BYTES);
        // B consumes: credit flows back, A may offer again, and everything accepted arrives in order.
        b.holdMessages = false;
        int released = 0;
        Runnable consumed;
        while ((consumed = b.unconsumed.poll()) != null) {
            consumed.run();
            released++;
        }
        assertEquals("B held every message delivered while it did not consume", delivered, released);
        assertEquals("SCADA-B", a.writable.poll(10, TimeUnit.SECONDS));
        List<Integer> order = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (order.size() < accepted && System.nanoTime() < deadline) {
            byte[] m = b.messages.poll(1, TimeUnit.SECONDS);
            if (m != null) {
                order.add(ByteBuffer.wrap(m).getInt());
            }
            Runnable c;
            while ((c = b.unconsumed.poll()) != null) {
                c.run();
            }
        }
        assertEquals(accepted, order.size());
        for (int i = 0; i < order.size(); i++) {
            assertEquals(i, (int) order.get(i));
        }
        assertTrue(nodeA.offer("SCADA-B", "bulk", numbered(999, 10)));
    }

    @Test
    public void offerToAnUnknownOrDisconnectedPartnerIsRefusedAtOnce() throws Exception {
        assertFalse(nodeA.offer("SCADA-X", "history", new byte[1]));
        nodeB.shutdown(Duration.ofSeconds(2));
        nodeB = null;
        a.await(s -> !s.partners().get(0).connected(), 5000);
        assertFalse(nodeA.offer("SCADA-B", "history", new byte[1]));
    }

    @Test
    public void anUnhealthyPrimaryHandsOverAndShowsFault() throws Exception {
        RedundancyNode primary = nodeA.role() == Role.PRIMARY ? nodeA : nodeB;
        Events primaryEvents = primary == nodeA ? a : b;
        Events backupEvents = primary == nodeA ? b : a;
        primary.reportHealth("plc-driver", 60, "PLC line 3 unreachable");
        RoleChange taken = backupEvents.awaitRole(c -> c.to() == Role.PRIMARY, 5000);
        assertEquals(RoleChangeCause.GRACEFUL_HANDOVER, taken.cause());
        primaryEvents.awaitRole(c -> c.to() == Role.FAULT && c.cause() == RoleChangeCause.UNHEALTHY, 5000);
        RedundancyStatus seen = backupEvents.await(s -> s.partners().get(0).fault(), 5000);
        assertTrue(seen.partners().get(0).faultReason(), seen.partners().get(0).faultReason().contains("health 40"));
        assertTrue(primary.status().note(), primary.status().note().contains("PLC line 3 unreachable"));
        primary.reportHealth("plc-driver", 0, "");
        primaryEvents.awaitRole(c -> c.to() == Role.BACKUP && c.cause() == RoleChangeCause.HEALTH_RESTORED, 5000);
        backupEvents.await(s -> !s.partners().get(0).fault(), 5000);
        assertEquals(Role.PRIMARY, (primary == nodeA ? nodeB : nodeA).role());
    }

    /**
     * A peer that is authenticated (its certificate is approved) but sends broken frames: each
     * connection is closed with a logged reason, and the server's link to its partner, its role
     * and its heartbeats are untouched.
     */
    @Test
    public void brokenFramesFromAnAuthenticatedPeerCloseOnlyThatConnection() throws Exception {
        LinkIdentity fuzzer = LinkIdentity.loadOrCreate(temp.newFolder().toPath(), "fuzzer");
        new scada.redundancy.runtime.tls.TrustStore(dataB).approve(fuzzer.fingerprint(), "a buggy peer");
        java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("fuzzer", fuzzer.key(), new char[0], new java.security.cert.Certificate[] { fuzzer.certificate() });
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
        kmf.init(keys, new char[0]);
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
        tls.init(kmf.getKeyManagers(), new scada.redundancy.runtime.tls.PinnedTrust(() -> java.util.Set.of(nodeB.fingerprint()),
                f -> { }).getTrustManagers(), null);
        Role roleA = nodeA.role();
        Role roleB = nodeB.role();
        byte[] hello = "{not json".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[][] frames = {
                ByteBuffer.allocate(4).putInt(0).array(), // an empty frame
                ByteBuffer.allocate(6).putInt(2).put((byte) 0x7f).put((byte) 1).array(), // an unknown frame type
                ByteBuffer.allocate(5 + hello.length).putInt(1 + hello.length).put((byte) FrameType.HELLO.code()).put(hello)
                        .array(), // a HELLO that is not JSON
                ByteBuffer.allocate(5).putInt(LinkProtocol.MAX_FRAME_BYTES + 1).put((byte) FrameType.HELLO.code()).array(),
                ByteBuffer.allocate(7).putInt(3).put((byte) FrameType.HEARTBEAT.code()).put((byte) 0).put((byte) 0).array(),
        };
        for (byte[] frame : frames) {
            try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) tls.getSocketFactory().createSocket()) {
                socket.connect(new java.net.InetSocketAddress("127.0.1.2", port), 2000);
                socket.setSoTimeout(5000);
                socket.startHandshake();
                socket.getOutputStream().write(frame);
                socket.getOutputStream().flush();
                int read;
                try {
                    do {
                        read = socket.getInputStream().read(new byte[256]);
                    } while (read > 0); // a REJECT may come first; then the server closes
                } catch (java.net.SocketException | javax.net.ssl.SSLException closed) {
                    read = -1;
                }
                assertEquals("the server closed the connection after frame " + java.util.HexFormat.of().formatHex(frame, 0,
                        Math.min(frame.length, 8)), -1, read);
            }
        }
        RedundancyStatus after = b.await(s -> s.partners().get(0).connected(), 5000);
        assertEquals("no role changed", List.of(roleA, roleB), List.of(nodeA.role(), nodeB.role()));
        assertFalse(after.partners().get(0).fault());
        String log = String.join("\n", b.logs);
        for (String reason : List.of("empty frame", "unknown frame type 127", "malformed HELLO frame",
                "frame longer than 1048576 bytes", "expected HELLO, got HEARTBEAT")) {
            assertTrue(reason + " in\n" + log, log.contains(reason));
        }
    }

    /** The studio, with no runtime of its own: a client identity that SCADA-B approved. */
    private scada.redundancy.runtime.client.MonitorClient studio(boolean approved) throws Exception {
        Path dir = temp.newFolder().toPath();
        scada.redundancy.runtime.client.MonitorClient client = scada.redundancy.runtime.client.MonitorClient.open(dir,
                "studio", java.util.Set.of(nodeB.fingerprint()), 2000);
        if (approved) {
            new scada.redundancy.runtime.tls.TrustStore(dataB).approve(client.fingerprint(), "the studio");
        }
        return client;
    }

    @Test
    public void theStudioTriesToConnectWithoutARuntime() throws Exception {
        try (var client = studio(true)) {
            scada.redundancy.runtime.ConnectResult ok = client.tryToConnect(new java.net.InetSocketAddress("127.0.1.2", port))
                    .get(10, TimeUnit.SECONDS);
            assertTrue(ok.detail(), ok.connected());
            assertEquals("SCADA-B", ok.partnerSymbol());
            assertTrue(ok.rttMs() > 0);
            scada.redundancy.runtime.ConnectResult refused = client
                    .tryToConnect(new java.net.InetSocketAddress("127.0.1.2", port + 1)).get(10, TimeUnit.SECONDS);
            assertEquals(scada.redundancy.runtime.ConnectResult.Failure.REFUSED, refused.failure());
        }
        try (var stranger = studio(false)) {
            scada.redundancy.runtime.ConnectResult no = stranger.tryToConnect(new java.net.InetSocketAddress("127.0.1.2", port))
                    .get(10, TimeUnit.SECONDS);
            assertFalse(no.connected());
            assertTrue(no.failure() + ": " + no.detail(),
                    no.failure() == scada.redundancy.runtime.ConnectResult.Failure.AUTHENTICATION_FAILED
                            || no.failure() == scada.redundancy.runtime.ConnectResult.Failure.NOT_A_REDUNDANCY_SERVER);
        }
    }

    /**
     * The studio's Try To Connect names what it found at the address: a web server is "not a
     * redundancy server", a peer that accepts but never answers has "timed out", a closed port
     * is "refused" with the hint that the port may be wrong.
     */
    @Test
    public void theStudioNamesEachKindOfFailure() throws Exception {
        try (java.net.ServerSocket web = new java.net.ServerSocket(0, 5, java.net.InetAddress.getByName("127.0.1.9"));
                java.net.ServerSocket silent = new java.net.ServerSocket(0, 5, java.net.InetAddress.getByName("127.0.1.9"));
                var client = studio(true)) {
            Thread answering = new Thread(() -> {
                try (java.net.Socket s = web.accept()) {
                    s.getInputStream().read(new byte[512]);
                    s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                } catch (java.io.IOException e) {
                    // the test fails on the result below
                }
            }, "web-server");
            answering.start();
            scada.redundancy.runtime.ConnectResult webResult = client
                    .tryToConnect(new java.net.InetSocketAddress("127.0.1.9", web.getLocalPort())).get(10, TimeUnit.SECONDS);
            assertEquals(webResult.detail(), scada.redundancy.runtime.ConnectResult.Failure.NOT_A_REDUNDANCY_SERVER,
                    webResult.failure());
            assertTrue(webResult.detail(), webResult.detail().startsWith("not a redundancy server"));
            answering.join(5000);

            List<java.net.Socket> held = new ArrayList<>();
            Thread holding = new Thread(() -> {
                try {
                    held.add(silent.accept()); // accepted by TCP, never a byte back
                } catch (java.io.IOException e) {
                    // closed at the end of the test
                }
            }, "silent-server");
            holding.start();
            scada.redundancy.runtime.ConnectResult silentResult = client
                    .tryToConnect(new java.net.InetSocketAddress("127.0.1.9", silent.getLocalPort())).get(10, TimeUnit.SECONDS);
            assertEquals(silentResult.detail(), scada.redundancy.runtime.ConnectResult.Failure.TIMED_OUT, silentResult.failure());
            assertTrue(silentResult.detail(), silentResult.detail().contains("did not answer within 2000 ms"));
            holding.join(5000);
            for (java.net.Socket s : held) {
                s.close();
            }

            scada.redundancy.runtime.ConnectResult refused = client
                    .tryToConnect(new java.net.InetSocketAddress("127.0.1.9", silent.getLocalPort() + 1)).get(10, TimeUnit.SECONDS);
            assertEquals(scada.redundancy.runtime.ConnectResult.Failure.REFUSED, refused.failure());
            assertTrue(refused.detail(), refused.detail().contains("the port is wrong"));
        }
    }

    @Test
    public void theStudioVerifiesTheEditedFileAgainstTheRunningPartner() throws Exception {
        try (var client = studio(true)) {
            Partner row = configA.partners().get(0);
            scada.redundancy.runtime.VerifyResult same = client.verify(configA, row).get(10, TimeUnit.SECONDS);
            assertTrue(same.differences().toString(), same.verified());
            RedundancyConfiguration edited = configA.withPartner(0, row.withTimeoutMs(900).withRetryCount(5));
            scada.redundancy.runtime.VerifyResult differs = client.verify(edited, edited.partners().get(0))
                    .get(10, TimeUnit.SECONDS);
            assertFalse(differs.verified());
            assertTrue(differs.differences().toString(),
                    differs.differences().stream().anyMatch(d -> d.startsWith("Timeout (ms) differs: 900")));
            assertTrue(differs.differences().toString(),
                    differs.differences().stream().anyMatch(d -> d.startsWith("Retry Count differs: 5")));
            RedundancyConfiguration renamed = configA.withThisScada(configA.thisScada().withSymbol("SCADA-Z"));
            scada.redundancy.runtime.VerifyResult unknown = client.verify(renamed, row).get(10, TimeUnit.SECONDS);
            assertTrue(unknown.differences().toString(),
                    unknown.differences().stream().anyMatch(d -> d.contains("does not list SCADA-Z")));
        }
    }
}

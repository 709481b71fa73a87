package scada.redundancy.runtime.server.tests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import scada.redundancy.cli.harness.RedundancySet;
import scada.redundancy.cli.harness.StatusTimeline;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.Role;

/**
 * Why 9 of issue 7, as an attacker on the redundancy port would try it against real server
 * processes: a burst of 2,000 TLS handshakes without a certificate used to stall the primary's
 * redundancy thread for seconds, and the backup took over. What matters to the plant is asserted:
 * no failover, no role change, the partners stay connected, and the status still answers.
 */
public class HostilePeersProcessTest {
    private static final int PERIOD = 200;
    private static final int TIMEOUT = 600;
    private static final int HANDSHAKES = 2000;

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private RedundancySet set;
    private StatusTimeline timeline;

    @After
    public void stopAll() throws Exception {
        if (timeline != null) {
            timeline.close();
        }
        if (set != null) {
            set.close();
            assertEquals("no uncaught exception in a server's log", List.of(), set.logsWithUncaughtExceptions());
        }
    }

    @Test
    public void twoThousandHandshakesWithoutACertificateChangeNothing() throws Exception {
        set = RedundancySet.builder(temp.newFolder().toPath(), 2).timing(PERIOD, TIMEOUT).retryCount(3).build();
        set.startAll();
        int primary = set.awaitStable(java.time.Duration.ofSeconds(40));
        long term = set.status(primary).term();
        timeline = new StatusTimeline(set);
        long from = System.nanoTime();

        SSLContext tls = SSLContext.getInstance("TLSv1.3");
        tls.init(null, new TrustManager[] { new TrustAnything() }, null); // a stranger: trusts all, presents nothing
        InetSocketAddress target = set.server(primary).endpoint();
        InetAddress source = InetAddress.getByName("127.0.9.1"); // not a partner's address
        AtomicInteger finished = new AtomicInteger();
        // As many at a time as one source may have handshakes in progress on the server: the burst
        // is the server's load, not a machine starved by the attacker's own threads (a real one
        // sits on another host).
        ExecutorService attackers = Executors.newFixedThreadPool(16);
        List<Future<?>> all = new ArrayList<>();
        for (int i = 0; i < HANDSHAKES; i++) {
            all.add(attackers.submit(() -> {
                try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket()) {
                    s.bind(new InetSocketAddress(source, 0));
                    s.connect(target, 2000);
                    s.setSoTimeout(2000);
                    s.startHandshake(); // refused: no client certificate (or closed at once by the caps)
                    s.getInputStream().read();
                } catch (IOException expected) {
                    // every one of them must fail; how is the server's business
                }
                finished.incrementAndGet();
            }));
        }
        RedundancyStatus during = set.status(primary); // the status answers while the burst runs
        assertEquals(Role.PRIMARY, during.role());
        for (Future<?> f : all) {
            f.get(60, TimeUnit.SECONDS);
        }
        attackers.shutdown();
        assertEquals(HANDSHAKES, finished.get());

        StatusTimeline.Window window = timeline.window(from, System.nanoTime(), new boolean[] { true, true });
        assertFalse("two primaries during the burst: " + window + "\n" + logs(), window.twoPrimaries());
        assertEquals("no role change during the burst: " + Arrays.toString(window.roleChanges()), List.of(0, 0),
                Arrays.stream(window.roleChanges()).boxed().toList());
        RedundancyStatus after = set.status(primary);
        assertEquals(Role.PRIMARY, after.role());
        assertEquals("no failover: the term is unchanged", term, after.term());
        assertTrue("the partner stayed connected", after.partners().get(0).connected());
        assertTrue("the backup never lost the primary", set.status(1 - primary).partners().get(0).connected());
        assertTrue("the refusals are in the status note, bounded: " + after.note(), after.note().length() < 2048);
    }

    /** The servers' logs' role changes and stalls, for a failure's message. */
    private String logs() throws IOException {
        StringBuilder b = new StringBuilder();
        for (var server : set.servers()) {
            for (String line : java.nio.file.Files.readAllLines(server.log())) {
                if (line.contains("role-change") || line.contains("did not run") || line.contains("lost ")
                        || line.contains("fenced") || line.contains("refused a connection")) {
                    b.append(line).append('\n');
                }
            }
        }
        return b.toString();
    }

    /** A client that accepts any server certificate: the attacker does not care whom it floods. */
    private static final class TrustAnything implements X509TrustManager {
        @Override
        public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
        }

        @Override
        public java.security.cert.X509Certificate[] getAcceptedIssuers() {
            return new java.security.cert.X509Certificate[0];
        }
    }
}

package scada.redundancy.ops.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.After;
import org.junit.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import scada.redundancy.runtime.PartnerRole;
import scada.redundancy.runtime.PartnerStatus;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.Role;

/**
 * The health endpoint's answers over real HTTP (the JDK server on a free loopback port), from
 * statuses made by hand: 200 only while this server serves the plant, 503 with the reason in every
 * other state, HEAD without a body, 405 for another method, 404 for another path, and clients that
 * send their request slowly neither hold up a load balancer's check nor stay connected for ever.
 */
public class HealthServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final AtomicReference<HealthAnswer> answer = new AtomicReference<>(HealthAnswer.absent());
    private HealthServer server;

    @After
    public void close() {
        if (server != null) {
            server.close();
        }
    }

    private static RedundancyStatus status(Role role, long term, boolean partnerIsPrimary) {
        PartnerStatus partner = PartnerStatus.builder().no(1).symbol("SCADA-B").address("127.0.0.2:7000").activate(true)
                .connected(true).isPrimary(partnerIsPrimary).role(PartnerRole.heard(partnerIsPrimary ? Role.PRIMARY : Role.BACKUP))
                .term(term).build();
        return RedundancyStatus.builder().symbol("SCADA-A").role(role).term(term).partners(List.of(partner)).build();
    }

    /** The status code and body of a request; the body of an error answer too. */
    private record Reply(int code, String body, String allow) {
    }

    private Reply request(String method, String path) throws IOException {
        InetSocketAddress a = server.address();
        HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + a.getPort() + path).openConnection();
        c.setRequestMethod(method);
        c.setConnectTimeout(2000);
        c.setReadTimeout(2000);
        int code = c.getResponseCode();
        InputStream in = code < 400 ? c.getInputStream() : c.getErrorStream();
        String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return new Reply(code, body, c.getHeaderField("Allow"));
    }

    @Test
    public void answers200WithTheRoleAndTermOnlyWhileServingAnd503WithTheReasonOtherwise() throws Exception {
        server = HealthServer.start(new InetSocketAddress("127.0.0.1", 0), answer::get);

        Reply absent = request("GET", "/health");
        assertEquals(503, absent.code());
        assertEquals("absent", JSON.readTree(absent.body()).get("state").asText());

        Instant since = Instant.parse("2026-11-29T10:00:00Z");
        answer.set(HealthAnswer.of(status(Role.PRIMARY, 7, false), since, false));
        Reply primary = request("GET", "/health");
        assertEquals(200, primary.code());
        JsonNode p = JSON.readTree(primary.body());
        assertEquals("SCADA-A", p.get("symbol").asText());
        assertEquals("primary", p.get("role").asText());
        assertEquals(7, p.get("term").asLong());
        assertEquals("SCADA-A", p.get("primary").asText());
        assertEquals(since.toString(), p.get("since").asText());
        assertEquals("SCADA-B", p.get("partners").get(0).get("symbol").asText());
        assertEquals("backup", p.get("partners").get(0).get("role").asText());

        answer.set(HealthAnswer.of(status(Role.BACKUP, 8, true), since, false));
        Reply backup = request("GET", "/health");
        assertEquals(503, backup.code());
        JsonNode b = JSON.readTree(backup.body());
        assertEquals("backup", b.get("state").asText());
        assertEquals("the backup names the primary it sees", "SCADA-B", b.get("primary").asText());
        assertEquals(8, b.get("term").asLong());

        answer.set(HealthAnswer.of(status(Role.STANDALONE, 3, false), since, false));
        assertEquals(200, request("GET", "/health").code());
        answer.set(HealthAnswer.of(status(Role.FAULT, 3, false), since, false));
        assertEquals("fault", JSON.readTree(request("GET", "/health").body()).get("state").asText());
        answer.set(HealthAnswer.of(status(Role.PRIMARY, 3, false).toBuilder().starting(true).build(), since, false));
        assertEquals(503, request("GET", "/health").code());
        answer.set(HealthAnswer.of(status(Role.PRIMARY, 3, false), since, true));
        Reply stopping = request("GET", "/health");
        assertEquals("a stopping primary sends the checker away", 503, stopping.code());
        assertEquals("stopping", JSON.readTree(stopping.body()).get("state").asText());
        assertEquals(503, HealthAnswer.of(null, null, false).code());
    }

    @Test
    public void headAnswersTheCodeWithoutABodyAndOtherMethodsAndPathsAreRefused() throws Exception {
        server = HealthServer.start(new InetSocketAddress("127.0.0.1", 0), answer::get);
        answer.set(HealthAnswer.of(status(Role.PRIMARY, 7, false), null, false));

        Reply head = request("HEAD", "/health");
        assertEquals(200, head.code());
        assertEquals("", head.body());

        Reply post = request("POST", "/health");
        assertEquals(405, post.code());
        assertEquals("GET, HEAD", post.allow());
        assertEquals(405, request("DELETE", "/health").code());
        assertEquals(404, request("GET", "/").code());
        assertEquals(404, request("GET", "/healthz").code());
        assertEquals("the endpoint still answers after the refusals", 200, request("GET", "/health").code());
    }

    @Test
    public void slowClientsDoNotHoldUpAChecksAndAreDisconnected() throws Exception {
        server = HealthServer.start(new InetSocketAddress("127.0.0.1", 0), answer::get);
        answer.set(HealthAnswer.of(status(Role.PRIMARY, 7, false), null, false));
        int slowCount = HealthServer.THREADS - 1;
        Socket[] slow = new Socket[slowCount];
        try {
            for (int i = 0; i < slowCount; i++) {
                slow[i] = new Socket("127.0.0.1", server.address().getPort());
                OutputStream out = slow[i].getOutputStream();
                out.write("GET /hea".getBytes(StandardCharsets.US_ASCII)); // and nothing more
                out.flush();
            }
            long t0 = System.nanoTime();
            assertEquals(200, request("GET", "/health").code());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("health_check_ms_beside_" + slowCount + "_slow_clients=" + ms);
            assertTrue("a check beside slow clients took " + ms + " ms", ms < 1000);

            // The JDK server checks its request deadline once a second: closed within the limit plus that.
            long limitMs = HealthServer.REQUEST_SECONDS * 1000L + 2500;
            for (Socket s : slow) {
                s.setSoTimeout((int) limitMs);
                long start = System.nanoTime();
                int read;
                try {
                    read = s.getInputStream().read();
                } catch (SocketException reset) {
                    read = -1;
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("a client that never finished its request was still connected after "
                            + limitMs + " ms");
                }
                assertEquals("the server answers a half request by closing it", -1, read);
                System.out.println("slow_client_closed_after_ms=" + (System.nanoTime() - start) / 1_000_000);
            }
        } finally {
            for (Socket s : slow) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    @Test
    public void theSettingIsPortOrAddressAndPort() {
        assertEquals(new InetSocketAddress("127.0.0.5", 8080), HealthEndpoint.address("8080", "127.0.0.5"));
        assertEquals(new InetSocketAddress("0.0.0.0", 9000), HealthEndpoint.address("0.0.0.0:9000", "127.0.0.5"));
        assertEquals(new InetSocketAddress("::1", 9000), HealthEndpoint.address("[::1]:9000", "127.0.0.5"));
        for (String bad : new String[] { "http", "127.0.0.1:", "127.0.0.1:70000", ":80x" }) {
            try {
                HealthEndpoint.address(bad, "127.0.0.5");
                throw new AssertionError("accepted " + bad);
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage(), expected.getMessage().contains("health=" + bad));
            }
        }
    }
}

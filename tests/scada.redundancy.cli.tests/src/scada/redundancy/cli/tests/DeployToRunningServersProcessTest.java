package scada.redundancy.cli.tests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

import scada.redundancy.cli.DuplexCommand;
import scada.redundancy.cli.harness.RedundancySet;
import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.Partner;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.link.LinkAccess;
import scada.redundancy.runtime.link.LinkProtocol;
import scada.redundancy.runtime.tls.LinkIdentity;
import scada.redundancy.runtime.tls.TrustStore;

/**
 * Deploy by export, pushed: {@code deploy CONFIG --push} against two real server processes.
 * A timing change is applied by both without a restart or a role change; an invalid deployment
 * is refused whole and the server keeps its configuration and role; a client approved only as
 * monitor is refused with what to do; a server that would refuse stops the push before any server
 * changes (unless --partial).
 */
public class DeployToRunningServersProcessTest {
    private static Path dir;
    private static RedundancySet set;
    private static String fingerprintA;

    @BeforeClass
    public static void startTwoServers() throws Exception {
        dir = RedundancySet.tempDir("duplex-deploy");
        set = RedundancySet.builder(dir, 2).timing(200, 600).build().startAll();
        set.awaitStable(Duration.ofSeconds(40));
        fingerprintA = LinkIdentity.loadOrCreate(set.server(0).data(), "SCADA-A").fingerprint();
    }

    @AfterClass
    public static void stop() throws Exception {
        if (set != null) {
            set.close();
        }
    }

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = DuplexCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new String[] { String.valueOf(code), out.toString(), err.toString() };
    }

    /** SCADA-A's configuration as the studio would edit it: every partner row with new timings. */
    private static Path editedWithTimings(int periodMs, int timeoutMs, int retryCount) throws Exception {
        RedundancyConfiguration c = ConfigurationFile.read(set.config(0));
        List<Partner> partners = c.partners().stream()
                .map(p -> p.withPeriodMs(periodMs).withTimeoutMs(timeoutMs).withRetryCount(retryCount)).toList();
        Path file = dir.resolve("edited-" + periodMs + ".scadaredundancy");
        ConfigurationFile.write(c.withPartners(partners), file);
        return file;
    }

    private static String thisAddress() {
        return "SCADA-A=" + set.address(0) + ":" + set.port();
    }

    @Test
    public void aTimingChangePushedToBothServersIsAppliedWithoutARestartOrARoleChange() throws Exception {
        RedundancyStatus before0 = set.status(0);
        RedundancyStatus before1 = set.status(1);
        long pid0 = set.server(0).pid();
        long pid1 = set.server(1).pid();
        Path edited = editedWithTimings(250, 900, 4);
        long started = System.nanoTime();
        String[] r = run("deploy", edited.toString(), "--push", "--address", thisAddress(),
                "--identity", dir.resolve("monitor").toString(), "--trust", fingerprintA, "--project",
                examplesPlant().toString());
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        String text = r[1] + r[2];
        assertEquals(text, "0", r[0]);
        assertTrue(text, text.contains("SCADA-A (" + set.address(0) + ":" + set.port() + "): applied: configuration applied "
                + "without a restart (role " + before0.role().jsonName() + " and term " + before0.term() + " unchanged)"));
        assertTrue(text, text.contains("SCADA-B (" + set.address(1) + ":" + set.port() + "): applied:"));
        assertTrue("servers without a project folder say so: " + text, text.contains("project not installed"));
        assertTrue(text, text.contains("2 of 2 servers applied"));
        for (int i = 0; i < 2; i++) {
            // in force on the running server, and in its file for the next start
            LinkProtocol.ConfigView view = set.monitor().configView(set.server(i).endpoint()).get(5, TimeUnit.SECONDS);
            RedundancyConfiguration running = ConfigurationFile.parse(view.configuration().getBytes(StandardCharsets.UTF_8),
                    "running").configuration();
            assertEquals(RedundancySet.symbol(i), running.thisScada().symbol());
            Partner other = running.partners().get(0);
            assertEquals(RedundancySet.symbol(1 - i), other.symbol());
            assertEquals(List.of(250, 900, 4), List.of(other.periodMs(), other.timeoutMs(), other.retryCount()));
            assertEquals("the partner's certificate stays pinned", i == 0 ? set.monitor().configView(set.server(1)
                    .endpoint()).get(5, TimeUnit.SECONDS).certificateFingerprint() : fingerprintA,
                    other.normalizedCertificateSha256());
            assertEquals(running, ConfigurationFile.read(set.config(i)));
        }
        RedundancyStatus after0 = set.status(0);
        RedundancyStatus after1 = set.status(1);
        assertEquals("no role change", List.of(before0.role(), before1.role()), List.of(after0.role(), after1.role()));
        assertEquals("no new term", List.of(before0.term(), before1.term()), List.of(after0.term(), after1.term()));
        assertEquals("no restart", List.of(pid0, pid1), List.of(set.server(0).pid(), set.server(1).pid()));
        assertTrue(after0.partners().get(0).connected() && after1.partners().get(0).connected());
        System.out.println("deploy --push to two servers: " + ms + " ms");
    }

    @Test
    public void anInvalidDeploymentIsRefusedWholeAndTheServerKeepsItsConfigurationAndRole() throws Exception {
        int i = 1;
        RedundancyStatus before = set.status(i);
        byte[] fileBefore = Files.readAllBytes(set.config(i));
        RedundancyConfiguration current = ConfigurationFile.read(set.config(i));
        // Timeout below twice the Period: an error of the validation, on line and field
        RedundancyConfiguration bad = current.withPartner(0, current.partners().get(0).withTimeoutMs(100));
        String reason = refusal(i, new LinkProtocol.Deployment("SCADA-B",
                new String(ConfigurationFile.toBytes(bad), StandardCharsets.UTF_8), Map.of(), ""));
        assertTrue(reason, reason.contains("the configuration has errors"));
        assertTrue(reason, reason.matches(".*redundancy\\.scadaredundancy \\(deployment\\):\\d+:\\d+: error: partners\\[0\\]\\.timeoutMs: .*"));
        // SCADA-A's view names SCADA-B's address for a partner: SCADA-B finds itself in it
        reason = refusal(i, new LinkProtocol.Deployment("SCADA-A",
                new String(Files.readAllBytes(set.config(0)), StandardCharsets.UTF_8), Map.of(), ""));
        assertTrue(reason, reason.contains("partners[0].ipAddress: " + set.address(i) + ":" + set.port() + " is this server itself"));
        // Another server's view that breaks no rule here
        reason = refusal(i, new LinkProtocol.Deployment("SCADA-C", new String(ConfigurationFile.toBytes(
                current.withThisScada(current.thisScada().withSymbol("SCADA-C"))), StandardCharsets.UTF_8), Map.of(), ""));
        assertTrue(reason, reason.contains("this deployment is SCADA-C's view") && reason.contains("this server is SCADA-B"));
        // A file that does not read
        reason = refusal(i, new LinkProtocol.Deployment("SCADA-B", "{ \"format\": 1, \"thisScada\": ", Map.of(), ""));
        assertTrue(reason, reason.contains("the configuration cannot be read"));
        // A project whose paths leave its folder, with a good configuration: nothing of it is applied
        reason = refusal(i, new LinkProtocol.Deployment("SCADA-B", new String(ConfigurationFile.toBytes(current.withPartner(0,
                current.partners().get(0).withRetryCount(9))), StandardCharsets.UTF_8), Map.of("../escape.json", "e30="), "x"));
        assertTrue(reason, reason.contains("leaves the project folder"));

        assertArrayEquals("the file is untouched", fileBefore, Files.readAllBytes(set.config(i)));
        LinkProtocol.ConfigView running = set.monitor().configView(set.server(i).endpoint()).get(5, TimeUnit.SECONDS);
        assertEquals("the old configuration stays in force", current,
                ConfigurationFile.parse(running.configuration().getBytes(StandardCharsets.UTF_8), "running").configuration());
        RedundancyStatus after = set.status(i);
        assertEquals(before.role(), after.role());
        assertEquals(before.term(), after.term());
        assertTrue(after.partners().get(0).connected());
    }

    @Test
    public void aClientNotApprovedAsOperatorIsRefusedWithWhatToDo() throws Exception {
        Path viewer = dir.resolve("viewer");
        String viewerFingerprint = LinkIdentity.loadOrCreate(viewer, "viewer").fingerprint();
        for (int i = 0; i < 2; i++) {
            new TrustStore(set.server(i).data()).approve(viewerFingerprint, TrustStore.As.MONITOR, null, "status only");
        }
        byte[] fileBefore = Files.readAllBytes(set.config(0));
        String[] r = run("deploy", editedWithTimings(300, 900, 3).toString(), "--push", "--address", thisAddress(),
                "--identity", viewer.toString(), "--trust", fingerprintA);
        String text = r[1] + r[2];
        assertEquals(text, "1", r[0]);
        assertTrue(text, text.contains("SCADA-A (" + set.address(0) + ":" + set.port() + "): refused: "
                + "try-connect, verify, hand-over and deploy are for operators"));
        assertTrue(text, text.contains("scada-redundancy trust --data DIR --as operator " + viewerFingerprint));
        assertTrue(text, text.contains("0 of 2 servers applied"));
        assertArrayEquals(fileBefore, Files.readAllBytes(set.config(0)));
    }

    @Test
    public void oneServerThatWouldRefuseStopsThePushBeforeAnyServerChangesUnlessPartial() throws Exception {
        // An identity that SCADA-A approved as operator and SCADA-B only as monitor.
        Path half = dir.resolve("half-approved");
        String halfFingerprint = LinkIdentity.loadOrCreate(half, "half").fingerprint();
        new TrustStore(set.server(0).data()).approve(halfFingerprint, TrustStore.As.OPERATOR, null, "deploys here");
        new TrustStore(set.server(1).data()).approve(halfFingerprint, TrustStore.As.MONITOR, null, "status only");
        byte[] fileA = Files.readAllBytes(set.config(0));
        byte[] fileB = Files.readAllBytes(set.config(1));
        Path edited = editedWithTimings(350, 1100, 5);

        String[] r = run("deploy", edited.toString(), "--push", "--address", thisAddress(), "--identity", half.toString(),
                "--trust", fingerprintA);
        String text = r[1] + r[2];
        assertEquals(text, "1", r[0]);
        assertTrue(text, text.contains("checking on SCADA-A at ") && text.contains("checking on SCADA-B at "));
        assertFalse("nothing is pushed: " + text, text.contains("pushing to "));
        assertTrue(text, text.contains("SCADA-A (" + set.address(0) + ":" + set.port() + "): not applied: it would apply it, "
                + "but SCADA-B refused: nothing was pushed to any server"));
        assertTrue(text, text.contains("SCADA-B (" + set.address(1) + ":" + set.port() + "): refused: "
                + "try-connect, verify, hand-over and deploy are for operators"));
        assertTrue(text, text.contains("0 of 2 servers applied"));
        assertArrayEquals("SCADA-A unchanged although it would have applied it", fileA, Files.readAllBytes(set.config(0)));
        assertArrayEquals(fileB, Files.readAllBytes(set.config(1)));

        // --partial: SCADA-A applies its view alone; SCADA-B still refuses
        r = run("deploy", edited.toString(), "--push", "--partial", "--address", thisAddress(), "--identity",
                half.toString(), "--trust", fingerprintA);
        text = r[1] + r[2];
        assertEquals(text, "1", r[0]);
        assertTrue(text, text.contains("SCADA-A (" + set.address(0) + ":" + set.port() + "): applied: "));
        assertTrue(text, text.contains("SCADA-B (" + set.address(1) + ":" + set.port() + "): refused: "));
        assertTrue(text, text.contains("1 of 2 servers applied"));
        Partner partnerOfA = ConfigurationFile.read(set.config(0)).partners().get(0);
        assertEquals(List.of(350, 1100, 5), List.of(partnerOfA.periodMs(), partnerOfA.timeoutMs(), partnerOfA.retryCount()));
        assertArrayEquals(fileB, Files.readAllBytes(set.config(1)));

        String[] usage = run("deploy", edited.toString(), "--out", dir.resolve("never").toString(), "--partial",
                "--address", thisAddress());
        assertEquals("2", usage[0]);
        assertTrue(usage[2], usage[2].contains("--partial goes with --push"));
    }

    private static String refusal(int server, LinkProtocol.Deployment deployment) throws Exception {
        try {
            set.monitor().deploy(set.server(server).endpoint(), deployment).get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertTrue(String.valueOf(e.getCause()), e.getCause() instanceof LinkAccess.ActionRefused);
            return e.getCause().getMessage();
        }
        fail("the deployment was applied");
        return null;
    }

    /** examples/plant of this repository, found from the working directory. */
    private static Path examplesPlant() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("examples/plant"))) {
                return d.resolve("examples/plant");
            }
        }
        throw new IllegalStateException("examples/plant not found above " + Path.of("").toAbsolutePath());
    }
}

package scada.redundancy.runtime.server.tests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BiFunction;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import scada.redundancy.cli.harness.RedundancySet;
import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.Failback;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.runtime.ConnectResult;
import scada.redundancy.runtime.PartnerStatus;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.Role;
import scada.redundancy.runtime.RoleChange;
import scada.redundancy.runtime.RoleChangeCause;
import scada.redundancy.runtime.VerifyResult;

/**
 * Real server processes on loopback (SCADA-A on 127.0.2.1, SCADA-B on 127.0.2.2, ... all on one
 * free port), killed, frozen, stopped and restarted. Period 200 ms, Timeout 600 ms. Every wait
 * follows the servers' status events with an explicit bound; assertions are on roles and on the
 * role-change records (cause, term, peer), never on how many ms something took.
 */
public class FailoverProcessTest {
    private static final int PERIOD = 200;
    private static final int TIMEOUT = 600;
    private static final Duration STABLE = Duration.ofSeconds(40);
    private static final Duration SOON = Duration.ofSeconds(15);

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private RedundancySet set;

    private RedundancySet start(int servers, int retryCount,
            BiFunction<Integer, RedundancyConfiguration, RedundancyConfiguration> adjust) throws Exception {
        return start(servers, TIMEOUT, retryCount, adjust);
    }

    private RedundancySet start(int servers, int timeoutMs, int retryCount,
            BiFunction<Integer, RedundancyConfiguration, RedundancyConfiguration> adjust) throws Exception {
        set = new RedundancySet(temp.newFolder().toPath(), servers, PERIOD, timeoutMs, retryCount, adjust, List.of());
        return set.startAll();
    }

    @After
    public void stopAll() throws Exception {
        if (set != null) {
            set.close();
            assertEquals("no uncaught exception in a server's log", List.of(), set.logsWithUncaughtExceptions());
        }
    }

    private static RoleChange lastTo(RedundancyStatus s, Role role) {
        return s.roleChanges().stream().filter(c -> c.to() == role).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError(s.symbol() + " never became " + role + ": " + s.roleChanges()));
    }

    private RedundancyStatus awaitRole(int server, Role role) throws Exception {
        return set.server(server).await(set.monitor(), s -> s.role() == role, SOON, role.jsonName());
    }

    @Test
    public void simultaneousStartElectsExactlyOnePrimary() throws Exception {
        start(2, 3, null);
        int primary = set.awaitStable(STABLE);
        int backup = 1 - primary;
        assertEquals(RoleChangeCause.STARTUP_ELECTION, lastTo(set.status(primary), Role.PRIMARY).cause());
        assertTrue(set.status(backup).roleChanges().stream().noneMatch(c -> c.to() == Role.PRIMARY));
        assertEquals(set.status(primary).term(), set.status(backup).term());
    }

    @Test
    public void killMinus9FailsOverAtOnceAndTheOldPrimaryComesBackAsBackup() throws Exception {
        start(2, 3, null);
        int primary = set.awaitStable(STABLE);
        int backup = 1 - primary;
        long term = set.status(primary).term();
        set.server(primary).kill();
        RoleChange takeover = lastTo(awaitRole(backup, Role.PRIMARY), Role.PRIMARY);
        assertEquals(RoleChangeCause.CONNECTION_REFUSED, takeover.cause());
        assertEquals(RedundancySet.symbol(primary), takeover.peer());
        assertEquals(term + 1, takeover.term());
        // (the cause proves the fast path; how fast it was is the benchmark's business, not a test's)
        set.server(primary).start();
        assertEquals("fail-back is manual: the old primary stays backup", backup, set.awaitStable(STABLE));
        RedundancyStatus back = set.status(primary);
        assertEquals(Role.BACKUP, back.role());
        assertEquals(term + 1, back.term());
        assertEquals(RoleChangeCause.JOINED_AS_BACKUP, back.roleChanges().get(back.roleChanges().size() - 1).cause());
    }

    /**
     * After a power loss of the whole set, the server that was primary last comes back as
     * primary: its persisted term is the higher one, and the election ranks the more recent
     * knowledge before the Symbol order (which alone would pick SCADA-A).
     */
    @Test
    public void afterTheWholeSetRestartsTheLastPrimaryLeadsAgain() throws Exception {
        // The scenario is both servers back within the startup allowance: on these shared 2-core
        // machines two JVMs started together become ready up to ~3 s apart, so give them 10 s.
        start(2, 3, (i, c) -> c.withThisScada(c.thisScada().withStartupAllowanceMs(10_000)));
        assertEquals(0, set.awaitStable(STABLE));
        set.server(0).kill();
        RoleChange takeover = lastTo(awaitRole(1, Role.PRIMARY), Role.PRIMARY);
        // B records that it served in the new term just after it takes the role (off its loop); a power
        // loss within those milliseconds would leave the set to the Symbol order. The scenario is a
        // power loss after B has served: wait until its served term is on disk.
        Path served = set.server(1).data().resolve("served-term");
        long deadline = System.nanoTime() + STABLE.toNanos();
        while (!Files.exists(served)
                || !Files.readString(served).strip().equals(Long.toString(takeover.term()))) {
            assertTrue("B's served term " + takeover.term() + " is stored within " + STABLE, System.nanoTime() < deadline);
            Thread.sleep(10); // a file has no notification to wait on
        }
        set.server(1).kill(); // the power fails for both
        set.startAll();
        assertEquals("SCADA-B, primary in the higher term, leads again", 1, set.awaitStable(STABLE));
        RedundancyStatus b = set.status(1);
        assertTrue("a new election raises the term: " + b.term(), b.term() > takeover.term());
        assertEquals(Role.BACKUP, set.status(0).role());
    }

    @Test
    public void aGracefulStopHandsOverAtOnce() throws Exception {
        start(2, 3, null);
        int primary = set.awaitStable(STABLE);
        int backup = 1 - primary;
        assertTrue("SIGTERM ends the process", set.server(primary).terminate(Duration.ofSeconds(10)));
        RoleChange takeover = lastTo(awaitRole(backup, Role.PRIMARY), Role.PRIMARY);
        assertEquals(RoleChangeCause.GRACEFUL_HANDOVER, takeover.cause());
        assertEquals(RedundancySet.symbol(primary), takeover.peer());
        assertTrue(Files.readString(set.server(primary).log()).contains("cause=handed-over"));
    }

    @Test
    public void aFrozenPrimaryIsReplacedAfterTimeoutAndStepsDownWhenItWakes() throws Exception {
        start(2, 3, null);
        int primary = set.awaitStable(STABLE);
        int backup = 1 - primary;
        set.server(primary).freeze();
        RoleChange takeover = lastTo(awaitRole(backup, Role.PRIMARY), Role.PRIMARY);
        assertEquals(RoleChangeCause.TIMEOUT, takeover.cause());
        assertTrue("silence waits the full Timeout: " + takeover.failoverMs(), takeover.failoverMs() >= TIMEOUT);
        set.server(primary).thaw();
        RedundancyStatus woken = awaitRole(primary, Role.BACKUP);
        RoleChange down = woken.roleChanges().get(woken.roleChanges().size() - 1);
        assertEquals(down.toString(), RoleChangeCause.HIGHER_TERM, down.cause());
        assertEquals(backup, set.awaitStable(STABLE));
    }

    @Test
    public void aFrozenBackupDoesNotPreemptThePrimaryWhenItWakes() throws Exception {
        start(2, 3, null);
        int primary = set.awaitStable(STABLE);
        int backup = 1 - primary;
        set.server(backup).freeze();
        // The primary notices the silence: the backup was frozen for longer than Timeout.
        set.server(primary).await(set.monitor(), s -> !s.partners().get(0).connected(), SOON, "backup lost");
        set.server(backup).thaw();
        assertEquals(primary, set.awaitStable(STABLE));
        assertTrue(set.status(backup).roleChanges().stream().noneMatch(c -> c.to() == Role.PRIMARY));
        assertTrue(set.status(primary).roleChanges().stream().noneMatch(c -> c.from() == Role.PRIMARY));
    }

    @Test
    public void automaticFailBackReturnsTheRoleToThePreferredServer() throws Exception {
        start(2, 3, (i, c) -> i == 0 ? c.withThisScada(c.thisScada().withFailback(Failback.AUTOMATIC)) : c);
        int primary = set.awaitStable(STABLE);
        assertEquals("SCADA-A ranks first at startup", 0, primary);
        set.server(0).kill();
        awaitRole(1, Role.PRIMARY);
        set.server(0).start();
        RedundancyStatus back = set.server(0).await(set.monitor(), s -> s.role() == Role.PRIMARY, SOON, "primary again");
        assertEquals(RoleChangeCause.GRACEFUL_HANDOVER, lastTo(back, Role.PRIMARY).cause());
        assertEquals(0, set.awaitStable(STABLE));
        RoleChange gave = set.status(1).roleChanges().get(set.status(1).roleChanges().size() - 1);
        assertEquals(RoleChangeCause.HANDED_OVER, gave.cause());
    }

    @Test
    public void withThreeServersExactlyOneBackupTakesOver() throws Exception {
        start(3, 3, null);
        int primary = set.awaitStable(STABLE);
        set.server(primary).kill();
        int next = set.awaitStable(STABLE);
        assertTrue(next != primary);
        long term = set.status(next).term();
        for (int i = 0; i < 3; i++) {
            if (i != primary) {
                RedundancyStatus s = set.status(i);
                assertEquals(i == next ? Role.PRIMARY : Role.BACKUP, s.role());
                assertEquals(term, s.term());
            }
        }
    }

    @Test
    public void aHandOverGoesToTheFirstBackupInThePrimarysPartnerOrder() throws Exception {
        // SCADA-A lists SCADA-C before SCADA-B: its failover priority.
        start(3, 3, (i, c) -> i == 0 ? c.withPartnerMoved(1, 0) : c);
        assertEquals("SCADA-A ranks first at startup", 0, set.awaitStable(STABLE));
        assertEquals("SCADA-C", set.monitor().requestHandOver(set.server(0).endpoint()).get(10, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(2, set.awaitStable(STABLE));
    }

    @Test
    public void retriesExhaustedShowFaultThenReconnectionSlowsUntilTryToConnectOrThePartnersReturn() throws Exception {
        start(2, 2, null);
        int primary = set.awaitStable(STABLE);
        int backup = 1 - primary;
        set.server(backup).kill();
        RedundancyStatus faulted = set.server(primary).await(set.monitor(), s -> s.partners().get(0).fault(), SOON, "partner fault");
        PartnerStatus p = faulted.partners().get(0);
        assertTrue(p.faultReason(), p.faultReason().contains("after 2 retries"));
        // Before Fault the retries come every Period (200 ms); after it, every max(30 s, 10 x Timeout).
        assertTrue("next retry in " + p.nextRetryInMs() + " ms", p.nextRetryInMs() > 20_000);

        ConnectResult refused = set.monitor().requestTryToConnect(set.server(primary).endpoint(), RedundancySet.symbol(backup))
                .get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertFalse(refused.connected());
        assertEquals(ConnectResult.Failure.REFUSED, refused.failure());
        // Try To Connect reset the count: the retries run again at Period and end in Fault again.
        set.server(primary).await(set.monitor(),
                s -> s.partners().get(0).fault() && s.partners().get(0).nextRetryInMs() > 20_000, SOON, "fault again");
        String log = Files.readString(set.server(primary).log());
        String after = log.substring(log.lastIndexOf("asks: try-to-connect " + RedundancySet.symbol(backup)));
        int cleared = after.indexOf(RedundancySet.symbol(backup) + " fault cleared");
        assertTrue(log, cleared > 0 && after.indexOf("shows Fault: no connection after 2 retries", cleared) > cleared);

        // A repaired partner connects to us itself: that ends the slow schedule at once, no Try To Connect needed.
        set.server(backup).start();
        set.server(primary).await(set.monitor(), s -> !s.partners().get(0).fault() && s.partners().get(0).connected(), SOON,
                "connected again long before the slow retry");
        ConnectResult ok = set.monitor().requestTryToConnect(set.server(primary).endpoint(), RedundancySet.symbol(backup))
                .get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(ok.detail(), ok.connected());
        assertEquals(RedundancySet.symbol(backup), ok.partnerSymbol());
        assertEquals(primary, set.awaitStable(STABLE));
    }

    @Test
    public void aPartnerThatIsDownAtStartupIsAFaultOnlyOnceTheStartupAllowanceIsOver() throws Exception {
        set = new RedundancySet(temp.newFolder().toPath(), 2, PERIOD, TIMEOUT, 1, null, List.of());
        set.server(0).start(); // SCADA-B never starts
        RedundancyStatus a = set.server(0).await(set.monitor(), s -> s.role() == Role.PRIMARY && s.partners().get(0).fault(),
                STABLE, "primary alone, SCADA-B at Fault");
        assertEquals(RoleChangeCause.STARTUP_ELECTION, lastTo(a, Role.PRIMARY).cause());
        assertTrue(a.partners().get(0).faultReason(), a.partners().get(0).faultReason().contains("after 1 retry ("));
        String log = Files.readString(set.server(0).log());
        int allowanceOver = log.indexOf("startup allowance of");
        int fault = log.indexOf("shows Fault");
        assertTrue(log, allowanceOver > 0 && fault > allowanceOver);
    }

    /**
     * Split brain, as the README describes it: the heartbeat cable between two running servers is
     * cut (here a relay that goes silent, sockets open), so the backup takes over after Timeout and
     * both serve; when the cable is mended the primary with the lower term steps down at once.
     */
    @Test
    public void aCutCableMakesTwoPrimariesAndMendingItLeavesTheHigherTerm() throws Exception {
        set = RedundancySet.builder(temp.newFolder().toPath(), 2).timing(PERIOD, TIMEOUT).relayed(0, 1).build().startAll();
        assertEquals(0, set.awaitStable(STABLE));
        long term = set.status(0).term();

        set.cut(0, 1);
        RedundancyStatus b = awaitRole(1, Role.PRIMARY);
        RoleChange took = lastTo(b, Role.PRIMARY);
        assertEquals("silence, not a refused reconnect: the relay still accepts", RoleChangeCause.TIMEOUT, took.cause());
        assertTrue(took.term() > term);
        assertEquals("both serve while the cable is cut: split brain", Role.PRIMARY, set.status(0).role());

        set.mend(0, 1);
        RedundancyStatus a = awaitRole(0, Role.BACKUP);
        assertEquals(RoleChangeCause.HIGHER_TERM, lastTo(a, Role.BACKUP).cause());
        assertEquals("the higher term stays primary", 1, set.awaitStable(STABLE));
        assertEquals(took.term(), set.status(1).term());
    }

    @Test
    public void aPeerWithTheWrongCertificateIsRefusedAndShownAsSuch() throws Exception {
        String wrong = "ab".repeat(32);
        start(2, 1, (i, c) -> i == 1 ? c.withPartner(0, c.partners().get(0).withCertificateSha256(wrong)) : c);
        for (int i = 0; i < 2; i++) {
            RedundancyStatus s = set.server(i).await(set.monitor(), x -> !x.starting() && x.partners().get(0).fault(), STABLE,
                    "partner fault");
            assertFalse(s.partners().get(0).connected());
        }
        RedundancyStatus a = set.status(0);
        assertTrue(a.partners().get(0).faultReason(), a.partners().get(0).faultReason().contains("authentication failed")
                || a.partners().get(0).faultReason().contains("refused"));
        RedundancyStatus b = set.status(1);
        assertTrue(b.note(), b.note().contains("untrusted link certificate refused"));
    }

    @Test
    public void verifyFindsEveryTimingMismatch() throws Exception {
        start(2, 3, null);
        set.awaitStable(STABLE);
        VerifyResult same = set.monitor().requestVerify(set.server(0).endpoint(), "SCADA-B").get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(same.differences().toString(), same.verified());
        set.reconfigure(1, c -> c.withPartner(0, c.partners().get(0).withTimeoutMs(900)));
        set.server(1).await(set.monitor(), s -> true, SOON, "running");
        VerifyResult differs = null;
        long deadline = System.nanoTime() + SOON.toNanos();
        while (System.nanoTime() < deadline) { // the file watcher applies the change asynchronously
            differs = set.monitor().requestVerify(set.server(0).endpoint(), "SCADA-B").get(10, java.util.concurrent.TimeUnit.SECONDS);
            if (!differs.verified()) {
                break;
            }
            set.server(1).await(set.monitor(), s -> true, Duration.ofSeconds(1), "status");
        }
        assertFalse(differs.verified());
        assertTrue(differs.differences().toString(), differs.differences().contains(
                "Timeout (ms) differs: 600 on SCADA-A's row for SCADA-B, 900 on SCADA-B's row for SCADA-A"));
        set.awaitStable(STABLE); // still exactly one primary after the reload
    }

    @Test
    public void activateOffRunsStandaloneAndOnAgainRejoins() throws Exception {
        // Switched on again, a server waits its startup allowance for a primary before it may claim;
        // the scenario is the link coming back within it (on a loaded 2-core machine it once took
        // more than the default 3 s), so give it 10 s. The subject is not the Timeout: 2 s, not
        // 600 ms, so that a stall of the loaded machine does not make a real failover here (CI saw
        // the backup end up primary once, with no logs left to tell why; the message now says).
        start(2, 2_000, 3, (i, c) -> c.withThisScada(c.thisScada().withStartupAllowanceMs(10_000)));
        int primary = set.awaitStable(STABLE);
        int backup = 1 - primary;
        set.reconfigure(backup, c -> c.withThisScada(c.thisScada().withActivate(false)));
        set.server(primary).await(set.monitor(), s -> !s.partners().get(0).connected(), SOON, "backup gone standalone");
        set.reconfigure(backup, c -> c.withThisScada(c.thisScada().withActivate(true)));
        int after = set.awaitStable(STABLE);
        assertEquals("the primary keeps its role; its role changes: " + set.status(primary).roleChanges()
                + "; the rejoined server's: " + set.status(backup).roleChanges(), primary, after);
        assertEquals(Role.BACKUP, set.status(backup).role());
        String log = Files.readString(set.server(backup).log());
        assertTrue(log, log.contains("backup->standalone") && log.contains("cause=redundancy-switched"));
        assertTrue(log, log.contains("standalone->backup"));
    }

    @Test
    public void aPartnerRowsActivateSwitchesThatLinkAloneWithoutARestartOrAFailover() throws Exception {
        start(3, 3, null);
        assertEquals(0, set.awaitStable(STABLE));
        long term = set.status(0).term();
        // The backups SCADA-B and SCADA-C stop talking to each other; both stay linked to SCADA-A.
        set.reconfigure(1, c -> c.withPartner(1, c.partners().get(1).withActivate(false)));
        set.reconfigure(2, c -> c.withPartner(1, c.partners().get(1).withActivate(false)));
        for (int i = 1; i <= 2; i++) {
            RedundancyStatus s = set.server(i).await(set.monitor(),
                    x -> !x.partners().get(1).activate() && !x.partners().get(1).connected() && x.partners().get(0).connected(),
                    SOON, "link to the other backup off, link to SCADA-A up");
            assertEquals("1/1", s.connectedServer());
            assertFalse("switched off is not a fault", s.partners().get(1).fault());
            assertEquals("no reconnects to a switched-off partner", -1, s.partners().get(1).nextRetryInMs());
        }
        assertEquals(0, set.awaitStable(STABLE));
        set.reconfigure(1, c -> c.withPartner(1, c.partners().get(1).withActivate(true)));
        set.reconfigure(2, c -> c.withPartner(1, c.partners().get(1).withActivate(true)));
        set.server(1).await(set.monitor(), s -> s.partners().get(1).connected(), SOON, "link to SCADA-C back");
        set.server(2).await(set.monitor(), s -> s.partners().get(1).connected(), SOON, "link to SCADA-B back");
        assertEquals(0, set.awaitStable(STABLE));
        assertEquals("no failover, no election: the term is unchanged", term, set.status(0).term());
        assertEquals(Role.BACKUP, set.status(1).role());
        assertEquals(Role.BACKUP, set.status(2).role());
    }

    @Test
    public void aBadConfigurationFileIsNeverHalfAppliedAndTheStatusSaysWhy() throws Exception {
        start(2, 3, null);
        int primary = set.awaitStable(STABLE);
        int backup = 1 - primary;
        RedundancyConfiguration before = ConfigurationFile.read(set.config(backup));
        String good = Files.readString(set.config(backup));
        // A valid JSON file with one bad field among good changes: nothing of it is applied.
        String invalid = good.replace("\"timeoutMs\": 600", "\"timeoutMs\": 300").replace("\"retryCount\": 3",
                "\"retryCount\": 5");
        assertFalse("the edit must change the file", invalid.equals(good));
        Files.writeString(set.config(backup), invalid);
        RedundancyStatus s = set.server(backup).await(set.monitor(), x -> x.note().contains("NOT applied"), SOON,
                "the status shows the file was not applied");
        assertTrue("file:line:column: error: field: " + s.note(), s.note().matches(
                ".*\\.scadaredundancy:\\d+:\\d+: error: partners\\[0\\]\\.timeoutMs: Timeout 300 ms .*"));
        // A truncated file: same.
        Files.writeString(set.config(backup), good.substring(0, good.length() / 2));
        s = set.server(backup).await(set.monitor(), x -> x.note().contains("not valid JSON"), SOON, "the reader's reason in the note");
        assertTrue(s.note(), s.note().contains("NOT applied"));
        assertTrue("file:line:column: " + s.note(), s.note().matches(".*\\.scadaredundancy:\\d+:\\d+: not valid JSON.*"));
        assertEquals(primary, set.awaitStable(STABLE));
        VerifyResult verify = set.monitor().requestVerify(set.server(primary).endpoint(), RedundancySet.symbol(backup))
                .get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue("the backup still runs the configuration it had: " + verify.differences(), verify.verified());
        // The good file again: applied, and the note is gone.
        ConfigurationFile.write(before.withThisScada(before.thisScada().withComment("repaired")), set.config(backup));
        set.server(backup).await(set.monitor(), x -> x.note().isEmpty(), SOON, "note cleared");
        assertEquals(primary, set.awaitStable(STABLE));
    }

    @Test
    public void garbageOnTheRedundancyPortNeverHarmsTheServer() throws Exception {
        start(2, 3, null);
        int primary = set.awaitStable(STABLE);
        for (byte[] junk : new byte[][] { "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII), new byte[70_000],
                { 0x16, 0x03, 0x01, 0x7f, (byte) 0xff, 1, 2, 3 } }) {
            try (Socket socket = new Socket(set.address(0), set.port()); OutputStream out = socket.getOutputStream()) {
                out.write(junk);
                out.flush();
                socket.setSoTimeout(1000);
                byte[] answer = new byte[1024];
                int read = socket.getInputStream().read(answer); // the server answers with an alert or closes
                assertTrue("garbage is answered by a TLS alert record (content type 21) or the end of the stream, got "
                        + read + " bytes starting with " + (read > 0 ? answer[0] : "nothing"),
                        read == -1 || answer[0] == 21);
            } catch (java.net.SocketTimeoutException e) {
                // a truncated TLS record: the server waits for the rest, then drops it at its handshake timeout
            } catch (java.net.SocketException e) {
                // a reset by the server is a fine answer to garbage
            }
        }
        assertEquals(primary, set.awaitStable(STABLE));
        assertTrue(set.server(0).isAlive() && set.server(1).isAlive());
    }
}

package scada.redundancy.ops.tests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

import org.junit.After;
import org.junit.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import scada.redundancy.cli.harness.RedundancySet;
import scada.redundancy.cli.harness.ServerProcess;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.Role;

/**
 * The health endpoint, the role-change hooks and the log file of real server processes (the built
 * server product, two servers on 127.0.2.1 and 127.0.2.2, started with
 * {@code -Dduplex.health=PORT}, {@code -Dduplex.hook.promote/demote} and a hook timeout of 2 s, as
 * {@code --health}, {@code --on-promote}, {@code --on-demote}, {@code --hook-timeout} pass them):
 * the primary answers 200 with its role and term, the backup 503; after kill -9 of the primary the
 * backup answers 200 with the new term within Timeout + Period, although its promotion hook hangs
 * (killed at its timeout, with its child, and logged in DATA/logs/server.log); a graceful stop of
 * the new primary hands over, runs its demotion hook and the successor's promotion hook, each with
 * the right environment.
 */
public class OpsProcessTest {
    private static final int PERIOD_MS = 200;
    private static final int TIMEOUT_MS = 600;
    private static final int HOOK_TIMEOUT_MS = 2000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private RedundancySet set;

    @After
    public void close() throws Exception {
        if (set != null) {
            set.close();
        }
    }

    private record Health(int code, JsonNode json) {
    }

    /** GET /health; null when nothing answers (the process is gone, or not listening yet). */
    private static Health health(String address, int port) {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL("http://" + address + ":" + port + "/health").openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(1000);
            int code = c.getResponseCode();
            try (InputStream in = code < 400 ? c.getInputStream() : c.getErrorStream()) {
                return new Health(code, JSON.readTree(in));
            }
        } catch (IOException e) {
            return null;
        }
    }

    /** Polls GET /health of another process (no event to wait on) until it answers {@code code}; bounded. */
    private static Health awaitHealth(String address, int port, int code, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Health last = null;
        while (System.nanoTime() - deadline < 0) {
            last = health(address, port);
            if (last != null && last.code() == code) {
                return last;
            }
            Thread.sleep(20);
        }
        throw new TimeoutException(address + " did not answer " + code + " within " + timeout.toMillis() + " ms; last: "
                + (last == null ? "no answer" : last.code() + " " + last.json()));
    }

    /** Waits for a line containing {@code text} in a file another process writes; bounded. */
    private static String awaitLine(Path file, String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file)) {
                    if (line.contains(text)) {
                        return line;
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new TimeoutException("no line with '" + text + "' in " + file + " within " + timeout.toMillis() + " ms"
                + (Files.exists(file) ? ":\n" + Files.readString(file) : " (no such file)"));
    }

    private static boolean contains(Path file, String text) throws IOException {
        return Files.exists(file) && Files.readString(file).contains(text);
    }

    @Test
    public void healthFollowsTheRoleAndHooksRunWithTheirEnvironmentWithoutDelayingFailover() throws Exception {
        Path dir = RedundancySet.tempDir("duplex-ops-");
        Path hang = dir.resolve("hang");
        Path sleepPid = dir.resolve("sleep.pid");
        int healthPort = RedundancySet.freePort(List.of("127.0.2.1", "127.0.2.2"));
        // Each hook appends its environment to a file of its server; the promotion hook hangs while the file "hang" exists.
        String record = "echo \"$DUPLEX_ROLE|$DUPLEX_PREVIOUS_ROLE|$DUPLEX_TERM|$DUPLEX_SYMBOL|$DUPLEX_CAUSE\" >> " + dir
                + "/KIND-$DUPLEX_SYMBOL.txt";
        String promote = "sh -c '" + record.replace("KIND", "promote") + "; if [ -e " + hang + " ]; then sleep 60 & echo $! > "
                + sleepPid + "; wait; fi'";
        String demote = "sh -c '" + record.replace("KIND", "demote") + "'";
        set = RedundancySet.builder(dir, 2).timing(PERIOD_MS, TIMEOUT_MS)
                .javaOptions(List.of("-Dduplex.health=" + healthPort, "-Dduplex.hook.promote=" + promote,
                        "-Dduplex.hook.demote=" + demote, "-Dduplex.hook.timeoutMs=" + HOOK_TIMEOUT_MS))
                .build();
        set.startAll();
        int primary = set.awaitStable(Duration.ofSeconds(30));
        int backup = 1 - primary;
        String p = RedundancySet.symbol(primary);
        String b = RedundancySet.symbol(backup);
        RedundancyStatus ps = set.status(primary);

        // Health: the primary 200 with its role and term, the backup 503 naming the primary.
        Health ph = awaitHealth(set.address(primary), healthPort, 200, Duration.ofSeconds(5));
        assertEquals(p, ph.json().get("symbol").asText());
        assertEquals("primary", ph.json().get("role").asText());
        assertEquals(ps.term(), ph.json().get("term").asLong());
        assertEquals(b, ph.json().get("partners").get(0).get("symbol").asText());
        Health bh = awaitHealth(set.address(backup), healthPort, 503, Duration.ofSeconds(5));
        assertEquals("backup", bh.json().get("role").asText());
        assertEquals("backup", bh.json().get("state").asText());
        assertEquals(p, bh.json().get("primary").asText());

        // The primary's promotion hook ran with its environment; the backup, never serving, ran none.
        String first = awaitLine(dir.resolve("promote-" + p + ".txt"), "|" + p + "|", Duration.ofSeconds(5));
        assertTrue(first, first.equals("primary|backup|" + ps.term() + "|" + p + "|election")
                || first.equals("primary|backup|" + ps.term() + "|" + p + "|startup-election"));
        assertFalse(Files.exists(dir.resolve("promote-" + b + ".txt")));
        assertFalse(Files.exists(dir.resolve("demote-" + b + ".txt")));

        // kill -9 of the primary: the backup's health turns 200 with the new term within Timeout + Period,
        // while its promotion hook hangs.
        Files.createFile(hang);
        long killed = System.nanoTime();
        set.server(primary).kill();
        Health risen = awaitHealth(set.address(backup), healthPort, 200, Duration.ofMillis(TIMEOUT_MS + PERIOD_MS + 1000));
        long riseMs = (System.nanoTime() - killed) / 1_000_000;
        long newTerm = risen.json().get("term").asLong();
        assertTrue("new term " + newTerm + " > " + ps.term(), newTerm > ps.term());
        assertEquals("primary", risen.json().get("role").asText());
        Path backupLog = set.server(backup).data().resolve("logs/server.log");
        assertFalse("the hook is still hanging when the health answers 200",
                contains(backupLog, "hook was still running after"));
        System.out.println("ops_health_rise_ms=" + riseMs + " (kill -9 of the primary to 200 on the backup, allowed "
                + (TIMEOUT_MS + PERIOD_MS) + " ms + 1000 ms of polling slack)");
        assertTrue("health rose after " + riseMs + " ms", riseMs <= TIMEOUT_MS + PERIOD_MS + 1000);

        String promoted = awaitLine(dir.resolve("promote-" + b + ".txt"), "|" + b + "|", Duration.ofSeconds(5));
        assertTrue(promoted, promoted.startsWith("primary|backup|" + newTerm + "|" + b + "|"));
        String killedLine = awaitLine(backupLog, "ERROR the promote (term " + newTerm + ") hook was still running after "
                + HOOK_TIMEOUT_MS + " ms: killed it", Duration.ofMillis(HOOK_TIMEOUT_MS + 5000));
        assertTrue(killedLine, killedLine.contains(" and 1 processes it started"));
        long sleeper = Long.parseLong(Files.readString(sleepPid).strip());
        // SIGKILL was sent; the process is gone once it has been reaped (its parent, the hook, died too)
        ProcessHandle.of(sleeper).ifPresent(h -> h.onExit().orTimeout(3, java.util.concurrent.TimeUnit.SECONDS).join());
        assertFalse("the hook's child was killed with it", ProcessHandle.of(sleeper).map(ProcessHandle::isAlive).orElse(false));
        assertEquals("the role held while the hook hung and died", Role.PRIMARY, set.status(backup).role());
        Files.delete(hang);

        // The old primary comes back as backup; a graceful stop of the new primary hands over to it:
        // the stopping one runs its demotion hook before it exits, the successor its promotion hook.
        ServerProcess old = set.server(primary);
        old.start();
        set.awaitStable(Duration.ofSeconds(30));
        assertTrue(set.server(backup).terminate(Duration.ofSeconds(15)));
        String demoted = awaitLine(dir.resolve("demote-" + b + ".txt"), "|" + b + "|", Duration.ofSeconds(1));
        assertTrue(demoted, demoted.startsWith("backup|primary|"));
        assertTrue(demoted, demoted.endsWith("|handed-over") || demoted.endsWith("|shutdown"));
        String successor = awaitLine(dir.resolve("promote-" + p + ".txt"), "|graceful-handover", Duration.ofSeconds(5));
        assertTrue(successor, successor.startsWith("primary|backup|"));
        Health back = awaitHealth(set.address(primary), healthPort, 200, Duration.ofSeconds(5));
        assertTrue(back.json().get("term").asLong() > newTerm);
        assertTrue("the log file shows the demotion hook's exit", contains(backupLog, "the demote (term "));
        assertTrue("the last line of a graceful stop reached the log file",
                Files.readAllLines(backupLog).stream().anyMatch(l -> l.endsWith(" stopped")));
        assertEquals(List.of(), set.logsWithUncaughtExceptions());
    }
}

package scada.redundancy.cli.tests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import scada.redundancy.cli.DuplexCommand;
import scada.redundancy.cli.harness.RedundancySet;

/**
 * The README's commands against real server processes (127.0.2.1 and 127.0.2.2, a free port, so
 * that they run beside a real demo):
 * the demo's last line, {@code status --json}'s documented fields, and the operator actions.
 */
public class CommandsAgainstRealServersTest {
    private static final Duration STABLE = Duration.ofSeconds(40);

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private RedundancySet set;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @After
    public void stop() throws Exception {
        if (set != null) {
            set.close();
        }
    }

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return DuplexCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    public void theDemoRunsTheWholeScenarioAndEndsWithItsParseableLine() throws Exception {
        List<String> block = List.of("127.0." + RedundancySet.TEST_BLOCK + ".1", "127.0." + RedundancySet.TEST_BLOCK + ".2");
        int port = RedundancySet.freePort(block);
        int opcuaPort = RedundancySet.freePort(block);
        int code = run("demo", "--period", "200", "--timeout", "600", "--dir", temp.newFolder().toString(), "--port",
                String.valueOf(port), "--loopback-block", String.valueOf(RedundancySet.TEST_BLOCK), "--opcua-port",
                String.valueOf(opcuaPort), "--plc-port", "0");
        String text = out.toString();
        assertEquals(text + err, 0, code);
        String[] lines = text.strip().split("\n");
        Matcher last = Pattern.compile("failover_ms=(\\d+) kill_to_takeover_ms=(\\d+) client_gap_ms=(\\d+) history_gap_ms=(\\d+) "
                + "history_rows=(\\d+) history_rows_lost=0 duplicated=0 two_primaries=0 term=(\\d+)").matcher(lines[lines.length - 1]);
        assertTrue(text, last.matches());
        assertTrue("history was recorded: " + text, Long.parseLong(last.group(5)) > 0);
        assertTrue("a takeover raises the term: " + text, Integer.parseInt(last.group(6)) >= 2);
        assertTrue(text, text.contains("restart SCADA-A: it comes back as backup"));
        assertTrue("the client moved to the new primary: " + text,
                Pattern.compile("the OPC UA client moved from SCADA-[AB] to SCADA-[AB] \\(connection lost\\)").matcher(text).find());
        assertTrue("only the primary polls the PLC: " + text, text.contains("backup, PLC 0/s"));
    }

    @Test
    public void aPortTakenByAnotherProgramIsSaidPlainlyWithoutAStackTrace() throws Exception {
        // The tests' loopback block and a free port (hidden demo options), not a real demo's 127.0.0.1:8000.
        String first = "127.0." + RedundancySet.TEST_BLOCK + ".1";
        int port = RedundancySet.freePort(List.of(first, "127.0." + RedundancySet.TEST_BLOCK + ".2"));
        try (java.net.ServerSocket squatter = new java.net.ServerSocket(port, 5, java.net.InetAddress.getByName(first))) {
            int code = run("demo", "--period", "200", "--timeout", "600", "--dir", temp.newFolder().toString(), "--port",
                    String.valueOf(port), "--loopback-block", String.valueOf(RedundancySet.TEST_BLOCK));
            assertEquals(1, code);
            String text = err.toString();
            assertTrue(text, text.startsWith("scada-redundancy demo: " + first + " exited while waiting for"));
            assertTrue(text, text.contains("cannot listen on " + first + ":" + port + ": Address already in use"));
            assertTrue("no stack trace: " + text, !text.contains("\tat "));
        }
    }

    @Test
    public void statusJsonHasTheDocumentedFieldsAndTheOperatorActionsWork() throws Exception {
        set = new RedundancySet(temp.newFolder().toPath(), 2, 200, 600, 3, null, List.of()).startAll();
        int primary = set.awaitStable(STABLE);
        int backup = 1 - primary;
        String at = set.address(primary) + ":" + set.port();
        String data = set.server(primary).data().toString();

        assertEquals(err.toString(), 0, run("status", at, "--json", "--data", data));
        JsonNode s = new ObjectMapper().readTree(out.toString());
        assertEquals(RedundancySet.symbol(primary), s.path("symbol").asText());
        assertEquals("primary", s.path("role").asText());
        assertTrue(s.toString(), s.path("term").asLong() >= 1);
        JsonNode p = s.path("partners").path(0);
        assertEquals(RedundancySet.symbol(backup), p.path("symbol").asText());
        assertEquals(set.address(backup) + ":" + set.port(), p.path("address").asText());
        assertTrue(p.toString(), p.path("connected").asBoolean());
        assertTrue(p.toString(), p.has("isPrimary") && !p.path("isPrimary").asBoolean());
        assertTrue(p.toString(), p.has("fault") && !p.path("fault").asBoolean());
        assertTrue(p.toString(), p.path("lastHeartbeatAgeMs").asLong(-1) >= 0);
        assertTrue(p.toString(), p.path("rttMs").asDouble(-1) > 0);
        assertEquals(-1, p.path("nextRetryInMs").asLong());
        JsonNode change = s.path("roleChanges").path(s.path("roleChanges").size() - 1);
        assertEquals("primary", change.path("to").asText());
        assertTrue(change.toString(), change.has("cause") && change.has("failoverMs") && change.has("becamePrimaryAt"));

        assertEquals(err.toString(), 0, run("status", at, "--data", data));
        assertTrue(out.toString(), out.toString().startsWith(RedundancySet.symbol(primary) + "  PRIMARY"));

        assertEquals(out.toString() + err, 0, run("try-connect", at, RedundancySet.symbol(backup), "--data", data));
        assertTrue(out.toString(), out.toString().startsWith("connected: connected to " + RedundancySet.symbol(backup)));
        assertEquals(out.toString() + err, 0, run("verify", at, RedundancySet.symbol(backup), "--data", data));
        assertTrue(out.toString(), out.toString().startsWith("Verified: " + RedundancySet.symbol(backup)));
        assertEquals("not a partner: exit 1", 1, run("try-connect", at, "SCADA-Q", "--data", data));

        assertEquals(out.toString() + err, 0, run("handover", at, "--data", data));
        assertEquals("handed over to " + RedundancySet.symbol(backup), out.toString().strip());
        assertEquals(backup, set.awaitStable(STABLE));

        java.nio.file.Path stranger = temp.newFolder().toPath().resolve("mistyped");
        assertEquals("a stranger's identity is refused: exit 1", 1,
                run("status", at, "--identity", stranger.toString(), "--timeout", "2000"));
        assertTrue(err.toString(), err.toString().contains("this client's fingerprint is"));
        assertTrue("an --identity that did not exist is said to be new: " + err, err.toString().contains(
                "note: there was no client identity in " + stranger + "; a new one was created there"));
        assertEquals(1, run("status", at, "--identity", stranger.toString(), "--timeout", "2000"));
        assertFalse("said once, when created: " + err, err.toString().contains("note: there was no client identity"));
    }
}

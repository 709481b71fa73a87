package scada.redundancy.ops.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Role-change commands: split like a shell splits words without one; run in order with their
 * environment, output and exit code logged; one that hangs is killed with its children at the
 * timeout while submit never waits; a backlog keeps the newest.
 */
public class HookRunnerTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private final List<String> log = new CopyOnWriteArrayList<>();

    @Test
    public void commandsSplitIntoWordsWithoutAShell() {
        assertEquals(List.of("ip", "addr", "add", "10.0.0.100/24", "dev", "eth0"),
                HookCommand.parse("ip addr add 10.0.0.100/24  dev eth0"));
        assertEquals(List.of("sh", "-c", "echo \"$DUPLEX_ROLE\" > /tmp/x"),
                HookCommand.parse("sh -c 'echo \"$DUPLEX_ROLE\" > /tmp/x'"));
        assertEquals(List.of("a b", "c\"d", "e f"), HookCommand.parse("\"a b\" \"c\\\"d\" e\\ f"));
        for (String bad : new String[] { "sh -c 'unclosed", "say \"unclosed", "   " }) {
            try {
                HookCommand.parse(bad);
                throw new AssertionError("accepted " + bad);
            } catch (IllegalArgumentException expected) {
                // the message names the problem
            }
        }
    }

    @Test
    public void hooksRunInOrderWithTheirEnvironmentAndTheirOutputAndExitCodeAreLogged() throws Exception {
        Path out = tmp.getRoot().toPath().resolve("calls.txt");
        try (HookRunner runner = new HookRunner(Duration.ofSeconds(10), 4, log::add)) {
            for (int i = 1; i <= 3; i++) {
                runner.submit(new HookRunner.Hook("promote (term " + i + ")",
                        List.of("sh", "-c", "echo \"$DUPLEX_TERM\" >> " + out + "; echo said $DUPLEX_TERM; exit $DUPLEX_TERM"),
                        Map.of("DUPLEX_TERM", Integer.toString(i))));
            }
            assertTrue(runner.awaitIdle(10_000));
        }
        assertEquals(List.of("1", "2", "3"), Files.readAllLines(out));
        assertTrue(log.toString(), log.contains("promote (term 2) output: said 2"));
        assertTrue(log.toString(), log.stream().anyMatch(l -> l.startsWith("ERROR the promote (term 3) hook exited with 3 after ")));
        int output = indexOf("promote (term 1) output: said 1");
        int exit = indexOf("the promote (term 1) hook exited with 1");
        assertTrue("its output before its exit code", output >= 0 && output < exit);
    }

    @Test
    public void aHangingHookIsKilledWithItsChildrenAtTheTimeoutAndSubmitNeverWaits() throws Exception {
        Path pid = tmp.getRoot().toPath().resolve("sleep.pid");
        try (HookRunner runner = new HookRunner(Duration.ofMillis(500), 4, log::add)) {
            long t0 = System.nanoTime();
            runner.submit(new HookRunner.Hook("demote (term 4)",
                    List.of("sh", "-c", "sleep 60 & echo $! > " + pid + "; wait"), Map.of()));
            runner.submit(new HookRunner.Hook("promote (term 5)", List.of("true"), Map.of()));
            long submitMs = (System.nanoTime() - t0) / 1_000_000;
            assertTrue("submit took " + submitMs + " ms", submitMs < 100);
            assertTrue(runner.awaitIdle(5000));
        }
        assertTrue(log.toString(), log.stream().anyMatch(l -> l.startsWith(
                "ERROR the demote (term 4) hook was still running after 500 ms: killed it (pid ") && l.contains(" and 1 processes")));
        long sleeper = Long.parseLong(Files.readString(pid).strip());
        // SIGKILL was sent; the process is gone once it has been reaped (its parent, the hook, died too)
        ProcessHandle.of(sleeper).ifPresent(h -> h.onExit().orTimeout(3, java.util.concurrent.TimeUnit.SECONDS).join());
        assertFalse("the hook's child is gone too", ProcessHandle.of(sleeper).map(ProcessHandle::isAlive).orElse(false));
        assertTrue("the next hook ran after it", log.stream().anyMatch(l -> l.startsWith("the promote (term 5) hook exited with 0")));
    }

    @Test
    public void aFullBacklogSkipsTheOldestWaitingHookAndSaysSo() throws Exception {
        Path out = tmp.getRoot().toPath().resolve("calls.txt");
        Path gate = tmp.getRoot().toPath().resolve("gate");
        java.util.concurrent.CountDownLatch h0Runs = new java.util.concurrent.CountDownLatch(1);
        try (HookRunner runner = new HookRunner(Duration.ofSeconds(10), 2, line -> {
            log.add(line);
            if (line.startsWith("running the h0 hook")) {
                h0Runs.countDown();
            }
        })) {
            // the first holds the runner until the gate file appears: the others wait behind it
            runner.submit(new HookRunner.Hook("h0", List.of("sh", "-c", "while [ ! -e " + gate + " ]; do sleep 0.02; done"),
                    Map.of()));
            assertTrue(h0Runs.await(5, java.util.concurrent.TimeUnit.SECONDS));
            for (int i = 1; i <= 4; i++) {
                runner.submit(new HookRunner.Hook("h" + i, List.of("sh", "-c", "echo " + "h$N >> " + out),
                        Map.of("N", Integer.toString(i))));
            }
            Files.createFile(gate);
            assertTrue(runner.awaitIdle(10_000));
        }
        assertEquals("only the newest two ran", List.of("h3", "h4"), Files.readAllLines(out));
        assertTrue(log.toString(), log.stream().anyMatch(l -> l.startsWith("skipped the h1 hook: 2 newer role changes")));
        assertTrue(log.toString(), log.stream().anyMatch(l -> l.startsWith("skipped the h2 hook")));
    }

    @Test
    public void aProgramThatDoesNotExistIsLoggedAndTheNextStillRuns() throws Exception {
        try (HookRunner runner = new HookRunner(Duration.ofSeconds(5), 4, log::add)) {
            runner.submit(new HookRunner.Hook("promote (term 1)", List.of("/no/such/program"), Map.of()));
            runner.submit(new HookRunner.Hook("demote (term 2)", List.of("true"), Map.of()));
            assertTrue(runner.awaitIdle(5000));
        }
        assertTrue(log.toString(), log.stream().anyMatch(l -> l.startsWith("ERROR the promote (term 1) hook cannot run /no/such/program")));
        assertTrue(log.toString(), log.stream().anyMatch(l -> l.startsWith("the demote (term 2) hook exited with 0")));
    }

    private int indexOf(String text) {
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }
}

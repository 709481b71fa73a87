package scada.redundancy.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import scada.redundancy.cli.harness.RedundancySet;
import scada.redundancy.cli.harness.ServerProcess;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.Role;
import scada.redundancy.runtime.RoleChange;
import scada.redundancy.runtime.RoleChangeCause;

/**
 * {@code demo}: a live failover. Two real servers on 127.0.0.1 and 127.0.0.2 (same port, mutual
 * TLS with pinned certificates), their status, kill -9 of the primary, the backup's takeover with
 * the timings of its role-change record, the old primary back as backup, a clean stop.
 */
@Command(name = "demo", description = "A live failover between two servers on this machine.")
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", description = "Where to keep data, configurations and logs (default: a new temporary directory).")
    Path dir;

    @Option(names = "--period", defaultValue = "1000", description = "Heartbeat Period in ms (default: ${DEFAULT-VALUE}).")
    int periodMs;

    @Option(names = "--timeout", defaultValue = "3000", description = "Timeout in ms (default: ${DEFAULT-VALUE}).")
    int timeoutMs;

    // For tests that run beside a real demo: another port and loopback block (127.0.N.1, 127.0.N.2).
    @Option(names = "--port", hidden = true, defaultValue = "8000")
    int port;

    @Option(names = "--loopback-block", hidden = true, defaultValue = "0")
    int block;

    private PrintWriter out;
    private int twoPrimaries;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("duplex-demo-");
        try (RedundancySet set = RedundancySet.builder(work, 2).timing(periodMs, timeoutMs).retryCount(3).block(block).port(port)
                .build()) {
            step("two servers: SCADA-A on " + set.address(0) + ":" + port + " and SCADA-B on " + set.address(1) + ":" + port
                    + " (Period " + periodMs + " ms, Timeout " + timeoutMs + " ms, TLS with pinned certificates; files in "
                    + work + ")");
            set.startAll();
            int primary = set.awaitStable(Duration.ofSeconds(60));
            int backup = 1 - primary;
            showStatus(set);
            checkOnePrimary(set);

            ServerProcess victim = set.server(primary);
            step("kill -9 the primary " + RedundancySet.symbol(primary) + " (pid " + victim.pid() + ")");
            long killedAt = System.currentTimeMillis();
            victim.kill();
            RedundancyStatus after = set.server(backup).await(set.monitor(), s -> s.role() == Role.PRIMARY,
                    Duration.ofMillis(timeoutMs * 3L + 5000), "primary after the kill");
            RoleChange takeover = after.roleChanges().stream().filter(c -> c.to() == Role.PRIMARY)
                    .reduce((a, b) -> b).orElseThrow();
            long killToTakeover = takeover.becamePrimaryAtMillis() - killedAt;
            out.printf("%s took over: cause %s, term %d%n", RedundancySet.symbol(backup), takeover.cause().jsonName(),
                    takeover.term());
            out.printf("  last heartbeat of %s at %s, loss detected at %s, primary at %s%n", takeover.peer(),
                    time(takeover.lastHeartbeatAtMillis()), time(takeover.detectedAtMillis()),
                    time(takeover.becamePrimaryAtMillis()));
            out.printf("  failover %d ms from the old primary's last sign of life (its link reset); %d ms from kill -9%n",
                    takeover.failoverMs(), killToTakeover);
            out.printf("  (a frozen or cut-off primary gives no such sign: then the backup waits the full Timeout of %d ms)%n",
                    timeoutMs);
            showStatus(set);
            checkOnePrimary(set);

            step("restart " + RedundancySet.symbol(primary) + ": it must come back as backup (fail-back is manual)");
            victim.start();
            int now = set.awaitStable(Duration.ofSeconds(60));
            if (now != backup) {
                out.println("UNEXPECTED: " + RedundancySet.symbol(now) + " is primary after the restart");
                twoPrimaries++;
            }
            showStatus(set);
            checkOnePrimary(set);
            long term = set.status(backup).term();

            step("stop both servers with SIGTERM");
            set.server(primary).terminate(Duration.ofSeconds(10));
            set.server(backup).terminate(Duration.ofSeconds(10));
            out.printf("failover_ms=%d kill_to_takeover_ms=%d cause=%s term=%d two_primaries=%d%n", takeover.failoverMs(),
                    killToTakeover, takeover.cause().jsonName(), term, twoPrimaries);
            out.flush();
            return twoPrimaries == 0 && takeover.cause() == RoleChangeCause.CONNECTION_REFUSED ? 0 : 1;
        }
    }

    private void showStatus(RedundancySet set) throws Exception {
        for (int i = 0; i < set.servers().size(); i++) {
            if (set.server(i).isAlive()) {
                out.println();
                StatusCommand.print(set.status(i), out);
            }
        }
        out.println();
        out.flush();
    }

    /** Asks every running server for its role: more than one primary is counted. */
    private void checkOnePrimary(RedundancySet set) throws Exception {
        int primaries = 0;
        for (int i = 0; i < set.servers().size(); i++) {
            if (set.server(i).isAlive() && set.status(i).role() == Role.PRIMARY) {
                primaries++;
            }
        }
        if (primaries > 1) {
            twoPrimaries++;
        }
    }

    private void step(String text) {
        out.println("== " + text);
        out.flush();
    }

    private static String time(long millis) {
        return millis < 0 ? "-" : java.time.Instant.ofEpochMilli(millis).toString();
    }
}

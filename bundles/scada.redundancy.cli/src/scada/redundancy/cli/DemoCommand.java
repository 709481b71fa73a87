package scada.redundancy.cli;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import scada.redundancy.cli.harness.HistoryAudit;
import scada.redundancy.cli.harness.PlcSimulator;
import scada.redundancy.cli.harness.RedundancySet;
import scada.redundancy.cli.harness.SampleProject;
import scada.redundancy.cli.harness.ServerProcess;
import scada.redundancy.project.Project;
import scada.redundancy.project.ProjectReader;
import scada.redundancy.runtime.PartnerStatus;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.Role;
import scada.redundancy.runtime.RoleChange;

/**
 * {@code demo}: the spec's failover scenario on one machine. A Modbus PLC simulator; two runtime
 * servers on 127.0.0.1 and 127.0.0.2 (same redundancy port, mutual TLS with pinned certificates)
 * running the sample project with an embedded H2 history and DB sync; an OPC UA failover client
 * subscribed to the project's tags. It shows who polls the PLC, where the client is and the rows
 * in each history; kills the primary with kill -9; shows the takeover, the client moving and the
 * history going on; restarts the old primary and shows it catch up; stops everything and audits
 * both histories. The last line is for scripts:
 * {@code failover_ms=… client_gap_ms=… history_gap_ms=… history_rows=… history_rows_lost=0 duplicated=0 two_primaries=0}.
 */
@Command(name = "demo", description = "The failover scenario: PLC simulator, two servers with the sample project, an OPC UA client; kill -9 of the primary.")
final class DemoCommand implements Callable<Integer> {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final Pattern ROWS = Pattern.compile("([0-9][0-9,]*) rows\\b");

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", description = "Where to keep data, configurations and logs (default: a new temporary directory).")
    Path dir;

    @Option(names = "--period", defaultValue = "1000", description = "Heartbeat Period in ms (default: ${DEFAULT-VALUE}).")
    int periodMs;

    @Option(names = "--timeout", defaultValue = "3000", description = "Timeout in ms (default: ${DEFAULT-VALUE}).")
    int timeoutMs;

    @Option(names = "--standby", defaultValue = "cold", paramLabel = "cold|warm", description = "Standby of the backup: cold (no PLC connection) or warm (connected, not polling) (default: ${DEFAULT-VALUE}).")
    String standby;

    @Option(names = "--plc-port", defaultValue = "5020", description = "Port of the PLC simulator on 127.0.0.1; a free one if it is taken (default: ${DEFAULT-VALUE}).")
    int plcPort;

    @Option(names = "--opcua-port", defaultValue = "4840", description = "OPC UA port of both servers (default: ${DEFAULT-VALUE}).")
    int opcuaPort;

    @Option(names = "--project", paramLabel = "DIR", description = "The SCADA project (default: the sample, examples/plant).")
    Path project;

    // For tests that run beside a real demo: another port and loopback block (127.0.N.1, 127.0.N.2).
    @Option(names = "--port", hidden = true, defaultValue = "8000")
    int port;

    @Option(names = "--loopback-block", hidden = true, defaultValue = "0")
    int block;

    private PrintWriter out;
    private int twoPrimaries;
    private PlcSimulator plc;
    private RedundancySet set;
    private DemoClient client;
    private final long[] lastRequests = new long[2];
    private long lastSampleNanos = System.nanoTime();

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        if (!standby.equals("cold") && !standby.equals("warm")) {
            spec.commandLine().getErr().println("--standby must be cold or warm, not " + standby);
            return 2;
        }
        Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("duplex-demo-");
        Path source = project != null ? project : SampleProject.find();
        Project plant = ProjectReader.read(source);
        if (!isFree(plcPort)) {
            plcPort = RedundancySet.freePort(List.of("127.0.0.1"));
        }
        try {
            plc = new PlcSimulator(plant.tags(), InetAddress.getByName("127.0.0.1"), plcPort);
            Path copy = SampleProject.copyOn(source, work.resolve("project"), plc.port(), 1000, 500);
            step("PLC simulator (Modbus TCP) on 127.0.0.1:" + plc.port() + " with the " + plant.tags().size()
                    + " tags of project " + plant.name() + " (" + source + ")");
            set = RedundancySet.builder(work, 2).timing(periodMs, timeoutMs).retryCount(3).block(block).port(port)
                    .adjust((i, c) -> c.withThisScada(c.thisScada().withEnableDbSync(true).withDatabase("history")))
                    .javaOptions(List.of("-Dduplex.project=" + copy, "-Dduplex.standby=" + standby,
                            "-Dduplex.opcua.port=" + opcuaPort,
                            // each server connects to the PLC from its own address, so the simulator tells them apart
                            "-Dduplex.plc.source=bind"))
                    .build();
            step("two servers: SCADA-A on " + set.address(0) + ":" + port + " and SCADA-B on " + set.address(1) + ":" + port
                    + " (Period " + periodMs + " ms, Timeout " + timeoutMs + " ms, " + standby + " standby, H2 history with DB"
                    + " sync, OPC UA on port " + opcuaPort + "; files in " + work + ")");
            client = DemoClient.prepare(work.resolve("client"), set, opcuaPort, plant, out);
            set.startAll();
            int primary = set.awaitStable(Duration.ofSeconds(60));
            int backup = 1 - primary;
            ServerProcess victim = set.server(primary);
            plc.awaitRequests(set.address(primary), 1, Duration.ofSeconds(20));
            client.start(Duration.ofSeconds(30));
            header();
            watch(Duration.ofSeconds(30), () -> client.on(set.address(primary)));
            watch(showFor(), () -> false);

            step("kill -9 the primary " + RedundancySet.symbol(primary) + " (pid " + victim.pid() + ")");
            long killedAt = System.currentTimeMillis();
            long requestsBefore = plc.requestsFrom(set.address(backup));
            int movesBefore = client.moves();
            victim.kill();
            long deadline = System.nanoTime() + Duration.ofMillis(timeoutMs * 3L + 30_000).toNanos();
            watch(Duration.ofNanos(deadline - System.nanoTime()), () -> isPrimary(backup)
                    && plc.requestsFrom(set.address(backup)) > requestsBefore && client.movedTo(set.address(backup), movesBefore));
            RedundancyStatus after = set.status(backup);
            RoleChange takeover = after.roleChanges().stream().filter(c -> c.to() == Role.PRIMARY).reduce((a, b) -> b)
                    .orElseThrow(() -> new IllegalStateException(RedundancySet.symbol(backup) + " did not take over"));
            long killToTakeover = takeover.becamePrimaryAtMillis() - killedAt;
            out.printf("%s took over: cause %s, term %d; failover %d ms from the old primary's last sign of life, %d ms from"
                    + " kill -9%n", RedundancySet.symbol(backup), takeover.cause().jsonName(), takeover.term(),
                    takeover.failoverMs(), killToTakeover);
            out.println("  (a frozen or cut-off primary gives no sign: then the backup waits the full Timeout of " + timeoutMs
                    + " ms)");
            long clientGapMs = client.reportMoves(out, movesBefore);
            watch(showFor(), () -> false);

            step("restart " + RedundancySet.symbol(primary) + ": it comes back as backup and catches up the history it missed");
            victim.start();
            int now = set.awaitStable(Duration.ofSeconds(60));
            if (now != backup) {
                out.println("UNEXPECTED: " + RedundancySet.symbol(now) + " is primary after the restart");
                twoPrimaries++;
            }
            watch(Duration.ofSeconds(60), () -> inSync(primary, backup));
            watch(Duration.ofSeconds(2), () -> false);
            long term = set.status(backup).term();
            long cutoff = System.currentTimeMillis() - 1000; // both were in sync a second ago

            step("stop the client, both servers (SIGTERM) and the PLC simulator; audit both histories");
            DemoClient.Summary seen = client.stop();
            set.server(primary).terminate(Duration.ofSeconds(15));
            set.server(backup).terminate(Duration.ofSeconds(15));
            plc.close();
            List<HistoryAudit.Store> stores = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                stores.add(HistoryAudit.read(RedundancySet.symbol(i), "history", set.server(i).data(), cutoff));
            }
            HistoryAudit audit = new HistoryAudit(stores);
            for (HistoryAudit.Store s : stores) {
                out.printf("  %s history: %,d rows of %d origins%n", s.name(), s.rows(), s.spans().size());
            }
            long lost = audit.lost() + audit.holes();
            out.printf("  written by the primaries: %,d rows; up to %s (in sync) missing from a history: %d; holes in a"
                    + " history's numbering: %d; recorded twice: %d; history silent %d ms at the failover%n", audit.written(),
                    LocalTime.ofInstant(java.time.Instant.ofEpochMilli(cutoff), java.time.ZoneId.systemDefault()).format(CLOCK),
                    audit.lost(), audit.holes(), audit.repeated(), audit.longestHandOverGapMillis());
            out.printf("  client: %d values, first on %s, last on %s, %d move(s)%n", seen.values(), seen.firstServer(),
                    seen.lastServer(), seen.switches());
            out.printf("failover_ms=%d kill_to_takeover_ms=%d client_gap_ms=%d history_gap_ms=%d history_rows=%d"
                    + " history_rows_lost=%d duplicated=%d two_primaries=%d term=%d%n", takeover.failoverMs(),
                    killToTakeover, clientGapMs, audit.longestHandOverGapMillis(), audit.written(), lost,
                    audit.repeated(), twoPrimaries, term);
            out.flush();
            boolean ok = twoPrimaries == 0 && lost == 0 && audit.repeated() == 0 && audit.written() > 0
                    && clientGapMs >= 0;
            return ok ? 0 : 1;
        } finally {
            if (client != null) {
                client.close();
            }
            if (set != null) {
                set.close();
            }
            if (plc != null) {
                plc.close();
            }
        }
    }

    private boolean isPrimary(int i) {
        try {
            return set.status(i).role() == Role.PRIMARY;
        } catch (Exception notYet) {
            return false;
        }
    }

    /** Both servers show each other's history in sync with the same rows. */
    private boolean inSync(int a, int b) {
        try {
            RedundancyStatus sa = set.status(a);
            RedundancyStatus sb = set.status(b);
            return partner(sa, RedundancySet.symbol(b)).startsWith("in sync")
                    && partner(sb, RedundancySet.symbol(a)).startsWith("in sync") && rows(sa) == rows(sb) && rows(sa) > 0;
        } catch (Exception notYet) {
            return false;
        }
    }

    private static String partner(RedundancyStatus s, String symbol) {
        return s.partners().stream().filter(p -> p.symbol().equals(symbol)).map(PartnerStatus::database).findFirst()
                .orElse("");
    }

    /** The rows This SCADA's Database column says the store holds, -1 when it does not say. */
    private static long rows(RedundancyStatus s) {
        Matcher m = ROWS.matcher(s.database());
        return m.find() ? Long.parseLong(m.group(1).replace(",", "")) : -1;
    }

    /** How long to show a steady state: a few seconds, fewer with short timings. */
    private Duration showFor() {
        return Duration.ofSeconds(Math.max(2, Math.min(4, timeoutMs / 750)));
    }

    private void header() {
        out.printf("%n  %-8s  %-34s  %-34s  %s%n", "time", "SCADA-A", "SCADA-B", "OPC UA client");
    }

    /**
     * Prints one line a second — each server's role, PLC polls per second, history rows and its
     * view of the partner's history; the client's server and values — until {@code done} or the
     * time is up.
     */
    private void watch(Duration atMost, BooleanSupplier done) throws Exception {
        long end = System.nanoTime() + atMost.toNanos();
        while (true) {
            long next = lastSampleNanos + 1_000_000_000L;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000)); // paces the display, synchronises nothing
            }
            double seconds = Math.max(0.001, (System.nanoTime() - lastSampleNanos) / 1e9);
            lastSampleNanos = System.nanoTime();
            StringBuilder line = new StringBuilder(String.format("  %-8s", LocalTime.now().format(CLOCK)));
            int primaries = 0;
            for (int i = 0; i < 2; i++) {
                long requests = plc.requestsFrom(set.address(i));
                long perSecond = Math.round((requests - lastRequests[i]) / seconds);
                lastRequests[i] = requests;
                String cell;
                if (!set.server(i).isAlive()) {
                    cell = "down";
                } else {
                    try {
                        RedundancyStatus s = set.status(i);
                        if (s.role() == Role.PRIMARY) {
                            primaries++;
                        }
                        long rows = rows(s);
                        cell = String.format(Locale.ROOT, "%s, PLC %d/s, %s rows", s.starting() ? "starting" : s.role().jsonName(),
                                perSecond, rows < 0 ? "?" : String.format(Locale.ROOT, "%,d", rows));
                    } catch (Exception e) {
                        cell = "no answer";
                    }
                }
                line.append("  ").append(String.format("%-34s", cell));
            }
            if (primaries > 1) {
                twoPrimaries++;
                line.append("  TWO PRIMARIES");
            }
            line.append("  ").append(client.line());
            out.println(line);
            out.flush();
            if (done.getAsBoolean() || System.nanoTime() - end >= 0) {
                return;
            }
        }
    }

    private void step(String text) {
        out.println();
        out.println("== " + text);
        out.flush();
    }

    private static boolean isFree(int port) {
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.bind(new java.net.InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 1);
            return true;
        } catch (java.io.IOException taken) {
            return false;
        }
    }
}

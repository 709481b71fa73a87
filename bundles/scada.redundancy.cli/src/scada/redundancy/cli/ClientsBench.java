package scada.redundancy.cli;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import scada.redundancy.cli.harness.HistoryAudit;
import scada.redundancy.cli.harness.PlcSimulator;
import scada.redundancy.cli.harness.RedundancySet;
import scada.redundancy.cli.harness.SampleProject;
import scada.redundancy.cli.harness.Stats;
import scada.redundancy.opcua.client.ClientIdentity;
import scada.redundancy.opcua.client.FailoverClient;
import scada.redundancy.opcua.client.FailoverListener;
import scada.redundancy.opcua.client.Switch;
import scada.redundancy.project.Project;
import scada.redundancy.project.ProjectReader;
import scada.redundancy.project.Tag;
import scada.redundancy.runtime.Role;
import scada.redundancy.runtime.RoleChange;

/**
 * {@code bench clients}: OPC UA clients following the primary. Per standby (cold, warm): the PLC
 * simulator, two servers with the sample project (every tag polled every 100 ms), H2 history with
 * DB sync, and N failover clients, each with its own certificate, subscribed to every tag. Each
 * round kills (crash: kill -9) or freezes (SIGSTOP, then kill -9 once the clients moved) the
 * primary and measures, for every client, the gap from the last value it received from the old
 * primary to the first Good value from the new one ({@link Switch#gap()}); then restarts the old
 * primary and waits until both histories are in sync. At the end it stops everything and audits
 * both histories (rows missing from either, holes, samples recorded twice).
 */
final class ClientsBench {
    /** The poll period of every tag: fine enough that a gap is not mostly waiting for the next sample. */
    static final int POLL_MS = 100;

    /** One failover seen by every client. */
    record Round(String standby, String mode, int round, long failoverMs, List<Long> gapsMs, int clientsMoved, String note) {
    }

    /** One standby's block: its rounds and the audit of both histories after it. */
    record Block(String standby, List<Round> rounds, long historyRows, long historyLost, long historyRepeated,
            long historyGapMaxMs) {
    }

    private final PrintWriter log;
    private final int clients;
    private final int rounds;
    private final List<String> modes;
    private final int periodMs;
    private final int timeoutMs;

    ClientsBench(PrintWriter log, int clients, int rounds, List<String> modes, int periodMs, int timeoutMs) {
        this.log = log;
        this.clients = clients;
        this.rounds = rounds;
        this.modes = modes;
        this.periodMs = periodMs;
        this.timeoutMs = timeoutMs;
    }

    /** Per client: the round it is in, and the latch it counts down once it moved with a known gap. */
    private static final class Watcher implements FailoverListener {
        final AtomicReference<Waiting> waiting = new AtomicReference<>();

        record Waiting(String toAddress, CountDownLatch moved, AtomicReference<Switch> seen) {
        }

        @Override
        public void switched(Switch change) {
            Waiting w = waiting.get();
            if (w != null && change.to().contains("//" + w.toAddress() + ":") && change.gap() != null
                    && w.seen().compareAndSet(null, change)) {
                w.moved().countDown();
            }
        }
    }

    Block run(String standby, Path work) throws Exception {
        Project plant = ProjectReader.read(SampleProject.find());
        List<FailoverClient> opened = new ArrayList<>();
        List<Round> done = new ArrayList<>();
        try (PlcSimulator plc = new PlcSimulator(plant.tags(), InetAddress.getByName("127.0.0.1"), 0)) {
            Path project = SampleProject.copyOn(SampleProject.find(), work.resolve("project"), plc.port(), 1000, 500, POLL_MS);
            List<String> servers = List.of("127.0.2.1", "127.0.2.2");
            int opcuaPort = RedundancySet.freePort(servers);
            try (RedundancySet set = RedundancySet.builder(work, 2).timing(periodMs, timeoutMs)
                    .adjust((i, c) -> c.withThisScada(c.thisScada().withEnableDbSync(true).withDatabase("history")))
                    .javaOptions(List.of("-Dduplex.project=" + project, "-Dduplex.standby=" + standby,
                            "-Dduplex.opcua.port=" + opcuaPort, "-Dduplex.plc.source=bind"))
                    .build()) {
                List<ClientIdentity> identities = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    ClientIdentity id = ClientIdentity.loadOrCreate(work.resolve("client-" + (c + 1)), "hmi-" + (c + 1));
                    for (int i = 0; i < 2; i++) {
                        id.trustOn(set.server(i).data());
                    }
                    identities.add(id);
                }
                set.startAll();
                int primary = set.awaitStable(Duration.ofSeconds(60));
                for (ClientIdentity id : identities) {
                    for (int i = 0; i < 2; i++) {
                        id.trustServer(set.server(i).opcuaCertificate(Duration.ofSeconds(30))); // each server made its certificate at its first start
                    }
                }
                List<String> endpoints = List.of("opc.tcp://" + set.address(0) + ":" + opcuaPort,
                        "opc.tcp://" + set.address(1) + ":" + opcuaPort);
                String[] tags = plant.tags().stream().map(Tag::name).toArray(String[]::new);
                List<Watcher> watchers = new ArrayList<>();
                for (ClientIdentity id : identities) {
                    Watcher w = new Watcher();
                    watchers.add(w);
                    opened.add(FailoverClient.builder().endpoints(endpoints).identity(id).tags(tags).listener(w).start());
                }
                for (FailoverClient c : opened) {
                    c.awaitCurrentServer(Duration.ofSeconds(30));
                }
                for (int round = 1; round <= rounds; round++) {
                    {
                        String mode = modes.get((round - 1) % modes.size());
                        Round result = round(set, watchers, opened, standby, mode, round, primary);
                        done.add(result);
                        log.printf(Locale.ROOT, "%s %s round %d: failover %d ms, client gap p50 %d / max %d ms, %d of %d clients"
                                + " moved%s%n", standby, mode, round, result.failoverMs(), Stats.of(result.gapsMs()).p50(),
                                Stats.of(result.gapsMs()).max(), result.clientsMoved(), clients,
                                result.note().isEmpty() ? "" : " (" + result.note() + ")");
                        log.flush();
                        primary = 1 - primary;
                    }
                }
                for (FailoverClient c : opened) {
                    c.close();
                }
                opened.clear();
                awaitInSync(set);
                long cutoff = System.currentTimeMillis() - 1000;
                int now = primary;
                set.server(1 - now).terminate(Duration.ofSeconds(15));
                set.server(now).terminate(Duration.ofSeconds(15));
                List<HistoryAudit.Store> stores = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    stores.add(HistoryAudit.read(RedundancySet.symbol(i), "history", set.server(i).data(), cutoff));
                }
                HistoryAudit audit = new HistoryAudit(stores);
                return new Block(standby, done, audit.written(), audit.lost() + audit.holes(), audit.repeated(),
                        audit.longestHandOverGapMillis());
            }
        } finally {
            for (FailoverClient c : opened) {
                c.close();
            }
        }
    }

    private Round round(RedundancySet set, List<Watcher> watchers, List<FailoverClient> clients, String standby, String mode,
            int round, int primary) throws Exception {
        int backup = 1 - primary;
        CountDownLatch moved = new CountDownLatch(watchers.size());
        List<AtomicReference<Switch>> seen = new ArrayList<>();
        for (Watcher w : watchers) {
            AtomicReference<Switch> s = new AtomicReference<>();
            seen.add(s);
            w.waiting.set(new Watcher.Waiting(set.address(backup), moved, s));
        }
        String ready = awaitClientsHearBoth(clients);
        long before = set.status(backup).roleChanges().size();
        boolean freeze = "freeze".equals(mode);
        if (freeze) {
            set.server(primary).freeze();
        } else {
            set.server(primary).kill();
        }
        boolean all = moved.await(timeoutMs * 2L + 20_000, TimeUnit.MILLISECONDS);
        if (freeze) {
            set.server(primary).kill();
        }
        for (Watcher w : watchers) {
            w.waiting.set(null);
        }
        List<Long> gaps = new ArrayList<>();
        for (AtomicReference<Switch> s : seen) {
            if (s.get() != null) {
                gaps.add(s.get().gap().toMillis());
            }
        }
        long failoverMs = -1;
        String note = all ? ready : "not every client moved within " + (timeoutMs * 2L + 20_000) + " ms"
                + (ready.isEmpty() ? "" : "; " + ready);
        try {
            List<RoleChange> changes = set.status(backup).roleChanges();
            RoleChange took = changes.size() > before ? changes.get(changes.size() - 1) : null;
            if (took != null && took.to() == Role.PRIMARY) {
                failoverMs = took.failoverMs();
            }
        } catch (Exception e) {
            note = (note.isEmpty() ? "" : note + "; ") + "status of the new primary: " + e.getMessage();
        }
        set.server(primary).start();
        set.awaitStable(Duration.ofSeconds(60));
        awaitInSync(set);
        return new Round(standby, mode, round, failoverMs, gaps, gaps.size(), note);
    }

    /**
     * Until every client has a session with both servers and knows their ServiceLevel (a restarted
     * server's OPC UA server starts a little after its redundancy link): a fault before that would
     * measure the restart, not the failover. Bounded: after 30 s the round goes on and says so.
     */
    private static String awaitClientsHearBoth(List<FailoverClient> clients) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!clients.stream().allMatch(c -> c.servers().stream().allMatch(v -> v.connected() && v.serviceLevel() >= 2))) {
            if (System.nanoTime() - deadline > 0) {
                return "not every client heard both servers before the fault";
            }
            Thread.sleep(50); // the clients' own state, changed on their threads: polled, bounded by the deadline
        }
        return "";
    }

    /** Until both servers show each other's history in sync (bounded: a benchmark goes on and says so). */
    private void awaitInSync(RedundancySet set) throws Exception {
        for (int i = 0; i < 2; i++) {
            String other = RedundancySet.symbol(1 - i);
            try {
                set.server(i).await(set.monitor(), s -> s.partners().stream()
                        .anyMatch(p -> p.symbol().equals(other) && p.database().startsWith("in sync")), Duration.ofSeconds(60),
                        "history in sync with " + other);
            } catch (java.util.concurrent.TimeoutException e) {
                log.println("warning: " + e.getMessage());
            }
        }
    }

    /** The table, goals and JSON of both blocks. */
    static Map<String, Object> results(List<Block> blocks, int timeoutMs, StringBuilder table, StringBuilder goals) {
        Map<String, Object> json = new LinkedHashMap<>();
        table.append("| standby | failure | failovers | clients moved | client gap p50 ms | p99 | max | failover p50 ms | p99 "
                + "| goal p99 | met |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Block b : blocks) {
            Map<String, Object> block = new LinkedHashMap<>();
            for (String mode : b.rounds().stream().map(Round::mode).distinct().toList()) {
                List<Round> rs = b.rounds().stream().filter(r -> r.mode().equals(mode)).toList();
                List<Long> gaps = rs.stream().flatMap(r -> r.gapsMs().stream()).toList();
                Stats g = Stats.of(gaps);
                Stats f = Stats.of(rs.stream().map(Round::failoverMs).filter(x -> x >= 0).toList());
                long moved = rs.stream().mapToLong(Round::clientsMoved).sum();
                long goal = "freeze".equals(mode) ? timeoutMs + 250L : 300L;
                boolean met = g.n() > 0 && g.p99() < goal && rs.stream().allMatch(r -> r.note().isEmpty());
                table.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %d | %d | %d | %d | %d | < %d | %s |%n",
                        b.standby(), mode, rs.size(), moved, g.p50(), g.p99(), g.max(), f.p50(), f.p99(), goal,
                        BenchCommand.verdict(met)));
                goals.append(String.format(Locale.ROOT, "- %s standby, %s: client gap p99 %d ms over %d failovers x clients "
                        + "(goal < %d ms): %s%n", b.standby(), mode, g.p99(), rs.size(), goal, BenchCommand.verdict(met)));
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("failovers", rs.size());
                m.put("gaps", gaps.size());
                m.put("gapMs", Map.of("p50", g.p50(), "p99", g.p99(), "max", g.max()));
                m.put("failoverMs", Map.of("p50", f.p50(), "p99", f.p99(), "max", f.max()));
                m.put("goalP99Ms", goal);
                m.put("met", met);
                m.put("notes", rs.stream().filter(r -> !r.note().isEmpty()).map(r -> "round " + r.round() + ": " + r.note())
                        .toList());
                block.put(mode, m);
            }
            boolean historyMet = b.historyLost() == 0 && b.historyRepeated() == 0 && b.historyRows() > 0;
            goals.append(String.format(Locale.ROOT, "- %s standby, history: %,d rows written, %d missing from a history, %d "
                    + "recorded twice, longest silence at a failover %d ms (goal: none lost): %s%n", b.standby(), b.historyRows(),
                    b.historyLost(), b.historyRepeated(), b.historyGapMaxMs(), BenchCommand.verdict(historyMet)));
            block.put("history", Map.of("rows", b.historyRows(), "lost", b.historyLost(), "recordedTwice", b.historyRepeated(),
                    "longestFailoverSilenceMs", b.historyGapMaxMs(), "met", historyMet));
            json.put(b.standby(), block);
        }
        return json;
    }

    static String legend(int clients, int periodMs, int timeoutMs) {
        return "- " + clients + " OPC UA failover clients (scada.redundancy.opcua.client, one session per server, each with its"
                + " own certificate, SignAndEncrypt) subscribed to every tag of the sample project, publishing and sampling"
                + " every 100 ms; every tag polled every " + POLL_MS + " ms; Period/Timeout " + periodMs + "/" + timeoutMs
                + " ms; H2 history with DB sync on both servers.\n"
                + "- **crash**: kill -9 of the primary. **freeze**: SIGSTOP of the primary (its sockets stay open), kill -9 once"
                + " every client moved. After each round the old primary restarts and both histories get in sync.\n"
                + "- **client gap**: per client and failover, from the last value it received from the old primary to the first"
                + " Good value from the new one; percentiles by nearest rank over all clients and failovers.\n"
                + "- **history**: after the block both servers stop and each history is read: rows up to the last in-sync moment"
                + " missing from either, holes in an origin's numbering, and the same sample recorded by two servers.\n"
                + "- Measured " + Instant.now() + ".\n";
    }
}

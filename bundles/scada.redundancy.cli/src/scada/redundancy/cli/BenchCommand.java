package scada.redundancy.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import scada.redundancy.cli.harness.RedundancySet;
import scada.redundancy.cli.harness.ServerProcess;
import scada.redundancy.cli.harness.Stats;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.Role;
import scada.redundancy.runtime.RoleChange;

/**
 * {@code bench failover}: fails the primary of a real two-server set many times in each of three
 * ways — kill -9 (crash), SIGSTOP (freeze: silence) and SIGTERM (graceful) — for each timing, and
 * reports the failover time from the backup's role-change record (the old primary's last sign of
 * life to the takeover), the time from the failure action to the takeover, and for the freeze the
 * overhead beyond Timeout. Writes {@code failover.json} and {@code failover.md}.
 *
 * <p>{@code bench three-cut} and {@code bench heal} cut one link silent and mend it
 * ({@link PartitionBench}); {@code bench loaded} keeps every core busy ({@link LoadedBench}).
 * {@code bench dbsync} measures DB sync ({@link DbSyncBench}).
 * Each writes its own {@code NAME.json} and {@code NAME.md}.
 */
@Command(name = "bench", description = "Benchmarks with real server processes: 'bench failover' (failover times), "
        + "'bench three-cut' (three servers, the primary's link to the top backup cut silent), 'bench heal' (two servers "
        + "cut silent, then mended), 'bench loaded' (every core busy: false failovers, kill -9 under load), 'bench dbsync' "
        + "(DB sync: catch-up against the plain insert rate, lag at a steady load, on H2 and PostgreSQL), 'bench clients' (OPC UA "
        + "failover clients: their gap at a crash and a freeze of the primary, cold and warm standby).")
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "WHAT", description = "failover, three-cut, heal, loaded or dbsync")
    String what;

    @Option(names = "--rounds", defaultValue = "20", description = "Rounds per mode, timing and cut length (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--timings", split = ",", description = "Period/Timeout pairs in ms (default: 1000/3000,100/300; "
            + "dbsync: 1000/3000).")
    List<String> timings;

    @Option(names = "--modes", defaultValue = "crash,freeze,graceful", split = ",", description = "crash, freeze, graceful (default: all).")
    List<String> modes;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write NAME.json and NAME.md (default: benchmarks/).")
    Path out;

    @Option(names = "--cut-seconds", split = ",", paramLabel = "S", description = "three-cut and heal: how long each cut lasts "
            + "(default: 20 for three-cut, 5,20 for heal).")
    List<Integer> cutSeconds;

    @Option(names = "--load-seconds", defaultValue = "300", description = "loaded: how long the load runs with no fault, "
            + "per timing (default: ${DEFAULT-VALUE}).")
    int loadSeconds;

    @Option(names = "--rows", defaultValue = "1000000", description = "dbsync: rows the empty backup catches up "
            + "(default: ${DEFAULT-VALUE}).")
    int catchUpRows;

    @Option(names = "--rate", defaultValue = "10000", description = "dbsync: the steady load in rows/s (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--steady-seconds", defaultValue = "30", description = "dbsync: how long the steady load runs, per "
            + "database and timing (default: ${DEFAULT-VALUE}).")
    int steadySeconds;

    @Option(names = "--databases", defaultValue = "h2,postgresql", split = ",", description = "dbsync: h2, postgresql "
            + "(default: both; PostgreSQL only where DUPLEX_TEST_POSTGRES is set).")
    List<String> databases;

    @Option(names = "--clients", defaultValue = "10", description = "clients: how many OPC UA failover clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--failovers", defaultValue = "20", description = "clients: failovers per standby, crash and freeze in turn "
            + "(default: ${DEFAULT-VALUE}).")
    int failovers;

    @Option(names = "--standby", defaultValue = "cold,warm", split = ",", description = "clients: cold, warm (default: both).")
    List<String> standbys;

    private PrintWriter log;

    /** One failure and takeover. */
    record Round(int round, String cause, long failoverMs, long actionToTakeoverMs, long term, boolean ok, String note) {
    }

    /**
     * How late the running servers' redundancy threads ran their watchdog tick, each since its own
     * start (a server the benchmark restarted counts from the restart): the worst p99 and the worst
     * max over the servers, and each server's own figures ({@code [p99, max]}, or absent when its
     * status could not be read).
     */
    record LoopLate(long p99Ms, long maxMs, Map<String, List<Long>> servers) {
        /** Reads every running server's status; a server that does not answer is left out and logged. */
        static LoopLate read(RedundancySet set, PrintWriter log) {
            long p99 = -1;
            long max = -1;
            Map<String, List<Long>> servers = new LinkedHashMap<>();
            for (int i = 0; i < set.servers().size(); i++) {
                if (!set.server(i).isAlive()) {
                    continue;
                }
                try {
                    RedundancyStatus s = set.status(i);
                    servers.put(RedundancySet.symbol(i), List.of(s.loopLateP99Ms(), s.loopLateMaxMs()));
                    p99 = Math.max(p99, s.loopLateP99Ms());
                    max = Math.max(max, s.loopLateMaxMs());
                } catch (Exception e) {
                    log.println("could not read " + RedundancySet.symbol(i) + "'s loop lateness: " + e.getMessage());
                }
            }
            return new LoopLate(p99, max, servers);
        }

        String cells() {
            return ms(p99Ms) + " | " + ms(maxMs);
        }
    }

    /** The markdown's words for whether a figure met its goal. */
    static String verdict(boolean met) {
        return met ? "met" : "**not met**";
    }

    /** What the lateness columns mean, for every benchmark's markdown. */
    static final String LOOP_LATE_LEGEND = "- **thread late p99 / max**: how late the redundancy thread ran its watchdog tick "
            + "(every shortest Period), the worst p99 and the worst max over the running servers, read from their status at "
            + "the end of the block, each since that server's own start (a server the benchmark killed and restarted counts "
            + "from its restart). A tick late by more than the Period is a stall the server acts on; the figure shows how long a "
            + "redundancy decision could wait behind one.\n";

    @Override
    public Integer call() throws Exception {
        log = spec.commandLine().getOut();
        Path outDir = out != null ? out : Path.of(System.getProperty("duplex.root", "."), "benchmarks");
        if (timings == null) {
            timings = "dbsync".equals(what) ? List.of("1000/3000") : List.of("1000/3000", "100/300");
        }
        switch (String.valueOf(what)) {
        case "failover" -> failover(outDir);
        case "three-cut" -> partition(outDir, "three-cut", 3, cutSeconds != null ? cutSeconds : List.of(20));
        case "heal" -> partition(outDir, "heal", 2, cutSeconds != null ? cutSeconds : List.of(5, 20));
        case "loaded" -> loaded(outDir);
        case "dbsync" -> {
            return dbsync(outDir);
        }
        case "clients" -> clients(outDir);
        default -> {
            spec.commandLine().getErr().println("unknown benchmark '" + what + "'; try: bench failover, three-cut, heal, loaded, "
                    + "dbsync or clients");
            return CheckCommand.USAGE;
        }
        }
        return 0;
    }

    private void clients(Path outDir) throws Exception {
        long started = System.nanoTime();
        int period = timing(timings.get(0))[0];
        int timeout = timing(timings.get(0))[1];
        List<String> failureModes = modes.stream().filter(m -> !m.equals("graceful")).toList();
        ClientsBench bench = new ClientsBench(log, clients, failovers, failureModes.isEmpty() ? List.of("crash", "freeze")
                : failureModes, period, timeout);
        List<ClientsBench.Block> blocks = new ArrayList<>();
        for (String standby : standbys) {
            blocks.add(bench.run(standby.strip(), Files.createTempDirectory("duplex-bench-clients-")));
        }
        StringBuilder table = new StringBuilder();
        StringBuilder goals = new StringBuilder();
        Map<String, Object> results = ClientsBench.results(blocks, timeout, table, goals);
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        Map<String, Object> doc = document("clients", seconds, Map.of("clients", clients, "failoversPerStandby", failovers,
                "modes", failureModes, "periodMs", period, "timeoutMs", timeout, "pollMs", ClientsBench.POLL_MS));
        doc.put("results", results);
        String md = "# OPC UA clients following the primary\n\n`./scada-redundancy bench clients` on " + machine() + "; run time "
                + seconds + " s.\n\nGoals: client gap p99 under Timeout + 250 ms for a freeze and under 300 ms for a crash; no "
                + "value lost from history.\n\n" + table + "\n" + ClientsBench.legend(clients, period, timeout) + "\n## Goals\n\n"
                + goals;
        write(outDir, "clients", doc, md, table);
    }

    private void failover(Path outDir) throws Exception {
        Map<String, Object> results = new LinkedHashMap<>();
        StringBuilder table = new StringBuilder();
        table.append("| Period/Timeout ms | mode | n | failover p50 | p99 | max | action→takeover p50 | p99 | max | freeze overhead p50 | p99 | max "
                + "| failed rounds | two primaries | thread late p99 | max | goal |\n");
        table.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        StringBuilder goals = new StringBuilder();
        int twoPrimariesTotal = 0;
        long failedTotal = 0;
        long started = System.nanoTime();
        for (String timing : timings) {
            int period = timing(timing)[0];
            int timeout = timing(timing)[1];
            Path dir = Files.createTempDirectory("duplex-bench-");
            try (RedundancySet set = new RedundancySet(dir, 2, period, timeout, 3, null, List.of())) {
                set.startAll();
                set.awaitStable(Duration.ofSeconds(60));
                for (String mode : modes) {
                    List<Round> list = new ArrayList<>();
                    int[] twoPrimaries = { 0 };
                    for (int r = 1; r <= rounds; r++) {
                        list.add(round(set, mode, r, timeout, twoPrimaries));
                    }
                    twoPrimariesTotal += twoPrimaries[0];
                    // Read after each mode's rounds (the last read of a timing is the end of its block).
                    LoopLate late = LoopLate.read(set, log);
                    List<Long> failover = list.stream().filter(Round::ok).map(Round::failoverMs).toList();
                    List<Long> action = list.stream().filter(Round::ok).map(Round::actionToTakeoverMs).toList();
                    List<Long> overhead = "freeze".equals(mode) ? failover.stream().map(f -> f - timeout).toList() : List.of();
                    Stats f = Stats.of(failover);
                    Stats a = Stats.of(action);
                    Stats o = Stats.of(overhead);
                    long failed = list.stream().filter(x -> !x.ok()).count();
                    failedTotal += failed;
                    boolean freeze = "freeze".equals(mode);
                    long figure = freeze ? o.p99() : f.p99();
                    long limit = freeze ? 50 : 100;
                    boolean met = figure >= 0 && figure < limit;
                    String goal = (freeze ? "overhead" : "failover") + " p99 < " + limit + ": " + verdict(met);
                    goals.append(String.format(Locale.ROOT, "- %s %s: %s p99 %s ms < %d ms: %s%s%n", timing, mode,
                            freeze ? "freeze overhead" : "failover", ms(figure), limit, verdict(met),
                            failed > 0 ? " (" + failed + " failed rounds not counted)" : ""));
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("periodMs", period);
                    entry.put("timeoutMs", timeout);
                    entry.put("mode", mode);
                    entry.put("failoverMs", f);
                    entry.put("actionToTakeoverMs", a);
                    if (freeze) {
                        entry.put("freezeOverheadMs", o);
                    }
                    entry.put("failedRounds", failed);
                    entry.put("twoPrimaries", twoPrimaries[0]);
                    entry.put("loopLateP99Ms", late.p99Ms());
                    entry.put("loopLateMaxMs", late.maxMs());
                    entry.put("loopLateByServer", late.servers());
                    entry.put("goalMet", met);
                    entry.put("rounds", list);
                    results.put(timing + " " + mode, entry);
                    table.append(String.format(Locale.ROOT, "| %d/%d | %s | %d | %d | %d | %d | %d | %d | %d | %s | %s | %s | %d | %d | %s | %s |%n",
                            period, timeout, mode, f.n(), f.p50(), f.p99(), f.max(), a.p50(), a.p99(), a.max(),
                            ms(o.n() == 0 ? -1 : o.p50()), ms(o.n() == 0 ? -1 : o.p99()), ms(o.n() == 0 ? -1 : o.max()), failed,
                            twoPrimaries[0], late.cells(), goal));
                    log.printf("%s %s: failover p50 %d p99 %d max %d ms; action->takeover p50 %d p99 %d ms; failed %d; thread late p99 %d max %d ms%n",
                            timing, mode, f.p50(), f.p99(), f.max(), a.p50(), a.p99(), failed, late.p99Ms(), late.maxMs());
                    log.flush();
                }
            }
        }
        goals.append(String.format(Locale.ROOT, "- never two primaries: %d rounds with two: %s%n", twoPrimariesTotal,
                verdict(twoPrimariesTotal == 0)));
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        Map<String, Object> doc = document("failover", seconds, Map.of("rounds", rounds, "timings", timings, "modes", modes,
                "retryCount", 3));
        doc.put("twoPrimaries", twoPrimariesTotal);
        doc.put("failedRounds", failedTotal);
        doc.put("results", results);
        String md = "# Failover benchmark\n\n"
                + "`./scada-redundancy bench failover` on " + machine() + "; " + rounds + " failures per mode and timing, "
                + "two real server processes on loopback (mutual TLS), run time " + seconds + " s.\n\n"
                + "Goals: crash and graceful failover p99 < 100 ms whatever the Timeout; freeze overhead p99 < 50 ms; never two "
                + "primaries.\n\n"
                + table
                + "\nAll times in ms, percentiles by nearest rank (with 20 rounds p99 is the maximum).\n\n"
                + "- **failover**: the backup's own record: from the old primary's last sign of life (its last heartbeat, its "
                + "HANDOVER frame, or the reset of its link) to the moment the backup became primary, on the backup's monotonic clock.\n"
                + "- **action→takeover**: from the benchmark's kill -9 / SIGSTOP / SIGTERM to the backup becoming primary (wall clock, one machine).\n"
                + "- **freeze overhead**: failover minus Timeout: what detection and takeover add to the configured silence.\n"
                + "- **two primaries**: rounds after which more than one running server reported itself primary once the set was stable again.\n"
                + LOOP_LATE_LEGEND
                + "  Read after each mode's rounds. In the freeze rows the frozen servers' own figure includes the SIGSTOP itself "
                + "(the thread did not run for about Timeout: that is the stall the watchdog exists to notice).\n\n"
                + "## Goals\n\n" + goals;
        write(outDir, "failover", doc, md, table);
    }

    private void partition(Path outDir, String name, int servers, List<Integer> cuts) throws Exception {
        boolean three = servers == 3;
        StringBuilder table = new StringBuilder();
        if (three) {
            table.append("| Period/Timeout ms | cut s | n | term changes during cut p50 | max | role changes during cut p50 | max "
                    + "| rounds with two primaries | two primaries ms p50 | max | single primary after cut p50 | p99 | max "
                    + "| not single at mend | single primary after mend p50 | p99 | max | term changes after mend max "
                    + "| term changes per fault max | thread late p99 | max | goals |\n");
            table.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        } else {
            table.append("| Period/Timeout ms | cut s | n | mend→single primary p50 | p99 | max | goal | rounds over goal "
                    + "| never single | term changes after mend max | role changes after mend max | thread late p99 | max | goal met |\n");
            table.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        }
        StringBuilder goals = new StringBuilder();
        Map<String, Object> results = new LinkedHashMap<>();
        long started = System.nanoTime();
        PartitionBench bench = new PartitionBench(log, servers);
        for (String timing : timings) {
            int[] pt = timing(timing);
            for (int cut : cuts) {
                PartitionBench.Result run = bench.run(pt[0], pt[1], cut, rounds);
                List<PartitionBench.Round> list = run.rounds();
                Map<String, Object> e = PartitionBench.summary(pt[0], pt[1], cut, list);
                e.put("loopLateP99Ms", run.loopLate().p99Ms());
                e.put("loopLateMaxMs", run.loopLate().maxMs());
                e.put("loopLateByServer", run.loopLate().servers());
                results.put(timing + " cut " + cut + " s", e);
                Stats after = (Stats) e.get("singlePrimaryAfterMendMs");
                if (three) {
                    Stats terms = (Stats) e.get("termChangesDuringCut");
                    Stats roles = (Stats) e.get("roleChangesDuringCut");
                    Stats two = (Stats) e.get("twoPrimaryMsDuringCut");
                    Stats single = (Stats) e.get("singlePrimaryAfterCutMs");
                    Stats termsAfter = (Stats) e.get("termChangesAfterMend");
                    long perFault = list.stream().mapToLong(x -> x.termChangesDuringCut() + x.termChangesAfterMend()).max().orElse(-1);
                    long twoRounds = (Long) e.get("roundsWithTwoPrimaries");
                    boolean termsMet = perFault >= 0 && perFault <= 2;
                    boolean oneMet = twoRounds == 0 && !list.isEmpty();
                    e.put("termChangesPerFaultMax", perFault);
                    e.put("termGoalMet", termsMet);
                    e.put("twoPrimaryGoalMet", oneMet);
                    table.append(String.format(Locale.ROOT, "| %d/%d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %s | %s | %s | %d | %s | %s | %s | %d | %d | %s | ≤ 2 terms: %s; never two primaries: %s |%n",
                            pt[0], pt[1], cut, list.size(), terms.p50(), terms.max(), roles.p50(), roles.max(),
                            twoRounds, two.p50(), two.max(), ms(single.p50()), ms(single.p99()),
                            ms(single.max()), e.get("noSinglePrimaryAtMend"), ms(after.p50()), ms(after.p99()), ms(after.max()),
                            termsAfter.max(), perFault, run.loopLate().cells(), verdict(termsMet), verdict(oneMet)));
                    goals.append(String.format(Locale.ROOT, "- %s, %d s cut: at most 2 term changes per fault (worst round %d): %s; "
                            + "never two primaries (%d of %d rounds had two): %s%n", timing, cut, perFault, verdict(termsMet), twoRounds,
                            list.size(), verdict(oneMet)));
                } else {
                    long goal = pt[0] + 500L;
                    long over = list.stream().filter(x -> x.singlePrimaryAfterMendMs() < 0 || x.singlePrimaryAfterMendMs() >= goal).count();
                    long rolesAfter = list.stream().mapToLong(x -> x.roleChangesAfterMend().values().stream().mapToInt(Integer::intValue).sum())
                            .max().orElse(0);
                    long never = (Long) e.get("neverSingleAfterMend");
                    boolean met = after.n() > 0 && never == 0 && after.p99() < goal;
                    e.put("goalMs", goal);
                    e.put("goalMet", met);
                    table.append(String.format(Locale.ROOT, "| %d/%d | %d | %d | %s | %s | %s | < %d | %d | %d | %d | %d | %s | %s |%n", pt[0], pt[1],
                            cut, list.size(), ms(after.p50()), ms(after.p99()), ms(after.max()), goal, over,
                            never, ((Stats) e.get("termChangesAfterMend")).max(), rolesAfter, run.loopLate().cells(), verdict(met)));
                    goals.append(String.format(Locale.ROOT, "- %s, %d s cut: mend→single primary p99 %s ms < %d ms%s: %s%n", timing, cut,
                            ms(after.p99()), goal, never > 0 ? " (" + never + " rounds never single)" : "", verdict(met)));
                }
            }
        }
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        Map<String, Object> doc = document(name, seconds, Map.of("rounds", rounds, "timings", timings, "cutSeconds", cuts,
                "servers", servers, "retryCount", 3));
        doc.put("results", results);
        String md = three ? "# Three servers, one link cut\n\n"
                + "`./scada-redundancy bench three-cut` on " + machine() + "; " + rounds + " rounds per timing and cut length, "
                + "three real server processes on loopback, every link through a relay; run time " + seconds + " s.\n\n"
                + "Goals: at most 2 term changes per fault; never two primaries while the live servers are connected.\n\n"
                + "Each round: the set is stable with SCADA-A primary (after a hand-over if needed), the link between SCADA-A and "
                + "SCADA-B (the top-ranked backup) is cut silent (the relays forward nothing and close nothing; SCADA-C still "
                + "hears both), held for the cut length, and mended.\n\n"
                + table
                + "\nTimes in ms (– where no round reached the state), percentiles by nearest rank.\n\n"
                + "- **term changes**: the highest term any server reported at the mend (after the mend: once one primary held) "
                + "minus the highest before the cut.\n"
                + "- **role changes**: `role-change` lines all three servers logged during the cut (so none is missed however fast they come).\n"
                + "- **two primaries**: how long two servers reported themselves primary at once, from every status event of every "
                + "server as it arrived (the live servers are connected throughout, through the third server).\n"
                + "- **single primary after cut**: from the cut to the start of the last stretch of exactly one primary that lasted "
                + "to the mend; **not single at mend**: rounds in which there was not exactly one primary at the mend.\n"
                + "- **single primary after mend**: from the mend to the start of a stretch of exactly one primary that held for "
                + "max(2 s, 2 × Timeout).\n\n"
                + "- **term changes per fault**: during the cut plus after the mend, the worst round.\n"
                + LOOP_LATE_LEGEND + "\n"
                + "## Goals\n\n" + goals
                : "# Heal after a cut\n\n"
                + "`./scada-redundancy bench heal` on " + machine() + "; " + rounds + " rounds per timing and cut length, "
                + "two real server processes on loopback, their link through relays; run time " + seconds + " s.\n\n"
                + "Goal: from the mend to a single primary, p99 < Period + 500 ms.\n\n"
                + "Each round: the set is stable, the link is cut silent for the cut length (the backup takes over after Timeout: "
                + "two primaries, as a two-server set must), then mended.\n\n"
                + table
                + "\nTimes in ms, percentiles by nearest rank.\n\n"
                + "- **mend→single primary**: from the mend to the start of a stretch of exactly one primary that held for "
                + "max(2 s, 2 × Timeout), from every status event of both servers as it arrived.\n"
                + "- **rounds over goal**: rounds at or above Period + 500 ms, or never single.\n"
                + LOOP_LATE_LEGEND + "\n"
                + "## Goals\n\n" + goals;
        write(outDir, name, doc, md, table);
    }

    private void loaded(Path outDir) throws Exception {
        StringBuilder table = new StringBuilder();
        table.append("| Period/Timeout ms | hogs | load s | false failovers | role changes | term changes | thread late in load p99 | max "
                + "| crash failover p50 | p99 | max | action→takeover p50 | p99 | max | failed rounds | two primaries "
                + "| thread late at end p99 | max | goals |\n");
        table.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        StringBuilder goals = new StringBuilder();
        Map<String, Object> results = new LinkedHashMap<>();
        long started = System.nanoTime();
        LoadedBench bench = new LoadedBench(log);
        for (String timing : timings) {
            int[] pt = timing(timing);
            int[] twoPrimaries = { 0 };
            Map<String, Object> e = bench.run(pt[0], pt[1], loadSeconds, rounds,
                    (set, r) -> round(set, "crash", r, pt[1], twoPrimaries));
            e.put("twoPrimaries", twoPrimaries[0]);
            Stats f = (Stats) e.get("crashFailoverMs");
            Stats a = (Stats) e.get("crashActionToTakeoverMs");
            LoopLate inLoad = (LoopLate) e.get("loopLateLoadPeriod");
            LoopLate atEnd = (LoopLate) e.get("loopLate");
            int falseFailovers = (Integer) e.get("falseFailovers");
            boolean quietMet = falseFailovers == 0;
            boolean crashMet = f.n() > 0 && f.p99() < 100;
            e.put("falseFailoverGoalMet", quietMet);
            e.put("crashGoalMet", crashMet);
            results.put(timing, e);
            table.append(String.format(Locale.ROOT, "| %d/%d | %s | %d | %s | %s | %s | %s | %d | %d | %d | %d | %d | %d | %s | %d | %s "
                    + "| 0 false failovers: %s; crash p99 < 100: %s |%n", pt[0], pt[1], e.get("hogs"), loadSeconds, falseFailovers,
                    e.get("roleChanges"), e.get("termChanges"), inLoad.cells(), f.p50(), f.p99(), f.max(), a.p50(), a.p99(), a.max(),
                    e.get("failedRounds"), twoPrimaries[0], atEnd.cells(), verdict(quietMet), verdict(crashMet)));
            goals.append(String.format(Locale.ROOT, "- %s: no false failover in %d s under load (%d): %s; kill -9 failover p99 under load "
                    + "%s ms < 100 ms: %s%n", timing, loadSeconds, falseFailovers, verdict(quietMet), ms(f.p99()), verdict(crashMet)));
        }
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        Map<String, Object> doc = document("loaded", seconds, Map.of("rounds", rounds, "timings", timings, "loadSeconds",
                loadSeconds, "retryCount", 3));
        doc.put("results", results);
        String md = "# Failover under load\n\n"
                + "`./scada-redundancy bench loaded` on " + machine() + "; two real server processes on loopback while one busy "
                + "shell loop per core runs (the servers compete for every core); per timing " + loadSeconds + " s with no fault, "
                + "then " + rounds + " kill -9 of the primary under the same load; run time " + seconds + " s.\n\n"
                + "Goals: no false failover; kill -9 failover p99 under load < 100 ms.\n\n"
                + table
                + "\nTimes in ms, percentiles by nearest rank.\n\n"
                + "- **false failovers**: takeovers (`role-change ...->primary` lines) either server logged during the load period, in "
                + "which nothing failed; **role changes**: all `role-change` lines of both.\n"
                + "- **crash failover**, **action→takeover**: as in `bench failover`'s crash mode (the failover counts from the old "
                + "primary's last sign of life, so it is the overhead beyond the failure itself).\n"
                + LOOP_LATE_LEGEND
                + "  **in load**: read at the end of the load period, before any kill (both servers ran the whole period); **at end**: "
                + "read after the kills, before the set is closed (each server since its last restart).\n\n"
                + "## Goals\n\n" + goals;
        write(outDir, "loaded", doc, md, table);
    }

    private int dbsync(Path outDir) throws Exception {
        List<Double> loadAverage = DbSyncBench.loadAverage(); // before anything of ours runs: the machine is shared
        DbSyncBench bench = new DbSyncBench(log, System.getenv("DUPLEX_TEST_POSTGRES"),
                System.getenv("DUPLEX_TEST_POSTGRES_PASSWORD"));
        List<DbSyncBench.Database> dbs = new ArrayList<>();
        boolean postgresWanted = false;
        for (String d : databases) {
            switch (d.strip().toLowerCase(Locale.ROOT)) {
            case "h2" -> dbs.add(DbSyncBench.Database.H2);
            case "postgresql" -> {
                postgresWanted = true;
                if (bench.hasPostgres()) {
                    dbs.add(DbSyncBench.Database.POSTGRESQL);
                }
            }
            default -> {
                spec.commandLine().getErr().println("--databases: unknown database '" + d + "'; use h2 and/or postgresql");
                return CheckCommand.USAGE;
            }
            }
        }
        String postgresRun = !postgresWanted ? "not asked for (--databases)"
                : bench.hasPostgres() ? bench.postgresDescription()
                        : "not run: DUPLEX_TEST_POSTGRES is not set (./scada-redundancy test's ensure_postgres shows how to "
                                + "set it up; set DUPLEX_TEST_POSTGRES and DUPLEX_TEST_POSTGRES_PASSWORD)";
        if (postgresWanted && !bench.hasPostgres()) {
            log.println("PostgreSQL " + postgresRun);
        }
        log.printf(Locale.ROOT, "load average at the start: %s%n", loadAverage);
        log.flush();
        long started = System.nanoTime();
        List<DbSyncBench.CatchUp> catchUps = new ArrayList<>();
        List<DbSyncBench.Steady> steadies = new ArrayList<>();
        for (DbSyncBench.Database db : dbs) {
            try {
                catchUps.add(bench.catchUp(db, catchUpRows));
            } catch (Exception e) {
                log.println(db.label() + " catch-up failed: " + e);
                catchUps.add(new DbSyncBench.CatchUp(db.label(), catchUpRows, -1, -1, 0, -1, -1, -1, 0, false,
                        "failed: " + e.getMessage()));
            }
            for (String timing : timings) {
                int[] pt = timing(timing);
                try {
                    steadies.add(bench.steady(db, pt[0], pt[1], rate, steadySeconds));
                } catch (Exception e) {
                    log.println(db.label() + " steady load at " + timing + " failed: " + e);
                    steadies.add(new DbSyncBench.Steady(db.label(), pt[0], pt[1], rate, -1, 0, -1, -1, 0, 0, -1, -1, -1, -1,
                            false, "failed: " + e.getMessage()));
                }
            }
        }
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();

        StringBuilder table = new StringBuilder();
        StringBuilder goals = new StringBuilder();
        table.append("| database | rows | plain insert rows/s | catch-up rows/s | catch-up / insert | catch-up s (store to store) "
                + "| start to in sync s | goal catch-up >= 80% of insert |\n");
        table.append("|---|---|---|---|---|---|---|---|\n");
        for (DbSyncBench.CatchUp c : catchUps) {
            table.append(String.format(Locale.ROOT, "| %s | %,d | %s | %s | %s | %s | %s | %s%s |%n", c.database(), c.rows(),
                    rate(c.insertRowsPerSecond()), rate(c.catchUpRowsPerSecond()),
                    c.ratio() > 0 ? DbSyncBench.percent(c.ratio()) : "–", seconds(c.catchUpMs()),
                    seconds(c.startToInSyncMs()), verdict(c.goalMet()), c.note().isEmpty() ? "" : " (" + c.note() + ")"));
            goals.append(String.format(Locale.ROOT, "- %s: catch-up of %,d rows at %s rows/s, %s of the plain insert's %s "
                    + "rows/s (goal >= 80%%): %s%n", c.database(), c.rowsOnBackup(), rate(c.catchUpRowsPerSecond()),
                    DbSyncBench.percent(c.ratio()), rate(c.insertRowsPerSecond()), verdict(c.goalMet())));
        }
        table.append("\n| database | Period/Timeout ms | offered rows/s | written rows/s | replicated rows/s | window s "
                + "| lag p50 ms | p99 | max | missing on backup | refused | goal lag p99 < 2 x Period |\n");
        table.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (DbSyncBench.Steady st : steadies) {
            table.append(String.format(Locale.ROOT, "| %s | %d/%d | %,d | %s | %s | %s | %s | %s | %s | %d | %d | %s%s |%n",
                    st.database(), st.periodMs(), st.timeoutMs(), st.offeredRowsPerSecond(), rate(st.writtenRowsPerSecond()),
                    rate(st.replicatedRowsPerSecond()), seconds(st.windowMs()), lagMs(st.lagP50Ms()), lagMs(st.lagP99Ms()),
                    lagMs(st.lagMaxMs()), st.missingOnBackup(), st.refused(), verdict(st.goalMet()),
                    st.note().isEmpty() ? "" : " (" + st.note() + ")"));
            goals.append(String.format(Locale.ROOT, "- %s at %,d rows/s, Period %d ms: lag p99 %s ms < %d ms: %s%n",
                    st.database(), st.offeredRowsPerSecond(), st.periodMs(), lagMs(st.lagP99Ms()), 2 * st.periodMs(),
                    verdict(st.goalMet())));
        }

        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("catchUpRows", catchUpRows);
        parameters.put("plainInsertRowsPerTransaction", DbSyncBench.FILL_BATCH);
        parameters.put("steadyRowsPerSecond", rate);
        parameters.put("steadySeconds", steadySeconds);
        parameters.put("timings", timings);
        parameters.put("databases", dbs.stream().map(DbSyncBench.Database::label).toList());
        Map<String, Object> doc = document("dbsync", seconds, parameters);
        doc.put("loadAverageAtStart", loadAverage);
        doc.put("postgresql", postgresRun);
        doc.put("catchUpGoal", "catch-up rows/s >= " + DbSyncBench.CATCH_UP_GOAL + " x plain insert rows/s");
        doc.put("steadyGoal", "lag p99 < 2 x Period");
        doc.put("catchUp", catchUps);
        doc.put("steady", steadies);
        String md = "# DB sync benchmark\n\n"
                + "`./scada-redundancy bench dbsync` on " + machine() + "; load average at the start " + loadAverage
                + " (the machine is shared: other work may have run beside the benchmark); two real server processes on "
                + "loopback (mutual TLS), one store each; run time " + seconds + " s.\n\n"
                + "Databases: H2 " + (dbs.contains(DbSyncBench.Database.H2) ? "(a file in each server's data directory)" : "not run")
                + "; PostgreSQL " + (dbs.contains(DbSyncBench.Database.POSTGRESQL) ? "(one schema per server, dropped after)"
                        : postgresRun) + ".\n\n"
                + "Goals: catch-up at 80% or more of the plain insert rate; lag p99 under 2 x Period at " + String.format(Locale.ROOT,
                        "%,d", rate) + " rows/s.\n\n"
                + table
                + "\n- **plain insert**: " + String.format(Locale.ROOT, "%,d", catchUpRows) + " tag values appended to SCADA-A's "
                + "empty store before it starts, by the store's own local append in transactions of "
                + String.format(Locale.ROOT, "%,d", DbSyncBench.FILL_BATCH) + " rows (one JDBC batch each, as the server's "
                + "writer commits): the plain JDBC batch insert rate of the database in this run, the reference of the goal.\n"
                + "- **catch-up**: then both servers start, SCADA-B with an empty store of the same database; SCADA-B applies each "
                + "batch by its database's bulk path (H2: INSERTs of " + DbSyncBench.H2_ROWS_PER_STATEMENT + " rows each; "
                + "PostgreSQL: binary COPY) with the same checks, transactions and marks; rows SCADA-B applied "
                + "after its first transaction over the time from its first to its last (each row's `stored_micros`, B's own "
                + "clock). **start to in sync**: from starting both processes to B's status saying in sync with A, lag 0 rows "
                + "(JVM start, election and link set-up included).\n"
                + "- **steady**: the primary's load generator writes the offered rate from its election to the end of the "
                + "window; the window runs " + steadySeconds + " s from one second after the backup first said in sync (shorter, "
                + "and said so, when the servers were slow to start). **written**: rows the primary stored in the window, per second; **replicated**: rows the backup stored "
                + "in the window, per second; **lag**: backup's `stored_micros` minus the primary's for each row the primary "
                + "stored in the window (one machine, one clock; each store takes one time per transaction, right before its "
                + "insert), percentiles by nearest rank; **missing**: rows of the window the backup never got; **refused**: rows "
                + "the primary's writer refused (queue full).\n\n"
                + "## Goals\n\n" + goals;
        write(outDir, "dbsync", doc, md, table);
        return 0;
    }

    private static String rate(double rowsPerSecond) {
        return rowsPerSecond < 0 ? "–" : String.format(Locale.ROOT, "%,.0f", rowsPerSecond);
    }

    private static String seconds(long ms) {
        return ms < 0 ? "–" : String.format(Locale.ROOT, "%.1f", ms / 1000.0);
    }

    private static String lagMs(double ms) {
        return ms < 0 ? "–" : String.format(Locale.ROOT, "%.1f", ms);
    }

    private static int[] timing(String timing) {
        String[] pt = timing.split("/");
        return new int[] { Integer.parseInt(pt[0].trim()), Integer.parseInt(pt[1].trim()) };
    }

    private static String ms(long value) {
        return value < 0 ? "–" : String.valueOf(value);
    }

    private static String machine() {
        return Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version") + ", "
                + Instant.now();
    }

    private static Map<String, Object> document(String name, long seconds, Map<String, Object> parameters) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("benchmark", name);
        doc.put("date", Instant.now().toString());
        doc.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(), "java", System.getProperty("java.version"),
                "os", System.getProperty("os.name") + " " + System.getProperty("os.version")));
        doc.put("parameters", parameters);
        doc.put("percentiles", "nearest rank");
        doc.put("runSeconds", seconds);
        return doc;
    }

    private void write(Path outDir, String name, Map<String, Object> doc, String md, CharSequence table) throws Exception {
        Files.createDirectories(outDir);
        ObjectMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        Files.writeString(outDir.resolve(name + ".json"), json.writeValueAsString(doc) + "\n");
        Files.writeString(outDir.resolve(name + ".md"), md);
        log.println();
        log.print(table);
        log.println("wrote " + outDir.resolve(name + ".json") + " and " + name + ".md (" + doc.get("runSeconds") + " s)");
        log.flush();
    }

    private Round round(RedundancySet set, String mode, int r, int timeout, int[] twoPrimaries) {
        try {
            int primary = set.awaitStable(Duration.ofSeconds(60));
            int backup = 1 - primary;
            ServerProcess victim = set.server(primary);
            long oldTerm = set.status(backup).term();
            long actionAt = System.currentTimeMillis();
            switch (mode) {
            case "crash" -> victim.kill();
            case "freeze" -> victim.freeze();
            case "graceful" -> victim.terminate(Duration.ofSeconds(10));
            default -> throw new IllegalArgumentException("unknown mode " + mode);
            }
            RedundancyStatus after = set.server(backup).await(set.monitor(),
                    s -> s.role() == Role.PRIMARY && s.term() > oldTerm, Duration.ofMillis(timeout * 3L + 10_000), "primary");
            RoleChange c = after.roleChanges().stream().filter(x -> x.to() == Role.PRIMARY).reduce((a, b) -> b).orElseThrow();
            if ("freeze".equals(mode)) {
                victim.thaw();
            } else {
                victim.start();
            }
            set.awaitStable(Duration.ofSeconds(60));
            int primaries = 0;
            for (int i = 0; i < 2; i++) {
                if (set.server(i).isAlive() && set.status(i).role() == Role.PRIMARY) {
                    primaries++;
                }
            }
            if (primaries > 1) {
                twoPrimaries[0]++;
            }
            return new Round(r, c.cause().jsonName(), c.failoverMs(), c.becamePrimaryAtMillis() - actionAt, c.term(), true, "");
        } catch (Exception e) {
            log.println("round " + r + " (" + mode + ") failed: " + e.getMessage());
            try {
                for (ServerProcess s : set.servers()) {
                    if (!s.isAlive()) {
                        s.start();
                    } else {
                        s.thaw();
                    }
                }
            } catch (Exception again) {
                log.println("could not restore the set: " + again.getMessage());
            }
            return new Round(r, "", -1, -1, -1, false, String.valueOf(e.getMessage()));
        }
    }
}

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
 * Each writes its own {@code NAME.json} and {@code NAME.md}.
 */
@Command(name = "bench", description = "Benchmarks with real server processes: 'bench failover' (failover times), "
        + "'bench three-cut' (three servers, the primary's link to the top backup cut silent), 'bench heal' (two servers "
        + "cut silent, then mended), 'bench loaded' (every core busy: false failovers, kill -9 under load).")
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "WHAT", description = "failover, three-cut, heal or loaded")
    String what;

    @Option(names = "--rounds", defaultValue = "20", description = "Rounds per mode, timing and cut length (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--timings", defaultValue = "1000/3000,100/300", split = ",", description = "Period/Timeout pairs in ms (default: ${DEFAULT-VALUE}).")
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

    private PrintWriter log;

    /** One failure and takeover. */
    record Round(int round, String cause, long failoverMs, long actionToTakeoverMs, long term, boolean ok, String note) {
    }

    @Override
    public Integer call() throws Exception {
        log = spec.commandLine().getOut();
        Path outDir = out != null ? out : Path.of(System.getProperty("duplex.root", "."), "benchmarks");
        switch (String.valueOf(what)) {
        case "failover" -> failover(outDir);
        case "three-cut" -> partition(outDir, "three-cut", 3, cutSeconds != null ? cutSeconds : List.of(20));
        case "heal" -> partition(outDir, "heal", 2, cutSeconds != null ? cutSeconds : List.of(5, 20));
        case "loaded" -> loaded(outDir);
        default -> {
            spec.commandLine().getErr().println("unknown benchmark '" + what + "'; try: bench failover, three-cut, heal or loaded");
            return CheckCommand.USAGE;
        }
        }
        return 0;
    }

    private void failover(Path outDir) throws Exception {
        Map<String, Object> results = new LinkedHashMap<>();
        StringBuilder table = new StringBuilder();
        table.append("| Period/Timeout ms | mode | n | failover p50 | p99 | max | action→takeover p50 | p99 | max | freeze overhead p50 | p99 | max | failed rounds | two primaries |\n");
        table.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        int twoPrimariesTotal = 0;
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
                    List<Long> failover = list.stream().filter(Round::ok).map(Round::failoverMs).toList();
                    List<Long> action = list.stream().filter(Round::ok).map(Round::actionToTakeoverMs).toList();
                    List<Long> overhead = "freeze".equals(mode) ? failover.stream().map(f -> f - timeout).toList() : List.of();
                    Stats f = Stats.of(failover);
                    Stats a = Stats.of(action);
                    Stats o = Stats.of(overhead);
                    long failed = list.stream().filter(x -> !x.ok()).count();
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("periodMs", period);
                    entry.put("timeoutMs", timeout);
                    entry.put("mode", mode);
                    entry.put("failoverMs", f);
                    entry.put("actionToTakeoverMs", a);
                    if ("freeze".equals(mode)) {
                        entry.put("freezeOverheadMs", o);
                    }
                    entry.put("failedRounds", failed);
                    entry.put("twoPrimaries", twoPrimaries[0]);
                    entry.put("rounds", list);
                    results.put(timing + " " + mode, entry);
                    table.append(String.format(Locale.ROOT, "| %d/%d | %s | %d | %d | %d | %d | %d | %d | %d | %s | %s | %s | %d | %d |%n",
                            period, timeout, mode, f.n(), f.p50(), f.p99(), f.max(), a.p50(), a.p99(), a.max(),
                            o.n() == 0 ? "–" : String.valueOf(o.p50()), o.n() == 0 ? "–" : String.valueOf(o.p99()),
                            o.n() == 0 ? "–" : String.valueOf(o.max()), failed, twoPrimaries[0]));
                    log.printf("%s %s: failover p50 %d p99 %d max %d ms; action->takeover p50 %d p99 %d ms; failed %d%n", timing,
                            mode, f.p50(), f.p99(), f.max(), a.p50(), a.p99(), failed);
                    log.flush();
                }
            }
        }
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        Map<String, Object> doc = document("failover", seconds, Map.of("rounds", rounds, "timings", timings, "modes", modes,
                "retryCount", 3));
        doc.put("twoPrimaries", twoPrimariesTotal);
        doc.put("results", results);
        String md = "# Failover benchmark\n\n"
                + "`./scada-redundancy bench failover` on " + Runtime.getRuntime().availableProcessors() + " cores, Java "
                + System.getProperty("java.version") + ", " + Instant.now() + "; " + rounds + " failures per mode and timing, "
                + "two real server processes on loopback (mutual TLS), run time " + seconds + " s.\n\n"
                + table
                + "\nAll times in ms, percentiles by nearest rank (with 20 rounds p99 is the maximum).\n\n"
                + "- **failover**: the backup's own record: from the old primary's last sign of life (its last heartbeat, its "
                + "HANDOVER frame, or the reset of its link) to the moment the backup became primary, on the backup's monotonic clock.\n"
                + "- **action→takeover**: from the benchmark's kill -9 / SIGSTOP / SIGTERM to the backup becoming primary (wall clock, one machine).\n"
                + "- **freeze overhead**: failover minus Timeout: what detection and takeover add to the configured silence.\n"
                + "- **two primaries**: rounds after which more than one running server reported itself primary once the set was stable again.\n\n"
                + "Goals: freeze overhead p99 < 50 ms; crash and graceful failover p99 < 100 ms whatever the Timeout; never two primaries.\n";
        write(outDir, "failover", doc, md, table);
    }

    private void partition(Path outDir, String name, int servers, List<Integer> cuts) throws Exception {
        boolean three = servers == 3;
        StringBuilder table = new StringBuilder();
        if (three) {
            table.append("| Period/Timeout ms | cut s | n | term changes during cut p50 | max | role changes during cut p50 | max "
                    + "| rounds with two primaries | two primaries ms p50 | max | single primary after cut p50 | p99 | max "
                    + "| not single at mend | single primary after mend p50 | p99 | max | term changes after mend max |\n");
            table.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        } else {
            table.append("| Period/Timeout ms | cut s | n | mend→single primary p50 | p99 | max | goal | rounds over goal "
                    + "| never single | term changes after mend max | role changes after mend max |\n");
            table.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        }
        Map<String, Object> results = new LinkedHashMap<>();
        long started = System.nanoTime();
        PartitionBench bench = new PartitionBench(log, servers);
        for (String timing : timings) {
            int[] pt = timing(timing);
            for (int cut : cuts) {
                List<PartitionBench.Round> list = bench.run(pt[0], pt[1], cut, rounds);
                Map<String, Object> e = PartitionBench.summary(pt[0], pt[1], cut, list);
                results.put(timing + " cut " + cut + " s", e);
                Stats after = (Stats) e.get("singlePrimaryAfterMendMs");
                if (three) {
                    Stats terms = (Stats) e.get("termChangesDuringCut");
                    Stats roles = (Stats) e.get("roleChangesDuringCut");
                    Stats two = (Stats) e.get("twoPrimaryMsDuringCut");
                    Stats single = (Stats) e.get("singlePrimaryAfterCutMs");
                    Stats termsAfter = (Stats) e.get("termChangesAfterMend");
                    table.append(String.format(Locale.ROOT, "| %d/%d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %s | %s | %s | %d | %s | %s | %s | %d |%n",
                            pt[0], pt[1], cut, list.size(), terms.p50(), terms.max(), roles.p50(), roles.max(),
                            e.get("roundsWithTwoPrimaries"), two.p50(), two.max(), ms(single.p50()), ms(single.p99()),
                            ms(single.max()), e.get("noSinglePrimaryAtMend"), ms(after.p50()), ms(after.p99()), ms(after.max()),
                            termsAfter.max()));
                } else {
                    long goal = pt[0] + 500L;
                    long over = list.stream().filter(x -> x.singlePrimaryAfterMendMs() < 0 || x.singlePrimaryAfterMendMs() >= goal).count();
                    long rolesAfter = list.stream().mapToLong(x -> x.roleChangesAfterMend().values().stream().mapToInt(Integer::intValue).sum())
                            .max().orElse(0);
                    table.append(String.format(Locale.ROOT, "| %d/%d | %d | %d | %s | %s | %s | < %d | %d | %d | %d | %d |%n", pt[0], pt[1],
                            cut, list.size(), ms(after.p50()), ms(after.p99()), ms(after.max()), goal, over,
                            e.get("neverSingleAfterMend"), ((Stats) e.get("termChangesAfterMend")).max(), rolesAfter));
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
                + "Goals: at most 2 term changes per fault; never two primaries while the live servers are connected.\n"
                : "# Heal after a cut\n\n"
                + "`./scada-redundancy bench heal` on " + machine() + "; " + rounds + " rounds per timing and cut length, "
                + "two real server processes on loopback, their link through relays; run time " + seconds + " s.\n\n"
                + "Each round: the set is stable, the link is cut silent for the cut length (the backup takes over after Timeout: "
                + "two primaries, as a two-server set must), then mended.\n\n"
                + table
                + "\nTimes in ms, percentiles by nearest rank.\n\n"
                + "- **mend→single primary**: from the mend to the start of a stretch of exactly one primary that held for "
                + "max(2 s, 2 × Timeout), from every status event of both servers as it arrived.\n"
                + "- **rounds over goal**: rounds at or above Period + 500 ms, or never single.\n\n"
                + "Goal: p99 < Period + 500 ms.\n";
        write(outDir, name, doc, md, table);
    }

    private void loaded(Path outDir) throws Exception {
        StringBuilder table = new StringBuilder();
        table.append("| Period/Timeout ms | hogs | load s | false failovers | role changes | term changes | crash failover p50 | p99 | max "
                + "| action→takeover p50 | p99 | max | failed rounds | two primaries |\n");
        table.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        Map<String, Object> results = new LinkedHashMap<>();
        long started = System.nanoTime();
        LoadedBench bench = new LoadedBench(log);
        for (String timing : timings) {
            int[] pt = timing(timing);
            int[] twoPrimaries = { 0 };
            Map<String, Object> e = bench.run(pt[0], pt[1], loadSeconds, rounds,
                    (set, r) -> round(set, "crash", r, pt[1], twoPrimaries));
            e.put("twoPrimaries", twoPrimaries[0]);
            results.put(timing, e);
            Stats f = (Stats) e.get("crashFailoverMs");
            Stats a = (Stats) e.get("crashActionToTakeoverMs");
            table.append(String.format(Locale.ROOT, "| %d/%d | %s | %d | %s | %s | %s | %d | %d | %d | %d | %d | %d | %s | %d |%n", pt[0],
                    pt[1], e.get("hogs"), loadSeconds, e.get("falseFailovers"), e.get("roleChanges"), e.get("termChanges"), f.p50(), f.p99(), f.max(),
                    a.p50(), a.p99(), a.max(), e.get("failedRounds"), twoPrimaries[0]));
        }
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        Map<String, Object> doc = document("loaded", seconds, Map.of("rounds", rounds, "timings", timings, "loadSeconds",
                loadSeconds, "retryCount", 3));
        doc.put("results", results);
        String md = "# Failover under load\n\n"
                + "`./scada-redundancy bench loaded` on " + machine() + "; two real server processes on loopback while one busy "
                + "shell loop per core runs (the servers compete for every core); per timing " + loadSeconds + " s with no fault, "
                + "then " + rounds + " kill -9 of the primary under the same load; run time " + seconds + " s.\n\n"
                + table
                + "\nTimes in ms, percentiles by nearest rank.\n\n"
                + "- **false failovers**: takeovers (`role-change ...->primary` lines) either server logged during the load period, in "
                + "which nothing failed; **role changes**: all `role-change` lines of both.\n"
                + "- **crash failover**, **action→takeover**: as in `bench failover`'s crash mode.\n\n"
                + "Goals: no false failover; crash failover p99 < 100 ms under load.\n";
        write(outDir, "loaded", doc, md, table);
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
